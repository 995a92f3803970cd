"""Reading many entry files on every core.

Parsing is most of a cold load and each file is independent, so a big chronology is read
by forked workers in contiguous batches, each sending its results back pickled, and they
come back in the order asked. Forking is Unix only and costs more than it saves on small
chronologies, so those (and Windows) read in this process, with the same results.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from chronicle.content.cache import FileRead, dumps, loads

PARALLEL_MIN_FILES = 2000
MAX_WORKERS = 4

_JOB: tuple[str, Sequence[tuple[str, str, str]]] | None = None  # inherited by the workers


def workers() -> int:
    """The cores this process may use (its affinity, not the machine's count)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return min(cores, MAX_WORKERS)


def read_many(root: str, files: Sequence[tuple[str, str, str]]) -> list[FileRead]:
    """The read result of each (kind, path, id) in `files`, in the same order."""
    count = workers()
    if len(files) < PARALLEL_MIN_FILES or count < 2 or sys.platform == "win32":
        return _read_range(root, files, 0, len(files))
    import multiprocessing

    global _JOB
    _JOB = (root, files)
    try:
        batch = -(-len(files) // (count * 4))  # a few batches each, so the cores end together
        ranges = [(start, min(start + batch, len(files))) for start in range(0, len(files), batch)]
        results: list[FileRead] = []
        try:
            pool = multiprocessing.get_context("fork").Pool(count)
        except OSError:  # no processes left to fork: one core is slower, not wrong
            return _read_range(root, files, 0, len(files))
        with pool:
            for payload in pool.imap(_read_batch, ranges):
                results.extend(loads(payload))
        return results
    finally:
        _JOB = None


def _read_batch(bounds: tuple[int, int]) -> bytes:
    assert _JOB is not None, "only called in a worker forked by read_many"
    root, files = _JOB
    return dumps(_read_range(root, files, *bounds))


def _read_range(root: str, files: Sequence[tuple[str, str, str]], start: int,
                stop: int) -> list[FileRead]:
    from chronicle.content.load import read_entry

    return [read_entry(root, kind, path, entry_id) for kind, path, entry_id in files[start:stop]]
