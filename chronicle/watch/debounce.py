"""Wait for a burst of file events to settle, then act once on everything it touched.

Editors save in several steps (temp file, rename, delete the backup) and people save
repeatedly; rebuilding on each event would rebuild half-written states and pile up work.
One worker thread runs the action, so rebuilds never overlap: events that arrive during a
rebuild gather into the next batch.
"""

from __future__ import annotations

import sys
import threading
import time
import traceback
from collections.abc import Callable
from functools import partial
from pathlib import Path

from chronicle import timing

Action = Callable[[frozenset[Path]], object]

#: How long paths must be quiet before one rebuild takes them. An editor's save (temp file,
#: rename, backup removed) is a few events within a millisecond or two; 50 ms gathers them
#: and a typing-speed burst of saves, and still leaves most of a 100 ms save-to-page budget.
SETTLE_SECONDS = 0.05


class Debouncer:
    """Collects paths; calls `action(paths)` once they have been quiet for `quiet` seconds."""

    def __init__(self, action: Action, *, quiet: float = SETTLE_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._action = action
        self._quiet = quiet
        self._clock = clock
        self._pending: set[Path] = set()
        self._tasks: list[Callable[[], object]] = []
        self._last_event = 0.0
        self._first_event = 0.0  # of the batch gathering (for CHRONICLE_PROFILE)
        self._stopping = False
        self._busy = False
        self._wake = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="chronicle-debounce", daemon=True)

    def start(self) -> Debouncer:
        self._thread.start()
        return self

    def add(self, path: Path) -> None:
        with self._wake:
            if not self._pending:
                self._first_event = self._clock()
            self._pending.add(path)
            self._last_event = self._clock()
            self._wake.notify()

    def call_soon(self, task: Callable[[], object]) -> None:
        """Run `task` on the worker thread, ahead of any batch: work that must never overlap
        a rebuild, and that the caller need not wait for (warming after the first build)."""
        with self._wake:
            self._tasks.append(task)
            self._wake.notify()

    def stop(self, timeout: float | None = 10.0) -> None:
        """Stop after the action in progress, if any; pending paths are dropped."""
        with self._wake:
            self._stopping = True
            self._wake.notify()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def idle(self) -> bool:
        """True when nothing is pending or running (tests wait on it)."""
        with self._wake:
            return not self._pending and not self._busy and not self._tasks

    def _next_job(self) -> Callable[[], object] | None:
        with self._wake:
            while True:
                if self._stopping:
                    return None
                if self._tasks:
                    self._busy = True
                    return self._tasks.pop(0)
                if not self._pending:
                    self._wake.wait()
                    continue
                remaining = self._last_event + self._quiet - self._clock()
                if remaining > 0:
                    self._wake.wait(remaining)
                    continue
                batch = frozenset(self._pending)
                self._pending.clear()
                self._busy = True
                now = self._clock()
                timing.note("watch.settle", now - self._first_event,
                            f"(last event {(now - self._last_event) * 1000:.1f} ms before)")
                return partial(self._action, batch)

    def _run(self) -> None:
        while (job := self._next_job()) is not None:
            try:
                job()
            except Exception:  # the watcher must outlive any failure, loudly
                print("chronicle: the rebuild failed unexpectedly:", file=sys.stderr)
                traceback.print_exc()
            finally:
                with self._wake:
                    self._busy = False
