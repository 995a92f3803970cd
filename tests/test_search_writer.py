"""Chronicle's own Pagefind bundle writer: what Pagefind's binary writes, decoded, and faster.

Each equivalence test indexes the same pages twice, once with the binary's service (plus
pagefind_canon, the bundle Chronicle shipped before) and once with pagefind_writer, then
decodes both (gzip, CBOR, JSON) and compares every word's pages, locations, weights and meta
locations, every filter, fragment, chunk boundary and the metadata. File names are compared
too: the word chunks and fragments are named by a hash of their decoded content, so equal
names are a second proof of equal content. Only gzip's own bytes may differ.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from chronicle import pagefind_records
from chronicle.pagefind_canon import SIGNATURE, decode
from chronicle.pagefind_words import discrete_words, indexable_words, read_words
from chronicle.pagefind_writer import read_page
from chronicle.search import BUNDLE, DIGEST_FILE, EXCLUDE, index_site, searchable_input
from tests.generated import write_generated

REPO = Path(__file__).resolve().parent.parent


def _load(path: Path) -> bytes:
    raw = gzip.decompress(path.read_bytes())
    assert raw.startswith(SIGNATURE)
    return raw[len(SIGNATURE):]


def decoded_bundle(site: Path) -> dict:
    """A bundle as the search runtime reads it, page numbers undone from their deltas."""
    folder = site / BUNDLE
    entry = json.loads((folder / "pagefind-entry.json").read_text(encoding="utf-8"))
    found = {"version": entry["version"], "include": entry["include_characters"],
             "files": sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                             if p.is_file() and p.name != DIGEST_FILE)}
    for language, about in entry["languages"].items():
        version, pages, chunks, filters, sorts, fields = decode(
            _load(folder / f"pagefind.{about['hash']}.pf_meta"))
        words = {}
        for _, _, digest in chunks:
            (chunk,) = decode(_load(folder / "index" / f"{digest}.pf_index"))
            for word, word_pages, variants in chunk:
                words[word] = (_undelta(word_pages),
                               [(form, _undelta(p)) for form, p in variants])
        found[language] = {
            "version": version, "wasm": about["wasm"], "page_count": about["page_count"],
            "pages": pages, "chunks": chunks, "sorts": sorts, "fields": fields,
            "fragments": [json.loads(_load(folder / "fragment" / f"{digest}.pf_fragment"))
                          for digest, _ in pages],
            "filters": {name: decode(_load(folder / "filter" / f"{digest}.pf_filter"))
                        for name, digest in filters},
            "words": words}
    return found


def _undelta(pages: list) -> list:
    number, found = 0, []
    for delta, locations, meta_locations in pages:
        number += delta
        found.append((number, locations, meta_locations))
    return found


def both_bundles(site: Path, tmp_path: Path) -> tuple[dict, dict]:
    """The site's pages indexed by the binary and by Chronicle's writer, decoded."""
    decoded = []
    for writer in ("pagefind", "chronicle"):
        copy = tmp_path / writer
        shutil.copytree(site, copy, ignore=shutil.ignore_patterns(BUNDLE))
        pagefind_records._MEMORY.clear()
        report = index_site(copy, writer=writer)
        assert not report.reused
        decoded.append(decoded_bundle(copy))
    return decoded[0], decoded[1]


def assert_same(binary: dict, ours: dict) -> None:
    assert ours.keys() == binary.keys()
    for key in binary:
        if isinstance(binary[key], dict):
            for part in binary[key]:
                assert ours[key][part] == binary[key][part], f"{key}/{part} differs"
        else:
            assert ours[key] == binary[key], f"{key} differs"


def test_the_sample_chronology_is_indexed_as_pagefind_indexes_it(sample_site, tmp_path):
    binary, ours = both_bundles(sample_site, tmp_path)
    assert len(binary["en"]["pages"]) > 50 and len(binary["en"]["words"]) > 500
    assert_same(binary, ours)


def test_a_generated_chronology_is_indexed_as_pagefind_indexes_it(tmp_path):
    from chronicle.build import build

    write_generated(tmp_path / "chronology", 200)
    build(tmp_path / "chronology", tmp_path / "site", search=False)
    binary, ours = both_bundles(tmp_path / "site", tmp_path)
    assert len(binary["en"]["pages"]) > 200
    assert_same(binary, ours)


#: Pagefind's rules Chronicle's own pages do not all exercise: explicit and automatic
#: weights, ignored and excluded parts, anchors, diacritics, compound words, metadata,
#: sort keys, images, index-attrs, entities, an unmarked page and another language.
EDGE_PAGES = {
    "a/index.html": """<!DOCTYPE html><html lang="en"><head><title>Café &amp; crème</title>
