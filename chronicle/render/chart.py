"""Events, killed and injured over time, drawn at build time as an accessible inline SVG.

No script draws it, so it shows from disk, in print and with JavaScript off. Colours come
from `currentColor` and a small style sheet with dark-mode and print rules, so the chart
follows the page. The same numbers feed a text table, the alternative for screen readers
and for anyone who wants the figures; tests check those numbers, not the pixels.

Events known only to a coarser precision than the chart's unit (a "2019" event on a monthly
chart) are not spread over months by guesswork: they are counted apart, as `undated` rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter

from markupsafe import Markup, escape

from chronicle.model import MONTH_NAMES, Event

#: Chronologies spanning more years than this are charted per year instead of per month.
MONTHLY_MAX_YEARS = 6
WIDTH = 640
MEASURES = (("events", "Events"), ("killed", "Killed"), ("injured", "Injured"))

CHART_STYLE = (
    ".cc-events{fill:currentColor}.cc-killed{fill:#b3261e}.cc-injured{fill:#8a5a00}"
    ".cc-axis{stroke:currentColor;stroke-opacity:.5}"
    ".cc-text{fill:currentColor;font-family:system-ui,sans-serif;font-size:12px}"
    "@media (prefers-color-scheme:dark){.cc-killed{fill:#ff8a80}.cc-injured{fill:#f6b26b}}"
    "@media print{.cc-killed{fill:#444}.cc-injured{fill:#888}}"
)


@dataclass(frozen=True, slots=True)
class Period:
    """One bar of the chart: a month or a year, with its label and its three counts."""

    key: tuple[int, int]  # (year, month) with month 0 for a whole year
    label: str
    events: int = 0
    killed: int = 0
    injured: int = 0


@dataclass(frozen=True, slots=True)
class Series:
    unit: str  # "month" or "year"
    periods: tuple[Period, ...]
    undated: tuple[Period, ...] = ()  # events too coarse for the unit, per year

    @property
    def totals(self) -> Period:
        rows = self.periods + self.undated
        return Period((0, 0), "Total", sum(p.events for p in rows), sum(p.killed for p in rows),
                      sum(p.injured for p in rows))

    @property
    def first(self) -> Period | None:
        return self.periods[0] if self.periods else None

    @property
    def last(self) -> Period | None:
        return self.periods[-1] if self.periods else None


def _figures(event: Event) -> tuple[int, int]:
    """What totals add up everywhere on the site: Figure.value, unreported counted as 0."""
    killed = event.casualties.killed
    injured = event.casualties.injured
    return (killed.value if killed else 0, injured.value if injured else 0)


#: (year, month or None, killed, injured): all a chart reads of an event
SeriesInput = tuple[int, int | None, int, int]


def series_inputs(events: Iterable[Event]) -> list[SeriesInput]:
    """All that `series_for` reads of each event: equal inputs make equal charts."""
    return [(event.date.year, event.date.month, *_figures(event)) for event in events]


def _years(first: int, last: int) -> list[int]:
    """Historical years from first to last; there is no year 0."""
    return [year for year in range(first, last + 1) if year != 0]


def _year_label(year: int) -> str:
    return f"{-year} BCE" if year < 0 else str(year)


@lru_cache(maxsize=4096)
def _label(key: tuple[int, int]) -> str:
    """A period's label, made once per process: every chart of the build has the same few."""
    year, month = key
    return f"{MONTH_NAMES[month]} {_year_label(year)}" if month else _year_label(year)


@lru_cache(maxsize=4096)
def _empty(key: tuple[int, int]) -> Period:
    """A period without events (a chart of a few events over years has many), made once."""
    return Period(key, _label(key))


def _series(inputs: Sequence[SeriesInput], unit: str) -> Series:
    monthly = unit == "month"
    counts: dict[tuple[int, int], list[int]] = {}
    coarse: dict[tuple[int, int], list[int]] = {}
    for year, month, killed, injured in inputs:
        if not monthly:
            bucket, key = counts, (year, 0)
        elif month is None:
            bucket, key = coarse, (year, 0)
        else:
            bucket, key = counts, (year, month)
        row = bucket.get(key)
        if row is None:
            bucket[key] = [1, killed, injured]
        else:
            row[0] += 1
            row[1] += killed
            row[2] += injured
    keys = sorted(counts) + sorted(coarse)
    periods: list[Period] = []
    if keys:
        years = _years(min(k[0] for k in keys), max(k[0] for k in keys))
        if monthly and counts:
            first, last = min(counts), max(counts)
            span = [(y, m) for y in years for m in range(1, 13)]
            span = [k for k in span if first <= k <= last]
        else:
            span = [(y, 0) for y in years]
        periods = [Period(key, _label(key), *counts[key]) if key in counts else _empty(key)
                   for key in span]
    undated = tuple(Period(key, f"{_year_label(key[0])}, month not known", *coarse[key])
                    for key in sorted(coarse))
    return Series(unit, tuple(periods), undated)


def monthly_series(events: Iterable[Event]) -> Series:
    """Every month from the first event's to the last one's, empty months included."""
    return _series(series_inputs(events), "month")


def yearly_series(events: Iterable[Event]) -> Series:
    return _series(series_inputs(events), "year")


def series_for(events: Iterable[Event]) -> Series:
    """Per month, or per year when the events span more than MONTHLY_MAX_YEARS years."""
    return series_of(series_inputs(events))


def series_of(inputs: Sequence[SeriesInput]) -> Series:
    """`series_for` the events these are the inputs of."""
    if not inputs:
        return Series("month", ())
    years = {year for year, _, _, _ in inputs}
    if max(years) - min(years) + 1 > MONTHLY_MAX_YEARS or all(
            month is None for _, month, _, _ in inputs):
        return _series(inputs, "year")
    return _series(inputs, "month")


