"""Full-text search: a Pagefind index written into the built site, the last build step.

Two writers make the same bundle (tests/test_search_writer.py decodes and compares them):
- `chronicle` (the default): Chronicle's own writer of Pagefind's format
  (pagefind_html, pagefind_words, pagefind_writer, pagefind_records). It reads each page
  once for as long as the page is unchanged and merges the readings, so a save costs the
  changed pages and a merge, and a large build reads pages on every core. Pagefind's
  runtime files (pagefind.js, its UI and WASM) still come from the pinned binary.
- `pagefind`: the binary's service, the pages fed
  one at a time in sorted path order (its own `--site` crawl numbers pages in whatever order
  they finish, so two runs differ), then made byte-identical by pagefind_canon. The
  reference the writer is checked against. CHRONICLE_SEARCH_WRITER chooses.
Either way the pages are numbered in sorted path order, so the index depends only on them.

Only pages that mark their content with `data-pagefind-body` (events, actors, places) are
indexed: the timeline and year pages would otherwise drown every result in duplicates.
Filters come from `data-pagefind-filter` elements in those pages (type, year, actor, place:
see themes/default/templates/partials/search_filters.html). Within a page, the parts that only
repeat other entries (lists of events, previous/next links, the chart, its table, the map) or
the page itself (the hidden filter values, which the page's facts already say) are left out:
Pagefind's cost grows with every word it indexes, and a search for a place should find that
place's events, not every page that happens to list one of them.

Indexing is skipped when the pages would feed Pagefind exactly what made the current bundle:
a digest of that input is kept in the bundle, so a build or a `serve` save that changes no
searchable text costs one read of the pages instead of a new index.

`serve` calls `index_in_background(site)` after it swaps a new site in, so a reload never
waits for the index.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from chronicle.cli import ChronicleError
from chronicle.pagefind_canon import canonicalise
from chronicle.pagefind_merge import APART, bundle_files, run_files
from chronicle.pagefind_records import (
    BatchReader,
    BatchReading,
    PageInput,
    joined_run,
    page_inputs,
    read_inputs,
)
from chronicle.pagefind_writer import PAGEFIND_VERSION, RECORD_VERSION, write_files
from chronicle.timing import timed
from chronicle.write import CACHE_DIR

#: Pagefind writes its bundle here, relative to the site; the search page loads it from there.
BUNDLE = "pagefind"
#: Attribute that marks a page as searchable; pages without it are skipped.
BODY_MARK = "data-pagefind-body"
#: Parts of the theme's pages that repeat other entries or the page; not indexed (see above).
#: Pagefind still reads the filters inside excluded elements.
EXCLUDE = ("ol.events", "nav.prev-next", "figure.chart", "details.chart-data", "figure.map",
           "[data-pagefind-filter]")
#: Where render workers write the fragments of the pages they read (see RenderedPages), in
#: the site being built; moved into the bundle, and gone when the index is made.
FRAGMENTS = f".{BUNDLE}-fragments"
#: The settings of every index; part of the digest, so changing them re-indexes.
INDEX_CONFIG = {"keep_index_url": True, "exclude_selectors": list(EXCLUDE)}
#: Written in the bundle: the digest of the input that made it (see `input_digest`).
DIGEST_FILE = "chronicle-input.sha256"
#: Environment variable choosing who writes the bundle (see `chosen_writer`).
WRITER_SWITCH = "CHRONICLE_SEARCH_WRITER"
WRITERS = ("chronicle", "pagefind")
#: Chronicle's own: the same bundle once decoded (tests/test_search_writer.py), in a third of
#: the binary's memory, and after a save it reads only the pages that changed. The bytes of
#: the gzip'd files differ from the binary's (another compressor), so the committed site/
#: is built with this one.
DEFAULT_WRITER = "chronicle"


class SearchIndexError(ChronicleError):
    """Pagefind is missing or failed; the message says which and how to fix it."""


@dataclass(frozen=True, slots=True)
class IndexReport:
    pages: int
    seconds: float
    reused: bool = False  # the input was unchanged, so the existing bundle was kept


def searchable_pages(site: Path) -> list[Path]:
    """The pages to index, in a fixed order (sorted relative paths), bundle excluded."""
    found: list[str] = []
    _scan(os.fspath(site), "", found)
    return [Path(name) for name in sorted(found)]


def _scan(folder: str, prefix: str, found: list[str]) -> None:
    """Every .html file under `folder` as a "/"-joined path after `prefix` (a site has a
    folder per page, so this walk is one scandir per page: kept lean)."""
    with os.scandir(folder) as entries:
        for entry in entries:
            name = entry.name
            if name.endswith(".html") and entry.is_file():
                found.append(prefix + name)
            elif entry.is_dir(follow_symlinks=False) and not (prefix == "" and name == BUNDLE):
                _scan(entry.path, f"{prefix}{name}/", found)


class _Service:
    """Pagefind's `--service` mode spoken directly: base64 JSON messages ended by commas.

    The `pagefind` package's own client polls for each answer on a 0.1 s timer, so a
    thousand pages took minutes. Here the pages are written in one stream by a thread while
    the answers are read as they come; the service answers in the order it was asked
    (checked), which is the order it numbers the pages in, so the index stays the same.
    """

    def __init__(self, executable: Path):
        self._process = subprocess.Popen(
            [str(executable), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, cwd=os.getcwd())  # stdout is the protocol alone;
        # failures come back as Error answers
        self._message_id = 0
        self._buffer = bytearray()

    def _write(self, payload: dict) -> int:
        self._message_id += 1
        request = {"message_id": self._message_id, "payload": payload}
        self._process.stdin.write(base64.b64encode(json.dumps(request).encode()) + b",")
        return self._message_id

    def _answer(self) -> dict:
        # The bundle comes back as one message of tens of megabytes: grow one buffer and look
        # for the end only in what just arrived (joining and rescanning it all was quadratic).
        end = self._buffer.find(b",")
        while end < 0:
            seen = len(self._buffer)
            data = self._process.stdout.read1(1 << 20)
            if not data:
                raise SearchIndexError("Pagefind stopped before it answered")
            self._buffer += data
            end = self._buffer.find(b",", seen)
        message = bytes(self._buffer[:end])
        del self._buffer[:end + 1]
        if not message.strip():  # the service sometimes sends an empty message: not an answer
            return self._answer()
        try:
            answer = json.loads(base64.b64decode(message))
        except ValueError:
            raise SearchIndexError(f"Pagefind said something unexpected: {message[:200]!r}"
                                   ) from None
        body = answer.get("payload", {})
        if body.get("type") == "Error":
            raise SearchIndexError(f"Pagefind: {body.get('message')}")
        return answer

    def send(self, payload: dict) -> dict:
        return self.send_all([payload])[-1]

    def send_all(self, payloads: list[dict]) -> list[dict]:
        """Stream every request, collect every answer; an answer out of order is an error."""
        first = self._message_id + 1
        failure: list[BaseException] = []

        def write() -> None:
            try:
                for payload in payloads:
                    self._write(payload)
                self._process.stdin.flush()
            except BaseException as exc:  # handed to the reading side, which raises it
                failure.append(exc)

        writer = threading.Thread(target=write, name="pagefind-writer", daemon=True)
        writer.start()
        answers = []
        try:
            for expected in range(first, first + len(payloads)):
                answer = self._answer()
                if answer.get("message_id") != expected:
                    raise SearchIndexError("Pagefind answered out of order; index not written")
                answers.append(answer["payload"])
        finally:
            writer.join()
        if failure:
            raise SearchIndexError(f"could not talk to Pagefind: {failure[0]}")
        return answers

    def close(self) -> None:
        if self._process.stdin:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def searchable_input(site: Path) -> list[tuple[str, str]]:
    """(url, html) of every page Pagefind is given, in the order it numbers them."""
    found = []
    root = os.fspath(site)
    for relative in searchable_pages(site):
        name = relative.as_posix()
        with open(os.path.join(root, name), encoding="utf-8") as page:
            part = searchable_part(page.read())
        if part is not None:
            # Links in the site name index.html explicitly (they work from disk too), so
            # result URLs do too: site-relative, completed by the search page's baseUrl.
            found.append(("/" + name, part))
    return found


def searchable_part(html: str) -> str | None:
    """The page as Pagefind sees it: its language, its title and the marked element, or None
    when nothing is marked. Pagefind reads nothing else, so the navigation, header and footer
    are neither sent nor digested: a change to them alone does not re-index the site."""
    mark = html.find(BODY_MARK)
    while mark >= 0 and html.rfind(">", 0, mark) > html.rfind("<", 0, mark):
        mark = html.find(BODY_MARK, mark + 1)  # in text, not in a tag: not the mark
    if mark < 0:
        return None
    opening = html.rfind("<", 0, mark)
    tag = html[opening + 1:mark].split(None, 1)[0].lower()
    closing = html.rfind(f"</{tag}>")  # the last one, so never short of the element's end
    end = closing + len(tag) + 3 if closing > mark else len(html)
    root = html.find("<html")
    root_tag = html[root:html.index(">", root) + 1] if 0 <= root < opening else "<html>"
    start, stop = html.find("<title"), html.find("</title>")
    title = html[start:stop + 8] if 0 <= start < stop < opening else ""
    return f"<!DOCTYPE html>{root_tag}<head>{title}</head><body>{html[opening:end]}</body></html>"


def keys_digest(pages: list[PageInput], version: str, writer: str) -> str:
    """`input_digest` for Chronicle's writer, from the pages' keys (digests of their URL and
    searchable part, see pagefind_records.page_key): pages known by their files need no
    reading to tell whether the bundle is still theirs."""
    digest = hashlib.sha256(json.dumps([version, INDEX_CONFIG, writer, RECORD_VERSION]
                                       ).encode())
    for page in pages:
        digest.update(f"\0{page.url}\0{page.key}".encode())
    return digest.hexdigest()


def input_digest(pages: list[tuple[str, str]], version: str) -> str:
    """What the binary's bundle is a function of: Pagefind's version, the settings and the
    pages. Equal digests mean Pagefind would write the same bytes again, so it need not run."""
    digest = hashlib.sha256(json.dumps([version, INDEX_CONFIG]).encode())
    for url, html in pages:
        encoded = html.encode("utf-8")
        digest.update(f"\0{url}\0{len(encoded)}\0".encode())
        digest.update(encoded)
    return digest.hexdigest()


def _binary_bundle(executable: Path, config: dict, pages: list[tuple[str, str]]
                   ) -> list[dict]:
    """The files (path, base64 content) the binary makes of `pages` ((url, html), numbered
    in this order). Fetched here, not written by WriteFiles: the service answers that
    before its files are complete, so a build could swap in a half-written index."""
    service = _Service(executable)
    try:
        index_id = service.send({"type": "NewIndex", "config": config})["index_id"]
        service.send_all([{"type": "AddFile", "index_id": index_id, "file_path": None,
                           "url": url, "file_contents": html} for url, html in pages])
        return service.send({"type": "GetFiles", "index_id": index_id})["files"]
    finally:
        service.close()


def _index(executable: Path, pages: list[tuple[str, str]], output: Path) -> None:
    files = _binary_bundle(executable, INDEX_CONFIG, pages)
    folders: set[Path] = set()
    for file in sorted(files, key=lambda f: f["path"]):
        if ".." in Path(file["path"]).parts:
            raise SearchIndexError(f"Pagefind named a file outside its bundle: {file['path']}")
        target = output / file["path"]
        if target.parent not in folders:  # some 10,000 files in a few folders
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        target.write_bytes(base64.b64decode(file["content"]))


def runtime_files(executable: Path, languages: list[str],
                  cache: Path | None = None) -> dict[str, bytes]:
    """Pagefind's runtime (pagefind.js, its UI, worker and WASM) as the pinned binary writes
    it, for Chronicle's own writer: taken from the bundle it makes of one tiny page per
    language, once per binary and set of languages (kept in `cache` when given, else for
    the process). Never written by hand, so it always matches the format's version."""
    key = hashlib.sha256(json.dumps([str(executable), executable.stat().st_size,
                                     sorted(languages)]).encode()).hexdigest()[:16]
    if key in _RUNTIME:
        return _RUNTIME[key]
    stored = cache / f"pagefind-runtime-{key}" if cache is not None else None
    if stored is not None and (stored / "complete").is_file():
        files = {p.name: p.read_bytes() for p in sorted(stored.iterdir()) if p.name != "complete"}
        _RUNTIME[key] = files
        return files
    answer = _binary_bundle(executable, {}, [
        (f"/{number}.html", f'<html lang="{language}"><body><p>runtime</p></body></html>')
        for number, language in enumerate(sorted(languages))])
    files = {f["path"]: base64.b64decode(f["content"]) for f in answer
             if "/" not in f["path"] and f["path"] != "pagefind-entry.json"
             and not f["path"].endswith(".pf_meta")}
    _RUNTIME[key] = files
    if stored is not None:
        try:
            stored.mkdir(parents=True, exist_ok=True)
            for name, data in files.items():
                (stored / name).write_bytes(data)
            (stored / "complete").write_text("ok\n")
        except OSError:
            pass  # a cache that cannot be written only costs the next build a second
    return files


