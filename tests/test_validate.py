"""`chronicle check` on broken chronologies: every problem, its place, code and hint.

Each folder in tests/sites_invalid/ is one tiny chronology with one kind of mistake (or
several at once) and an `expected.txt` holding the exact text `chronicle check` prints.
After a deliberate change of wording, regenerate them all with
`CHRONICLE_REGENERATE=1 pytest tests/test_validate.py` and review the diff.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from chronicle.cli import ChronicleError, main
from chronicle.diagnostics import ContentError
from chronicle.validate import load_checked, load_valid

INVALID = Path(__file__).resolve().parent / "sites_invalid"
CASES = sorted(p.name for p in INVALID.iterdir() if p.is_dir())
REGENERATE = os.environ.get("CHRONICLE_REGENERATE") == "1"


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


MINUSMA = "name: MINUSMA\naliases: [UN mission in Mali]\nkind: un-mission\n"
AGUELHOK = "name: Aguelhok\naliases: [\"Aguel'hok\"]\nkind: town\nlat: 19.46\nlon: 0.85\n"
SOURCE = "sources:\n  - url: https://example.org/a\n    quote: It happened.\n"


def event(date: str, *extra: str) -> str:
    return f"title: Something at {date}\ndate: {date}\ntype: attack\n" + "".join(extra) + SOURCE


@pytest.mark.parametrize("case", CASES)
def test_check_lists_every_error_exactly(case, capsys):
    root = INVALID / case
    code = main(["check", "--root", str(root)])
    printed = capsys.readouterr()
    expected = root / "expected.txt"
    if REGENERATE:
        expected.write_text(printed.err, encoding="utf-8")
    assert code == 1
    assert printed.err == expected.read_text(encoding="utf-8")
    assert "Traceback" not in printed.err + printed.out


@pytest.mark.parametrize("case", CASES)
def test_load_valid_refuses_every_broken_chronology(case):
    """`build` goes through load_valid: every error above must stop it."""
    with pytest.raises(ContentError) as raised:
        load_valid(INVALID / case)
    assert any(d.is_error for d in raised.value.diagnostics)


def test_module_entry_point_prints_no_traceback():
    root = INVALID / "many-errors"
    result = subprocess.run([sys.executable, "-m", "chronicle", "check", "--root", str(root)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr == (root / "expected.txt").read_text(encoding="utf-8")


def test_a_clean_chronology_passes(tmp_path, capsys):
    root = write(tmp_path, {
        "content/actors/minusma.yaml": MINUSMA,
        "content/places/aguelhok.yaml": AGUELHOK,
        "content/events/a.yaml": event("2019-01-20", "actors: [minusma]\n", "places: [aguelhok]\n"),
    })
    assert main(["check", "--root", str(root)]) == 0
    assert capsys.readouterr().err == "0 error(s), 0 warning(s) in 1 events, 1 actors, 1 places.\n"


def test_warnings_fail_only_with_strict(tmp_path, capsys):
    root = write(tmp_path, {
        "content/places/kidal.yaml": "name: Kidal\nkind: town\n",
        "content/events/a.yaml": "title: A\ndate: 2019\ntype: attack\nplaces: [Kidal]\n",
    })
    assert main(["check", "--root", str(root)]) == 0
    err = capsys.readouterr().err
    assert "content/places/kidal.yaml:1:1: warning: place 'kidal' has no coordinates" in err
    assert "content/events/a.yaml:1:1: warning: reviewed event 'a' cites no source" in err
    assert main(["check", "--root", str(root), "--strict"]) == 1


def test_a_missing_folder_is_a_plain_error(tmp_path, capsys):
    assert main(["check", "--root", str(tmp_path / "nowhere")]) == 1
    assert capsys.readouterr().err.startswith("error: no chronology folder at ")
    with pytest.raises(ChronicleError, match="no content folder"):
        load_checked(tmp_path)


def test_references_become_canonical_ids(tmp_path):
    root = write(tmp_path, {
        "content/actors/minusma.yaml": MINUSMA,
        "content/actors/jnim.yaml": "name: JNIM\naliases: [GSIM, Support Group for Islam and "
                                    "Muslims]\naffiliations: [Al-Qaïda]\n",
        "content/actors/al-qaida.yaml": "name: Al-Qaida\n",
        "content/places/aguelhok.yaml": AGUELHOK,
        "content/events/a.yaml": event(
            "2019-01-20",
            "actors:\n  - {actor: un mission in mali, role: target}\n  - gsim\n"
            "  - {actor: Support group for Islam and Muslims, role: claimant}\n",
            "places: [\"AGUEL’HOK\"]\n",
            "casualties:\n  by_side:\n    - {actor: MINUSMA, killed: 10}\n"),
    })
    chronology, diagnostics = load_checked(root)
    assert diagnostics == []
    (linked,) = chronology.events
    assert [(ref.actor, ref.role.value) for ref in linked.actors] == [
        ("minusma", "target"), ("jnim", "associated"), ("jnim", "claimant")]
    assert linked.places == ("aguelhok",)
    assert linked.casualties.by_side[0].actor == "minusma"
    actors = {actor.id: actor for actor in chronology.actors}
    assert actors["jnim"].affiliations == ("al-qaida",)


def test_events_are_sorted_by_date_then_id(tmp_path):
    root = write(tmp_path, {
        "content/events/b.yaml": event("2019-01-20"),
        "content/events/a.yaml": event("2019-01-20"),
        "content/events/c.yaml": event("2019"),
        "content/events/d.yaml": event("-44"),
        "content/events/e.yaml": event("2018-12"),
    })
    chronology, diagnostics = load_checked(root)
    assert diagnostics == []
    assert [e.id for e in chronology.events] == ["d", "e", "c", "a", "b"]


def test_drafts_are_left_out_when_asked(tmp_path):
    root = write(tmp_path, {
        "content/events/kept.yaml": event("2019"),
        "content/events/draft.yaml": event("2019", "status: draft\n"),
    })
    assert len(load_checked(root)[0].events) == 2
    assert [e.id for e in load_checked(root, drafts=False)[0].events] == ["kept"]
    write(root, {"chronicle.yaml": "drafts: false\n"})
    assert [e.id for e in load_checked(root)[0].events] == ["kept"]
    assert len(load_checked(root, drafts=True)[0].events) == 2


def test_file_stems_become_slugs(tmp_path):
    root = write(tmp_path, {"content/places/Ségou Region.yaml": "name: Ségou\nlat: 13\nlon: -6\n"})
    (place,) = load_checked(root)[0].places
    assert place.id == "segou-region"
    assert place.path == "content/places/Ségou Region.yaml"


def test_config_is_read_and_used(tmp_path):
    root = write(tmp_path, {
        "chronicle.yaml": "title: Mali\nsite_url: https://example.org/chronicle\n"
                          "event_types: [raid]\ncontent_dir: entries\n",
        "entries/events/a.yaml": event("2019-01-20").replace("type: attack", "type: raid"),
    })
    chronology, diagnostics = load_checked(root)
    assert diagnostics == []
    assert chronology.config.title == "Mali"
    assert chronology.config.base_path == "/chronicle/"
    assert [e.type for e in chronology.events] == ["raid"]


def test_marks_point_at_each_value(tmp_path):
    root = write(tmp_path, {
        "content/actors/minusma.yaml": MINUSMA,
        "content/events/a.yaml": event("2019-01-20",
                                       "actors:\n  - {actor: minusma, role: target}\n"),
    })
    (linked,) = load_checked(root)[0].events
    assert str(linked.marks["date"]) == "content/events/a.yaml:2:7"
    assert str(linked.marks["actors.0.role"]) == "content/events/a.yaml:5:28"


def test_yaml_readings_of_dates_and_figures(tmp_path):
    root = write(tmp_path, {
        "content/events/a.yaml": event("2017", "end_date: '2017-03'\n",
                                       "casualties:\n  killed: {best: 10, low: 8, high: 13}\n"
                                       "  injured: 0\n"),
        "content/events/b.yaml": event("2019-01-20", "end_date: 2019-01-21\n"),
    })
    chronology, diagnostics = load_checked(root)
    assert diagnostics == []
    a, b = chronology.events
    assert (a.date.iso(), a.end_date.iso()) == ("2017", "2017-03")
    assert a.casualties.killed.format() == "10 (8–13)"
    assert a.casualties.injured.value == 0
    assert b.end_date.format() == "21 January 2019"


def test_one_missing_actor_named_by_many_events_is_reported_at_each(tmp_path):
    files = {f"content/events/e{i}.yaml": event("2019", "actors: [minusmaa]\n") for i in range(30)}
    root = write(tmp_path, {"content/actors/minusma.yaml": MINUSMA, **files})
    _, diagnostics = load_checked(root)
    assert len(diagnostics) == 30
    assert {d.message for d in diagnostics} == {
        "unknown actor 'minusmaa' (did you mean 'minusma'?)"}


@pytest.mark.parametrize("written", ["../../etc/passwd", "/etc/passwd", "C:\\seeds\\a.txt"])
def test_source_files_stay_inside_the_chronology(tmp_path, written):
    root = write(tmp_path, {"content/events/a.yaml": "title: A\ndate: 2019\ntype: attack\n"
                                                     f"sources: [{{file: '{written}'}}]\n"})
    _, diagnostics = load_checked(root)
    assert [d.format().split("\n")[0] for d in diagnostics] == [
        f"content/events/a.yaml:4:18: error: the source file '{written}' is outside the "
        "chronology [path.outside]"]


def test_a_missing_source_file_is_a_warning(tmp_path):
    root = write(tmp_path, {"content/events/a.yaml": "title: A\ndate: 2019\ntype: attack\n"
                                                     "sources: [{file: seeds/gone.txt}]\n"})
    (tmp_path / "seeds").mkdir()
    _, diagnostics = load_checked(root)
    assert [d.format().split("\n")[0] for d in diagnostics] == [
        "content/events/a.yaml:4:18: warning: the source file 'seeds/gone.txt' does not exist "
        "[source.file]"]
    (tmp_path / "seeds/gone.txt").write_text("back")
    assert load_checked(root)[1] == []
