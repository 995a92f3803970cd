"""The site is a pure function of the content: two builds are byte-identical wherever they
run, and the site/ committed to git is exactly what `chronicle build` makes from it now.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, copy_chronology

from chronicle.build import build


def git_blob_id(data: bytes) -> str:
    """The id git gives these bytes: a built tree compares with a commit without a checkout."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def tree_ids(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): git_blob_id(path.read_bytes())
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def committed_ids(folder: str) -> dict[str, str]:
    listing = subprocess.run(
        ["git", "-C", str(REPO), "ls-tree", "-r", "-z", "--full-tree", "HEAD", "--", folder],
        capture_output=True, check=True,
    ).stdout.decode("utf-8")
    ids = {}
    for row in filter(None, listing.split("\0")):
        meta, path = row.split("\t", 1)
        mode, kind, blob = meta.split()
        if kind == "blob" and mode != "120000":
            ids[path.removeprefix(folder + "/")] = blob
    return ids


def first_difference(expected: bytes, actual: bytes) -> str:
    pairs = zip(expected.splitlines(), actual.splitlines(), strict=False)
    for number, (old, new) in enumerate(pairs, 1):
        if old != new:
            return f"line {number}: {old[:120]!r} != {new[:120]!r}"
    return f"sizes {len(expected)} != {len(actual)}"


def tree_differences(expected: dict[str, str], actual: dict[str, str],
                     read_expected, read_actual, limit: int = 20) -> list[str]:
    """The first differences between two trees, in words a person can act on."""
    lines = [f"only in the build: {p}" for p in sorted(actual.keys() - expected.keys())]
    lines += [f"missing from the build: {p}" for p in sorted(expected.keys() - actual.keys())]
    for path in sorted(expected.keys() & actual.keys()):
        if expected[path] != actual[path]:
            lines.append(f"differs: {path}: "
                         f"{first_difference(read_expected(path), read_actual(path))}")
        if len(lines) >= limit:
            break
    return lines[:limit]


def assert_same_tree(expected: Path, actual: Path) -> None:
    differences = tree_differences(
        tree_ids(expected), tree_ids(actual),
        lambda p: (expected / p).read_bytes(), lambda p: (actual / p).read_bytes(),
    )
    assert not differences, f"{expected} and {actual} differ:\n" + "\n".join(differences)


def test_two_builds_are_byte_identical(tmp_path):
    """Cold builds in two different folders, then a warm rebuild from the cache: same bytes."""
    first = copy_chronology(REPO, tmp_path / "first")
    second = copy_chronology(REPO, tmp_path / "elsewhere" / "second")
    build(first, tmp_path / "site-a")
    build(second, tmp_path / "site-b")
    assert_same_tree(tmp_path / "site-a", tmp_path / "site-b")

    shutil.rmtree(tmp_path / "site-a")
    build(first, tmp_path / "site-a")  # the cache of the first build is still there
    assert_same_tree(tmp_path / "site-b", tmp_path / "site-a")


def test_committed_site_is_what_a_build_makes_now(sample_site):
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout: nothing committed to compare with")
    committed = committed_ids("site")
    assert committed, "site/ is not committed: run `chronicle build` and commit site/"
    built = tree_ids(sample_site)

    def read_committed(path: str) -> bytes:
        return subprocess.run(["git", "-C", str(REPO), "show", f"HEAD:site/{path}"],
                              capture_output=True, check=True).stdout

    differences = tree_differences(committed, built, read_committed,
                                   lambda p: (sample_site / p).read_bytes())
    assert not differences, (
        "the committed site/ is not what `chronicle build` makes now; rebuild and commit it:\n"
        + "\n".join(differences)
    )
