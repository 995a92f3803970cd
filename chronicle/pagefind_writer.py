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

import hashlib
import itertools
import json
import operator
import os
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from chronicle.pagefind_canon import SIGNATURE, encode, head
from chronicle.pagefind_flat import parse_flat
from chronicle.pagefind_html import exclusion_selectors, parse_page
from chronicle.pagefind_words import PageWords, read_meta_words, read_page_words
from chronicle.write import write_bytes

#: The Pagefind version whose format this writes; the pinned `pagefind[bin]`.
PAGEFIND_VERSION = "1.5.2"
#: Bumped when this writer's output changes: cached page records and bundles made by an
#: older version are not reused.
RECORD_VERSION = "4"
GZIP_LEVEL = 6  # as pagefind_canon compresses: the filters and metadata come out the same
#: A fragment is compressed as its page is read: level 3 takes a seventh less time than 6
#: (32 against 38 us for an event's; much of it is zlib's start) for 1.2% more bytes (8.40
#: -> 8.50 MB for the 11,500 fragments at 10k events; a search fetches one per result)
FRAGMENT_GZIP_LEVEL = 3


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
#: the usual locations, each as `encode` writes it (CBOR's shortest form), built from the
#: form's three ranges at once: encode() itself took 90 ms of every process's start
_INTS = ([bytes((0x20 | (-1 - v),)) if v >= -24 else b"\x38" + bytes((-1 - v,))
          for v in range(_TABLE_LOW, 0)]
         + [bytes((v,)) for v in range(24)] + [b"\x18" + bytes((v,)) for v in range(24, 256)]
         + [b"\x19" + v.to_bytes(2, "big") for v in range(256, _TABLE_HIGH)])


def cbor_ints(values: list[int]) -> bytes:
    """A CBOR array of integers, shortest form, as minicbor writes it."""
    table = _INTS
    try:
        body = b"".join([table[v - _TABLE_LOW] for v in values])
        if min(values, default=0) < _TABLE_LOW:
            raise IndexError
    except IndexError:
        body = b"".join([encode(v) for v in values])
    return (_LIST_HEADS[len(values)] if len(values) < len(_LIST_HEADS)
            else head(4, len(values))) + body


_LIST_HEADS = [head(4, n) for n in range(1024)]
_EMPTY = cbor_ints([])
_DEFAULT_WEIGHT = 24  # fossick/mod.rs: weight 1.0 times the multiplier
_UINTS = _INTS[-_TABLE_LOW:]  # by value: the deltas of positions in order are never negative
#: the head of a stem's locations when all its `n` positions are at the default weight:
#: an array of n + 1 numbers, the first -25 (weight 24)
_ARRAY_HEADS = [head(4, n + 1) + encode(-_DEFAULT_WEIGHT - 1) for n in range(1024)]
#: Most stems of a page are met one to three times, at the default weight: their
#: locations are these tables' bytes (by first position, by last delta) joined.
_TABLED = 4096
_SINGLES = [(_ARRAY_HEADS[1] + _UINTS[p] + _EMPTY, 2) for p in range(_TABLED)]
_PAIRS = [_ARRAY_HEADS[2] + _UINTS[p] for p in range(_TABLED)]
_TRIPLES = [_ARRAY_HEADS[3] + _UINTS[p] for p in range(_TABLED)]
_LASTS = [_UINTS[d] + _EMPTY for d in range(_TABLED)]


def _pack_locations(positions: list[tuple[int, int, str | None]]) -> list[int]:
    """index/mod.rs `positions_to_packed_page` for entries (position, weight, original)."""
    return _delta_coded([(0 if weight == 25 else weight, position, weight)
                         for position, weight, _ in positions])


_WEIGHT_AND_POSITION = operator.itemgetter(0, 1)


def _delta_coded(ordered: list[tuple[int, int, int]]) -> list[int]:
    """index/mod.rs `positions_to_packed_page` for (weight's order, position, weight):
    sorted by weight (25 first: its order is 0) then position, the ties in the order
    given, delta-coded, a negative number announcing each change of weight."""
    ordered.sort(key=_WEIGHT_AND_POSITION)
    current, last, packed = 25, 0, []
    for _, position, weight in ordered:
        if weight != current:
            packed += (-weight - 1, position)
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


#: json.dumps' own string encoder (C), for the fragment's strings
_STRING = json.encoder.encode_basestring
_PRIVATE = re.compile(r"___PAGEFIND_[\S]+\s?")


_PRIVATE_MARK = "___PAGEFIND_"


