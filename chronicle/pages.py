"""Plan the site: every output file as a `Page` that knows what it reads.

A page's `deps` name the inputs its output depends on ("event:<id>", "actor:<id>",
"actor-events:<id>", or "=<literal>" for derived values such as totals); the build hashes
those into the page's cache key, so a cold build, a cached rebuild and a watch-mode update
decide what to render the same way. Contexts are built lazily (a page that is cached never
builds one) and hold only what the page shows, never the whole chronology.
"""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import groupby
from operator import attrgetter
from pathlib import Path

from chronicle.link import Linked, Totals
from chronicle.model import Event, Figure, FuzzyDate
from chronicle.render import explore, exports
from chronicle.render.templates import atom_date
from chronicle.render.urls import entity_url, list_url, relative, year_url

INDEX_EVENTS = 100  # the newest events shown on the home page; older ones live on year pages
YEAR_PAGE_EVENTS = 500
ENTITY_PAGE_EVENTS = 200
LIST_PAGE_ENTITIES = 500
FEED_EVENTS = 50
CO_ACTORS_SHOWN = 12


@dataclass(frozen=True, slots=True)
class Page:
    """One output file. `build` returns the template context, or the bytes themselves
    when `template` is None (exports, static files)."""

    url: str
    kind: str
    template: str | None
    build: Callable[[], dict | bytes]
    deps: tuple[str, ...]


def plan(linked: Linked) -> list[Page]:
    """Every page the chronology makes, in a stable order (sorted by URL at the end)."""
    names = _Names(linked)
    pages: list[Page] = []
    pages += _home_pages(linked, names)
    pages += _year_pages(linked, names)
    pages += _event_pages(linked, names)
    pages += _actor_pages(linked, names)
    pages += _place_pages(linked, names)
    pages += _feeds_and_exports(linked, names)
    if linked.config.site_url:
        pages.append(_sitemap(pages))
    pages.sort(key=lambda p: p.url)
    return pages


def static_pages(folder: Path, prefix: str = "") -> list[Page]:
    """Files copied as they are: the theme's `static/` (under "static/") or a chronology's
    own `static/` (at the site root, for CNAME and the like). Keyed by their bytes."""
    if not folder.is_dir():
        return []
    pages = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        url = prefix + path.relative_to(folder).as_posix()
        data = path.read_bytes()
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        pages.append(Page(url, "static", None, partial(bytes, data), (f"={digest}",)))
    return pages


# -- dependency fingerprints ---------------------------------------------------------------

class Fingerprints:
    """The hash of each input a page may name in `deps`. Every event's is taken at once (a
    full build keys every event page); the rest on first use."""

    def __init__(self, linked: Linked):
        self._linked = linked
        self._cache: dict[str, bytes] = {
            f"event:{event.id}": _event_fingerprint(event) for event in linked.events}

    def forget(self, deps: Iterable[str]) -> None:
        """Drop what an edit made stale (the edited entries, and aggregates over them)."""
        for dep in deps:
            self._cache.pop(dep, None)

    def __call__(self, dep: str) -> bytes:
        found = self._cache.get(dep)
        if found is None:
            found = self._cache[dep] = self._compute(dep)
        return found

    def joined(self, deps: Sequence[str]) -> bytes:
        """The fingerprints of `deps` end to end, as a page's key hashes them: looked up in
        C, then the few not known yet (literals, entities) computed one by one."""
        found = list(map(self._cache.get, deps))
        while None in found:
            at = found.index(None)
            found[at] = self(deps[at])
        return b"".join(found)

    def _compute(self, dep: str) -> bytes:
        if dep.startswith("="):
            return _hash(dep.encode())
        kind, _, key = dep.partition(":")
        linked = self._linked
        if kind == "event":
            return _event_fingerprint(linked.events[linked.event_index[key]])
        if kind == "actor":
            return _hash(repr(linked.actors.get(key)).encode())
        if kind == "place":
            return _hash(repr(linked.places.get(key)).encode())
        if kind == "events":
            return _hash(b"".join(self(f"event:{e.id}") for e in linked.events))
        if kind == "actors":
            return _hash(b"".join(self(f"actor:{a}") for a in sorted(linked.actors)))
        if kind == "places":
            return _hash(b"".join(self(f"place:{p}") for p in sorted(linked.places)))
        raise KeyError(f"unknown dependency {dep!r}")


