"""Render many pages into a folder: serially, or on every core for a large build.

Rendering is the one step whose cost grows with the page count, and every page is
independent, so a large build forks workers; they inherit the loaded chronology and the
compiled templates instead of loading them again, and write their pages themselves.
"""

from __future__ import annotations

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
    try:
        batch = max(50, len(pages) // (workers * 8))
        ranges = [(i, i + 1) for i in range(heavy)] + [
            (i, min(i + batch, len(pages))) for i in range(heavy, len(pages), batch)]
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for _ in pool.imap_unordered(_render_batch, ranges):
                pass
    finally:
        _JOB = None


def _render_batch(bounds: tuple[int, int]) -> None:
    pages, staging, env, config = _JOB
    _render_range(pages, staging, env, config, *bounds)


def _render_range(pages, staging: Path, env, config, start: int, stop: int) -> None:
    made: set[Path] = set()
    for page in pages[start:stop]:
        target = staging / page.url
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(render_page(env, page, config))
