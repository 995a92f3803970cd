"""The plain YAML that entry files are nearly always written in, read without libyaml.

libyaml's event stream is most of the cost of reading an entry: a Python object for every
event and every mark, for files that are mostly `key: value` lines. This reader takes the
usual shapes line by line: block mappings and sequences, one-line plain and quoted
scalars, one-line flow lists and mappings, literal and folded block scalars. On anything
else (anchors, tags, multi-line plain or quoted scalars, tabs, other line breaks, empty
items, duplicate keys, a value its tag cannot make...) it gives up, and the careful reader
(yamlfile) reads the file and reports what is wrong. So a file reads the same either way,
data, marks and diagnostics: tests/test_load_subset.py holds the two readers to that.
"""

from __future__ import annotations

import re
from sys import intern

from chronicle.content.yamlscalar import STR, TYPED, WORDS, construct, plain_tag

#: anything but a line feed and the printable characters that read the same everywhere
#: (tabs, carriage returns, other line breaks, byte order marks, control characters)
_UNUSUAL = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
                      "\U00010000-\U0010ffff]")
_USUAL_ASCII = bytes(range(0x20, 0x7F)) + b"\n"
_NAME = r"[A-Za-z_][A-Za-z0-9_-]*"  # a key that is text, unless a YAML word (checked after)
_KEY = rf"({_NAME})"
_WORD = r"[A-Za-z0-9_][A-Za-z0-9_.-]*"  # a plain scalar of one word, in any context
_COMMENT = r"(?: +#.*| *)$"  # nothing more on the line but a comment
#: a line's indent, a sequence item's dash and a key, each when written; its value starts
#: where the match ends
_LINE = re.compile(rf"( *)(- +)?(?:{_KEY}:(?: +|$))?")
_NOT_PLAIN = frozenset("?:,[]{}#&*!|>'\"%@`")  # what a plain scalar cannot start with
#: one item of a flow collection (its key, in a mapping): quoted or plain, then a comma
#: and spaces, or the closing bracket
_FLOW_ITEM = re.compile(rf""" *(?:{_KEY}: +)?(?:"([^"\\]*)"|'((?:[^']|'')*)'"""
                        r"""|([^ \-?:,\[\]{}#&*!|>'"%@`][^,\[\]{}:#]*?)) *(?:(,) *|([\]}]))""")
#: a flow list or mapping of words written as most are: each item followed by ", " and each
#: key by ": ", nothing quoted, nested or spaced out
_FLAT = re.compile(rf"\[((?:{_WORD}, )*{_WORD})\]|\{{((?:{_NAME}: {_WORD}, )*{_NAME}: {_WORD})\}}")
_FLOW_NESTED = re.compile(rf" *(?:{_KEY}: +)?(?=[\[{{])")  # an item that is a collection
_FLOW_NEXT = re.compile(r" *(?:(,) *|([\]}]))")
_QUOTED = re.compile(rf""""([^"\\]*)"{_COMMENT}|'((?:[^']|'')*)'{_COMMENT}""")
_BLOCK_HEADER = re.compile(rf"([|>])(-?){_COMMENT}")
_LINE_END = re.compile(_COMMENT)
_SHIFT = 32  # positions packed as yamlfile packs them: line << 32 | column, 0-based


class _NotPlain(Exception):
    """The file goes beyond the subset read here."""