def _hash(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def _event_fingerprint(event: Event) -> bytes:
    """The hash of all a page can show of an event. Its fields as plain values, written by
    marshal (format 2: no references, so equal values give equal bytes), cost a third of
    the event's repr; marks, which only place diagnostics, are left out as in the repr."""
    record = _event_record(event)
    try:
        data = marshal.dumps(record, 2)
    except ValueError:  # a value of a type marshal does not write (a str subclass...)
        data = b"r" + repr(record).encode()  # marshal's bytes start with "(", never "r"
    return _hash(data)


def _event_record(event: Event) -> tuple:
    """Every field of an event (and of the values it holds) but its marks, in order. A new
    field of Event, Source, Casualties... must be added here: test_pages checks each one."""
    casualties = event.casualties
    return (
        event.id, event.title, _date(event.date), event.type, event.path,
        _date(event.end_date), event.display_date, event.status.value, event.primary,
        event.summary, [(ref.actor, ref.role.value) for ref in event.actors], event.places,
        (_figure(casualties.killed), _figure(casualties.injured),
         [(side.actor, _figure(side.killed), _figure(side.injured))
          for side in casualties.by_side]),
        [(source.file, source.publisher, source.url, source.title, _date(source.published),
          source.quote) for source in event.sources],
        event.tags,
    )


def _date(date: FuzzyDate | None) -> tuple | None:
    return None if date is None else (date.year, date.month, date.day)


def _figure(figure: Figure | None) -> tuple | None:
    return None if figure is None else (figure.best, figure.low, figure.high)


class _Names:
    """The dependency strings of one plan, each made once and shared by all the pages that
    name it: a plan of 50,000 events names an event some 700,000 times. `actor` and
    `place` are lookups in C (`map` calls them for every event). `charts` and `filters`
    key the charts and filter forms of its pages, made as cheaply."""

    __slots__ = ("actor", "charts", "events", "filters", "place")

    def __init__(self, linked: Linked):
        self.events = [f"event:{event.id}" for event in linked.events]
        self.actor = _Prefixed("actor:", linked.actors).__getitem__
        self.place = _Prefixed("place:", linked.places).__getitem__
        self.charts = explore.ChartKeys(linked.events)
        self.filters = explore.FilterKeys(linked.actors, linked.places)

    def of_events(self, indices: Iterable[int]) -> list[str]:
        return list(map(self.events.__getitem__, indices))


class _Prefixed(dict):
    """"<prefix><id>" for each id, made once; one that is not among them (a reference to a
    missing entry) is made when asked."""

    __slots__ = ("prefix",)

    def __init__(self, prefix: str, ids: Iterable[str]):
        super().__init__((key, prefix + key) for key in ids)
        self.prefix = prefix

    def __missing__(self, key: str) -> str:
        return self.prefix + key


# -- the timeline: home and year pages -----------------------------------------------------

@dataclass(frozen=True, slots=True)
class MonthGroup:
    label: str
    anchor: str
    totals: Totals
    events: list[Event]


@dataclass(frozen=True, slots=True)
class YearGroup:
    year: int
    label: str
    totals: Totals
    months: list[MonthGroup]


def _year_label(year: int) -> str:
    return f"{-year} BCE" if year < 0 else str(year)


def _month_groups(linked: Linked, year, chosen: set[int] | None) -> list[MonthGroup]:
    """The months of `year` holding events in `chosen` (all when None), with full totals."""
    from chronicle.model import MONTH_NAMES

    groups = []
    for month in year.months:
        events = [linked.events[i] for i in month.events if chosen is None or i in chosen]
        if not events:
            continue
        label = (f"{MONTH_NAMES[month.month]} {_year_label(year.year)}" if month.month
                 else f"{_year_label(year.year)}, month not known")
        anchor = f"m{month.month:02d}" if month.month else "year"
        groups.append(MonthGroup(label, anchor, month.totals, events))
    return groups


def _year_summaries(linked: Linked) -> list[tuple[int, str, Totals]]:
    return [(y.year, _year_label(y.year), y.totals) for y in linked.years]


def _home_pages(linked: Linked, names: _Names) -> list[Page]:
    recent = list(range(max(0, len(linked.events) - INDEX_EVENTS), len(linked.events)))
    chosen = set(recent)
    first_year = linked.events[recent[0]].date.year if recent else None
    years_shown = [y for y in linked.years if first_year is not None and y.year >= first_year]
    summaries = _year_summaries(linked)

    def context() -> dict:
        groups = [YearGroup(y.year, _year_label(y.year), y.totals,
                            _month_groups(linked, y, chosen)) for y in reversed(years_shown)]
        shown = [linked.events[i] for i in recent]
        return {"title": linked.config.title, "groups": groups, "years": summaries,
                "totals": linked.totals, "shown": len(recent),
                "filters": explore.filter_groups(shown, linked.actors, linked.places),
                **explore.chart_context(names.charts.inputs(range(len(linked.events))),
                                        title="Events over time", small=False)}

    deps = (*names.of_events(recent),
            f"={summaries!r}", f"={linked.totals!r}",
            *names.filters.deps([linked.events[i] for i in recent]),
            *names.charts.deps(range(len(linked.events))))
    return [
        Page("index.html", "home", "index.html", context, deps),
        Page("search/index.html", "search", "search.html",
             partial(dict, title="Search", years=summaries), (f"={summaries!r}",)),
        Page("404.html", "home", "404.html", dict, ()),
        Page(".nojekyll", "static", None, bytes, ()),
    ]


def _chunks(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)] or [[]]


