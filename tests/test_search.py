"""The search index: what Pagefind is given, its filters, and byte-identical output."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from chronicle.pagefind_canon import _read, decode, encode
from chronicle.pagefind_merge import run_files
from chronicle.search import (
    BUNDLE,
    SearchIndexError,
    carry_over_index,
    index_in_background,
    index_site,
)
from tests.generated import write_generated

EVENT = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body><nav>Timeline</nav><main data-pagefind-body><h1>{title}</h1><p>{text}</p>
<div hidden><span data-pagefind-filter="type">{type}</span>
{actors}</div>
<ol class="events"><li><a href="../x/index.html">Relatedonly raid</a></li></ol>
<nav class="prev-next"><a rel="next" href="../y/index.html">Nextonly march</a></nav>
</main></body></html>"""


@pytest.fixture(autouse=True, params=["pagefind", "chronicle"])
def writer(request, monkeypatch):
    """Every test here holds for both writers of the bundle (see chronicle.search)."""
    monkeypatch.setenv("CHRONICLE_SEARCH_WRITER", request.param)
    return request.param


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


def indexed_text(site: Path) -> dict[str, str]:
    """Each result's text, as the search page shows it: url -> content."""
    found = {}
    for path in (site / BUNDLE / "fragment").iterdir():
        fragment = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        found[fragment["url"]] = fragment["content"]
    return found


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


def test_an_event_is_found_by_its_own_text_not_by_the_events_it_lists(tmp_path):
    site = tiny_site(tmp_path / "site")
    index_site(site)
    text = indexed_text(site)
    assert "Militants attacked the camp" in text["/events/a/index.html"]
    assert "Attack at Aguelhok" in text["/events/a/index.html"]
    for content in text.values():
        assert "Relatedonly" not in content and "Nextonly" not in content
    assert filters(site)["actor"]["GSIM"] == [1], "filters inside left-out parts still count"


def test_unchanged_pages_keep_the_bundle_and_a_changed_one_is_indexed(tmp_path):
    site = tiny_site(tmp_path / "site")
    first = index_site(site)
    before = bundle_bytes(site)
    again = index_site(site)
    assert not first.reused and again.reused
    assert bundle_bytes(site) == before
    page = site / "events" / "c" / "index.html"
    page.write_text(page.read_text().replace("Crowds gathered", "Crowds gathered at Kidal"))
    changed = index_site(site)
    assert not changed.reused
    assert "Crowds gathered at Kidal" in indexed_text(site)["/events/c/index.html"]
    fresh = tiny_site(tmp_path / "fresh")
    (fresh / "events" / "c" / "index.html").write_text(page.read_text())
    index_site(fresh)
    assert bundle_bytes(fresh) == bundle_bytes(site), "a kept bundle is what a fresh one is"


def test_a_change_outside_the_searchable_part_keeps_the_bundle(tmp_path):
    site = tiny_site(tmp_path / "site")
    index_site(site)
    for page in site.glob("events/*/index.html"):
        page.write_text(page.read_text().replace("<nav>Timeline</nav>", "<nav>Years</nav>"))
    assert index_site(site).reused


def test_a_new_site_reuses_the_bundle_of_the_site_it_replaces(tmp_path):
    old = tiny_site(tmp_path / "old")
    index_site(old)
    new = tiny_site(tmp_path / "new")
    report = index_site(new, previous=old)
    assert report.reused and bundle_bytes(new) == bundle_bytes(old)
    (new / "events" / "a" / "index.html").unlink()
    report = index_site(new, previous=old)
    assert not report.reused and report.pages == 2


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


@pytest.mark.parametrize("forking", [False, True], ids=["one process", "forked workers"])
def test_a_build_reads_pages_for_search_as_it_renders_them(tmp_path, monkeypatch, forking):
    """A build hands the index each page's reading from where it rendered the page: no page
    file is opened again, and the bundle is the one an index of the files on disk makes,
    after a cold build (all pages read as rendered) and after an edit of many events (some
    pages rendered again, the others' readings taken from the cache)."""

    from chronicle import pagefind_records
    from chronicle.build import build
    from chronicle.render import batch

    chronology = write_generated(tmp_path / "chronology", 80)
    if forking:
        monkeypatch.setattr(batch, "PARALLEL_MIN_PAGES", 1)
    opened = []

    def spied_open(*args, **kwargs):
        if str(args[0]).endswith(".html"):  # a page, not the cache
            opened.append(args[0])
        return open(*args, **kwargs)

    monkeypatch.setattr(pagefind_records, "open", spied_open, raising=False)
    from chronicle import search

    joined = []  # the bundles made by joining the workers' runs (no merge of every record)
    monkeypatch.setattr(search, "run_files",
                        lambda run, *args: joined.append(run) or run_files(run, *args))
    pagefind_records._MEMORY.clear()
    pagefind_records._FILES.clear()
    site = chronology / "site"  # its readings kept in the chronology's cache
    build(chronology)
    assert (site / BUNDLE / "pagefind-entry.json").is_file()
    ours = os.environ["CHRONICLE_SEARCH_WRITER"] == "chronicle"  # the binary reads files
    if ours:
        assert opened == []
        assert len(joined) == 1
        cache = chronology / ".chronicle-cache"
        assert (cache / pagefind_records.CACHE_FILE).is_file()
        assert not [p for p in cache.iterdir() if p.name.startswith(pagefind_records.PART_PREFIX)]
        assert not (site / search.FRAGMENTS).exists()
    assert_indexed_as_from_disk(site, tmp_path / "cold")
    pagefind_records._MEMORY.clear()  # as in a new process

    for event in sorted((chronology / "content/events").iterdir())[::4]:
        text = event.read_text(encoding="utf-8")
        event.write_text(text.replace('title: "', 'title: "Edited ', 1), encoding="utf-8")
    report = build(chronology)
    assert 64 < len(report.rendered) < sum(report.pages.values())  # staged: some pages linked
    assert "Edited" in " ".join(indexed_text(site).values())
    assert_indexed_as_from_disk(site, tmp_path / "edited")


def assert_indexed_as_from_disk(site: Path, copy: Path) -> None:
    import shutil

    from chronicle import pagefind_records

    shutil.copytree(site, copy, ignore=shutil.ignore_patterns(BUNDLE))
    pagefind_records._MEMORY.clear()
    pagefind_records._FILES.clear()
    index_site(copy, cache_dir=copy.parent / f"{copy.name}-cache")
    assert len(indexed_text(copy)) > 80
    assert bundle_bytes(copy) == bundle_bytes(site)
