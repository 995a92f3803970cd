"""Where a cold build's time goes: each stage of one build, timed in one process.

    python benchmarks/bench_stages.py --n 10000 [--runs 3] [--seed 1]

bench_build.py compares whole builds with Hugo; this script says what each part of
Chronicle's build costs, so a change can be aimed at the largest one. Issue 6 asks for the
cost of search indexing and of the charts and maps: they are rows of this table.

One build at a time, serial (one core), with nothing cached: load and check every file, link,
plan, render every page into a fresh folder, then index it for search. As in a build, each page
is read for the search index as it is rendered ("search reading", a share of "render pages"),
and "search index" is what is left: joining those readings and writing the bundle. The time
spent making charts (the index's and each actor's and place's) and maps (each place page's
and the places index's) is measured inside rendering by timing the functions that make them;
the Markdown summaries likewise. Each figure is the median over --runs builds, in wall
seconds of this one process (a parallel build spreads the render row over the cores).
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import dataset_parser, ensure_dataset

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from chronicle import build as build_module  # noqa: E402
from chronicle import pages as pages_module  # noqa: E402
from chronicle.link import link  # noqa: E402
from chronicle.render import batch, explore  # noqa: E402
from chronicle.render.templates import (  # noqa: E402
    make_environment,
    template_digests,
    template_dirs,
    theme_dir,
)
from chronicle.search import RenderedPages, index_site  # noqa: E402
from chronicle.validate import load_checked  # noqa: E402

#: functions timed inside rendering: (module, attribute, row of the table)
TIMED = (
    (explore, "chart_context", "charts"),
    (explore, "place_map_context", "maps"),
    (explore, "overview_map_context", "maps"),
)


class Stopwatch:
    """Seconds per stage; nested timers are not subtracted, so rows inside 'render' are
    shares of it, not additions to it."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def time(self, stage: str, work: Callable[[], object]) -> object:
        start = time.perf_counter()
        try:
            return work()
        finally:
            self.seconds[stage] += time.perf_counter() - start

    def wrap(self, stage: str, function: Callable) -> Callable:
        def timed(*args, **kwargs):
            return self.time(stage, lambda: function(*args, **kwargs))
        return timed


def page_keys(planned: list, linked, env, folders: list[Path], config) -> dict[str, str]:
    """The content keys a build computes for every page (to skip unchanged ones next time)."""
    fingerprint = pages_module.Fingerprints(linked)
    templates = template_digests(env, folders)
    shared = build_module._shared_digest(repr(config))
    return {page.url: build_module._page_key(page, fingerprint, templates, shared)
            for page in planned}


def one_build(root: Path, watch: Stopwatch, out: Path) -> int:
    """A cold, serial build of `root` into `out`, a new folder; returns the page count."""
    shutil.rmtree(root / ".chronicle-cache", ignore_errors=True)
    chronology, _ = watch.time("load and check", lambda: load_checked(root))
    linked = watch.time("link", lambda: link(chronology))
    theme = theme_dir(root, chronology.config.theme)
    folders = template_dirs(root, theme)
    env = make_environment(folders)
    if "markdown" in env.filters:  # templates look filters up when they are compiled
        env.filters["markdown"] = watch.wrap("markdown", env.filters["markdown"])
    planned = watch.time("plan", lambda: pages_module.plan(linked) + pages_module.static_pages(
        theme / "static", "static/"))
    watch.time("page keys", lambda: page_keys(planned, linked, env, folders, chronology.config))
    originals = [(module, name, getattr(module, name)) for module, name, _ in TIMED]
    for (module, name, stage), (_, _, function) in zip(TIMED, originals, strict=True):
        setattr(module, name, watch.wrap(stage, function))
    serial_limit, batch.PARALLEL_MIN_PAGES = batch.PARALLEL_MIN_PAGES, sys.maxsize
    try:
        pages = [p for p in planned if p.kind != "data"]
        exports = [p for p in planned if p.kind == "data"]
        class TimedReading(RenderedPages):
            add = watch.wrap("search reading", RenderedPages.add)

        readings = watch.time("render pages", lambda: batch.render_all(
            pages, out, env, chronology.config, lambda: TimedReading(out)))
        watch.time("exports", lambda: batch.render_all(exports, out, env,
                                                       chronology.config))
    finally:
        batch.PARALLEL_MIN_PAGES = serial_limit
        for module, name, function in originals:
            setattr(module, name, function)
    names = [p.url for p in planned if p.url.endswith(".html")]
    watch.time("search index", lambda: index_site(out, fresh=readings, names=names))
    return len(planned)


def main(argv: list[str] | None = None) -> int:
    parser = dataset_parser(__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="builds to take the median of")
    options = parser.parse_args(argv)
    if options.n < 1 or options.runs < 1:
        parser.error("--n and --runs must be at least 1")
    root, _ = ensure_dataset(options.n, options.seed, options.cache)
    runs: list[dict[str, float]] = []
    # every build writes a new folder, all deleted after the last: on this machine's disk
    # (ext4 without a journal) files created right after a mass deletion cost several times
    # more kernel time (see bench_build.Outputs)
    outputs = Path(tempfile.mkdtemp(prefix="chronicle-stages-"))
    try:
        for run in range(options.runs):
            watch = Stopwatch()
            started = time.perf_counter()
            count = one_build(root, watch, outputs / str(run))
            watch.seconds["whole build"] = time.perf_counter() - started
            runs.append(watch.seconds)
    finally:
        shutil.rmtree(outputs, ignore_errors=True)
    print(f"{options.n} events, {count} pages, serial, median of {options.runs} cold build(s)")
    whole = statistics.median(run["whole build"] for run in runs)
    order = ["load and check", "link", "plan", "page keys", "render pages", "  charts", "  maps",
             "  markdown", "  search reading", "exports", "search index", "whole build"]
    for row in order:
        stage = row.strip()
        seconds = statistics.median(run.get(stage, 0.0) for run in runs)
        print(f"{row:<16} {seconds:8.2f} s  {100 * seconds / whole:5.1f} %")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
