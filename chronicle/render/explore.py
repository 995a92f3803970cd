"""What the reader's exploring tools add to a page: charts, maps and the timeline's filters.

`chronicle.pages` calls these when it plans a page. Each returns the dependency strings the
page's cache key needs (so a cached page is redrawn when its chart or map would change) and
a context builder that runs only when the page is rendered. The drawing itself lives in
`chart.py` and `maps.py`; this module only picks the data for each kind of page.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from operator import attrgetter

from chronicle.model import Actor, Event, Place
from chronicle.render.chart import SeriesInput, chart_of, series_inputs
from chronicle.render.maps import (
    load_countries,
    place_map_inputs,
    render_overview_map,
    render_place_map,
)

#: A country with more charted places than this shows only a place's nearby ones on its map.
COUNTRY_DOTS_MAX = 60


def _digest(value: object) -> str:
    return _key(repr(value))


def _key(text: str) -> str:
    """A literal dep ("=" and a short hash of `text`) standing for `text`."""
    return "=" + hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


# -- charts --------------------------------------------------------------------------------

def chart_deps(events: Sequence[Event]) -> tuple[str, ...]:
    """The chart shows only dates and figures: what its series is made of stands for it,
    and is ten times cheaper to hash than the series."""
    return ChartKeys(events).deps(range(len(events)))


class ChartKeys:
    """The charts of any lists of a build's events (every actor's and place's): each
    event's series inputs are read once, a list's key is one join and one hash in C (where
    hashing each list's inputs again would read each event four times), and its chart is
    drawn from the very inputs its key hashes. Inputs read when the build planned stay
    right for its quick path, which never runs for an event given another date or figure."""

    __slots__ = ("_inputs", "_texts")

    def __init__(self, events: Sequence[Event]):
        self._inputs = series_inputs(events)
        # "year,month,killed,injured;" for each event: a separator after every field, so
        # different inputs never join to the same text
        self._texts = [f"{y},{m},{k},{i};" for y, m, k, i in self._inputs]

    def deps(self, indices: Iterable[int]) -> tuple[str, ...]:
        text = "".join(map(self._texts.__getitem__, indices))
        return (_key(text),)

    def inputs(self, indices: Iterable[int]) -> list[SeriesInput]:
        """What `chart_context` draws the chart of these events from."""
        return list(map(self._inputs.__getitem__, indices))


def chart_context(inputs: Sequence[SeriesInput], *, title: str, small: bool) -> dict:
    """The chart of the events these are the series inputs of (ChartKeys.inputs)."""
    return {"chart": chart_of(inputs, title=title, small=small)}


# -- maps ----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PlaceMaps:
    """Which places each place page draws around itself, worked out once per build."""

    by_country: dict[str, list[Place]]

    @classmethod
    def of(cls, places: Iterable[Place]) -> PlaceMaps:
        by_country: dict[str, list[Place]] = defaultdict(list)
        for place in places:
            if place.has_coordinates:
                by_country[(place.country or "").casefold()].append(place)
        return cls(dict(by_country))

    def neighbours(self, place: Place, nearby: Iterable[Place]) -> list[Place]:
        """The other places of the chronology in the same country, or only the nearby ones
        when the country has too many to draw them all on every page."""
        group = self.by_country.get((place.country or "").casefold(), [])
        chosen = {p.id: p for p in nearby if p.has_coordinates}
        if len(group) <= COUNTRY_DOTS_MAX:
            chosen.update((p.id, p) for p in group)
        chosen.pop(place.id, None)
        return sorted(chosen.values(), key=lambda p: p.id)

    def deps(self, place: Place, nearby: Iterable[Place]) -> tuple[str, ...]:
        """What the map draws, exactly: a place elsewhere moving leaves this page alone."""
        if not place.has_coordinates:
            return ()
        drawn = place_map_inputs(place, self.neighbours(place, nearby), load_countries())
        return (_digest(drawn),)


def place_map_context(place: Place, neighbours: list[Place],
                      link_for: Callable[[Place], str]) -> dict:
    return {"place_map": render_place_map(place, neighbours, load_countries(),
                                          link_for=link_for)}


def overview_map_context(rows: list[tuple[Place, int]], link_for: Callable[[Place], str]) -> dict:
    return {"overview_map": render_overview_map(rows, load_countries(), link_for)}


# -- filters on the timeline ---------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class FilterOption:
    value: str
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class FilterGroup:
    """One facet of the filter form; `attribute` is the event item's data-* attribute."""

    name: str
    legend: str
    attribute: str
    options: tuple[FilterOption, ...]


def _options(counts: Counter, label: Callable[[str], str]) -> tuple[FilterOption, ...]:
    """Most events first, then by label and value: sorted as tuples (values are unique, so
    no two tie), each option made once in its place."""
    labelled = zip(counts.items(), map(label, counts), strict=True)
    rows = sorted([(-n, text.casefold(), value, text) for (value, n), text in labelled])
    return tuple([FilterOption(value, text, -n) for n, _, value, text in rows])


def type_label(value: str) -> str:
    return value.replace("-", " ").capitalize()


def filter_groups(events: Sequence[Event], actors: Mapping[str, Actor],
                  places: Mapping[str, Place]) -> list[FilterGroup]:
    """The facets of the events on one page, with how many events each value covers.

    A facet with a single value filters nothing and is left out (the year on a year page).
    """
    # each counted in one C call (the order counted in does not matter: options are sorted)
    types = Counter(map(_TYPE, events))
    years = Counter({str(year): n for year, n in Counter(map(_YEAR, events)).items()})
    actor_counts = Counter(chain.from_iterable({ref.actor for ref in event.actors}
                                               for event in events))
    place_counts = Counter(chain.from_iterable(map(set, map(_PLACES, events))))
    year_label = lambda y: f"{-int(y)} BCE" if int(y) < 0 else y  # noqa: E731
    groups = [
        FilterGroup("type", "Type", "data-type", _options(types, type_label)),
        FilterGroup("year", "Year", "data-year", tuple(sorted(
            _options(years, year_label), key=lambda o: -int(o.value)))),
        FilterGroup("actor", "Actor", "data-actors",
                    _options(actor_counts, lambda a: actors[a].name if a in actors else a)),
        FilterGroup("place", "Place", "data-places",
                    _options(place_counts, lambda p: places[p].name if p in places else p)),
    ]
    return [group for group in groups if len(group.options) > 1]


_TYPE, _YEAR, _PLACES = attrgetter("type"), attrgetter("date.year"), attrgetter("places")


class FilterKeys:
    """The deps of the filter form on any page of one build (home and year pages), for pages
    whose deps name each of their events already. Beyond the events, the form shows only
    the names of the actors and places it lists: its values, counts and order follow from
    the events and those names. So these names alone are hashed, each written out once per
    build: renaming an actor redraws the pages whose filters list it, and only those."""

    __slots__ = ("_actors", "_places")

    def __init__(self, actors: Mapping[str, Actor], places: Mapping[str, Place]):
        self._actors = {a: repr((a, actor.name)) for a, actor in actors.items()}
        self._places = {p: repr((p, place.name)) for p, place in places.items()}

    def deps(self, events: Sequence[Event]) -> tuple[str, ...]:
        listed = {ref.actor for event in events for ref in event.actors}
        located = {place for event in events for place in event.places}
        # a facet with a single value is left out of the form (filter_groups): no name shown
        text = "a" + (self._names(self._actors, listed) if len(listed) > 1 else "") + \
            "p" + (self._names(self._places, located) if len(located) > 1 else "")
        return (_key(text),)

    @staticmethod
    def _names(names: dict[str, str], ids: set[str]) -> str:
        # an id that names no entry is shown as itself, and the events hold it already
        return "".join(map(names.get, sorted(ids), repeat("")))
