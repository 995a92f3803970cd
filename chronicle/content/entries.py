"""Events, actors and places from their parsed files (DESIGN §2), checked key by key.

The keys a file may hold are the model's own fields (less id, path and marks), so the model
stays the one list of what an entry is. References are kept as written here; resolving them
needs every entry and happens in `chronicle.validate`.
"""

from __future__ import annotations

import dataclasses

from chronicle.content.fields import DATE_HINT, Fields, join, shared
from chronicle.content.yamlfile import Document
from chronicle.diagnostics import Diagnostic, warning
from chronicle.model import (
    ACTOR_KINDS,
    GEO_PRECISIONS,
    PLACE_KINDS,
    Actor,
    ActorRef,
    Casualties,
    Event,
    FuzzyDate,
    Place,
    Role,
    SideCasualties,
    Source,
    Status,
)

_NOT_KEYS = {"id", "path", "marks"}


def entry_keys(kind: type) -> tuple[str, ...]:
    """The keys an entry file may hold: the model class's fields a person writes."""
    return tuple(f.name for f in dataclasses.fields(kind) if f.name not in _NOT_KEYS)


EVENT_KEYS = entry_keys(Event)
ACTOR_KEYS = entry_keys(Actor)
PLACE_KEYS = entry_keys(Place)
ACTOR_REF_KEYS = ("actor", "role")
CASUALTY_KEYS = ("killed", "injured", "by_side")
SIDE_KEYS = ("actor", "killed", "injured")
SOURCE_KEYS = tuple(f.name for f in dataclasses.fields(Source))
ROLES = tuple(role.value for role in Role)
STATUSES = tuple(status.value for status in Status)
_ROLE = {role.value: role for role in Role}  # faster than Role(value), once per actor
_NO_DATE = FuzzyDate(1)  # stands in only while the event's own date error is reported
_NO_CASUALTIES = Casualties()


def read_event(document: Document, entry_id: str, diagnostics: list[Diagnostic]) -> Event | None:
    """The event in `document`, or None when the file is no mapping. An event whose date
    is missing or wrong is still returned (dated 1 CE) so its references are checked too;
    with any error the chronology is for reporting only, never for building."""
    fields = Fields(document, diagnostics)
    if fields.mapping("", "an event", EVENT_KEYS) is None:
        return None
    fields.require("title", "an event", "add `title: What happened, in a few words`")
    has_date = fields.require("date", "an event", f"add `date:`; {DATE_HINT}")
    fields.require("type", "an event", "add `type:` from chronicle.yaml's event_types, e.g. attack")
    date = fields.date("date") if has_date else None
    end_date = fields.date("end_date")
    if date and end_date and end_date.latest_key() < date.earliest_key():
        fields.fail("end_date", "date.order",
                    f"end_date {end_date.iso()} is before date {date.iso()}",
                    "swap them, or correct the one that is wrong")
        end_date = None
    status = fields.choice("status", STATUSES, "status.unknown", "a status")
    event = Event(
        id=entry_id,
        title=fields.text("title") or entry_id,
        date=date or _NO_DATE,
        type=fields.text("type") or "",
        path=document.path,
        end_date=end_date,
        display_date=fields.text("display_date"),
        status=Status(status) if status else Status.REVIEWED,
        primary=fields.flag("primary", True),
        summary=fields.text("summary") or "",
        actors=_actor_refs(fields),
        places=fields.texts("places"),
        casualties=_casualties(fields),
        sources=_sources(fields),
        tags=fields.texts("tags"),
        marks=document.values,
    )
    return event


def read_actor(document: Document, entry_id: str, diagnostics: list[Diagnostic]) -> Actor:
    """The actor in `document`; always made (name falling back to the id) so that events
    naming it are not also reported as broken when only the actor file is."""
    fields = Fields(document, diagnostics)
    if fields.mapping("", "an actor", ACTOR_KEYS) is None:
        return Actor(id=entry_id, name=entry_id, path=document.path, marks=document.values)
    fields.require("name", "an actor", "add `name:` as the actor is usually written")
    kind = fields.choice("kind", ACTOR_KINDS, "kind.unknown", "an actor kind")
    return Actor(
        id=entry_id,
        name=fields.text("name") or entry_id,
        path=document.path,
        aliases=fields.texts("aliases"),
        kind=kind or "other",
        country=fields.text("country"),
        affiliations=fields.texts("affiliations"),
        description=fields.text("description") or "",
        links=fields.urls("links"),
        marks=document.values,
    )


