"""Page records merged into Pagefind's bundle files, in runs that can be merged apart.

A word's entry in the index lists the pages that have it, each as the distance from the
page before. So the merge of a contiguous run of pages (in index order) is, for each word,
its first and last page and the bytes in between; two runs join by writing one distance
at the seam. Render workers merge the pages they rendered (each works through a run of
the site in path order), and the build joins a few runs per word instead of merging every
word of every page in one process: that merge was seconds at 10,000 events, and the
records it held were most of a 50,000-event build's memory.

`bundle_files(records, runtime)` merges records read any other way as one run; both end
in `run_files`, so a bundle is the same bytes whichever way its pages were merged
(tests/test_search.py builds both ways).
"""

from __future__ import annotations

import hashlib
import itertools
import os
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field

from chronicle.pagefind_canon import SIGNATURE, encode, head
from chronicle.pagefind_words import WORD_SYMBOLS
from chronicle.pagefind_writer import (
    PAGEFIND_VERSION,
    PageRecord,
    cbor_ints,
    compact_json,
    compressed,
    full_hash,
)
from chronicle.write import write_bytes

#: options.rs `default_index_chunk_size`: locations per word-index file.
CHUNK_SIZE = 20000
#: The word chunks are rewritten whenever a word changes: level 3 takes a third of level
#: 6's time at 10k events for 12% more bytes (3.2 MB, of which a search fetches a chunk or
#: two; Pagefind's level 9 is 4% smaller and takes six times longer again).
INDEX_GZIP_LEVEL = 3

_PAGE_HEAD = head(4, 3)  # a page in a word's list: [page delta, locations, meta locations]
_DELTAS = [_PAGE_HEAD + head(0, d) for d in range(256)]


def _delta(distance: int) -> bytes:
    return _DELTAS[distance] if distance < 256 else _PAGE_HEAD + head(0, distance)


#: A page in a language's list: (fragment hash, fragment, word count, filters, sort,
#: metadata fields), what the merge needs of a record besides its words.
PageHead = tuple


@dataclass(slots=True)
class Postings:
    """A word's (or a word form's) pages within a run: the first page's locations, then
    for each later page its distance from the one before and its locations."""
    size: int = 0  # numbers in all locations plus one per page: the chunking measure
    first: int = -1  # -1: no page (a word met only in forms with diacritics)
    last: int = -1
    count: int = 0
    tail: bytearray | bytes = field(default_factory=bytearray)  # bytes: as sent, not copied

    def add(self, number: int, data: bytes, numbers: int) -> None:
        if self.count:
            self.tail += _delta(number - self.last)
        else:
            self.first = number
        self.tail += data
        self.last = number
        self.count += 1
        self.size += numbers + 1

    def join(self, later: Postings, offset: int) -> None:
        """Append `later`, a run whose page numbers start at `offset` in this one's."""
        if not later.count:
            return
        if self.tail.__class__ is bytes:
            self.tail = bytearray(self.tail)
        if self.count:
            self.tail += _delta(later.first + offset - self.last)
        else:
            self.first = later.first + offset
        self.tail += later.tail
        self.last = later.last + offset
        self.count += later.count
        self.size += later.size

    def encoded(self) -> bytes:
        """The pages as the index writes them (after their count)."""
        return _delta(self.first) + self.tail if self.count else b""

    def plain(self) -> tuple:
        return (self.size, self.first, self.last, self.count, bytes(self.tail))


