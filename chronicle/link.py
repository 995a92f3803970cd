"""Resolve a loaded chronology into the relations pages show: back-links, totals, neighbours.

Everything here is computed once per build in linear time (dicts and sorted lists, never a
pairwise scan), so that planning 50,000 event pages costs milliseconds, and every page can
ask for "this actor's events" or "the events around this one" without searching.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from chronicle.model import Actor, Chronology, Event, Figure, Place

RELATED_LIMIT = 5
RELATED_WINDOW = 3  # neighbours on each side, in each shared actor's or place's list
NEARBY_LIMIT = 6
NEARBY_KM = 150.0
CELL_DEGREES = 0.5


@dataclass(slots=True)
class Totals:
    """Counts a reader compares at a glance; casualties add each event's `Figure.value`."""

    events: int = 0
    killed: int = 0
    injured: int = 0

    def add(self, event: Event) -> None:
        self.events += 1
        self.killed += _value(event.casualties.killed)
        self.injured += _value(event.casualties.injured)


def _value(figure: Figure | None) -> int:
    return figure.value if figure is not None else 0


@dataclass(slots=True)
class Month:
    """One month of a year's timeline; `month` is None for events known only to the year."""

    month: int | None
    events: list[int] = field(default_factory=list)
    totals: Totals = field(default_factory=Totals)


@dataclass(slots=True)
class Year:
    year: int
    months: list[Month] = field(default_factory=list)
    events: list[int] = field(default_factory=list)
    totals: Totals = field(default_factory=Totals)


@dataclass(slots=True)
class Linked:
    """A chronology with its relations resolved. Event lists hold indices into `events`
    (which is in date order), so "previous", "next" and slices of a timeline are cheap."""

    chronology: Chronology
    events: tuple[Event, ...]
    event_index: dict[str, int]
    actors: dict[str, Actor]
    places: dict[str, Place]
    actor_events: dict[str, list[int]]
    place_events: dict[str, list[int]]
    actor_totals: dict[str, Totals]
    place_totals: dict[str, Totals]
    co_actors: dict[str, list[tuple[str, int]]]
    affiliated_with: dict[str, list[str]]
    affiliates: dict[str, list[str]]
    nearby: dict[str, list[tuple[str, float]]]
    years: list[Year]
    totals: Totals

    @property
    def config(self):
        return self.chronology.config

    def previous(self, index: int) -> Event | None:
        return self.events[index - 1] if index > 0 else None

    def next(self, index: int) -> Event | None:
        return self.events[index + 1] if index + 1 < len(self.events) else None

    def related(self, index: int, limit: int = RELATED_LIMIT) -> list[Event]:
        return [self.events[other] for other in self.related_indices(index, limit)]

    def related_indices(self, index: int, limit: int = RELATED_LIMIT) -> list[int]:
        """Events sharing a place or an actor, closest in time first.

        Only the few neighbours on each side in each shared list are candidates, so an
        actor with 10,000 events costs the same as one with ten."""
        event = self.events[index]
        lists = [self.place_events.get(p, []) for p in event.places]
        lists += [self.actor_events.get(ref.actor, []) for ref in event.actors]
        shared: dict[int, int] = {}
        for positions in lists:
            at = bisect_left(positions, index)
            for other in positions[max(0, at - RELATED_WINDOW): at + RELATED_WINDOW + 1]:
                shared[other] = shared.get(other, 0) + 1
        shared.pop(index, None)
        ranked = sorted((-count, abs(other - index), other) for other, count in shared.items())
        return [other for _, _, other in ranked[:limit]]