_RUNTIME: dict[str, dict[str, bytes]] = {}


def _pagefind() -> tuple[Path, str]:
    """Pagefind's binary and version, or a clear error saying how to install them."""
    try:
        from pagefind.service import get_executable
    except ImportError as exc:
        raise SearchIndexError(
            "search needs Pagefind: pip install 'pagefind[bin]'") from exc
    executable = get_executable()
    if executable is None or not Path(executable).is_file():
        raise SearchIndexError(
            "the Pagefind binary is missing: pip install 'pagefind[bin]' "
            "(or set PAGEFIND_BINARY_PATH)")
    from importlib.metadata import version
    return Path(executable), version("pagefind")


def _bundle_digest(site: Path) -> str | None:
    try:
        return (site / BUNDLE / DIGEST_FILE).read_text(encoding="ascii").strip()
    except OSError:
        return None


def chosen_writer(writer: str | None = None) -> str:
    """Who writes the bundle: `chronicle` (pagefind_writer) or `pagefind` (the binary's
    service); by default DEFAULT_WRITER, or the CHRONICLE_SEARCH_WRITER environment variable."""
    chosen = writer or os.environ.get(WRITER_SWITCH) or DEFAULT_WRITER
    if chosen not in WRITERS:
        raise SearchIndexError(f"{WRITER_SWITCH}={chosen!r}: expected one of "
                               f"{', '.join(WRITERS)}")
    return chosen


