"""One rebuild for one settled batch of changed paths, with every failure reported.

Failures are outcomes, never swallowed: a `ContentError` keeps its diagnostics (the server
shows them as an overlay), anything else keeps its message and traceback; both are printed.
The previous site stays in place because the build swaps its output in only on success.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

from chronicle import timing
from chronicle.cli import ChronicleError
from chronicle.diagnostics import ContentError, Diagnostic
from chronicle.model import Config
from chronicle.watch.classify import ChangeKind, RebuildPlan, Scope, classify, plan_rebuild


class BuildFunction(Protocol):
    def __call__(self, root: Path, out: Path | None = None, *, drafts: bool | None = None,
                 changed: Iterable[Path] | None = None, **options: Any) -> Any: ...


@dataclass(frozen=True)
class RebuildOutcome:
    """What a rebuild did: a build report, or the diagnostics or crash that stopped it."""

    paths: frozenset[Path]
    plan: RebuildPlan
    report: Any = None
    diagnostics: tuple[Diagnostic, ...] = ()
    failure: str | None = None     # why the build stopped, when not a content error
    crashed: bool = False          # failure is an unexpected exception (a bug), with traceback
    seconds: float = 0.0
    ingested: tuple[Path, ...] = field(default=())
    output: Path | None = None     # where the site now is, and the URL path it lives under
    base_path: str = "/"

    @property
    def built(self) -> bool:
        return self.report is not None

    @property
    def ok(self) -> bool:
        return not self.diagnostics and self.failure is None


def read_watch_config(root: Path) -> Config:
    """The few settings the watcher needs (folders, site_url), read leniently: a broken
    chronicle.yaml is the build's to report, and must not stop the watcher."""
    try:
        data = yaml.safe_load((root / "chronicle.yaml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return Config()
    if not isinstance(data, dict):
        return Config()
    keys = ("content_dir", "output_dir", "site_url")
    return Config(**{k: data[k] for k in keys if isinstance(data.get(k), str) and data[k]})


def default_build() -> BuildFunction:
    """A Builder that remembers its last build, so a save re-renders only what it touched."""
    from chronicle.build import Builder

    return Builder()


def default_ingest(root: Path, articles: list[Path]) -> None:
    """Ingest new articles through `chronicle ingest`'s own function."""
    from chronicle.ingest import ingest_command

    ingest_command(root=root, articles=articles, published=None)


class Rebuilder:
    """Turns a batch of changed paths into one build call and an outcome for `on_rebuilt`."""

    def __init__(self, root: Path, out: Path | None = None, *, drafts: bool | None = None,
                 build: BuildFunction | None = None, ingest: bool = False,
                 ingest_articles: Callable[[Path, list[Path]], None] | None = None,
                 on_rebuilt: Callable[[RebuildOutcome], None] | None = None,
                 log: Callable[[str], None] | None = None,
                 build_options: dict[str, Any] | None = None) -> None:
        self.root = root
        self.build_options = dict(build_options or {})  # e.g. search=False: serve indexes later
        self.out = out
        self.drafts = drafts
        self.config = read_watch_config(root)
        self._build = build or default_build()
        self._ingest = ingest
        self._ingest_articles = ingest_articles or default_ingest
        self._on_rebuilt = on_rebuilt
        self._log = log or (lambda text: print(text, file=sys.stderr, flush=True))

    def output(self) -> Path:
        return self.out if self.out is not None else self.root / self.config.output_dir

    def __call__(self, paths: Iterable[Path]) -> RebuildOutcome | None:
        started = time.perf_counter()
        paths = frozenset(paths)
        kinds = {p: classify(p, self.root, self.config, out=self.out) for p in paths}
        plan = plan_rebuild(kinds.values(), ingest=self._ingest)
        if plan.scope is Scope.FULL:
            self.config = read_watch_config(self.root)
        relevant = frozenset(p for p, k in kinds.items() if k is not ChangeKind.IGNORE)
        if plan.scope is Scope.NONE and not plan.ingest:
            return None
        outcome = self._run(relevant, kinds, plan)
        self._finish(outcome, started)
        if outcome.built:
            self.warm()
        return outcome

    def build_once(self) -> RebuildOutcome:
        """The first build when watching starts: a full build through the same reporting."""
        started = time.perf_counter()
        outcome = self._run(frozenset(), {}, RebuildPlan(Scope.FULL))
        self._finish(outcome, started)
        return outcome

    def warm(self) -> None:
        """Let a remembering build make what the next save needs (Builder.warm), so that
        save is as quick as any: after a rebuild's reload, on the thread that rebuilds,
        and once after the first build (the watcher asks, so serving need not wait)."""
        warm = getattr(self._build, "warm", None)
        if warm is not None:
            warm()

    def _finish(self, outcome: RebuildOutcome, started: float) -> None:
        self._report(outcome)
        if self._on_rebuilt is not None:
            self._on_rebuilt(outcome)
        timing.note("rebuild.handed-on", time.perf_counter() - started, "(built and reloaded)")

    def _run(self, paths: frozenset[Path], kinds: dict[Path, ChangeKind],
             plan: RebuildPlan) -> RebuildOutcome:
        started = time.perf_counter()
        ingested: list[Path] = []
        result: dict[str, Any] = {}
        try:
            if plan.ingest:
                ingested = self._ingest_new(kinds)
            if plan.scope is not Scope.NONE:
                changed = None if plan.scope is Scope.FULL else sorted(paths)
                result["report"] = self._build(self.root, self.out, drafts=self.drafts,
                                               changed=changed, **self.build_options)
        except ContentError as exc:
            result["diagnostics"] = tuple(exc.diagnostics)
        except ChronicleError as exc:  # expected: a template error, a missing theme
            result["failure"] = str(exc)
        except Exception as exc:  # reported in full, and the watcher goes on
            detail = "".join(traceback.format_exception(exc))
            result.update(failure=f"{type(exc).__name__}: {exc}\n{detail}", crashed=True)
        return RebuildOutcome(paths, plan, seconds=time.perf_counter() - started,
                              ingested=tuple(ingested), output=self.output(),
                              base_path=self.config.base_path, **result)

    def _ingest_new(self, kinds: dict[Path, ChangeKind]) -> list[Path]:
        articles = sorted(p for p, k in kinds.items() if k is ChangeKind.SEED and p.is_file()
                          and not p.name.endswith(".meta.yaml"))
        if articles:
            self._ingest_articles(self.root, articles)
        return articles

    def _report(self, outcome: RebuildOutcome) -> None:
        names = ", ".join(sorted(_shown(p, self.root) for p in outcome.paths)) or "first build"
        if outcome.diagnostics:
            errors = [d for d in outcome.diagnostics if d.is_error]
            for diagnostic in errors:  # warnings would bury them; the count says they exist
                self._log(diagnostic.format())
            warnings = len(outcome.diagnostics) - len(errors)
            also = f" (and {warnings} warning(s): `chronicle check` lists them)" if warnings else ""
            self._log(f"{len(errors)} error(s) after changing {names}{also}; the last good "
                      "site stays. Fix and save to rebuild.")
        elif outcome.failure and not outcome.crashed:
            self._log(f"error: {outcome.failure}\nThe last good site stays; fix and save.")
        elif outcome.failure:
            self._log(f"the rebuild after changing {names} crashed (a bug in Chronicle, please "
                      f"report it); the last good site stays:\n{outcome.failure}")
        elif outcome.built:
            rendered = getattr(outcome.report, "rendered", None)
            count = f"{len(rendered)} page(s) re-rendered" if rendered is not None else "rebuilt"
            self._log(f"{names}: {count} in {outcome.seconds * 1000:.0f} ms")
        for article in outcome.ingested:
            self._log(f"ingested {_shown(article, self.root)}")


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
