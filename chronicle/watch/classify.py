"""Which rebuild a changed path needs: a pure function of the path (after Zola's
`detect_change_kind`), so every editor's save pattern can be tested without a file system.

Unknown paths are ignored rather than rebuilt: the watcher only ever sees the folders it
watches, and a stray file at the root (the build's staging folder, a README) must never
make the site rebuild itself in a loop.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path, PurePath

from chronicle.model import Config

#: Folder names never worth a rebuild, wherever they appear.
IGNORED_FOLDERS = frozenset({".git", ".hg", ".svn", ".chronicle-cache", "__pycache__",
                             "node_modules", ".idea", ".vscode"})


class ChangeKind(str, Enum):
    IGNORE = "ignore"
    CONTENT = "content"      # an entry: re-render the pages that read it
    TEMPLATE = "template"    # a template: re-render the pages that use it
    STATIC = "static"        # a theme asset: copy it, render nothing
    CONFIG = "config"        # chronicle.yaml: everything may change
    SEED = "seed"            # an article in seeds/: ingest it (only with --ingest)


class Scope(int, Enum):
    """Rebuild scopes, ordered so the widest of a batch wins."""

    NONE = 0
    STATIC = 1   # copy assets; the build's content hashes skip every page
    PAGES = 2    # the pages whose recorded inputs changed
    FULL = 3     # the whole site (the config feeds every page)


@dataclass(frozen=True, slots=True)
class RebuildPlan:
    scope: Scope
    ingest: bool = False


_SED_TEMP = re.compile(r"^sed[A-Za-z0-9]{6}$")  # `sed -i` writes one beside the file


def is_editor_temp(name: str) -> bool:
    """Files editors write on the way to a save, never the saved file itself."""
    return (
        name.endswith((".swp", ".swx", ".swo", "~", ".tmp", ".bak", ".orig", ".crdownload",
                       "___jb_tmp___", "___jb_old___"))
        or name == "4913"                                  # vim's "can I write here" probe
        or name == ".DS_Store"
        or _SED_TEMP.match(name) is not None
        or name.startswith((".#", ".~lock."))              # emacs lock, LibreOffice lock
        or (name.startswith("#") and name.endswith("#"))   # emacs autosave
        or (name.startswith(".goutputstream-"))            # gedit
        or (name.startswith(".") and name.endswith((".swp", ".kate-swp")))
    )


def _relative(path: PurePath, base: PurePath) -> PurePath | None:
    try:
        return path.relative_to(base)
    except ValueError:
        return None


def _absolute(path: str | os.PathLike, root: PurePath) -> PurePath:
    # normpath, not resolve(): purely lexical, so the classifier never touches the disk.
    joined = os.path.join(root, os.fspath(path))
    return PurePath(os.path.normpath(joined))


def classify(
    path: str | os.PathLike, root: str | os.PathLike, config: Config, *,
    out: str | os.PathLike | None = None,
) -> ChangeKind:
    """The kind of change a modified, created, deleted or moved path stands for."""
    root_path = PurePath(os.path.normpath(os.path.abspath(root)))
    target = _absolute(path, root_path)
    name = target.name
    if not name or is_editor_temp(name):
        return ChangeKind.IGNORE
    output = _absolute(out if out is not None else config.output_dir, root_path)
    if target == output or _relative(target, output) is not None:
        return ChangeKind.IGNORE
    inside = _relative(target, root_path)
    if inside is None or inside == PurePath("."):
        return ChangeKind.IGNORE
    parts = inside.parts
    if any(part in IGNORED_FOLDERS for part in parts):
        return ChangeKind.IGNORE
    if inside == PurePath("chronicle.yaml"):
        return ChangeKind.CONFIG
    content = _relative(target, _absolute(config.content_dir, root_path))
    if content is not None and content != PurePath("."):
        return ChangeKind.CONTENT
    if parts[0] == "static" and len(parts) > 1:
        return ChangeKind.STATIC
    if parts[0] == "templates" and len(parts) > 1:
        return ChangeKind.TEMPLATE
    if parts[0] == "themes" and len(parts) > 1:
        # themes/<name>/static/** is copied as is; anything else may be read by a template.
        return ChangeKind.STATIC if len(parts) > 3 and parts[2] == "static" else ChangeKind.TEMPLATE
    if parts[0] == "seeds" and len(parts) > 1:
        return ChangeKind.SEED
    return ChangeKind.IGNORE


_SCOPES = {
    ChangeKind.IGNORE: Scope.NONE,
    ChangeKind.SEED: Scope.NONE,
    ChangeKind.STATIC: Scope.STATIC,
    ChangeKind.CONTENT: Scope.PAGES,
    ChangeKind.TEMPLATE: Scope.PAGES,
    ChangeKind.CONFIG: Scope.FULL,
}


def plan_rebuild(kinds: Iterable[ChangeKind], *, ingest: bool = False) -> RebuildPlan:
    """The smallest rebuild that is safe for a batch of changes. Seeds only matter with
    --ingest; ingesting writes content files, which the watcher then sees as their own change."""
    kinds = set(kinds)
    scope = max((_SCOPES[kind] for kind in kinds), default=Scope.NONE)
    return RebuildPlan(scope, ingest=ingest and ChangeKind.SEED in kinds)


def changed_paths(paths: Iterable[Path], root: Path, config: Config, *,
                  out: Path | None = None) -> dict[Path, ChangeKind]:
    """The paths of a batch that matter, with their kinds."""
    kinds = {Path(p): classify(p, root, config, out=out) for p in paths}
    return {p: k for p, k in kinds.items() if k is not ChangeKind.IGNORE}