class SubsetRead:
    """A file's data and the positions of its nodes, in the order yamlfile records them:
    each node's value path before its children's, each key's before its value's.

    One pass over the lines, with the block collections still open on a stack: every line
    of a block is a key of the mapping at its indent or an item of the sequence at its
    indent, and closes whatever was more indented."""

    def __init__(self, text: str):
        self.lines = text.split("\n")
        self.data: object = None
        self.value_paths: list[str] = []
        self.value_marks: list[int] = []
        self.key_paths: list[str] = []
        self.key_marks: list[int] = []
        self.found: dict[str, object] = {}

    def read(self) -> None:
        lines, found = self.lines, self.found
        add_path, add_mark = self.value_paths.append, self.value_marks.append
        stack: list[tuple[int, dict | list, str, str, bool]] = []  # open block collections:
        # (indent, collection, path, its children's path prefix, is an indentless sequence)
        pending = None  # a key with nothing after it on its line, and where it was
        resume = 0  # the first line not yet read (block scalars read on)
        for row, line in enumerate(lines):
            if row < resume:
                continue
            match = _LINE.match(line)
            indent_text, dash, key = match.groups()
            column = match.end()
            if dash is None and key is None and (column == len(line) or line[column] == "#"):
                continue  # blank, or a comment
            plain = _plain(line, column)
            indent = len(indent_text)
            if not stack:  # the document's mapping
                if indent or key is None or dash is not None:
                    raise _NotPlain
                add_path("")
                add_mark(row << _SHIFT)
                stack.append((0, {}, "", "", False))
            if pending is not None:
                self._settle(pending, row, indent, dash is not None, stack)
                pending = None
            top = stack[-1]
            while indent < top[0] or (top[4] and indent == top[0] and dash is None):
                found[top[2]] = top[1]
                stack.pop()
                top = stack[-1]
            if indent != top[0]:
                raise _NotPlain
            collection = top[1]
            if collection.__class__ is list:
                if dash is None:
                    raise _NotPlain
                item_path = intern(f"{top[3]}{len(collection)}")
                if key is None:  # a value of its own
                    if plain is None:
                        item, resume = self._value(line, row, column, item_path, indent)
                    else:
                        item = found[item_path] = _scalar(plain)
                        add_path(item_path)
                        add_mark(row << _SHIFT | column)
                    collection.append(item)
                    continue
                indent += len(dash)  # a mapping, its first key on the dash's line
                add_path(item_path)
                add_mark(row << _SHIFT | indent)
                mapping: dict = {}
                collection.append(mapping)
                collection = mapping
                top = (indent, mapping, item_path, f"{item_path}.", False)
                stack.append(top)
            elif dash is not None or key is None:
                raise _NotPlain
            key_path = self._key(collection, top[3], key, row, indent)
            if plain is not None:
                collection[key] = found[key_path] = (
                    plain if plain[0] not in TYPED else _scalar(plain))
                add_path(key_path)
                add_mark(row << _SHIFT | column)
            elif column == len(line) or line[column] == "#":
                collection[key] = None  # its place among the keys; what it is comes next
                pending = (key_path, collection, key, row, indent + len(key) + 1, indent)
            else:
                collection[key], resume = self._value(line, row, column, key_path, indent)
        if not stack:
            raise _NotPlain  # only comments
        if pending is not None:
            self._settle(pending, len(lines), -1, False, stack)
        for _, collection, path, _, _ in reversed(stack):
            found[path] = collection
        self.data = stack[0][1]

    def _key(self, mapping: dict, prefix: str, key: str, row: int, column: int) -> str:
        """A mapping's next key, its path recorded and marked: a key met twice, or one
        that YAML would read as a word of its own (`yes`, `null`...), is not plain."""
        if key in mapping or key in WORDS:
            raise _NotPlain
        path = intern(prefix + key)
        self.key_paths.append(path)
        self.key_marks.append(row << _SHIFT | column)
        return path

    def _record(self, path: str, row: int, column: int) -> None:
        self.value_paths.append(path)
        self.value_marks.append(row << _SHIFT | column)

    def _settle(self, pending: tuple, row: int, indent: int, dash: bool, stack: list) -> None:
        """What a key with nothing after it holds, now that the next line is known: the
        block collection starting there when it is more indented (or a sequence at the
        key's own indent), else None (marked right after the key's colon)."""
        path, mapping, key, key_row, colon, parent = pending
        if indent > parent or (dash and indent == parent):
            self._record(path, row, indent)
            mapping[key] = collection = [] if dash else {}
            stack.append((indent, collection, path, f"{path}.", dash and indent == parent))
        else:
            self._record(path, key_row, colon)
            self.found[path] = None

    def _value(self, line: str, row: int, column: int, path: str,
               parent: int) -> tuple[object, int]:
        """A value that is not plain, written from `column` on in a collection at indent
        `parent`, and the first line after it."""
        if column == len(line) or line[column] == "#":
            raise _NotPlain  # an empty item
        first = line[column]
        if first == "|" or first == ">":
            return self._block_scalar(row, column, path, parent)
        if first == "[" or first == "{":
            flat = _FLAT.match(line, column)
            if flat is None:
                value, end = self._flow(line, row, column, path)  # recorded, items and all
            else:
                value, end = self._flat(flat, row, path), flat.end()
            if not _LINE_END.match(line, end):
                raise _NotPlain
            return value, row + 1
        match = _QUOTED.match(line, column)
        if match is None:
            raise _NotPlain  # a plain scalar beyond the subset, or a quoted one going on
        value = match[2].replace("''", "'") if match[1] is None else match[1]
        self._record(path, row, column)
        self.found[path] = value
        return value, row + 1

    def _flat(self, flat: re.Match, row: int, path: str) -> list | dict:
        """A flow collection that _FLAT matched: its items found by splitting."""
        column = flat.start()
        self._record(path, row, column)
        found, prefix = self.found, f"{path}." if path else ""
        add_path, add_mark = self.value_paths.append, self.value_marks.append
        position = column + 1  # where the next item starts
        if flat[1] is not None:
            items = []
            for word in flat[1].split(", "):
                item_path = intern(f"{prefix}{len(items)}")
                value = found[item_path] = _scalar(word)
                items.append(value)
                add_path(item_path)
                add_mark(row << _SHIFT | position)
                position += len(word) + 2
            found[path] = items
            return items
        mapping: dict[str, object] = {}
        for pair in flat[2].split(", "):
            key, word = pair.split(": ")
            key_path = self._key(mapping, prefix, key, row, position)
            value = found[key_path] = mapping[key] = _scalar(word)
            add_path(key_path)
            add_mark(row << _SHIFT | (position + len(key) + 2))
            position += len(pair) + 2
        found[path] = mapping
        return mapping

    def _flow(self, line: str, row: int, column: int, path: str) -> tuple[object, int]:
        """A flow list or mapping closed on its own line, and the column after it."""
        self._record(path, row, column)
        found, prefix = self.found, f"{path}." if path else ""
        closing = "]" if line[column] == "[" else "}"
        collection: list | dict = [] if closing == "]" else {}
        after = _FLOW_NEXT.match(line, column + 1)
        if after is not None and after[1] is None:  # [] or {}
            if after[2] != closing:
                raise _NotPlain
            found[path] = collection
            return collection, after.end()
        position = column + 1
        while True:
            item = _FLOW_ITEM.match(line, position)
            if item is None:
                item = _FLOW_NESTED.match(line, position)
                if item is None:
                    raise _NotPlain
            key = item[1]
            if (key is None) != (closing == "]"):
                raise _NotPlain
            if key is None:
                item_path = intern(f"{prefix}{len(collection)}")
            else:
                item_path = self._key(collection, prefix, key, row, item.start(1))
            if item.re is _FLOW_NESTED:
                value, position = self._flow(line, row, item.end(), item_path)
                after = _FLOW_NEXT.match(line, position)
                if after is None:
                    raise _NotPlain
            else:
                if item[4] is not None:
                    value, start = _scalar(item[4]), item.start(4)
                elif item[2] is not None:
                    value, start = item[2], item.start(2) - 1
                else:
                    value, start = item[3].replace("''", "'"), item.start(3) - 1
                self._record(item_path, row, start)
                found[item_path] = value
                after = item
            if key is None:
                collection.append(value)  # type: ignore[union-attr]
            else:
                collection[key] = value  # type: ignore[index]
            if after.re is _FLOW_ITEM:
                comma, end = after[5], after[6]
            else:
                comma, end = after[1], after[2]
            if comma is None:
                if end != closing:
                    raise _NotPlain
                found[path] = collection
                return collection, after.end()
            position = after.end()

    def _block_scalar(self, row: int, column: int, path: str, parent: int) -> tuple[str, int]:
        """A literal (|) or folded (>) block scalar, kept or stripped of its final line
        break, whose first line is written (more indented than `parent`) right under it."""
        lines = self.lines
        header = _BLOCK_HEADER.match(lines[row], column)
        first = row + 1
        if header is None or first == len(lines):
            raise _NotPlain
        line = lines[first]
        indent = len(line) - len(line.lstrip(" "))
        if indent <= parent or indent == len(line):
            raise _NotPlain
        folded = header[1] == ">"
        kept: list[str] = []  # content lines, "" for empty ones
        last = first  # the last line with content
        end = first
        while end < len(lines):
            line = lines[end]
            text = line.lstrip(" ")
            if not text:
                if len(line) > indent:
                    raise _NotPlain  # spaces beyond the indent are content
                kept.append("")
            elif len(line) - len(text) < indent:
                break
            elif folded and len(line) - len(text) > indent:
                raise _NotPlain  # more indented lines keep their breaks
            else:
                kept.append(line[indent:])
                last = end
            end += 1
        del kept[last - first + 1:]
        value = _fold(kept) if folded else "\n".join(kept)
        if not header[2] and last + 1 < len(lines):  # clip: one final line break, if any
            value += "\n"
        self._record(path, row, column)
        self.found[path] = value
        return value, end


