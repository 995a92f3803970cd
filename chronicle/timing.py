"""Step timings for the path of a save (watcher event, settle, read, render, write, reload),
printed to stderr when CHRONICLE_PROFILE is set in the environment.

A profiler's overhead distorts steps of a few milliseconds; these lines cost nothing when
off and show, save by save, where `chronicle serve` spends its time.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

ENABLED = bool(os.environ.get("CHRONICLE_PROFILE"))


def note(step: str, seconds: float, detail: str = "") -> None:
    """One line: `profile: <step> <ms> ms [detail]`."""
    if ENABLED:
        also = f" {detail}" if detail else ""
        print(f"profile: {step} {seconds * 1000:.1f} ms{also}", file=sys.stderr, flush=True)


@contextmanager
def timed(step: str) -> Iterator[None]:
    """Time the block as `step`, with this process's resident memory after it (nothing is
    measured when profiling is off)."""
    if not ENABLED:
        yield
        return
    started = time.perf_counter()
    try:
        yield
    finally:
        note(step, time.perf_counter() - started, _resident())


def _resident() -> str:
    """`(rss N MB)` from /proc, where there is one."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return ""
    return f"(rss {pages * os.sysconf('SC_PAGE_SIZE') / 2**20:.0f} MB)"


_collecting: list[float] = []


def _time_collections(phase: str, info: dict) -> None:
    """A full collection of a big chronology's objects can take longer than a whole save."""
    if phase == "start":
        _collecting[:] = [time.perf_counter()]
    elif _collecting and time.perf_counter() - _collecting[0] > 0.001:
        note(f"gc.generation-{info['generation']}", time.perf_counter() - _collecting[0])


if ENABLED:
    gc.callbacks.append(_time_collections)
