"""Reading files: YAML with a place for every node, ids from file names, typed keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chronicle.content.load import entry_files, load_content
from chronicle.content.slug import name_key, slugify
from chronicle.content.yamlfile import read_document


def read(tmp_path: Path, text: str | bytes, name: str = "x.yaml"):
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return read_document(path, f"content/events/{name}")


def messages(diagnostics) -> list[str]:
    return [d.format().split("\n")[0] for d in diagnostics]


# -- the YAML reader ------------------------------------------------------------------------

def test_values_keep_their_yaml_types(tmp_path):
    document, problems = read(tmp_path, "a: 2019\nb: 2019-01-20\nc: '2019-01-20'\nd: yes\n"
                                        "e: ~\nf: 1.5\ng: [x, 'y']\nh: {i: j}\nk: No way\n")
    assert problems == []
    import datetime
    assert document.data == {"a": 2019, "b": datetime.date(2019, 1, 20), "c": "2019-01-20",
                             "d": True, "e": None, "f": 1.5, "g": ["x", "y"], "h": {"i": "j"},
                             "k": "No way"}


def test_every_key_and_value_has_its_place(tmp_path):
    document, _ = read(tmp_path, "title: Ségou\nactors:\n  - {actor: fama, role: target}\n")
    assert str(document.values["title"]) == "content/events/x.yaml:1:8"
    assert str(document.keys["actors"]) == "content/events/x.yaml:2:1"
    assert str(document.values["actors.0.role"]) == "content/events/x.yaml:3:25"
    assert str(document.mark("actors.0.missing")) == "content/events/x.yaml:3:5"


def test_duplicate_keys_are_errors_at_any_depth(tmp_path):
    document, problems = read(tmp_path, "a:\n  b: 1\n  b: 2\nc: 1\nc: 2\n")
    assert messages(problems) == [
        "content/events/x.yaml:3:3: error: duplicate key 'b' (first written on line 2) "
        "[yaml.duplicate-key]",
        "content/events/x.yaml:5:1: error: duplicate key 'c' (first written on line 4) "
        "[yaml.duplicate-key]",
    ]
    assert document.data == {"a": {"b": 1}, "c": 1}  # the first, not silently the last


def test_keys_equal_as_values_are_duplicates(tmp_path):
    """YAML reads `1` and `true` as equal keys (1 == True): the second is a duplicate."""
    document, problems = read(tmp_path, "1: a\ntrue: b\n")
    assert messages(problems) == [
        "content/events/x.yaml:2:1: error: duplicate key 'True' (first written on line 1) "
        "[yaml.duplicate-key]"]
    assert document.data == {1: "a"}


def test_an_alias_gives_the_anchored_value_and_its_place(tmp_path):
    document, problems = read(tmp_path, "a: &x [1, two]\nb: *x\nc: {*x : 1}\n")
    assert document.data == {"a": [1, "two"], "b": [1, "two"], "c": {}}
    assert str(document.values["b.1"]) == str(document.values["a.1"]) == (
        "content/events/x.yaml:1:11")
    assert messages(problems) == [
        "content/events/x.yaml:1:4: error: a key must be plain text, not a list [yaml.key]"]


def _composed_marks(text: str) -> dict[str, str]:
    """Every value's dotted path and line:column as PyYAML's own composer places them."""
    marks: dict[str, str] = {}

    def walk(node: yaml.Node, path: str) -> None:
        marks.setdefault(path, f"{node.start_mark.line + 1}:{node.start_mark.column + 1}")
        prefix = f"{path}." if path else ""
        if isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, f"{prefix}{index}")
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                walk(value, f"{prefix}{yaml.load(yaml.serialize(key), Loader=BASE)}")

    walk(yaml.compose(text, Loader=BASE), "")
    return marks


_scalars = st.sampled_from(["a", "b c", "1", "-2.5", "yes", "~", "2019-01-20", "'q'", '"1"',
                            "!!str 2", "!!int x"])
_keys = st.sampled_from(["a", "b", "c", "title", "1", "2019-01-20", "'q'"])
_nodes = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda items: f"[{', '.join(items)}]"),
        st.dictionaries(_keys, inner, max_size=4).map(
            lambda pairs: "{" + ", ".join(f"{k}: {v}" for k, v in pairs.items()) + "}")),
    max_leaves=12)


@given(st.dictionaries(_keys, _nodes, min_size=1, max_size=5),
       st.sampled_from(["", "&x ", "&y "]), st.booleans())
@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_documents_read_as_pyyaml_composes_and_loads_them(tmp_path, pairs, anchor, alias):
    """Values as PyYAML's safe loader makes them, each mark where its composer puts the
    node; an alias gives the anchored node again, with the anchored node's marks."""
    lines = [f"{key}: {anchor if i == 0 else ''}{value}" for i, (key, value)
             in enumerate(pairs.items())]
    if alias and anchor:
        lines.append(f"zz: *{anchor[1:].strip()}")
    text = "\n".join(lines) + "\n"
    document, problems = read(tmp_path, text)
    if problems:  # a value its tag cannot make (PyYAML raises)
        assert {d.code for d in problems} == {"yaml.tag"}
        return
    assert repr(document.data) == repr(yaml.load(text, Loader=BASE))
    expected = _composed_marks(text)
    assert {path: f"{m.line}:{m.column}" for path, m in document.values.items()
            if path in expected} == expected


