"""A page's text cut into the words Pagefind 1.5.2 indexes, with positions and weights.

Follows `pagefind/src/fossick/mod.rs` (`parse_digest`, `parse_meta_words`) and
`fossick/splitting.rs` (`get_indexable_words`): each whitespace-separated word is lower-cased,
stripped of what is not a letter or digit, freed of diacritics and stemmed with the language's
Snowball stemmer (Pagefind bundles Snowball 3.0's algorithms; PyStemmer wraps the same C
code); hyphenated, dotted or camel-cased words also index their parts, at a share of the
word's weight. Words repeat across a site far more than they vary, so every word's reading is
remembered.
"""

from __future__ import annotations

import re
import struct
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache

from chronicle.pagefind_html import normalize_content

#: Pagefind's WORD_SYMBOLS: Unicode "Punctuation, Connector", kept inside words.
WORD_SYMBOLS = ("_", "‿", "⁀", "⁔", "︳", "︴", "﹍", "﹎", "﹏", "＿")
ANCHOR, WEIGHT, AUTO_WEIGHT, END_WEIGHT = ("___PAGEFIND_ANCHOR___", "___PAGEFIND_WEIGHT___",
                                           "___PAGEFIND_AUTO_WEIGHT___",
                                           "___END_PAGEFIND_WEIGHT___")
WEIGHT_MULTIPLIER = 24.0
DEFAULT_WEIGHT = 24  # weight 1.0 times the multiplier
WEIGHT_MAX = 10.0

#: fossick/mod.rs `get_stemmer`: language code (before any "-") -> Snowball algorithm.
STEMMERS = {
    "ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "da": "danish",
    "nl": "dutch", "en": "english", "eo": "esperanto", "et": "estonian", "fi": "finnish",
    "fr": "french", "de": "german", "el": "greek", "hi": "hindi", "hu": "hungarian",
    "id": "indonesian", "ga": "irish", "it": "italian", "lt": "lithuanian", "nb": "norwegian",
    "ne": "nepali", "nn": "norwegian", "no": "norwegian", "pt": "portuguese", "ro": "romanian",
    "ru": "russian", "sr": "serbian", "pl": "polish", "es": "spanish", "sv": "swedish",
    "ta": "tamil", "tr": "turkish", "yi": "yiddish",
}

_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def _f32(value: float) -> float:
    return struct.unpack("f", struct.pack("f", value))[0]


def _as_u8(value: float) -> int:
    """Rust's saturating `as u8` cast of a float."""
    if value != value:  # NaN
        return 0
    return max(0, min(255, int(value)))


def _parse_f32(text: str) -> float | None:
    """Rust's `str::parse::<f32>`: stricter than float() about spaces and underscores."""
    if not text or text != text.strip() or "_" in text:
        return None
    try:
        return _f32(float(text))
    except (ValueError, OverflowError):
        return None


def explicit_weight(text: str) -> int:
    weight = _parse_f32(text)
    weight = 1.0 if weight is None else weight
    if weight <= 0.0:
        return 0
    clamped = weight if weight != weight else min(max(weight, 0.0), WEIGHT_MAX)
    return max(_as_u8(_f32(clamped * WEIGHT_MULTIPLIER)), 1)


def auto_weight(text: str) -> int:
    weight = _parse_f32(text)
    weight = 1.0 if weight is None else weight
    clamped = weight if weight != weight else min(max(weight, 0.0), WEIGHT_MAX)
    return _as_u8(_f32(clamped * WEIGHT_MULTIPLIER))


@cache
def stemmer_for(language: str):
    """The language's stem function, or None when Pagefind does not stem it."""
    algorithm = STEMMERS.get(language.split("-")[0])
    if algorithm is None:
        return None
    import Stemmer  # PyStemmer: Snowball's C stemmers

    return Stemmer.Stemmer(algorithm, 0).stemWord


def _is_alphanumeric(char: str) -> bool:
    return char.isalnum()


