"""The sample chronology in content/ against the articles it was curated from.

What a reader of the site would check by hand: every event the gold labels list for the five
seed articles is there, on the same date and place, with the figures the articles give; every
quote can be found, word for word, in the article it cites; every point on a map says where
it came from.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from chronicle.model import Chronology, Event, Figure
from chronicle.validate import load_checked

REPO = Path(__file__).resolve().parent.parent
GOLD = Path(os.environ.get("CHRONICLE_GOLD", REPO.parent / "shared" / "eval" / "seeds.gold.yaml"))


def fold(text: str) -> str:
    """Case, accents and apostrophes aside, as a reader compares names ("Aguel'hok")."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(c for c in text if not unicodedata.combining(c)).casefold().strip()


def squash(text: str) -> str:
    """Whitespace normalised, so a quote wrapped over lines still matches the article."""
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def sample() -> Chronology:
    chronology, diagnostics = load_checked(REPO)
    errors = [d.format() for d in diagnostics if d.is_error]
    assert not errors, "\n".join(errors)
    return chronology


@pytest.fixture(scope="module")
def gold() -> list[dict]:
    if not GOLD.is_file():
        pytest.skip(f"gold labels not found at {GOLD} (set CHRONICLE_GOLD)")
    return yaml.safe_load(GOLD.read_text(encoding="utf-8"))["articles"]


def readings(figure: Figure | None) -> set[int | None]:
    """Every figure an event accepts: the best estimate and both bounds, or None if unreported."""
    if figure is None:
        return {None}
    return {v for v in (figure.best, figure.low, figure.high) if v is not None}


def accepted(label: dict, key: str) -> list:
    return label.get(f"{key}_accept", [label[key]])


def place_names(chronology: Chronology, event: Event) -> set[str]:
    """The names a reader could know the event's places by; a region also by its admin1."""
    by_id = {place.id: place for place in chronology.places}
    names = set()
    for place_id in event.places:
        place = by_id[place_id]
        names.update(fold(n) for n in (place.name, *place.aliases))
        if place.kind == "region" and place.admin1:
            names.add(fold(place.admin1))
    return names


def actor_names(chronology: Chronology, event: Event) -> list[str]:
    by_id = {actor.id: actor for actor in chronology.actors}
    refs = [by_id[ref.actor] for ref in event.actors]
    return [fold(n) for actor in refs for n in (actor.name, *actor.aliases)]


def matches(chronology: Chronology, event: Event, label: dict) -> bool:
    wanted_places = {fold(p) for p in [label["place"], *label.get("place_accept", [])]}
    return (
        event.date.iso() == str(label["date"])
        and bool(wanted_places & place_names(chronology, event))
        and label["killed"] in readings(event.casualties.killed)
        and label["injured"] in readings(event.casualties.injured)
    )


def test_sample_checks_without_errors(sample: Chronology) -> None:
    assert len(sample.events) >= 1 and sample.actors and sample.places


def test_every_gold_event_is_curated(sample: Chronology, gold: list[dict]) -> None:
    """One curated event per gold event, on its date and place, with its killed and injured."""
    taken: set[str] = set()
    missing = []
    for article in gold:
        for label in article["events"]:
            found = [e for e in sample.events if e.id not in taken and matches(sample, e, label)]
            if not found:
                missing.append(f"{article['file']}: {label['date']} {label['place']} "
                               f"killed={label['killed']} injured={label['injured']}")
                continue
            event = found[0]
            taken.add(event.id)
            assert event.primary in accepted(label, "primary"), event.id
            assert event.date.precision.value == label["date_precision"], event.id
            names = actor_names(sample, event)
            for group in label["actors"]:
                options = [fold(o) for o in group.split("|")]
                assert any(o in n or n in o for o in options for n in names), (event.id, group)
            cited = {Path(s.file).name for s in event.sources}
            assert article["file"] in cited, event.id
    assert not missing, "no curated event for:\n" + "\n".join(missing)


def test_sources_carry_the_gold_published_dates(sample: Chronology, gold: list[dict]) -> None:
    published = {a["file"]: str(a["published"]) for a in gold}
    for event in sample.events:
        for source in event.sources:
            assert source.published is not None, event.id
            assert source.published.iso() == published[Path(source.file).name], event.id


def test_every_quote_is_verbatim_in_its_article(sample: Chronology) -> None:
    for event in sample.events:
        assert event.sources, f"{event.id} cites no source"
        for source in event.sources:
            assert source.file and source.file.startswith("seeds/"), event.id
            article = REPO / source.file
            assert article.is_file(), f"{event.id}: {source.file} does not exist"
            assert source.quote, f"{event.id}: a source without a quote"
            text = squash(article.read_text(encoding="utf-8"))
            assert squash(source.quote) in text, f"{event.id}: quote not in {source.file}"


def test_sample_events_are_reviewed(sample: Chronology) -> None:
    assert {event.status.value for event in sample.events} == {"reviewed"}


def test_every_point_on_a_map_says_where_it_came_from(sample: Chronology) -> None:
    for place in sample.places:
        if place.has_coordinates:
            assert place.coordinates_source, f"{place.id}: coordinates without a source"
            assert place.geo_precision in ("exact", "near", "region"), place.id
        else:
            assert "coordinates" in place.description, f"{place.id}: say why it has none"


def test_spellings_in_the_articles_resolve(sample: Chronology) -> None:
    """The articles' own spellings are aliases, so ingest and readers find the curated entry."""
    places = {fold(n) for p in sample.places for n in (p.name, *p.aliases)}
    actors = {fold(n) for a in sample.actors for n in (a.name, *a.aliases)}
    assert {"douenza", "arsham", "aguel'hok", "tombouctou"} <= places
    assert {"gsim", "jnim", "support group for islam and muslims", "fama", "malian army"} <= actors


def test_actor_links_are_web_links(sample: Chronology) -> None:
    for actor in sample.actors:
        for link in actor.links:
            assert link.startswith(("https://", "http://")), (actor.id, link)
