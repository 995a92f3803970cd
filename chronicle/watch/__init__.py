"""Watch a chronology's sources and rebuild on every settled save.

`Watcher` wires the three small parts together: the observer (raw file events, editor
noise dropped), the debouncer (one batch per burst) and the rebuilder (one build call per
batch, failures reported). `chronicle build --watch` and `chronicle serve` both use it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from chronicle.watch.classify import ChangeKind, RebuildPlan, Scope, classify, plan_rebuild
from chronicle.watch.debounce import SETTLE_SECONDS, Debouncer
from chronicle.watch.observer import start_observer
from chronicle.watch.rebuild import BuildFunction, Rebuilder, RebuildOutcome

__all__ = [
    "ChangeKind", "RebuildOutcome", "RebuildPlan", "Rebuilder", "Scope", "Watcher", "classify",
    "plan_rebuild", "watch_and_rebuild",
]


class Watcher:
    """Observer + debouncer + rebuilder, started and stopped together."""

    def __init__(self, rebuilder: Rebuilder, *, poll: bool = False, ingest: bool = False,
                 quiet: float = SETTLE_SECONDS) -> None:
        self.rebuilder = rebuilder
        self._poll = poll
        self._ingest = ingest
        self.debouncer = Debouncer(rebuilder, quiet=quiet)
        self._observer = None

    def start(self) -> Watcher:
        if self._observer is not None:
            return self
        self.debouncer.start()
        self.debouncer.call_soon(self.rebuilder.warm)
        self._observer = start_observer(
            self.rebuilder.root, self.rebuilder.config, self.debouncer.add,
            out=self.rebuilder.out, poll=self._poll, ingest=self._ingest,
        )
        return self

    def stop(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=10)
        self.debouncer.stop()

    def settle(self, timeout: float = 10.0, quiet: float = 0.3) -> bool:
        """Wait until no change is pending or rebuilding for `quiet` seconds (for tests)."""
        deadline = time.monotonic() + timeout
        calm_since = None
        while time.monotonic() < deadline:
            if self.debouncer.idle():
                calm_since = calm_since or time.monotonic()
                if time.monotonic() - calm_since >= quiet:
                    return True
            else:
                calm_since = None
            time.sleep(0.02)
        return False

    def __enter__(self) -> Watcher:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def watch_and_rebuild(root: Path, out: Path | None = None, drafts: bool | None = None,
                      poll: bool = False,
                      on_rebuilt: Callable[[RebuildOutcome], None] | None = None, *,
                      ingest: bool = False, build: BuildFunction | None = None,
                      stop: threading.Event | None = None) -> int:
    """Build once, then rebuild on every save until Ctrl-C (or `stop` is set).

    A failing build (first or later) is reported and watching goes on: the fix is a save
    away. Returns 0 on a clean stop, the exit code of `chronicle build --watch`.
    """
    root = Path(root).resolve()
    rebuilder = Rebuilder(root, Path(out).resolve() if out else None, drafts=drafts,
                          build=build, ingest=ingest, on_rebuilt=on_rebuilt)
    stop = stop or threading.Event()
    rebuilder.build_once()
    watcher = Watcher(rebuilder, poll=poll, ingest=ingest).start()
    print(f"Watching {root} for changes (Ctrl-C to stop)", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        print("\nStopped watching.", flush=True)
    finally:
        watcher.stop()
    return 0
