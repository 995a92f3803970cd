"""FuzzyDate and Figure: what a reader of the chronology sees (order, words, ranges)."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chronicle.model import Figure, FuzzyDate, Precision


def d(text: str | int) -> FuzzyDate:
    return FuzzyDate.parse(text)


# -- reading ------------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "parts", "precision"), [
    (2019, (2019, None, None), Precision.YEAR),
    ("2019", (2019, None, None), Precision.YEAR),
    ("2018-04", (2018, 4, None), Precision.MONTH),
    ("2019-01-20", (2019, 1, 20), Precision.DAY),
    (datetime.date(2019, 1, 20), (2019, 1, 20), Precision.DAY),
    (datetime.datetime(2019, 1, 20, 5, 30), (2019, 1, 20), Precision.DAY),
    ("44 BCE", (-44, None, None), Precision.YEAR),
    ("44 bc", (-44, None, None), Precision.YEAR),
    ("1066 AD", (1066, None, None), Precision.YEAR),
    ("-0044", (-44, None, None), Precision.YEAR),
    ("850-03", (850, 3, None), Precision.MONTH),
    (" 2019-1-5 ", (2019, 1, 5), Precision.DAY),
])
def test_parse_reads_every_written_form(written, parts, precision):
    date = d(written)
    assert (date.year, date.month, date.day) == parts
    assert date.precision is precision


@pytest.mark.parametrize(("written", "message"), [
    ("2021-02-30", "February 2021 has 28 days, not 30"),
    ("1900-02-29", "February 1900 has 28 days, not 29"),
    ("2019-13", "month 13 is not between 1 and 12"),
    ("2019-00", "month 0 is not between 1 and 12"),
    (0, "there is no year 0"),
    ("yesterday", "'yesterday' is not a date"),
    ("20/01/2019", "'20/01/2019' is not a date"),
    (True, "not true/false"),
    ([2019], "not list"),
])
def test_parse_refuses_what_is_no_date(written, message):
    with pytest.raises(ValueError, match=message):
        d(written)


def test_leap_days_follow_the_calendar_including_bce():
    assert d("2020-02-29").day == 29
    assert d("2000-02-29").day == 29
    assert FuzzyDate(-1, 2, 29).day == 29  # 1 BCE is astronomical year 0, a leap year
    assert FuzzyDate(-5, 2, 29).day == 29  # 5 BCE is astronomical -4
    with pytest.raises(ValueError, match="February 2 BCE has 28 days"):
        FuzzyDate(-2, 2, 29)


def test_a_day_needs_a_month():
    with pytest.raises(ValueError, match="a day needs a month"):
        FuzzyDate(2019, None, 5)


# -- order --------------------------------------------------------------------------------

def test_coarser_dates_sort_before_the_finer_ones_inside_them():
    written = ["2019-02", "2019-01-20", "2019", "2018-12-31", "2019-01", "2019-01-03"]
    assert [x.iso() for x in sorted(map(d, written))] == [
        "2018-12-31", "2019", "2019-01", "2019-01-03", "2019-01-20", "2019-02"]


def test_bce_years_come_first_and_there_is_no_year_zero():
    assert sorted(map(d, ["1 CE", "44 BCE", "1 BCE", "850", "2019"])) == [
        FuzzyDate(-44), FuzzyDate(-1), FuzzyDate(1), FuzzyDate(850), FuzzyDate(2019)]
    assert d("44 BCE") < d(1)
    assert d("2019") <= d("2019") and d("2019-01") >= d("2019")


days = st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31))


@given(days, days)
def test_day_dates_order_as_the_calendar_does(a, b):
    assert (d(a) < d(b)) == (a < b)
    assert (d(a) == d(b)) == (a == b)


@given(days, st.sampled_from(["year", "month", "day"]))
def test_iso_form_reads_back_as_the_same_date(day, precision):
    parts = {"year": (day.year,), "month": (day.year, day.month),
             "day": (day.year, day.month, day.day)}[precision]
    date = FuzzyDate(*parts)
    assert d(date.iso()) == date
    assert date.earliest_key() <= date.latest_key()


@given(st.integers(min_value=1, max_value=9999))
def test_bce_iso_form_reads_back(year):
    assert d(FuzzyDate(-year).iso()) == FuzzyDate(-year)


# -- words --------------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "words", "iso"), [
    ("2019-01-20", "20 January 2019", "2019-01-20"),
    ("2018-04", "April 2018", "2018-04"),
    (2017, "2017", "2017"),
    ("44 BCE", "44 BCE", "-0044"),
    ("850-03-05", "5 March 850", "0850-03-05"),
    (33, "33", "0033"),
])
def test_format_at_its_precision(written, words, iso):
    assert d(written).format() == words
    assert d(written).iso() == iso
    assert str(d(written)) == iso


def test_ranges_cover_the_whole_period():
    assert d("2019").latest_key() == (2019, 12, 31)
    assert d("2020-02").latest_key() == (2020, 2, 29)
    assert d("2019-02").earliest_key() == (2019, 2, 1)


# -- figures ------------------------------------------------------------------------------

def test_a_single_figure():
    figure = Figure(8)
    assert (figure.value, figure.lower, figure.upper, figure.is_range) == (8, 8, 8, False)
    assert figure.format() == "8"


def test_a_range_without_best_counts_what_is_certain():
    figure = Figure(None, 20, 28)
    assert figure.value == 20
    assert figure.is_range
    assert figure.format() == "20–28"


def test_a_best_estimate_inside_its_range():
    assert Figure(10, 8, 13).format() == "10 (8–13)"
    assert Figure(10, 8, 13).value == 10
    assert Figure(8, 8, 13).format() == "8–13"


def test_open_ranges():
    assert Figure(None, 5).format() == "5"
    assert Figure(None, None, 9).value == 9
    assert Figure(0).format() == "0"
