"""Pagefind 1.5.2's search bundle, written by Chronicle instead of Pagefind's binary.

The binary re-reads every page on every build, on one core, and holds the whole site in
memory (~12 s and ~100 s at 10k and 50k events). The bundle it writes is a plain format
(`pagefind/src/index/`, `output/`): gzip'd CBOR word-index chunks, filter indexes and a
metadata file, and one gzip'd JSON fragment per page. So Chronicle writes it in two steps:

- `read_page(url, html)`: one page's searchable part into a `PageRecord` (its words with
  positions and weights, already packed as the index stores them, its fragment, filters,
  metadata). Pure, cheap, and keyed by a digest of its input, so a save re-reads only the
  pages whose searchable text changed (and it can run in forked render workers).
- the merge (pagefind_merge): page numbers, word chunks, filters, metadata, the entry
  file, and Pagefind's own runtime (its JS, CSS and WASM, taken from the pinned binary:
  see search.runtime_files); `write_files` puts them on disk.

The result is what `pagefind --service` plus `pagefind_canon.canonicalise` write for the same
pages, decoded content for decoded content (tests/test_search_writer.py checks it against
the binary); only gzip's bytes differ, so Pagefind's own runtime reads it unchanged.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import operator
import os
import re
from dataclasses import dataclass
from pathlib import Path

from chronicle.pagefind_canon import SIGNATURE, encode, head
from chronicle.pagefind_flat import parse_flat
from chronicle.pagefind_html import exclusion_selectors, parse_page
from chronicle.pagefind_words import read_meta_words, read_words

#: The Pagefind version whose format this writes; the pinned `pagefind[bin]`.
PAGEFIND_VERSION = "1.5.2"
#: Bumped when this writer's output changes: cached page records and bundles made by an
#: older version are not reused.
RECORD_VERSION = "3"
GZIP_LEVEL = 6  # as pagefind_canon compresses: the filters and metadata come out the same


@dataclass(frozen=True, slots=True)
class PageRecord:
    """One page, read and packed: everything the merge needs and nothing it must redo.
    Plain data only (str, bytes, int, tuples, dicts), so a cache can keep it with marshal."""
    url: str
    language: str
    has_custom_body: bool
    has_words: bool  # words in its text (lib.rs leaves out a page without, whatever its meta)
    fragment_hash: str  # utils.rs `full_hash` of the fragment's JSON
    fragment: bytes  # the fragment file: gzip'd signature + serde_json of the fragment
    word_count: int
    filters: tuple[tuple[str, tuple[str, ...]], ...]
    sort: tuple[tuple[str, str], ...]
    #: the metadata fields the meta locations below are numbered by (see `read_page`)
    meta_fields: tuple[str, ...]
    #: stem -> (CBOR of its locations and of its meta locations, how many numbers those
    #: hold), in index/mod.rs `positions_to_packed_page` form; the merge only adds the
    #: page number
    words: dict[str, tuple[bytes, int]]
    #: stem -> ((form with diacritics, CBOR of its locations and meta locations), ...)
    variants: dict[str, tuple[tuple[str, bytes], ...]]

    def as_tuple(self) -> tuple:
        return tuple(getattr(self, name) for name in self.__slots__)


_TABLE_LOW, _TABLE_HIGH = -256, 1 << 16
_INTS = [encode(v) for v in range(_TABLE_LOW, _TABLE_HIGH)]  # the usual locations, encoded


def cbor_ints(values: list[int]) -> bytes:
    """A CBOR array of integers, shortest form, as minicbor writes it."""
    table = _INTS
    try:
        body = b"".join([table[v - _TABLE_LOW] for v in values])
        if min(values, default=0) < _TABLE_LOW:
            raise IndexError
    except IndexError:
        body = b"".join([encode(v) for v in values])
    return head(4, len(values)) + body


_EMPTY = cbor_ints([])
_DEFAULT_WEIGHT = 24  # fossick/mod.rs: weight 1.0 times the multiplier
_ONE_LOCATION = b"\x82" + encode(-_DEFAULT_WEIGHT - 1)  # [-25, position]: one word, weight 24


#: (packed locations, count) of a word met once at the default weight, by position
_SINGLES = [(_ONE_LOCATION + head(0, p) + _EMPTY, 2) for p in range(4096)]
_UINTS = _INTS[-_TABLE_LOW:]  # by value: the deltas of positions in order are never negative
#: the head of a word's locations when all its `n` positions are at the default weight
_ARRAY_HEADS = [head(4, n + 1) + _ONE_LOCATION[1:] for n in range(1024)]


def _pack_locations(positions: list[tuple[int, int, str | None]]) -> list[int]:
    """index/mod.rs `positions_to_packed_page`: sorted by weight (25 first) then position,
    delta-coded, a negative number announcing each change of weight."""
    positions = sorted(positions, key=lambda p: (0 if p[1] == 25 else p[1], p[0]))
    current, last, packed = 25, 0, []
    for position, weight, _ in positions:
        if weight != current:
            packed.append(-weight - 1)
            packed.append(position)
            current = weight
        else:
            packed.append(position - last)
        last = position
    return packed


def _meta_locations(entries) -> list[int]:
    """index/mod.rs `meta_positions_to_packed`: field changes as negative numbers."""
    packed, current, last = [], None, 0
    for field_id, position, _ in sorted(entries, key=lambda e: (e[0], e[1])):
        if field_id != current:
            packed.append(-(field_id + 1))
            current, last = field_id, 0
        packed.append(position - last)
        last = position
    return packed


def compact_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


_PRIVATE = re.compile(r"___PAGEFIND_[\S]+\s?")


def read_page(url: str, page: str, exclude: tuple[str, ...] = (),
              fields: tuple[str, ...] | None = None) -> PageRecord:
    """The per-page step: HTML (a page's searchable part) to its packed record.

    Meta locations are numbered by `fields`, the site's metadata fields; by default the
    page's own, which is the site's whenever every page has the same fields (Chronicle's
    pages all have just a title). The merge re-reads a page whose fields differ. A page in
    the usual form is read by pagefind_flat, anything else by pagefind_html's parser (the
    same reading, slower)."""
    exclusions = exclusion_selectors(tuple(exclude))
    parsed = parse_flat(page, exclusions) or parse_page(page, exclusions)
    for values in parsed.filters.values():  # fossick/mod.rs `tidy_meta_and_filters`
        values[:] = [_PRIVATE.sub("", v) if "___PAGEFIND_" in v else v for v in values]
    meta = {k: _PRIVATE.sub("", v) if "___PAGEFIND_" in v else v
            for k, v in parsed.meta.items()}
    language = parsed.language
    content, words, anchors, word_count, mixed = read_words(parsed.digest, language,
                                                            parsed.anchor_content)
    filters = dict(sorted(parsed.filters.items()))
    anchor_list = [{"element": e, "id": i, "text": t, "location": loc}
                   for e, i, t, loc in anchors]
    fragment = compact_json({"url": url, "content": content, "word_count": word_count,
                      "filters": filters, "meta": meta, "anchors": anchor_list}).encode()
    own_fields = tuple(sorted(meta))
    fields = own_fields if fields is None else fields
    meta_words = read_meta_words(meta, language)
    if meta_words and fields != own_fields:
        number = {name: fields.index(name) for name in own_fields}
        meta_words = {stem: [(number[own_fields[f]], p, o) for f, p, o in entries]
                      for stem, entries in meta_words.items()}
    packed: dict[str, tuple[bytes, int]] = {}
    variants: dict[str, tuple[tuple[str, bytes], ...]] = {}
    uints, singles, heads = _UINTS, _SINGLES, _ARRAY_HEADS
    encoded, sub, chain = uints.__getitem__, operator.sub, itertools.chain
    some_singles, some_uints, some_heads = len(singles), len(uints), len(heads)
    for stem, positions in words.items():
        first = positions[0]
        if first.__class__ is int:
            count = len(positions)
            if count == 1:
                packed[stem] = (singles[first] if first < some_singles else
                                (_ONE_LOCATION + head(0, first) + _EMPTY, 2))
                continue
            if stem not in mixed and positions[-1] < some_uints and count < some_heads:
                # in order, all at weight 24: [-25, deltas...], the deltas from a table
                packed[stem] = (heads[count] + b"".join(
                    map(encoded, map(sub, positions, chain((0,), positions)))) + _EMPTY,
                    count + 1)
                continue
        positions = [(p, _DEFAULT_WEIGHT, None) if p.__class__ is int else p
                     for p in positions]
        if len(positions) == 1 and positions[0][2] is None:
            locs = _pack_locations(positions)
            packed[stem] = (cbor_ints(locs) + _EMPTY, len(locs))
            continue
        plain = [p for p in positions if p[2] is None]
        if plain:
            locs = _pack_locations(plain)
            packed[stem] = (cbor_ints(locs) + _EMPTY, len(locs))
        if len(plain) != len(positions):
            forms: dict[str, list] = {}
            for p in positions:
                if p[2] is not None:
                    forms.setdefault(p[2], []).append(p)
            variants[stem] = tuple((form, cbor_ints(_pack_locations(forms[form])) + _EMPTY)
                                   for form in sorted(forms))
    for stem, entries in meta_words.items():  # index/mod.rs: meta locations join the page's
        plain = [e for e in entries if e[2] is None]
        if plain:
            meta_locs = _meta_locations(plain)
            if stem in packed:
                locs_bytes, count = packed[stem]
                packed[stem] = (locs_bytes[:-len(_EMPTY)] + cbor_ints(meta_locs),
                                count + len(meta_locs))
            else:
                packed[stem] = (_EMPTY + cbor_ints(meta_locs), len(meta_locs))
        forms = {}
        for e in entries:
            if e[2] is not None:
                forms.setdefault(e[2], []).append(e)
        if forms:
            known = dict(variants.get(stem, ()))
            for form in sorted(forms):
                meta_locs = cbor_ints(_meta_locations(forms[form]))
                if form in known:
                    known[form] = known[form][:-len(_EMPTY)] + meta_locs
                else:
                    known[form] = _EMPTY + meta_locs
            variants[stem] = tuple(known.items())
    return PageRecord(url, language, parsed.has_custom_body, bool(words), full_hash(fragment),
                      compressed(fragment), word_count,
                      tuple((k, tuple(v)) for k, v in filters.items()),
                      tuple(sorted(parsed.sort.items())), fields, packed, variants)


def full_hash(data: bytes) -> str:
    """utils.rs `full_hash`: SHA-1 as Rust's `{:x?}` prints each byte (no zero padding)."""
    return "".join([_HEX[b] for b in hashlib.sha1(data).digest()])


