"""Render many pages into a folder: serially, or on every core for a large build.

Rendering is the one step whose cost grows with the page count, and every page is
independent, so a large build forks workers; they inherit the loaded chronology and the
compiled templates instead of loading them again, and write their pages themselves.
A caller may also have each page read while its HTML is in hand (`reader`: the search
index's reading of pages), so that no later step opens ten thousand files again.
"""

from __future__ import annotations

import contextlib
import gc
import marshal
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from chronicle import forked
from chronicle.content.load import collector_paused
from chronicle.pages import Page, export_rank
from chronicle.render import ThemeError, render_page
from chronicle.render import exports as export_module
from chronicle.render.templates import make_rows
from chronicle.write import make_folder, write_bytes

PARALLEL_MIN_PAGES = 1500  # below this, starting workers costs more than it saves
#: Each range in a fresh fork. A worker that lived on kept a private copy of every page of
#: the chronology it had read (a read writes reference counts) and every row it had made:
#: ~250 MB each at 50,000 events, against ~70-150 MB for one range. What a fresh worker
#: makes again is little: a range's pages are contiguous in URL order, so the rows and
#: words they share were mostly made within the range anyway.
TASKS_PER_WORKER = 1


class Reader(Protocol):
    """Reads the pages of one batch as they are rendered, each once, then says what it made
    of them as plain data (which marshal can send back from a worker)."""

    def add(self, url: str, data: bytes) -> None: ...

    def finish(self) -> object: ...


class EarlyExports:
    """The exports of a build that renders every page, started (`start_exports`) as soon
    as the chronology is linked: they read nothing else, and would otherwise wait for the
    plan and the page keys, made in the parent while the second core idles."""

    def __init__(self, urls: set[str], started: forked.Started) -> None:
        self.urls, self._started = urls, started

    def readings(self) -> list[object]:
        return _unpacked(self._started.results())

    def stop(self) -> None:
        self._started.stop()


#: a page's cost beside the inputs it lists (see `page_cost`): its file, its frame
PAGE_BASE_COST = 4


def page_cost(page: Page) -> int:
    """A page's expected share of a render range's time. A page lists what it depends on,
    and what it lists is most of what it renders: at 10,000 events, CPU per page over
    deps + 4 was 0.013-0.028 ms across events (12 deps), places (26), actors (66) and
    years (335), where pages' own CPU spans 0.2-9.5 ms. Close enough to cut ranges of
    similar work; `guided_ranges` makes the last ones small, which absorbs the rest."""
    return len(page.deps) + PAGE_BASE_COST


def forks(pages: int) -> bool:
    """Whether render_all renders this many pages on forked workers."""
    return forked.worth_forking(pages, PARALLEL_MIN_PAGES, forked.workers())


def start_exports(exports: list[Page], staging: Path, env, config,
                  reader: Callable[[], Reader] | None = None) -> EarlyExports | None:
    """Render and write the exports under `staging` on a forked worker, one after the other
    in one range (see `_export_ranges`), while the caller goes on; `render_all(...,
    early=)` then renders the rest and joins them. None when no process could be forked:
    render_all then renders them too."""
    exports = sorted(exports, key=_render_order)
    started = forked.start(_range_job(exports, staging, env, config, reader),
                           _export_ranges(len(exports)), tasks_per_worker=TASKS_PER_WORKER)
    return EarlyExports({p.url for p in exports}, started) if started is not None else None


