"""The JSON Schema of entry files, so editors complete and check YAML as it is typed.

Its keys are the loader's keys (tests/test_schema.py holds them equal). The
schema checks shape only; what needs the whole chronology (references, collisions, real
calendar dates) stays with `chronicle check`. YAML reads `2022` as an integer and
`2019-01-20` as a date or a string depending on the tool, so dates accept all of those
and carry no `format: date` (which would refuse "2019" and "2019-01").
"""

from __future__ import annotations

import json
import os
import sys

from chronicle.content.entries import (
    ROLES,
    STATUSES,
)
from chronicle.model import ACTOR_KINDS, DEFAULT_EVENT_TYPES, GEO_PRECISIONS, PLACE_KINDS

SCHEMA_ID = "https://chronicle.invalid/schema/entry.json"
_NULL = {"type": "null"}
_ISO_DATE = r"^-?[0-9]{1,6}(-(0?[1-9]|1[0-2])(-(0?[1-9]|[12][0-9]|3[01]))?)?$"
_ERA_DATE = r"^[0-9]{1,6} *([Bb][Cc][Ee]?|[Cc][Ee]|[Aa][Dd])$"


def _optional(schema: dict) -> dict:
    """Empty values (`end_date:`) mean "not given", as the loader reads them."""
    return {"anyOf": [schema, _NULL]}


def _text(description: str) -> dict:
    return {"type": ["string", "null"], "description": description}


def _texts(description: str) -> dict:
    return {"type": ["array", "null"], "items": {"type": "string"}, "description": description}


def _enum(values: tuple[str, ...], description: str) -> dict:
    return {"enum": [*values, None], "description": description}


def _object(properties: dict, required: tuple[str, ...] = (), **extra: object) -> dict:
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    return schema | extra


_URL = {"type": "string", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://"}
_DATE = {"$ref": "#/$defs/date"}


def _defs() -> dict:
    count = {"type": "integer", "minimum": 0}
    figure = {"anyOf": [
        count,
        _object({k: _optional(count) for k in ("best", "low", "high")}, minProperties=1),
        _NULL,
    ], "description": "a count, or {best, low, high} as UCDP gives them; omit when unknown"}
    actor_ref = {"anyOf": [
        {"type": "string"},
        _object({"actor": {"type": "string", "description": "actor id, name or alias"},
                 "role": _enum(ROLES, "what the actor did in the event")}, ("actor",)),
    ]}
    side = _object({"actor": {"type": "string"}, "killed": figure, "injured": figure}, ("actor",))
    source = _object({
        "file": _text("the article's path from the chronology folder, e.g. seeds/a.txt"),
        "publisher": _text("who published it"),
        "url": _optional(_URL),
        "title": _text("the article's title"),
        "published": _optional(_DATE),
        "quote": _text("the sentences the entry rests on, verbatim"),
    })
    event = _object({
        "title": {"type": "string", "minLength": 1, "description": "what happened, briefly"},
        "date": {**_DATE, "description": "YYYY-MM-DD, YYYY-MM or YYYY: the form is the precision"},
        "type": {"type": "string", "description": "from chronicle.yaml event_types",
                 "examples": list(DEFAULT_EVENT_TYPES)},
        "end_date": _optional(_DATE),
        "display_date": _text("a label shown instead of the date"),
        "status": _enum(STATUSES, "draft (written by ingest) or reviewed (checked by a person)"),
        "primary": {"type": ["boolean", "null"],
                    "description": "false for background the sources mention in passing"},
        "summary": _text("Markdown"),
        "actors": {"type": ["array", "null"], "items": actor_ref},
        "places": _texts("place ids, names or aliases; the first is where it happened"),
        "casualties": _optional(_object({
            "killed": figure, "injured": figure,
            "by_side": {"type": ["array", "null"], "items": side},
        })),
        "sources": {"type": ["array", "null"], "items": source},
        "tags": _texts("free labels"),
    }, ("title", "date", "type"))
    actor = _object({
        "name": {"type": "string", "minLength": 1},
        "aliases": _texts("other names events may use for this actor"),
        "kind": _enum(ACTOR_KINDS, "what sort of actor"),
        "country": _text("country"),
        "affiliations": _texts("ids, names or aliases of actors this one belongs to"),
        "description": _text("Markdown"),
        "links": {"type": ["array", "null"], "items": _URL},
    }, ("name",))
    place = _object({
        "name": {"type": "string", "minLength": 1},
        "aliases": _texts("other spellings events may use"),
        "kind": _enum(PLACE_KINDS, "what sort of place"),
        "country": _text("country"),
        "admin1": _text("first-level region"),
        "admin2": _text("second-level region"),
        "lat": {"type": ["number", "null"], "minimum": -90, "maximum": 90},
        "lon": {"type": ["number", "null"], "minimum": -180, "maximum": 180},
        "geo_precision": _enum(GEO_PRECISIONS, "how exact the coordinates are"),
        "coordinates_source": _text("where the coordinates came from"),
        "description": _text("Markdown"),
    }, ("name",))
    date = {"anyOf": [
        {"type": "integer", "not": {"const": 0}},
        {"type": "string", "pattern": _ISO_DATE},
        {"type": "string", "pattern": _ERA_DATE},
    ], "description": "YYYY-MM-DD, YYYY-MM or YYYY (negative or '44 BCE' before the common era)"}
    return {"event": event, "actor": actor, "place": place, "date": date}


def entry_schema() -> dict:
    """A JSON Schema (2020-12) for event, actor and place files; `#/$defs/event` and so on
    address one kind, as editors map them to content/events/*.yaml and the rest."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Chronicle entry",
        "description": "One event, actor or place of a Chronicle chronology (content/*/*.yaml).",
        "anyOf": [{"$ref": "#/$defs/event"}, {"$ref": "#/$defs/actor"},
                  {"$ref": "#/$defs/place"}],
        "$defs": _defs(),
    }


def schema_command() -> int:
    """`chronicle schema`: print the schema as JSON, stable byte for byte."""
    try:
        sys.stdout.write(json.dumps(entry_schema(), sort_keys=True, indent=2,
                                    ensure_ascii=False) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:  # `chronicle schema | head`: the reader left, which is fine
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
