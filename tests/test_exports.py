"""Data exports, each read the way its users read it, checked against the content."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from chronicle.build import build
from chronicle.link import link
from chronicle.render import exports
from chronicle.render.markdown import plain_text
from chronicle.render.pieces import EventPieces
from chronicle.render.plaintext import plain_summary
from chronicle.render.serial import csv_line
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


# -- the exports are made of per-event pieces: same bytes as the standard encoders, and
#    a long-lived process re-makes only the pieces of what changed --------------------------

HOSTILE = Path(__file__).resolve().parent / "sites" / "hostile"


@pytest.mark.parametrize("root", [BASIC, HOSTILE], ids=["basic", "hostile"])
def test_json_exports_are_exactly_what_json_dumps_makes(root, tmp_path):
    """The pieces are written out by hand: re-encoding the parsed file with the standard
    encoder must give the same bytes, key order, escapes and numbers included."""
    out = tmp_path / "site"
    build(root, out, search=False)
    for name in ("events.json", "events.geojson", "timeline.json"):
        raw = (out / "data" / name).read_bytes()
        again = json.dumps(json.loads(raw), ensure_ascii=False, separators=(",", ":")) + "\n"
        assert raw == again.encode(), name


@pytest.mark.parametrize("root", [BASIC, HOSTILE], ids=["basic", "hostile"])
def test_events_csv_is_exactly_what_csv_writer_makes(root, tmp_path):
    out = tmp_path / "site"
    build(root, out, search=False)
    raw = (out / "data" / "events.csv").read_text("utf-8")
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    again = io.StringIO()
    csv.writer(again, lineterminator="\n").writerows(rows)
    assert raw == again.getvalue()


def test_csv_line_quotes_as_csv_writer_does():
    alphabet = ["a", "é", ",", '"', "\n", "\r", " ", ";", "\t", "1", "", "\x85"]
    rng = random.Random(7)
    reference = io.StringIO()
    writer = csv.writer(reference, lineterminator="\n")
    rows = [(None,), ("",), (1, 2.5, -0.1, None, "")]
    rows += [tuple("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
                   for _ in range(rng.randint(1, 5))) for _ in range(3000)]
    for row in rows:
        reference.seek(0)
        reference.truncate()
        writer.writerow(row)
        assert csv_line(row) == reference.getvalue(), row


SUMMARIES = [
    "Fighting near **Kidal** involved *JNIM*. Twelve were killed.\n\nThey fled.\n\n"
    "- Shops closed.\n- Roads cut.",
    "Plain words only, over two\nlines.",
    '(*a*) "**b**" *c*-d *e*, **f**; *g*: *h*? \'*i*\'',
    "a **b** c*", "**a*", "*a **b** c*", "***a***", "x*y*", "*a*b", "* a", "- - a", "-a",
    "1. first", "- 2) x", "Title\n---", "Title\n===", "    code", "line  \nbreak",
    "[link](https://example.org) and `code`", "&amp; &copy;", "<b>raw</b>", "_a_ __b__",
    "a\\*b", "# Heading", "> quote", "+ item", "- ", "", "\u00a0*a*", "*a*\u00a0b",
    "- *Anan Brigade* fled.\nLazy line.\n\n  indented",
]


def test_plain_summary_is_plain_text_on_hand_picked_summaries():
    for text in SUMMARIES:
        assert plain_summary(text) == plain_text(text), text


def test_plain_summary_is_plain_text_on_generated_summaries():
    """Random Markdown from the pieces summaries are made of, and the ones that make the
    same characters mean something else; the parser is the oracle."""
    tokens = ["word", "Kidal", "é", "5", "1.", "2)", "*", "**", " ", " ", "\n", "\n\n",
              "- ", "\n- ", "-", ".", ",", "(", ")", '"', "'", "?", ":", "\u00a0", "+",
              "=", "**Gao**", "*Mopti*", " *a b* ", " **c d**", "_", "[", "`", "&", "#"]
    rng = random.Random(3)
    for _ in range(20000):
        text = "".join(rng.choice(tokens) for _ in range(rng.randint(1, 12)))
        assert plain_summary(text) == plain_text(text), repr(text)


def _exports(linked) -> list[bytes]:
    return [exports.events_json(linked), exports.events_csv(linked),
            exports.events_geojson(linked), exports.timeline_json(linked)]


def _counting(monkeypatch) -> list[str]:
    """A fresh memo for the exports, and the ids of the events whose pieces get made."""
    monkeypatch.setattr(exports, "PIECES", EventPieces())
    made: list[str] = []
    for name in ("_json_event", "_csv_row", "_geojson_feature", "_timeline_slide"):
        original = getattr(exports, name)

        def spy(*args, original=original):
            made.append(args[-1].event.id)
            return original(*args)
        monkeypatch.setattr(exports, name, spy)
    return made


def _cold(linked) -> list[bytes]:
    """The exports from an empty memo: what a fresh `chronicle build` writes."""
    saved = exports.PIECES
    exports.PIECES = EventPieces()
    try:
        return _exports(linked)
    finally:
        exports.PIECES = saved


def test_an_edit_remakes_only_that_events_pieces(chronology, monkeypatch):
    made = _counting(monkeypatch)
    linked = link(chronology)
    first = _exports(linked)
    assert sorted(made) == sorted(e.id for e in chronology.events for _ in range(4))

    made.clear()
    assert _exports(linked) == first and made == []  # nothing changed: nothing made

    # the watch Builder's quick path: the same Linked, its events swapped for new ones
    edited = dataclasses.replace(chronology.events[1], summary="Now **rewritten** by hand.",
                                 title="A new title")
    events = list(linked.events)
    events[1] = edited
    linked.events = tuple(events)
    after = _exports(linked)
    assert made == [edited.id] * 4
    assert after == _cold(linked) and after != first
    assert b"A new title" in after[0] and b"rewritten" in after[1]


def test_renamed_actor_remakes_the_events_naming_it(chronology, monkeypatch):
    made = _counting(monkeypatch)
    _exports(link(chronology))
    made.clear()
    actor = next(a for a in chronology.actors if a.name == "JNIM")
    renamed = dataclasses.replace(actor, name="Jama'at Nusrat al-Islam")
    changed = dataclasses.replace(
        chronology, actors=tuple(renamed if a is actor else a for a in chronology.actors))
    linked = link(changed)
    after = _exports(linked)
    naming = {e.id for e in chronology.events if any(r.actor == actor.id for r in e.actors)}
    assert naming and set(made) == naming
    assert after == _cold(linked)
    assert "Jama'at Nusrat al-Islam" in after[1].decode()


def test_removed_events_are_dropped_from_the_exports_and_the_memo(chronology, monkeypatch):
    _counting(monkeypatch)
    _exports(link(chronology))
    kept = chronology.events[:2]
    linked = link(dataclasses.replace(chronology, events=kept))
    after = _exports(linked)
    assert after == _cold(linked)
    assert [e["id"] for e in json.loads(after[0])["events"]] == [e.id for e in kept]
    assert len(exports.PIECES._by_id) == len(kept)  # memory held: the events rendered last
