"""The reload channel: server-sent events from the rebuild loop to every open page.

It keeps the current state (a version that grows with each good build, and the errors of
a failed one) so that a page opened, or reconnecting, after a rebuild still learns of it.
"""

from __future__ import annotations

import json
import queue
import threading
from dataclasses import dataclass
from typing import Any

from chronicle.diagnostics import Diagnostic


@dataclass(frozen=True, slots=True)
class Message:
    event: str               # "reload" or "errors"
    data: dict[str, Any]

    def encode(self) -> bytes:
        payload = json.dumps(self.data, sort_keys=True, ensure_ascii=False)
        return f"event: {self.event}\ndata: {payload}\n\n".encode()


def diagnostic_payload(diagnostic: Diagnostic) -> dict[str, Any]:
    mark = diagnostic.mark
    return {
        "location": str(mark) if mark else "",
        "path": mark.path if mark else None,
        "line": mark.line if mark else None,
        "column": mark.column if mark else None,
        "severity": diagnostic.severity.value,
        "code": diagnostic.code,
        "message": diagnostic.message,
        "hint": diagnostic.hint,
    }


class ReloadChannel:
    """Fan-out to subscribers; `None` in a subscriber's queue means the server is closing."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: set[queue.Queue[Message | None]] = set()
        self._version = 0
        self._errors: list[dict[str, Any]] = []
        self._closed = False
        self._ahead: tuple[int, frozenset[str]] = (0, frozenset())  # see publish_pages

    @property
    def version(self) -> int:
        with self._lock:
            return self._version

    def state(self) -> dict[str, Any]:
        with self._lock:
            return {"version": self._version, "errors": list(self._errors)}

    def version_for(self, path: str) -> int:
        """The version a page served now shows: the next one for a page already written
        by the build in progress (publish_pages), the current one for any other."""
        with self._lock:
            upcoming, paths = self._ahead
            return upcoming if upcoming > self._version and path in paths else self._version

    def subscribe(self, since: int | None = None) -> queue.Queue[Message | None]:
        """A queue primed with what a page built at version `since` has missed."""
        inbox: queue.Queue[Message | None] = queue.Queue()
        with self._lock:
            if self._closed:
                inbox.put(None)
                return inbox
            if self._errors:
                inbox.put(Message("errors", {"version": self._version, "errors": self._errors}))
            elif since is not None and since < self._version:
                inbox.put(Message("reload", {"version": self._version}))
            self._subscribers.add(inbox)
        return inbox

    def unsubscribe(self, inbox: queue.Queue[Message | None]) -> None:
        with self._lock:
            self._subscribers.discard(inbox)

    def publish_pages(self, paths: list[str]) -> None:
        """Call during a build, once the pages at these URL paths are written and no later
        step of the build changes them: those pages (the event just saved) reload now,
        at the version the build will publish; every other waits for `publish_reload`."""
        with self._lock:
            self._ahead = (self._version + 1, frozenset(paths))
            self._broadcast(Message("reload", {"version": self._version + 1,
                                               "only": sorted(paths)}))

    def publish_reload(self) -> None:
        """Call only once the new site is completely in place: pages reload at once (a
        page served since at this version, by `publish_pages`, stays)."""
        with self._lock:
            self._version += 1
            self._errors = []
            self._broadcast(Message("reload", {"version": self._version}))

    def publish_errors(self, errors: list[dict[str, Any]]) -> None:
        with self._lock:
            upcoming, _ = self._ahead
            if upcoming > self._version:  # pages shown at it changed: the next good build
                self._version = upcoming  # must come after them to reload them
            self._errors = list(errors)
            self._broadcast(Message("errors", {"version": self._version, "errors": self._errors}))

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for inbox in self._subscribers:
                inbox.put(None)
            self._subscribers.clear()

    def _broadcast(self, message: Message) -> None:
        for inbox in self._subscribers:
            inbox.put(message)
