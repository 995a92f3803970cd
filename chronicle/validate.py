"""Checks that need the whole chronology, and `chronicle check`.

`load_checked` is the one way in for every command that reads content: it loads, resolves
every actor and place reference to its canonical id (by id, name or alias, ignoring case
and accents), and gathers every problem as a Diagnostic, never stopping at the first.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from chronicle.cli import ChronicleError
from chronicle.content.load import collector_paused, load_content
from chronicle.content.slug import name_key
from chronicle.diagnostics import ContentError, Diagnostic, did_you_mean, error, warning
from chronicle.model import Actor, ActorRef, Chronology, Event, Mark, Place, Status

SUGGESTIONS = 50  # fuzzy searches are ~10 ms each over thousands of names


class Directory:
    """Finds one kind of entity (actors or places) by id, name or alias."""

    def __init__(self, kind: str, entries: Sequence[Actor | Place], diagnostics: list[Diagnostic]):
        self.kind = kind
        self.ids = {entry.id: entry for entry in entries}
        self.id_keys = {name_key(entry.id): entry.id for entry in entries}
        self.names: dict[str, set[str]] = {}
        self.shown: dict[str, str] = {}  # name key -> a spelling to suggest
        self._guesses: dict[str, str | None] = {}  # name key -> its suggestion, once found
        self._asked: set[str] = set()  # the misses suggested for in this check
        self._candidates: list[str] = []
        for entry in entries:
            self._add(name_key(entry.name), entry.name, entry.id)
        for entry in entries:
            for index, alias in enumerate(entry.aliases):
                self._add_alias(entry, index, alias, diagnostics)

    def _add(self, key: str, spelling: str, entry_id: str) -> None:
        self.names.setdefault(key, set()).add(entry_id)
        self.shown.setdefault(key, spelling)

    def _add_alias(self, entry: Actor | Place, index: int, alias: str,
                   diagnostics: list[Diagnostic]) -> None:
        key = name_key(alias)
        owners = self.names.get(key, set()) | {self.id_keys.get(key, entry.id)}
        others = sorted(owners - {entry.id})
        if others:
            diagnostics.append(error(
                entry.marks.get(f"aliases.{index}"), "alias.duplicate",
                f"the alias '{alias}' also names the {self.kind} '{others[0]}'",
                f"an alias must point at one {self.kind}: remove it here or there"))
            return
        self._add(key, alias, entry.id)

    def resolve(self, written: str) -> tuple[str | None, list[str]]:
        """The canonical id `written` stands for, or None and the ids it could mean."""
        if written in self.ids:
            return written, []
        key = name_key(written)
        if key in self.id_keys:
            return self.id_keys[key], []
        found = sorted(self.names.get(key, ()))
        return (found[0], []) if len(found) == 1 else (None, found)

    def suggest(self, written: str) -> str | None:
        """A close spelling, remembered: one deleted actor named by 10,000 events must not
        cost 10,000 fuzzy searches; past SUGGESTIONS distinct misses in one check, stop
        guessing."""
        key = name_key(written)
        if key not in self._asked:
            if len(self._asked) >= SUGGESTIONS:
                return None
            self._asked.add(key)
        if key not in self._guesses:
            guess = did_you_mean(key, self._candidates or self._make_candidates())
            self._guesses[key] = guess and (self.id_keys.get(guess) or self.shown[guess])
        return self._guesses[key]

    def start_check(self) -> None:
        """A new check counts its misses afresh (the guesses found stay valid)."""
        self._asked.clear()

    def _make_candidates(self) -> list[str]:
        self._candidates = sorted(set(self.id_keys) | set(self.names))
        return self._candidates


def _reference(directory: Directory, written: str, marks: Mapping[str, Mark], path: str,
               diagnostics: list[Diagnostic]) -> str:
    """The canonical id for one written reference; as written (and a diagnostic at
    `marks[path]`, or its parent's) when there is none."""
    found, candidates = directory.resolve(written)
    if found is not None:
        return found
    mark = marks.get(path) or marks.get(path.rpartition(".")[0])
    kind = directory.kind
    if candidates:
        listed = ", ".join(f"'{c}'" for c in candidates)
        diagnostics.append(error(
            mark, "ref.ambiguous", f"the {kind} '{written}' could be any of {listed}",
            f"write the id of the {kind} you mean"))
    else:
        guess = directory.suggest(written)
        also = f" (did you mean '{guess}'?)" if guess else ""
        diagnostics.append(error(
            mark, "ref.unknown", f"unknown {kind} '{written}'{also}",
            f"use the id, name or alias of a file in content/{kind}s/, or add that file"))
    return written


def _link_event(event: Event, actors: Directory, places: Directory,
                diagnostics: list[Diagnostic]) -> Event:
    if _canonical(event, actors.ids, places.ids):
        return event  # as curated content mostly is: nothing to resolve, nothing to copy
    marks = event.marks
    refs = tuple(
        ActorRef(_reference(actors, ref.actor, marks, f"actors.{i}.actor", diagnostics), ref.role)
        for i, ref in enumerate(event.actors)
    )
    place_ids = tuple(
        _reference(places, place, marks, f"places.{i}", diagnostics)
        for i, place in enumerate(event.places)
    )
    sides = tuple(
        _reference(actors, side.actor, marks, f"casualties.by_side.{i}.actor", diagnostics)
        for i, side in enumerate(event.casualties.by_side)
    )
    if (refs == event.actors and place_ids == event.places
            and sides == tuple(side.actor for side in event.casualties.by_side)):
        return event  # already canonical, as curated content mostly is: no copy
    casualties = dataclasses.replace(event.casualties, by_side=tuple(
        dataclasses.replace(side, actor=actor)
        for side, actor in zip(event.casualties.by_side, sides, strict=True)))
    return dataclasses.replace(event, actors=refs, places=place_ids, casualties=casualties)


def _canonical(event: Event, actor_ids: Mapping[str, Actor], place_ids: Mapping[str, Place]
               ) -> bool:
    """Whether every reference of `event` is already an id (a check of 10,000 events
    would otherwise make every reference anew to find it unchanged)."""
    for ref in event.actors:
        if ref.actor not in actor_ids:
            return False
    for place in event.places:
        if place not in place_ids:
            return False
    return all(side.actor in actor_ids for side in event.casualties.by_side)


def _check_event(event: Event, event_types: frozenset[str], root: Path,
                 diagnostics: list[Diagnostic]) -> None:
    marks = event.marks
    if event.type and event.type not in event_types:
        guess = did_you_mean(event.type, event_types)
        also = f" (did you mean '{guess}'?)" if guess else ""
        diagnostics.append(error(
            marks.get("type"), "type.unknown-event-type",
            f"'{event.type}' is not an event type{also}",
            f"use one of: {', '.join(sorted(event_types))} (chronicle.yaml event_types)"))
    if event.status is Status.REVIEWED and not event.sources:
        diagnostics.append(warning(
            marks.get(""), "source.missing", f"reviewed event '{event.id}' cites no source",
            "add the article it rests on under sources: (file or url, and the quote)"))
    for index, source in enumerate(event.sources):
        if not source.file:
            continue
        parts = PurePosixPath(source.file.replace("\\", "/"))
        if parts.is_absolute() or ".." in parts.parts or ":" in parts.parts[0]:
            diagnostics.append(error(
                marks.get(f"sources.{index}.file"), "path.outside",
                f"the source file '{source.file}' is outside the chronology",
                "give its path from the chronology folder, e.g. seeds/article.txt"))
        elif not (root / source.file).is_file():
            diagnostics.append(warning(
                marks.get(f"sources.{index}.file"), "source.file",
                f"the source file '{source.file}' does not exist",
                "give its path from the chronology folder, e.g. seeds/article.txt"))


def _link_actor(actor: Actor, actors: Directory, diagnostics: list[Diagnostic]) -> Actor:
    affiliations = tuple(
        _reference(actors, written, actor.marks, f"affiliations.{i}", diagnostics)
        for i, written in enumerate(actor.affiliations)
    )
    if affiliations == actor.affiliations:
        return actor
    return dataclasses.replace(actor, affiliations=affiliations)


class CheckMemo:
    """What the last check of a kept chronology worked out, so the next check of it after
    a few files changed redoes only those: the directories while no actor or place file
    changed, and each event's checks and links while its file did not. Two answers depend
    on more than that and are worked out every time: whether a cited source file exists,
    and an unknown reference (its suggestion depends on every miss before it)."""

    def __init__(self) -> None:
        self._key: tuple = ((), (), frozenset(), None)
        self._directories: tuple[Directory, Directory, tuple[Diagnostic, ...]] | None = None
        self._events: dict[str, Checked] = {}

    def directories(self, chronology: Chronology, event_types: frozenset[str]
                    ) -> tuple[Directory, Directory, tuple[Diagnostic, ...]]:
        """The actor and place directories and what building them found."""
        actors, places, types, root = self._key
        if (self._directories is None or not _same(actors, chronology.actors)
                or not _same(places, chronology.places) or types != event_types
                or root != chronology.root):
            found: list[Diagnostic] = []
            self._directories = (Directory("actor", chronology.actors, found),
                                 Directory("place", chronology.places, found), tuple(found))
            self._key = (chronology.actors, chronology.places, event_types, chronology.root)
            self._events = {}
        self._directories[0].start_check()
        self._directories[1].start_check()
        return self._directories

    def event(self, event: Event, event_types: frozenset[str], root: Path,
              diagnostics: list[Diagnostic], kept: dict[str, Checked]) -> Event:
        """`_check_event` and `_link_event` for one event, from the last check as far as
        this very event was checked there."""
        assert self._directories is not None, "directories() comes first in every check"
        last = self._events.get(event.path)
        if last is None or last.event is not event:
            last = None
        checked = _check_and_link(event, event_types, root, self._directories, last)
        diagnostics.extend(checked.checks)
        diagnostics.extend(checked.links)
        kept[event.path] = checked
        return checked.linked

    def keep(self, events: dict[str, Checked]) -> None:
        self._events = events

    def last(self, path: str) -> Checked | None:
        """What the last check found for the event file at `path`."""
        return self._events.get(path)

    def recheck(self, event: Event, chronology: Chronology) -> Checked | None:
        """Check and link one event again after an edit of its file alone (the rest of
        `chronology`, its entries and settings, as last checked), and remember the answer.
        None when that cannot be done for this event alone: the directories are not those
        of `chronology`, or an unknown reference before or after the edit (which event
        is told a suggestion depends on every miss before it)."""
        last = self._events.get(event.path)
        actors, places, types, root = self._key
        if (self._directories is None or last is None or not last.links_kept
                or not _same(actors, chronology.actors) or not _same(places, chronology.places)
                or types != frozenset(chronology.config.event_types) or root != chronology.root):
            return None
        checked = _check_and_link(event, types, Path(root), self._directories, None)
        if not checked.links_kept:
            return None
        self._events[event.path] = checked
        return checked


class Checked(NamedTuple):
    """One event as the last check saw it: as read, as linked, and what each step found;
    `*_kept` says whether that step's answer holds while the event's file is unchanged."""

    event: Event
    linked: Event
    checks: tuple[Diagnostic, ...]
    links: tuple[Diagnostic, ...]
    checks_kept: bool  # cites no source file (whether one exists is asked every time)
    links_kept: bool  # names no unknown entry (its suggestion depends on other misses)


def _check_and_link(event: Event, event_types: frozenset[str], root: Path,
                    directories: tuple[Directory, Directory, tuple[Diagnostic, ...]],
                    last: Checked | None) -> Checked:
    """One event's checks and links, each taken from `last` when it still holds."""
    if last is not None and last.checks_kept:
        checks, checks_kept = last.checks, True
    else:
        found: list[Diagnostic] = []
        _check_event(event, event_types, root, found)
        checks = tuple(found)
        checks_kept = not any(source.file for source in event.sources)
    if last is not None and last.links_kept:
        linked, links, links_kept = last.linked, last.links, True
    else:
        found = []
        linked = _link_event(event, directories[0], directories[1], found)
        links = tuple(found)
        links_kept = not any(d.code == "ref.unknown" for d in found)
    return Checked(event, linked, checks, links, checks_kept, links_kept)


def _same(old: tuple, new: tuple) -> bool:
    return len(old) == len(new) and all(a is b for a, b in zip(old, new, strict=True))


def check_chronology(chronology: Chronology, diagnostics: list[Diagnostic],
                     memo: CheckMemo | None = None) -> Chronology:
    """Resolve every reference to a canonical id and run the whole-chronology checks.
    With the `memo` of the last check of the same chronology, unchanged parts are reused."""
    memo = memo or CheckMemo()
    event_types = frozenset(chronology.config.event_types)
    actors, _, found = memo.directories(chronology, event_types)
    diagnostics.extend(found)
    root = Path(chronology.root)
    kept: dict[str, Checked] = {}
    events = tuple(memo.event(event, event_types, root, diagnostics, kept)
                   for event in chronology.events)
    memo.keep(kept)
    linked_actors = tuple(_link_actor(actor, actors, diagnostics) for actor in chronology.actors)
    return dataclasses.replace(chronology, events=events, actors=linked_actors)


def load_checked(root: Path, drafts: bool | None = None) -> tuple[Chronology, list[Diagnostic]]:
    """Load and check a chronology folder. The diagnostics (sorted by place) hold every
    error and warning; callers decide what stops them. Drafts are left out when `drafts`
    is False, or when it is None and chronicle.yaml says `drafts: false`."""
    root = Path(root)
    if not root.is_dir():
        raise ChronicleError(f"no chronology folder at {root}")
    chronology, diagnostics = load_content(root)
    return finish_loading(root, chronology, diagnostics, drafts)


def finish_loading(root: Path, chronology: Chronology, diagnostics: list[Diagnostic],
                   drafts: bool | None,
                   memo: CheckMemo | None = None) -> tuple[Chronology, list[Diagnostic]]:
    """`load_checked` after the files are read: the whole-chronology checks, drafts left
    out as asked, diagnostics sorted. Shared with `ContentStore`, so both return the same."""
    chronology = check_loaded(root, chronology, diagnostics, memo)
    diagnostics.sort(key=lambda d: d.sort_key)
    return without_drafts(chronology, drafts), diagnostics


def check_loaded(root: Path, chronology: Chronology, diagnostics: list[Diagnostic],
                 memo: CheckMemo | None = None) -> Chronology:
    """The whole-chronology checks of what was read from `root` (drafts still in, the
    diagnostics appended unsorted); a missing content folder stops here."""
    content = root / chronology.config.content_dir
    if not content.is_dir():
        raise ChronicleError(
            f"no content folder at {content}: is --root right? (`chronicle init DIR` makes one)")
    with collector_paused():
        return check_chronology(chronology, diagnostics, memo)


def without_drafts(chronology: Chronology, drafts: bool | None) -> Chronology:
    """Drafts left out when `drafts` is False, or None and chronicle.yaml says so."""
    show_drafts = chronology.config.drafts if drafts is None else drafts
    if show_drafts:
        return chronology
    kept = tuple(e for e in chronology.events if e.status is not Status.DRAFT)
    return dataclasses.replace(chronology, events=kept)


def load_valid(root: Path, drafts: bool | None = None,
               strict: bool = False) -> tuple[Chronology, list[Diagnostic]]:
    """`load_checked` for commands that must stop on errors (and on warnings when strict):
    raises ContentError holding every diagnostic; otherwise returns the warnings."""
    chronology, diagnostics = load_checked(root, drafts)
    if any(d.is_error or strict for d in diagnostics):
        raise ContentError(diagnostics)
    return chronology, diagnostics


def check_command(root: Path, strict: bool = False) -> int:
    """`chronicle check`: every problem at once on stderr, a one-line summary, exit 1 on
    errors (and on warnings with --strict)."""
    chronology, diagnostics = load_checked(root, drafts=True)
    for diagnostic in diagnostics:
        print(diagnostic.format(), file=sys.stderr)
    errors = sum(d.is_error for d in diagnostics)
    warnings = len(diagnostics) - errors
    counts = (f"{len(chronology.events)} events, {len(chronology.actors)} actors, "
              f"{len(chronology.places)} places")
    print(f"{errors} error(s), {warnings} warning(s) in {counts}.", file=sys.stderr)
    return 1 if errors or (strict and warnings) else 0
