"""Resolve a loaded chronology into the relations pages show: back-links, totals, neighbours.

Everything here is computed once per build in linear time (dicts and sorted lists, never a
pairwise scan), so that planning 50,000 event pages costs milliseconds, and every page can
ask for "this actor's events" or "the events around this one" without searching.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import chain
from operator import itemgetter

from chronicle.model import Actor, Chronology, Event, Figure, Place

RELATED_LIMIT = 5
RELATED_WINDOW = 3  # neighbours on each side, in each shared actor's or place's list
NEARBY_LIMIT = 6
NEARBY_KM = 150.0
PLACES_PER_CELL = 0.5  # about the fastest grid for _nearby, at 100 to 5,000 places


@dataclass(slots=True)
class Totals:
    """Counts a reader compares at a glance; casualties add each event's `Figure.value`."""

    events: int = 0
    killed: int = 0
    injured: int = 0


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
    years: list[Year]
    totals: Totals
    # derived (see `nearby`): not an argument, and not part of what makes two equal
    _near: dict[str, list[tuple[str, float]]] | None = field(
        default=None, init=False, repr=False, compare=False)

    @property
    def nearby(self) -> dict[str, list[tuple[str, float]]]:
        """Each located place's nearest places, made on first use: only place pages read
        them, so a build starts the exports (which do not) before it spends time on them."""
        if self._near is None:
            self._near = _nearby(self.places)
        return self._near

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
        """Events sharing a place or an actor, sharing most first, then closest in time,
        then earliest.

        Only the few neighbours on each side in each shared list are candidates, so an
        actor with 10,000 events costs the same as one with ten. A place or actor named
        twice by the event counts twice."""
        event = self.events[index]
        lists = [self.place_events.get(p, _NONE) for p in event.places]
        lists += [self.actor_events.get(ref.actor, _NONE) for ref in event.actors]
        found: list[int] = []
        for positions in lists:
            at = bisect_left(positions, index)
            found += positions[max(0, at - RELATED_WINDOW): at + RELATED_WINDOW + 1]
        return _rank_related(found, index, limit)

    def all_related_indices(self, limit: int = RELATED_LIMIT) -> list[list[int]]:
        """`related_indices` of every event, gathered list by list: each actor's and place's
        list hands every event in it the window around it, with no search per event."""
        found: list[list[int]] = [[] for _ in self.events]
        for lists in (self.place_events, self.actor_events):
            for positions in lists.values():
                for at, index in enumerate(positions):
                    # a conditional, not max(): a third fewer instructions in this hot loop
                    start = at - RELATED_WINDOW if at > RELATED_WINDOW else 0
                    found[index] += positions[start: at + RELATED_WINDOW + 1]
        # an event naming a place or actor twice counts its list twice: the rare slow way
        return [self.related_indices(index, limit) if _names_twice(event)
                else _rank_related(found[index], index, limit)
                for index, event in enumerate(self.events)]


def _names_twice(event: Event) -> bool:
    places, actors = event.places, event.actors
    return ((len(places) > 1 and len(set(places)) < len(places))
            or (len(actors) > 1 and len({ref.actor for ref in actors}) < len(actors)))


_NONE: list[int] = []


def _rank_related(found: list[int], index: int, limit: int) -> list[int]:
    """The `limit` best of `found` (candidates, one entry per list they came from; `index`
    itself left out): most entries first, then nearest to `index`, then the earlier."""
    unique = sorted(set(found))
    at = bisect_left(unique, index)
    itself = at < len(unique) and unique[at] == index
    if len(unique) - itself == len(found) - found.count(index):
        # each candidate came from one list (the usual case): the nearest win, merged from
        # the earlier ones (nearest first) and the later ones
        before, after = unique[at - 1::-1] if at else [], unique[at + itself:]
        chosen: list[int] = []
        b = a = 0
        while len(chosen) < limit and (b < len(before) or a < len(after)):
            if a == len(after) or (b < len(before) and index - before[b] <= after[a] - index):
                chosen.append(before[b])
                b += 1
            else:
                chosen.append(after[a])
                a += 1
        return chosen
    counts = Counter(found)
    counts.pop(index, None)
    ranked = sorted((-count, abs(other - index), other) for other, count in counts.items())
    return [other for _, _, other in ranked[:limit]]