def render_all(pages: list[Page], staging: Path, env, config,
               reader: Callable[[], Reader] | None = None,
               early: EarlyExports | None = None, events: Sequence = (),
               existing: frozenset[str] = frozenset()) -> list[object]:
    """Render and write `pages` under `staging`. With `reader`, also hand each rendered
    page to a reader, one per batch, where the page was rendered (on the worker), and
    return what the readers made of their batches, in URL order (the exports, which are
    not pages to read, come first, together). Pages that `early` has in hand already
    are left to it, and its readings joined in their place. `events`, those the pages
    list, have their rows made before workers fork (see `_prepare_here`); `existing`,
    the folders under `staging` made already (see write.page_folder)."""
    if early is not None:
        pages = [p for p in pages if p.url not in early.urls]
        rest = render_all(pages, staging, env, config, reader, events=events,
                          existing=existing)
        return early.readings() + rest
    pages = sorted(pages, key=_render_order)
    count = forked.workers()
    if forks(len(pages)):
        # the exports, each as heavy as hundreds of pages, run in a worker of their own
        # beside page ranges (see `_export_ranges`)
        heavy = sum(p.kind == "data" for p in pages)
        bounds = _export_ranges(heavy) + forked.guided_ranges(
            [page_cost(p) for p in pages], count, heavy)
        # the loaded chronology, frozen, is never traversed by the workers' collections (and
        # its pages are not dirtied by them, so they stay shared); unfrozen after, so a
        # long-lived process still frees the chronologies it drops, unless the caller had
        # frozen it already (a one-shot build): then it is the caller's to unfreeze
        frozen_by_caller = gc.get_freeze_count() > 0
        _prepare_here(pages, events, env, config)
        gc.freeze()
        try:
            done = forked.run(_range_job(pages, staging, env, config, reader, existing), bounds,
                              count, alone=min(heavy, 1), tasks_per_worker=TASKS_PER_WORKER)
        finally:
            if not frozen_by_caller:
                gc.unfreeze()
        if done is not None:
            return _unpacked(done)
    return _render_range(pages, staging, env, config, reader, existing, 0, len(pages))


def _prepare_here(pages: list[Page], events: Sequence, env, config) -> None:
    """What every worker would make for itself, made once in this process before it forks.
    Each range runs in a fresh fork (TASKS_PER_WORKER), which compiled every template it
    met (with those it extends and includes): ~50 ms of an event page's first render
    against ~2 ms for its next, in each of some thirty ranges. And it made again every
    event row its pages listed: 49,000 rows at 10,000 events for 10,000 distinct. So one
    page of each template is rendered here (and dropped), and every event's row made
    (`make_rows`); the workers inherit both. A template that fails here fails again
    where it is rendered, which reports it."""
    with collector_paused():  # rows and compiled code: nothing for it to free
        seen: set[str] = set()
        for page in pages:
            if page.template is not None and page.template not in seen:
                seen.add(page.template)
                with contextlib.suppress(ThemeError):
                    render_page(env, page, config)
        make_rows(env, config, events)


def _render_order(page: Page) -> tuple[int, int, str]:
    """The exports first, in pages.EXPORT_ORDER, then the pages by URL."""
    if page.kind == "data":
        return 0, export_rank(page.url), page.url
    return 1, 0, page.url


def _export_ranges(exports: int) -> list[tuple[int, int]]:
    """The exports (the first `exports` pages) as one range: each lists every event, and
    in one worker they share what they have in common (the summaries' plain text, the
    inherited events that reading copies page by page, the entries of the piece memo),
    which a worker per export made four times over: 11 of a 50,000-event build's 56
    CPU-seconds, against 6 in one worker. The worker keeps no export's pieces past its
    file (see `_range_job`) and renders the largest first (pages.EXPORT_ORDER), so
    its peak memory is that export's, as with a worker each."""
    return [(0, exports)] if exports else []


def _range_job(pages: list[Page], staging: Path, env, config,
               reader: Callable[[], Reader] | None,
               existing: frozenset[str] = frozenset()) -> Callable[[int, int], bytes]:
    """A worker's job: render a range of `pages`, its readings sent back marshalled. The
    worker exits after its range (TASKS_PER_WORKER), so the export pieces it made are
    never asked for again: they are not kept (only those exports share)."""

    def job(start: int, stop: int) -> bytes:
        export_module.PIECES.keeps_pieces = False
        return marshal.dumps(_render_range(pages, staging, env, config, reader, existing,
                                           start, stop))

    return job


def _unpacked(batches: list[bytes]) -> list[object]:
    """The readings of the ranges `_range_job` rendered, in order."""
    return [reading for batch in batches for reading in marshal.loads(batch)]


def _render_range(pages, staging: Path, env, config, reader: Callable[[], Reader] | None,
                  existing: frozenset[str], start: int, stop: int) -> list[object]:
    base = str(staging) + "/"
    made: set[str] = set()
    reading = reader() if reader is not None else None
    for page in pages[start:stop]:
        path = base + page.url
        folder = path.rpartition("/")[0]
        if folder not in made and folder not in existing:
            make_folder(folder)
            made.add(folder)
        data = render_page(env, page, config)
        write_bytes(path, data)
        if reading is not None:
            reading.add(page.url, data)
    return [reading.finish()] if reading is not None else []
