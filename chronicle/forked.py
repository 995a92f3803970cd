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
import queue
import sys
from collections import deque
from collections.abc import Callable, Sequence
from functools import partial
from typing import TypeVar

MAX_WORKERS = 4

Result = TypeVar("Result")
_JOB: Callable | None = None  # a worker's job, given to it as it starts


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


def guided_ranges(weights: Sequence[float], processes: int, start: int = 0,
                  share: int = 4, finest: int = 32) -> list[tuple[int, int]]:
    """Contiguous (start, stop) ranges covering start..len(weights), cut by the items'
    expected cost: each range takes 1/(share * processes) of the work still left (guided
    self-scheduling), and none but the last less than 1/(finest * processes) of the whole.
    Ranges of equal counts left the worker that drew the last, heavy one (the year and
    place pages sort last) running alone for seconds; with ranges that shrink as the work
    runs out, the workers end within a small range of each other."""
    total = sum(weights[start:])
    if total <= 0:
        return ranges(len(weights), max(1, len(weights) - start), start)
    smallest = total / (finest * processes)
    bounds: list[tuple[int, int]] = []
    left, first, taken = total, start, 0.0
    for index in range(start, len(weights)):
        taken += weights[index]
        if taken >= max(left / (share * processes), smallest):
            bounds.append((first, index + 1))
            left -= taken
            first, taken = index + 1, 0.0
    if first < len(weights):
        bounds.append((first, len(weights)))
    return bounds


def run(job: Callable[[int, int], Result], bounds: list[tuple[int, int]],
        processes: int, *, alone: int = 0, tasks_per_worker: int | None = None,
        received: Callable[[Result], object] | None = None) -> list | None:
    """`job(start, stop)` for each range, on `processes` forked workers, the results in the
    order of `bounds`; None when no process could be forked (the caller then runs the job
    itself: one core is slower, not wrong). With `received`, each result is what it makes
    of the worker's, made here as each arrives, while the workers go on (not all at the
    end, when the cores would have nothing else to do).

    The first `alone` ranges are each heavy enough to be most of a worker's memory: no two
    of them run at once (the other ranges run beside them). With `tasks_per_worker`, a
    worker exits after that many ranges and a fresh fork takes its place, so what it made
    and what it copied of the inherited memory (reading an object writes its reference
    count, which copies the page it is on) is freed instead of held to the end."""
    pool = _pool(job, processes, tasks_per_worker)
    if pool is None:
        return None
    with pool:
        return _dispatch(pool, bounds, processes, alone, received)


class Started:
    """Ranges of a job running on forked workers while the caller goes on (`start`)."""

    def __init__(self, pool, pending: list) -> None:
        self._pool, self._pending = pool, pending

    def results(self) -> list:
        """Each range's result, in order, once all are done (a failed range raises)."""
        try:
            return [pending.get() for pending in self._pending]
        finally:
            self.stop()

    def stop(self) -> None:
        """End the workers, done or not (what they were given is no longer wanted)."""
        self._pool.terminate()
        self._pool.join()


def start(job: Callable[[int, int], Result], bounds: list[tuple[int, int]], *,
          tasks_per_worker: int | None = None) -> Started | None:
    """`job(start, stop)` for each range, one after the other on a forked worker, while the
    caller does other work on the other core (None when no process could be forked)."""
    pool = _pool(job, 1, tasks_per_worker)
    if pool is None:
        return None
    return Started(pool, [pool.apply_async(_run, (range_,)) for range_ in bounds])


def _pool(job: Callable, processes: int, tasks_per_worker: int | None):
    """A pool of forked workers that run `job`: each worker is given it as it starts (a
    worker that replaces one which exited is forked later, after the caller may have
    started another pool with another job)."""
    import multiprocessing

    try:
        return multiprocessing.get_context("fork").Pool(
            processes, _start_worker, (job,), maxtasksperchild=tasks_per_worker)
    except OSError:
        return None


def _dispatch(pool, bounds: list[tuple[int, int]], processes: int, alone: int,
              received: Callable[[object], object] | None = None) -> list:
    """Hand out one range per free worker (so the pool's queue never holds a heavy range
    that a second worker could take while another heavy one runs); a worker that is done
    gets its next range before its result is `received`."""
    results: list = [None] * len(bounds)
    finished: queue.SimpleQueue = queue.SimpleQueue()
    heavy = deque(range(min(alone, len(bounds))))
    light = deque(range(len(heavy), len(bounds)))
    running: set[int] = set()

    def hand_out() -> None:
        while len(running) < processes and (heavy or light):
            if heavy and not any(index < alone for index in running):
                index = heavy.popleft()
            elif light:
                index = light.popleft()
            else:
                break
            running.add(index)
            pool.apply_async(_run, (bounds[index],),
                             callback=partial(_report, finished, index, None),
                             error_callback=partial(_report, finished, index))

    while heavy or light or running:
        hand_out()
        index, error, result = finished.get()
        if error is not None:
            raise error
        running.remove(index)
        if received is not None:
            hand_out()
            result = received(result)
        results[index] = result
    return results


def _report(finished: queue.SimpleQueue, index: int, error: BaseException | None,
            result: object = None) -> None:
    """Called by the pool's result thread: hand the outcome to the dispatching thread."""
    finished.put((index, error, result))


#: a worker's full collections wait for this many collections of the middle generation
WORKER_FULL_COLLECTION = 1_000_000_000


def _start_worker(job: Callable) -> None:
    """A worker collects only its young objects (even when forked while the parent's
    collector was paused). What it inherited is frozen here (the freeze is O(1)), so no
    collection walks the parent's objects or dirties their pages; what it keeps (rows,
    export pieces) lives until it exits, so the full collections that its growing memory
    would set off (each longer than the last: 100-600 ms at 50,000 events) would find
    nothing. Cycles made and dropped while rendering a page still die in the young
    collections."""
    global _JOB
    _JOB = job
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, WORKER_FULL_COLLECTION)
    gc.enable()


def _run(bounds: tuple[int, int]):
    assert _JOB is not None, "only called in a worker forked by run() or start()"
    return _JOB(*bounds)
