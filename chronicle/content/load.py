"""A chronology folder in, a `Chronology` (references still as written) and diagnostics out.

One entity per file; the file stem, slugified, is the entity's id and URL slug, so two files
that slugify alike would write one page: that is reported here, where both files are known.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from chronicle.content.config import read_config
from chronicle.content.entries import read_actor, read_event, read_place
from chronicle.content.slug import slugify
from chronicle.content.yamlfile import Document, read_document
from chronicle.diagnostics import Diagnostic, did_you_mean, error, warning
from chronicle.model import Actor, Chronology, Event, Mark, Place

ENTRY_SUFFIXES = (".yaml", ".yml")
KINDS = ("events", "actors", "places")

Entry = TypeVar("Entry", Event, Actor, Place)
Reader = Callable[[Document, str, list[Diagnostic]], "Entry | None"]


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


def load_content(root: Path) -> tuple[Chronology, list[Diagnostic]]:
    """Read chronicle.yaml and every entry file under the content folder. Events come
    sorted by (date, id); actors and places by id."""
    with collector_paused():
        return _load_content(root)


def _load_content(root: Path) -> tuple[Chronology, list[Diagnostic]]:
    diagnostics: list[Diagnostic] = []
    config = read_config(root, diagnostics)
    content = root / config.content_dir
    events = _read_kind(root, content / "events", read_event, diagnostics, None)
    actors = _read_kind(root, content / "actors", read_actor, diagnostics, _stand_in(Actor))
    places = _read_kind(root, content / "places", read_place, diagnostics, _stand_in(Place))
    _stray_files(root, content, diagnostics)
    events.sort(key=lambda event: (event.date.sort_key, event.id))
    chronology = Chronology(str(root), config, tuple(events), tuple(actors), tuple(places))
    return chronology, diagnostics


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


def _read_kind(root: Path, folder: Path, reader: Reader, diagnostics: list[Diagnostic],
               stand_in: Callable[[str, str], Actor | Place] | None) -> list:
    entries = []
    seen: dict[str, str] = {}  # id -> the file that took it first
    prefix = folder.relative_to(root).as_posix()
    directory = str(folder)
    for name in entry_names(folder):
        path = f"{prefix}/{name}"
        entry_id = slugify(name.rsplit(".", 1)[0])
        start = Mark(path, 1, 1)
        if not entry_id:
            diagnostics.append(error(
                start, "id.empty", f"the file name '{name}' gives no id",
                "name the file with letters or digits, e.g. 2019-01-20-aguelhok-attack.yaml"))
            continue
        if entry_id in seen:
            diagnostics.append(_collision(start, entry_id, seen[entry_id], folder.name))
            continue
        seen[entry_id] = path
        document, problems = read_document(os.path.join(directory, name), path)
        diagnostics.extend(problems)
        if document is None:
            if stand_in is not None:
                entries.append(stand_in(entry_id, path))
            continue
        entry = reader(document, entry_id, diagnostics)
        if entry is not None:
            entries.append(entry)
    return entries


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