<meta charset="utf-8"></head><body><nav>Menu words</nav>
<main data-pagefind-body data-pagefind-meta="kind:report">
<h1 id="top">Café-crème in Aguel&#39;hok</h1>
<img src="/x.png" alt="A picture">
<p>The <b>Quick</b> Brown fox, said &quot;hi&quot;</p>
<div data-pagefind-weight="2">Heavy <span>words</span> here</div>
<div data-pagefind-weight="0.5"><p>Light weight</p></div>
<div data-pagefind-weight="0">Zero weight compound.word.here</div>
<p data-pagefind-ignore>Ignored text <span data-pagefind-filter="tag">kept filter</span></p>
<div data-pagefind-ignore="all">Excluded <span data-pagefind-filter="tag">lost</span></div>
<h2 id="second part">Second   part</h2><p>ThreeAntelopes WKWebVIEWComponent 20th 2018-04
e-mail l'alphabet naïve résumé ÉCOLE Zürich 19.4614, x</p>
<h3>Third</h3><ul><li>One</li><li id="two">Two <em>emph</em></li></ul>
<table><tr><td>Cell</td><td>Cell two</td></tr></table>
<span data-pagefind-filter="year">2019</span><span data-pagefind-filter="year">2019</span>
<span data-pagefind-filter="place:Kidal"></span>
<span data-pagefind-sort="date:2019-01-20"></span>
<input data-pagefind-index-attrs="title,placeholder" title="Input title" placeholder="Hold">
<p data-pagefind-meta="summary">A summary sentence</p>
<ol class="events"><li>Listed elsewhere</li></ol>
<h4>Four</h4><h5>Five</h5><h6>Six</h6>
</main><footer>Footer words</footer></body></html>""",
    "b/index.html": """<!DOCTYPE html><html lang="en"><head><title>Second</title></head>
<body><main data-pagefind-body><h1>Second page</h1><p>Café again, cafe plain, crème.</p>
<span data-pagefind-filter="tag">kept filter</span>
<span data-pagefind-sort="date:2018-04-01"></span>
<p>The quick brown fox jumps over the lazy dog. Running runners ran.</p></main></body></html>""",
    "c/index.html": """<!DOCTYPE html><html><head><title>No language</title></head><body>
<main data-pagefind-body><p>Unknown language page, merged with English.</p></main>
</body></html>""",
    "c2/index.html": """<!DOCTYPE html><html lang="en"><head><title>Title only</title></head>
<body><main data-pagefind-body><!-- no words --></main></body></html>""",
    "d/index.html": """<!DOCTYPE html><html lang="en"><head><title>Unmarked</title></head>
