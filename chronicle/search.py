"""Full-text search: a Pagefind index written into the built site, the last build step.

Pagefind's own `--site` crawl reads pages in parallel and numbers them in whatever order they
finish, so two runs over the same site write different bytes. Chronicle wants byte-identical
output, so it feeds pages to Pagefind's service one at a time, in sorted path order, through
the `pagefind` package's Python API; the index then depends only on the pages.

Only pages that mark their content with `data-pagefind-body` (events, actors, places) are
indexed: the timeline and year pages would otherwise drown every result in duplicates.
Filters come from `data-pagefind-filter` elements in those pages (type, year, actor, place:
see themes/default/templates/partials/search_filters.html).

`serve` calls `index_in_background(site)` after it swaps a new site in, so a reload never
waits for the index.
"""

from __future__ import annotations

import asyncio
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from chronicle.pagefind_canon import canonicalise

#: Pagefind writes its bundle here, relative to the site; the search page loads it from there.
BUNDLE = "pagefind"
#: Attribute that marks a page as searchable; pages without it are skipped.
BODY_MARK = "data-pagefind-body"


class SearchIndexError(Exception):
    """Pagefind is missing or failed; the message says which and how to fix it."""


@dataclass(frozen=True, slots=True)
class IndexReport:
    pages: int
    seconds: float


def searchable_pages(site: Path) -> list[Path]:
    """The pages to index, in a fixed order (sorted relative paths), bundle excluded."""
    pages = []
    for path in site.rglob("*.html"):
        relative = path.relative_to(site)
        if relative.parts[0] == BUNDLE:
            continue
        pages.append(relative)
    return sorted(pages, key=lambda p: p.as_posix())


async def _index(site: Path, pages: list[Path], output: Path) -> int:
    from pagefind.index import IndexConfig, PagefindIndex

    config = IndexConfig(keep_index_url=True, output_path=str(output))
    count = 0
    async with PagefindIndex(config=config) as index:
        for relative in pages:
            html = (site / relative).read_text(encoding="utf-8")
            if BODY_MARK not in html:
                continue
            # Links in the site name index.html explicitly (they work from disk too), so the
            # result URLs do as well; relative to the site root, resolved by the search page.
            await index.add_html_file(content=html, url="/" + relative.as_posix())
            count += 1
    return count


def index_site(out_dir: Path | str) -> IndexReport:
    """Write `<out_dir>/pagefind/`, replacing an older index whole (written aside, then moved)."""
    site = Path(out_dir)
    start = time.perf_counter()
    try:
        from pagefind.service import get_executable
    except ImportError as exc:
        raise SearchIndexError(
            "search needs Pagefind: pip install 'pagefind[bin]'") from exc
    if get_executable() is None:
        raise SearchIndexError(
            "the Pagefind binary is missing: pip install 'pagefind[bin]' "
            "(or set PAGEFIND_BINARY_PATH)")
    staging = site / f".{BUNDLE}-new"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        count = asyncio.run(_index(site, searchable_pages(site), staging.resolve()))
    except SearchIndexError:
        raise
    except Exception as exc:  # the service reports failures as assorted exceptions
        shutil.rmtree(staging, ignore_errors=True)
        raise SearchIndexError(f"Pagefind could not index {site}: {exc}") from exc
    if not staging.is_dir():  # nothing searchable: Pagefind writes no bundle
        staging.mkdir()
    else:
        canonicalise(staging)
    target = site / BUNDLE
    old = site / f".{BUNDLE}-old"
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return IndexReport(count, time.perf_counter() - start)


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
