"""Maps drawn at build time as inline SVG from Natural Earth country outlines.

The projection is plain longitude/latitude (equirectangular): outlines are stored as SVG path
strings in degrees (y = -latitude) once per process, and each map only picks a viewBox and a
horizontal squeeze of cos(latitude) so shapes keep their proportions. A map therefore costs a
string join, not a reprojection, which keeps thousands of place pages cheap.

Places without coordinates are never guessed onto a map: the overview lists them instead.
"""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape

from chronicle.model import Place

DEFAULT_DATA = Path(__file__).resolve().parents[1] / "themes/default/data/countries.json.gz"
WIDTH = 640  # nominal pixel width: dot sizes are worked out against it

Box = tuple[float, float, float, float]  # west, south, east, north in degrees

#: One style sheet for every map: colours follow the reader's light/dark setting and print.
MAP_STYLE = (
    ".cm-land{fill:#ece8df;stroke:#8c8474}.cm-home{fill:#d8cfb9;stroke:#5e5646}"
    ".cm-dot{fill:#b3261e;stroke:#fff}.cm-near{fill:#1d4f91;stroke:#fff}"
    ".cm-label{fill:currentColor;font-family:system-ui,sans-serif;font-weight:600;"
    "paint-order:stroke;stroke:Canvas}"
    "a:focus .cm-near,a:hover .cm-near{stroke:currentColor;fill:#b3261e}"
    "@media (prefers-color-scheme:dark){.cm-land{fill:#2a2e35;stroke:#7b8494}"
    ".cm-home{fill:#3d4450;stroke:#aab2bf}.cm-dot{fill:#ff8a80;stroke:#111}"
    ".cm-near{fill:#8ab4f8;stroke:#111}}"
    "@media print{.cm-land,.cm-home{fill:#fff;stroke:#000}.cm-dot,.cm-near{fill:#000}}"
)


@dataclass(frozen=True, slots=True)
class Country:
    name: str
    iso_a2: str | None
    iso_a3: str | None
    bbox: Box
    path: str  # SVG path data in degrees, y = -latitude


@dataclass(frozen=True, slots=True, eq=False)
class Countries:
    """The outlines, and a lookup by any name or ISO code a place's `country` may carry.
    Compared (and hashed) by identity: one set of outlines per file and process."""

    all: tuple[Country, ...]
    by_key: dict[str, Country]
    source: str

    def find(self, name: str | None) -> Country | None:
        return self.by_key.get(name.strip().casefold()) if name else None

    def within(self, box: Box) -> list[Country]:
        west, south, east, north = box
        return [c for c in self.all
                if c.bbox[0] <= east and c.bbox[2] >= west and c.bbox[1] <= north
                and c.bbox[3] >= south]


