"""A chronology folder in, a `Chronology` (references still as written) and diagnostics out.

One entity per file; the file stem, slugified, is the entity's id and URL slug, so two files
that slugify alike would write one page: that is reported here, where both files are known.

What one file reads as depends on its path and bytes alone, so each file's result can come
from this process's memory, the parse cache on disk or forked workers, and the chronology
is put together from those results in one fixed order whichever way they came.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from pathlib import Path

from chronicle.content.cache import FileRead, ParseCache, Signature, signature
from chronicle.content.config import read_config
from chronicle.content.entries import read_actor, read_event, read_place
from chronicle.content.parallel import read_many
from chronicle.content.slug import slugify
from chronicle.content.yamlfile import parse_document, read_bytes, unreadable
from chronicle.diagnostics import Diagnostic, did_you_mean, error, warning
from chronicle.model import Actor, Chronology, Config, Event, Mark, Place

ENTRY_SUFFIXES = (".yaml", ".yml")
KINDS = ("events", "actors", "places")
READERS = {"events": read_event, "actors": read_actor, "places": read_place}

Listed = tuple[str, str, str] | Diagnostic  # (kind, path, id), or why the file has no id


@contextmanager
def collector_paused() -> Iterator[None]:
    """Loading makes millions of small objects and no cycles; left on, the cycle collector
    rescans everything kept so far again and again, which more than doubles load time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_entry(root: str, kind: str, path: str, entry_id: str) -> FileRead:
    """One entry file (`path` relative to `root`, as diagnostics show it): the entry, or
    None when the file cannot be used, and every problem found in it."""
    return read_stamped(root, kind, path, entry_id)[1]


def read_stamped(root: str, kind: str, path: str, entry_id: str) -> tuple[Signature, FileRead]:
    """`read_entry`, and the file's signature as it was read (None when it could not be)."""
    try:
        raw, stamp = read_bytes(os.path.join(root, path))
    except OSError as exc:
        return None, (None, (unreadable(path, exc),))
    document, diagnostics = parse_document(raw, path)
    if document is None:
        return stamp, (None, tuple(diagnostics))
    entry = READERS[kind](document, entry_id, diagnostics)
    return stamp, (entry, tuple(diagnostics))


def load_content(root: Path, cache: bool = True) -> tuple[Chronology, list[Diagnostic]]:
    """Read chronicle.yaml and every entry file under the content folder. Events come
    sorted by (date, id); actors and places by id. With `cache`, unchanged files are
    taken from <root>/.chronicle-cache/ and the cache is brought up to date."""
    return ContentReader(root, cache).read()


class ContentReader:
    """Reads one chronology folder again and again, parsing only files that changed: by
    size and mtime, or because the caller names them (an editor can save twice within one
    mtime tick). The results of the last read stay in memory for the next."""

    def __init__(self, root: Path, cache: bool = True):
        self.root = Path(root)
        self._known: dict[str, tuple[Signature, FileRead]] = {}
        self._cache = ParseCache(self.root) if cache else None
        self._listings: dict[Path, tuple[list[str], list[Listed]]] = {}
        self._order: dict[str, tuple[Event, tuple]] = {}  # path -> (event, its sort key)
        self._listed: dict[str, tuple[str, str, str]] = {}  # path -> (kind, path, id)

    def read(self, changed: Collection[str] | None = None) -> tuple[Chronology, list[Diagnostic]]:
        """The chronology as the folder holds it now. With `changed` (paths relative to the
        root, '/'-separated), files read before and not named are trusted unchanged without
        even a stat, which keeps an update on a big chronology to the files it touched."""
        with collector_paused():
            diagnostics: list[Diagnostic] = []
            config = read_config(self.root, diagnostics)
            content = self.root / config.content_dir
            listing = self._list_entries(content)
            files = [item for item in listing if isinstance(item, tuple)]
            self._listed = {file[1]: file for file in files}
            reads = self._read_files(files, changed)
            chronology = self._assemble(config, listing, reads, diagnostics)
            _stray_files(self.root, content, diagnostics)
            return chronology, diagnostics

    def reread(self, paths: Collection[str]) -> list[tuple[str, FileRead, FileRead]] | None:
        """(path, last read, new read) for each named file, when every one is an entry file
        the last `read` listed and still there; None, reading nothing, when one is not (a
        new, deleted or renamed file, or no entry file: the folders must be listed again).
        Spares listing folders of 10,000 files to learn that nothing was added."""
        todo = []
        for path in sorted(paths):
            listed, seen = self._listed.get(path), self._known.get(path)
            stamp = signature(os.path.join(self.root, path)) if listed and seen else None
            if stamp is None:
                return None
            todo.append((listed, stamp, seen[1]))
        reads = []
        for listed, stamp, last in todo:
            read = read_entry(str(self.root), *listed)
            self._known[listed[1]] = (stamp, read)
            reads.append((listed[1], last, read))
        return reads

    def _read_files(self, files: list[tuple[str, str, str]],
                    changed: Collection[str] | None) -> dict[str, FileRead]:
        started = time.time_ns()
        root = str(self.root)
        known = self._known
        result: dict[str, FileRead] = {}
        if changed is not None:  # trusted: every file read before and not named
            result = {file[1]: known[file[1]][1] for file in files
                      if file[1] in known and file[1] not in changed}
            files = [file for file in files if file[1] not in result]
        todo: list[tuple[str, str, str]] = []
        cache = self._cache
        for file in files:
            path = file[1]
            seen = known.get(path)
            if path not in (changed or ()) and (seen or (cache and cache.knows(path))):
                stamp = signature(os.path.join(root, path))  # a file never read needs none
                if seen is not None and seen[0] == stamp:
                    result[path] = seen[1]
                    continue
                cached = cache.get(path, stamp) if cache else None
                if cached is not None:
                    result[path] = cached
                    known[path] = (stamp, cached)
                    continue
            todo.append(file)
        stamped, shards = read_many(root, todo)
        for path, stamp, read in stamped:
            result[path] = read
            known[path] = (stamp, read)
        for path in known.keys() - result.keys():
            del known[path]
            self._order.pop(path, None)
        if cache is not None and changed is None:
            whole = shards if len(todo) == len(known) else None  # every result in them
            cache.save(known, settled_before=started, shards=whole)
        return result

    def _list_entries(self, content: Path) -> list[Listed]:
        """Every entry file of every kind in load order, as (kind, path, id); a file that
        can take no id, or only one already taken, is its diagnostic instead. A folder
        listed as before keeps its last listing (ids need not be worked out again)."""
        listing: list[Listed] = []
        for kind in KINDS:
            folder = content / kind
            names = entry_names(folder)
            last = self._listings.get(folder)
            if last is None or last[0] != names:
                last = self._listings[folder] = (names, _list_kind(self.root, folder, kind, names))
            listing.extend(last[1])
        return listing

    def _assemble(self, config: Config, listing: list[Listed], reads: dict[str, FileRead],
                  diagnostics: list[Diagnostic]) -> Chronology:
        entries: dict[str, list] = {kind: [] for kind in KINDS}
        for item in listing:
            if not isinstance(item, tuple):
                diagnostics.append(item)
                continue
            kind, path, entry_id = item
            entry, problems = reads[path]
            diagnostics.extend(problems)
            if entry is not None:
                entries[kind].append(entry)
            elif (make := _STAND_INS[kind]) is not None:
                entries[kind].append(make(entry_id, path))
        events: list[Event] = entries["events"]
        events.sort(key=self._sort_key)
        return Chronology(str(self.root), config, tuple(events), tuple(entries["actors"]),
                          tuple(entries["places"]))

    def _sort_key(self, event: Event) -> tuple:
        """(date, id), remembered per file: an update re-sorts without recomputing them."""
        last = self._order.get(event.path)
        if last is None or last[0] is not event:
            last = self._order[event.path] = (event, event_order(event))
        return last[1]