def chart_table(series: Series) -> list[Period]:
    """The rows of the text alternative: every period with events, then the undated ones.

    Empty months are left out: the table answers "when and how many", and a run of zeros
    is noise read aloud.
    """
    return [p for p in series.periods if p.events] + list(series.undated)


def _num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


#: the chart's frame: panel height (small, large), gaps and margins, in pixels
PANEL = {True: 34, False: 64}
GAP, LEFT, RIGHT, TOP, AXIS = 18, 44, 8, 4, 20
PLOT = WIDTH - LEFT - RIGHT


@lru_cache(maxsize=1024)
def _columns(count: int) -> tuple[tuple[str, ...], str, str, tuple[str, ...]]:
    """What every chart of `count` periods draws alike, formatted once per process: where
    each column's bars start ("M<x> "), a bar's width there and back ("h<w>v", "h<-w>z"),
    and each column's label x."""
    step = PLOT / count
    bar = max(step * 0.8, min(step, 1.0))
    starts = tuple("M" + _num(LEFT + index * step + (step - bar) / 2) + " "
                   for index in range(count))
    labels = tuple(_num(LEFT + index * step) for index in range(count))
    return starts, f"h{_num(bar)}v", f"h{_num(-bar)}z", labels


@lru_cache(maxsize=8192)
def _heights(base: int, panel: int, value: int, peak: int) -> tuple[str, str]:
    """A bar's top and height: the same for every bar of one value under one peak."""
    tall = max(panel * value / peak, 1.0)
    return _num(base - tall), _num(tall)


def _ticks(series: Series, most: int) -> list[int]:
    """Indices of periods that get an axis label: year starts, thinned to at most `most`."""
    periods = series.periods
    if series.unit == "month":
        starts = [i for i, p in enumerate(periods) if p.key[1] == 1 or i == 0]
    else:
        starts = list(range(len(periods)))
    step = max(1, -(-len(starts) // most))
    return starts[::step]


def describe(series: Series, title: str) -> str:
    """The chart's long description: span, totals and the busiest period, in one sentence."""
    total = series.totals
    if not series.periods:
        return f"{title}: no events."
    busiest = max(series.periods, key=lambda p: (p.events, p.killed, -p.key[0], -p.key[1]))
    text = (f"Events, killed and injured per {series.unit} from {series.first.label} to "
            f"{series.last.label}: {total.events} events, {total.killed} killed, "
            f"{total.injured} injured. Most events in {busiest.label} ({busiest.events}).")
    if series.undated:
        count = sum(p.events for p in series.undated)
        text += f" {count} events known only to the year are counted apart."
    return text


def render_chart_svg(series: Series, *, title: str, small: bool = False,
                     id_prefix: str = "chart") -> Markup:
    """Three stacked panels sharing the time axis (events, killed, injured), each scaled to
    its own maximum, which is written beside it; bars are one path per panel to stay light."""
    panel = PANEL[small]
    height = TOP + len(MEASURES) * (panel + GAP) + AXIS
    starts, across, back, label_xs = _columns(max(len(series.periods), 1))
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    parts = [
        f'<svg class="chronicle-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} '
        f'{height}" width="{WIDTH}" height="{height}" role="img" aria-labelledby="{title_id}" '
        f'aria-describedby="{desc_id}" style="max-width:100%;height:auto">',
        f"<title id=\"{title_id}\">{escape(title)}</title>",
        f"<desc id=\"{desc_id}\">{escape(describe(series, title))}</desc>",
        f"<style>{CHART_STYLE}</style>",
    ]
    for row, (measure, name) in enumerate(MEASURES):
        base = TOP + row * (panel + GAP) + GAP + panel
        values = list(map(_MEASURED[measure], series.periods))
        peak = max(values, default=0)
        parts.append(f'<text class="cc-text" x="0" y="{base - panel - 5}">{name}</text>')
        parts.append(f'<text class="cc-text" x="{LEFT - 4}" y="{base - panel + 10}" '
                     f'text-anchor="end">{peak}</text>')
        parts.append(f'<path class="cc-axis" d="M{LEFT} {base}.5H{WIDTH - RIGHT}"/>')
        bars = []
        for index, value in enumerate(values):
            if value > 0:
                y, tall = _heights(base, panel, value, peak)
                bars.append(starts[index] + y + across + tall + back)
        if bars:
            parts.append(f'<path class="cc-{measure}" d="{"".join(bars)}"/>')
    for index in _ticks(series, 4 if small else 8):
        label = _year_label(series.periods[index].key[0])
        parts.append(f'<text class="cc-text" x="{label_xs[index]}" y="{height - 4}">{label}'
                     "</text>")
    parts.append("</svg>")
    return Markup("".join(parts))


_MEASURED = {measure: attrgetter(measure) for measure, _ in MEASURES}


@dataclass(frozen=True, slots=True)
class Chart:
    """What the chart partial renders: the picture, its caption and its table."""

    svg: Markup
    series: Series
    rows: tuple[Period, ...]
    title: str
    small: bool


def build_chart(events: Iterable[Event], *, title: str, small: bool = False,
                id_prefix: str = "chart") -> Chart | None:
    """The chart for a page's events, or None when there is nothing to draw."""
    return chart_of(series_inputs(events), title=title, small=small, id_prefix=id_prefix)


def chart_of(inputs: Sequence[SeriesInput], *, title: str, small: bool = False,
             id_prefix: str = "chart") -> Chart | None:
    """`build_chart` for the events these are the series inputs of."""
    series = series_of(inputs)
    if not series.periods:
        return None
    svg = render_chart_svg(series, title=title, small=small, id_prefix=id_prefix)
    return Chart(svg, series, tuple(chart_table(series)), title, small)
