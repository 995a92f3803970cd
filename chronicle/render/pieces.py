"""Each event's pieces of the data exports, made once and kept while the event is unchanged.

The four exports list every event, so in `chronicle serve` a save would re-make 10,000
rows four times to change one. Instead each event's rows (and the plain text of its summary,
which two exports share) are kept, keyed by what they are made from: the event itself and
the actors and places it names. A render re-makes the rows of events that changed and joins
the rest. Entries of events that are gone are dropped at once, so the memory held is one set
of rows for the chronology last rendered.

The memo outlives a build on purpose (a long-lived process renders the exports after every
save), like a content-keyed lru_cache: it never changes what is rendered, only how fast.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import TypeVar

from chronicle.link import Linked
from chronicle.model import Actor, Event, Place

T = TypeVar("T")


class Entry:
    """One event, what it names as resolved at the time, and its pieces made so far."""

    __slots__ = ("actors", "event", "pieces", "places")

    def __init__(self, event: Event, actors: tuple, places: tuple) -> None:
        self.event = event
        self.actors = actors
        self.places = places
        self.pieces: dict[str, object] = {}

    def shared(self, kind: str, make: Callable[[Event], T]) -> T:
        """A piece several exports use (the summary's plain text), made once."""
        piece = self.pieces.get(kind)
        if piece is None:
            piece = self.pieces[kind] = make(self.event)
        return piece


def _named(linked: Linked, event: Event) -> tuple[tuple[Actor | None, ...],
                                                  tuple[Place | None, ...]]:
    return (tuple(map(linked.actors.get, map(_ACTOR_ID, event.actors))),
            tuple(map(linked.places.get, event.places)))


_ACTOR_ID = attrgetter("actor")


class EventPieces:
    """The memo. Safe to share between threads: a render works on its own list of entries,
    and two threads making the same piece make the same value."""

    def __init__(self) -> None:
        #: False in a process that exits after one render (a forked worker): the pieces
        #: of each kind are then dropped once joined, and only the pieces that several
        #: exports share (`Entry.shared`) are kept, for the exports after
        self.keeps_pieces = True
        self._by_id: dict[str, Entry] = {}
        # the inputs last checked, held (not just their ids) so they cannot be recycled
        self._checked: tuple[tuple, dict, dict, list[Entry]] | None = None

    def pieces(self, linked: Linked, kind: str, make: Callable[[Linked, Entry], T]) -> list[T]:
        """Every event's piece of one kind, in event order; `make(linked, entry)` for the
        events that have none yet."""
        pieces = []
        keep = self.keeps_pieces
        for entry in self._entries(linked):
            piece = entry.pieces.get(kind)
            if piece is None:
                piece = make(linked, entry)
                if keep:
                    entry.pieces[kind] = piece
            pieces.append(piece)
        return pieces

    def _entries(self, linked: Linked) -> list[Entry]:
        """An entry per event of `linked`, reusing those whose inputs are unchanged. The four
        exports of one build see the same event tuple and maps: checked once for all four."""
        checked = self._checked
        if (checked is not None and checked[0] is linked.events and checked[1] is linked.actors
                and checked[2] is linked.places):
            return checked[3]
        previous, by_id, entries = self._by_id, {}, []
        for event in linked.events:
            actors, places = _named(linked, event)
            entry = previous.get(event.id)
            if (entry is None or not (entry.event is event or entry.event == event)
                    or entry.actors != actors or entry.places != places):
                entry = Entry(event, actors, places)
            elif entry.event is not event:
                entry.event = event  # equal content: keep the pieces, follow the new object
            by_id[event.id] = entry
            entries.append(entry)
        self._by_id = by_id  # events that are gone are dropped with the old map
        self._checked = (linked.events, linked.actors, linked.places, entries)
        return entries