def _tidy(value: str) -> str:
    """Pagefind's own markers out of a value."""
    return _PRIVATE.sub("", value) if _PRIVATE_MARK in value else value


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
    filters = [(name, tuple(values)) for name, values in sorted(parsed.filters.items())]
    meta = parsed.meta
    if _PRIVATE_MARK in "".join([*itertools.chain.from_iterable(parsed.filters.values()),
                                 *meta.values()]):  # fossick/mod.rs `tidy_meta_and_filters`
        filters = [(name, tuple(map(_tidy, values))) for name, values in filters]
        meta = {k: _tidy(v) for k, v in meta.items()}
    language = parsed.language
    words = read_page_words(parsed.digest, language, parsed.anchor_content)
    fragment = _fragment(url, words.content, words.word_count, filters, meta, words.anchors)
    own_fields = tuple(sorted(meta))
    fields = own_fields if fields is None else fields
    meta_words = read_meta_words(meta, language)
    if meta_words and fields != own_fields:
        number = {name: fields.index(name) for name in own_fields}
        meta_words = {stem: [(number[own_fields[f]], p, o) for f, p, o in entries]
                      for stem, entries in meta_words.items()}
    packed, variants = _pack_words(words)
    if meta_words:
        _add_meta_words(meta_words, packed, variants)
    return PageRecord(url, language, parsed.has_custom_body, bool(words.plain),
                      full_hash(fragment), compressed(fragment, FRAGMENT_GZIP_LEVEL),
                      words.word_count, tuple(filters), tuple(sorted(parsed.sort.items())),
                      fields, packed, variants)


def _fragment(url: str, content: str, word_count: int,
              filters: list[tuple[str, tuple[str, ...]]], meta: dict[str, str],
              anchors: list[tuple[str, str, str, int]]) -> bytes:
    """The fragment's JSON, as `compact_json` writes it, from a template: only the strings
    go through json's encoder (json.dumps itself was a tenth of a page's reading)."""
    string = _STRING
    filter_json = ",".join([f"{string(name)}:[{','.join(map(string, values))}]"
                            for name, values in filters])
    meta_json = ",".join([f"{string(k)}:{string(v)}" for k, v in meta.items()])
    anchor_json = ",".join([f'{{"element":{string(e)},"id":{string(i)},"text":{string(t)},'
                            f'"location":{location}}}' for e, i, t, location in anchors])
    return (f'{{"url":{string(url)},"content":{string(content)},"word_count":{word_count},'
            f'"filters":{{{filter_json}}},"meta":{{{meta_json}}},"anchors":[{anchor_json}]}}'
            ).encode()


def _pack_words(words: PageWords) -> tuple[dict[str, tuple[bytes, int]],
                                           dict[str, tuple[tuple[str, bytes], ...]]]:
    """index/mod.rs `positions_to_packed_page` for each stem: (its locations' CBOR, how
    many numbers it holds), and its forms with diacritics apart.

    A stem with only positions at the default weight (most) is [-25, the deltas...] and
    an empty meta array: from tables, whole for the usual one to three positions. A word
    of the title or a heading met in the text too adds its weight and position."""
    plain, extra = words.plain, words.extra
    # (a stem's positions at the default weight, and two more, fit `_ARRAY_HEADS`; a page
    # of fewer words needs no look at them)
    most = len(_ARRAY_HEADS) - 2
    if words.word_count > _TABLED or (words.word_count >= most and max(
            map(len, plain.values())) >= most):  # beyond the tables: each stem on its own
        packed: dict = dict.fromkeys(plain)
        variants: dict[str, tuple[tuple[str, bytes], ...]] = {}
        for stem, positions in plain.items():
            _pack_entries(stem, [(p, _DEFAULT_WEIGHT, None) for p in positions]
                          + extra.get(stem, []), packed, variants)
        return packed, variants
    singles, pairs, triples, lasts = _SINGLES, _PAIRS, _TRIPLES, _LASTS
    uints, heads, empty, encoded, sub = _UINTS, _ARRAY_HEADS, _EMPTY, _UINTS.__getitem__, \
        operator.sub
    packed = {}
    for stem, positions in plain.items():
        if stem in extra:
            packed[stem] = None  # its place: packed below
            continue
        count = len(positions)
        if count == 1:
            packed[stem] = singles[positions[0]]
        elif count == 2:
            first, second = positions
            packed[stem] = (pairs[first] + lasts[second - first], 3)
        elif count == 3:
            first, second, third = positions
            packed[stem] = (triples[first] + uints[second - first] + lasts[third - second], 4)
        else:
            packed[stem] = (b"".join([heads[count], uints[positions[0]],
                                      *map(encoded, map(sub, positions[1:], positions)),
                                      empty]), count + 1)
    variants = {}
    for stem, entries in extra.items():
        positions = plain[stem]
        if any(map(_ORIGINAL, entries)):  # some in another form (with diacritics)
            _pack_entries(stem, [(p, _DEFAULT_WEIGHT, None) for p in positions] + entries,
                          packed, variants)
        elif positions and len(entries) == 1 and entries[0][1] > 25:
            # a heading's or title's word in the text too: its weight sorts after the
            # default's, so its (-weight - 1, position) follows the text's deltas
            position, weight, _ = entries[0]
            count = len(positions)
            packed[stem] = (b"".join([heads[count + 2], uints[positions[0]],
                                      *map(encoded, map(sub, positions[1:], positions)),
                                      _INTS[-weight - 1 - _TABLE_LOW], uints[position],
                                      empty]), count + 3)
        elif positions or len(entries) > 1:
            packed[stem] = _pack_weighted(positions, entries)
        else:  # the usual: once, in a heading or a title
            position, weight, _ = entries[0]
            packed[stem] = ((b"\x82" + _INTS[-weight - 1 - _TABLE_LOW] + uints[position]
                             + empty, 2) if weight != 25 else
                            (b"\x81" + uints[position] + empty, 1))
    return packed, variants


