"""Page fingerprints: everything a page can show of an event reaches its key."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

from chronicle.link import link
from chronicle.model import (
    ActorRef,
    Casualties,
    Event,
    Figure,
    FuzzyDate,
    Mark,
    Role,
    SideCasualties,
    Source,
    Status,
)
from chronicle.pages import Fingerprints
from tests.generated import chronology

SOURCE = Source(file="a.html", publisher="AFP", url="https://x.example/1", title="T",
                published=FuzzyDate(2020, 3, 1), quote="q")
SIDE = SideCasualties("jnim", killed=Figure(3), injured=Figure(None, 1, 4))
EVENT = Event(
    id="e", title="Attack", date=FuzzyDate(2020, 3, 1), type="attack", path="content/events/e.yaml",
    end_date=FuzzyDate(2020, 3, 2), display_date="early March", status=Status.REVIEWED,
    primary=True, summary="Text.", actors=(ActorRef("jnim", Role.PERPETRATOR),),
    places=("gao",), casualties=Casualties(Figure(5, 4, 6), Figure(2), (SIDE,)),
    sources=(SOURCE,), tags=("t",), marks={"title": Mark("e.yaml", 2, 8)},
)

#: one other value for every field that is part of an event's value (a new field of Event or
#: of a type it holds fails test_every_field_reaches_the_fingerprint until it is listed here)
CHANGES = {
    Event: {"id": "f", "title": "Raid", "date": FuzzyDate(2018), "type": "battle",
            "path": "content/events/f.yaml", "end_date": None, "display_date": None,
            "status": Status.DRAFT, "primary": False, "summary": "Other.",
            "actors": (ActorRef("jnim", Role.TARGET),), "places": ("kidal",),
            "casualties": Casualties(Figure(5, 4, 6), Figure(2)), "sources": (), "tags": ()},
    FuzzyDate: {"year": 2021, "month": 4, "day": 2},
    ActorRef: {"actor": "fama", "role": Role.TARGET},
    Casualties: {"killed": Figure(6, 4, 6), "injured": None, "by_side": ()},
    Figure: {"best": 4, "low": 3, "high": 7},
    SideCasualties: {"actor": "fama", "killed": Figure(2), "injured": None},
    Source: {"file": None, "publisher": "Reuters", "url": "https://x.example/2", "title": None,
             "published": FuzzyDate(2020, 3, 3), "quote": "r"},
}


def fingerprint(event: Event) -> bytes:
    return Fingerprints(link(chronology([event])))(f"event:{event.id}")


def variants(event: Event):
    """The event with one field changed, at every level of nesting."""
    for name, value in CHANGES[Event].items():
        yield f"Event.{name}", dataclasses.replace(event, **{name: value})
    nested = {
        FuzzyDate: lambda v: dataclasses.replace(event, date=v),
        ActorRef: lambda v: dataclasses.replace(event, actors=(v,)),
        Casualties: lambda v: dataclasses.replace(event, casualties=v),
        Figure: lambda v: dataclasses.replace(event, casualties=dataclasses.replace(
            event.casualties, killed=v)),
        SideCasualties: lambda v: dataclasses.replace(event, casualties=dataclasses.replace(
            event.casualties, by_side=(v,))),
        Source: lambda v: dataclasses.replace(event, sources=(v,)),
    }
    originals = {FuzzyDate: event.date, ActorRef: event.actors[0],
                 Casualties: event.casualties, Figure: event.casualties.killed,
                 SideCasualties: SIDE, Source: SOURCE}
    for kind, put in nested.items():
        for name, value in CHANGES[kind].items():
            yield f"{kind.__name__}.{name}", put(dataclasses.replace(originals[kind],
                                                                     **{name: value}))


def test_every_field_reaches_the_fingerprint():
    for kind, changes in CHANGES.items():
        shown = {f.name for f in dataclasses.fields(kind) if f.repr}
        assert set(changes) == shown, f"{kind.__name__}: list the new field in CHANGES"
    base = fingerprint(EVENT)
    for label, variant in variants(EVENT):
        assert variant != EVENT, label
        assert fingerprint(variant) != base, label


def test_where_an_event_was_written_is_not_part_of_it():
    moved = dataclasses.replace(EVENT, marks={"title": Mark("e.yaml", 9, 1)})
    assert fingerprint(moved) == fingerprint(EVENT)


def test_an_unusual_value_still_fingerprints():
    class Name(str):
        pass

    renamed = dataclasses.replace(EVENT, title=Name("Attack"))
    assert fingerprint(renamed) != fingerprint(dataclasses.replace(EVENT, title="Raid"))
    assert fingerprint(renamed) == fingerprint(dataclasses.replace(renamed))


def test_fingerprints_are_the_same_in_another_process():
    """Keys are saved for the next build: nothing may depend on the process's str hashes."""
    script = ("from tests.test_pages import EVENT, fingerprint; "
              "print(fingerprint(EVENT).hex())")
    runs = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           check=True, env={"PYTHONHASHSEED": seed}).stdout
            for seed in ("1", "2")}
    assert runs == {fingerprint(EVENT).hex() + "\n"}


def test_a_filter_form_is_rekeyed_exactly_when_it_changes():
    """explore.FilterKeys hashes only the names a page's filter form lists (its events are
    in the page's deps already): any entry edit changes the key exactly when the form
    drawn from the same events changes."""
    from chronicle.model import Actor, Place
    from chronicle.render.explore import FilterKeys, filter_groups

    actors = {a: Actor(a, a.upper(), f"a/{a}.yaml") for a in ("jnim", "fama", "un")}
    places = {p: Place(p, p.title(), f"p/{p}.yaml") for p in ("gao", "kidal")}
    events = [dataclasses.replace(EVENT, id="a", actors=(ActorRef("jnim"), ActorRef("fama"))),
              dataclasses.replace(EVENT, id="b", actors=(ActorRef("jnim"),), places=("kidal",))]
    alone = [dataclasses.replace(EVENT, id="c", actors=(ActorRef("un"),), places=("gao",))]
    edits = [
        ("actors", "jnim", {"name": "JNIM (renamed)"}), ("actors", "jnim", {"description": "d"}),
        ("actors", "un", {"name": "United Nations"}), ("places", "gao", {"name": "Gao city"}),
        ("places", "kidal", {"lat": 18.4}),
    ]
    changed_any = set()
    for shown in (events, alone):
        before = (filter_groups(shown, actors, places), FilterKeys(actors, places).deps(shown))
        for kind, key, change in edits:
            entries = {"actors": dict(actors), "places": dict(places)}
            entries[kind][key] = dataclasses.replace(entries[kind][key], **change)
            after = (filter_groups(shown, entries["actors"], entries["places"]),
                     FilterKeys(entries["actors"], entries["places"]).deps(shown))
            assert (after[1] != before[1]) == (after[0] != before[0]), (kind, key, change)
            if after[0] != before[0]:
                changed_any.add((kind, key))
    assert changed_any == {("actors", "jnim"), ("places", "gao")}
