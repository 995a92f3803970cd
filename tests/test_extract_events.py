"""Assembling sentences into events: news and background, several events per article,
figures per event, and what is not an event at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from chronicle.extract.article import read_article
from chronicle.extract.command import event_record
from chronicle.extract.events import Extractor
from chronicle.extract.places import PlaceFinder
from chronicle.model import Place

ARTICLES = Path(__file__).parent / "articles"

PLACES = (
    Place("seytenga", "Seytenga", "content/places/seytenga.yaml", kind="village",
          country="Burkina Faso", admin1="Sahel", lat=14.19, lon=0.45),
    Place("solhan", "Solhan", "content/places/solhan.yaml", kind="village",
          country="Burkina Faso", admin1="Sahel", lat=13.46, lon=0.96),
    Place("dori", "Dori", "content/places/dori.yaml", kind="town", country="Burkina Faso",
          admin1="Sahel", lat=14.03, lon=-0.03),
    Place("kurfa", "Kurfa", "content/places/kurfa.yaml", kind="village", country="Nigeria",
          admin1="Zamfara"),
    Place("zamfara", "Zamfara", "content/places/zamfara.yaml", kind="region",
          country="Nigeria", admin1="Zamfara"),
    Place("maiduguri", "Maiduguri", "content/places/maiduguri.yaml", kind="city",
          country="Nigeria", admin1="Borno"),
)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(place_finder=PlaceFinder(PLACES, gazetteer=None))


def records(extractor: Extractor, name: str, published=None) -> list[dict]:
    article = read_article(ARTICLES / name, published)
    return [event_record(e) for e in extractor.extract(article)]


def brief(record: dict) -> tuple:
    return (record["date"], record["place"], record["killed"], record["injured"],
            record["primary"])


def test_news_and_background_from_one_report(extractor):
    import datetime

    events = records(extractor, "seytenga.txt", datetime.date(2022, 6, 14))
    assert [brief(e) for e in events] == [
        ("2022-06-11", "Seytenga", 79, None, True),
        ("2021", "Solhan", 160, None, False),
    ]
    news = events[0]
    assert news["country"] == "Burkina Faso" and news["admin1"] == "Sahel"
    assert news["date_precision"] == "day"
    assert any("Saturday night" in s for s in news["evidence"]["date"])
    assert any("79" in s for s in news["evidence"]["killed"])


def test_a_running_toll_is_no_event_s_figure(extractor):
    import datetime

    events = records(extractor, "seytenga.txt", datetime.date(2022, 6, 14))
    assert all(e["killed"] != 2000 for e in events)


def test_two_events_in_one_sentence_split_by_place(extractor):
    events = records(extractor, "nigeria-two.txt")
    assert [brief(e) for e in events] == [
        ("2021-12-05", "Kurfa", 12, None, True),
        ("2021-12-05", "Maiduguri", 3, 9, True),
    ]
    assert events[1]["type"] == "explosion"


def test_an_article_without_violence_gives_no_event(extractor):
    assert records(extractor, "no-event.txt") == []


def test_an_event_without_a_known_place_has_none(extractor):
    [event] = records(extractor, "no-place.txt")
    assert (event["date"], event["place"], event["killed"]) == ("2022-02-27", None, 7)


def test_without_a_published_date_relative_days_stay_unresolved(extractor):
    [event] = records(extractor, "no-date.txt")
    assert event["date"] is None and event["place"] == "Kurfa"
    assert any("needs_review" in note for note in event["notes"])


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Jihadists attacked near the village of Tassia, close to the border.",
     ("Tassia", "village")),
    ("Militants stormed the peacekeepers' camp near Kerena village on Wednesday.",
     ("Kerena", "village")),
    ("Soldiers clashed with gunmen in the Arsham region near the border.", ("Arsham", "region")),
    ("Their forces in Ber were assaulted on Friday.", ("Ber", "town")),
    ("Jihadists attacked a base in northern Burkina Faso's Yatenga province.",
     ("Yatenga", "region")),
    ("Two peacekeepers were killed at the base in April 2018.", None),
])
def test_places_the_gazetteer_lacks_are_named_by_their_cue(sentence, expected):
    from chronicle.extract.events import _places_by_cue

    found = [(p.name, p.kind) for p in _places_by_cue(sentence)]
    assert found == ([expected] if expected else [])


def test_no_text_makes_extraction_crash(extractor):
    """Whatever a scraper produces, extraction answers with events or none, never a crash."""
    import datetime

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from chronicle.extract.article import Article, Sentence

    words = st.sampled_from([
        "Gunmen", "killed", "at", "least", "12", "dozens", "of", "soldiers", "on", "Sunday",
        "in", "Seytenga", "near", "the", "village", "Kurfa", "and", "wounded", "a", ",", ".",
        "2019", "April", "last", "year", "UN", "peacekeepers", "Chadian", "(", "ISGS", ")",
        "said", "attack", "were", "also", "-", "'s", "Zamfara", "region", "this", "week",
    ])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.lists(words, min_size=1, max_size=30), min_size=1, max_size=6))
    def check(paragraphs):
        texts = [" ".join(p) for p in paragraphs]
        sentences = tuple(Sentence(t, i, 0, len(t), i + 1) for i, t in enumerate(texts))
        article = Article("fuzz.txt", None, datetime.date(2022, 6, 14), tuple(texts), sentences)
        for event in extractor.extract(article):
            assert event.killed is None or event.killed >= 0

    check()


def test_the_day_a_statement_was_made_dates_an_event_told_without_one(extractor, tmp_path):
    import datetime

    path = tmp_path / "said.txt"
    path.write_text("Gunmen killed 12 people in the village of Kurfa in Zamfara state, police "
                    "said on Monday.\n\nThe attackers fled on motorbikes, residents said.\n")
    [event] = extractor.extract(read_article(path, datetime.date(2021, 12, 8)))
    assert (event.date.iso(), event.place.name, event.killed) == ("2021-12-06", "Kurfa", 12)
    assert any("reported" in note for note in event.notes)
