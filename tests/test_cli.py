"""The command line as a person meets it: `--help` everywhere, exit 2 for usage mistakes,
exit 1 with a message (never a traceback) for bad input, and `python -m chronicle` works."""

from __future__ import annotations

import inspect
import re
import shutil
import subprocess
import sys
from importlib import import_module

import pytest
from conftest import REPO, copy_chronology, require_tool

from chronicle import __version__
from chronicle.cli import COMMANDS, make_parser

#: the fewest arguments each verb accepts, to check the wiring without running it
MINIMAL_ARGS = {"init": ["new"], "extract": ["a.txt"], "ingest": ["a.txt"]}


def chronicle(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "chronicle", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300, check=False)


def test_python_m_chronicle_help_lists_every_command():
    result = chronicle("--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: chronicle")
    for verb in COMMANDS:
        assert verb in result.stdout, f"`chronicle --help` does not mention {verb}"


def test_version():
    result = chronicle("--version")
    assert (result.returncode, result.stdout.strip()) == (0, f"chronicle {__version__}")


@pytest.mark.parametrize("verb", sorted(COMMANDS))
def test_every_command_has_help(verb):
    result = chronicle(verb, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: chronicle {verb}"), result.stdout[:200]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("verb", sorted(COMMANDS))
def test_every_command_reaches_a_function_taking_its_options(verb):
    """The verb's function exists and accepts exactly what the parser hands it."""
    options = vars(make_parser().parse_args([verb, *MINIMAL_ARGS.get(verb, [])]))
    options.pop("verb")
    module_name, function_name = COMMANDS[verb].split(":")
    function = getattr(import_module(module_name), function_name)
    inspect.signature(function).bind(**options)  # raises TypeError on a mismatch


@pytest.mark.parametrize("args", [
    [],
    ["publish"],
    ["build", "--no-such-option"],
    ["build", "--out"],
    ["init"],
    ["extract"],
    ["serve", "--port", "eighty"],
    ["check", "surplus-argument"],
], ids=lambda args: " ".join(args) or "no-command")
def test_usage_errors_exit_2(args):
    result = chronicle(*args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "usage: chronicle" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_console_script_is_installed():
    script = shutil.which("chronicle")
    require_tool(script is not None, "the `chronicle` script is not on PATH (pip install -e .)")
    result = subprocess.run([script, "--version"], capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout.strip()) == (0, f"chronicle {__version__}")


@pytest.mark.parametrize("verb", ["build", "check"])
def test_a_missing_chronology_is_a_message_not_a_traceback(verb, tmp_path):
    result = chronicle(verb, "--root", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert "nowhere" in result.stderr, "the message does not say which folder is missing"
    assert not (tmp_path / "nowhere").exists(), "a failed command created the folder"


def test_build_from_the_command_line(tmp_path):
    """`chronicle build` in a chronology folder writes site/ there and exits 0."""
    root = copy_chronology(REPO, tmp_path / "chronology")
    result = chronicle("build", cwd=root)
    assert result.returncode == 0, result.stderr
    assert (root / "site" / "index.html").is_file()
    assert (root / "site" / "pagefind" / "pagefind.js").is_file(), "search is on by default"
    assert "Traceback" not in result.stderr


def test_build_without_search_writes_no_index(tmp_path):
    """`--no-search` is the quick build for a draft: the pages, but no Pagefind bundle."""
    root = copy_chronology(REPO, tmp_path / "chronology")
    result = chronicle("build", "--no-search", "--out", str(tmp_path / "out"), cwd=root)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "index.html").is_file()
    assert not (tmp_path / "out" / "pagefind").exists()


def readme_blocks(language: str) -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```$", text, re.MULTILINE | re.DOTALL)


def test_readme_opens_with_the_two_set_up_commands():
    """The first command builds the site; the second is the one CI runs, so they cannot drift."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    setup = text.split("\n## ")[1]
    assert setup.startswith("Set up"), "the README's first section is not the set-up"
    commands = [block.strip() for block in readme_blocks("sh")[:2]]
    assert commands == ["pip install -e . && chronicle build", "bash .ci/run"]
    workflow = (REPO / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    assert "run: bash .ci/run" in workflow
    assert "\npython -m pytest" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_the_readme_example_event_is_valid(tmp_path):
    """The event the content reference shows passes `chronicle check` in the sample."""
    example = next(block for block in readme_blocks("yaml") if block.startswith("title:"))
    root = copy_chronology(REPO, tmp_path / "chronology")
    entry = root / "content" / "events" / "2019-01-20-readme-example.yaml"
    entry.write_text(example, encoding="utf-8")
    result = chronicle("check", cwd=root)
    assert result.returncode == 0, result.stderr
    assert entry.name not in result.stderr, result.stderr