<body><p>Not indexed: its text names data-pagefind-body, no tag has it.</p></body></html>""",
}


def test_pagefinds_other_rules_are_followed_too(tmp_path):
    site = tmp_path / "site"
    for name, text in EDGE_PAGES.items():
        (site / name).parent.mkdir(parents=True)
        (site / name).write_text(text, encoding="utf-8")
    binary, ours = both_bundles(site, tmp_path)
    words = binary["en"]["words"]
    assert "cafe" in words and words["cafe"][1], "diacritic forms are kept apart"
    assert "antelop" in words and binary["en"]["sorts"], "compounds and sorts were exercised"
    assert_same(binary, ours)


def test_the_same_pages_give_the_same_bytes_with_or_without_a_cache(tmp_path):
    sites = []
    for name in ("cold", "cached"):
        site = tmp_path / name
        for page, text in EDGE_PAGES.items():
            (site / page).parent.mkdir(parents=True, exist_ok=True)
            (site / page).write_text(text, encoding="utf-8")
        sites.append(site)
    pagefind_records._MEMORY.clear()
    index_site(sites[0], writer="chronicle", cache_dir=tmp_path / "cache")
    pagefind_records._MEMORY.clear()  # as a new process would: the records come from disk
    index_site(sites[1], writer="chronicle", cache_dir=tmp_path / "cache")
    files = [{p.relative_to(s).as_posix(): p.read_bytes() for p in sorted(s.rglob("*"))
              if p.is_file()} for s in sites]
    assert files[0] == files[1]


def test_a_save_reads_only_the_changed_page_again(tmp_path):
    site = tmp_path / "site"
    for page, text in EDGE_PAGES.items():
        (site / page).parent.mkdir(parents=True)
        (site / page).write_text(text, encoding="utf-8")
    pagefind_records._MEMORY.clear()
    pages = searchable_input(site)
    assert [url for url, _ in pages] == ["/a/index.html", "/b/index.html", "/c/index.html",
                                         "/c2/index.html"], "d has no marked element"
    _, read = pagefind_records.read_pages(pages, EXCLUDE)
    assert read == 4
    changed = [(url, html.replace("lazy dog", "lazy cat")) for url, html in pages]
    records, read = pagefind_records.read_pages(changed, EXCLUDE)
    assert read == 1
    assert "cat" in records[1].words and "dog" not in records[1].words


# Pagefind's own unit tests (fossick/mod.rs, fossick/splitting.rs), their expected values.

def test_weights_follow_pagefinds_parse_weighted_file():
    page = ("<html><body><div>The<p data-pagefind-weight='2'>Quick Brown</p>Fox"
            "<p data-pagefind-weight='0.5'>Jumps Over</p>"
            "<p data-pagefind-weight='0.00001'>Ryan</p></div></body></html>")
    from chronicle.pagefind_html import exclusion_selectors, parse_page

    parsed = parse_page(page, exclusion_selectors(()))
    content, words, _, _, _ = read_words(parsed.digest, "en", {})
    assert content == "The Quick Brown. Fox Jumps Over. Ryan."
    found = {w: [(p, 24) if isinstance(p, int) else p[:2] for p in entries]  # bare: weight 24
             for w, entries in words.items()}
    assert found == {
        "the": [(0, 24)], "quick": [(1, 48)], "brown": [(2, 48)], "fox": [(3, 24)],
        "jump": [(4, 12)], "over": [(5, 12)], "ryan": [(6, 1)]}


def test_compound_words_follow_pagefinds_splitting():
    expected = (("threeantelop", False, None), ("three", True, None), ("antelop", True, None))
    for word in ("ThreeAntelopes", "three-antelopes", "three_antelopes"):
        assert indexable_words(word, "en", "") == expected  # upstream's test: no symbols
    assert indexable_words("café-crème", "fr", "") == (
        ("cafecrem", False, "cafécrème"), ("caf", True, "café"), ("crem", True, "crème"))
    assert discrete_words("WKWebVIEWComponent") == "wk web view component"
    assert discrete_words("cloud/cannon,page.find") == "cloud cannon page find"
    assert discrete_words("__array_structures") == "array structures"


@pytest.mark.parametrize("url", ["/a/index.html"])
def test_a_page_record_is_plain_data_for_a_cache(url):
    import marshal

    record = read_page(url, EDGE_PAGES["a/index.html"], EXCLUDE)
    assert marshal.loads(marshal.dumps(record.as_tuple())) == record.as_tuple()


def test_readings_are_kept_in_the_chronologys_cache_beside_its_site(tmp_path):
    root = tmp_path / "chronology"
    (root / ".chronicle-cache").mkdir(parents=True)  # made by every build of the chronology
    for place in (root / "site", tmp_path / "elsewhere"):
        for page, text in EDGE_PAGES.items():
            (place / page).parent.mkdir(parents=True, exist_ok=True)
            (place / page).write_text(text, encoding="utf-8")
        index_site(place, writer="chronicle")
    assert (root / ".chronicle-cache" / pagefind_records.CACHE_FILE).is_file()
    assert not (tmp_path / ".chronicle-cache").exists(), "no cache folder made elsewhere"


def test_another_pagefind_version_is_a_clear_error(tmp_path, monkeypatch):
    from chronicle import search

    site = tmp_path / "site"
    for page, text in EDGE_PAGES.items():
        (site / page).parent.mkdir(parents=True, exist_ok=True)
        (site / page).write_text(text, encoding="utf-8")
    executable, _ = search._pagefind()
    monkeypatch.setattr(search, "_pagefind", lambda: (executable, "1.6.0"))
    with pytest.raises(search.SearchIndexError, match="CHRONICLE_SEARCH_WRITER=pagefind"):
        index_site(site, writer="chronicle")
    assert not (site / BUNDLE).exists()


def test_a_page_is_read_again_when_its_file_changed_even_at_the_same_size(tmp_path):
    site = tmp_path / "site"
    for page, text in EDGE_PAGES.items():
        (site / page).parent.mkdir(parents=True, exist_ok=True)
        (site / page).write_text(text, encoding="utf-8")
    index_site(site, writer="chronicle")
    page = site / "b" / "index.html"
    page.write_text(page.read_text().replace("lazy dog", "lazy cat"))  # same size, at once
    index_site(site, writer="chronicle")
    assert "lazy cat" in decoded_bundle(site)["en"]["fragments"][1]["content"]
    old = pagefind_records.RACY_NS
    try:  # settled files are known by inode, time and size: not read again
        pagefind_records.RACY_NS = -10**12
        pages = pagefind_records.page_inputs(site, ["a/index.html", "b/index.html"],
                                             lambda html: html, EXCLUDE)
        assert [p.html is None for p in pages] == [True, True]
    finally:
        pagefind_records.RACY_NS = old


def test_an_edit_adds_its_record_beside_the_cache_and_a_new_process_finds_both(tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    for page, text in EDGE_PAGES.items():
        (site / page).parent.mkdir(parents=True, exist_ok=True)
        (site / page).write_text(text, encoding="utf-8")
    pages = searchable_input(site)
    pagefind_records._MEMORY.clear()
    pagefind_records._ON_DISK.clear()
    pagefind_records.read_pages(pages, EXCLUDE, cache)
    main = (cache / pagefind_records.CACHE_FILE).read_bytes()
    pagefind_records._MEMORY.clear()  # a new process: records from disk, main file known
    edited = [(u, h.replace("lazy dog", "lazy cat")) for u, h in pages]
    _, read = pagefind_records.read_pages(edited, EXCLUDE, cache)
    assert read == 1 and (cache / pagefind_records.CACHE_FILE).read_bytes() == main
    assert (cache / pagefind_records.NEWER_FILE).is_file()
    pagefind_records._MEMORY.clear()
    records, read = pagefind_records.read_pages(edited, EXCLUDE, cache)
    assert read == 0 and "cat" in records[1].words


def test_the_packing_tables_give_what_each_stems_own_packing_gives(monkeypatch):
    from chronicle import pagefind_writer
    from chronicle.pagefind_html import exclusion_selectors, parse_page
    from chronicle.pagefind_words import read_page_words

    body = " ".join(["alpha beta gamma delta"] * 300 + ["alpha"] * 1100 + ["omega end."])
    page = ("<html lang='en'><body><main data-pagefind-body><h1>Alpha title</h1>"
            f"<p>Café naïve alpha</p><p>{body}</p>"
            "<div data-pagefind-weight='2'>gamma heavy</div></main></body></html>")
    parsed = parse_page(page, exclusion_selectors(()))
    words = read_page_words(parsed.digest, "en", parsed.anchor_content)
    assert words.word_count > 2000 and max(map(len, words.plain.values())) > 1024
    packed = pagefind_writer._pack_words(words)  # beyond the tables: stem by stem
    monkeypatch.setattr(pagefind_writer, "_ARRAY_HEADS", pagefind_writer._ARRAY_HEADS
                        + [pagefind_writer.head(4, n + 1) + pagefind_writer.encode(-25)
                           for n in range(1024, 1500)])
    assert pagefind_writer._pack_words(words) == packed  # from the tables
    assert packed[0]["alpha"][1] == 1401 + 1 + 2  # positions, -25, the title (-169, p)


def test_a_fragments_json_is_what_json_dumps_writes():
    from chronicle.pagefind_writer import _fragment, compact_json

    odd = 'quote " backslash \\ tab \t newline \n nul \x00 é ✓ 😀 </script> \u2028'
    filters = [("ty\"pe", (odd, "plain")), ("year", ())]
    meta = {"title": odd, "image": ""}
    anchors = [("h2", "i\\d", odd, 7)]
    assert _fragment("/a\"b/", odd, 3, filters, meta, anchors) == compact_json(
        {"url": "/a\"b/", "content": odd, "word_count": 3,
         "filters": {name: list(values) for name, values in filters}, "meta": meta,
         "anchors": [{"element": e, "id": i, "text": t, "location": loc}
                     for e, i, t, loc in anchors]}).encode()


def test_the_table_of_usual_locations_is_what_the_cbor_encoder_writes():
    """Locations are packed from a prebuilt table (built without the encoder, for a quick
    start); every value in it must be the encoder's shortest form."""
    from chronicle.pagefind_canon import encode
    from chronicle.pagefind_writer import _INTS, _TABLE_HIGH, _TABLE_LOW

    assert [encode(v) for v in range(_TABLE_LOW, _TABLE_HIGH)] == _INTS