def link(chronology: Chronology) -> Linked:
    """Build every relation in one pass over the events (references are canonical ids)."""
    events = chronology.events
    actors = {actor.id: actor for actor in chronology.actors}
    places = {place.id: place for place in chronology.places}
    actor_events: dict[str, list[int]] = defaultdict(list)
    place_events: dict[str, list[int]] = defaultdict(list)
    actor_totals: dict[str, Totals] = defaultdict(Totals)
    place_totals: dict[str, Totals] = defaultdict(Totals)
    pairs: dict[str, Counter[str]] = defaultdict(Counter)
    totals = Totals()
    years: dict[int, Year] = {}
    for index, event in enumerate(events):
        totals.add(event)
        named = _unique(ref.actor for ref in event.actors)
        for actor_id in named:
            actor_events[actor_id].append(index)
            actor_totals[actor_id].add(event)
            for other in named:
                if other != actor_id:
                    pairs[actor_id][other] += 1
        for place_id in _unique(event.places):
            place_events[place_id].append(index)
            place_totals[place_id].add(event)
        _add_to_year(years, index, event)

    affiliated_with = {a.id: sorted(set(a.affiliations) & actors.keys()) for a in actors.values()}
    affiliates: dict[str, list[str]] = defaultdict(list)
    for actor_id in sorted(affiliated_with):
        for other in affiliated_with[actor_id]:
            affiliates[other].append(actor_id)
    return Linked(
        chronology=chronology,
        events=events,
        event_index={event.id: i for i, event in enumerate(events)},
        actors=actors,
        places=places,
        actor_events=dict(actor_events),
        place_events=dict(place_events),
        actor_totals=dict(actor_totals),
        place_totals=dict(place_totals),
        co_actors={
            actor_id: sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            for actor_id, counts in pairs.items()
        },
        affiliated_with=affiliated_with,
        affiliates=dict(affiliates),
        nearby=_nearby(places),
        years=[years[y] for y in sorted(years)],
        totals=totals,
    )


def _unique(ids) -> list[str]:
    return list(dict.fromkeys(ids))


def _add_to_year(years: dict[int, Year], index: int, event: Event) -> None:
    year = years.get(event.date.year)
    if year is None:
        year = years[event.date.year] = Year(event.date.year)
    year.events.append(index)
    year.totals.add(event)
    # events are sorted, and a year-only date sorts before its months: groups arrive in order
    if not year.months or year.months[-1].month != event.date.month:
        year.months.append(Month(event.date.month))
    year.months[-1].events.append(index)
    year.months[-1].totals.add(event)


def distance_km(a: Place, b: Place) -> float:
    """Great-circle distance (haversine), good to a few metres at these scales."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(
        (lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _nearby(places: dict[str, Place]) -> dict[str, list[tuple[str, float]]]:
    """Up to NEARBY_LIMIT places within NEARBY_KM, found through a grid of small cells, so
    each place only measures the places in the cells its radius can reach. (Places on
    either side of the 180th meridian are not matched: no chronology here spans it.)"""
    cells: dict[tuple[int, int], list[Place]] = defaultdict(list)
    located = sorted((p for p in places.values() if p.has_coordinates), key=lambda p: p.id)
    for place in located:
        cells[(math.floor(place.lat / CELL_DEGREES), math.floor(place.lon / CELL_DEGREES))].append(
            place)
    lat_reach = NEARBY_KM / 111.0  # a degree of latitude is 111 km
    nearby: dict[str, list[tuple[str, float]]] = {}
    for place in located:
        # at the poleward edge of the radius a degree of longitude is shortest
        shrink = max(math.cos(math.radians(min(89.0, abs(place.lat) + lat_reach))), 0.05)
        lon_reach = lat_reach / shrink
        row, col = math.floor(place.lat / CELL_DEGREES), math.floor(place.lon / CELL_DEGREES)
        rows, cols = math.ceil(lat_reach / CELL_DEGREES), math.ceil(lon_reach / CELL_DEGREES)
        found: list[tuple[float, str]] = []
        for ring in range(max(rows, cols) + 1):
            for r, c in _ring(row, col, ring):
                for other in cells.get((r, c), ()):
                    if (other is not place and abs(other.lat - place.lat) <= lat_reach
                            and abs(other.lon - place.lon) <= lon_reach):
                        km = distance_km(place, other)
                        if km <= NEARBY_KM:
                            found.append((round(km, 1), other.id))
            # every cell beyond this ring is at least this far away: enough found, stop
            beyond = ring * CELL_DEGREES * 111.0 * shrink
            if len(found) >= NEARBY_LIMIT and sorted(found)[NEARBY_LIMIT - 1][0] < beyond:
                break
        found.sort()
        nearby[place.id] = [(pid, km) for km, pid in found[:NEARBY_LIMIT]]
    return nearby


def _ring(row: int, col: int, ring: int):
    """The grid cells at Chebyshev distance `ring` around (row, col)."""
    if ring == 0:
        yield row, col
        return
    for c in range(col - ring, col + ring + 1):
        yield row - ring, c
        yield row + ring, c
    for r in range(row - ring + 1, row + ring):
        yield r, col - ring
        yield r, col + ring