def link(chronology: Chronology) -> Linked:
    """Build every relation in one pass over the events (references are canonical ids).

    The pass only files each event's index under its actors, places, year and month;
    totals are then sums over those index lists of each event's figures, taken once."""
    events = chronology.events
    actors = {actor.id: actor for actor in chronology.actors}
    places = {place.id: place for place in chronology.places}
    actor_events: dict[str, list[int]] = defaultdict(list)
    place_events: dict[str, list[int]] = defaultdict(list)
    together: dict[str, list[str]] = defaultdict(list)  # an actor's events' actors, repeated
    years: dict[int, Year] = {}
    for index, event in enumerate(events):
        named = list(dict.fromkeys([ref.actor for ref in event.actors]))
        for actor_id in named:
            actor_events[actor_id].append(index)
            if len(named) > 1:
                together[actor_id] += named
        for place_id in dict.fromkeys(event.places):
            place_events[place_id].append(index)
        _add_to_year(years, index, event)

    figures = _Figures(events)
    affiliated_with = {a.id: sorted(set(a.affiliations) & actors.keys()) for a in actors.values()}
    affiliates: dict[str, list[str]] = defaultdict(list)
    for actor_id in sorted(affiliated_with):
        for other in affiliated_with[actor_id]:
            affiliates[other].append(actor_id)
    ordered_years = [years[y] for y in sorted(years)]
    for year in ordered_years:
        year.totals = figures.totals(year.events)
        for month in year.months:
            month.totals = figures.totals(month.events)
    return Linked(
        chronology=chronology,
        events=events,
        event_index={event.id: i for i, event in enumerate(events)},
        actors=actors,
        places=places,
        actor_events=dict(actor_events),
        place_events=dict(place_events),
        actor_totals={a: figures.totals(indices) for a, indices in actor_events.items()},
        place_totals={p: figures.totals(indices) for p, indices in place_events.items()},
        co_actors={actor_id: _co_actors(actor_id, others) for actor_id, others in together.items()},
        affiliated_with=affiliated_with,
        affiliates=dict(affiliates),
        years=ordered_years,
        totals=figures.totals(range(len(events))),
    )


class _Figures:
    """Each event's killed and injured values (`Figure.value`, 0 when not reported), read
    once, so that a total over any list of events is two sums in C."""

    __slots__ = ("injured", "killed")

    def __init__(self, events: tuple[Event, ...]):
        self.killed = [_value(event.casualties.killed) for event in events]
        self.injured = [_value(event.casualties.injured) for event in events]

    def totals(self, indices: Sequence[int]) -> Totals:
        return Totals(len(indices), sum(map(self.killed.__getitem__, indices)),
                      sum(map(self.injured.__getitem__, indices)))


def _co_actors(actor_id: str, together: list[str]) -> list[tuple[str, int]]:
    """The actors named with `actor_id` and in how many events, most first, then by id."""
    counts = Counter(together)
    del counts[actor_id]
    rows = sorted(counts.items(), key=itemgetter(0))
    rows.sort(key=itemgetter(1), reverse=True)  # stable: equal counts stay in id order
    return rows


def _add_to_year(years: dict[int, Year], index: int, event: Event) -> None:
    date = event.date
    year = years.get(date.year)
    if year is None:
        year = years[date.year] = Year(date.year)
    year.events.append(index)
    # events are sorted, and a year-only date sorts before its months: groups arrive in order
    months = year.months
    if not months or months[-1].month != date.month:
        months.append(Month(date.month))
    months[-1].events.append(index)


