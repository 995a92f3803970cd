"""One YAML file in, plain data out, with the Mark of every key and value node.

PyYAML forgets where a value came from and silently keeps the last of two equal keys. Here
libyaml (PyYAML's C parser) reads the file, and one pass over its event stream builds the
data, records each node's line and column by its dotted path ("actors.0.role"), and reports
duplicate keys, so checks long after parsing can still point at file:line:column. The data,
marks and errors are those PyYAML's composer and safe constructor give (the composer's node
tree is not built: it costs more than the data made from it).
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from sys import intern

import yaml
from yaml.composer import ComposerError
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from chronicle.content.yamlscalar import (
    STR,
    TIMESTAMP,
    TYPED,
    UnsupportedTag,
    construct,
    plain_tag,
    remember,
)
from chronicle.content.yamlsubset import SubsetRead, read_subset
from chronicle.diagnostics import Diagnostic, error
from chronicle.model import Mark

try:
    from yaml.cyaml import CParser as _Parser
except ImportError:  # PyYAML built without libyaml: slower, same results
    from yaml import SafeLoader as _Parser  # type: ignore[assignment]

_SHAPES: dict[tuple[str, ...], tuple[str, ...]] = {}  # a file's dotted paths, shared


def _tag(event: ScalarEvent) -> str:
    """The scalar's tag as PyYAML's safe resolver decides it."""
    tag = event.tag
    if tag is not None and tag != "!":
        return tag
    if not event.implicit[0]:
        return STR
    return plain_tag(event.value)


_SHIFT = 32  # a packed position: line << 32 | column (no file holds 2**32 characters)
_COLUMN = (1 << _SHIFT) - 1


class MarkMap(Mapping[str, Mark]):
    """Marks by dotted path, packed small: every entry keeps its marks for as long as the
    chronology lives, and only the few a diagnostic names are ever looked up. Paths are
    interned (shared by every file that has a `title`) and each position is one integer,
    which keeps 50,000 events' marks in tens of megabytes, not hundreds."""

    __slots__ = ("_keys", "_packed", "_path")

    def __init__(self, path: str, keys: tuple[str, ...], packed: array):
        self._path = path
        self._keys = keys
        self._packed = packed

    @classmethod
    def pack(cls, path: str, keys: list[str], positions: list[int]) -> MarkMap:
        """From positions packed as line << 32 | column; files alike in shape share one
        tuple of paths."""
        shape = tuple(keys)
        return cls(path, _SHAPES.get(shape) or remember(_SHAPES, shape, shape),
                   array("Q", positions))

    def __reduce__(self) -> tuple:
        return (MarkMap, (self._path, self._keys, self._packed))

    def __getitem__(self, key: str) -> Mark:
        try:
            index = self._keys.index(key)
        except ValueError:
            raise KeyError(key) from None
        packed = self._packed[index]
        return Mark(self._path, (packed >> _SHIFT) + 1, (packed & _COLUMN) + 1)

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed file: its data and where each part of it was written."""

    path: str
    data: object
    values: MarkMap
    keys: MarkMap
    found: dict[str, object]  # the value at each dotted path, to read keys without walking

    def mark(self, path: str) -> Mark:
        """Where the value at `path` starts, or its nearest written parent's."""
        while path not in self.values and path:
            path = path.rpartition(".")[0]
        return self.values.get(path, Mark(self.path, 1, 1))

    def key_mark(self, path: str) -> Mark:
        """Where the key of `path` is written (for unknown or missing keys)."""
        return self.keys.get(path) or self.mark(path)


def offset_mark(path: str, raw: bytes, offset: int) -> Mark:
    """The line and column (in characters) of a byte offset, for errors found in raw bytes."""
    before = raw[:offset]
    line_start = before.rfind(b"\n") + 1
    column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    return Mark(path, before.count(b"\n") + 1, column)


