"""Data exports, each in the shape the program its users open it with expects.

- events.json: everything on the event pages, references resolved to names.
- events.csv: ACLED's column names, so ACLED tooling and spreadsheets read it as they are.
- events.geojson: RFC 7946, [lon, lat], only events whose main place has coordinates.
- timeline.json: TimelineJS3's format (see DESIGN §4 for what it silently mis-reads).
All are sorted by date then id, with fixed separators, so the bytes are the same every build.

Each export is one piece per event (a JSON object, a CSV line) joined (serial.py). The
pieces are kept in `PIECES` (pieces.py) while their event is unchanged, so a long-lived
process that renders the exports after an edit makes only the edited event's pieces again.
"""

from __future__ import annotations

import html
from functools import partial

from chronicle.link import Linked
from chronicle.model import Event, Figure, Place, Precision, Role
from chronicle.render.pieces import Entry, EventPieces
from chronicle.render.plaintext import plain_summary
from chronicle.render.serial import (
    JSON,
    csv_line,
    json_array,
    json_document,
    json_int,
    json_optional,
    json_pattern,
    json_string,
)
from chronicle.render.urls import entity_url

CSV_COLUMNS = (
    "event_id", "event_date", "time_precision", "event_type", "actor1", "actor2", "admin1",
    "location", "latitude", "longitude", "fatalities", "injuries", "notes", "source",
)
#: ACLED codes precision 1 (day known), 2 (week or around a date), 3 (month or coarser).
_TIME_PRECISION = {Precision.DAY: 1, Precision.MONTH: 3, Precision.YEAR: 3}

PIECES = EventPieces()


def _summary_text(event: Event) -> str:
    """The summary's words (CSV notes, TimelineJS text): one piece the two exports share."""
    return plain_summary(event.summary)


def _main_place(linked: Linked, event: Event) -> Place | None:
    return linked.places.get(event.places[0]) if event.places else None


# -- events.json ---------------------------------------------------------------------------

def events_json(linked: Linked) -> bytes:
    head = '{"title":' + json_string(linked.config.title) + ',"events":'
    return json_document(head, PIECES.pieces(linked, "json", partial(_json_event, {})))


#: the objects of events.json, keys in the export's order (values given in the same order)
_EVENT = json_pattern("id", "url", "title", "date", "end_date", "precision", "date_label",
                      "type", "status", "primary", "summary", "actors", "places", "killed",
                      "injured", "sources", "tags")
_ACTOR = json_pattern("id", "name", "role")
_SOURCE = json_pattern("publisher", "title", "url", "file", "published", "quote")
_FIGURE = json_pattern("value", "best", "low", "high")


def _json_event(places: dict[str, str], linked: Linked, entry: Entry) -> bytes:
    """One event as plain data with names resolved, written out member by member (four
    times as fast as a dict through the encoder). `places` keeps each place's object."""
    event = entry.event
    named = linked.actors
    actors = [_ACTOR % (json_string(ref.actor), json_string(named[ref.actor].name),
                        json_string(ref.role.value))
              for ref in event.actors if ref.actor in named]
    sources = [_SOURCE % (json_optional(s.publisher), json_optional(s.title),
                          json_optional(s.url), json_optional(s.file),
                          json_optional(s.published.iso() if s.published else None),
                          json_optional(s.quote))
               for s in event.sources]
    return (_EVENT % (
        json_string(event.id),
        json_string(entity_url("events", event.id)),
        json_string(event.title),
        json_string(event.date.iso()),
        json_optional(event.end_date.iso() if event.end_date else None),
        json_string(event.date.precision.value),
        json_string(event.date_label),
        json_string(event.type),
        json_string(event.status.value),
        "true" if event.primary else "false",
        json_string(event.summary),
        json_array(actors),
        json_array([_json_place(places, linked, place) for place in event.places
                    if place in linked.places]),
        _json_figure(event.casualties.killed),
        _json_figure(event.casualties.injured),
        json_array(sources),
        json_array([json_string(tag) for tag in event.tags]),
    )).encode()


def _json_place(places: dict[str, str], linked: Linked, place_id: str) -> str:
    found = places.get(place_id)
    if found is None:
        p = linked.places[place_id]
        found = places[place_id] = JSON.encode({
            "id": p.id, "name": p.name, "admin1": p.admin1, "country": p.country,
            "lat": p.lat, "lon": p.lon})
    return found


def _json_figure(figure: Figure | None) -> str:
    if figure is None:
        return "null"
    return _FIGURE % (json_int(figure.value), json_int(figure.best), json_int(figure.low),
                      json_int(figure.high))


# -- events.csv ----------------------------------------------------------------------------

def events_csv(linked: Linked) -> bytes:
    return csv_line(CSV_COLUMNS).encode() + b"".join(PIECES.pieces(linked, "csv", _csv_row))