def _pager(make_url: Callable[[int], str], number: int, count: int) -> dict:
    return {"number": number, "count": count,
            "previous": make_url(number - 1) if number > 1 else None,
            "next": make_url(number + 1) if number < count else None,
            "pages": [(n, make_url(n)) for n in range(1, count + 1)] if count > 1 else []}


def _year_pages(linked: Linked, names: _Names) -> list[Page]:
    pages = []
    years = [y.year for y in linked.years]
    for position, year in enumerate(linked.years):
        slices = _chunks(year.events, YEAR_PAGE_EVENTS)
        neighbours = (years[position - 1] if position else None,
                      years[position + 1] if position + 1 < len(years) else None)
        for number, chunk in enumerate(slices, 1):
            pager = _pager(partial(year_url, year.year), number, len(slices))
            context = partial(_year_context, linked, year, set(chunk), pager, neighbours)
            deps = (*names.of_events(chunk),
                    f"={year.totals!r}{neighbours!r}{len(slices)}",
                    *names.filters.deps([linked.events[i] for i in chunk]))
            pages.append(Page(year_url(year.year, number), "year", "year.html", context, deps))
    return pages


def _year_context(linked, year, chosen, pager, neighbours) -> dict:
    previous, following = neighbours
    return {
        "title": _year_label(year.year),
        "year": YearGroup(year.year, _year_label(year.year), year.totals,
                          _month_groups(linked, year, chosen)),
        "previous_year": (previous, _year_label(previous)) if previous is not None else None,
        "next_year": (following, _year_label(following)) if following is not None else None,
        "pager": pager,
        "filters": explore.filter_groups([linked.events[i] for i in sorted(chosen)],
                                         linked.actors, linked.places),
    }


# -- event pages ---------------------------------------------------------------------------

def _event_pages(linked: Linked, names: _Names) -> list[Page]:
    pages = []
    own = names.events
    actor, place = names.actor, names.place
    related_of = linked.all_related_indices()
    for index, event in enumerate(linked.events):
        related = related_of[index]
        # itself, its actors and places, the events before and after it, its related ones
        deps = (own[index], *map(actor, map(_ACTOR_ID, event.actors)), *map(place, event.places),
                *own[max(0, index - 1):index], *own[index + 1:index + 2],
                *map(own.__getitem__, related))
        # indices, not events: a watch-mode update swaps an edited event into `linked`
        context = partial(_event_context, linked, index, related)
        pages.append(Page(entity_url("events", event.id), "event", "event.html", context, deps))
    return pages


_ACTOR_ID = attrgetter("actor")


