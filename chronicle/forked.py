"""Work split over forked workers: how Chronicle uses every core.

Rendering pages, reading entry files and reading pages for search are each many independent
items. A forked worker inherits the job (the loaded chronology, the compiled templates, the
pages in hand) instead of receiving it pickled, works through contiguous ranges of items,
and sends back only what the caller asks for. Forking is Unix only and costs more than it
saves on small jobs; callers decide with `worth_forking` and otherwise run the job in their
own process, with the same results.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable
from typing import TypeVar

MAX_WORKERS = 4

Result = TypeVar("Result")
_JOB: Callable | None = None  # inherited by the workers


def workers() -> int:
    """The cores this process may use (its affinity, not the machine's count), at most
    MAX_WORKERS."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return min(cores, MAX_WORKERS)


def worth_forking(items: int, minimum: int, processes: int) -> bool:
    return items >= minimum and processes >= 2 and sys.platform != "win32"


def ranges(count: int, size: int, start: int = 0) -> list[tuple[int, int]]:
    """Contiguous (start, stop) ranges of `size` items covering start..count."""
    return [(i, min(i + size, count)) for i in range(start, count, size)]


def run(job: Callable[[int, int], Result], bounds: list[tuple[int, int]],
        processes: int) -> list[Result] | None:
    """`job(start, stop)` for each range, on `processes` forked workers, the results in the
    order of `bounds`; None when no process could be forked (the caller then runs the job
    itself: one core is slower, not wrong)."""
    import multiprocessing

    global _JOB
    _JOB = job
    try:
        try:
            pool = multiprocessing.get_context("fork").Pool(processes, _start_worker)
        except OSError:
            return None
        with pool:
            return list(pool.imap(_run, bounds))
    finally:
        _JOB = None


#: a worker's full collections wait for this many collections of the middle generation
WORKER_FULL_COLLECTION = 1_000_000_000


def _start_worker() -> None:
    """A worker collects only its young objects. What it inherited is frozen here (the
    freeze is O(1)), so no collection walks the parent's objects or dirties their pages;
    what it keeps (rows, export pieces) lives until it exits, so the full collections
    that its growing memory would set off (each longer than the last: 100-600 ms at
    50,000 events) would find nothing. Cycles made and dropped while rendering a page
    still die in the young collections."""
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, WORKER_FULL_COLLECTION)


def _run(bounds: tuple[int, int]):
    assert _JOB is not None, "only called in a worker forked by run()"
    return _JOB(*bounds)