def distance_km(a: Place, b: Place) -> float:
    """Great-circle distance (haversine), good to a few metres at these scales."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(
        (lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _nearby(places: dict[str, Place]) -> dict[str, list[tuple[str, float]]]:
    """Up to NEARBY_LIMIT places within NEARBY_KM, found through a grid of small cells, so
    each place only measures the places in the rings of cells around its own that can
    still hold a nearer one. (Places on either side of the 180th meridian are not
    matched: no chronology here spans it.)

    `distance_km` is written out inline with each place's radians and cosine taken once:
    the same operations in the same order, so the same floats, at a fifth of the cost."""
    located = sorted((p for p in places.values() if p.has_coordinates), key=lambda p: p.id)
    size = _cell_size(located)
    spots = [_Spot(place, size) for place in located]
    cells: dict[tuple[int, int], list[_Spot]] = defaultdict(list)
    for spot in spots:
        cells[spot.cell].append(spot)
    lat_reach = NEARBY_KM / 111.0  # a degree of latitude is 111 km (111.19 on this sphere)
    sin, asin, sqrt = math.sin, math.asin, math.sqrt
    nearby: dict[str, list[tuple[str, float]]] = {}
    for spot in spots:
        lat, lon, lat1, lon1, cos1 = spot.lat, spot.lon, spot.rlat, spot.rlon, spot.cos
        # at the poleward edge of the radius a degree of longitude is shortest
        shrink = math.cos(math.radians(abs(lat) + lat_reach))
        if shrink < 0.05:
            # too near a pole for a box in degrees of longitude: measure every place
            rings: Iterable[Iterable[_Spot]] = [spots]
            lon_reach = math.inf
        else:
            lon_reach = lat_reach / shrink
            rings = _rings(cells, spot.cell, math.ceil(max(lat_reach, lon_reach) / size))
        # how far the place is from the nearest side of its own cell, north-south and
        # east-west, in degrees
        row, col = spot.cell
        inside_lat = min(lat - row * size, (row + 1) * size - lat)
        inside_lon = min(lon - col * size, (col + 1) * size - lon)
        found: list[tuple[float, str]] = []
        for ring, others in enumerate(rings):
            for other in others:
                if (other is not spot and abs(other.lat - lat) <= lat_reach
                        and abs(other.lon - lon) <= lon_reach):
                    h = sin((other.rlat - lat1) / 2) ** 2 + cos1 * other.cos * sin(
                        (other.rlon - lon1) / 2) ** 2
                    km = 2 * 6371.0 * asin(min(1.0, sqrt(h)))
                    if km <= NEARBY_KM:
                        found.append((round(km, 1), other.id))
            if len(found) >= NEARBY_LIMIT:
                # every place in a cell beyond this ring is at least this far away, so
                # rounds to a larger figure than the last one kept: enough found, stop
                reach = ring * size
                beyond = min(reach + inside_lat, (reach + inside_lon) * shrink) * 111.0
                found.sort()
                if found[NEARBY_LIMIT - 1][0] < beyond - 0.05:
                    break
        found.sort()
        nearby[spot.id] = [(pid, km) for km, pid in found[:NEARBY_LIMIT]]
    return nearby


def _rings(cells: dict[tuple[int, int], list[_Spot]], cell: tuple[int, int],
           last: int) -> Iterator[Iterable[_Spot]]:
    """The places in each ring of cells around `cell`, nearest ring first, up to `last`."""
    row, col = cell
    for ring in range(last + 1):
        yield chain.from_iterable(cells.get((row + r, col + c), ()) for r, c in _ring_offsets(ring))


def _cell_size(located: list[Place]) -> float:
    """Degrees on a side of a cell holding about PLACES_PER_CELL places, as a power of two
    (so cell edges are exact): small cells let a place stop looking sooner, but each ring
    of empty ones still costs lookups. 1 degree at most: NEARBY_KM is 1.35 degrees."""
    if not located:
        return 1.0
    lats, lons = [p.lat for p in located], [p.lon for p in located]
    area = max((max(lats) - min(lats)) * (max(lons) - min(lons)), 1.0)
    side = math.sqrt(PLACES_PER_CELL * area / len(located))
    return 2.0 ** max(-5, min(0, round(math.log2(side))))


class _Spot:
    """A located place as `_nearby` measures it: degrees for the cell and the bounding box,
    radians and the latitude's cosine for the haversine (as `distance_km` computes them)."""

    __slots__ = ("cell", "cos", "id", "lat", "lon", "rlat", "rlon")

    def __init__(self, place: Place, size: float):
        self.id, self.lat, self.lon = place.id, place.lat, place.lon
        self.rlat, self.rlon = math.radians(place.lat), math.radians(place.lon)
        self.cos = math.cos(self.rlat)
        self.cell = (math.floor(place.lat / size), math.floor(place.lon / size))


@cache
def _ring_offsets(ring: int) -> tuple[tuple[int, int], ...]:
    """The grid cells at Chebyshev distance `ring` around (0, 0), in a fixed order."""
    if ring == 0:
        return ((0, 0),)
    cells = []
    for c in range(-ring, ring + 1):
        cells += [(-ring, c), (ring, c)]
    for r in range(-ring + 1, ring):
        cells += [(r, -ring), (r, ring)]
    return tuple(cells)