def _is_upper(char: str) -> bool:
    return char.isupper()


def _grapheme_case(char: str) -> int:
    """convert_case's grapheme tests: 1 upper, -1 lower, 0 neither (uncased or digit)."""
    upper, lower = char.upper(), char.lower()
    if upper == lower:
        return 0
    return 1 if char == upper else -1 if char == lower else 0


def discrete_words(raw: str) -> str:
    """splitting.rs `get_discrete_words`: ASCII punctuation to spaces, then convert_case's
    default word boundaries (space, lower→Upper, letters↔digits, ACRonym), lower-cased."""
    text = "".join(" " if c in _ASCII_PUNCTUATION else c for c in raw)
    kinds = [2 if c.isascii() and c.isdigit() else _grapheme_case(c) for c in text]
    words, last = [], 0
    for i in range(len(text)):
        here = kinds[i]
        after = kinds[i + 1] if i + 1 < len(kinds) else None
        if text[i] == " ":
            words.append(text[last:i])
            last = i + 1
        elif after is not None and (
                (here == -1 and after in (1, 2)) or (here == 1 and after == 2)
                or (here == 2 and after in (-1, 1))
                or (here == 1 and after == 1 and i + 2 < len(kinds) and kinds[i + 2] == -1)):
            words.append(text[last:i + 1])
            last = i + 1
    words.append(text[last:])
    return " ".join(" ".join(w.lower() for w in words).split())


def _without_diacritics(word: str) -> str | None:
    if word.isascii():
        return None
    stripped = "".join(c for c in unicodedata.normalize("NFD", word)
                       if not unicodedata.category(c).startswith("M"))
    return stripped if stripped != word else None


@lru_cache(maxsize=1 << 18)
def indexable_words(raw: str, language: str, include: str = "".join(WORD_SYMBOLS)
                    ) -> tuple[tuple[str, bool, str | None], ...]:
    """splitting.rs `get_indexable_words`: (stem, is_compound_part, original) per word."""
    stem = stemmer_for(language)
    normalized = "".join(c.lower() if c.isascii() or _is_upper(c) else c
                         for c in raw if _is_alphanumeric(c) or c in include)
    results = []
    if normalized:
        plain = _without_diacritics(normalized)
        base = plain if plain is not None else normalized
        results.append((stem(base) if stem else base, False,
                        normalized if plain is not None else None))
    compound = (any(not _is_alphanumeric(c) for c in raw)
                or any(_is_upper(c) for c in raw[1:]))
    if not compound:
        return tuple(results)
    parts = discrete_words(raw)
    if normalized and (" " in parts or not normalized.startswith(parts)):
        for part in parts.split():
            if len(part.encode("utf-8")) <= 1:
                continue
            plain = _without_diacritics(part)
            base = plain if plain is not None else part
            results.append((stem(base) if stem else base, True,
                            part if plain is not None else None))
    return tuple(results)


def _reading(language: str) -> dict[str, tuple]:
    """word -> (indexable words, how many are compound parts), remembered per language."""
    return _READINGS.setdefault(language, {})


_READINGS: dict[str, dict[str, tuple]] = {}
#: language -> {word: stem} for the words read as one stem, as written (most are)
_STEMS: dict[str, dict[str, str]] = {}
#: A marker word (see pagefind_html): an anchor or a weight's start or end, at the start
#: of the text or after white space. It opens with its literal "___" (the look-behind
#: after it) so the regex engine can jump to each "___" instead of trying every position.
_MARKER = re.compile(r"(___(?<!\S___)(?:{})___\S*)".format("|".join(
    re.escape(m.strip("_")) for m in (ANCHOR, WEIGHT, AUTO_WEIGHT, END_WEIGHT))))


