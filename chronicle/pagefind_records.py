"""Every searchable page read into a `PageRecord`, each read once for as long as it is unchanged.

Reading a page (pagefind_writer.read_page) is the costly part of writing the search index,
and a save changes a page or a few, so records are kept by a digest of what made them (the
writer's version, the exclusions, the page's URL and searchable HTML): in memory for the
process (a `serve` session re-reads only the pages a save changed) and, given a cache folder,
on disk for the next build. Pages not known are read on every core when there are many; the
workers are forked, so they start at once with the pages in hand.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from pathlib import Path

from chronicle.pagefind_writer import RECORD_VERSION, PageRecord, read_page, site_fields

PARALLEL_MIN_PAGES = 400  # below this, forking workers costs more than it saves
CACHE_FILE = "search-pages.marshal"

_MEMORY: dict[str, PageRecord] = {}  # the last site's records, by key
_JOB: tuple | None = None  # (pages, exclude), inherited by forked workers


def page_key(url: str, html: str, exclude: tuple[str, ...]) -> str:
    digest = hashlib.blake2b(f"{RECORD_VERSION}\0{exclude!r}\0{url}\0".encode(),
                             digest_size=16)
    digest.update(html.encode("utf-8"))
    return digest.hexdigest()


def _load(cache: Path | None) -> dict[str, tuple]:
    if cache is None:
        return {}
    try:
        stored = marshal.loads((cache / CACHE_FILE).read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return stored if isinstance(stored, dict) else {}


def _save(cache: Path, records: dict[str, PageRecord]) -> None:
    try:
        cache.mkdir(parents=True, exist_ok=True)
        temporary = cache / f"{CACHE_FILE}.{os.getpid()}.tmp"  # two builds may save at once
        temporary.write_bytes(marshal.dumps({k: r.as_tuple() for k, r in records.items()}))
        temporary.replace(cache / CACHE_FILE)
    except OSError:
        pass  # a cache that cannot be written only costs the next build its reading


def read_pages(pages: list[tuple[str, str]], exclude: tuple[str, ...],
               cache: Path | None = None) -> tuple[list[PageRecord], int]:
    """Records of `pages` ((url, html), in index order), and how many had to be read."""
    keys = [page_key(url, html, exclude) for url, html in pages]
    known = {k: _MEMORY[k] for k in keys if k in _MEMORY}
    if len(known) < len(keys) and cache is not None:
        stored = _load(cache)
        for key in keys:
            if key not in known and key in stored:
                known[key] = PageRecord(*stored[key])
    missing = [i for i, key in enumerate(keys) if key not in known]
    for index, record in zip(missing, _read_all([pages[i] for i in missing], exclude),
                                 strict=True):
        known[keys[index]] = record
    records = [known[key] for key in keys]
    fields = site_fields(records)
    for index, record in enumerate(records):
        if record.meta_fields != fields:  # meta locations must number the site's fields
            records[index] = read_page(*pages[index], exclude, fields)
    _MEMORY.clear()
    _MEMORY.update(known)
    if missing and cache is not None:
        _save(cache, {key: known[key] for key in keys})
    return records, len(missing)


def _read_all(pages: list[tuple[str, str]], exclude: tuple[str, ...]) -> list[PageRecord]:
    workers = min(os.cpu_count() or 1, 4)
    if len(pages) < PARALLEL_MIN_PAGES or workers < 2 or sys.platform == "win32":
        return [read_page(url, html, exclude) for url, html in pages]
    import multiprocessing

    global _JOB
    _JOB = (pages, exclude)
    try:
        batch = max(50, len(pages) // (workers * 8))
        ranges = [(i, min(i + batch, len(pages))) for i in range(0, len(pages), batch)]
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            done = pool.map(_read_batch, ranges)
    finally:
        _JOB = None
    return [PageRecord(*fields) for batch in done for fields in marshal.loads(batch)]


def _read_batch(bounds: tuple[int, int]) -> bytes:
    pages, exclude = _JOB
    return marshal.dumps([read_page(url, html, exclude).as_tuple()
                          for url, html in pages[bounds[0]:bounds[1]]])