class RenderedPages(BatchReader):
    """A render worker's pages read for Chronicle's writer as they are rendered (see
    `index_site`'s `fresh`), the records kept in the cache beside the site."""

    def __init__(self, site: Path):
        super().__init__(searchable_part, EXCLUDE, _cache_for(site, None),
                         Path(site) / FRAGMENTS)

    def add(self, url: str, data: bytes) -> None:  # type: ignore[override]
        if url.endswith(".html"):
            super().add(url, data.decode("utf-8"))


def index_site(out_dir: Path | str, *, previous: Path | str | None = None,
               cache_dir: Path | str | None = None, writer: str | None = None,
               fresh: list[BatchReading] | None = None,
               names: list[str] | None = None) -> IndexReport:
    """Write `<out_dir>/pagefind/`, replacing an older index whole (written aside, then moved).

    When the pages are what made the site's current bundle, or `previous`'s (the site this
    one replaces), that bundle is kept (or linked in) instead of indexing again. Chronicle's
    own writer keeps each page's reading in memory and in `cache_dir` (by default the
    chronology's .chronicle-cache/, see `_cache_for`), so only changed pages are read again;
    `fresh` holds the readings (`RenderedPages`) of pages the caller has just written,
    made as it rendered them: their files are not read again, and when they are the whole
    site, their merged runs are joined into the bundle (pagefind_merge). `names`: the
    site's HTML pages (paths in the site), when the caller knows them: a site has a folder
    per page, and listing ten thousand folders to find them again took a second.
    """
    site = Path(out_dir)
    try:
        return _index_site(site, previous, cache_dir, writer, fresh, names)
    finally:
        shutil.rmtree(site / FRAGMENTS, ignore_errors=True)


