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
from functools import cache, lru_cache
from itertools import repeat

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
#: A marker word (see pagefind_html): an anchor or a weight's start or end.
_MARKER = re.compile(r"(?<!\S)((?:{})\S*)".format("|".join(
    re.escape(m) for m in (ANCHOR, WEIGHT, AUTO_WEIGHT, END_WEIGHT))))


def read_words(digest: str, language: str, anchor_content: dict[str, str]):
    """fossick/mod.rs `parse_digest`: (content, {stem: [(position, weight, original)]},
    anchors [(element, id, text, location)], word_count). An entry at the default weight
    with no other original form is just its position (most are: cheaper to make and pack);
    `mixed`, a fifth result, names the stems with any other entry.

    The text between markers is read a stretch at a time: at the default weight, a
    stretch of words each read as one stem is listed without looking at each word's
    reading (most of a page is such stretches)."""
    words: dict[str, list[tuple[int, int, str | None]]] = {}
    mixed: set[str] = set()
    anchors = []
    content = []
    weights = [int(WEIGHT_MULTIPLIER)]
    weight = weights[-1]
    index = 0
    readings = _reading(language)
    stems = _STEMS.setdefault(language, {})
    stem_of = stems.get
    get = words.get
    slow = "\u200b" in digest  # a zero-width space may join a marker to a word
    parts = [digest] if slow else _MARKER.split(digest)
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
        if slow:
            known = repeat(None)
        else:
            content.extend(stretch)
            known = map(stem_of, stretch) if weight == DEFAULT_WEIGHT else repeat(None)
        for word, stem in zip(stretch, known, strict=False):
            if stem is not None:  # at the default weight, read as one stem as written
                listed = get(stem)
                if listed is None:
                    words[stem] = [index]
                else:
                    listed.append(index)
                index += 1
                continue
            if slow and word[0] == "_" and word.startswith("___"):  # markers not split off
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
            if slow:
                content.append(word)
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
                if entry_weight == DEFAULT_WEIGHT and original is None:
                    entry = index
                else:
                    entry = (index, entry_weight, original)
                    mixed.add(stem)
                listed = get(stem)
                if listed is None:
                    words[stem] = [entry]
                else:
                    listed.append(entry)
            index += 1
    return " ".join(content), words, anchors, max(index, 1), mixed


def _weight_marker(word: str, weights: list[int]) -> bool:
    """Apply a weight marker to the stack of weights; False when `word` is none."""
    if word.startswith(WEIGHT):
        weights.append(explicit_weight(word.replace(WEIGHT, "")))
    elif word.startswith(AUTO_WEIGHT):  # applies only outside explicitly weighted parts
        if len(weights) == 1:
            weights.append(auto_weight(word.replace(AUTO_WEIGHT, "")))
        else:
            weights.append(weights[-1] if weights else 0)
    elif word.startswith(END_WEIGHT):
        if weights:
            weights.pop()
    else:
        return False
    return True


def _anchor(word: str, anchor_content: dict[str, str], anchors: list, index: int) -> None:
    """An anchor marker: the element's name, id and own text, at the next word's index."""
    from chronicle.pagefind_html import normalize_content

    element, colon, anchor_id = word.replace(ANCHOR, "").partition(":")
    if not colon:
        return
    text = normalize_content(anchor_content.get(anchor_id, ""))
    _, colon, element_id = anchor_id.partition(":")
    if colon:
        anchors.append((element, element_id, normalize_content(text), index))


def read_meta_words(meta: dict[str, str], language: str):
    """fossick/mod.rs `parse_meta_words`: {stem: [(field_id, position, original)]}, field ids
    numbering the page's own (sorted) meta fields."""
    words: dict[str, list[tuple[int, int, str | None]]] = {}
    for field_id, name in enumerate(sorted(meta)):
        for position, word in enumerate(meta[name].split()):
            for stem, _, original in indexable_words(word, language):
                words.setdefault(stem, []).append((field_id, position, original))
    return words