def test_malformed_yaml_points_at_the_problem(tmp_path):
    document, problems = read(tmp_path, "title: x\nplaces: [kidal\n")
    assert document is None
    assert messages(problems) == [
        "content/events/x.yaml:3:1: error: malformed YAML: did not find expected ',' or ']' "
        "(while parsing a flow sequence at line 2) [yaml.syntax]"]


def test_not_utf8_names_the_line_and_column(tmp_path):
    document, problems = read(tmp_path, "title: ok\nplace: S\xe9gou\n".encode("latin-1"))
    assert document is None
    assert messages(problems) == [
        "content/events/x.yaml:2:9: error: the file is not UTF-8 (byte 0xe9 at offset 18) "
        "[file.encoding]"]


@pytest.mark.parametrize(("text", "message"), [
    ("", "the file is empty"),
    ("  \n\n", "the file is empty"),
    ("# just a comment\n", "the file holds only comments"),
])
def test_empty_files(tmp_path, text, message):
    document, problems = read(tmp_path, text)
    assert document is None
    assert messages(problems) == [f"content/events/x.yaml:1:1: error: {message} [file.empty]"]


def test_a_byte_order_mark_is_fine(tmp_path):
    document, problems = read(tmp_path, "\ufefftitle: x\n")
    assert (document.data, problems) == ({"title": "x"}, [])


@pytest.mark.parametrize(("text", "expected"), [
    ("a: 1\n---\nb: 2\n",
     "x.yaml:2:1: error: a second YAML document starts here ('---') [yaml.syntax]"),
    ("a: !python/object x\n",
     "x.yaml:1:4: error: unsupported YAML tag '!python/object' [yaml.tag]"),
    ("a: &x [1, *x]\n",
     "x.yaml:1:1: error: an alias refers to a node that contains it [yaml.syntax]"),
    ("b: &b {x: 1}\nc:\n  <<: *b\n",
     "x.yaml:3:3: error: merge keys (<<) are not supported [yaml.key]"),
    ("? [a, b]\n: 1\n", "x.yaml:1:3: error: a key must be plain text, not a list [yaml.key]"),
])
def test_yaml_features_an_entry_has_no_use_for(tmp_path, text, expected):
    _, problems = read(tmp_path, text)
    assert messages(problems) == [f"content/events/{expected}"]


# -- ids ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("stem", "slug"), [
    ("2019-01-20-aguelhok-camp-attack", "2019-01-20-aguelhok-camp-attack"),
    ("Aguelhok Camp", "aguelhok-camp"),
    ("Ségou_Région", "segou-region"),
    ("../../x", "x"),
    ("a..b", "a-b"),
    ("--x--", "x"),
    ("___", ""),
    ("日本", ""),
])
def test_slugs_are_lowercase_ascii_and_never_leave_their_folder(stem, slug):
    assert slugify(stem) == slug


