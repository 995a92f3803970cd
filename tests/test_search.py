"""The search index: what Pagefind is given, its filters, and byte-identical output."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from chronicle.pagefind_canon import _read, decode, encode
from chronicle.search import (
    BUNDLE,
    SearchIndexError,
    carry_over_index,
    index_in_background,
    index_site,
)

EVENT = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body><nav>Timeline</nav><main data-pagefind-body><h1>{title}</h1><p>{text}</p>
<div hidden><span data-pagefind-filter="type">{type}</span>
{actors}</div></main></body></html>"""


def tiny_site(folder: Path) -> Path:
    rows = [
        ("a", "Attack at Aguelhok", "Militants attacked the camp.", "attack", ["MINUSMA", "Chad"]),
        ("b", "Ambush near Kidal", "An ambush on the road.", "battle", ["GSIM", "Chad, army of"]),
        ("c", "Protest in Bamako", "Crowds gathered.", "protest", []),
    ]
    for slug, title, text, kind, actors in rows:
        page = folder / "events" / slug / "index.html"
        page.parent.mkdir(parents=True)
        spans = "".join(f'<span data-pagefind-filter="actor">{a}</span>' for a in actors)
        page.write_text(EVENT.format(title=title, text=text, type=kind, actors=spans))
    (folder / "index.html").write_text(
        "<!DOCTYPE html><html lang=en><title>Index</title><main>Aguelhok Kidal</main></html>")
    return folder


def bundle_bytes(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in sorted((site / BUNDLE).rglob("*")) if p.is_file()}


def filters(site: Path) -> dict[str, dict[str, list[int]]]:
    entry = json.loads((site / BUNDLE / "pagefind-entry.json").read_text())
    meta = _read(site / BUNDLE / f"pagefind.{entry['languages']['en']['hash']}.pf_meta")
    found = {}
    for name, digest in meta[3]:
        _, values = _read(site / BUNDLE / "filter" / f"{digest}.pf_filter")
        found[name] = {value: pages for value, pages in values}
    return found


def test_only_marked_pages_are_indexed_with_their_filters(tmp_path):
    site = tiny_site(tmp_path / "site")
    report = index_site(site)
    assert report.pages == 3, "the timeline page has no data-pagefind-body"
    found = filters(site)
    assert set(found["type"]) == {"attack", "battle", "protest"}
    assert set(found["actor"]) == {"MINUSMA", "Chad", "GSIM", "Chad, army of"}
    assert list(found["actor"]) == sorted(found["actor"]), "values in a canonical order"
    assert (site / BUNDLE / "pagefind-ui.js").is_file()


def test_two_indexes_of_the_same_site_are_byte_identical(tmp_path):
    first = index_site(tiny_site(tmp_path / "one"))
    second = index_site(tiny_site(tmp_path / "two"))
    assert first.pages == second.pages
    assert bundle_bytes(tmp_path / "one") == bundle_bytes(tmp_path / "two")
    index_site(tmp_path / "one")  # again over its own old index: replaced whole
    assert bundle_bytes(tmp_path / "one") == bundle_bytes(tmp_path / "two")
    assert not [p for p in (tmp_path / "one").iterdir() if p.name.startswith(".")]


def test_sample_site_index_knows_the_contents_filters(sample_site):
    from chronicle.validate import load_checked

    chronology, _ = load_checked(Path(__file__).resolve().parent.parent)
    found = filters(sample_site)
    assert set(found["type"]) == {e.type for e in chronology.events}
    assert set(found["year"]) == {e.date.year_label() for e in chronology.events}
    names = {a.id: a.name for a in chronology.actors}
    assert set(found["actor"]) == {names[r.actor] for e in chronology.events for r in e.actors}


def test_cbor_codec_round_trips_what_pagefind_writes():
    value = ["1.5.2", [["en_abc", 12]], [["a", "b", "en_1"]], [["type", "en_2"]], [], ["title"],
             {"k": b"\x00\x01", "n": -3, "big": 2**40}, None, True]
    assert decode(encode(value)) == value


def test_missing_binary_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    with pytest.raises(SearchIndexError, match="pip install"):
        index_site(tiny_site(tmp_path / "site"))


def test_serve_keeps_the_old_index_until_the_background_one_is_done(tmp_path):
    old = tiny_site(tmp_path / "old")
    index_site(old)
    new = tmp_path / "new"
    new.mkdir()
    carry_over_index(old, new)
    assert bundle_bytes(new) == bundle_bytes(old)
    results = []
    index_in_background(old, results.append).join(60)
    assert results and results[0].pages == 3
    assert os.path.isdir(old / BUNDLE)
