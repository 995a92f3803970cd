"""Problems found in a chronology, each with a place, a code and a hint (Sphinx-style).

Every stage gathers `Diagnostic`s instead of raising on the first one, so a person sees
every problem at once; `ContentError` carries them out of a command that must stop.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from chronicle.model import Mark


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem: `content/events/x.yaml:4:7: error: unknown actor 'minsuma' (did you
    mean 'minusma'?) [ref.unknown]`, with an optional hint on how to fix it."""

    mark: Mark | None
    severity: Severity
    code: str
    message: str
    hint: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def format(self) -> str:
        where = f"{self.mark}: " if self.mark else ""
        text = f"{where}{self.severity.value}: {self.message} [{self.code}]"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    @property
    def sort_key(self) -> tuple:
        m = self.mark
        return (m.path, m.line, m.column, self.code) if m else ("", 0, 0, self.code)


def error(mark: Mark | None, code: str, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(mark, Severity.ERROR, code, message, hint)


def warning(mark: Mark | None, code: str, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(mark, Severity.WARNING, code, message, hint)


class ContentError(Exception):
    """Raised to stop a command; carries every diagnostic found, errors and warnings."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = sorted(diagnostics, key=lambda d: d.sort_key)
        super().__init__("\n".join(d.format() for d in self.diagnostics))


def did_you_mean(word: str, candidates: list[str] | tuple[str, ...] | set[str]) -> str | None:
    """The closest candidate, for "(did you mean 'minusma'?)"; None when nothing is close."""
    import difflib

    close = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=0.6)
    return close[0] if close else None
