"""The four data exports (events.json, events.csv, events.geojson, timeline.json): cold, and
again after one event was edited, as `chronicle serve` renders them after a save.

    python benchmarks/bench_exports.py --n 10000 [--runs 5] [--profile]

Cold starts from an empty piece memo (what `chronicle build` does); "after one edit" swaps
one event for an edited copy in the same Linked (the watch Builder's quick path) and renders
all four again. Times are CPU seconds of this process (time.process_time), less disturbed by
other work on the machine than wall time; medians are reported. Installs nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import pstats
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from generate import ensure_dataset  # noqa: E402

from chronicle.link import link  # noqa: E402
from chronicle.render import exports  # noqa: E402
from chronicle.render.pieces import EventPieces  # noqa: E402
from chronicle.validate import load_checked  # noqa: E402

RENDERS = (exports.events_json, exports.events_csv, exports.events_geojson,
           exports.timeline_json)


def render_all(linked) -> float:
    started = time.process_time()
    for render in RENDERS:
        render(linked)
    return time.process_time() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cache", type=Path, default=HERE / "out")
    parser.add_argument("--profile", action="store_true", help="cProfile one cold render")
    args = parser.parse_args()

    root, _ = ensure_dataset(args.n, args.seed, args.cache)
    chronology, _ = load_checked(root)
    linked = link(chronology)
    cold, edited = [], []
    for run in range(args.runs):
        exports.PIECES = EventPieces()
        cold.append(render_all(linked))
        index = (run * 997) % len(linked.events)
        event = linked.events[index]
        changed = dataclasses.replace(event, summary=event.summary + f" Edit {run}.")
        linked.events = (*linked.events[:index], changed, *linked.events[index + 1:])
        edited.append(render_all(linked))
    print(f"{len(linked.events)} events, {args.runs} runs (CPU ms): "
          f"cold {', '.join(f'{t * 1000:.0f}' for t in cold)}; "
          f"after one edit {', '.join(f'{t * 1000:.0f}' for t in edited)}")
    if args.profile:
        exports.PIECES = EventPieces()
        profile = cProfile.Profile()
        profile.runcall(render_all, linked)
        pstats.Stats(profile).sort_stats("tottime").print_stats(15)
    print(f"exports cold median ms: {statistics.median(cold) * 1000:.0f}")
    print(f"exports after one edit median ms: {statistics.median(edited) * 1000:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
