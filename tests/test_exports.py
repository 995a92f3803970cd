"""Data exports, each read the way its users read it, checked against the content."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from chronicle.build import build
from chronicle.validate import load_checked

BASIC = Path(__file__).resolve().parent / "sites" / "basic"
ACLED_COLUMNS = ["event_date", "time_precision", "event_type", "actor1", "actor2", "admin1",
                 "location", "latitude", "longitude", "fatalities", "notes", "source"]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("exports") / "site"
    build(BASIC, out, search=False)
    return out


@pytest.fixture(scope="module")
def chronology():
    return load_checked(BASIC)[0]


def test_events_json_has_every_event_with_names_resolved(site, chronology):
    data = json.loads((site / "data" / "events.json").read_text("utf-8"))
    assert [e["id"] for e in data["events"]] == [e.id for e in chronology.events]
    aguelhok = next(e for e in data["events"] if e["id"] == "2019-01-20-aguelhok-attack")
    assert {a["name"] for a in aguelhok["actors"]} == {"JNIM", "MINUSMA"}
    assert aguelhok["killed"]["value"] == 8
    kerena = next(e for e in data["events"] if e["id"] == "2021-02-10-kerena-attack")
    assert (kerena["injured"]["low"], kerena["injured"]["high"]) == (20, 28)


def test_events_csv_has_the_acled_columns(site, chronology):
    with open(site / "data" / "events.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert set(ACLED_COLUMNS) <= set(rows[0])
    assert len(rows) == len(chronology.events)
    row = next(r for r in rows if r["event_id"] == "2019-01-20-aguelhok-attack")
    assert row["event_date"] == "2019-01-20" and row["time_precision"] == "1"
    assert (row["actor1"], row["actor2"]) == ("JNIM", "MINUSMA")  # perpetrator first
    assert (row["location"], row["admin1"], row["fatalities"]) == ("Aguelhok", "Kidal", "8")
    month = next(r for r in rows if r["event_id"] == "2018-04-aguelhok-assault")
    assert month["time_precision"] == "3"


def test_events_csv_reads_in_pandas(site, chronology):
    pandas = pytest.importorskip("pandas")
    frame = pandas.read_csv(site / "data" / "events.csv")
    assert set(ACLED_COLUMNS) <= set(frame.columns) and len(frame) == len(chronology.events)
    killed = sum(e.casualties.killed.value for e in chronology.events if e.casualties.killed)
    assert frame["fatalities"].sum() == killed


def test_geojson_is_lon_lat_and_only_located_events(site, chronology):
    data = json.loads((site / "data" / "events.geojson").read_text("utf-8"))
    places = {p.id: p for p in chronology.places}
    located = [e for e in chronology.events if e.places and places[e.places[0]].has_coordinates]
    assert [f["id"] for f in data["features"]] == [e.id for e in located]
    for feature, event in zip(data["features"], located, strict=True):
        place = places[event.places[0]]
        assert feature["geometry"]["coordinates"] == [place.lon, place.lat]


def test_geojson_opens_in_ogrinfo(site):
    if shutil.which("ogrinfo") is None:
        pytest.skip("GDAL's ogrinfo is not installed (Debian gdal-bin)")
    result = subprocess.run(["ogrinfo", "-ro", "-al", "-so", str(site / "data" / "events.geojson")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Feature Count: 2" in result.stdout


def test_timeline_json_is_what_timelinejs3_accepts(site, chronology):
    data = json.loads((site / "data" / "timeline.json").read_text("utf-8"))
    slides = data["events"]
    assert len(slides) == len(chronology.events)
    assert len({s["unique_id"] for s in slides}) == len(slides)
    for slide, event in zip(slides, chronology.events, strict=True):
        start = slide["start_date"]
        assert isinstance(start, dict) and start["year"] == event.date.year
        assert all(isinstance(start[k], int) for k in ("year", "month", "day") if k in start)
        assert ("month" in start) == (event.date.month is not None)
        assert ("day" in start) == (event.date.day is not None)
        assert start["display_date"] == event.date_label
        assert slide["text"]["headline"]
    assert data["title"]["text"]["headline"] == "Basic test chronology"