@dataclass(slots=True)
class PageWords:
    """A page's words as `read_page` packs them: the positions of each stem at the default
    weight as written (`plain`: every stem of the page, in order of first use, some with
    none) apart from its other entries (`extra`: (position, weight, original form)), so
    the stems without any (most) are packed without looking at each entry's kind."""
    content: str
    plain: dict[str, list[int]]
    extra: dict[str, list[tuple[int, int, str | None]]]
    anchors: list[tuple[str, str, str, int]]
    word_count: int


def read_words(digest: str, language: str, anchor_content: dict[str, str]):
    """fossick/mod.rs `parse_digest`: (content, {stem: [(position, weight, original)]},
    anchors [(element, id, text, location)], word_count). An entry at the default weight
    with no other original form is just its position; `mixed`, a fifth result, names the
    stems with any other entry. `read_page_words` in the shape the tests check (the
    writer reads `PageWords`): not a second reading."""
    page = read_page_words(digest, language, anchor_content)
    words: dict[str, list] = dict(page.plain)
    for stem, entries in page.extra.items():  # in order of position, as they were met
        words[stem] = sorted(words[stem] + entries,
                             key=lambda e: e if e.__class__ is int else e[0])
    return page.content, words, page.anchors, page.word_count, set(page.extra)


def read_page_words(digest: str, language: str, anchor_content: dict[str, str]
                    ) -> PageWords:
    """`read_words`, as `PageWords`.

    The text between markers is read a stretch at a time: a stretch whose words were all
    read before as one stem each (most are) is listed by C-level maps, without a Python
    step per word; any other is read one word at a time."""
    if "\u200b" in digest:  # a zero-width space may join a marker to a word
        return _read_word_by_word(digest, language, anchor_content)
    plain: defaultdict[str, list[int]] = defaultdict(list)
    extra: defaultdict[str, list[tuple[int, int, str | None]]] = defaultdict(list)
    anchors: list = []
    content: list[str] = []
    weights = [DEFAULT_WEIGHT]
    weight = DEFAULT_WEIGHT
    index = 0
    readings = _reading(language)
    stems = _STEMS.setdefault(language, {})
    stem_of, stem_known = stems.get, stems.__getitem__
    listed = plain.__getitem__  # a new stem gets its empty list (defaultdict)
    append = list.append
    parts = _MARKER.split(digest)
    for number, part in enumerate(parts):
        if number % 2:
            if part.startswith(ANCHOR):
                _anchor(part, anchor_content, anchors, index)
            else:
                _weight_marker(part, weights)
                weight = weights[-1] if weights else 1
            continue
        stretch = part.split()
        if not stretch:
            continue
        content += stretch
        if weight != DEFAULT_WEIGHT:  # (short: a title, a heading)
            for word in stretch:
                _read_word(word, language, weight, index, readings, stems, plain, extra)
                index += 1
            continue
        end = len(stretch)
        try:
            found = list(map(stem_known, stretch))
        except KeyError:  # a word not read before, or not as one stem
            found = list(map(stem_of, stretch))
        else:  # each list.append(stem's list, position), in C
            any(map(append, map(listed, found), range(index, index + end)))
            index += end
            continue
        start = 0
        while start < end:  # runs of known words, and the unknown words between them
            try:
                unknown = found.index(None, start)
            except ValueError:
                unknown = end
            if unknown > start:
                any(map(append, map(listed, found[start:unknown]),
                        range(index + start, index + unknown)))
            if unknown < end:
                _read_word(stretch[unknown], language, weight, index + unknown,
                           readings, stems, plain, extra)
            start = unknown + 1
        index += end
    return PageWords(" ".join(content), plain, extra, anchors, max(index, 1))


