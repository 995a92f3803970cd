"""`chronicle schema`: a valid JSON Schema that accepts every real entry and refuses the
broken fixtures whose mistake is one of shape (unknown key, wrong type, bad value)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from chronicle.cli import main
from chronicle.content import entries
from chronicle.schema import entry_schema

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
KIND_OF_FOLDER = {"events": "event", "actors": "actor", "places": "place"}


def as_json(value: object) -> object:
    """What an editor's YAML reader hands the schema: dates as the text written."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value


def validator(kind: str) -> jsonschema.Draft202012Validator:
    schema = entry_schema() | {"$ref": f"#/$defs/{kind}"}
    del schema["anyOf"]
    return jsonschema.Draft202012Validator(schema)


def entry_files(pattern: str, root: Path) -> list[tuple[Path, str]]:
    """Entry files under `root` matching `pattern` (with {folder} for events/actors/places)."""
    found = []
    for folder, kind in KIND_OF_FOLDER.items():
        for path in sorted(root.glob(pattern.format(folder=folder))):
            found.append((path, kind))
    return found


def read(path: Path) -> object:
    return as_json(yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader))


VALID_ENTRIES = (entry_files("content/{folder}/*.yaml", REPO)
                 + entry_files("**/content/{folder}/*.yaml", TESTS / "sites"))


def test_the_schema_is_valid_2020_12():
    jsonschema.Draft202012Validator.check_schema(entry_schema())


def test_schema_keys_are_the_loaders_keys():
    defs = entry_schema()["$defs"]
    assert set(defs["event"]["properties"]) == set(entries.EVENT_KEYS)
    assert set(defs["actor"]["properties"]) == set(entries.ACTOR_KEYS)
    assert set(defs["place"]["properties"]) == set(entries.PLACE_KEYS)
    source = defs["event"]["properties"]["sources"]["items"]
    assert set(source["properties"]) == set(entries.SOURCE_KEYS)
    casualties = defs["event"]["properties"]["casualties"]["anyOf"][0]
    assert set(casualties["properties"]) == set(entries.CASUALTY_KEYS)


def test_the_command_prints_the_schema(capsys):
    assert main(["schema"]) == 0
    printed = capsys.readouterr().out
    assert json.loads(printed) == entry_schema()
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == printed  # byte-identical from run to run


@pytest.mark.skipif(not VALID_ENTRIES, reason="no entries yet under content/ or tests/sites/")
@pytest.mark.parametrize(("path", "kind"), VALID_ENTRIES,
                         ids=[str(p.relative_to(REPO)) for p, _ in VALID_ENTRIES])
def test_every_real_entry_validates(path, kind):
    errors = [e.message for e in validator(kind).iter_errors(read(path))]
    assert errors == []


@pytest.mark.parametrize("text", [
    "title: A\ndate: 2019\ntype: attack\n",
    "title: A\ndate: 2019-01\ntype: attack\nend_date:\n",
    "title: A\ndate: '2019-01-20'\ntype: attack\n",
    "title: A\ndate: 2019-01-20\ntype: attack\n",
    "title: A\ndate: -44\ntype: attack\n",
    "title: A\ndate: 44 BCE\ntype: attack\n",
    "title: A\ndate: 2019\ntype: attack\ncasualties: {killed: {low: 20, high: 28}, injured: 0}\n",
])
def test_yaml_readings_of_dates_and_figures_pass(text):
    assert list(validator("event").iter_errors(as_json(yaml.safe_load(text)))) == []


#: broken fixtures whose mistake the schema can see, and the file that holds it
SHAPE_MISTAKES = {
    "unknown-key": "content/events/2019-01-20-aguelhok.yaml",
    "wrong-type": "content/events/2019-01-20-aguelhok.yaml",
    "negative-figure": "content/events/2019-01-20-aguelhok.yaml",
    "unknown-vocabulary": "content/events/2019-01-20-aguelhok.yaml",
    "unsafe-link": "content/actors/minusma.yaml",
    "coordinates-out-of-range": "content/places/aguelhok.yaml",
    "many-errors": "content/events/2019-01-20-aguelhok.yaml",
}


@pytest.mark.parametrize(("case", "rel"), sorted(SHAPE_MISTAKES.items()))
def test_shape_mistakes_fail_the_schema(case, rel):
    path = TESTS / "sites_invalid" / case / rel
    kind = KIND_OF_FOLDER[path.parent.name]
    assert list(validator(kind).iter_errors(read(path))) != []
    assert not jsonschema.Draft202012Validator(entry_schema()).is_valid(read(path))
