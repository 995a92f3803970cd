"""A synthetic chronology from the benchmarks' generator, for tests that need many entries."""

from __future__ import annotations

import sys
from pathlib import Path

BENCHMARKS = str(Path(__file__).resolve().parent.parent / "benchmarks")


def write_generated(folder: Path, events: int, seed: int = 1) -> Path:
    """Write a chronology of `events` generated events into `folder` and return it."""
    sys.path.insert(0, BENCHMARKS)
    try:
        from generate import generate, write_chronicle
    finally:
        sys.path.remove(BENCHMARKS)
    write_chronicle(generate(events, seed=seed), folder)
    return folder
