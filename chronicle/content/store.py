"""A chronology kept loaded by a long-lived process (`chronicle serve`, `build --watch`).

After a save only the files named are parsed again; the whole-chronology checks run again
over the entries in memory, so the result is exactly what a fresh `load_checked` returns.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from chronicle.cli import ChronicleError
from chronicle.content.load import ContentReader
from chronicle.diagnostics import Diagnostic
from chronicle.model import Chronology
from chronicle.validate import CheckMemo, finish_loading


class ContentStore:
    """`load(root)` once, then `update(paths)` after every change; both return
    (Chronology, diagnostics) as `load_checked(root, drafts)` would."""

    def __init__(self, drafts: bool | None = None):
        self.drafts = drafts
        self._reader: ContentReader | None = None
        self._memo = CheckMemo()

    @property
    def root(self) -> Path:
        if self._reader is None:
            raise RuntimeError("ContentStore.load(root) comes before update()")
        return self._reader.root

    def load(self, root: Path | str) -> tuple[Chronology, list[Diagnostic]]:
        """Read every file (unchanged ones from the parse cache) and check the whole."""
        root = Path(root)
        if not root.is_dir():
            raise ChronicleError(f"no chronology folder at {root}")
        self._reader = ContentReader(root)
        self._memo = CheckMemo()
        chronology, diagnostics = self._reader.read()
        return finish_loading(root, chronology, diagnostics, self.drafts, self._memo)

    def update(self, paths: Iterable[Path | str]) -> tuple[Chronology, list[Diagnostic]]:
        """The chronology after the files at `paths` (absolute, or relative to the root)
        were written, created, deleted or renamed (name both old and new path). Files not
        named are trusted unchanged; new entry files are read even when not named."""
        root = self.root
        changed = {relative for path in paths if (relative := self._relative(path))}
        assert self._reader is not None
        chronology, diagnostics = self._reader.read(changed=changed)
        return finish_loading(root, chronology, diagnostics, self.drafts, self._memo)

    def _relative(self, path: Path | str) -> str | None:
        """`path` as the loader names files (relative to the root, '/'-separated); None
        for a path outside the chronology."""
        path = Path(path)
        root = self.root
        if not path.is_absolute():
            return None if ".." in path.parts else path.as_posix()
        for base, target in ((root.absolute(), path), (root.resolve(), path.resolve())):
            try:
                return target.relative_to(base).as_posix()
            except ValueError:
                continue
        return None
