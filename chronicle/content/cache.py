"""The parse cache: each entry file's read result, kept in <root>/.chronicle-cache/ so a
load after no change (or a few) parses only what changed.

A file's result is reused while its (path, size, mtime_ns) and the cache version match.
The version hashes the code that turns bytes into entries, so an upgrade or a local edit
of that code can never serve results it would not make. The cache is only ever a guess:
anything wrong with it (missing, corrupt, old, foreign) means a cold load, never an error.
Unpickling runs code named in the file, and a chronology folder may come from anyone, so
only the model's own classes may be named in it.

The file is a header pickle, (version, trusted_before, shards), followed by that many
pickled shards, each a list of (path, signature, read). Forked workers pickle what they
read to send it to the loading process anyway: those pickles are written as they are, so
a cold load never pickles the chronology a second time.
"""

from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import hashlib
import io
import operator
import os
import pickle
import sys
from pathlib import Path

import yaml

from chronicle import diagnostics as _diagnostics
from chronicle import model as _model
from chronicle.content import yamlfile as _yamlfile
from chronicle.diagnostics import Diagnostic
from chronicle.model import Actor, Event, Place

CACHE_DIR = ".chronicle-cache"  # shared with build.py's page manifest (write.CACHE_DIR)
CACHE_FILE = "content.pickle"
FORMAT = 2
#: files changed this recently may change again within one mtime tick (2 s on FAT) and
#: still look the same by size and mtime, so their results are not trusted by a next load
SETTLE_NS = 3_000_000_000

FileRead = tuple[Event | Actor | Place | None, tuple[Diagnostic, ...]]
Signature = tuple[int, int] | None
Stamped = tuple[str, Signature, FileRead]  # one file's path, signature and read result

_MODEL_CLASSES = (
    _model.Event, _model.Actor, _model.Place, _model.FuzzyDate, _model.Figure,
    _model.Casualties, _model.SideCasualties, _model.ActorRef, _model.Source, _model.Mark,
    _diagnostics.Diagnostic,
)
_ALLOWED = {(cls.__module__, cls.__qualname__) for cls in (
    *_MODEL_CLASSES, _model.Role, _model.Status, _diagnostics.Severity, _yamlfile.MarkMap,
)} | {("array", "array"), ("array", "_array_reconstructor")}


def signature(file: str) -> Signature:
    """What tells a changed file from an unchanged one without reading it; None when the
    file cannot be stat'ed (it is then read, and its error reported, every time)."""
    try:
        stat = os.stat(file)
    except OSError:
        return None
    return (stat.st_size, stat.st_mtime_ns)


def _fields_reducer(cls: type) -> object:
    """Rebuild a frozen dataclass by its constructor: twice as fast to load as the default
    field-by-field __setstate__ of slotted dataclasses."""
    names = [field.name for field in dataclasses.fields(cls)]
    fields = operator.attrgetter(*names)
    if len(names) == 1:  # attrgetter of one name gives the value, not a tuple
        return lambda obj: (cls, (fields(obj),))
    return lambda obj: (cls, fields(obj))


_REDUCERS = dict(copyreg.dispatch_table)
_REDUCERS.update({cls: _fields_reducer(cls) for cls in _MODEL_CLASSES})


def dumps(value: object) -> bytes:
    """Pickle entries and diagnostics in the form `loads` accepts."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.dispatch_table = _REDUCERS
    pickler.dump(value)
    return buffer.getvalue()


class _ModelUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> object:
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of the model")
        return super().find_class(module, name)


def loads(data: bytes) -> object:
    """Unpickle what `dumps` made; anything naming other classes or functions is refused."""
    return _ModelUnpickler(io.BytesIO(data)).load()


def _version() -> str:
    """The cache format, the Python and PyYAML in use, and the source of every module that
    decides what a file reads as."""
    digest = hashlib.sha256(f"{FORMAT} {sys.version} {yaml.__version__} "
                            f"{yaml.__with_libyaml__}".encode())
    content = Path(__file__).parent
    sources = [Path(_model.__file__), Path(_diagnostics.__file__)] + [
        content / name for name in ("cache.py", "entries.py", "fields.py", "load.py", "slug.py",
                                    "yamlfile.py", "yamlscalar.py", "yamlsubset.py")]
    for source in sources:
        try:
            digest.update(source.read_bytes())
        except OSError:  # installed without sources: the package version must do
            from chronicle import __version__

            digest.update(f"{source.name} of {__version__}".encode())
    return digest.hexdigest()


VERSION = _version()


class ParseCache:
    """The results of the files read by the last load of one chronology, by path."""

    def __init__(self, root: Path):
        self.file = Path(root) / CACHE_DIR / CACHE_FILE
        self._entries: dict[str, tuple[Signature, FileRead]] = {}
        self._trusted_before = 0  # results of files changed since then are not served
        with contextlib.suppress(OSError):
            self._read(self.file.read_bytes())

    def _read(self, data: bytes) -> None:
        try:
            stream = io.BytesIO(data)  # one unpickler per pickle: each has its own memo
            version, trusted_before, shards = _ModelUnpickler(stream).load()
            if version != VERSION or not isinstance(trusted_before, int):
                return
            entries = {}
            for _ in range(shards):
                for path, stamp, read in _ModelUnpickler(stream).load():
                    if stamp is not None:
                        entries[path] = (stamp, read)
        except Exception:  # corrupt, truncated or foreign: a cold load, as if it were absent
            return
        self._entries, self._trusted_before = entries, trusted_before

    def knows(self, path: str) -> bool:
        """Whether a result is stored for `path` (a file not known needs no stat)."""
        return path in self._entries

    def get(self, path: str, stamp: Signature) -> FileRead | None:
        """The result stored for `path` if the file still has signature `stamp`."""
        found = self._entries.get(path)
        if found is None or stamp is None or found[0] != stamp or stamp[1] >= self._trusted_before:
            return None
        return found[1]

    def save(self, known: dict[str, tuple[Signature, FileRead]], settled_before: int,
             shards: list[bytes] | None = None) -> None:
        """Keep the results in `known`, dropping every other; those of files changed
        before `settled_before` less a settling time are served by the next load. Written
        only when that changes something; `shards`, when given, are `known` pickled."""
        cutoff = settled_before - SETTLE_NS
        stored = {path: found for path, found in known.items() if found[0] is not None}
        entries, trusted_before = self._entries, self._trusted_before
        if stored.keys() == entries.keys() and all(
                entries[path][0] == stamp and (stamp[1] < trusted_before or stamp[1] >= cutoff)
                for path, (stamp, _) in stored.items()):
            return
        self._entries, self._trusted_before = stored, cutoff
        if shards is None:
            shards = [dumps([(path, *stored[path]) for path in sorted(stored)])]
        folder = self.file.parent
        temporary = folder / f"{CACHE_FILE}.tmp-{os.getpid()}"
        try:
            folder.mkdir(exist_ok=True)
            ignore = folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("*\n", "utf-8")
            temporary.write_bytes(b"".join([dumps((VERSION, cutoff, len(shards))), *shards]))
            os.replace(temporary, self.file)
        except OSError:  # a read-only chronology still loads; the next load is a cold one
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
