"""Every searchable page read into a `PageRecord`, each read once for as long as it is unchanged.

Reading a page (pagefind_writer.read_page) is the costly part of writing the search index,
and a save changes a page or a few, so records are kept by a digest of what made them (the
writer's version, the exclusions, the page's URL and searchable HTML): in memory for the
process and, given a cache folder, on disk for the next process (`serve` indexes in a fresh
one after each save): a main file, and beside it a small one of the records made since.
Page files already read are known by inode, modification time and size, so an unchanged
page is not even read from disk. Pages not known are read on every core when there are
many; the workers are forked, so they start at once with the pages in hand.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from chronicle import forked
from chronicle.pagefind_merge import Run, join_runs, place_fragment
from chronicle.pagefind_writer import RECORD_VERSION, PageRecord, read_page, site_fields

PARALLEL_MIN_PAGES = 400  # below this, forking workers costs more than it saves
CACHE_FILE = "search-pages.marshal"
FILES_FILE = "search-files.marshal"
NEWER_FILE = "search-pages-newer.marshal"
NEWER_SHARE, NEWER_MIN = 0.1, 50  # past this many newer records, the main file is rewritten
#: A file changed this recently may change again within the same clock tick, keeping its
#: time and size: it is read whatever its identity says (git's "racy clean" rule).
RACY_NS = 2_000_000_000

_MEMORY: dict[str, PageRecord] = {}  # the last site's records, by key
_FILES: dict[str, tuple] = {}  # page file -> (inode, mtime_ns, size, key or None)
_ON_DISK: dict[Path, set[str]] = {}  # cache folder -> keys in its main file, when known


def page_key(url: str, html: str, exclude: tuple[str, ...]) -> str:
    digest = hashlib.blake2b(f"{RECORD_VERSION}\0{exclude!r}\0{url}\0".encode(),
                             digest_size=16)
    digest.update(html.encode("utf-8"))
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class PageInput:
    """A searchable page: its URL, the key of its searchable part, and that part when it
    had to be read (None when the file is the one already read, see `page_inputs`)."""
    name: str  # its path in the site
    key: str
    html: str | None

    @property
    def url(self) -> str:
        return "/" + self.name


#: what a render worker makes of a batch of pages it rendered (see `BatchReader`)
BatchReading = tuple[list[tuple[str, str | None]], tuple, str | None]
PART_PREFIX = "search-part-"  # a worker's records, joined into CACHE_FILE by `joined_run`


class BatchReader:
    """Reads pages for the index as a render worker writes them (in index order, each
    once, its HTML dropped at once): each page's key, and the pages merged as a run
    (pagefind_merge). The worker also writes each page's fragment into `fragments`, as
    the bundle names it (see `place_fragment`; the run holds where, not its bytes), and
    the records for the next index into `cache`, as the body of a marshalled dict
    (version 2, which refers to nothing outside itself, so the parent joins the bodies
    into the cache file without decoding them)."""

    _made = 0

    def __init__(self, part_of: Callable[[str], str | None], exclude: tuple[str, ...],
                 cache: Path | None, fragments: Path | None = None):
        self._part_of, self._exclude, self._cache = part_of, exclude, cache
        self._fragments = None if fragments is None else os.fspath(fragments)
        if fragments is not None:
            (fragments / "fragment").mkdir(parents=True, exist_ok=True)  # once, not per page
        self.keys: list[tuple[str, str | None]] = []
        self.run = Run()
        self._part: str | None = None
        self._file = None

    def add(self, name: str, html: str) -> None:
        part = self._part_of(html)
        if part is None:
            self.keys.append((name, None))
            return
        key = page_key("/" + name, part, self._exclude)
        record = read_page("/" + name, part, self._exclude)
        self.keys.append((name, key))
        placed = None
        if self._fragments is not None and self.run.keeps(record):
            placed = place_fragment(self._fragments, record.language, record.fragment_hash,
                                    record.fragment)
        self.run.add(record, placed=placed)
        if self._cache is not None:
            self._keep(marshal.dumps({key: record.as_tuple()}, 2)[1:-1])

    def _keep(self, body: bytes) -> None:
        try:
            if self._file is None:
                BatchReader._made += 1
                self._part = f"{PART_PREFIX}{os.getpid()}-{BatchReader._made}.tmp"
                self._cache.mkdir(parents=True, exist_ok=True)
                self._file = open(self._cache / self._part, "wb")  # noqa: SIM115 (finish)
            self._file.write(body)
        except OSError:
            self._cache = None  # a cache that cannot be written only costs a later reading

    def finish(self) -> BatchReading:
        if self._file is not None:
            self._file.close()
        return self.keys, self.run.plain(), self._part if self._cache is not None else None


def joined_run(inputs: list[PageInput], batches: list[BatchReading],
               cache: Path | None) -> Run | None:
    """The whole site's run, joined from the render workers' batches, when they read every
    searchable page and their runs hold for the site; their records become the cache (not
    kept in memory). Otherwise None, the records put in memory for the merge of records."""
    read = [name for names, _, _ in batches for name, key in names if key is not None]
    run = None
    if read == [page.name for page in inputs]:
        run = join_runs(Run.from_plain(plain) for _, plain, _ in batches)
        if run is not None:
            fields = {page[5] for language in run.languages.values() for page in language.pages}
            if len(fields) > 1:  # meta locations must number the site's fields: re-read
                run = None
    parts = [cache / part for _, _, part in batches if part is not None and cache is not None]
    if run is None:
        for part in parts:
            with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
                _MEMORY.update((key, PageRecord(*fields)) for key, fields in marshal.loads(
                    b"{" + part.read_bytes() + b"0").items())
    elif cache is not None and parts:
        _join_parts(cache, parts)
    for part in parts:
        with contextlib.suppress(OSError):
            part.unlink()
    return run


def _join_parts(cache: Path, parts: list[Path]) -> None:
    """The workers' records as the main cache file, joined without being decoded."""
    try:
        temporary = cache / f"{CACHE_FILE}.{os.getpid()}.tmp"
        with open(temporary, "wb") as file:
            file.write(b"{")
            for part in parts:
                file.write(part.read_bytes())
            file.write(b"0")
        temporary.replace(cache / CACHE_FILE)
        with contextlib.suppress(OSError):
            (cache / NEWER_FILE).unlink()
    except OSError:
        return  # a cache that cannot be written only costs the next build its reading
    _ON_DISK.pop(cache, None)  # known again when next loaded


