"""Typed reading of one entry's keys, every problem a Diagnostic at the value's own place.

Entry readers ask for "the text at `title`" or "the date at `end_date`" and get a value or
None; they never raise, so one file with ten mistakes yields ten diagnostics, not one.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import TypeVar

from chronicle.content.yamlfile import Document
from chronicle.content.yamlscalar import remember
from chronicle.diagnostics import Diagnostic, did_you_mean, error
from chronicle.model import Figure, FuzzyDate

_QUOTE_HINT = "put the value in quotes to make it text"
DATE_HINT = "write YYYY-MM-DD, YYYY-MM or YYYY (the form is the precision), e.g. 2019-01-20"


def describe(value: object) -> str:
    """How a person would name what they wrote, for "must be text, not a list"."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, int):
        return f"the number {value}"
    if isinstance(value, float):
        return f"the number {value}"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return f"the date {value.isoformat()}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping (key: value pairs)"
    if isinstance(value, str):
        return f"the text '{value}'"
    return type(value).__name__


Value = TypeVar("Value")
_SHARED: dict[tuple, object] = {}  # (class, *arguments) -> the one value made of them
_DATES: dict[tuple[type, object], FuzzyDate] = {}  # (class, value written) -> its date
_KEY_SETS: dict[tuple[str, ...], frozenset[str]] = {}  # the keys a mapping may hold, as a set


def shared(kind: Callable[..., Value], *arguments: object) -> Value:
    """One instance of the frozen value `kind(*arguments)` for equal arguments: events
    share their dates, figures and actor references, so 10,000 of them make (and pickle,
    and keep) hundreds of those, not tens of thousands."""
    key = (kind, *arguments)
    found = _SHARED.get(key)
    if found is None:
        found = remember(_SHARED, key, kind(*arguments))
    return found  # type: ignore[return-value]


def join(prefix: str, key: str | int) -> str:
    return f"{prefix}.{key}" if prefix else str(key)


