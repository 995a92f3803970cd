"""Ids and name keys: how file stems become URL slugs and how names are compared."""

from __future__ import annotations

import re
import unicodedata

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def _ascii_fold(text: str) -> str:
    """Accents off and lowercase, so 'Ségou' and 'SEGOU' read the same."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def slugify(stem: str) -> str:
    """A file stem as a URL slug: lowercase ASCII, accents folded, every other run of
    characters (spaces, underscores, dots, slashes) one '-'. The result can never hold
    '/' or '..', so a slug cannot leave its folder; it is '' when nothing is left."""
    if _SLUG.fullmatch(stem):  # already a slug, as almost every file name is
        return stem
    return _NOT_SLUG.sub("-", _ascii_fold(stem)).strip("-")


def name_key(name: str) -> str:
    """The form references are matched in: case, accents and punctuation ignored, so
    'Aguel-hok', 'aguel hok' and 'AGUEL’HOK' are one key."""
    return " ".join(_NOT_WORD.sub(" ", _ascii_fold(name)).split())