@dataclass(slots=True)
class LanguageRun:
    """The pages of one language in a run, in index order, and their words merged."""
    pages: list[PageHead] = field(default_factory=list)
    words: dict[str, Postings] = field(default_factory=dict)
    forms: dict[str, dict[str, Postings]] = field(default_factory=dict)

    def add(self, record: PageRecord, placed: bool | None = None) -> None:
        """The next page, with its fragment's bytes, or `placed`, when the fragment was
        written to a file instead (see `place_fragment`)."""
        number = len(self.pages)
        self.pages.append((record.fragment_hash,
                           record.fragment if placed is None else placed,
                           record.word_count, record.filters, record.sort,
                           record.meta_fields))
        words = self.words
        for stem, (data, numbers) in record.words.items():
            postings = words.get(stem)
            if postings is None:
                postings = words[stem] = Postings()
            postings.add(number, data, numbers)
        for stem, found in record.variants.items():
            if stem not in words:
                words[stem] = Postings()
            known = self.forms.setdefault(stem, {})
            for form, data in found:
                postings = known.get(form)
                if postings is None:
                    postings = known[form] = Postings()
                postings.add(number, data, 0)

    def join(self, later: LanguageRun) -> None:
        offset = len(self.pages)
        self.pages.extend(later.pages)
        for stem, postings in later.words.items():
            mine = self.words.get(stem)
            if mine is None:
                mine = self.words[stem] = Postings()
            mine.join(postings, offset)
        for stem, forms in later.forms.items():
            known = self.forms.setdefault(stem, {})
            for form, postings in forms.items():  # in order of first appearance, as added
                mine = known.get(form)
                if mine is None:
                    mine = known[form] = Postings()
                mine.join(postings, offset)

    def plain(self) -> tuple:
        return (self.pages, {s: p.plain() for s, p in self.words.items()},
                {s: {f: p.plain() for f, p in forms.items()} for s, forms in self.forms.items()})

    @classmethod
    def from_plain(cls, data: tuple) -> LanguageRun:
        pages, words, forms = data
        return cls(list(pages), {s: _postings(p) for s, p in words.items()},
                   {s: {f: _postings(p) for f, p in fs.items()} for s, fs in forms.items()})


#: Hex digits of its hash that name a page's fragment file, unless an earlier page (in
#: index order) has a hash that begins alike: then one more digit, and so on.
SHORT_HASH_HEX = 7
#: Where `place_fragment` writes a fragment whose usual name another page took.
APART = "apart"


def fragment_name(language: str, fragment_hash: str) -> str:
    """A fragment's usual path in the bundle."""
    return f"fragment/{language}_{fragment_hash[:SHORT_HASH_HEX]}.pf_fragment"


def place_fragment(folder: str, language: str, fragment_hash: str, data: bytes) -> bool:
    """Write a page's fragment into `folder` (the bundle's files as `run_files` names them)
    where the bundle will most likely want it: at its usual name, so the build moves the
    whole folder into the bundle at once instead of ten thousand files one by one. When
    that name is taken (another page's hash begins alike: a few pages at 50,000 events),
    the fragment goes apart, by its full hash, and run_files sorts out who gets the name.
    True when written at its usual name."""
    try:
        write_bytes(os.path.join(folder, fragment_name(language, fragment_hash)), data,
                    new=True)
        return True
    except FileExistsError:
        apart = os.path.join(folder, APART)
        os.makedirs(apart, exist_ok=True)
        write_bytes(os.path.join(apart, f"{fragment_hash}.pf_fragment"), data, new=True)
        return False


def _postings(plain: tuple) -> Postings:
    return Postings(*plain)


@dataclass(slots=True)
class Run:
    """Records merged in order. Which pages the index keeps depends on the whole site
    (lib.rs: when any page marks its body, pages that do not are left out), so a run made
    apart assumes some page does (`custom_body`) and says whether that could matter."""
    languages: dict[str, LanguageRun] = field(default_factory=dict)
    custom_body: bool = False  # some page in it marks its body
    unmarked_with_words: bool = False  # some page does not, yet has words
    read_in: set[str] = field(default_factory=set)  # the languages of all its pages

    def plain(self) -> tuple:
        return ({name: run.plain() for name, run in self.languages.items()}, self.custom_body,
                self.unmarked_with_words, sorted(self.read_in))

    @classmethod
    def from_plain(cls, data: tuple) -> Run:
        languages, custom_body, unmarked, read_in = data
        return cls({name: LanguageRun.from_plain(run) for name, run in languages.items()},
                   custom_body, unmarked, set(read_in))


    def add(self, record: PageRecord, custom_body: bool = True,
            placed: bool | None = None) -> None:
        """The next page; `custom_body`: whether the site has a page that marks its body
        (when it does, pages that do not are left out); see LanguageRun.add."""
        self.read_in.add(record.language)
        self.custom_body |= record.has_custom_body
        if not record.has_custom_body and record.has_words:
            self.unmarked_with_words = True
        if not self.keeps(record, custom_body):
            return
        language = self.languages.get(record.language)
        if language is None:
            language = self.languages[record.language] = LanguageRun()
        language.add(record, placed)

    @staticmethod
    def keeps(record: PageRecord, custom_body: bool = True) -> bool:
        """Whether `add` lists the page (and so the bundle needs its fragment)."""
        return record.has_words and (record.has_custom_body or not custom_body)