def page_inputs(site: Path, names: list[str], part_of: Callable[[str], str | None],
                exclude: tuple[str, ...], cache: Path | None = None,
                fresh: dict[str, str | None] | None = None) -> list[PageInput]:
    """The searchable pages among `names` (in that order), each read only when its file is
    not the one read last time (same inode, modification time and size, and not changed in
    the last RACY_NS: a staged build hard-links its unchanged pages, Chronicle replaces a
    page it writes). Reading and cutting out 10,000 pages was a second of every rebuild.
    `fresh` holds the keys (`BatchReader`; None: not searchable) of pages this process has
    just written and read as it wrote them: those files are not read at all."""
    fresh = fresh or {}
    if not _FILES and cache is not None:
        _FILES.update(_load(cache, FILES_FILE))
    root = os.fspath(site)
    found, seen, changed = [], {}, False
    settled = time.time_ns() - RACY_NS
    for name in names:
        path = os.path.join(root, name)
        status = os.stat(path)
        identity = (status.st_ino, status.st_mtime_ns, status.st_size)
        known = _FILES.get(name)
        if name in fresh:
            key, html = fresh[name], None
            changed = True
        elif known is not None and known[:3] == identity and status.st_mtime_ns < settled:
            key, html = known[3], None
        else:
            with open(path, encoding="utf-8") as page:
                html = part_of(page.read())
            key = None if html is None else page_key("/" + name, html, exclude)
            changed = True
        seen[name] = (*identity, key)
        if key is not None:
            found.append(PageInput(name, key, html))
    changed = changed or len(seen) != len(_FILES)
    _FILES.clear()
    _FILES.update(seen)
    if changed and cache is not None:
        _save_data(cache, FILES_FILE, seen)
    return found


