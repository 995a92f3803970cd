"""Each data export opened by the program its users open it with, not read back by Chronicle:
timeline.json in TimelineJS3 (in Chromium), events.geojson in GDAL's ogrinfo (what QGIS
uses), events.csv in pandas, and the content entries in check-jsonschema against
`chronicle schema`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import NODE_MODULES, REPO, import_tool, require_tool

from chronicle.validate import load_checked

ACLED_COLUMNS = ("event_date", "time_precision", "event_type", "actor1", "actor2", "admin1",
                 "location", "latitude", "longitude", "fatalities", "notes", "source")
TIMELINEJS = NODE_MODULES / "@knight-lab" / "timelinejs" / "dist"
TIMELINE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>TimelineJS3 embedding</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="_timelinejs/css/timeline.css">
<script src="_timelinejs/js/timeline.js"></script></head>
<body><div id="timeline" style="width: 1100px; height: 650px"></div>
<script>window.timeline = new TL.Timeline("timeline", "data/timeline.json",
  {script_path: new URL("_timelinejs/js/", document.baseURI).href, hash_bookmark: false,
   font: null});</script>
</body></html>
"""


@pytest.fixture(scope="module")
def chronology():
    """The chronology the sample site was built from, as Chronicle reads it (the oracle)."""
    loaded, diagnostics = load_checked(REPO)
    assert not [d for d in diagnostics if d.is_error], [d.format() for d in diagnostics]
    return loaded


def event_places(chronology) -> list:
    """The place each event happened at (its first), for events whose place has coordinates."""
    places = {place.id: place for place in chronology.places}
    located = [places.get(event.places[0]) for event in chronology.events if event.places]
    return [place for place in located if place is not None and place.has_coordinates]


@pytest.mark.browser
def test_timelinejs_renders_a_slide_per_event(sample_site, tmp_path, http_server, watched_page,
                                              chronology):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    require_tool(TIMELINEJS.is_dir(), f"{TIMELINEJS} is missing (npm ci --prefix tests)")
    site = tmp_path / "site"
    shutil.copytree(sample_site, site)  # embedded at the site's root: media URLs resolve there
    shutil.copytree(TIMELINEJS, site / "_timelinejs")
    (site / "timelinejs.html").write_text(TIMELINE_PAGE, encoding="utf-8")

    watch = watched_page()
    page = watch.page
    page.goto(http_server(site, "/chronicle/") + "timelinejs.html")
    try:  # slides, or a message other than "Loading" (TimelineJS's way to refuse a file)
        page.wait_for_function("""document.querySelector('.tl-slide') ||
            [...document.querySelectorAll('.tl-message-content')]
                .some(n => n.textContent.trim() && !n.textContent.startsWith('Loading'))""")
    except PlaywrightTimeout:
        pytest.fail(f"TimelineJS is stuck at 'Loading' on timeline.json: {watch.problems}")
    message = page.locator(".tl-message-content")
    assert page.locator(".tl-slide").count() > 0, \
        f"TimelineJS refused timeline.json: {message.first.text_content()}"

    headlines = page.eval_on_selector_all(
        ".tl-slide:not(.tl-slide-titleslide) .tl-headline", "nodes => nodes.map(n => n.textContent)"
    )
    titles = [event.title for event in chronology.events]
    assert len(headlines) == len(titles), f"{len(headlines)} slides for {len(titles)} events"
    assert sorted(h.strip() for h in headlines) == sorted(titles)
    watch.assert_clean()