def _event_context(linked: Linked, index: int, related: list[int]) -> dict:
    event = linked.events[index]
    return {
        "title": event.title,
        "event": event,
        "actors": [(linked.actors[r.actor], r.role.value) for r in event.actors
                   if r.actor in linked.actors],
        "places": [linked.places[p] for p in event.places if p in linked.places],
        "side_names": {s.actor: linked.actors[s.actor].name for s in event.casualties.by_side
                       if s.actor in linked.actors},
        "previous": linked.previous(index),
        "next": linked.next(index),
        "related": [linked.events[i] for i in related],
    }


# -- actors and places ---------------------------------------------------------------------

def _entity_pages(linked: Linked, names: _Names, kind: str, entities: dict, events_of: dict,
                  totals_of: dict, extra: Callable, extra_deps: Callable) -> list[Page]:
    pages = []
    empty = Totals()
    named = names.actor if kind == "actors" else names.place
    template = f"{kind[:-1]}.html"
    for entity_id in sorted(entities):
        entity = entities[entity_id]
        indices = events_of.get(entity_id, [])
        slices = _chunks(indices, ENTITY_PAGE_EVENTS)
        totals = totals_of.get(entity_id, empty)
        own = (named(entity_id), f"={totals!r}{len(slices)}")
        shared = extra_deps(entity_id)  # the same on each page of the entity's list
        for number, chunk in enumerate(slices, 1):
            pager = _pager(partial(entity_url, kind, entity_id), number, len(slices))
            context = partial(_entity_context, linked, kind, entity, chunk, totals, pager, extra)
            deps = (*own, *names.of_events(chunk), *shared)
            pages.append(Page(entity_url(kind, entity_id, number), kind[:-1], template,
                              context, deps))
    pages += _entity_list_pages(kind, named, entities, totals_of)
    return pages


def _entity_context(linked, kind, entity, chunk, totals, pager, extra) -> dict:
    events = [linked.events[i] for i in chunk]
    context = {"title": entity.name, kind[:-1]: entity, "events": events,
               "events_by_year": _by_year(events), "totals": totals, "pager": pager}
    context.update(extra(entity.id))
    return context


def _by_year(events: list[Event]) -> list[tuple[str, list[Event]]]:
    """The events under their year's label, years in order and events in the page's order
    within each: Jinja's `groupby('date.year')` made in C, where the filter looked up each
    event's date and year twice through the environment (a quarter of an actor page)."""
    ordered = sorted(events, key=_YEAR)
    return [(_year_label(year), list(group)) for year, group in groupby(ordered, _YEAR)]


_YEAR = attrgetter("date.year")


def _entity_list_pages(kind, named: Callable[[str], str], entities, totals_of) -> list[Page]:
    empty = Totals()
    rows = sorted(entities.values(), key=lambda e: (e.name.casefold(), e.id))
    slices = _chunks(rows, LIST_PAGE_ENTITIES)
    pages = []
    for number, chunk in enumerate(slices, 1):
        listed = [(entity, totals_of.get(entity.id, empty)) for entity in chunk]
        pager = _pager(partial(list_url, kind), number, len(slices))
        context = partial(dict, title=kind.capitalize(), entries=listed, pager=pager)
        if kind == "places":
            context = partial(_places_list_context, context, listed, list_url(kind, number))
        deps = (*(named(e.id) for e in chunk), f"={[t for _, t in listed]!r}{len(slices)}")
        pages.append(Page(list_url(kind, number), kind, f"{kind}.html", context, deps))
    return pages


def _places_list_context(base: Callable[[], dict], listed, page_url: str) -> dict:
    rows = [(place, totals.events) for place, totals in listed]
    link_for = lambda p: relative(page_url, entity_url("places", p.id))  # noqa: E731
    return {**base(), **explore.overview_map_context(rows, link_for)}


def _entity_chart(names: _Names, indices: list[int], name: str) -> dict:
    return explore.chart_context(names.charts.inputs(indices),
                                 title=f"{name}: events over time", small=True)


