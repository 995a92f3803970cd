"""Events, killed and injured over time, drawn at build time as an accessible inline SVG.

No script draws it, so it shows from disk, in print and with JavaScript off. Colours come
from `currentColor` and a small style sheet with dark-mode and print rules, so the chart
follows the page. The same numbers feed a text table, the alternative for screen readers
and for anyone who wants the figures; tests check those numbers, not the pixels.

Events known only to a coarser precision than the chart's unit (a "2019" event on a monthly
chart) are not spread over months by guesswork: they are counted apart, as `undated` rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

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


def series_inputs(events: Iterable[Event]) -> list[tuple[int, int | None, int, int]]:
    """All that `series_for` reads of each event: equal inputs make equal charts."""
    return [(event.date.year, event.date.month, *_figures(event)) for event in events]


def _years(first: int, last: int) -> list[int]:
    """Historical years from first to last; there is no year 0."""
    return [year for year in range(first, last + 1) if year != 0]


def _year_label(year: int) -> str:
    return f"{-year} BCE" if year < 0 else str(year)


def _series(events: Iterable[Event], unit: str) -> Series:
    counts: dict[tuple[int, int], list[int]] = {}
    coarse: dict[tuple[int, int], list[int]] = {}
    for event in events:
        date = event.date
        if unit == "month" and date.month is None:
            bucket, key = coarse, (date.year, 0)
        else:
            bucket, key = counts, (date.year, date.month or 0 if unit == "month" else 0)
        killed, injured = _figures(event)
        row = bucket.setdefault(key, [0, 0, 0])
        row[0] += 1
        row[1] += killed
        row[2] += injured
    keys = sorted(counts) + sorted(coarse)
    periods: list[Period] = []
    if keys:
        years = _years(min(k[0] for k in keys), max(k[0] for k in keys))
        if unit == "month" and counts:
            first, last = min(counts), max(counts)
            span = [(y, m) for y in years for m in range(1, 13)]
            span = [k for k in span if first <= k <= last]
        else:
            span = [(y, 0) for y in years]
        for key in span:
            events_, killed, injured = counts.get(key, (0, 0, 0))
            label = (f"{MONTH_NAMES[key[1]]} {_year_label(key[0])}" if key[1]
                     else _year_label(key[0]))
            periods.append(Period(key, label, events_, killed, injured))
    undated = tuple(Period(key, f"{_year_label(key[0])}, month not known", *coarse[key])
                    for key in sorted(coarse))
    return Series(unit, tuple(periods), undated)


def monthly_series(events: Iterable[Event]) -> Series:
    """Every month from the first event's to the last one's, empty months included."""
    return _series(events, "month")


def yearly_series(events: Iterable[Event]) -> Series:
    return _series(events, "year")


def series_for(events: Iterable[Event]) -> Series:
    """Per month, or per year when the events span more than MONTHLY_MAX_YEARS years."""
    events = list(events)
    if not events:
        return Series("month", ())
    years = {event.date.year for event in events}
    if max(years) - min(years) + 1 > MONTHLY_MAX_YEARS or all(
            event.date.month is None for event in events):
        return yearly_series(events)
    return monthly_series(events)


def chart_table(series: Series) -> list[Period]:
    """The rows of the text alternative: every period with events, then the undated ones.

    Empty months are left out: the table answers "when and how many", and a run of zeros
    is noise read aloud.
    """
    return [p for p in series.periods if p.events] + list(series.undated)


def _num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


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
    panel = 34 if small else 64
    gap, left, right, top, axis = 18, 44, 8, 4, 20
    height = top + len(MEASURES) * (panel + gap) + axis
    plot = WIDTH - left - right
    count = max(len(series.periods), 1)
    step = plot / count
    bar = max(step * 0.8, min(step, 1.0))
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    parts = [
        f'<svg class="chronicle-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} '
        f'{height}" width="{WIDTH}" height="{height}" role="img" aria-labelledby="{title_id}" '
        f'aria-describedby="{desc_id}" style="max-width:100%;height:auto">',
        f"<title id=\"{title_id}\">{escape(title)}</title>",
        f"<desc id=\"{desc_id}\">{escape(describe(series, title))}</desc>",
        f"<style>{CHART_STYLE}</style>",
    ]
    # the numbers of a bar's path repeat (a column's x in all three panels, the width in
    # every bar, the height of every bar of one value): each is formatted once
    lefts: dict[int, str] = {}
    across = f"h{_num(bar)}v"
    back = f"h{_num(-bar)}z"
    for row, (measure, name) in enumerate(MEASURES):
        base = top + row * (panel + gap) + gap + panel
        values = [getattr(p, measure) for p in series.periods]
        peak = max(values, default=0)
        parts.append(f'<text class="cc-text" x="0" y="{base - panel - 5}">{name}</text>')
        parts.append(f'<text class="cc-text" x="{left - 4}" y="{base - panel + 10}" '
                     f'text-anchor="end">{peak}</text>')
        parts.append(f'<path class="cc-axis" d="M{left} {base}.5H{WIDTH - right}"/>')
        bars = []
        shapes: dict[int, str] = {}
        for index, value in enumerate(values):
            if value <= 0:
                continue
            start = lefts.get(index)
            if start is None:
                start = lefts[index] = "M" + _num(left + index * step + (step - bar) / 2) + " "
            shape = shapes.get(value)
            if shape is None:
                tall = max(panel * value / peak, 1.0)
                shape = shapes[value] = _num(base - tall) + across + _num(tall) + back
            bars.append(start + shape)
        if bars:
            parts.append(f'<path class="cc-{measure}" d="{"".join(bars)}"/>')
    for index in _ticks(series, 4 if small else 8):
        period = series.periods[index]
        x = left + index * step
        label = _year_label(period.key[0])
        parts.append(f'<text class="cc-text" x="{_num(x)}" y="{height - 4}">{label}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


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
    series = series_for(events)
    if not series.periods:
        return None
    svg = render_chart_svg(series, title=title, small=small, id_prefix=id_prefix)
    return Chart(svg, series, tuple(chart_table(series)), title, small)