def _load(cache: Path | None, name: str = CACHE_FILE) -> dict[str, tuple]:
    if cache is None:
        return {}
    try:
        stored = marshal.loads((cache / name).read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return stored if isinstance(stored, dict) else {}


def _save_data(cache: Path, name: str, data: dict) -> None:
    try:
        cache.mkdir(parents=True, exist_ok=True)
        temporary = cache / f"{name}.{os.getpid()}.tmp"  # two builds may save at once
        temporary.write_bytes(marshal.dumps(data))
        temporary.replace(cache / name)
    except OSError:
        pass  # a cache that cannot be written only costs the next build its reading


def _load_records(cache: Path) -> dict[str, tuple]:
    """The cached records: the main file's and the newer ones beside it (see `_save`)."""
    stored = _load(cache)
    _ON_DISK[cache] = set(stored)
    stored.update(_load(cache, NEWER_FILE))
    return stored


def _save(cache: Path, records: dict[str, PageRecord]) -> None:
    """Keep `records` for the next process. Rewriting all of them (34 MB at 10k events)
    took longer than the rest of an edit's indexing, so while the records the main file
    lacks are few they go to a small file beside it instead; records are keyed by their
    content, so any main and newer files together are right, whoever wrote them."""
    on_disk = _ON_DISK.get(cache)
    newer = {k: r.as_tuple() for k, r in records.items() if on_disk is None or k not in on_disk}
    if on_disk and len(newer) <= max(NEWER_MIN, NEWER_SHARE * len(records)):
        _save_data(cache, NEWER_FILE, newer)
        return
    _save_data(cache, CACHE_FILE, {k: r.as_tuple() for k, r in records.items()})
    with contextlib.suppress(OSError):
        (cache / NEWER_FILE).unlink()
    _ON_DISK[cache] = set(records)


def read_inputs(site: Path, inputs: list[PageInput], exclude: tuple[str, ...],
                part_of: Callable[[str], str | None], cache: Path | None = None
                ) -> tuple[list[PageRecord], int]:
    """Records of `inputs` (in index order), and how many pages had to be read; a page
    whose part was not read (`page_inputs`) and whose record is unknown is read now."""
    pages = [(page.url, page.html) for page in inputs]
    keys = [page.key for page in inputs]
    return _records(site, pages, keys, exclude, part_of, cache)


def read_pages(pages: list[tuple[str, str]], exclude: tuple[str, ...],
               cache: Path | None = None) -> tuple[list[PageRecord], int]:
    """Records of `pages` ((url, html), in index order), and how many had to be read."""
    keys = [page_key(url, html, exclude) for url, html in pages]
    return _records(None, pages, keys, exclude, None, cache)


def _records(site: Path | None, pages: list[tuple[str, str | None]], keys: list[str],
             exclude: tuple[str, ...], part_of, cache: Path | None
             ) -> tuple[list[PageRecord], int]:
    known = {k: _MEMORY[k] for k in keys if k in _MEMORY}
    if len(known) < len(keys) and cache is not None:
        stored = _load_records(cache)
        for key in keys:
            if key not in known and key in stored:
                known[key] = PageRecord(*stored[key])
    missing = [i for i, key in enumerate(keys) if key not in known]

    def html_of(index: int) -> str:
        url, html = pages[index]
        if html is None:  # a page known by its file: read only now, its record unknown
            with open(os.path.join(os.fspath(site), url[1:]), encoding="utf-8") as page:
                html = part_of(page.read()) or ""
        return html

    todo = [(pages[i][0], html_of(i)) for i in missing]
    for index, record in zip(missing, _read_all(todo, exclude), strict=True):
        known[keys[index]] = record
    records = [known[key] for key in keys]
    fields = site_fields(records)
    for index, record in enumerate(records):
        if record.meta_fields != fields:  # meta locations must number the site's fields
            records[index] = read_page(pages[index][0], html_of(index), exclude, fields)
    _MEMORY.clear()
    _MEMORY.update(known)
    if missing and cache is not None:
        _save(cache, {key: known[key] for key in keys})
    return records, len(missing)


def _read_all(pages: list[tuple[str, str]], exclude: tuple[str, ...]) -> list[PageRecord]:
    count = forked.workers()
    if forked.worth_forking(len(pages), PARALLEL_MIN_PAGES, count):
        def read(start: int, stop: int) -> bytes:
            return marshal.dumps([read_page(url, html, exclude).as_tuple()
                                  for url, html in pages[start:stop]])

        done = forked.run(read, forked.ranges(len(pages), max(50, len(pages) // (count * 8))),
                          count)
        if done is not None:
            return [PageRecord(*fields) for batch in done for fields in marshal.loads(batch)]
    return [read_page(url, html, exclude) for url, html in pages]
