"""`chronicle ingest`: drafts that check and build, idempotent, never overwriting."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from chronicle.ingest import ingest_command
from chronicle.validate import load_checked

ARTICLES = Path(__file__).parent / "articles"
REPO = Path(__file__).resolve().parent.parent

SEYTENGA = """name: Seytenga
kind: village
country: Burkina Faso
admin1: Sahel
lat: 14.19
lon: 0.45
geo_precision: exact
coordinates_source: GeoNames
"""


@pytest.fixture
def chronology(tmp_path) -> Path:
    root = tmp_path / "chronology"
    (root / "content" / "places").mkdir(parents=True)
    (root / "chronicle.yaml").write_text("title: Test chronology\n")
    (root / "content" / "places" / "seytenga.yaml").write_text(SEYTENGA)
    (root / "content" / "places" / "kurfa.yaml").write_text(
        "name: Kurfa\nkind: village\ncountry: Nigeria\nadmin1: Zamfara\n")
    articles = root / "articles"
    articles.mkdir()
    shutil.copy(ARTICLES / "seytenga.txt", articles / "seytenga.txt")
    (articles / "seytenga.txt.meta.yaml").write_text("published: 2022-06-14\n")
    shutil.copy(ARTICLES / "nigeria-two.txt", articles / "nigeria-two.txt")
    return root


def snapshot(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((root / "content").rglob("*")) if p.is_file()}


def test_ingest_writes_drafts_that_pass_check(chronology, capsys):
    assert ingest_command(chronology, [chronology / "articles"]) == 0
    out = capsys.readouterr().out
    events = sorted(p.name for p in (chronology / "content" / "events").iterdir())
    assert events == ["2021-12-05-kurfa-attack.yaml", "2021-12-05-maiduguri-explosion.yaml",
                      "2021-solhan-attack.yaml", "2022-06-11-seytenga-attack.yaml"]
    assert "wrote content/events/2022-06-11-seytenga-attack.yaml" in out
    draft = yaml.safe_load((chronology / "content/events/2022-06-11-seytenga-attack.yaml")
                           .read_text())
    assert draft["status"] == "draft" and draft["places"][0] == "seytenga"
    assert draft["casualties"] == {"killed": 79}
    assert draft["sources"][0]["file"] == "articles/seytenga.txt"
    assert any("79 people" in source["quote"] for source in draft["sources"])
    chronology_, diagnostics = load_checked(chronology)
    assert [d.format() for d in diagnostics if d.is_error] == []
    assert len(chronology_.events) == 4


def test_new_places_get_stubs_filled_from_the_gazetteer(chronology):
    ingest_command(chronology, [chronology / "articles" / "nigeria-two.txt"])
    stub = yaml.safe_load((chronology / "content/places/maiduguri.yaml").read_text())
    assert stub["country"] == "Nigeria" and stub["admin1"] == "Borno"
    assert 11 < stub["lat"] < 12.5 and 13 < stub["lon"] < 14
    assert stub["coordinates_source"].startswith("GeoNames ")


def test_ingest_twice_changes_nothing(chronology, capsys):
    ingest_command(chronology, [chronology / "articles"])
    first = snapshot(chronology)
    capsys.readouterr()
    assert ingest_command(chronology, [chronology / "articles"]) == 0
    assert snapshot(chronology) == first
    assert "already ingested" in capsys.readouterr().out


def test_the_same_article_under_another_name_is_already_ingested(chronology, capsys):
    ingest_command(chronology, [chronology / "articles" / "nigeria-two.txt"])
    first = snapshot(chronology)
    copy = chronology / "copy.txt"
    shutil.copy(chronology / "articles" / "nigeria-two.txt", copy)
    ingest_command(chronology, [copy])
    assert snapshot(chronology) == first


def test_a_hand_edit_survives_ingest_byte_for_byte(chronology):
    ingest_command(chronology, [chronology / "articles" / "seytenga.txt"])
    draft = chronology / "content/events/2022-06-11-seytenga-attack.yaml"
    edited = draft.read_bytes().replace(b"status: draft", b"status: reviewed") + b"# checked\n"
    draft.write_bytes(edited)
    ingest_command(chronology, [chronology / "articles"])
    assert draft.read_bytes() == edited


def test_an_event_like_a_curated_one_is_reported_not_written(chronology, capsys):
    events = chronology / "content" / "events"
    events.mkdir()
    (events / "seytenga-massacre.yaml").write_text(
        "title: Seytenga massacre\ndate: 2022-06-11\ntype: attack\nplaces: [seytenga]\n"
        "sources:\n  - file: elsewhere.txt\n")
    ingest_command(chronology, [chronology / "articles" / "seytenga.txt"])
    out = capsys.readouterr().out
    assert "likely a duplicate of content/events/seytenga-massacre.yaml" in out
    assert not (events / "2022-06-11-seytenga-attack.yaml").exists()
    assert (events / "2021-solhan-attack.yaml").exists()


def test_bad_articles_write_nothing_and_exit_1(chronology, tmp_path, capsys):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "page.txt").write_text("<html><head></head><body><p>x</p><div>y</div></body></html>")
    shutil.copy(ARTICLES / "no-event.txt", bad / "no-event.txt")
    before = snapshot(chronology)
    assert ingest_command(chronology, [bad, tmp_path / "missing.txt"]) == 1
    assert snapshot(chronology) == before
    err = capsys.readouterr().err
    assert "empty.txt: the file is empty" in err and "HTML" in err and "no such file" in err


def test_no_half_written_file_after_a_crash(chronology, monkeypatch):
    import chronicle.ingest as ingest

    def crash(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(ingest.os, "link", crash)
    with pytest.raises(KeyboardInterrupt):
        ingest_command(chronology, [chronology / "articles" / "seytenga.txt"])
    leftovers = [p.name for p in (chronology / "content").rglob("*") if p.is_file()]
    assert sorted(leftovers) == ["kurfa.yaml", "seytenga.yaml"]


def test_after_ingest_the_site_builds_with_the_new_events(chronology, build_site):
    ingest_command(chronology, [chronology / "articles"])
    site = build_site(chronology)
    page = site / "events" / "2022-06-11-seytenga-attack" / "index.html"
    assert page.is_file()
    assert "Seytenga" in page.read_text(encoding="utf-8")


def test_the_command_line_prints_a_summary(chronology):
    result = subprocess.run(
        [sys.executable, "-m", "chronicle", "ingest", "--root", str(chronology),
         str(chronology / "articles")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "0 skipped, 0 failed" in result.stdout
    assert "2 article(s): 4 event(s) and" in result.stdout


def test_an_article_from_outside_is_kept_in_seeds_and_cited_there(chronology, capsys):
    outside = ARTICLES / "nigeria-two.txt"
    assert ingest_command(chronology, [outside]) == 0
    copy = chronology / "seeds" / "nigeria-two.txt"
    assert copy.read_bytes() == outside.read_bytes()
    draft = yaml.safe_load(next((chronology / "content" / "events").glob("*kurfa*")).read_text())
    assert draft["sources"][0]["file"] == "seeds/nigeria-two.txt"
    _, diagnostics = load_checked(chronology)
    assert [d.format() for d in diagnostics if d.is_error] == []
    capsys.readouterr()
    ingest_command(chronology, [outside])
    assert "already ingested" in capsys.readouterr().out