def _num(value: float) -> str:
    """Fixed formatting (two decimals, no trailing zeros, no "-0") for byte-identical SVG."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _path(rings: list[list[list[float]]]) -> str:
    return "".join(
        "M" + "L".join(f"{_num(x)} {_num(-y)}" for x, y in ring) + "Z" for ring in rings
    )


@lru_cache(maxsize=4)
def load_countries(path: str | None = None) -> Countries:
    """Read the outlines once per process (forked render workers inherit them)."""
    data = json.loads(gzip.decompress(Path(path or DEFAULT_DATA).read_bytes()))
    countries = []
    by_key: dict[str, Country] = {}
    for row in data["countries"]:
        country = Country(row["name"], row["iso_a2"], row["iso_a3"], tuple(row["bbox"]),
                          _path(row["rings"]))
        countries.append(country)
        for key in (*row["names"], row["iso_a2"], row["iso_a3"]):
            if key:
                by_key.setdefault(key.casefold(), country)
    return Countries(tuple(countries), by_key, data["source"])


@dataclass(frozen=True, slots=True)
class _Frame:
    """A crop of the world: the viewBox in squeezed degrees and the squeeze itself."""

    box: Box
    squeeze: float

    @classmethod
    def around(cls, box: Box, *, pad: float = 0.08, min_span: float = 1.0) -> _Frame:
        west, south, east, north = box
        span_x = max(east - west, min_span)
        span_y = max(north - south, min_span)
        cx, cy = (west + east) / 2, (south + north) / 2
        west, east = cx - span_x * (0.5 + pad), cx + span_x * (0.5 + pad)
        south, north = cy - span_y * (0.5 + pad), cy + span_y * (0.5 + pad)
        squeeze = max(math.cos(math.radians(cy)), 0.2)
        return cls((west, max(south, -90.0), east, min(north, 90.0)), squeeze)

    def x(self, lon: float) -> float:
        return lon * self.squeeze

    def y(self, lat: float) -> float:
        return -lat

    @property
    def width(self) -> float:
        return (self.box[2] - self.box[0]) * self.squeeze

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]

    def view_box(self) -> str:
        return " ".join(_num(v) for v in (self.x(self.box[0]), self.y(self.box[3]),
                                          self.width, self.height))

    def px(self, pixels: float) -> float:
        """Viewbox units that come out as about `pixels` on a WIDTH-wide map."""
        return pixels * self.width / WIDTH

    def contains(self, lon: float, lat: float) -> bool:
        west, south, east, north = self.box
        return west <= lon <= east and south <= lat <= north


@lru_cache(maxsize=16)
def _outlines(frame: _Frame, countries: Countries, home: Country | None) -> str:
    """Every country the crop touches; the place's own country drawn on top, highlighted.
    Made once per crop: the places inside their country's box all share its crop."""
    shapes = [c for c in countries.within(frame.box) if c is not home]
    parts = [f'<path class="cm-land" d="{c.path}"/>' for c in shapes]
    if home is not None:
        parts.append(f'<path class="cm-home" d="{home.path}"/>')
    return (f'<g transform="scale({_num_squeeze(frame.squeeze)} 1)" aria-hidden="true" '
            f'stroke-width="{_num(frame.px(1))}">'
            + "".join(parts) + "</g>")


