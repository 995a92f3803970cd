"""Make a Pagefind bundle byte-identical from run to run.

Pagefind (1.5) writes its filter indexes and the language metadata that names them from Rust
hash maps, so the order of filter values, and with it the files' hashed names, changes on
every run (its maintainer's note: pagefind/pagefind#638; fragments are stable since 1.3).
Chronicle promises the same bytes for the same input, so after indexing it rewrites those few
files in a canonical order: filter values sorted, filters sorted by name, each file renamed
after a hash of its new content, and the references to them updated.

The files are gzip'd CBOR after a "pagefind_dcd" signature; the tiny codec here covers the
CBOR Pagefind writes (unsigned and negative integers, byte and text strings, arrays, maps,
simple values), definite lengths, shortest form, as Pagefind encodes it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import struct
from pathlib import Path

SIGNATURE = b"pagefind_dcd"


def head(major: int, value: int) -> bytes:
    """A CBOR item's first bytes: its major type and a length or value, shortest form."""
    if value < 24:
        return bytes([major << 5 | value])
    for extra, size, fmt in ((24, 1, ">B"), (25, 2, ">H"), (26, 4, ">I"), (27, 8, ">Q")):
        if value < 1 << (8 * size):
            return bytes([major << 5 | extra]) + struct.pack(fmt, value)
    raise ValueError("integer too large for CBOR")


def encode(value: object) -> bytes:
    if isinstance(value, bool) or value is None:
        return bytes([0xF5 if value is True else 0xF4 if value is False else 0xF6])
    if isinstance(value, int):
        return head(0, value) if value >= 0 else head(1, -1 - value)
    if isinstance(value, bytes):
        return head(2, len(value)) + value
    if isinstance(value, str):
        data = value.encode("utf-8")
        return head(3, len(data)) + data
    if isinstance(value, list):
        return head(4, len(value)) + b"".join(encode(v) for v in value)
    if isinstance(value, dict):
        return head(5, len(value)) + b"".join(encode(k) + encode(v) for k, v in value.items())
    raise TypeError(f"cannot encode {type(value).__name__}")


def decode(data: bytes) -> object:
    value, end = _decode(data, 0)
    if end != len(data):
        raise ValueError("trailing bytes after CBOR value")
    return value


def _decode(data: bytes, at: int) -> tuple[object, int]:
    first = data[at]
    major, info = first >> 5, first & 31
    at += 1
    if major == 7:
        simple = {20: False, 21: True, 22: None}
        if info in simple:
            return simple[info], at
        raise ValueError(f"unsupported CBOR simple value {info}")
    if info < 24:
        arg = info
    elif info <= 27:
        size = 1 << (info - 24)
        arg = int.from_bytes(data[at:at + size], "big")
        at += size
    else:
        raise ValueError("indefinite-length CBOR is not expected from Pagefind")
    if major == 0:
        return arg, at
    if major == 1:
        return -1 - arg, at
    if major == 2:
        return bytes(data[at:at + arg]), at + arg
    if major == 3:
        return data[at:at + arg].decode("utf-8"), at + arg
    if major == 4:
        items = []
        for _ in range(arg):
            item, at = _decode(data, at)
            items.append(item)
        return items, at
    if major == 5:
        mapping = {}
        for _ in range(arg):
            key, at = _decode(data, at)
            mapping[key], at = _decode(data, at)
        return mapping, at
    raise ValueError(f"unsupported CBOR major type {major}")


def _read(path: Path) -> object:
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(SIGNATURE):
        raise ValueError(f"{path} is not a Pagefind data file")
    return decode(raw[len(SIGNATURE):])


def _write(folder: Path, prefix: str, hash_length: int, suffix: str, value: object) -> str:
    """Write value under a name hashed from its content; return the hash part of the name."""
    raw = SIGNATURE + encode(value)
    digest = prefix + hashlib.sha256(raw).hexdigest()[:hash_length]
    (folder / f"{digest}{suffix}").write_bytes(gzip.compress(raw, compresslevel=6, mtime=0))
    return digest


def _split_hash(name: str) -> tuple[str, int]:
    """"en_9230477" -> ("en_", 7): keep Pagefind's language prefix and hash length."""
    language, _, digest = name.rpartition("_")
    return f"{language}_", len(digest)


def canonicalise(bundle: Path) -> None:
    """Rewrite the filter files, the metadata and the entry file of `bundle` canonically."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    filters = bundle / "filter"
    for language in entry["languages"].values():
        meta_path = bundle / f"pagefind.{language['hash']}.pf_meta"
        meta = _read(meta_path)
        renamed = []
        for name, old in meta[3]:  # [version, pages, index chunks, filters, sorts, ...]
            old_path = filters / f"{old}.pf_filter"
            filter_name, values = _read(old_path)
            values = sorted(([value, sorted(pages)] for value, pages in values),
                            key=lambda row: row[0])
            prefix, length = _split_hash(old)
            old_path.unlink()
            renamed.append([name, _write(filters, prefix, length, ".pf_filter",
                                         [filter_name, values])])
        meta[3] = sorted(renamed, key=lambda row: row[0])
        prefix, length = _split_hash(language["hash"])
        meta_path.unlink()
        language["hash"] = _write(bundle, "pagefind." + prefix, length, ".pf_meta", meta)
        language["hash"] = language["hash"].removeprefix("pagefind.")
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")),
                          encoding="utf-8")