def _index_site(site: Path, previous: Path | str | None, cache_dir: Path | str | None,
                writer: str | None, fresh: list[BatchReading] | None,
                names: list[str] | None) -> IndexReport:
    start = time.perf_counter()
    writer = chosen_writer(writer)
    executable, version = _pagefind()
    cache = _cache_for(site, cache_dir)
    if writer == "pagefind":
        pages = searchable_input(site)
        digest = input_digest(pages, version)
    else:
        keys = {name: key for read, _, _ in fresh or () for name, key in read}
        if names is None:
            names = [p.as_posix() for p in searchable_pages(site)]
        with timed("search.inputs"):
            pages = page_inputs(site, sorted(names), searchable_part, EXCLUDE, cache, keys)
        digest = keys_digest(pages, version, writer)
    if _bundle_digest(site) == digest:
        return IndexReport(len(pages), time.perf_counter() - start, reused=True)
    staging = site / f".{BUNDLE}-new"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        if previous is not None and _bundle_digest(Path(previous)) == digest:
            _link_tree(Path(previous) / BUNDLE, staging)
            reused = True
        elif writer == "pagefind":
            _make_bundle(executable, pages, digest, staging)
            reused = False
        else:
            if version != PAGEFIND_VERSION:
                raise SearchIndexError(
                    f"Chronicle writes Pagefind {PAGEFIND_VERSION}'s index format, but "
                    f"Pagefind {version} is installed (its runtime would not read it): "
                    f"pip install 'pagefind[bin]=={PAGEFIND_VERSION}', or set "
                    f"{WRITER_SWITCH}=pagefind")
            reuse = [site / BUNDLE] + ([Path(previous) / BUNDLE] if previous else [])
            _write_bundle(executable, site, pages, digest, staging, cache, reuse, fresh or [])
            reused = False
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    target = site / BUNDLE
    old = site / f".{BUNDLE}-old"
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return IndexReport(len(pages), time.perf_counter() - start, reused=reused)


