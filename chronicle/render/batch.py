"""Render many pages into a folder: serially, or on every core for a large build.

Rendering is the one step whose cost grows with the page count, and every page is
independent, so a large build forks workers; they inherit the loaded chronology and the
compiled templates instead of loading them again, and write their pages themselves.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

from chronicle.pages import Page
from chronicle.render import render_page

PARALLEL_MIN_PAGES = 1500  # below this, starting workers costs more than it saves

_JOB: tuple | None = None  # (pages, staging, env, config), inherited by forked workers


def render_all(pages: list[Page], staging: Path, env, config) -> None:
    workers = min(os.cpu_count() or 1, 4)
    if len(pages) < PARALLEL_MIN_PAGES or workers < 2 or sys.platform == "win32":
        _render_range(pages, staging, env, config, 0, len(pages))
        return
    import multiprocessing

    global _JOB
    # the exports are few but each as heavy as hundreds of pages: give each its own task,
    # first, so the two cores finish together
    pages = sorted(pages, key=lambda p: p.kind != "data")
    heavy = sum(p.kind == "data" for p in pages)
    _JOB = (pages, staging, env, config)
    # the loaded chronology, frozen, is never traversed by the workers' collections (and its
    # pages are not dirtied by them, so they stay shared); unfrozen after, so a long-lived
    # process still frees the chronologies it drops
    gc.freeze()
    try:
        batch = max(50, len(pages) // (workers * 8))
        ranges = [(i, i + 1) for i in range(heavy)] + [
            (i, min(i + batch, len(pages))) for i in range(heavy, len(pages), batch)]
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for _ in pool.imap_unordered(_render_batch, ranges):
                pass
    finally:
        gc.unfreeze()
        _JOB = None


def _render_batch(bounds: tuple[int, int]) -> None:
    pages, staging, env, config = _JOB
    _render_range(pages, staging, env, config, *bounds)


def _render_range(pages, staging: Path, env, config, start: int, stop: int) -> None:
    base = str(staging) + "/"
    made: set[str] = set()
    for page in pages[start:stop]:
        path = base + page.url
        folder = path.rpartition("/")[0]
        if folder not in made:
            try:
                os.mkdir(folder)  # one call where os.makedirs first asks for the parent
            except FileNotFoundError:
                os.makedirs(folder, exist_ok=True)
            except FileExistsError:
                pass
            made.add(folder)
        _write(path, render_page(env, page, config))


#: O_BINARY: no newline translation on Windows
_CREATE = (os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)
           | getattr(os, "O_BINARY", 0))


def _write(path: str, data: bytes) -> None:
    """Three system calls, where Path.write_bytes makes six (it also asks the size, the
    terminal and the position of a file it has just created)."""
    fd = os.open(path, _CREATE, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)
