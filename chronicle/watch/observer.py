"""The watchdog side: which folders to watch and how raw file events become paths.

Only the sources are watched (content, themes, templates, chronicle.yaml, seeds with
--ingest), each recursively, and the root itself without recursion: the output folder is
never watched, so a build can never trigger itself.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from chronicle import timing
from chronicle.model import Config
from chronicle.watch.classify import ChangeKind, classify

#: Event types that change nothing a build reads (opening a file, reading it, chmod).
_NOISE = frozenset({"opened", "closed_no_write", "attrib"})


def watched_folders(root: Path, config: Config, *, ingest: bool = False) -> list[tuple[Path, bool]]:
    """(folder, recursive) pairs that exist; the root non-recursively for chronicle.yaml."""
    # content/ and the rest may be created after watching starts; the root's own events see
    # the new folder, and a restart picks it up. The output is never among these.
    folders = [root / config.content_dir, root / "themes", root / "templates", root / "static"]
    if ingest:
        folders.append(root / "seeds")
    found = [(folder, True) for folder in folders if folder.is_dir()]
    return [(root, False), *found]


class ChangeHandler(FileSystemEventHandler):
    """Feeds every path that matters to `notify`; editor temp files and output are dropped."""

    def __init__(self, root: Path, config: Config, notify: Callable[[Path], None], *,
                 out: Path | None = None) -> None:
        self._root = root
        self._config = config
        self._notify = notify
        self._out = out

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in _NOISE:
            return
        if event.is_directory and event.event_type in ("modified", "closed"):
            return  # a folder's mtime moves with every file saved in it
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if not raw:
                continue
            path = Path(raw.decode() if isinstance(raw, bytes) else raw)
            if classify(path, self._root, self._config, out=self._out) is not ChangeKind.IGNORE:
                if timing.ENABLED:
                    _note_delay(path, event.event_type)
                self._notify(path)


def _note_delay(path: Path, event_type: str) -> None:
    """How long after the file's last change its event arrived (mtime is only as fine as
    the kernel's clock tick, a few ms)."""
    try:
        changed = os.stat(path).st_mtime_ns
    except OSError:
        return
    timing.note("watch.event", (time.time_ns() - changed) / 1e9, f"after mtime ({event_type})")


def start_observer(root: Path, config: Config, notify: Callable[[Path], None], *,
                   out: Path | None = None, poll: bool = False, ingest: bool = False,
                   poll_interval: float = 0.25) -> BaseObserver:
    """A started observer; `poll` for file systems without native events (NFS, some VMs)."""
    observer: BaseObserver = PollingObserver(timeout=poll_interval) if poll else Observer()
    handler = ChangeHandler(root, config, notify, out=out)
    for folder, recursive in watched_folders(root, config, ingest=ingest):
        observer.schedule(handler, str(folder), recursive=recursive)
    observer.daemon = True
    observer.start()
    return observer