def _fold(lines: list[str]) -> str:
    """Folded lines: a single line break is a space, and each empty line a line break."""
    parts = [lines[0]]
    breaks = 0
    for line in lines[1:]:
        if not line:
            breaks += 1
            continue
        parts.append("\n" * breaks if breaks else " ")
        parts.append(line)
        breaks = 0
    return "".join(parts)


def _plain(line: str, column: int) -> str | None:
    """The one-line plain scalar written from `column` on; None when what is there is no
    plain scalar (nothing, a comment, a quoted scalar, a flow collection...)."""
    first = line[column:column + 1]
    if not first or first in _NOT_PLAIN:
        return None
    text = line[column:]
    cut = text.find(" #")
    if cut >= 0:
        text = text[:cut]
    text = text.rstrip(" ")
    if ": " in text or text[-1] == ":" or (first == "-" and (len(text) == 1 or text[1] == " ")):
        raise _NotPlain  # a mapping or sequence on one line, or text beyond the subset
    return text


def _scalar(text: str) -> object:
    """A plain scalar's value: text, or what its implicit tag makes of it."""
    if text[0] not in TYPED:
        return text
    tag = plain_tag(text)
    if tag == STR:
        return text
    try:
        return construct(tag, text)
    except Exception:  # an unsupported tag or a value of no type: the careful reader says
        raise _NotPlain from None


def read_subset(text: str) -> SubsetRead | None:
    """`text` read as yamlfile would read it, or None when it goes beyond the subset."""
    if text.isascii():
        if text.encode("ascii").translate(None, _USUAL_ASCII):
            return None
    elif _UNUSUAL.search(text):
        return None
    read = SubsetRead(text)
    try:
        read.read()
    except _NotPlain:
        return None
    return read
