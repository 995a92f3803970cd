"""Runs of pages merged apart and joined give the bundle of all pages merged at once."""

from __future__ import annotations

import marshal

import pytest

from chronicle.pagefind_merge import Run, bundle_files, join_runs, merge_run, run_files
from chronicle.pagefind_writer import read_page
from chronicle.search import EXCLUDE
from tests.generated import write_generated
from tests.test_search_writer import EDGE_PAGES

RUNTIME = {"pagefind.js": b"js", "wasm.en.pagefind": b"wasm", "wasm.unknown.pagefind": b"?"}


def records(pages: dict[str, str]):
    return [read_page("/" + name, html, EXCLUDE) for name, html in sorted(pages.items())]


def sent(run: Run) -> Run:
    """A run as a render worker hands it back: marshalled plain data."""
    return Run.from_plain(marshal.loads(marshal.dumps(run.plain())))


def many_pages() -> dict[str, str]:
    """Pages sharing words at varied distances, with accented forms, filters and sorts."""
    words = ["raid", "convoy", "camp", "café", "cafe", "crème", "ambush", "Kidal", "Gao"]
    pages = {}
    for number in range(300):
        text = " ".join(words[(number * k) % len(words)] for k in range(1, 2 + number % 7))
        pages[f"p/{number:03}/index.html"] = (
            f'<html lang="en"><head><title>Page {number}</title></head><body>'
            f'<main data-pagefind-body><h1>Event {number}</h1><p>{text}</p>'
            f'<span data-pagefind-filter="year">{2000 + number % 9}</span>'
            f'<span data-pagefind-sort="rank">{number % 13}</span></main></body></html>')
    return pages


@pytest.mark.parametrize("pages", [EDGE_PAGES, many_pages()], ids=["edge pages", "300 pages"])
def test_runs_joined_at_any_cut_are_the_whole_merge(pages):
    read = records(pages)
    whole = bundle_files(read, RUNTIME)
    assert any(name.startswith("index/") for name in whole)
    for size in (1, 2, 3, 7, 64):
        runs = [sent(merge_run(read[i:i + size])) for i in range(0, len(read), size)]
        joined = join_runs(runs)
        assert joined is not None
        assert run_files(joined, RUNTIME) == whole, f"runs of {size} pages"


def test_a_site_whose_pages_mark_no_body_cannot_be_joined_from_runs():
    """Runs assume some page marks its body; when none does, every page with words counts,
    which runs made apart cannot know: the caller merges the records as one run instead."""
    pages = {f"{n}/index.html": f"<html lang=en><body><p>Words {n}</p></body></html>"
             for n in range(4)}
    read = records(pages)
    assert join_runs([merge_run(read[:2]), merge_run(read[2:])]) is None
    whole = bundle_files(read, RUNTIME)
    assert sum(name.startswith("fragment/") for name in whole) == 4


@pytest.mark.parametrize("forking", [False, True], ids=["one process", "forked workers"])
def test_fragments_written_by_render_workers_get_the_names_the_bundle_gives(
        tmp_path, monkeypatch, forking):
    """Render workers write each page's fragment under its usual short name, or apart when
    another page took it first; the bundle must still name each fragment as Pagefind's page
    order does (the first page keeps the short name, a later one gets a longer one). With
    one hex digit in a short name instead of seven, most pages collide, as a few do at
    50,000 events; the bundle equals the one indexed from the files on disk."""
    import shutil

    from chronicle import pagefind_merge, pagefind_records, search
    from chronicle.build import build
    from chronicle.render import batch

    chronology = write_generated(tmp_path / "chronology", 60)
    monkeypatch.setenv(search.WRITER_SWITCH, "chronicle")
    monkeypatch.setattr(pagefind_merge, "SHORT_HASH_HEX", 1)
    if forking:
        monkeypatch.setattr(batch, "PARALLEL_MIN_PAGES", 1)
    joined = []
    monkeypatch.setattr(search, "run_files",
                        lambda run, *args: joined.append(run) or run_files(run, *args))
    pagefind_records._MEMORY.clear()
    pagefind_records._FILES.clear()
    site = chronology / "site"
    build(chronology)
    assert len(joined) == 1  # the workers' runs were joined, their fragments moved in
    names = sorted(p.name for p in (site / search.BUNDLE / "fragment").iterdir())
    assert len(names) > 60
    assert any(len(name) > len("en_0.pf_fragment") for name in names)  # names collided
    assert not (site / search.FRAGMENTS).exists()

    copy = tmp_path / "copy"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns(search.BUNDLE))
    pagefind_records._MEMORY.clear()
    pagefind_records._FILES.clear()
    search.index_site(copy, cache_dir=tmp_path / "copy-cache")
    assert _files(copy / search.BUNDLE) == _files(site / search.BUNDLE)


def _files(folder) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}