def merge_run(records: Iterable[PageRecord], custom_body: bool = True) -> Run:
    """Records (in index order) as one run (see `Run.add`)."""
    run = Run()
    for record in records:
        run.add(record, custom_body)
    return run


def join_runs(runs: Iterable[Run]) -> Run | None:
    """Runs made apart (each with custom_body=True), in index order, as one; None when that
    assumption does not hold for the site (then merge its records as one run instead)."""
    joined = Run()
    for run in runs:
        joined.custom_body |= run.custom_body
        joined.unmarked_with_words |= run.unmarked_with_words
        joined.read_in |= run.read_in
        for name, language in run.languages.items():
            if name in joined.languages:
                joined.languages[name].join(language)
            else:
                joined.languages[name] = language
    if joined.unmarked_with_words and not joined.custom_body:
        return None
    return joined


def bundle_files(records: list[PageRecord], runtime: dict[str, bytes]) -> dict[str, bytes]:
    """Every file of the bundle of `records` (in index order), see `run_files`."""
    return run_files(merge_run(records, any(r.has_custom_body for r in records)), runtime)


def _fields(pages: Iterable[PageHead]) -> tuple[str, ...]:
    """index/mod.rs: the site's metadata fields, sorted; meta locations number them."""
    return tuple(sorted({name for page in pages for name in page[5]}))


def run_files(run: Run, runtime: dict[str, bytes]) -> dict[str, bytes | str]:
    """Every file of the bundle by its path in it: each language's index, fragments,
    filters and metadata, the entry file, and Pagefind's runtime (`runtime`, from the
    pinned binary: its JS, CSS and the WASM of each language it has one for). A fragment
    the run holds no bytes of is where `place_fragment` wrote it, relative to its folder
    (a str)."""
    files: dict[str, bytes | str] = {}
    languages = {}
    for language, pages in _languages(run).items():
        written, meta_hash = _language_files(language, pages)
        files.update(written)
        wasm = f"wasm.{language}.pagefind"
        languages[language] = {"hash": meta_hash,
                               "wasm": language if wasm in runtime else None,
                               "page_count": len(pages.pages)}
        if wasm in runtime:
            files[wasm] = runtime[wasm]
    for name, data in runtime.items():
        if not name.startswith("wasm.") or name == "wasm.unknown.pagefind":
            files[name] = data
    entry = {"version": PAGEFIND_VERSION, "languages": languages,
             "include_characters": list(WORD_SYMBOLS)}
    files["pagefind-entry.json"] = compact_json(entry).encode("utf-8")
    return files


def _languages(run: Run) -> dict[str, LanguageRun]:
    """lib.rs `build_indexes`: pages of unknown language go with the language of most
    pages (ties: the first name)."""
    groups = dict(run.languages)
    unknown = groups.pop("unknown", None)
    if unknown:
        if groups:
            primary = min(groups, key=lambda name: (-len(groups[name].pages), name))
            groups[primary].join(unknown)
        else:
            groups["unknown"] = unknown
    return dict(sorted(groups.items()))


