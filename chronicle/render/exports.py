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
    json_object,
    json_optional,
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


def _json_event(places: dict[str, str], linked: Linked, entry: Entry) -> bytes:
    """One event as plain data with names resolved, written out member by member (twice as
    fast as a dict through the encoder). `places` keeps each place's object for the export."""
    event = entry.event
    actors = [
        json_object(id=json_string(ref.actor), name=json_string(linked.actors[ref.actor].name),
                    role=json_string(ref.role.value))
        for ref in event.actors if ref.actor in linked.actors]
    sources = [
        json_object(publisher=json_optional(s.publisher), title=json_optional(s.title),
                    url=json_optional(s.url), file=json_optional(s.file),
                    published=json_optional(s.published.iso() if s.published else None),
                    quote=json_optional(s.quote))
        for s in event.sources]
    return json_object(
        id=json_string(event.id),
        url=json_string(entity_url("events", event.id)),
        title=json_string(event.title),
        date=json_string(event.date.iso()),
        end_date=json_optional(event.end_date.iso() if event.end_date else None),
        precision=json_string(event.date.precision.value),
        date_label=json_string(event.date_label),
        type=json_string(event.type),
        status=json_string(event.status.value),
        primary="true" if event.primary else "false",
        summary=json_string(event.summary),
        actors=json_array(actors),
        places=json_array([_json_place(places, linked, place) for place in event.places
                           if place in linked.places]),
        killed=_json_figure(event.casualties.killed),
        injured=_json_figure(event.casualties.injured),
        sources=json_array(sources),
        tags=json_array([json_string(tag) for tag in event.tags]),
    ).encode()


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
    return json_object(value=json_int(figure.value), best=json_int(figure.best),
                       low=json_int(figure.low), high=json_int(figure.high))


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
    return json_object(
        type='"Feature"',
        id=json_string(event.id),
        geometry=point,
        properties=json_object(
            id=json_string(event.id),
            title=json_string(event.title),
            date=json_string(event.date.iso()),
            type=json_string(event.type),
            place=json_string(place.name),
            killed=json_int(killed.value if killed else None),
            injured=json_int(injured.value if injured else None),
            url=json_string(entity_url("events", event.id)),
        ),
    ).encode()


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
    parts = {"year": json_int(date.year)}
    if date.month is not None:
        parts["month"] = json_int(date.month)
    if date.day is not None:
        parts["day"] = json_int(date.day)
    if label:
        parts["display_date"] = json_string(label)
    return json_object(**parts)


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
    slide = {
        "unique_id": json_string(f"event-{event.id}"),
        "start_date": _timeline_date(event.date, event.date_label),
        "text": json_object(headline=json_string(html.escape(event.title)),
                            text=json_string(text)),
        "group": json_string(event.type),
    }
    if event.end_date:
        slide["end_date"] = _timeline_date(event.end_date, None)
    return json_object(**slide).encode()
