"""Dates in wire-report sentences, resolved against the publication date."""

from __future__ import annotations

import datetime

import pytest

from chronicle.extract.dates import find_dates


def dates_of(sentence: str, published: str | None) -> list[tuple[str | None, bool]]:
    day = datetime.date.fromisoformat(published) if published else None
    return [(m.date.iso() if m.date else None, m.reported) for m in find_dates(sentence, day)]


CASES = [
    # (sentence, published, [(date or None, reported)])
    ("Gunmen killed 12 villagers in Zamfara state on Sunday, police said on Monday.",
     "2021-06-08", [("2021-06-06", False), ("2021-06-07", True)]),
    ("The attack took place on 3 March 2022 near Djibo, in northern Burkina Faso.",
     None, [("2022-03-03", False)]),
    ("On March 3, 2022, militants ambushed a supply convoy escorted by the army.",
     None, [("2022-03-03", False)]),
    ("Fighting first erupted in April 2018 around Menaka.", None, [("2018-04", False)]),
    ("In 2015, an attack on the Radisson Blu hotel in Bamako killed 20 people.",
     None, [("2015", False)]),
    ("Last year, jihadists killed 30 soldiers in a single raid.", "2020-05-05",
     [("2019", False)]),
    ("Security Council Resolution 2100 established the mission.", "2013-04-26", []),
    ("Residents said they may flee to the regional capital.", "2021-06-08", []),
    ("Students will march on the capital to demand security.", "2021-06-08", []),
    ("The car bomb exploded yesterday near the Mogadishu airport.", "2022-10-30",
     [("2022-10-29", False)]),
    ("Soldiers came under fire early on Friday near the border.", "2023-03-03",
     [("2023-03-03", False)]),
    ("Soldiers were ambushed last Friday on the road to Kaya.", "2023-03-03",
     [("2023-02-24", False)]),
    ("More than 40 people have been killed this week in Ituri province.", "2023-06-15",
     [("2023-06", False)]),
    ("In recent years, violence has spread to the coastal states.", "2022-01-01", [(None, False)]),
    ("The strike came a day after the government announced a curfew.", "2022-01-01",
     [(None, False)]),
    ("The village had been attacked the day before, residents said.", "2020-02-14",
     [("2020-02-13", False)]),
    ("On 14 February, gunmen on motorbikes stormed the market.", "2020-03-01",
     [("2020-02-14", False)]),
    ("The convoy was hit on December 30 by an explosive device.", "2021-01-05",
     [("2020-12-30", False)]),
    ("More than 2000 troops were deployed to the region.", "2021-01-05", []),
    ("The junta that seized power in a 2020 coup has expelled the envoy.", "2022-02-01",
     [("2020", False)]),
    ("Three days ago, militants attacked the gendarmerie post.", "2022-01-10",
     [("2022-01-07", False)]),
    ("Officials on Tuesday condemned the killing of the two aid workers.", "2022-01-13",
     [("2022-01-11", True)]),
    ("The attack in Kerena on 10 February 2021 injured 20 peacekeepers.", "2021-03-01",
     [("2021-02-10", False)]),
    ("Sept. 11, 2001 changed the war on terror.", None, [("2001-09-11", False)]),
    ("Fighting resumed in early August near the camp.", "2023-08-15", [("2023-08", False)]),
]


@pytest.mark.parametrize(("sentence", "published", "expected"), CASES)
def test_dates_in_sentences(sentence, published, expected):
    assert dates_of(sentence, published) == expected


def test_relative_day_without_a_published_date_needs_review():
    [mention] = find_dates("Gunmen attacked the village on Sunday.", None)
    assert mention.date is None and mention.needs_review


def test_weekday_on_the_publication_day_is_that_day():
    # 2019-01-20 was a Sunday: "early on Sunday" in a Sunday paper is the same day
    [mention] = find_dates("The incident occurred early on Sunday.", datetime.date(2019, 1, 20))
    assert mention.date.iso() == "2019-01-20"


def test_precision_follows_the_words():
    published = datetime.date(2018, 6, 1)
    day, month, year = (find_dates(s, published)[0].date for s in (
        "on 2 May 2018", "in May 2018", "in 2018"))
    assert (day.precision.value, month.precision.value, year.precision.value) == (
        "day", "month", "year")
