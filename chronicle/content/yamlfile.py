"""One YAML file in, plain data out, with the Mark of every key and value node.

PyYAML forgets where a value came from and silently keeps the last of two equal keys. Here
the C parser composes the node tree (8x faster than the pure one) and one walk over it builds
the data, records each node's line and column by its dotted path ("actors.0.role"), and
reports duplicate keys, so checks long after parsing can still point at file:line:column.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from sys import intern

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from chronicle.diagnostics import Diagnostic, error
from chronicle.model import Mark

try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # PyYAML built without libyaml: slower, same results
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
#: first characters that may start a non-text plain scalar (null, bool, number, date...)
_TYPED_STARTS = frozenset(c for c in _BaseLoader.yaml_implicit_resolvers if c)
#: the only words YAML 1.1 (as PyYAML reads it) takes for something other than text
_BOOLS = ("yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False",
          "FALSE", "on", "On", "ON", "off", "Off", "OFF")
_WORDS = {**dict.fromkeys(_BOOLS, "tag:yaml.org,2002:bool"),
          **dict.fromkeys(("null", "Null", "NULL"), "tag:yaml.org,2002:null")}


class _Loader(_BaseLoader):
    """The safe loader, answering "this is text" without its regexes when the first
    character or the word already rules out every other type (most values in an entry)."""

    def resolve(self, kind, value, implicit):  # type: ignore[no-untyped-def]
        if kind is ScalarNode:
            if not implicit[0] or (value and value[0] not in _TYPED_STARTS):
                return _STR
            if value[:1].isalpha():  # starts like "no" or "null": only those exact words
                return _WORDS.get(value, _STR)
            tag = _TAGS.get(value)  # dates and figures recur across thousands of files
            if tag is None:
                tag = _remember(_TAGS, value, super().resolve(kind, value, implicit))
            return tag
        elif kind is MappingNode:
            return _MAP
        elif kind is SequenceNode:
            return _SEQ
        return super().resolve(kind, value, implicit)


_MEMO_SIZE = 50_000
_TAGS: dict[str, str] = {}  # plain scalar -> its implicit tag, for the ones regexes decide
_VALUES: dict[tuple[str, str], object] = {}  # (tag, text) -> the immutable value it makes


def _remember(memo: dict, key: object, value: object) -> object:
    """Store in a memo that is emptied when full, so hostile input cannot grow it."""
    if len(memo) >= _MEMO_SIZE:
        memo.clear()
    memo[key] = value
    return value


_SCALAR_CONSTRUCTORS = {
    tag: constructor
    for tag, constructor in _Loader.yaml_constructors.items()
    if tag and tag.rsplit(":", 1)[-1] in ("null", "bool", "int", "float", "str", "timestamp")
}

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
        """From positions packed by `pack_position`."""
        return cls(path, tuple(keys), array("Q", positions))

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


def read_document(file: Path | str, path: str) -> tuple[Document | None, list[Diagnostic]]:
    """Read `file` (shown to people as `path`); None and the reasons when it cannot be used."""
    start = Mark(path, 1, 1)
    try:
        with open(file, "rb") as stream:
            raw = stream.read()
    except OSError as exc:
        return None, [error(start, "file.unreadable", f"cannot read the file: {exc.strerror}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        byte = raw[exc.start]
        return None, [error(
            offset_mark(path, raw, exc.start), "file.encoding",
            f"the file is not UTF-8 (byte 0x{byte:02x} at offset {exc.start})",
            "save it as UTF-8 (most editors: 'Save with encoding' or 'Reopen with encoding')",
        )]
    text = text.removeprefix("\ufeff")
    if not text.strip():
        return None, [error(start, "file.empty", "the file is empty",
                            "write the entry's keys, or delete the file")]
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_error(path, exc)]
    except yaml.YAMLError as exc:
        return None, [error(start, "yaml.syntax", f"YAML cannot be read: {exc}")]
    finally:
        loader.dispose()
    if node is None:
        return None, [error(start, "file.empty", "the file holds only comments",
                            "write the entry's keys, or delete the file")]
    builder = _Builder(path, loader)
    try:
        data = builder.build(node, "")
    except RecursionError:  # only an alias inside its own anchor nests this deep
        return None, [error(start, "yaml.syntax", "an alias refers to a node that contains it",
                            "write the value out instead of using *alias")]
    values = MarkMap.pack(path, builder.value_paths, builder.value_marks)
    keys = MarkMap.pack(path, builder.key_paths, builder.key_marks)
    return Document(path, data, values, keys, builder.found), builder.diagnostics


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


class _Builder:
    """One walk over the node tree: data, positions and node-level problems together.

    Called once per node of every file, so it is written for speed: class checks by
    identity, text values taken as they are without a call of their own, and positions
    packed into one integer (line << 32 | column, both 0-based) as they are met."""

    def __init__(self, path: str, loader: _Loader):
        self.path = path
        self.loader = loader
        self.value_paths: list[str] = []
        self.value_marks: list[int] = []
        self.key_paths: list[str] = []
        self.key_marks: list[int] = []
        self.found: dict[str, object] = {}
        self.diagnostics: list[Diagnostic] = []

    def _mark(self, node: Node) -> Mark:
        return Mark(self.path, node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: Node, path: str) -> object:
        mark = node.start_mark
        self.value_paths.append(path)
        self.value_marks.append(mark.line << _SHIFT | mark.column)
        kind = node.__class__
        if kind is ScalarNode:
            value = node.value if node.tag == _STR else self._typed(node)
        elif kind is MappingNode:
            value = self._mapping(node, path)
        else:
            value = self._sequence(node, path)
        self.found[path] = value
        return value

    def _text(self, node: Node, path: str) -> str:
        """`build` for a text scalar, the most common node by far."""
        mark = node.start_mark
        self.value_paths.append(path)
        self.value_marks.append(mark.line << _SHIFT | mark.column)
        value = self.found[path] = node.value
        return value

    def _sequence(self, node: SequenceNode, path: str) -> list[object]:
        prefix = f"{path}." if path else ""
        items = []
        for index, item in enumerate(node.value):
            item_path = intern(f"{prefix}{index}")
            if item.__class__ is ScalarNode and item.tag == _STR:
                items.append(self._text(item, item_path))
            else:
                items.append(self.build(item, item_path))
        return items

    def _typed(self, node: ScalarNode) -> object:
        tag = node.tag
        known = _VALUES.get((tag, node.value), _VALUES)
        if known is not _VALUES:
            return known
        constructor = _SCALAR_CONSTRUCTORS.get(tag)
        if constructor is None:
            self.diagnostics.append(error(
                self._mark(node), "yaml.tag", f"unsupported YAML tag '{tag}'",
                "remove the tag: entries hold text, numbers, dates, lists and mappings only"))
            return node.value
        try:
            value = constructor(self.loader, node)
        except Exception:  # any failure to read a scalar is the file's fault, not ours
            if tag != _TIMESTAMP:
                short = tag.rsplit(":", 1)[-1]
                self.diagnostics.append(error(
                    self._mark(node), "yaml.tag", f"'{node.value}' cannot be read as {short}",
                    "remove the tag, or write a value of that type"))
            # "2021-02-30" looks like a timestamp but is no date: keep the text, so the
            # date check can say what is wrong with it.
            return node.value
        return _remember(_VALUES, (tag, node.value), value)

    def _mapping(self, node: MappingNode, path: str) -> dict[object, object]:
        result: dict[object, object] = {}
        prefix = f"{path}." if path else ""
        key_paths = self.key_paths
        for key_node, value_node in node.value:
            if key_node.__class__ is not ScalarNode:
                self.diagnostics.append(error(
                    self._mark(key_node), "yaml.key", "a key must be plain text, not a "
                    + ("list" if key_node.__class__ is SequenceNode else "mapping"),
                    "write each key as `name: value`"))
                continue
            if key_node.tag == _STR:
                key = key_node.value
            elif key_node.tag.endswith(":merge"):
                self.diagnostics.append(error(
                    self._mark(key_node), "yaml.key", "merge keys (<<) are not supported",
                    "write the keys out in this entry"))
                continue
            else:
                key = self._typed(key_node)
            key_path = intern(f"{prefix}{key}")
            if key in result:
                first = (self.key_marks[key_paths.index(key_path)] >> _SHIFT) + 1
                self.diagnostics.append(error(
                    self._mark(key_node), "yaml.duplicate-key",
                    f"duplicate key '{key}' (first written on line {first})",
                    "YAML would silently keep only the last one: remove or merge them"))
                continue
            mark = key_node.start_mark
            key_paths.append(key_path)
            self.key_marks.append(mark.line << _SHIFT | mark.column)
            if value_node.__class__ is ScalarNode and value_node.tag == _STR:
                result[key] = self._text(value_node, key_path)
            else:
                result[key] = self.build(value_node, key_path)
        return result
