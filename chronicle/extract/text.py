"""Text normalisation shared by every extraction step."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def fold(text: str) -> str:
    """Lowercase, accents removed, punctuation to single spaces: 'Aguel’hok' -> 'aguel hok'."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(_NON_WORD.sub(" ", plain).split())


def plain_quotes(text: str) -> str:
    """Typographic quotes and dashes to ASCII, so patterns need one spelling only."""
    return text.translate(_QUOTES)


def word_set(text: str) -> frozenset[str]:
    """A set of words written as one string, for the many word lists the rules use."""
    return frozenset(text.split())