def event_order(event: Event) -> tuple:
    """Where an event stands in the chronology: by date, then id."""
    return (event.date.sort_key, event.id)


def _list_kind(root: Path, folder: Path, kind: str, names: list[str]) -> list[Listed]:
    listing: list[Listed] = []
    prefix = folder.relative_to(root).as_posix()
    seen: dict[str, str] = {}  # id -> the file that took it first
    for name in names:
        path = f"{prefix}/{name}"
        entry_id = slugify(name.rsplit(".", 1)[0])
        if not entry_id:
            listing.append(error(
                Mark(path, 1, 1), "id.empty", f"the file name '{name}' gives no id",
                "name the file with letters or digits, e.g. 2019-01-20-aguelhok-attack.yaml"))
        elif entry_id in seen:
            listing.append(_collision(Mark(path, 1, 1), entry_id, seen[entry_id], kind))
        else:
            seen[entry_id] = path
            listing.append((kind, path, entry_id))
    return listing


def entry_names(folder: Path) -> list[str]:
    """The entry file names of one kind, in a stable order; dotfiles (editor locks) left out."""
    try:
        names = sorted(os.listdir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [name for name in names if name.endswith(ENTRY_SUFFIXES) and not name.startswith(".")]


def entry_files(folder: Path) -> list[Path]:
    return [folder / name for name in entry_names(folder)]


def _stray_files(root: Path, content: Path, diagnostics: list[Diagnostic]) -> None:
    """Entries put where nothing reads them (content/event/x.yaml, content/x.yaml) would
    vanish from the site without a word; say so."""
    try:
        names = sorted(os.listdir(content))
    except (FileNotFoundError, NotADirectoryError):
        return
    prefix = content.relative_to(root).as_posix()
    for name in names:
        if name.startswith(".") or name in KINDS:
            continue
        is_folder = (content / name).is_dir()
        if not is_folder and not name.endswith(ENTRY_SUFFIXES):
            continue
        guess = did_you_mean(name, KINDS) if is_folder else None
        also = f" (did you mean '{guess}'?)" if guess else ""
        what = "folder" if is_folder else "file"
        diagnostics.append(warning(
            None, "content.unread",
            f"the {what} {prefix}/{name} is not read{also}",
            f"entries go in {prefix}/events/, {prefix}/actors/ or {prefix}/places/"))


def _stand_in(kind: type[Actor] | type[Place]) -> Callable[[str, str], Actor | Place]:
    """An unreadable actor or place file still takes its id, so events naming it are not
    reported as broken too: one mistake, one diagnostic."""
    return lambda entry_id, path: kind(id=entry_id, name=entry_id, path=path)


_STAND_INS = {"events": None, "actors": _stand_in(Actor), "places": _stand_in(Place)}


def _collision(mark: Mark, entry_id: str, first: str, kind: str) -> Diagnostic:
    first_stem = first.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    this_stem = mark.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if first_stem.casefold() == this_stem.casefold():
        return error(mark, "id.duplicate", f"the id '{entry_id}' is already taken by {first}",
                     "each entry needs its own file name: rename or merge one of them")
    return error(mark, "url.collision",
                 f"this file and {first} would both be written to {kind}/{entry_id}/",
                 "file names that differ only in case, accents or punctuation give one URL: "
                 "rename one of them")