def read_bytes(file: Path | str) -> tuple[bytes, tuple[int, int]]:
    """The bytes of `file` and its (size, mtime_ns) as it was opened, which tells a later
    change from none without reading it again (a change after the stat shows next time)."""
    descriptor = os.open(file, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        stat = os.fstat(descriptor)
        raw = os.read(descriptor, stat.st_size + 1)
        if len(raw) > stat.st_size:  # to the end, as the file grew since the stat
            chunks = [raw]
            while chunks[-1]:
                chunks.append(os.read(descriptor, 1 << 16))
            raw = b"".join(chunks)
    finally:
        os.close(descriptor)
    return raw, (stat.st_size, stat.st_mtime_ns)


def read_document(file: Path | str, path: str) -> tuple[Document | None, list[Diagnostic]]:
    """Read `file` (shown to people as `path`); None and the reasons when it cannot be used."""
    try:
        raw, _ = read_bytes(file)
    except OSError as exc:
        return None, [unreadable(path, exc)]
    return parse_document(raw, path)


def unreadable(path: str, exc: OSError) -> Diagnostic:
    return error(Mark(path, 1, 1), "file.unreadable", f"cannot read the file: {exc.strerror}")


def parse_document(raw: bytes, path: str) -> tuple[Document | None, list[Diagnostic]]:
    """The document in a file's bytes (`path` names it in marks)."""
    start = Mark(path, 1, 1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        byte = raw[exc.start]
        return None, [error(
            offset_mark(path, raw, exc.start), "file.encoding",
            f"the file is not UTF-8 (byte 0x{byte:02x} at offset {exc.start})",
            "save it as UTF-8 (most editors: 'Save with encoding' or 'Reopen with encoding')",
        )]
    body = text.removeprefix("\ufeff")
    if not body or body.isspace():
        return None, [error(start, "file.empty", "the file is empty",
                            "write the entry's keys, or delete the file")]
    quick = read_subset(body)  # most files: the same document, without libyaml
    if quick is not None:
        return _document(path, quick.data, quick), []
    # libyaml reads the bytes as they are (valid UTF-8 now), sparing an encoding of the
    # text; the text itself where that could read otherwise: a second byte order mark,
    # and errors of libyaml's reader, which name the kind of input
    source: bytes | str = raw if len(body) == len(text) else raw[3:]
    if body.startswith("\ufeff"):
        source = body
    try:
        try:
            builder = _Builder(path, _Parser(source))
            data = builder.read()
        except yaml.reader.ReaderError:
            if source is body:
                raise
            builder = _Builder(path, _Parser(body))
            data = builder.read()
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_error(path, exc)]
    except yaml.YAMLError as exc:
        return None, [error(start, "yaml.syntax", f"YAML cannot be read: {exc}")]
    if data is _NOTHING:
        return None, [error(start, "file.empty", "the file holds only comments",
                            "write the entry's keys, or delete the file")]
    if data is _RECURSIVE:  # only an alias inside its own anchor nests this deep
        return None, [error(start, "yaml.syntax", "an alias refers to a node that contains it",
                            "write the value out instead of using *alias")]
    return _document(path, data, builder), builder.diagnostics


def _document(path: str, data: object, read: _Builder | SubsetRead) -> Document:
    values = MarkMap.pack(path, read.value_paths, read.value_marks)
    keys = MarkMap.pack(path, read.key_paths, read.key_marks)
    return Document(path, data, values, keys, read.found)


def _syntax_error(path: str, exc: yaml.MarkedYAMLError) -> Diagnostic:
    where = exc.problem_mark or exc.context_mark
    mark = Mark(path, where.line + 1, where.column + 1) if where else Mark(path, 1, 1)
    if exc.problem and "another document" in exc.problem:
        return error(mark, "yaml.syntax", "a second YAML document starts here ('---')",
                     "one file holds one entry: move the rest into a file of its own")
    problem = exc.problem or "malformed YAML"
    if exc.context:
        problem = f"{problem} ({exc.context}"
        if exc.context_mark and exc.context_mark is not where:
            problem += f" at line {exc.context_mark.line + 1}"
        problem += ")"
    return error(mark, "yaml.syntax", f"malformed YAML: {problem}",
                 "check the indentation, and quote values that hold ': ' or start with [ { * & ! |")


_NOTHING = object()  # the stream holds no document
_RECURSIVE = object()  # building the document never ends


class _Builder:
    """One pass over a file's events: data, positions and node-level problems together.

    Each node is read from its events as PyYAML's composer would make it and its
    constructor read it, marks at the node's start. An anchored node's events are kept, so
    an alias replays them where it stands (as the composer hands out the anchored node
    again); the composer's own errors (an undefined alias, an anchor given twice) and
    libyaml's stop the file wherever they are, as they would before any value is built.

    Called for every node of every file, so written for speed: classes checked by
    identity, text values taken as they are without a call of their own, and positions
    packed into one integer (line << 32 | column, both 0-based) as they are met."""

    def __init__(self, path: str, parser: _Parser):
        self.path = path
        self._parser = parser
        self._next: Callable[[], Event] = parser.get_event  # the events still to build
        self._anchors: dict[str, list[Event]] = {}  # anchor -> its node's events
        self._recording: list[list] = []  # [events, depth] of anchored nodes still open
        self._replaying = 0  # aliases being replayed: their anchors are known already
        self.value_paths: list[str] = []
        self.value_marks: list[int] = []
        self.key_paths: list[str] = []
        self.key_marks: list[int] = []
        self.found: dict[str, object] = {}
        self.diagnostics: list[Diagnostic] = []

    def read(self) -> object:
        """The document's data; _NOTHING for a stream without one, _RECURSIVE for one
        that would never end."""
        self._next()  # the stream's start
        event = self._next()
        if event.__class__ is StreamEndEvent:
            return _NOTHING
        root = self._next()  # past the document's start
        try:
            data = self.build(root, "")
        except RecursionError:
            data = _RECURSIVE
            self._next, self._replaying = self._parser.get_event, 0
        self._rest_of_document()
        event = self._next()
        if event.__class__ is not StreamEndEvent:
            raise ComposerError("expected a single document in the stream", root.start_mark,
                                "but found another document", event.start_mark)
        return data

    def _rest_of_document(self) -> None:
        """Read on to the document's end: only its end once it is built; after it could
        not be, its remaining events, as an error further on is the one to report."""
        while True:
            event = self._next()
            kind = event.__class__
            if kind is DocumentEndEvent:
                return
            if kind is not MappingEndEvent and kind is not SequenceEndEvent:
                self._check(event)

    def _mark(self, event: Event) -> Mark:
        return Mark(self.path, event.start_mark.line + 1, event.start_mark.column + 1)

    # -- anchors and aliases --------------------------------------------------------------

    def _check(self, event: Event) -> None:
        """What the composer checks of every node's first event, built or not."""
        if self._replaying:
            return
        if event.__class__ is AliasEvent:
            self._anchored(event)
        elif event.anchor is not None:
            self._anchor(event)

    def _anchor(self, event: Event) -> None:
        """Keep the events of a node given an anchor, for the aliases that follow."""
        anchor = event.anchor
        if anchor in self._anchors:
            raise ComposerError("found duplicate anchor; first occurrence",
                                self._anchors[anchor][0].start_mark, "second occurrence",
                                event.start_mark)
        events = self._anchors[anchor] = [event]
        if event.__class__ is not ScalarEvent:
            self._recording.append([events, 1])
            self._next = self._next_recorded

    def _next_recorded(self) -> Event:
        """The next event, also kept for every anchored node still open."""
        event = self._parser.get_event()
        kind = event.__class__
        step = (1 if kind is MappingStartEvent or kind is SequenceStartEvent
                else -1 if kind is MappingEndEvent or kind is SequenceEndEvent else 0)
        for recording in self._recording:
            recording[0].append(event)
            recording[1] += step
        if step < 0:
            self._recording = [recording for recording in self._recording if recording[1]]
            if not self._recording:
                self._next = self._parser.get_event
        return event

    def _anchored(self, alias: AliasEvent) -> list[Event]:
        """The events of the node an alias names."""
        events = self._anchors.get(alias.anchor)
        if events is None:
            raise ComposerError(None, None, "found undefined alias", alias.start_mark)
        return events

    def _alias(self, alias: AliasEvent, path: str) -> object:
        """The anchored node built again at `path`: its events replayed. An alias inside
        its own anchor replays itself until Python's recursion limit stops it."""
        events = self._anchored(alias)
        resume = self._next
        replay = iter(events)
        self._next = replay.__next__
        self._replaying += 1
        try:
            return self.build(next(replay), path)
        finally:
            self._next = resume
            self._replaying -= 1

    def _skip(self, event: Event, checked: bool = False) -> None:
        """Read past the node starting at `event` without building it (`checked`: its
        first event was already seen by `_check`)."""
        depth = 0
        while True:
            kind = event.__class__
            if kind is MappingEndEvent or kind is SequenceEndEvent:
                depth -= 1
            else:
                if not checked:
                    self._check(event)
                checked = False
                if kind is MappingStartEvent or kind is SequenceStartEvent:
                    depth += 1
            if not depth:
                return
            event = self._next()

    # -- nodes ----------------------------------------------------------------------------

    def build(self, event: Event, path: str) -> object:
        """The value of the node starting at `event`, written at `path`."""
        kind = event.__class__
        if kind is AliasEvent:
            return self._alias(event, path)
        if event.anchor is not None and not self._replaying:
            self._anchor(event)
        mark = event.start_mark
        self.value_paths.append(path)
        self.value_marks.append(mark.line << _SHIFT | mark.column)
        if kind is ScalarEvent:
            tag = _tag(event)
            value = event.value if tag == STR else self._typed(event, tag)
        elif kind is MappingStartEvent:
            value = self._mapping(path)
        else:
            value = self._sequence(path)
        self.found[path] = value
        return value

    def _sequence(self, path: str) -> list[object]:
        prefix = f"{path}." if path else ""
        items: list[object] = []
        value_paths, value_marks, found = self.value_paths, self.value_marks, self.found
        while True:
            event = self._next()
            kind = event.__class__
            if kind is SequenceEndEvent:
                return items
            item_path = intern(f"{prefix}{len(items)}")
            if kind is ScalarEvent and event.tag is None and event.anchor is None and (
                    not event.implicit[0] or ((text := event.value) and text[0] not in TYPED)):
                mark = event.start_mark
                value_paths.append(item_path)
                value_marks.append(mark.line << _SHIFT | mark.column)
                value = found[item_path] = event.value
                items.append(value)
            else:
                items.append(self.build(event, item_path))

    def _typed(self, event: ScalarEvent, tag: str) -> object:
        value = event.value
        try:
            return construct(tag, value)
        except UnsupportedTag:
            self.diagnostics.append(error(
                self._mark(event), "yaml.tag", f"unsupported YAML tag '{tag}'",
                "remove the tag: entries hold text, numbers, dates, lists and mappings only"))
        except Exception:  # any failure to read a scalar is the file's fault, not ours
            if tag != TIMESTAMP:
                short = tag.rsplit(":", 1)[-1]
                self.diagnostics.append(error(
                    self._mark(event), "yaml.tag", f"'{value}' cannot be read as {short}",
                    "remove the tag, or write a value of that type"))
            # "2021-02-30" looks like a timestamp but is no date: keep the text, so the
            # date check can say what is wrong with it.
        return value

    def _key(self, event: Event) -> tuple[object, ScalarEvent] | None:
        """A mapping key and the event it was read from; None (reported) when the key is
        not plain text: a list, a mapping or a merge key (<<)."""
        if event.__class__ is AliasEvent:
            event = self._anchored(event)[0]
        elif event.anchor is not None and not self._replaying:
            self._anchor(event)
        if event.__class__ is not ScalarEvent:
            self.diagnostics.append(error(
                self._mark(event), "yaml.key", "a key must be plain text, not a "
                + ("list" if event.__class__ is SequenceStartEvent else "mapping"),
                "write each key as `name: value`"))
            return None
        tag = _tag(event)
        if tag == STR:
            return event.value, event
        if tag.endswith(":merge"):
            self.diagnostics.append(error(
                self._mark(event), "yaml.key", "merge keys (<<) are not supported",
                "write the keys out in this entry"))
            return None
        return self._typed(event, tag), event

    def _mapping(self, path: str) -> dict[object, object]:
        result: dict[object, object] = {}
        prefix = f"{path}." if path else ""
        key_paths, key_marks = self.key_paths, self.key_marks
        value_paths, value_marks, found = self.value_paths, self.value_marks, self.found
        while True:
            event = self._next()
            kind = event.__class__
            if kind is ScalarEvent and event.tag is None and event.anchor is None and (
                    not event.implicit[0] or ((text := event.value) and text[0] not in TYPED)):
                key = event.value
                key_path = intern(prefix + key)
                key_event = event
            elif kind is MappingEndEvent:
                return result
            else:
                read = self._key(event)
                if read is None:
                    if kind is not AliasEvent:
                        self._skip(event, checked=True)
                    self._skip(self._next())
                    continue
                key, key_event = read
                key_path = intern(f"{prefix}{key}")
            if key in result:
                self.diagnostics.append(error(
                    self._mark(key_event), "yaml.duplicate-key",
                    f"duplicate key '{key}' (first written on line "
                    f"{self._first_line(result, key, key_path, prefix)})",
                    "YAML would silently keep only the last one: remove or merge them"))
                self._skip(self._next())
                continue
            mark = key_event.start_mark
            key_paths.append(key_path)
            key_marks.append(mark.line << _SHIFT | mark.column)
            event = self._next()
            if event.__class__ is ScalarEvent and event.tag is None and event.anchor is None and (
                    not event.implicit[0] or ((text := event.value) and text[0] not in TYPED)):
                mark = event.start_mark
                value_paths.append(key_path)
                value_marks.append(mark.line << _SHIFT | mark.column)
                result[key] = found[key_path] = event.value
            else:
                result[key] = self.build(event, key_path)

    def _first_line(self, result: dict, key: object, key_path: str, prefix: str) -> int:
        """The line of the first key written at `key_path`; or, when none was (1 and true
        are one key, written '1' and 'True'), of the equal key in this mapping."""
        if key_path not in self.key_paths:
            equal = next(written for written in result if written == key)
            key_path = f"{prefix}{equal}"
        return (self.key_marks[self.key_paths.index(key_path)] >> _SHIFT) + 1
