"""The quick reader of plain entry files (yamlsubset) against the careful one (libyaml):
whatever the quick one reads, the careful one reads the same, with no diagnostic."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chronicle.content import yamlfile
from chronicle.content.yamlsubset import read_subset
from tests.generated import write_generated

REPO = Path(__file__).resolve().parent.parent
ENTRY_FILES = sorted(
    path for folder in ("content", "tests/sites", "tests/sites_invalid")
    for path in (REPO / folder).rglob("*.yaml") if path.parent.parent.name == "content")


def careful(raw: bytes) -> tuple:
    """parse_document with the quick reader left out."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(yamlfile, "read_subset", lambda text: None)
        return yamlfile.parse_document(raw, "x.yaml")


def shape(read: tuple) -> tuple:
    """All a parse gives, types included (1 and True, "1" and 1 compare equal in Python)."""
    document, diagnostics = read
    formatted = [d.format() for d in diagnostics]
    if document is None:
        return None, formatted
    return (repr(document.data), list(document.values.items()), list(document.keys.items()),
            sorted((path, repr(value)) for path, value in document.found.items()), formatted)


def agrees(text: str | bytes) -> bool:
    """Whether `text` reads as the careful reader reads it (trivially when the quick one
    leaves it to the careful one); a text the quick one reads has no diagnostic."""
    raw = text if isinstance(text, bytes) else text.encode()
    read = yamlfile.parse_document(raw, "x.yaml")
    if isinstance(text, str) and read_subset(text) is not None and read[1]:
        return False
    return shape(read) == shape(careful(raw))


@pytest.mark.parametrize("path", ENTRY_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_fixture_and_sample_entry_reads_as_the_careful_reader_reads_it(path):
    assert agrees(path.read_bytes())


def test_the_entries_a_chronology_usually_holds_are_read_quickly(tmp_path):
    """Generated entries, and the sample chronology's."""
    root = write_generated(tmp_path, 300)
    generated = sorted((root / "content").rglob("*.yaml"))
    assert len(generated) > 300
    for path in generated:
        text = path.read_text("utf-8")
        assert read_subset(text) is not None, path.name
        assert agrees(text), path.name
    samples = [path for path in ENTRY_FILES if path.is_relative_to(REPO / "content")]
    assert samples
    assert [path for path in samples if read_subset(path.read_text("utf-8")) is None] == []


@pytest.mark.parametrize("text", [
    "a: 1\nb: -2.5\nc: yes\nd: ~\ne: 2019-01-20\nf: '2019-01-20'\ng: \"x # y\"  # z\n",
    "a:\n  - x\n  -  y\n  - {k: v, w: [1, 2, {z: q}]}\nb: 'it''s'\nc: []\nd: {}\n",
    "a:\n- b: 1\n  c:\n  - 2\n- d\ne:\nf: # nothing\n",
    "x: |-\n  a\n\n  b\n\ny: >\n  c\n  d\n\n\n  e\nz: >-\n   f\n   g\n",
    "x: |\n  a\n    b\n  # c\n\n\ny: |\n  last, no line break",
    "k: -1\nl: -x\nm: 1.5e3\nn: .inf\no: 0x1f\np: 1_000\nq: 12:30\nr: Null\ns: on\n",
    "title: Ségou — “quoted”\nurl: https://x.org/a#b\nnote: a:b, c#d [e] {f}\n",
    "# a comment\n\nroot:\n  # another\n  key: value\n\n  other: [a , 'b' ,c]\n",
])
def test_each_shape_the_quick_reader_takes(text):
    assert read_subset(text) is not None
    assert agrees(text)


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n", "a: !!str 1\n", "a: b: c\n", "a:\n  b\n", "a: 'x\n  y'\n",
    "a: 1\na: 2\n", "a:\tb\n", "a: b\r\nc: d\r\n", "- a\n", "---\na: 1\n", "a: |+\n  b\n",
    "a: >\n  b\n    c\n", "a: [b,\n  c]\n", "? a\n: b\n", "a: 2021-02-30\n", "a: {b}\n",
    "yes: 1\n", "a: \"\\n\"\n", "a:\n-\n", "a: b\n c\n",
])
def test_what_the_quick_reader_leaves_to_the_careful_one(text):
    assert read_subset(text) is None
    assert agrees(text)


_SAMPLES = [path.read_text("utf-8") for path in ENTRY_FILES[::3] if "not-utf8" not in str(path)]
_PIECES = [" ", "  ", "\n", "- ", ": ", ":", "#", " #", "'", '"', "[", "]", "{", "}", ",", "|",
           ">", "|-", ">-", "|+", "-", "&a ", "*a", "!", "~", "null", "yes", "1", "-1",
           "2019-01-01", "2021-02-30", "\t", "\r\n", "é", "\u00a0", "\u2028", "---", "? ",
           "''", "\\", "key: v", "\n  ", "\n- ", "x: [a, b]", "{a: b}", "<<: ", "=", "%", "`",
           "1.5", "0o7", "+1", "True", "12:30:00"]


@st.composite
def _edited(draw: st.DrawFn) -> str:
    """A sample entry with a few pieces of YAML put in, lines taken out or re-indented."""
    text = draw(st.sampled_from(_SAMPLES))
    for _ in range(draw(st.integers(1, 4))):
        lines = text.split("\n")
        row = draw(st.integers(0, len(lines) - 1))
        edit = draw(st.sampled_from(["insert", "delete", "indent", "copy", "drop"]))
        if edit == "insert":
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.sampled_from(_PIECES)) + text[at:]
        elif edit == "delete":
            at = draw(st.integers(0, len(text)))
            text = text[:at] + text[at + draw(st.integers(1, 6)):]
        else:
            if edit == "indent":
                lines[row] = " " * draw(st.integers(0, 4)) + lines[row].lstrip(" ")
            elif edit == "copy":
                lines.insert(draw(st.integers(0, len(lines))), lines[row])
            else:
                del lines[row]
            text = "\n".join(lines)
    return text


@given(_edited())
@settings(max_examples=1500, deadline=None)
def test_edited_entries_read_as_the_careful_reader_reads_them(text):
    assert agrees(text)


# -- the readers' quick paths ---------------------------------------------------------------

_REFS = ["{actor: a}", "{actor: a, role: target}", "{actor: a, role: }", "{actor: '', role: x}",
         "{actor: ' ', role: target}", "{actor: a, role: [x]}", "{actor: a, role: nope}",
         "{actor: 1, role: target}", "{role: target}", "{actor: a, role: target, x: 1}",
         "{actor: a, rol: target}", "{}", "a", "[a]", "{actor: [a], role: target}"]


@given(st.lists(st.sampled_from(_REFS), max_size=4))
@settings(max_examples=300, deadline=None)
def test_actor_references_read_as_the_checks_read_them(refs):
    """An event's actors, read with and without the reader's short cut for well-formed
    {actor, role} mappings: the same references and the same diagnostics."""
    from chronicle.content import entries

    raw = ("title: t\ndate: 2019\ntype: attack\nactors:\n"
           + "".join(f"  - {ref}\n" for ref in refs)).encode()
    document = yamlfile.parse_document(raw, "x.yaml")[0]

    def read() -> tuple:
        diagnostics: list = []
        event = entries.read_event(document, "x", diagnostics)
        return repr(event), [d.format() for d in diagnostics]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(entries, "_written_ref", lambda item: None)
        checked = read()
    assert read() == checked
