"""The exports' bytes made from pieces, never from whole documents.

A document of 10,000 events built as one object and encoded at once has to be built and
encoded whole after every edit; made of pieces (one compact JSON object or one CSV line per
event) joined here, it is the same bytes and each piece can be kept (pieces.py). The pieces
are formatted by hand where the standard encoders are slow: the results are exactly what
`json.dumps(..., ensure_ascii=False, separators=(",", ":"))` and `csv.writer` make, which
tests/test_exports.py checks by encoding the parsed exports again.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring

#: compact JSON: the C encoder only runs without indent, 10x faster at 50,000 events
JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
#: a str as a JSON string, quotes included: the C function the encoder above calls
json_string = encode_basestring


def json_optional(text: str | None) -> str:
    return "null" if text is None else encode_basestring(text)


def json_int(number: int | None) -> str:
    """An int (never a bool: those are "true"/"false") or None, as the encoder writes it."""
    return "null" if number is None else int.__repr__(number)


def json_pattern(*keys: str) -> str:
    """The `%` pattern of an object with these keys in this order (identifiers, which need
    no escaping): `pattern % (values)`, the values already in JSON, writes the object in
    one C call, where a dict of members joined in Python took four times as long."""
    return "{" + ",".join([f'"{key}":%s' for key in keys]) + "}"


def json_array(items: list[str]) -> str:
    return "[" + ",".join(items) + "]"


def json_document(head: str, pieces: list[bytes], tail: str = "}") -> bytes:
    """`head` + the pieces as a JSON array + `tail` + a newline: what the encoder makes of
    the whole object (each piece being the compact JSON of one list item). Head and tail
    are glued to the end pieces, so the megabytes are copied once."""
    start, end = (head + "[").encode(), ("]" + tail + "\n").encode()
    if not pieces:
        return start + end
    if len(pieces) == 1:
        return start + pieces[0] + end
    return b",".join([start + pieces[0], *pieces[1:-1], pieces[-1] + end])


def csv_line(fields: tuple) -> str:
    """One row as `csv.writer(..., lineterminator="\\n").writerow` writes it, five times
    faster on rows with a long text field (the C writer copies character by character)."""
    if len(fields) == 1 and fields[0] in ("", None):
        return '""\n'  # what csv writes, so the row is not read back as no row at all
    return ",".join([_csv_field(field) for field in fields]) + "\n"


def _csv_field(field: object) -> str:
    if not isinstance(field, str):  # a number's digits never need quotes
        return "" if field is None else str(field)
    # what makes csv.writer (minimal quoting, "\n" line ends) quote a field: the delimiter,
    # the quote character, or a character of the line terminator (three scans in C)
    if "," in field or '"' in field or "\n" in field:
        return '"' + field.replace('"', '""') + '"'
    return field
