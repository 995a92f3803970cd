"""Shared fixtures: the repository root and a `build_site` that builds a chronology folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"
SITES_INVALID = Path(__file__).resolve().parent / "sites_invalid"


@pytest.fixture
def repo_root() -> Path:
    return REPO


@pytest.fixture
def copy_site(tmp_path):
    """Copy a fixture chronology (a folder under tests/sites or a path) into tmp_path."""

    def copy(name_or_path: str | Path) -> Path:
        source = Path(name_or_path)
        if not source.is_absolute():
            source = SITES / source
        target = tmp_path / source.name
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("site", ".chronicle-cache"))
        return target

    return copy


@pytest.fixture
def build_site(tmp_path):
    """Build a chronology folder into tmp_path/<name>-site and return that folder."""
    from chronicle.build import build

    def run(root: Path, **options) -> Path:
        out = options.pop("out", tmp_path / f"{Path(root).name}-site")
        build(Path(root), out, **options)
        return out

    return run