def read_place(document: Document, entry_id: str, diagnostics: list[Diagnostic]) -> Place:
    """The place in `document`; always made, as actors are."""
    fields = Fields(document, diagnostics)
    if fields.mapping("", "a place", PLACE_KEYS) is None:
        return Place(id=entry_id, name=entry_id, path=document.path, marks=document.values)
    fields.require("name", "a place", "add `name:` as the place is usually written")
    kind = fields.choice("kind", PLACE_KINDS, "kind.unknown", "a place kind")
    lat, lon = _coordinate(fields, "lat", 90), _coordinate(fields, "lon", 180)
    written = [key for key in ("lat", "lon") if fields.value(key) is not None]
    if len(written) == 1:
        other = "lon" if written == ["lat"] else "lat"
        fields.fail(written[0], "geo.partial", f"'{written[0]}' is given without '{other}'",
                    "give both lat and lon, or neither")
    elif not written:
        diagnostics.append(warning(
            document.mark(""), "geo.missing", f"place '{entry_id}' has no coordinates",
            "add lat and lon (decimal degrees) and say where they came from in "
            "coordinates_source; the place is left off maps until then"))
    precision = fields.choice("geo_precision", GEO_PRECISIONS, "geo.precision",
                              "a geo_precision")
    return Place(
        id=entry_id,
        name=fields.text("name") or entry_id,
        path=document.path,
        aliases=fields.texts("aliases"),
        kind=kind or "town",
        country=fields.text("country"),
        admin1=fields.text("admin1"),
        admin2=fields.text("admin2"),
        lat=lat if lon is not None else None,
        lon=lon if lat is not None else None,
        geo_precision=precision,
        coordinates_source=fields.text("coordinates_source"),
        description=fields.text("description") or "",
        marks=document.values,
    )


# -- parts of an event --------------------------------------------------------------------

def _coordinate(fields: Fields, key: str, limit: int) -> float | None:
    value = fields.number(key)
    if value is not None and not -limit <= value <= limit:
        fields.fail(key, "geo.range", f"'{key}' {value:g} is outside -{limit}..{limit}",
                    "write decimal degrees: lat north positive, lon east positive")
        return None
    return value


def _items(fields: Fields, path: str, what: str) -> list:
    value = fields.value(path)
    if value is None:
        return []
    if isinstance(value, list):
        return value
    fields.wrong_type(path, f"a list of {what}", value)
    return []


def _actor_refs(fields: Fields) -> tuple[ActorRef, ...]:
    refs = []
    for index, item in enumerate(_items(fields, "actors", "actors")):
        if isinstance(item, str):
            refs.append(shared(ActorRef, item))
            continue
        if isinstance(item, dict) and (ref := _written_ref(item)) is not None:
            refs.append(ref)
            continue
        path = join("actors", index)
        if fields.mapping(path, "an event's actor", ACTOR_REF_KEYS) is None:
            continue
        if not fields.require(join(path, "actor"), "an event's actor",
                              "write {actor: <actor id or name>, role: <role>}"):
            continue
        name = fields.text(join(path, "actor"))
        role = fields.choice(join(path, "role"), ROLES, "role.unknown", "a role")
        if name is not None:
            refs.append(shared(ActorRef, name, _ROLE[role] if role else Role.ASSOCIATED))
    return tuple(refs)


def _written_ref(item: dict) -> ActorRef | None:
    """The reference an {actor, role} mapping makes when every check on it would pass (as
    for nearly all), without those checks' lookups; None when one might not."""
    actor, role = item.get("actor"), item.get("role")
    if (len(item) != (1 if role is None else 2) or not isinstance(actor, str)
            or not actor.strip() or (role is not None and (
                not isinstance(role, str) or role not in _ROLE))):
        return None
    return shared(ActorRef, actor, _ROLE[role] if role else Role.ASSOCIATED)


def _casualties(fields: Fields) -> Casualties:
    if fields.value("casualties") is None:
        return _NO_CASUALTIES
    if fields.mapping("casualties", "casualties", CASUALTY_KEYS) is None:
        return _NO_CASUALTIES
    sides = []
    for index, item in enumerate(_items(fields, "casualties.by_side", "sides")):
        path = join("casualties.by_side", index)
        if fields.mapping(path, "a side's casualties", SIDE_KEYS) is None:
            continue
        if not fields.require(join(path, "actor"), "a side's casualties",
                              "write {actor: <actor id>, killed: N}"):
            continue
        actor = fields.text(join(path, "actor"))
        killed = fields.figure(join(path, "killed"))
        injured = fields.figure(join(path, "injured"))
        if actor is not None and isinstance(item, dict):
            sides.append(SideCasualties(actor, killed, injured))
    return Casualties(
        killed=fields.figure("casualties.killed"),
        injured=fields.figure("casualties.injured"),
        by_side=tuple(sides),
    )


def _sources(fields: Fields) -> tuple[Source, ...]:
    sources = []
    for index, _item in enumerate(_items(fields, "sources", "sources")):
        path = join("sources", index)
        if fields.mapping(path, "a source", SOURCE_KEYS) is None:
            continue
        sources.append(Source(
            file=fields.text(join(path, "file")),
            publisher=fields.text(join(path, "publisher")),
            url=fields.url(join(path, "url")),
            title=fields.text(join(path, "title")),
            published=fields.date(join(path, "published")),
            quote=fields.text(join(path, "quote")),
        ))
    return tuple(sources)