_ORIGINAL = operator.itemgetter(2)


def _pack_weighted(positions: list[int], entries: list[tuple[int, int, None]]
                   ) -> tuple[bytes, int]:
    """`_pack_locations` for a stem's positions at the default weight and its other
    entries, none in another form: sorted by weight (25 first) then position, the ties
    (weights 0 and 25) in the order met."""
    ordered = [(_DEFAULT_WEIGHT, p, _DEFAULT_WEIGHT) for p in positions]
    ordered += [(0 if weight == 25 else weight, p, weight) for p, weight, _ in entries]
    locations = _delta_coded(ordered)
    return cbor_ints(locations) + _EMPTY, len(locations)


def _pack_entries(stem: str, positions: list[tuple[int, int, str | None]], packed: dict,
                  variants: dict) -> None:
    """One stem's entries (position, weight, original form) into `packed` (whose key it
    already has: removed when the stem is met only in forms with diacritics) and
    `variants`."""
    plain = [p for p in positions if p[2] is None]
    if plain:
        locs = _pack_locations(plain)
        packed[stem] = (cbor_ints(locs) + _EMPTY, len(locs))
    else:
        del packed[stem]
    if len(plain) != len(positions):
        forms: dict[str, list] = {}
        for p in positions:
            if p[2] is not None:
                forms.setdefault(p[2], []).append(p)
        variants[stem] = tuple((form, cbor_ints(_pack_locations(forms[form])) + _EMPTY)
                               for form in sorted(forms))


def _add_meta_words(meta_words: dict[str, list], packed: dict, variants: dict) -> None:
    """index/mod.rs: the meta locations join the page's own, in the same entry."""
    for stem, entries in meta_words.items():
        if len(entries) == 1:  # the usual: once, as written, in a field (the title)
            field_id, position, original = entries[0]
            if original is None and field_id < -_TABLE_LOW and position < len(_UINTS):
                meta_locs = b"\x82" + _INTS[-field_id - 1 - _TABLE_LOW] + _UINTS[position]
                known = packed.get(stem)
                packed[stem] = ((_EMPTY + meta_locs, 2) if known is None else
                                (known[0][:-len(_EMPTY)] + meta_locs, known[1] + 2))
                continue
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


def full_hash(data: bytes) -> str:
    """utils.rs `full_hash`: SHA-1 as Rust's `{:x?}` prints each byte (no zero padding)."""
    return "".join(map(_HEX.__getitem__, hashlib.sha1(data).digest()))


_HEX = [format(b, "x") for b in range(256)]


def compressed(raw: bytes, level: int = GZIP_LEVEL) -> bytes:
    """gzip'd with the signature, mtime 0: what gzip.compress(..., mtime=0) writes."""
    return zlib.compress(SIGNATURE + raw, level, 31)


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
                write_bytes(target, data)
        return linked

    batches = [names[i:i + 500] for i in range(0, len(names), 500)]
    if len(batches) < 2:
        return sum(put(batch) for batch in batches)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=4) as pool:
        return sum(pool.map(put, batches))
