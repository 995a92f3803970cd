"""Relations between entries, computed from a chronology built by hand."""

from __future__ import annotations

from chronicle.link import RELATED_LIMIT, link
from chronicle.model import (
    Actor,
    ActorRef,
    Casualties,
    Event,
    Figure,
    FuzzyDate,
    Place,
    Role,
)
from tests.generated import chronology


def event(eid: str, date: str, actors=(), places=(), killed=None, injured=None) -> Event:
    return Event(
        id=eid, title=eid.title(), date=FuzzyDate.parse(date), type="attack",
        path=f"content/events/{eid}.yaml",
        actors=tuple(ActorRef(a, Role.ASSOCIATED) for a in actors), places=tuple(places),
        casualties=Casualties(killed=killed, injured=injured),
    )


ACTORS = (
    Actor("un", "United Nations", "a/un.yaml"),
    Actor("minusma", "MINUSMA", "a/minusma.yaml", affiliations=("un",)),
    Actor("jnim", "JNIM", "a/jnim.yaml"),
    Actor("fama", "FAMa", "a/fama.yaml"),
)
PLACES = (
    Place("gao", "Gao", "p/gao.yaml", lat=16.27, lon=-0.04),
    Place("ansongo", "Ansongo", "p/ansongo.yaml", lat=15.66, lon=0.50),
    Place("kidal", "Kidal", "p/kidal.yaml", lat=18.44, lon=1.41),
    Place("bamako", "Bamako", "p/bamako.yaml", lat=12.65, lon=-8.0),
    Place("nowhere", "Nowhere", "p/nowhere.yaml"),
)


def sample():
    return link(chronology([
        event("a", "2019-01-20", ["jnim", "minusma"], ["gao"],
              killed=Figure(8), injured=Figure(19)),
        event("b", "2019-01", ["jnim", "fama"], ["kidal"], killed=Figure(None, 2, 5)),
        event("c", "2019", ["minusma"], ["gao"]),
        event("d", "2021-02-10", ["jnim", "minusma"], ["bamako"], injured=Figure(None, 20, 28)),
    ], ACTORS, PLACES))


def test_totals_add_figure_values():
    linked = sample()
    assert (linked.totals.events, linked.totals.killed, linked.totals.injured) == (4, 10, 39)
    jnim = linked.actor_totals["jnim"]
    assert (jnim.events, jnim.killed, jnim.injured) == (3, 10, 39)
    assert linked.place_totals["gao"].events == 2
    assert "nowhere" not in linked.place_totals


def test_events_per_actor_and_place_are_in_date_order():
    linked = sample()
    ids = [e.id for e in linked.events]
    assert ids == ["c", "b", "a", "d"]  # a year-only date sorts before its months and days
    assert [linked.events[i].id for i in linked.actor_events["minusma"]] == ["c", "a", "d"]
    assert [linked.events[i].id for i in linked.place_events["gao"]] == ["c", "a"]


def test_co_actors_are_counted_most_frequent_first():
    linked = sample()
    assert linked.co_actors["jnim"] == [("minusma", 2), ("fama", 1)]
    assert linked.co_actors["fama"] == [("jnim", 1)]


def test_affiliations_both_ways():
    linked = sample()
    assert linked.affiliated_with["minusma"] == ["un"]
    assert linked.affiliates["un"] == ["minusma"]
    assert linked.affiliates.get("minusma", []) == []


def test_previous_and_next():
    linked = sample()
    assert linked.previous(0) is None and linked.next(0).id == "b"
    assert linked.previous(3).id == "a" and linked.next(3) is None


def test_related_share_a_place_or_actor_and_are_bounded():
    many = [event(f"e{i:03d}", f"2020-01-{1 + i % 28:02d}", ["jnim"], ["gao"]) for i in range(60)]
    lone = event("lone", "2020-01-15", ["fama"], ["bamako"])
    linked = link(chronology([*many, lone], ACTORS, PLACES))
    index = linked.event_index["e010"]
    related = linked.related(index)
    assert 0 < len(related) <= RELATED_LIMIT
    assert all("gao" in e.places for e in related)
    assert linked.events[index] not in related
    assert linked.related(linked.event_index["lone"]) == []