def _actor_pages(linked: Linked, names: _Names) -> list[Page]:
    def extra(actor_id: str) -> dict:
        return {
            "co_actors": [(linked.actors[a], n) for a, n in
                          linked.co_actors.get(actor_id, [])[:CO_ACTORS_SHOWN]],
            "affiliated_with": [linked.actors[a] for a in linked.affiliated_with.get(actor_id, [])],
            "affiliates": [linked.actors[a] for a in linked.affiliates.get(actor_id, [])],
            **_entity_chart(names, linked.actor_events.get(actor_id, []),
                            linked.actors[actor_id].name),
        }

    def extra_deps(actor_id: str) -> tuple[str, ...]:
        co = linked.co_actors.get(actor_id, [])[:CO_ACTORS_SHOWN]
        named = [a for a, _ in co] + linked.affiliated_with.get(actor_id, []) + \
            linked.affiliates.get(actor_id, [])
        return (*map(names.actor, named), f"={co!r}",
                *names.charts.deps(linked.actor_events.get(actor_id, [])))

    return _entity_pages(linked, names, "actors", linked.actors, linked.actor_events,
                         linked.actor_totals, extra, extra_deps)


def _place_pages(linked: Linked, names: _Names) -> list[Page]:
    maps = explore.PlaceMaps.of(linked.places.values())

    def extra(place_id: str) -> dict:
        place = linked.places[place_id]
        nearby = [linked.places[p] for p, _ in linked.nearby.get(place_id, [])]
        here = entity_url("places", place_id)
        return {"nearby": [(linked.places[p], km) for p, km in linked.nearby.get(place_id, [])],
                **_entity_chart(names, linked.place_events.get(place_id, []), place.name),
                **explore.place_map_context(place, maps.neighbours(place, nearby),
                                            lambda p: relative(here, entity_url("places", p.id)))}

    def extra_deps(place_id: str) -> tuple[str, ...]:
        near = linked.nearby.get(place_id, [])
        return (*(names.place(p) for p, _ in near), f"={near!r}",
                *names.charts.deps(linked.place_events.get(place_id, [])),
                *maps.deps(linked.places[place_id], [linked.places[p] for p, _ in near]))

    return _entity_pages(linked, names, "places", linked.places, linked.place_events,
                         linked.place_totals, extra, extra_deps)


# -- feed, exports, sitemap ----------------------------------------------------------------

def _feeds_and_exports(linked: Linked, names: _Names) -> list[Page]:
    newest = range(len(linked.events) - 1, max(-1, len(linked.events) - 1 - FEED_EVENTS), -1)

    def feed() -> dict:
        latest = [linked.events[i] for i in newest]
        return {"title": linked.config.title, "entries": latest, "updated": _updated(latest)}

    return [Page("feed.xml", "feed", "feed.xml", feed, tuple(names.of_events(newest))),
            *export_pages(linked)]


#: The exports: their URLs and the functions of `render.exports` that make them, in the
#: order a worker renders them one after the other: events.json, the largest, first,
#: before the plain text of the summaries that the CSV and the timeline share is held
#: beside it (at 50,000 events the worker's peak is then 395 MB, against 448 MB with the
#: CSV first).
EXPORTS = (("data/events.json", "events_json"), ("data/events.csv", "events_csv"),
           ("data/events.geojson", "events_geojson"), ("data/timeline.json", "timeline_json"))
EXPORT_ORDER = tuple(url for url, _ in EXPORTS)


def export_rank(url: str) -> int:
    """Where an export comes in EXPORT_ORDER (any other data file after them)."""
    return EXPORT_ORDER.index(url) if url in EXPORT_ORDER else len(EXPORT_ORDER)


def export_pages(linked: Linked) -> list[Page]:
    """The data exports, in EXPORT_ORDER: made of the linked chronology alone, so a build
    can start them before it plans the other pages."""
    everything = ("events", "actors", "places")
    return [Page(url, "data", None, partial(getattr(exports, name), linked), everything)
            for url, name in EXPORTS]


def _updated(events: list[Event]) -> str:
    """The newest date among the feed's events and their sources: content, never the clock."""
    dates = [e.date for e in events] + [s.published for e in events for s in e.sources
                                         if s.published]
    return atom_date(max(dates)) if dates else "1970-01-01T00:00:00Z"


def _sitemap(pages: list[Page]) -> Page:
    urls = sorted(p.url for p in pages if p.url.endswith(".html") and p.url != "404.html")
    digest = hashlib.blake2b("\n".join(urls).encode(), digest_size=16).hexdigest()
    return Page("sitemap.xml", "feed", "sitemap.xml", partial(dict, urls=urls), (f"={digest}",))