def _language_files(language: str, run: LanguageRun) -> tuple[dict[str, bytes | str], str]:
    """index/mod.rs `build_indexes` for one language: its files, and the metadata's hash."""
    files: dict[str, bytes | str] = {}
    prefix_length = len(language) + 8
    pages, fragments = [], set()
    filters: dict[str, dict[str, list[int]]] = {}
    for number, (fragment_hash, fragment, word_count, page_filters, _, _) in enumerate(
            run.pages):
        for name, values in page_filters:
            by_value = filters.setdefault(name, {})
            for value in values:
                by_value.setdefault(value, []).append(number)
        short = _short_hash(f"{language}_{fragment_hash}", fragments,
                            len(language) + 1 + SHORT_HASH_HEX)
        fragments.add(short)
        pages.append([short, word_count])
        if fragment.__class__ is bytes:
            files[f"fragment/{short}.pf_fragment"] = fragment
        else:  # written by place_fragment, at its usual name (True) or apart
            files[f"fragment/{short}.pf_fragment"] = (
                fragment_name(language, fragment_hash) if fragment
                else f"{APART}/{fragment_hash}.pf_fragment")

    words, forms = run.words, run.forms
    chunks, chunk, size = [], [], 0
    for stem in sorted(words):
        size += words[stem].size
        chunk.append(stem)
        if size >= CHUNK_SIZE:
            chunks.append(chunk)
            chunk, size = [], 0
    if chunk:
        chunks.append(chunk)
    index_chunks, index_taken, compress = [], set(), []
    word_head = head(4, 3)
    for chunk in chunks:
        body = [head(4, 1), head(4, len(chunk))]
        for stem in chunk:
            postings = words[stem]
            body.append(word_head + encode(stem) + head(4, postings.count))
            body.append(postings.encoded())
            variants = forms.get(stem, {})
            body.append(head(4, len(variants)))
            for form, found in variants.items():
                body.append(b"\x82" + encode(form) + head(4, found.count))
                body.append(found.encoded())
        raw = b"".join(body)
        short = _short_hash(f"{language}_{full_hash(raw)}", index_taken, prefix_length)
        index_taken.add(short)
        compress.append((f"index/{short}.pf_index", raw))
        index_chunks.append([chunk[0], chunk[-1], short])
    files.update(_gzip_all(compress))
    for first, second in itertools.pairwise(index_chunks):  # index/mod.rs `chunk_meta`
        common = 0
        for a, b in zip(second[0], first[1], strict=False):
            if a != b:
                break
            common += 1
        to, fro = first[1][:common + 1], second[0][:common + 1]
        if to >= first[0]:
            first[1] = to
        second[0] = fro

    named_filters = []
    taken: set[str] = set()
    for name in sorted(filters):  # as pagefind_canon writes them
        values = sorted(filters[name].items())
        raw = b"".join([b"\x82" + encode(name) + head(4, len(values))]
                       + [b"\x82" + encode(value) + cbor_ints(sorted(numbers))
                          for value, numbers in values])
        short = _short_hash(f"{language}_{hashlib.sha256(SIGNATURE + raw).hexdigest()}",
                            taken, prefix_length)
        taken.add(short)
        files[f"filter/{short}.pf_filter"] = compressed(raw)
        named_filters.append([name, short])
    sorts = [[name, _sorted_pages(run.pages, name)]
             for name in sorted({k for page in run.pages for k, _ in page[4]})]
    meta = encode([PAGEFIND_VERSION, pages, index_chunks, named_filters, sorts,
                   list(_fields(run.pages))])
    meta_hash = f"{language}_{hashlib.sha256(SIGNATURE + meta).hexdigest()[:prefix_length]}"
    files[f"pagefind.{meta_hash}.pf_meta"] = compressed(meta)
    return files, meta_hash


def _sorted_pages(pages: list[PageHead], name: str) -> list[int]:
    """index/mod.rs sort orders: numeric when every value reads as a number."""
    values = [(dict(page[4])[name], n) for n, page in enumerate(pages) if name in dict(page[4])]

    def number(text: str) -> float | None:
        try:
            return struct.unpack("f", struct.pack("f", float(text)))[0]
        except (ValueError, OverflowError):
            return None

    if all(number(v) is not None for v, _ in values):
        values.sort(key=lambda row: number(row[0]))
    else:
        values.sort(key=lambda row: row[0])
    return [n for _, n in values]


def _gzip_index(raw: bytes) -> bytes:
    return compressed(raw, INDEX_GZIP_LEVEL)


def _gzip_all(named: list[tuple[str, bytes]]) -> dict[str, bytes]:
    """Compress in a few threads (zlib lets go of the GIL): the word chunks are big."""
    if len(named) < 4:
        return {name: _gzip_index(raw) for name, raw in named}
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        return dict(zip([n for n, _ in named], pool.map(_gzip_index, [r for _, r in named]),
                        strict=True))


def _short_hash(full: str, taken, start: int) -> str:
    short = full[:start]
    while short in taken and len(short) < len(full):
        short = full[:len(short) + 1]
    return short
