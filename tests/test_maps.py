"""Maps: the shipped outlines, the place map and the overview, checked as a reader would."""

from __future__ import annotations

import gzip
import json
import re

from chronicle.model import Place
from chronicle.render.maps import (
    DEFAULT_DATA,
    load_countries,
    render_overview_map,
    render_place_map,
)


def place(id_, name, lat=None, lon=None, country="Mali") -> Place:
    return Place(id_, name, f"content/places/{id_}.yaml", country=country, lat=lat, lon=lon)


AGUELHOK = place("aguelhok", "Aguelhok", 19.46, 0.86)
KIDAL = place("kidal", "Kidal", 18.44, 1.41)
BAMAKO = place("bamako", "Bamako", 12.65, -8.0)
PARIS = place("paris", "Paris", 48.86, 2.35, country="France")
NOWHERE = place("ber", "Ber")


def dots(svg: str) -> list[tuple[str, str]]:
    return re.findall(r'<a href="([^"]+)" aria-label="([^"]+)">', svg)


def test_shipped_outlines_name_their_source_and_are_compact():
    data = json.loads(gzip.decompress(DEFAULT_DATA.read_bytes()))
    assert "Natural Earth" in data["source"] and "public domain" in data["licence"]
    assert len(data["countries"]) > 170
    assert DEFAULT_DATA.stat().st_size < 150_000
    source_note = (DEFAULT_DATA.parent / "SOURCE.md").read_text()
    assert "public domain" in source_note and "python -m chronicle.natural_earth" in source_note


def test_countries_are_found_by_name_and_iso_code():
    countries = load_countries()
    assert countries.find("Mali").name == "Mali"
    assert countries.find("mli").name == "Mali"
    assert countries.find("ML").name == "Mali"
    assert countries.find("Republic of Mali").name == "Mali"
    assert countries.find("Atlantis") is None
    west, south, east, north = countries.find("Mali").bbox
    assert west < AGUELHOK.lon < east and south < AGUELHOK.lat < north


def test_place_map_shows_country_place_and_linked_neighbours_inside_the_crop():
    svg = str(render_place_map(AGUELHOK, [KIDAL, BAMAKO, PARIS, AGUELHOK, NOWHERE],
                               load_countries()))
    assert svg.count('class="cm-home"') == 1
    assert 'aria-label="Map of Aguelhok in Mali, with 2 other places' in svg
    assert dots(svg) == [("../bamako/index.html", "Bamako"), ("../kidal/index.html", "Kidal")]
    assert "Paris" not in svg, "a place outside the country's crop is not drawn"
    assert '<title>Aguelhok</title>' in svg and "../aguelhok/" not in svg
    assert svg.count('class="cm-land"') >= 5, "neighbouring countries give context"


def test_dots_sit_where_their_coordinates_say():
    svg = str(render_place_map(AGUELHOK, [BAMAKO], load_countries()))
    squeeze = float(re.search(r'transform="scale\(([\d.]+) 1\)"', svg).group(1))
    cx, cy = re.search(r'<circle class="cm-near" cx="([-\d.]+)" cy="([-\d.]+)"', svg).groups()
    assert abs(float(cx) / squeeze - BAMAKO.lon) < 0.02
    assert abs(-float(cy) - BAMAKO.lat) < 0.01
    x, y, width, height = map(float, re.search(r'viewBox="([^"]+)"', svg).group(1).split())
    assert x < float(cx) < x + width and y < float(cy) < y + height


def test_place_without_coordinates_gets_no_map():
    assert str(render_place_map(NOWHERE, [KIDAL], load_countries())) == ""


def test_overview_sizes_dots_by_events_and_lists_places_without_coordinates():
    rows = [(KIDAL, 1), (BAMAKO, 9), (AGUELHOK, 4), (NOWHERE, 2)]
    html = str(render_overview_map(rows, load_countries(), lambda p: f"{p.id}/index.html"))
    assert dots(html) == [("bamako/index.html", "Bamako: 9 events"),
                          ("aguelhok/index.html", "Aguelhok: 4 events"),
                          ("kidal/index.html", "Kidal: 1 event")]
    radii = {label: float(r) for label, r in re.findall(
        r'aria-label="([^":]+):[^"]*"><circle[^>]* r="([\d.]+)"', html)}
    assert radii["Bamako"] > radii["Aguelhok"] > radii["Kidal"]
    assert 'Not on the map' in html and '<a href="ber/index.html">Ber</a>' in html


def test_map_output_is_deterministic_and_escaped():
    hostile = place("x", '<script>alert(1)</script>', 14.0, -4.0)
    first = str(render_place_map(hostile, [KIDAL, BAMAKO], load_countries()))
    second = str(render_place_map(hostile, [BAMAKO, KIDAL], load_countries()))
    assert first == second
    assert "<script>" not in first and "&lt;script&gt;" in first