class Fields:
    """The keys of one document, read with types checked and problems recorded."""

    def __init__(self, document: Document, diagnostics: list[Diagnostic]):
        self.document = document
        self.diagnostics = diagnostics
        #: value(path): the value written at `path`; None when absent or empty. The dict's
        #: own get, as every typed read of every key of every file asks it, often twice.
        self.value: Callable[[str], object] = document.found.get

    # -- plumbing -------------------------------------------------------------------------

    def fail(self, path: str, code: str, message: str, hint: str | None = None,
             at_key: bool = False) -> None:
        mark = self.document.key_mark(path) if at_key else self.document.mark(path)
        self.diagnostics.append(error(mark, code, message, hint))

    def wrong_type(self, path: str, expected: str, value: object) -> None:
        hint = _QUOTE_HINT if expected == "text" and not isinstance(value, (list, dict)) else None
        self.fail(path, "type.invalid", f"'{path}' must be {expected}, not {describe(value)}", hint)

    def mapping(self, path: str, what: str, allowed: Iterable[str]) -> dict | None:
        """The mapping at `path` with unknown keys reported; None when it is not a mapping."""
        data = self.value(path)
        if not isinstance(data, dict):
            if path:
                self.wrong_type(path, "a mapping (key: value pairs)", data)
            else:
                self.fail("", "type.invalid", f"{what} must be a mapping of keys "
                          f"(`key: value` lines), not {describe(data)}")
            return None
        allowed = tuple(allowed)
        known = _KEY_SETS.get(allowed)
        if known is None:
            known = remember(_KEY_SETS, allowed, frozenset(allowed))
        if known.issuperset(data):  # as nearly every mapping is: no key to report
            return data
        for key in [key for key in data if key not in allowed]:
            guess = did_you_mean(str(key), allowed)
            also = f" (did you mean '{guess}'?)" if guess else ""
            self.fail(join(path, str(key)), "key.unknown", f"unknown key '{key}' in {what}{also}",
                      f"the keys of {what} are: {', '.join(allowed)}", at_key=True)
        return data

    def require(self, path: str, what: str, hint: str) -> bool:
        value = self.value(path)
        if value is not None and not (isinstance(value, str) and not value.strip()):
            return True
        parent, _, key = path.rpartition(".")
        if path in self.document.keys:
            self.fail(path, "key.missing", f"'{key}' of {what} is empty", hint, at_key=True)
        else:
            self.fail(parent, "key.missing", f"{what} has no '{key}'", hint)
        return False

    # -- typed values -----------------------------------------------------------------------

    def text(self, path: str) -> str | None:
        value = self.value(path)
        if value is None or isinstance(value, str):
            return value
        self.wrong_type(path, "text", value)
        return None

    def texts(self, path: str) -> tuple[str, ...]:
        value = self.value(path)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.wrong_type(path, "a list of text ([a, b])", value)
            return ()
        result = []
        for index, item in enumerate(value):
            if isinstance(item, str):
                result.append(item)
            else:
                self.wrong_type(join(path, index), "text", item)
        return tuple(result)

    def flag(self, path: str, default: bool) -> bool:
        value = self.value(path)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        self.wrong_type(path, "true or false", value)
        return default

    def number(self, path: str) -> float | None:
        value = self.value(path)
        if value is None:
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        self.wrong_type(path, "a number", value)
        return None

    def choice(self, path: str, choices: Iterable[str], code: str, what: str) -> str | None:
        value = self.text(path)
        if value is None:
            return None
        choices = tuple(choices)
        if value in choices:
            return value
        guess = did_you_mean(value, choices)
        also = f" (did you mean '{guess}'?)" if guess else ""
        self.fail(path, code, f"'{value}' is not {what}{also}", f"use one of: {', '.join(choices)}")
        return None

    def date(self, path: str) -> FuzzyDate | None:
        value = self.value(path)
        if value is None:
            return None
        if isinstance(value, (list, dict)):
            self.wrong_type(path, "a date", value)
            return None
        try:
            key = (value.__class__, value)
            found = _DATES.get(key)
            if found is None:
                found = remember(_DATES, key, FuzzyDate.parse(value))
            return found
        except ValueError as exc:
            written = value.isoformat() if isinstance(value, datetime.date) else value
            self.fail(path, "date.invalid", f"'{path}' {written} is not a date: {exc}", DATE_HINT)
            return None

    def url(self, path: str) -> str | None:
        value = self.text(path)
        if value is None:
            return None
        scheme, colon, _ = value.partition(":")
        if colon and scheme.strip().lower() in ("http", "https") and "//" in value:
            return value
        self.fail(path, "url.scheme", f"'{value}' is not an http(s) address",
                  "links must start with https:// or http://")
        return None

    def urls(self, path: str) -> tuple[str, ...]:
        if not isinstance(self.value(path), list):
            return self.texts(path)
        return tuple(u for u in (self.url(join(path, i)) for i in range(len(self.value(path))))
                     if u is not None)

    def count(self, path: str) -> int | None:
        """A casualty count: a whole number, zero or more."""
        value = self.value(path)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            self.wrong_type(path, "a whole number", value)
            return None
        if value < 0:
            self.fail(path, "figure.negative", f"'{path}' is {value}: a count cannot be negative",
                      "write 0 when none were reported, or leave the key out when unknown")
            return None
        return value

    def figure(self, path: str) -> Figure | None:
        """A figure: one integer, or {best, low, high} as UCDP gives them (best optional)."""
        value = self.value(path)
        if value is None:
            return None
        if not isinstance(value, dict):
            number = self.count(path)
            return None if number is None else shared(Figure, number)
        if self.mapping(path, f"'{path}'", ("best", "low", "high")) is None:
            return None
        best, low, high = (self.count(join(path, k)) for k in ("best", "low", "high"))
        if best is None and low is None and high is None:
            if not value:  # `{}`; wrong or unknown keys were reported already
                self.fail(path, "key.missing", f"'{path}' gives no figure",
                          "write best, low and/or high, e.g. {low: 20, high: 28}")
            return None
        if low is not None and high is not None and low > high:
            self.fail(path, "figure.range", f"'{path}' has low {low} above high {high}",
                      "swap them: low is the smallest figure the sources give")
            return None
        if best is not None and ((low is not None and best < low) or
                                 (high is not None and best > high)):
            self.fail(join(path, "best"), "figure.range",
                      f"'{path}' best {best} is outside its range "
                      f"{'' if low is None else low}–{'' if high is None else high}",
                      "best must lie between low and high")
            return None
        return Figure(best, low, high)
