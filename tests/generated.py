"""Chronologies for tests: one built by hand from a few entries (`chronology`), or a synthetic
one from the benchmarks' generator for tests that need many entries (`write_generated`)."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from chronicle.model import Actor, Chronology, Config, Event, Place

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


def chronology(events: Iterable[Event], actors: Iterable[Actor] = (),
               places: Iterable[Place] = ()) -> Chronology:
    """A chronology of these entries, its events in date order as loading sorts them."""
    events = tuple(sorted(events, key=lambda e: (e.date.sort_key, e.id)))
    return Chronology("/x", Config(), events, tuple(actors), tuple(places))
