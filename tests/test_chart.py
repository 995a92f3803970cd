"""The chart's numbers are the content's numbers: checked against totals computed here."""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from chronicle.model import Casualties, Event, Figure, FuzzyDate
from chronicle.render.chart import (
    build_chart,
    chart_table,
    monthly_series,
    render_chart_svg,
    series_for,
    yearly_series,
)


def make_event(index: int, date: FuzzyDate, killed=None, injured=None) -> Event:
    return Event(f"e{index}", f"Event {index}", date, "attack", f"content/events/e{index}.yaml",
                 casualties=Casualties(killed, injured))


def random_events(seed: int, count: int, first_year: int, last_year: int) -> list[Event]:
    rng = random.Random(seed)
    events = []
    for index in range(count):
        year = rng.randint(first_year, last_year)
        precision = rng.choice(("day", "day", "day", "month", "year"))
        month = rng.randint(1, 12)
        date = {"day": FuzzyDate(year, month, rng.randint(1, 28)),
                "month": FuzzyDate(year, month), "year": FuzzyDate(year)}[precision]
        killed = rng.choice((None, Figure(rng.randint(0, 30)),
                             Figure(best=None, low=rng.randint(1, 5), high=9),
                             Figure(best=12, low=10, high=20)))
        injured = rng.choice((None, Figure(rng.randint(0, 9))))
        events.append(make_event(index, date, killed, injured))
    return events


def value(figure: Figure | None) -> int:
    return figure.value if figure else 0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_monthly_totals_equal_content_totals(seed):
    events = random_events(seed, 200, 2018, 2020)
    series = monthly_series(events)
    assert series.totals.events == len(events)
    assert series.totals.killed == sum(value(e.casualties.killed) for e in events)
    assert series.totals.injured == sum(value(e.casualties.injured) for e in events)
    per_month = Counter((e.date.year, e.date.month) for e in events if e.date.month)
    for period in series.periods:
        assert period.events == per_month.get(period.key, 0), period.label
    killed_march_2019 = sum(value(e.casualties.killed) for e in events
                            if (e.date.year, e.date.month) == (2019, 3))
    march = next(p for p in series.periods if p.key == (2019, 3))
    assert march.killed == killed_march_2019
    assert march.label == "March 2019"


def test_monthly_series_has_every_month_between_first_and_last():
    events = [make_event(1, FuzzyDate(2019, 11, 3)), make_event(2, FuzzyDate(2020, 2))]
    labels = [p.label for p in monthly_series(events).periods]
    assert labels == ["November 2019", "December 2019", "January 2020", "February 2020"]
    assert [p.events for p in monthly_series(events).periods] == [1, 0, 0, 1]


def test_year_only_events_are_counted_apart_not_spread_over_months():
    events = [make_event(1, FuzzyDate(2019, 5, 1), Figure(3)), make_event(2, FuzzyDate(2019),
                                                                         Figure(7))]
    series = monthly_series(events)
    assert sum(p.killed for p in series.periods) == 3
    assert [(p.label, p.events, p.killed) for p in series.undated] == [
        ("2019, month not known", 1, 7)]
    assert series.totals.killed == 10
    assert "counted apart" in str(render_chart_svg(series, title="t"))


def test_long_chronologies_are_charted_per_year():
    events = random_events(4, 120, 2001, 2020)
    series = series_for(events)
    assert series.unit == "year"
    assert series.totals.events == len(events)
    per_year = Counter(e.date.year for e in events)
    assert {p.key[0]: p.events for p in series.periods} == {
        year: per_year.get(year, 0) for year in range(2001, 2021)}
    assert series_for(random_events(5, 50, 2018, 2020)).unit == "month"


def test_there_is_no_year_zero_across_the_era_boundary():
    events = [make_event(1, FuzzyDate(-2)), make_event(2, FuzzyDate(2))]
    labels = [p.label for p in yearly_series(events).periods]
    assert labels == ["2 BCE", "1 BCE", "1", "2"]


def test_table_rows_add_up_to_the_totals():
    events = random_events(6, 150, 2019, 2021)
    series = series_for(events)
    rows = chart_table(series)
    assert sum(r.events for r in rows) == len(events)
    assert sum(r.killed for r in rows) == series.totals.killed
    assert all(r.events for r in rows)


def test_svg_is_accessible_and_deterministic():
    events = random_events(7, 80, 2019, 2020)
    first = build_chart(events, title="Attacks <over> time", id_prefix="c1")
    second = build_chart(list(reversed(events)), title="Attacks <over> time", id_prefix="c1")
    assert first.svg == second.svg
    svg = str(first.svg)
    assert 'role="img"' in svg and 'aria-labelledby="c1-title"' in svg
    assert '<title id="c1-title">Attacks &lt;over&gt; time</title>' in svg
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg).group(1)
    assert f"{len(events)} events" in desc
    assert "prefers-color-scheme:dark" in svg and "currentColor" in svg
    assert not re.search(r"\d\.\d{3,}", svg), "coordinates are rounded to fixed decimals"


def test_small_chart_is_shorter_and_empty_input_has_no_chart():
    events = random_events(8, 30, 2019, 2019)
    big = build_chart(events, title="t")
    small = build_chart(events, title="t", small=True)
    height = lambda svg: int(re.search(r'height="(\d+)"', str(svg)).group(1))  # noqa: E731
    assert height(small.svg) < height(big.svg)
    assert build_chart([], title="t") is None


def test_the_chart_key_changes_exactly_when_its_inputs_do():
    """A page's chart is keyed by what its series reads (explore.chart_deps): events with
    the same inputs draw the same chart, and a changed month or figure changes the key."""
    from dataclasses import replace

    from chronicle.render.explore import chart_deps

    events = random_events(5, 60, 2015, 2018)
    retitled = [replace(e, title=e.title + " (edited)") for e in events]
    assert chart_deps(retitled) == chart_deps(events)
    assert (build_chart(retitled, title="t").svg == build_chart(events, title="t").svg)
    first = events[0]
    more_killed = replace(first, casualties=Casualties(Figure(first.casualties.killed.value + 1
                                                              if first.casualties.killed
                                                              else 1), None))
    moved = replace(first, date=FuzzyDate(first.date.year, first.date.month % 12 + 1, 1))
    for changed in (more_killed, moved):
        assert chart_deps([changed, *events[1:]]) != chart_deps(events)
