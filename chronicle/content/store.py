"""A chronology kept loaded by a long-lived process (`chronicle serve`, `build --watch`).

After a save only the files named are parsed again. When they are all event files read
before (the common case: a person edits what an event says), the kept chronology is
patched in place: each event is checked and linked again alone, moved to its place in
date order, and its diagnostics replace its old ones. Anything else (a new, deleted or
renamed file, an actor, place or setting, an unknown reference) lists the folders and
runs the whole-chronology checks again over the entries in memory. Either way the result
is exactly what a fresh `load_checked` returns while the files not named are unchanged.
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from chronicle.cli import ChronicleError
from chronicle.content.cache import FileRead
from chronicle.content.load import ContentReader, event_order
from chronicle.diagnostics import Diagnostic
from chronicle.model import Chronology, Event
from chronicle.timing import timed
from chronicle.validate import CheckMemo, check_loaded, without_drafts


@dataclass(frozen=True, slots=True)
class _Kept:
    """The last result and what it was made from, for the next update in place."""

    read: Chronology  # as read: references as written, events in (date, id) order
    checked: Chronology  # references resolved, drafts still in, events in the same order
    diagnostics: list[Diagnostic]  # sorted by place, as returned


class ContentStore:
    """`load(root)` once, then `update(paths)` after every change; both return
    (Chronology, diagnostics) as `load_checked(root, drafts)` would."""

    def __init__(self, drafts: bool | None = None):
        self.drafts = drafts
        self._reader: ContentReader | None = None
        self._memo = CheckMemo()
        self._kept: _Kept | None = None

    @property
    def root(self) -> Path:
        if self._reader is None:
            raise RuntimeError("ContentStore.load(root) comes before update()")
        return self._reader.root

    def load(self, root: Path | str) -> tuple[Chronology, list[Diagnostic]]:
        """Read every file (unchanged ones from the parse cache) and check the whole."""
        root = Path(root)
        if not root.is_dir():
            raise ChronicleError(f"no chronology folder at {root}")
        self._reader = ContentReader(root)
        self._memo = CheckMemo()
        self._kept = None
        return self._check(*self._reader.read())

    def update(self, paths: Iterable[Path | str]) -> tuple[Chronology, list[Diagnostic]]:
        """The chronology after the files at `paths` (absolute, or relative to the root)
        were written, created, deleted or renamed (name both old and new path). Files not
        named are trusted unchanged; new entry files are read even when not named, unless
        every path named is an event file read before."""
        changed = {relative for path in paths if (relative := self._relative(path))}
        if changed and self._kept is not None:
            with timed("store.in-place"):
                patched = self._update_in_place(changed)
            if patched is not None:
                return patched
        assert self._reader is not None
        self._kept = None
        with timed("store.read"):
            chronology, diagnostics = self._reader.read(changed=changed)
        with timed("store.check"):
            return self._check(chronology, diagnostics)

    def _check(self, chronology: Chronology,
               diagnostics: list[Diagnostic]) -> tuple[Chronology, list[Diagnostic]]:
        """The whole-chronology checks, and what an update in place starts from."""
        checked = check_loaded(self.root, chronology, diagnostics, self._memo)
        diagnostics.sort(key=_sort_key)
        self._kept = _Kept(chronology, checked, diagnostics)
        return without_drafts(checked, self.drafts), list(diagnostics)

    def _update_in_place(self, changed: set[str]) -> tuple[Chronology, list[Diagnostic]] | None:
        """The update when only known event files changed, without listing a folder or
        checking another entry; None when the change reaches further."""
        assert self._reader is not None and self._kept is not None
        reads = self._reader.reread(changed)
        if reads is None:
            return None
        kept = self._kept
        events, linked = list(kept.read.events), list(kept.checked.events)
        diagnostics = kept.diagnostics
        for path, last, read in reads:
            patch = self._patch(kept.read, events, linked, path, last, read)
            if patch is None:
                return None
            diagnostics = _replace_diagnostics(diagnostics, path, *patch)
            if diagnostics is None:
                return None
        read_chronology = dataclasses.replace(kept.read, events=tuple(events))
        checked = dataclasses.replace(kept.checked, events=tuple(linked))
        self._kept = _Kept(read_chronology, checked, diagnostics)
        return without_drafts(checked, self.drafts), list(diagnostics)

    def _patch(self, chronology: Chronology, events: list[Event], linked: list[Event],
               path: str, last: FileRead, read: FileRead
               ) -> tuple[tuple[Diagnostic, ...], tuple[Diagnostic, ...]] | None:
        """Swap the event of file `path` in `events` (as read) and `linked` (as checked)
        for its new read, in date order; its (old, new) diagnostics, or None when the edit
        cannot be checked alone (see CheckMemo.recheck) or the file holds no event."""
        old, new = last[0], read[0]
        if not isinstance(old, Event) or not isinstance(new, Event):
            return None
        before = self._memo.last(path)
        at = bisect_left(events, event_order(old), key=event_order)
        if (before is None or before.event is not old or at == len(events)
                or events[at] is not old or linked[at] is not before.linked):
            return None
        checked = self._memo.recheck(new, chronology)
        if checked is None:
            return None
        del events[at], linked[at]
        to = bisect_left(events, event_order(new), key=event_order)
        events.insert(to, new)
        linked.insert(to, checked.linked)
        return ((*last[1], *before.checks, *before.links),
                (*read[1], *checked.checks, *checked.links))

    def _relative(self, path: Path | str) -> str | None:
        """`path` as the loader names files (relative to the root, '/'-separated); None
        for a path outside the chronology."""
        path = Path(path)
        root = self.root
        if not path.is_absolute():
            return None if ".." in path.parts else path.as_posix()
        for base, target in ((root.absolute(), path), (root.resolve(), path.resolve())):
            try:
                return target.relative_to(base).as_posix()
            except ValueError:
                continue
        return None


def _sort_key(diagnostic: Diagnostic) -> tuple:
    return diagnostic.sort_key


def _file_of(diagnostic: Diagnostic) -> str:
    """The first part of a diagnostic's sort key."""
    return diagnostic.mark.path if diagnostic.mark else ""


def _replace_diagnostics(diagnostics: list[Diagnostic], path: str, old: tuple[Diagnostic, ...],
                         new: tuple[Diagnostic, ...]) -> list[Diagnostic] | None:
    """`diagnostics` (sorted by place) with file `path`'s `old` ones swapped for `new`:
    they sort together, in the order they were found, as in a full check. None when one
    is not placed in that file, or the run found there is not exactly `old`."""
    if any(d.mark is None or d.mark.path != path for d in (*old, *new)):
        return None
    start = bisect_left(diagnostics, path, key=_file_of)
    stop = bisect_right(diagnostics, path, key=_file_of)
    if diagnostics[start:stop] != sorted(old, key=_sort_key):
        return None
    return [*diagnostics[:start], *sorted(new, key=_sort_key), *diagnostics[stop:]]
