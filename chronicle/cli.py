"""The command line: parse arguments, call one plain function per verb, map errors to exit codes.

Exit codes: 0 ok, 1 content errors (bad YAML, broken references, unreadable articles),
2 usage errors (argparse's own), 130 interrupted. No traceback ever reaches a user: every
expected failure is a `ContentError` or `ChronicleError` with a message that says how to fix it.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from chronicle import __version__
from chronicle.diagnostics import ContentError

#: verb -> "module:function"; each function takes the parsed options as keyword arguments
#: and returns an exit code. Imported lazily so `chronicle build` never loads the gazetteer.
COMMANDS = {
    "build": "chronicle.build:build_command",
    "check": "chronicle.validate:check_command",
    "init": "chronicle.init:init_command",
    "schema": "chronicle.schema:schema_command",
    "extract": "chronicle.extract.command:extract_command",
    "ingest": "chronicle.ingest:ingest_command",
    "serve": "chronicle.serve.command:serve_command",
}


class ChronicleError(Exception):
    """An expected failure outside content (a missing folder, a port in use): message only."""


def _root_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--root", type=Path, default=Path("."),
        help="the chronology folder (holding chronicle.yaml and content/); default: here",
    )


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chronicle",
        description="Turn news articles into a curated, interlinked static chronology.",
    )
    parser.add_argument("--version", action="version", version=f"chronicle {__version__}")
    verbs = parser.add_subparsers(dest="verb", metavar="COMMAND", required=True)

    build = verbs.add_parser("build", help="render content/ into a static site")
    _root_option(build)
    build.add_argument("--out", type=Path, help="output folder (default: output_dir, site/)")
    build.add_argument("--drafts", action=argparse.BooleanOptionalAction, default=None,
                       help="include draft events (default: chronicle.yaml `drafts`, true)")
    build.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build.add_argument("--search", action=argparse.BooleanOptionalAction, default=True,
                       help="write the Pagefind search index (default: yes)")
    build.add_argument("--watch", action="store_true", help="rebuild on every save, no server")
    build.add_argument("--quiet", "-q", action="store_true", help="print errors only")

    check = verbs.add_parser("check", help="report every problem in content/ at once")
    _root_option(check)
    check.add_argument("--strict", action="store_true", help="exit 1 on warnings too")

    init = verbs.add_parser("init", help="create a new chronology that builds at once")
    init.add_argument("path", type=Path, help="the folder to create")

    verbs.add_parser("schema", help="print the JSON Schema of events, actors and places")

    extract = verbs.add_parser(
        "extract", help="print draft events found in articles; writes nothing"
    )
    _root_option(extract)
    extract.add_argument("articles", nargs="+", type=Path, metavar="ARTICLE")
    extract.add_argument("--published", help="the articles' publication date, YYYY-MM-DD")
    extract.add_argument("--json", action="store_true", help="print JSON (the scorer's contract)")

    ingest = verbs.add_parser("ingest", help="write draft entries from articles; never overwrites")
    _root_option(ingest)
    ingest.add_argument("articles", nargs="+", type=Path, metavar="ARTICLE|DIR")
    ingest.add_argument("--published", help="the articles' publication date, YYYY-MM-DD")

    serve = verbs.add_parser("serve", help="build, serve on localhost, rebuild and reload on save")
    _root_option(serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port, or the next free one (8000)")
    serve.add_argument("--drafts", action=argparse.BooleanOptionalAction, default=None)
    serve.add_argument("--poll", action="store_true", help="poll for changes (no native events)")
    serve.add_argument("--ingest", action="store_true", help="also ingest new articles in seeds/")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = vars(make_parser().parse_args(argv))
    module_name, function_name = COMMANDS[args.pop("verb")].split(":")
    command = getattr(importlib.import_module(module_name), function_name)
    try:
        return command(**args)
    except ContentError as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic.format(), file=sys.stderr)
        errors = sum(d.is_error for d in exc.diagnostics)
        print(f"{errors} error(s); nothing was written.", file=sys.stderr)
        return 1
    except ChronicleError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `chronicle schema | head`: the reader left, nothing is wrong
        sys.stderr.close()
        return 0
