"""Data exports, each in the shape the program its users open it with expects.

- events.json: everything on the event pages, references resolved to names.
- events.csv: ACLED's column names, so ACLED tooling and spreadsheets read it as they are.
- events.geojson: RFC 7946, [lon, lat], only events whose main place has coordinates.
- timeline.json: TimelineJS3's format (see DESIGN §4 for what it silently mis-reads).
All are sorted by date then id, with fixed separators, so the bytes are the same every build.
"""

from __future__ import annotations

import csv
import html
import io
import json

from chronicle.link import Linked
from chronicle.model import Event, Figure, Place, Precision, Role
from chronicle.render.markdown import plain_text
from chronicle.render.urls import entity_url

CSV_COLUMNS = (
    "event_id", "event_date", "time_precision", "event_type", "actor1", "actor2", "admin1",
    "location", "latitude", "longitude", "fatalities", "injuries", "notes", "source",
)
#: ACLED codes precision 1 (day known), 2 (week or around a date), 3 (month or coarser).
_TIME_PRECISION = {Precision.DAY: 1, Precision.MONTH: 3, Precision.YEAR: 3}


def _dumps(data: object) -> bytes:
    """Compact JSON: the C encoder only runs without indent, 10x faster at 50,000 events."""
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def _figure(figure: Figure | None) -> dict | None:
    if figure is None:
        return None
    return {"value": figure.value, "best": figure.best, "low": figure.low, "high": figure.high}


def _main_place(linked: Linked, event: Event) -> Place | None:
    return linked.places.get(event.places[0]) if event.places else None


def event_record(linked: Linked, event: Event) -> dict:
    """One event as plain data with names resolved: the row every export starts from."""
    return {
        "id": event.id,
        "url": entity_url("events", event.id),
        "title": event.title,
        "date": event.date.iso(),
        "end_date": event.end_date.iso() if event.end_date else None,
        "precision": event.date.precision.value,
        "date_label": event.date_label,
        "type": event.type,
        "status": event.status.value,
        "primary": event.primary,
        "summary": event.summary,
        "actors": [
            {"id": ref.actor, "name": linked.actors[ref.actor].name, "role": ref.role.value}
            for ref in event.actors if ref.actor in linked.actors
        ],
        "places": [
            {"id": p.id, "name": p.name, "admin1": p.admin1, "country": p.country,
             "lat": p.lat, "lon": p.lon}
            for p in (linked.places[pid] for pid in event.places if pid in linked.places)
        ],
        "killed": _figure(event.casualties.killed),
        "injured": _figure(event.casualties.injured),
        "sources": [
            {"publisher": s.publisher, "title": s.title, "url": s.url, "file": s.file,
             "published": s.published.iso() if s.published else None, "quote": s.quote}
            for s in event.sources
        ],
        "tags": list(event.tags),
    }


def events_json(linked: Linked) -> bytes:
    return _dumps({
        "title": linked.config.title,
        "events": [event_record(linked, e) for e in linked.events],
    })


def _acled_actors(linked: Linked, event: Event) -> tuple[str, str]:
    """actor1 is the first perpetrator (else the first actor named), actor2 the next one."""
    refs = sorted(event.actors, key=lambda r: r.role is not Role.PERPETRATOR)
    names = [linked.actors[r.actor].name for r in refs if r.actor in linked.actors]
    return (names[0] if names else "", names[1] if len(names) > 1 else "")


def events_csv(linked: Linked) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for event in linked.events:
        place = _main_place(linked, event)
        actor1, actor2 = _acled_actors(linked, event)
        year, month, day = event.date.earliest_key()
        killed, injured = event.casualties.killed, event.casualties.injured
        writer.writerow((
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
            plain_text(event.summary),
            "; ".join(s.publisher or s.title or s.url or s.file or "" for s in event.sources),
        ))
    return buffer.getvalue().encode()


def events_geojson(linked: Linked) -> bytes:
    features = []
    for event in linked.events:
        place = _main_place(linked, event)
        if place is None or not place.has_coordinates:
            continue
        features.append({
            "type": "Feature",
            "id": event.id,
            "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
            "properties": {
                "id": event.id,
                "title": event.title,
                "date": event.date.iso(),
                "type": event.type,
                "place": place.name,
                "killed": event.casualties.killed.value if event.casualties.killed else None,
                "injured": event.casualties.injured.value if event.casualties.injured else None,
                "url": entity_url("events", event.id),
            },
        })
    return _dumps({"type": "FeatureCollection", "features": features})


def _timeline_date(date, label: str | None) -> dict:
    """An object with integer parts: TimelineJS3 refuses strings, and reads a missing month
    or day as "not known", which is exactly a coarser precision."""
    parts: dict = {"year": date.year}
    if date.month is not None:
        parts["month"] = date.month
    if date.day is not None:
        parts["day"] = date.day
    if label:
        parts["display_date"] = label
    return parts


def timeline_json(linked: Linked) -> bytes:
    config = linked.config
    slides = []
    for event in linked.events:
        casualty_text = []
        if event.casualties.killed:
            casualty_text.append(f"{event.casualties.killed.format()} killed")
        if event.casualties.injured:
            casualty_text.append(f"{event.casualties.injured.format()} injured")
        text = html.escape(plain_text(event.summary))
        if casualty_text:
            text += "<p>" + html.escape(", ".join(casualty_text)) + "</p>"
        slide = {
            "unique_id": f"event-{event.id}",
            "start_date": _timeline_date(event.date, event.date_label),
            "text": {"headline": html.escape(event.title), "text": text},
            "group": event.type,
        }
        if event.end_date:
            slide["end_date"] = _timeline_date(event.end_date, None)
        slides.append(slide)
    return _dumps({
        "title": {"text": {"headline": html.escape(config.title),
                           "text": html.escape(config.description)}},
        "events": slides,
    })
