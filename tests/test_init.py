"""`chronicle init`: a skeleton that builds at once and points editors at the schema."""

from __future__ import annotations

import json

import pytest
import yaml

from chronicle.build import build
from chronicle.cli import main
from chronicle.init import SCHEMA_FILE
from chronicle.validate import load_checked


def test_init_makes_a_chronology_that_builds_at_once(tmp_path, capsys):
    root = tmp_path / "my-chronology"
    assert main(["init", str(root)]) == 0
    assert "content/events/" in capsys.readouterr().out
    chronology, diagnostics = load_checked(root)
    assert diagnostics == []
    assert (len(chronology.events), len(chronology.actors), len(chronology.places)) == (1, 1, 1)
    report = build(root, search=False)
    event = chronology.events[0]
    assert (root / "site" / "events" / event.id / "index.html").is_file()
    assert (root / "site" / "actors" / chronology.actors[0].id / "index.html").is_file()
    assert report.events == 1 and not report.warnings


class EditorLoader(yaml.SafeLoader):
    """Reads dates as strings, as JSON-based editors (yaml-language-server) see them."""


EditorLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def test_entries_point_at_a_schema_they_satisfy(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    root = tmp_path / "c"
    main(["init", str(root)])
    schema = json.loads((root / SCHEMA_FILE).read_text())
    for kind in ("events", "actors", "places"):
        (entry,) = (root / "content" / kind).glob("*.yaml")
        first = entry.read_text().splitlines()[0]
        pointer = f"../../{SCHEMA_FILE}#/$defs/{kind[:-1]}"
        assert first == f"# yaml-language-server: $schema={pointer}"
        data = yaml.load(entry.read_text(), Loader=EditorLoader)
        validator = jsonschema.Draft202012Validator(
            {"$defs": schema["$defs"], "$ref": f"#/$defs/{kind[:-1]}"})
        assert list(validator.iter_errors(data)) == []


def test_init_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    assert main(["init", str(tmp_path / "taken")]) == 1
    assert "not empty" in capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "taken").iterdir()) == ["notes.txt"]