def _make_bundle(executable: Path, pages: list[tuple[str, str]], digest: str,
                 staging: Path) -> None:
    staging = staging.resolve()
    try:
        _index(executable, pages, staging)
    except SearchIndexError:
        raise
    except Exception as exc:  # the service reports failures as assorted exceptions
        raise SearchIndexError(f"Pagefind could not index {staging.parent}: {exc}") from exc
    if not staging.is_dir():  # nothing searchable: Pagefind writes no bundle
        staging.mkdir()
    else:
        canonicalise(staging)
    # written last: a bundle with a digest is a whole one
    (staging / DIGEST_FILE).write_text(digest + "\n", encoding="ascii")


def _cache_for(site: Path, cache_dir: Path | str | None) -> Path | None:
    """Where page readings are kept between processes: `cache_dir`, else the cache folder
    of the chronology the site is built in (<root>/.chronicle-cache beside <root>/site,
    used only when it exists: a site elsewhere keeps its readings in memory only).
    `serve` indexes in a fresh process after each save, so this is what spares it a
    reading of every page each time."""
    if cache_dir is not None:
        return Path(cache_dir)
    beside = site.resolve().parent / CACHE_DIR
    return beside if beside.is_dir() else None


def _write_bundle(executable: Path, site: Path, pages: list[PageInput], digest: str,
                  staging: Path, cache: Path | None, reuse: list[Path],
                  fresh: list[BatchReading]) -> None:
    """Chronicle's own writer: the runs merged where the pages were rendered, joined, when
    those were all the pages; else each page read (or its reading reused), then merged.
    Files equal to those of the bundles in `reuse` are linked from them."""
    with timed("search.join"):
        run = joined_run(pages, fresh, cache) if fresh and pages else None
    if run is not None:
        runtime = runtime_files(executable, sorted(run.read_in), cache)
        with timed("search.files"):
            files = run_files(run, runtime)
        with timed("search.fragments"):
            _move_fragments(site / FRAGMENTS, staging, files)
        written = {name: data for name, data in files.items() if isinstance(data, bytes)}
        with timed("search.write"):
            write_files(written, staging, reuse)
    elif pages:
        records, _ = read_inputs(site, pages, EXCLUDE, searchable_part, cache)
        languages = sorted({r.language for r in records})
        files = bundle_files(records, runtime_files(executable, languages, cache))
        write_files(files, staging, reuse)
    staging.mkdir(exist_ok=True)
    (staging / DIGEST_FILE).write_text(digest + "\n", encoding="ascii")


def _move_fragments(fragments: Path, staging: Path, files: dict[str, bytes | str]) -> None:
    """Move the fragments the render workers wrote into the bundle: their folder at once,
    then the few whose name the bundle gives differs from the one they were written under
    (see pagefind_merge.place_fragment): first those that must leave a usual name, then
    those written apart, which may take it."""
    staging.mkdir(exist_ok=True)
    if (fragments / "fragment").is_dir():
        os.rename(fragments / "fragment", staging / "fragment")
    moves = [(written, name) for name, written in files.items()
             if isinstance(written, str) and written != name]
    for written, name in sorted(moves, key=lambda move: move[0].startswith(APART)):
        source = fragments / written if written.startswith(APART) else staging / written
        os.replace(source, staging / name)


def carry_over_index(old_site: Path, new_site: Path) -> None:
    """Hard-link the old site's index into a new one (serve indexes later, in the
    background): search keeps working, a little stale, instead of vanishing for a while."""
    source = Path(old_site) / BUNDLE
    if not source.is_dir() or (Path(new_site) / BUNDLE).exists():
        return
    _link_tree(source, Path(new_site) / BUNDLE)


def _link_tree(source: Path, target: Path) -> None:
    """A copy of a bundle that costs no bytes: its files hard-linked (copied where links fail)."""
    shutil.copytree(source, target, copy_function=_link_or_copy)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def index_in_background(out_dir: Path | str, on_done=None) -> threading.Thread:
    """Index in a daemon thread; `on_done(report_or_error)` is called when it ends.

    The error is handed over, not swallowed: the caller decides how to show it.
    """

    def run() -> None:
        try:
            result: IndexReport | Exception = index_site(out_dir)
        except Exception as exc:  # handed to on_done, which reports it
            result = exc
        if on_done is not None:
            on_done(result)

    thread = threading.Thread(target=run, name="chronicle-search-index", daemon=True)
    thread.start()
    return thread