def test_related_prefers_events_sharing_more():
    linked = sample()
    related = [e.id for e in linked.related(linked.event_index["a"])]
    assert related[0] in ("c", "d")  # c shares gao and minusma, d shares jnim and minusma
    assert set(related) == {"b", "c", "d"}


def test_years_and_months_with_totals():
    linked = sample()
    assert [y.year for y in linked.years] == [2019, 2021]
    y2019 = linked.years[0]
    assert [m.month for m in y2019.months] == [None, 1]
    assert y2019.totals.events == 3 and y2019.totals.killed == 10
    assert [linked.events[i].id for i in y2019.months[1].events] == ["b", "a"]


def test_nearby_places_by_distance_and_never_without_coordinates():
    linked = sample()
    assert [p for p, _ in linked.nearby["gao"]] == ["ansongo"]  # ~ 90 km; Kidal is ~ 270
    assert linked.nearby["ansongo"][0][0] == "gao"
    assert "nowhere" not in linked.nearby
    assert linked.nearby["bamako"] == []


def test_nearby_equals_a_brute_force_search():
    import random

    from chronicle.link import NEARBY_KM, NEARBY_LIMIT, _nearby, distance_km

    rng = random.Random(7)
    # spread out, across the globe, packed in a few km (the grid's cells are sized to the
    # places), and next to a pole (where a box in degrees of longitude cannot be used)
    for lat0, lat_span in ((10, 3), (-60, 130), (15, 0.2), (88, 1.9)):
        places = {f"p{i}": Place(f"p{i}", "P", "p.yaml", lat=lat0 + rng.random() * lat_span,
                                 lon=-20 + rng.random() * lat_span) for i in range(400)}
        found = _nearby(places)
        for place in places.values():
            brute = sorted((round(distance_km(place, o), 1), o.id) for o in places.values()
                           if o is not place and distance_km(place, o) <= NEARBY_KM)
            assert found[place.id] == [(pid, km) for km, pid in brute[:NEARBY_LIMIT]]


def test_related_equals_counting_every_candidate():
    """The ranking's shortcut (no candidate shared twice) and its general case agree with
    counting and sorting every candidate, also when an event names an actor twice."""
    import random
    from bisect import bisect_left

    from chronicle.link import RELATED_WINDOW

    rng = random.Random(3)
    ids = [a.id for a in ACTORS]
    places = [p.id for p in PLACES]
    events = [event(f"e{i:03d}", f"2020-{1 + i % 12:02d}-{1 + i % 28:02d}",
                    rng.choices(ids, k=rng.randint(1, 4)), rng.choices(places, k=rng.randint(1, 2)))
              for i in range(300)]
    linked = link(chronology(events, ACTORS, PLACES))

    def plain(index: int) -> list[int]:
        chosen = linked.events[index]
        lists = [linked.place_events[p] for p in chosen.places]
        lists += [linked.actor_events[ref.actor] for ref in chosen.actors]
        shared: dict[int, int] = {}
        for positions in lists:
            at = bisect_left(positions, index)
            for other in positions[max(0, at - RELATED_WINDOW): at + RELATED_WINDOW + 1]:
                shared[other] = shared.get(other, 0) + 1
        shared.pop(index, None)
        ranked = sorted((-n, abs(other - index), other) for other, n in shared.items())
        return [other for _, _, other in ranked[:RELATED_LIMIT]]

    assert any(len({r.actor for r in e.actors}) < len(e.actors) for e in linked.events)
    for index in range(len(linked.events)):
        assert linked.related_indices(index) == plain(index)
    assert linked.all_related_indices() == [plain(i) for i in range(len(linked.events))]