def test_name_keys_ignore_case_accents_and_punctuation():
    assert name_key("Aguel’hok") == name_key("AGUEL-HOK") == name_key("aguel hok")
    assert name_key("Ségou") == name_key("SEGOU")
    assert name_key("Jama'at Nusrat") != name_key("Jamaat Nusrat")


def test_files_without_an_id_are_errors(tmp_path):
    (tmp_path / "content/places").mkdir(parents=True)
    (tmp_path / "content/places/___.yaml").write_text("name: x\n")
    (tmp_path / "content/places/.#kidal.yaml").write_text("editor lock file")
    (tmp_path / "content/places/notes.txt").write_text("not an entry")
    chronology, diagnostics = load_content(tmp_path)
    assert chronology.places == ()
    assert messages(diagnostics) == [
        "content/places/___.yaml:1:1: error: the file name '___.yaml' gives no id [id.empty]"]


def test_entry_files_are_listed_in_a_stable_order(tmp_path):
    for name in ["b.yaml", "a.yml", "c.yaml", ".hidden.yaml", "d.json"]:
        (tmp_path / name).write_text("")
    assert [p.name for p in entry_files(tmp_path)] == ["a.yml", "b.yaml", "c.yaml"]
    assert entry_files(tmp_path / "missing") == []


# -- typed keys -----------------------------------------------------------------------------

def load_event(tmp_path: Path, text: str):
    folder = tmp_path / "content/events"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "e.yaml").write_text(text, encoding="utf-8")
    return load_content(tmp_path)


@pytest.mark.parametrize(("extra", "expected"), [
    ("primary: maybe\n", "5:10: error: 'primary' must be true or false, not the text 'maybe'"),
    ("tags: war\n", "5:7: error: 'tags' must be a list of text ([a, b]), not the text 'war'"),
    ("summary: 12\n", "5:10: error: 'summary' must be text, not the number 12"),
    ("display_date: 2019-01-20\n",
     "5:15: error: 'display_date' must be text, not the date 2019-01-20"),
    ("end_date: [2019]\n", "5:11: error: 'end_date' must be a date, not a list"),
    ("casualties: {killed: {best: 12, low: 2, high: 9}}\n",
     "5:29: error: 'casualties.killed' best 12 is outside its range 2–9"),
    ("casualties: {killed: {}}\n", "5:22: error: 'casualties.killed' gives no figure"),
    ("casualties: {killed: {lowest: 2}}\n",
     "5:23: error: unknown key 'lowest' in 'casualties.killed' (did you mean 'low'?)"),
    ("casualties: {killed: 2.5}\n",
     "5:22: error: 'casualties.killed' must be a whole number, not the number 2.5"),
    ("sources: [{url: 'http:/x'}]\n", "5:17: error: 'http:/x' is not an http(s) address"),
    ("actors: [{role: target}]\n", "5:10: error: an event's actor has no 'actor'"),
])
def test_typed_keys(tmp_path, extra, expected):
    _, diagnostics = load_event(tmp_path, "title: A\ndate: 2019\ntype: attack\nstatus: draft\n"
                                + extra)
    assert messages(diagnostics) == [f"content/events/e.yaml:{expected} [{code_of(expected)}]"]


def code_of(message: str) -> str:
    if "unknown key" in message:
        return "key.unknown"
    if "outside its range" in message:
        return "figure.range"
    if "http(s)" in message:
        return "url.scheme"
    if "gives no figure" in message or "has no" in message:
        return "key.missing"
    return "type.invalid"


def test_an_entry_must_be_a_mapping(tmp_path):
    _, diagnostics = load_event(tmp_path, "- title: A\n")
    assert messages(diagnostics) == [
        "content/events/e.yaml:1:1: error: an event must be a mapping of keys "
        "(`key: value` lines), not a list [type.invalid]"]


def test_required_keys_that_are_empty(tmp_path):
    _, diagnostics = load_event(tmp_path, "title:\ndate: 2019\n")
    assert messages(diagnostics) == [
        "content/events/e.yaml:1:1: error: 'title' of an event is empty [key.missing]",
        "content/events/e.yaml:1:1: error: an event has no 'type' [key.missing]",
    ]


# -- the fast resolver reads every scalar as PyYAML does ------------------------------------

BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # what the reader speeds up
TRICKY = ["yes", "Yes", "yEs", "NO", "on", "Off", "y", "n", "null", "Null", "nULL", "~", "the",
          "near", "o", "1", "-1", "+1", ".5", "0x1F", "0o7", "1_000", "2019-01-20", "2019-1-2",
          "1:20", "1e3", ".inf", "-.Inf", ".nan", "nan", "2001-12-14t21:59:43.10-05:00"]


@pytest.mark.parametrize("scalar", TRICKY)
def test_plain_scalars_resolve_as_pyyaml_does(tmp_path, scalar):
    expected = yaml.load(f"k: {scalar}\n", Loader=BASE)
    document, problems = read(tmp_path, f"k: {scalar}\n")
    assert problems == []
    assert repr(document.data) == repr(expected)  # repr: nan != nan, and 1 == True


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
               min_size=1, max_size=12))
@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_single_scalar_resolves_as_pyyaml_does(tmp_path, scalar):
    text = f"k: {json.dumps(scalar, ensure_ascii=False)}\nv: {scalar.strip()}\n"
    try:
        expected = yaml.load(text, Loader=BASE)
    except yaml.YAMLError:
        return  # not a plain scalar YAML accepts; nothing to compare
    document, problems = read(tmp_path, text)
    if problems:
        assert any(d.code in ("yaml.tag", "yaml.key") for d in problems)
        return
    assert repr(document.data) == repr(expected)


def test_entries_where_nothing_reads_them_are_reported(tmp_path):
    (tmp_path / "content/event").mkdir(parents=True)
    (tmp_path / "content/event/a.yaml").write_text("title: A\n")
    (tmp_path / "content/b.yaml").write_text("name: B\n")
    (tmp_path / "content/README.md").write_text("notes")
    (tmp_path / "content/.git").mkdir()
    _, diagnostics = load_content(tmp_path)
    assert messages(diagnostics) == [
        "warning: the file content/b.yaml is not read [content.unread]",
        "warning: the folder content/event is not read "
        "(did you mean 'events'?) [content.unread]",
    ]


def test_blank_required_text_is_missing(tmp_path):
    _, diagnostics = load_event(tmp_path, "title: '  '\ndate: 2019\ntype: attack\nstatus: draft\n")
    assert messages(diagnostics) == [
        "content/events/e.yaml:1:1: error: 'title' of an event is empty [key.missing]"]


def test_an_actor_that_is_no_mapping_is_one_error(tmp_path):
    (tmp_path / "content/actors").mkdir(parents=True)
    (tmp_path / "content/actors/fama.yaml").write_text("- Malian army\n")
    chronology, diagnostics = load_content(tmp_path)
    assert [a.id for a in chronology.actors] == ["fama"]  # still answers to its id
    assert messages(diagnostics) == [
        "content/actors/fama.yaml:1:1: error: an actor must be a mapping of keys "
        "(`key: value` lines), not a list [type.invalid]"]


# -- nothing a person can type makes the loader raise ---------------------------------------

yaml_ish = st.lists(st.sampled_from([
    "title: ", "date: ", "type: ", "actors:", "places:", "casualties:", "  killed: ",
    "  injured: ", "  - ", "{", "}", "[", "]", ", ", ": ", "&a ", "*a", "!!int ", "<<: ",
    "2019-02-30", "-5", "1.5", "yes", "~", "'", '"', "\n", "\t", "#", "---\n", "é", "\ufeff",
    "{low: 3, high: 1}", "{best: -1}", "sources: [{url: javascript:x}]", "end_date: 1999",
]), max_size=40).map("".join)


@given(yaml_ish)
@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_event_text_gives_diagnostics_never_an_exception(tmp_path, text):
    from chronicle.validate import check_chronology

    chronology, diagnostics = load_event(tmp_path, text)
    check_chronology(chronology, diagnostics)
    for diagnostic in diagnostics:
        assert diagnostic.mark is None or diagnostic.mark.line >= 1
        assert diagnostic.format()


@given(st.binary(max_size=200))
@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_bytes_give_a_document_or_diagnostics(tmp_path, raw):
    document, problems = read(tmp_path, raw)
    assert document is not None or problems