_HEX = [format(b, "x") for b in range(256)]


def compressed(raw: bytes, level: int = GZIP_LEVEL) -> bytes:
    return gzip.compress(SIGNATURE + raw, compresslevel=level, mtime=0)


def site_fields(records: list[PageRecord]) -> tuple[str, ...]:
    """index/mod.rs: the site's metadata fields, sorted; meta locations number them."""
    return tuple(sorted({f for r in records for f in r.meta_fields}))


def write_files(files: dict[str, bytes], folder: Path, reuse: list[Path] = ()) -> int:
    """Write a bundle's files into `folder`; return how many were hard-linked instead.

    A file with the same name and bytes in a bundle of `reuse` (the one this replaces) is
    linked, not written: creating ten thousand small files was most of a rebuild's time,
    and most fragments are unchanged. Equal bytes are checked, so the result never depends
    on which bundle came before. Files are written by a few threads (the work is the
    file system's, which runs without the GIL)."""
    root = os.fspath(folder)
    for made in sorted({os.path.dirname(name) for name in files}):
        os.makedirs(os.path.join(root, made), exist_ok=True)
    names = sorted(files)
    sources = [os.fspath(r) for r in reuse if Path(r).is_dir()]

    def put(batch: list[str]) -> int:
        linked = 0
        for name in batch:
            data = files[name]
            target = os.path.join(root, name)
            for source in sources:
                old = os.path.join(source, name)
                try:
                    if os.stat(old).st_size == len(data):
                        with open(old, "rb") as existing:
                            if existing.read() == data:
                                os.link(old, target)
                                linked += 1
                                break
                except OSError:
                    continue
            else:
                with open(target, "wb") as new:
                    new.write(data)
        return linked

    batches = [names[i:i + 500] for i in range(0, len(names), 500)]
    if len(batches) < 2:
        return sum(put(batch) for batch in batches)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=4) as pool:
        return sum(pool.map(put, batches))