def _read_word(word: str, language: str, weight: int, index: int, readings: dict,
               stems: dict, plain: defaultdict, extra: defaultdict) -> None:
    """List one word's stems at `index`, reading it first if it is new."""
    reading = readings.get(word)
    if reading is None:
        found = indexable_words(word, language)
        reading = readings[word] = (found, sum(1 for f in found if f[1]))
        if len(found) == 1 and found[0][2] is None and not found[0][1]:
            stems[word] = found[0][0]
    found, count = reading
    partial = max(weight // count, 1) if count and weight > 0 else 0
    for stem, is_part, original in found:
        entry_weight = partial if is_part else weight
        # the usual entry, a word at the default weight as written, is its position
        positions = plain[stem]  # (made for every stem: `plain` keeps the page's order)
        if entry_weight == DEFAULT_WEIGHT and original is None:
            positions.append(index)
        else:
            extra[stem].append((index, entry_weight, original))


def _read_word_by_word(digest: str, language: str, anchor_content: dict[str, str]
                       ) -> PageWords:
    """`read_page_words` for a digest with a zero-width space, which Pagefind drops from
    words only after splitting the text: a marker may be joined to a word, so each word
    is looked at for markers."""
    plain: defaultdict[str, list[int]] = defaultdict(list)
    extra: defaultdict[str, list[tuple[int, int, str | None]]] = defaultdict(list)
    anchors: list = []
    content = []
    weights = [DEFAULT_WEIGHT]
    weight = DEFAULT_WEIGHT
    index = 0
    readings = _reading(language)
    stems = _STEMS.setdefault(language, {})
    for word in digest.split():
        if word[0] == "_" and word.startswith("___"):  # markers not split off
            if word.startswith(ANCHOR):
                _anchor(word, anchor_content, anchors, index)
                continue
            if _weight_marker(word, weights):
                weight = weights[-1] if weights else 1
                continue
        if "\u200b" in word:
            word = word.replace("\u200b", "")
            if not word:
                continue
        content.append(word)
        _read_word(word, language, weight, index, readings, stems, plain, extra)
        index += 1
    return PageWords(" ".join(content), plain, extra, anchors, max(index, 1))


def _weight_marker(word: str, weights: list[int]) -> bool:
    """Apply a weight marker to the stack of weights; False when `word` is none."""
    action = _marker_action(word)
    if action is None:
        return False
    kind, weight = action
    if kind == _START:
        weights.append(weight)
    elif kind == _AUTOMATIC:  # applies only outside explicitly weighted parts
        weights.append(weight if len(weights) == 1 else weights[-1] if weights else 0)
    elif weights:
        weights.pop()
    return True


_START, _AUTOMATIC, _END = range(3)


@lru_cache(maxsize=1024)
def _marker_action(word: str) -> tuple[int, int] | None:
    """A weight marker's kind and weight, remembered: a site's pages use a few."""
    if word.startswith(WEIGHT):
        return _START, explicit_weight(word.replace(WEIGHT, ""))
    if word.startswith(AUTO_WEIGHT):
        return _AUTOMATIC, auto_weight(word.replace(AUTO_WEIGHT, ""))
    if word.startswith(END_WEIGHT):
        return _END, 0
    return None


def _anchor(word: str, anchor_content: dict[str, str], anchors: list, index: int) -> None:
    """An anchor marker: the element's name, id and own text, at the next word's index."""
    element, colon, anchor_id = word.replace(ANCHOR, "").partition(":")
    if not colon:
        return
    _, colon, element_id = anchor_id.partition(":")
    if colon:
        anchors.append((element, element_id, _anchor_text(anchor_content.get(anchor_id, "")),
                        index))


@lru_cache(maxsize=4096)
def _anchor_text(text: str) -> str:
    """An anchor's text, normalised as Pagefind does it (twice); remembered, as most
    anchors' texts repeat from page to page (headings, sources)."""
    return normalize_content(normalize_content(text))


def read_meta_words(meta: dict[str, str], language: str):
    """fossick/mod.rs `parse_meta_words`: {stem: [(field_id, position, original)]}, field ids
    numbering the page's own (sorted) meta fields."""
    words: dict[str, list[tuple[int, int, str | None]]] = {}
    for field_id, name in enumerate(sorted(meta)):
        for position, word in enumerate(meta[name].split()):
            for stem, _, original in indexable_words(word, language):
                words.setdefault(stem, []).append((field_id, position, original))
    return words