def test_ogrinfo_reads_every_located_event_in_lon_lat_order(sample_site, chronology):
    require_tool(shutil.which("ogrinfo") is not None,
                 "ogrinfo is missing (apt-get install gdal-bin)")
    result = subprocess.run(
        ["ogrinfo", "-ro", "-al", "-so", str(sample_site / "data" / "events.geojson")],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, f"ogrinfo cannot open events.geojson:\n{result.stderr}"
    summary = result.stdout
    located = event_places(chronology)
    assert located, "no event in the sample chronology has a place with coordinates"

    count = re.search(r"^Feature Count: (\d+)$", summary, re.MULTILINE)
    assert count and int(count.group(1)) == len(located), summary
    assert re.search(r"^Geometry: (3D )?Point$", summary, re.MULTILINE), summary

    extent = re.search(r"^Extent: \(([-\d.]+), ([-\d.]+)\) - \(([-\d.]+), ([-\d.]+)\)$",
                       summary, re.MULTILINE)
    assert extent, summary
    west, south, east, north = map(float, extent.groups())
    expected = (min(p.lon for p in located), min(p.lat for p in located),
                max(p.lon for p in located), max(p.lat for p in located))
    assert (west, south, east, north) == pytest.approx(expected, abs=1e-5), \
        "GDAL reads other coordinates than the places': [lat, lon] instead of [lon, lat]?"


def test_pandas_reads_events_csv_with_acled_columns(sample_site, chronology):
    pandas = import_tool("pandas")
    frame = pandas.read_csv(sample_site / "data" / "events.csv")
    missing = [column for column in ACLED_COLUMNS if column not in frame.columns]
    assert not missing, f"events.csv lacks the ACLED columns {missing}; has {list(frame.columns)}"
    assert not [c for c in frame.columns if str(c).startswith("Unnamed")], list(frame.columns)
    assert len(frame) == len(chronology.events)

    assert pandas.api.types.is_numeric_dtype(frame["fatalities"])
    killed = sum(e.casualties.killed.value for e in chronology.events if e.casualties.killed)
    assert frame["fatalities"].fillna(0).sum() == killed
    for column, bound in (("latitude", 90), ("longitude", 180)):
        assert pandas.api.types.is_numeric_dtype(frame[column]), column
        assert frame[column].dropna().abs().le(bound).all(), column
    assert frame["latitude"].notna().sum() >= len(event_places(chronology))
    assert frame["event_date"].notna().all() and frame["event_type"].notna().all()


def check_jsonschema() -> list[str]:
    if shutil.which("check-jsonschema"):
        return ["check-jsonschema"]
    import_tool("check_jsonschema")
    return [sys.executable, "-m", "check_jsonschema"]


@pytest.fixture(scope="module")
def kind_schemas(tmp_path_factory) -> dict[str, Path]:
    """`chronicle schema` split into one schema file per entry kind, as an editor would use it."""
    printed = subprocess.run([sys.executable, "-m", "chronicle", "schema"],
                             capture_output=True, text=True, check=False)
    assert printed.returncode == 0, printed.stderr
    schema = json.loads(printed.stdout)
    definitions = schema.get("$defs", {})
    folder = tmp_path_factory.mktemp("schemas")
    files = {}
    for kind in ("event", "actor", "place"):
        name = next((key for key in definitions if key.lower() == kind), None)
        assert name, f"`chronicle schema` has no $defs entry for {kind}: {sorted(definitions)}"
        one = {key: schema[key] for key in ("$schema", "$id") if key in schema}
        one.update({"$defs": definitions, "$ref": f"#/$defs/{name}"})
        files[kind] = folder / f"{kind}.schema.json"
        files[kind].write_text(json.dumps(one), encoding="utf-8")
    return files


@pytest.mark.parametrize("kind", ["event", "actor", "place"])
def test_content_entries_pass_check_jsonschema(kind, kind_schemas):
    command = check_jsonschema()
    entries = sorted((REPO / "content" / f"{kind}s").glob("*.yaml"))
    assert entries, f"content/{kind}s/ is empty"
    result = subprocess.run([*command, "--schemafile", str(kind_schemas[kind]), *map(str, entries)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_jsonschema_rejects_an_unknown_key(kind_schemas, tmp_path):
    """The schema is strict like the loader: a misspelt key is caught while typing."""
    command = check_jsonschema()
    entry = sorted((REPO / "content" / "events").glob("*.yaml"))[0]
    typo = tmp_path / entry.name
    typo.write_text(entry.read_text("utf-8") + "\ntitel: a misspelt key\n", encoding="utf-8")
    result = subprocess.run([*command, "--schemafile", str(kind_schemas["event"]), str(typo)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1, result.stdout + result.stderr