def _num_squeeze(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _svg(frame: _Frame, label: str, body: str) -> str:
    height = round(WIDTH * frame.height / frame.width) if frame.width else WIDTH
    return (f'<svg class="chronicle-map" xmlns="http://www.w3.org/2000/svg" '
            f'viewBox="{frame.view_box()}" width="{WIDTH}" height="{height}" role="group" '
            f'aria-label="{escape(label)}" style="max-width:100%;height:auto">'
            f"<style>{MAP_STYLE}</style>{body}</svg>")


def _dot(frame: _Frame, place: Place, radius: float, css: str, *, href: str | None,
         label: str) -> str:
    label = escape(label)
    circle = (f'<circle class="{css}" cx="{_num(frame.x(place.lon))}"'
              f' cy="{_num(frame.y(place.lat))}"{_dot_size(frame, radius)}>'
              f"<title>{label}</title></circle>")
    if href is None:
        return circle
    return f'<a href="{escape(href)}" aria-label="{label}">{circle}</a>'


@lru_cache(maxsize=256)
def _dot_size(frame: _Frame, radius: float) -> str:
    """A dot's radius and outline width on this crop, the same for each dot of a kind."""
    return f' r="{_num(frame.px(radius))}" stroke-width="{_num(frame.px(1.5))}"'


def sibling_link(place: Place) -> str:
    """A place page's link to another place page: places/<id>/index.html are siblings."""
    return f"../{place.id}/index.html"


def _place_frame(place: Place, countries: Countries) -> tuple[_Frame, Country | None]:
    """The place's country with some of its surroundings, or a box around the place."""
    home = countries.find(place.country)
    if home is not None:
        west, south, east, north = home.bbox
        box = (min(west, place.lon), min(south, place.lat), max(east, place.lon),
               max(north, place.lat))
        return _Frame.around(box), home
    return _Frame.around((place.lon, place.lat, place.lon, place.lat), min_span=4.0), None


def _others(place: Place, neighbours: Iterable[Place], frame: _Frame) -> list[Place]:
    return sorted((p for p in neighbours if p.has_coordinates and p.id != place.id
                   and frame.contains(p.lon, p.lat)), key=lambda p: (p.name, p.id))


def place_map_inputs(place: Place, neighbours: Iterable[Place], countries: Countries) -> tuple:
    """Everything a place map draws, and nothing else: a build keys the page on it."""
    if not place.has_coordinates:
        return ()
    frame, home = _place_frame(place, countries)
    others = _others(place, neighbours, frame)
    return (place.id, place.name, place.lat, place.lon, home.name if home else None,
            tuple((p.id, p.name, p.lat, p.lon) for p in others))


def render_place_map(place: Place, neighbours: Iterable[Place], countries: Countries, *,
                     link_for: Callable[[Place], str] = sibling_link) -> Markup:
    """The place's country (with its borders' context), the place, and the chronology's
    other places inside the crop as smaller linked dots. Empty without coordinates."""
    if not place.has_coordinates:
        return Markup("")
    frame, home = _place_frame(place, countries)
    others = _others(place, neighbours, frame)
    dots = [_dot(frame, p, 4.5, "cm-near", href=link_for(p), label=p.name) for p in others]
    dots.append(_dot(frame, place, 7, "cm-dot", href=None, label=place.name))
    # The name goes on the side of the dot with more room, so it is never cut off.
    east_half = place.lon > (frame.box[0] + frame.box[2]) / 2
    label_x = frame.x(place.lon) + frame.px(-10 if east_half else 10)
    anchor = ' text-anchor="end"' if east_half else ""
    label_y = frame.y(place.lat) + frame.px(4)
    name = (f'<text class="cm-label" x="{_num(label_x)}" y="{_num(label_y)}"{anchor}'
            f' font-size="{_num(frame.px(14))}" stroke-width="{_num(frame.px(3))}"'
            f' aria-hidden="true">{escape(place.name)}</text>')
    where = f"{place.name} in {home.name}" if home else place.name
    label = f"Map of {where}" + (f", with {len(others)} other places of this chronology"
                                 if others else "")
    return Markup(_svg(frame, label, _outlines(frame, countries, home) + "".join(dots) + name))


def render_overview_map(places_with_counts: Iterable[tuple[Place, int]], countries: Countries,
                        link_for: Callable[[Place], str]) -> Markup:
    """Every place with coordinates as a dot sized by its number of events, each a link;
    places without coordinates listed below the map, never placed by guesswork."""
    rows = list(places_with_counts)
    placed = [(p, n) for p, n in rows if p.has_coordinates]
    unplaced = sorted((p for p, _ in rows if not p.has_coordinates), key=lambda p: (p.name, p.id))
    parts = []
    if placed:
        lons = [p.lon for p, _ in placed]
        lats = [p.lat for p, _ in placed]
        frame = _Frame.around((min(lons), min(lats), max(lons), max(lats)), pad=0.12, min_span=4.0)
        most = max(n for _, n in placed) or 1
        # Big dots first so the small ones drawn later stay on top and clickable.
        ordered = sorted(placed, key=lambda row: (-row[1], row[0].name, row[0].id))
        dots = [
            _dot(frame, p, 3.5 + 10.5 * math.sqrt(max(n, 0) / most), "cm-near",
                 href=link_for(p), label=f"{p.name}: {n} event{'' if n == 1 else 's'}")
            for p, n in ordered
        ]
        label = f"Map of the {len(placed)} places with coordinates, sized by number of events"
        parts.append(_svg(frame, label, _outlines(frame, countries, None) + "".join(dots)))
    if unplaced:
        items = "".join(f'<li><a href="{escape(link_for(p))}">{escape(p.name)}</a></li>'
                        for p in unplaced)
        parts.append(f'<p class="map-unplaced">Not on the map, for want of coordinates:</p>'
                     f'<ul class="map-unplaced">{items}</ul>')
    return Markup("".join(parts))
