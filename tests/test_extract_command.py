"""`chronicle extract` as a user runs it: the JSON contract, and bad input refused clearly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ARTICLES = Path(__file__).parent / "articles"
REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_6ac937b44cbb9a43.txt"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "chronicle", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def chronology(tmp_path) -> Path:
    """An empty chronology: extraction must work from the gazetteer and built-in names."""
    root = tmp_path / "chronology"
    (root / "content").mkdir(parents=True)
    return root


def test_json_contract_for_one_article(chronology):
    result = run("extract", "--json", str(SEED), cwd=chronology)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["article"] == str(SEED) and data["published"] == "2019-01-20"
    news = data["events"][0]
    for key in ("title", "date", "date_precision", "place", "places", "country", "admin1",
                "actors", "killed", "injured", "primary", "type", "evidence"):
        assert key in news
    assert (news["date"], news["place"], news["killed"], news["injured"], news["primary"]) == (
        "2019-01-20", "Aguelhok", 8, 19, True)
    assert news["country"] == "Mali" and news["admin1"] == "Kidal"


def test_json_is_a_list_for_several_articles(chronology):
    second = REPO / "seeds" / "002_f956cdac1fc7849e.txt"
    result = run("extract", "--json", "--published", "2017-08-14", str(second), str(SEED),
                 cwd=chronology)
    data = json.loads(result.stdout)
    assert [d["article"] for d in data] == [str(second), str(SEED)]
    assert data[1]["published"] == "2017-08-14"  # --published wins over the header


def test_text_output_names_dates_places_and_figures(chronology):
    result = run("extract", str(SEED), cwd=chronology)
    assert result.returncode == 0
    assert "2019-01-20" in result.stdout and "Aguelhok" in result.stdout
    assert "killed 8, injured 19" in result.stdout


def test_extract_writes_nothing(chronology):
    before = sorted(p for p in chronology.rglob("*"))
    run("extract", str(SEED), cwd=chronology)
    assert sorted(p for p in chronology.rglob("*")) == before


def bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    folder = tmp_path / "bad"
    folder.mkdir()
    files = {
        "empty": (b"", "empty"),
        "binary": (b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4, "binary"),
        "html": (b"<!doctype html><html><body><p>Gunmen attacked</p></body></html>", "HTML"),
        "french": ("Des hommes armés ont attaqué dimanche un camp de la mission de l'ONU au "
                   "Mali, tuant au moins huit casques bleus tchadiens, selon un communiqué de "
                   "la mission, qui a dénoncé une attaque complexe.".encode(), "French"),
    }
    cases = {}
    for name, (content, message) in files.items():
        path = folder / f"{name}.txt"
        path.write_bytes(content)
        cases[name] = (path, message)
    huge = folder / "huge.txt"
    with huge.open("wb") as out:
        out.write(b"Gunmen attacked the village and killed seven people. " * 200_000)
    cases["10 MB"] = (huge, "too big")
    cases["no dates"] = (ARTICLES / "no-date.txt", "no date")
    cases["no places"] = (ARTICLES / "no-place.txt", "no place")
    cases["no event"] = (ARTICLES / "no-event.txt", "no event")
    cases["missing path"] = (folder / "missing.txt", "no such file")
    return cases


@pytest.mark.parametrize("case", ["empty", "binary", "html", "french", "10 MB", "no dates",
                                  "no places", "no event", "missing path"])
def test_bad_input_gives_a_clear_message_and_exit_1(chronology, tmp_path, case):
    path, message = bad_inputs(tmp_path)[case]
    result = run("extract", "--json", str(path), cwd=chronology)
    assert result.returncode == 1
    assert message in result.stderr
    assert str(path.name) in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_a_bad_published_option_is_a_usage_error(chronology):
    result = run("extract", "--published", "20/01/2019", str(SEED), cwd=chronology)
    assert result.returncode == 1
    assert "YYYY-MM-DD" in result.stderr and "Traceback" not in result.stderr


def test_a_broken_curated_file_is_skipped_with_a_warning(chronology):
    actors = chronology / "content" / "actors"
    actors.mkdir()
    (actors / "broken.yaml").write_text("name: [unclosed\n")
    result = run("extract", "--json", str(SEED), cwd=chronology)
    assert result.returncode == 0
    assert "broken.yaml: skipped" in result.stderr