def _acled_actors(linked: Linked, event: Event) -> tuple[str, str]:
    """actor1 is the first perpetrator (else the first actor named), actor2 the next one."""
    refs = sorted(event.actors, key=lambda r: r.role is not Role.PERPETRATOR)
    names = [linked.actors[r.actor].name for r in refs if r.actor in linked.actors]
    return (names[0] if names else "", names[1] if len(names) > 1 else "")


def _csv_row(linked: Linked, entry: Entry) -> bytes:
    event = entry.event
    place = _main_place(linked, event)
    actor1, actor2 = _acled_actors(linked, event)
    year, month, day = event.date.earliest_key()
    killed, injured = event.casualties.killed, event.casualties.injured
    return csv_line((
        event.id,
        event.date.iso() if year < 1 else f"{year:04d}-{month:02d}-{day:02d}",
        _TIME_PRECISION[event.date.precision],
        event.type,
        actor1,
        actor2,
        (place.admin1 or "") if place else "",
        place.name if place else "",
        place.lat if place and place.lat is not None else "",
        place.lon if place and place.lon is not None else "",
        killed.value if killed else "",
        injured.value if injured else "",
        entry.shared("text", _summary_text),
        "; ".join(s.publisher or s.title or s.url or s.file or "" for s in event.sources),
    )).encode()


# -- events.geojson ------------------------------------------------------------------------

def events_geojson(linked: Linked) -> bytes:
    make = partial(_geojson_feature, {})
    features = [f for f in PIECES.pieces(linked, "geojson", make) if f]
    return json_document('{"type":"FeatureCollection","features":', features)


_FEATURE = json_pattern("type", "id", "geometry", "properties")
_PROPERTIES = json_pattern("id", "title", "date", "type", "place", "killed", "injured", "url")


def _geojson_feature(points: dict[str, str], linked: Linked, entry: Entry) -> bytes:
    """The event's Feature, or b"" when its main place has no coordinates (left out).
    `points` keeps each place's geometry ([lon, lat] in the encoder's float digits)."""
    event = entry.event
    place = _main_place(linked, event)
    if place is None or not place.has_coordinates:
        return b""
    point = points.get(place.id)
    if point is None:
        point = points[place.id] = JSON.encode({"type": "Point",
                                                "coordinates": [place.lon, place.lat]})
    killed, injured = event.casualties.killed, event.casualties.injured
    properties = _PROPERTIES % (
        json_string(event.id),
        json_string(event.title),
        json_string(event.date.iso()),
        json_string(event.type),
        json_string(place.name),
        json_int(killed.value if killed else None),
        json_int(injured.value if injured else None),
        json_string(entity_url("events", event.id)),
    )
    return (_FEATURE % ('"Feature"', json_string(event.id), point, properties)).encode()


# -- timeline.json -------------------------------------------------------------------------

def timeline_json(linked: Linked) -> bytes:
    config = linked.config
    title = {"text": {"headline": html.escape(config.title),
                      "text": html.escape(config.description)}}
    head = '{"title":' + JSON.encode(title) + ',"events":'
    return json_document(head, PIECES.pieces(linked, "timeline", _timeline_slide))


def _timeline_date(date, label: str | None) -> str:
    """An object with integer parts: TimelineJS3 refuses strings, and reads a missing month
    or day as "not known", which is exactly a coarser precision."""
    text = '{"year":' + json_int(date.year)
    if date.month is not None:
        text += ',"month":' + json_int(date.month)
    if date.day is not None:
        text += ',"day":' + json_int(date.day)
    if label:
        text += ',"display_date":' + json_string(label)
    return text + "}"


_SLIDE = json_pattern("unique_id", "start_date", "text", "group")
_SLIDE_WITH_END = json_pattern("unique_id", "start_date", "text", "group", "end_date")
_SLIDE_TEXT = json_pattern("headline", "text")


def _timeline_slide(linked: Linked, entry: Entry) -> bytes:
    event = entry.event
    casualty_text = []
    if event.casualties.killed:
        casualty_text.append(f"{event.casualties.killed.format()} killed")
    if event.casualties.injured:
        casualty_text.append(f"{event.casualties.injured.format()} injured")
    text = html.escape(entry.shared("text", _summary_text))
    if casualty_text:
        text += "<p>" + html.escape(", ".join(casualty_text)) + "</p>"
    members = (
        json_string(f"event-{event.id}"),
        _timeline_date(event.date, event.date_label),
        _SLIDE_TEXT % (json_string(html.escape(event.title)), json_string(text)),
        json_string(event.type),
    )
    if event.end_date:
        return (_SLIDE_WITH_END % (*members, _timeline_date(event.end_date, None))).encode()
    return (_SLIDE % members).encode()
