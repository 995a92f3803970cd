"""`chronicle build`: load, link, plan, render what changed, then write it all at once.

One code path serves a cold build, a cached rebuild and a watch-mode update: every page
gets a key hashed from what it reads (its entries, the templates, the configuration),
pages whose key matches the last build are not rendered again, and the rest are rendered
before anything is written. Rendering many pages is spread over forked workers, which
inherit the loaded chronology and compiled templates instead of loading them again.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from chronicle import forked, write
from chronicle.content.load import collector_paused
from chronicle.content.store import ContentStore
from chronicle.diagnostics import ContentError, Diagnostic, error
from chronicle.link import Linked, link
from chronicle.model import Chronology, Event
from chronicle.pages import Fingerprints, Page, export_pages, plan, static_pages
from chronicle.render import render_page
from chronicle.render.batch import EarlyExports, forks, render_all, start_exports
from chronicle.render.templates import (
    make_environment,
    template_digests,
    template_dirs,
    theme_dir,
)
from chronicle.render.urls import entity_url
from chronicle.search import BUNDLE as SEARCH_BUNDLE
from chronicle.search import RenderedPages, carry_over_index, chosen_writer, index_site
from chronicle.timing import timed

IN_PLACE_MAX_SHARE = 0.05  # update files in place when at most this share of the site changed
IN_PLACE_MIN = 64


@dataclass
class BuildReport:
    """What a build did, for the summary line and for tests of incremental rebuilds."""

    out: Path
    pages: dict[str, int]
    events: int
    warnings: list[Diagnostic]
    seconds: float
    rendered: set[str] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)


def build(root: Path, out: Path | None = None, *, drafts: bool | None = None,
          strict: bool = False, changed: Iterable[Path] | None = None,
          search: bool = True) -> BuildReport:
    """Build the site of the chronology in `root` into `out` (default: its output_dir).

    Raises ContentError, writing nothing, on any content error (or warning when strict).
    `changed` (the paths a watcher saw) is only a hint: keys decide what is re-rendered,
    so a missed or extra path can never leave a stale page. `search=False` leaves the
    Pagefind index to the caller (serve runs it in the background after the swap).
    """
    try:
        return Builder(remember=False)(root, out, drafts=drafts, strict=strict,
                                       changed=changed, search=search)
    finally:
        gc.unfreeze()  # what the build froze (Builder._kept) is garbage now


@dataclass
class _LastBuild:
    """What a long-lived Builder keeps of its last good build for the next save."""

    where: tuple[Path, Path | None, bool | None]  # root, out as asked, drafts
    out: Path
    chronology: Chronology
    linked: Linked
    env: object
    pages: dict[str, Page]
    keys: dict[str, str]
    fingerprint: Fingerprints
    templates: dict[str, str]
    shared: bytes
    counts: dict[str, int]
    readers: dict[str, list[str]] = field(default_factory=dict)  # event dep -> page URLs
    warm: bool = False  # this process rendered what every event edit renders again


class Builder:
    """`build` as an object that can remember: `chronicle build` makes one per run, while
    watch and serve keep one alive, so that a save which edits the text of existing events
    (the common curation step) re-renders just the pages that show them, without loading,
    linking or planning the whole chronology again. Any other change takes the full path,
    which is still keyed by content; both give the same bytes as a cold build."""

    def __init__(self, *, remember: bool = True,
                 on_pages_written: Callable[[list[str]], None] | None = None) -> None:
        """`on_pages_written(urls)` is told, during a quick save, of the pages written
        before the rest (the edited events' own): serve reloads a browser showing one."""
        self._remember = remember
        self._on_pages_written = on_pages_written
        self._last: _LastBuild | None = None
        self._store: ContentStore | None = None
        self._store_where: tuple[Path, bool | None] | None = None

    def warm(self) -> None:
        """Make now, in this process, what the first quick save would otherwise make: which
        pages read each event, the compiled templates, and the pieces of the pages that
        list every event (the data exports). A full build renders on forked workers,
        which keep all that to themselves; without this, the first save after one takes
        seconds at 10,000 events instead of milliseconds. Then a full garbage collection,
        now, while nothing waits, and what survives it is frozen: the build left millions
        of objects, and scanning them again would stop a later save for the better part
        of a second. The next full build unfreezes them, so a chronology it replaces is
        still freed. Writes nothing."""
        last = self._last
        if last is None or last.warm:
            return
        with timed("build.warm"):
            if not last.readers:
                last.readers = _event_readers(last.pages.values())
            events = last.chronology.events
            if events:  # an edit of the first event renders these
                own = entity_url("events", events[0].id)
                readers = set(last.readers.get(f"event:{events[0].id}", ())) - {own}
                for url in [own, *sorted(readers)]:
                    render_page(last.env, last.pages[url], last.chronology.config)
            gc.collect()
            gc.freeze()
            last.warm = True

    def _read(self, root: Path, drafts: bool | None,
              changed: Iterable[Path] | None) -> tuple[Chronology, list[Diagnostic]]:
        """Everything, or (when this Builder remembers and a watcher named the changed
        paths) only those files again: the watcher's list is trusted, and a full rebuild
        (`changed=None`) reads every file, unchanged ones from the parse cache."""
        if not self._remember:
            return _load(root, drafts)
        if self._store is None or self._store_where != (root, drafts) or changed is None:
            self._store, self._store_where = ContentStore(drafts), (root, drafts)
            try:
                return self._store.load(root)
            except BaseException:
                self._store = None
                raise
        return self._store.update(changed)

    @contextmanager
    def _kept(self) -> Iterator[None]:
        """Reading, linking, planning and keying make millions of objects, no cycles, and
        keep them all to the end of the build: the collector is off while they are made,
        and a one-shot build then freezes them, or the first collections after each step
        scan them all again (2.7 s of a 50,000-event build's wall, in the parent alone).
        A long-lived Builder does not: the chronology its next build replaces must go."""
        with collector_paused():
            yield
            if not self._remember:
                gc.freeze()

    def __call__(self, root: Path, out: Path | None = None, *, drafts: bool | None = None,
                 strict: bool = False, changed: Iterable[Path] | None = None,
                 search: bool = True) -> BuildReport:
        started = time.perf_counter()
        root = Path(root)
        where = (root, Path(out) if out is not None else None, drafts)
        last = self._last if self._last is not None and self._last.where == where else None
        self._last = None  # kept again only when this build succeeds
        with timed("build.read"), self._kept():
            chronology, diagnostics = self._read(root, drafts, changed)
        if any(d.is_error for d in diagnostics) or (strict and diagnostics):
            raise ContentError(diagnostics)
        if last is not None and changed is not None:
            report = self._update_events(last, chronology, diagnostics, search, started)
            if report is not None:
                self._last = last
                return report
        return self._full(root, where, chronology, diagnostics, search, started)

    def _full(self, root: Path, where, chronology: Chronology, diagnostics: list[Diagnostic],
              search: bool, started: float) -> BuildReport:
        if self._remember:
            gc.unfreeze()  # what warm() froze of the last build may now be garbage
        config = chronology.config
        out = where[1] if where[1] is not None else root / config.output_dir
        previous = write.read_manifest(root, out)
        early: _EarlyStart | None = None
        try:
            with self._kept():
                if not previous and forks(len(chronology.events)):
                    # every page will be rendered, on workers: start what needs no plan
                    early = _EarlyStart.begin(out, chronology)
                with timed("build.link"):
                    linked = link(chronology)
                theme = theme_dir(root, config.theme)
                folders = template_dirs(root, theme)
                env = make_environment(folders)
                if early is not None:
                    early.start_exports(linked, env, config, search)
                with timed("build.plan"):
                    pages = plan(linked) + static_pages(theme / "static", "static/") + (
                        static_pages(root / "static"))
                    _check_urls(pages)
                with timed("build.keys"):
                    fingerprint = Fingerprints(linked)
                    templates = template_digests(env, folders)
                    shared = _shared_digest(repr(config))
                    keys = {page.url: _page_key(page, fingerprint, templates, shared)
                            for page in pages}

            stale = [p for p in pages if previous.get(p.url) != keys[p.url]]
            removed = set(previous) - set(keys)
            rendered: set[str] = set()
            if stale or removed or not out.is_dir():
                small = len(stale) + len(removed) <= max(IN_PLACE_MIN,
                                                         IN_PLACE_MAX_SHARE * len(pages))
                if previous and small:
                    outputs = {p.url: render_page(env, p, config) for p in stale}
                    write.write_in_place(out, outputs, removed)
                    rendered = set(outputs)
                    if search:
                        index_site(out)
                else:
                    rendered = _build_staged(pages, stale, out, env, config, search, early,
                                             linked.events)
                with timed("build.manifest"):
                    write.write_manifest(root, out, keys)
            elif search and not (out / SEARCH_BUNDLE).is_dir():
                index_site(out)
        except BaseException:
            if early is not None:
                early.abandon()
            raise
        counts = dict(sorted(Counter(p.kind for p in pages).items()))
        if self._remember:
            self._last = _LastBuild(where, out, chronology, linked, env,
                                    {p.url: p for p in pages}, keys, fingerprint, templates,
                                    shared, counts)
        return BuildReport(out, counts, len(chronology.events),
                           [d for d in diagnostics if not d.is_error],
                           time.perf_counter() - started, rendered, removed)

    def _update_events(self, last: _LastBuild, chronology: Chronology,
                       diagnostics: list[Diagnostic], search: bool,
                       started: float) -> BuildReport | None:
        """The quick path: the same entries, and edited events still in the same places on
        the timeline with the same actors, places, type and figures. Then every page that
        exists stays, every relation holds, and only pages reading an edited event change.
        Returns None when the change is anything more."""
        with timed("build.edited"):
            edited = _edited_events(last.chronology, chronology)
        if edited is None:
            return None
        linked = last.linked
        linked.chronology = chronology
        linked.events = chronology.events  # same order: pages read events through `linked`
        deps = [f"event:{event.id}" for event in edited]
        last.fingerprint.forget([*deps, "events"])
        if not last.readers:
            with timed("build.readers"):
                last.readers = _event_readers(last.pages.values())
        # the edited events' own pages first: they are what the person is looking at
        own = sorted(entity_url("events", event.id) for event in edited)
        others = sorted({url for dep in deps for url in last.readers.get(dep, ())} - set(own))
        others.sort(key=lambda url: last.pages[url].kind == "data")  # the big files last
        config = chronology.config
        stale = []
        for step, batch in (("build.own-pages", own), ("build.other-pages", others)):
            with timed(step):
                outputs = {}
                for url in batch:
                    page = last.pages[url]
                    key = _page_key(page, last.fingerprint, last.templates, last.shared)
                    if key != last.keys[url]:
                        last.keys[url] = key
                        stale.append(page)
                        outputs[url] = render_page(last.env, page, config)
                write.write_in_place(last.out, outputs, ())
            if batch is own and outputs and self._on_pages_written is not None:
                self._on_pages_written(sorted(outputs))
        if stale:
            with timed("build.manifest"):
                write.write_manifest(last.where[0], last.out, last.keys)
            if search:
                index_site(last.out)
        last.chronology = chronology
        last.warm = True
        return BuildReport(last.out, last.counts, len(chronology.events),
                           [d for d in diagnostics if not d.is_error],
                           time.perf_counter() - started, {p.url for p in stale}, set())


def _edited_events(before: Chronology, after: Chronology) -> list[Event] | None:
    """The events whose edit leaves the site's structure as it was, or None when the change
    reaches further (an entry added or removed, an actor, place or setting changed, or an
    event moved in time, retyped, or given other actors, places or figures)."""
    if (after.config != before.config or after.actors != before.actors
            or after.places != before.places or len(after.events) != len(before.events)):
        return None
    edited = []
    for old, new in zip(before.events, after.events, strict=True):
        if old is new or old == new:
            continue
        if _place_in_structure(old) != _place_in_structure(new):
            return None
        edited.append(new)
    return edited


def _place_in_structure(event: Event) -> tuple:
    """What links, plans and the literal parts of page keys read of an event; the rest (title,
    summary, sources, tags...) reaches only pages that name the event in their deps."""
    return (event.id, event.date, event.end_date, event.type, event.status, event.primary,
            event.actors, event.places, event.casualties)


def _event_readers(pages: Iterable[Page]) -> dict[str, list[str]]:
    """Which pages read each event (directly, or through every event at once)."""
    readers: dict[str, list[str]] = {}
    everything: list[str] = []
    for page in pages:
        for dep in page.deps:
            if dep.startswith("event:"):
                readers.setdefault(dep, []).append(page.url)
            elif dep == "events":
                everything.append(page.url)
    for urls in readers.values():
        urls.extend(everything)
    return readers


def _load(root: Path, drafts: bool | None) -> tuple[Chronology, list[Diagnostic]]:
    """The checked chronology (drafts already left out when asked) and its diagnostics."""
    from chronicle.validate import load_checked

    chronology, diagnostics = load_checked(root, drafts=drafts)
    return chronology, list(diagnostics)


def _check_urls(pages: list[Page]) -> None:
    """Every URL stays inside the site and is written once (ids are slugs already; this is
    the last guard before anything touches the disk)."""
    problems = []
    seen: set[str] = set()
    for page in pages:
        if not _safe_url(page.url):
            problems.append(error(None, "url.unsafe", f"page URL '{page.url}' is not a safe path",
                                  "use ids made of lowercase letters, digits and '-'"))
        if page.url in seen:
            problems.append(error(None, "url.collision", f"two pages would write '{page.url}'",
                                  "rename one of the entries (ids are file names)"))
        seen.add(page.url)
    if problems:
        raise ContentError(problems)


# a path segment starts with a letter, digit or "_" (so is never "." or ".."), or is one of
# the dot files a site may need; one match of the whole URL, not one per segment
_SEGMENT = r"(?:[A-Za-z0-9_][A-Za-z0-9._~-]*|\.nojekyll|\.well-known)"
_SAFE_URL = re.compile(rf"{_SEGMENT}(?:/{_SEGMENT})*")


def _safe_url(url: str) -> bool:
    return _SAFE_URL.fullmatch(url) is not None


def _shared_digest(config: str) -> bytes:
    return hashlib.blake2b(config.encode(), digest_size=16).digest()


def _page_key(page: Page, fingerprint: Fingerprints, templates: dict[str, str],
              shared: bytes) -> str:
    """A page's cache key: a hash of its URL, its template (with every template that one
    uses), the configuration and every input it reads. Equal keys mean equal bytes, so a
    matching page is not rendered again."""
    template = page.template
    # one hash of all the parts joined (the same bytes as one update per part): it runs
    # for every page of a build
    parts = [f"{page.url}\0{template or ''}\0".encode(), shared]
    if template is not None:
        # a template that is missing gets a key of its own; rendering reports it
        parts.append(templates.get(template, "missing").encode())
    parts.append(fingerprint.joined(page.deps))
    return hashlib.blake2b(b"".join(parts), digest_size=16).hexdigest()


@dataclass
class _EarlyStart:
    """The staging folder of a build that renders every page on workers, made as soon as
    the content is read, and what starts in it before the plan, on the core the parent
    leaves idle: the entity pages' folders, made while the parent links (two render
    workers making them side by side both wait on the one parent folder: 1.7 times the
    kernel time, 3.2 s at 50,000 events against 1.9 s here), then the exports, as soon
    as the chronology is linked (see batch.start_exports)."""

    staging: Path
    folders: list[str]
    making: forked.Started | None
    exports: EarlyExports | None = None

    @classmethod
    def begin(cls, out: Path, chronology: Chronology) -> _EarlyStart:
        staging = write.staging_dir(out)
        try:
            base = f"{staging}/"
            folders = [write.page_folder(base, entity_url(kind, entry.id))
                       for kind, entries in (("events", chronology.events),
                                             ("actors", chronology.actors),
                                             ("places", chronology.places))
                       for entry in entries]
            # (its worker, which copies nothing, waits until asked; one that exited would
            # be replaced by a fresh fork of this process)
            making = forked.start(lambda start, stop: write.make_folders(folders[start:stop]),
                                  [(0, len(folders))])
        except BaseException:
            write.discard(staging)
            raise
        return cls(staging, folders, making)

    def start_exports(self, linked: Linked, env, config, search: bool) -> None:
        self.exports = start_exports(export_pages(linked), self.staging, env, config,
                                     _reader(self.staging, search))

    def folders_made(self, pages: Iterable[Page]) -> frozenset[str]:
        """The folders made for `pages`, once all are made; one no page goes in (an entry
        that makes no page) is removed. None are given when making them failed: the
        render makes what it needs, and reports what it cannot."""
        if self.making is None:
            return frozenset()
        try:
            self.making.results()
            made = True
        except OSError:
            made = False
        base = f"{self.staging}/"
        wanted = {write.page_folder(base, page.url) for page in pages}
        for unused in set(self.folders) - wanted:
            with contextlib.suppress(OSError):  # (not made, when making them failed)
                os.rmdir(unused)
        return frozenset(wanted.intersection(self.folders)) if made else frozenset()

    def abandon(self) -> None:
        if self.making is not None:
            self.making.stop()
        if self.exports is not None:
            self.exports.stop()
        write.discard(self.staging)


def _reader(staging: Path, search: bool) -> Callable[[], RenderedPages] | None:
    """Each page is read for the search index where it is rendered, while in hand."""
    if search and chosen_writer() == "chronicle":
        return functools.partial(RenderedPages, staging)
    return None


def _build_staged(pages: list[Page], stale: list[Page], out: Path, env, config,
                  search: bool, early: _EarlyStart | None = None,
                  events: Sequence[Event] = ()) -> set[str]:
    """Write a whole new site beside `out` (in `early`'s folder, when it made one) and swap
    it in; on any failure remove it. `events` are those the pages list (see render_all)."""
    staging = early.staging if early is not None else write.staging_dir(out)
    try:
        stale_urls = {p.url for p in stale}
        unchanged = [p.url for p in pages if p.url not in stale_urls]
        missing = set(write.link_unchanged(out, staging, unchanged)) if out.is_dir() else set(
            unchanged)
        todo = [p for p in pages if p.url in stale_urls or p.url in missing]
        with timed("build.render"):
            made = early.folders_made(todo) if early is not None else frozenset()
            readings = render_all(todo, staging, env, config, _reader(staging, search),
                                  early.exports if early is not None else None, events, made)
        if search:
            with timed("build.search"), collector_paused():  # a word's postings: no cycles
                # part of the site, swapped in with it; the old bundle is linked in when
                # the searchable text is unchanged
                index_site(staging, previous=out, fresh=readings,
                           names=[p.url for p in pages if p.url.endswith(".html")])
        elif out.is_dir():
            carry_over_index(out, staging)  # the old index serves until the new one is made
        with timed("build.swap"):
            write.swap_in(staging, out)
    except BaseException:
        write.discard(staging)
        raise
    return {p.url for p in todo}


# -- the command ---------------------------------------------------------------------------

def build_command(root: Path, out: Path | None, drafts: bool | None, strict: bool,
                  search: bool, watch: bool, quiet: bool) -> int:
    """`chronicle build`: build once and print a Hugo-like summary, or keep rebuilding."""
    if watch:
        from chronicle.watch import watch_and_rebuild

        return watch_and_rebuild(root, out, drafts) or 0
    report = build(root, out, drafts=drafts, strict=strict, search=search)
    # the command ends with this build: what it left in memory for a next build in the same
    # process (search readings, compiled templates) is frozen, so that the collection the
    # interpreter runs as it exits does not walk it (0.2-0.6 s at 10,000 events)
    gc.freeze()
    for diagnostic in report.warnings:
        print(diagnostic.format(), file=sys.stderr)
    if not quiet:
        print(summary(report))
    return 0


def summary(report: BuildReport) -> str:
    width = max(len(kind) for kind in report.pages) if report.pages else 5
    lines = [f"  {kind:<{width}}  {count:>7,}" for kind, count in report.pages.items()]
    total = sum(report.pages.values())
    return "\n".join([
        f"Built {report.out}",
        *lines,
        f"  {'pages':<{width}}  {total:>7,}  ({len(report.rendered):,} rendered, "
        f"{total - len(report.rendered):,} unchanged)",
        f"  {'events':<{width}}  {report.events:>7,}",
        f"  {'warnings':<{width}}  {len(report.warnings):>7,}",
        f"Total in {report.seconds * 1000:.0f} ms",
    ])
