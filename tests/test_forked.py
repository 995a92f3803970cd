"""forked.run: every range's result in order, heavy ranges never side by side, and workers
that exit after their ranges when asked (what keeps a 50,000-event build's memory down)."""

from __future__ import annotations

import os
import sys
import time

import pytest

from chronicle import forked

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="forking is Unix only")

BOUNDS = forked.ranges(40, 5)


def test_results_come_back_in_the_order_of_the_ranges():
    done = forked.run(lambda start, stop: list(range(start, stop)), BOUNDS, 2,
                      alone=3, tasks_per_worker=1)
    assert done == [list(range(start, stop)) for start, stop in BOUNDS]


def test_each_result_is_received_here_as_it_arrives_before_the_last_range_ends(tmp_path):
    """`received` runs in the caller, on each result in turn, while later ranges are still
    running: the last range waits for the first result to be received, and sees it was."""
    flag = tmp_path / "first received"

    def job(start: int, stop: int) -> tuple[int, int, bool]:
        if start == BOUNDS[-1][0]:
            deadline = time.monotonic() + 10
            while not flag.exists() and time.monotonic() < deadline:
                time.sleep(0.01)
        return os.getpid(), start, flag.exists()

    def received(result: tuple[int, int, bool]) -> tuple[int, bool]:
        worker, start, first_received = result
        if start == 0:
            flag.touch()
        return start, worker != os.getpid() and (start != BOUNDS[-1][0] or first_received)

    done = forked.run(job, BOUNDS, 2, received=received)
    assert done == [(start, True) for start, _ in BOUNDS]


def test_a_failing_range_fails_the_run():
    def job(start: int, stop: int) -> int:
        if start == 15:
            raise ValueError("range 15")
        return start

    with pytest.raises(ValueError, match="range 15"):
        forked.run(job, BOUNDS, 2, alone=2)


@pytest.mark.parametrize("alone", [4, 0], ids=["heavy ranges alone", "control: no rule"])
def test_heavy_ranges_never_run_side_by_side(tmp_path, alone):
    """Each heavy range holds a lock file while it runs; a second one running at the same
    time finds it. The control shows the check finds overlaps when nothing prevents them."""
    lock = tmp_path / "heavy"

    def job(start: int, stop: int) -> bool:
        if start >= 4 * 5:  # the light ranges
            return True
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return False
        time.sleep(0.2)  # long enough for the other worker to start a range meanwhile
        os.close(fd)
        os.unlink(lock)
        return True

    done = forked.run(job, BOUNDS, 2, alone=alone)
    assert all(done) == bool(alone)


@pytest.mark.parametrize("tasks_per_worker", [1, None])
def test_workers_exit_after_their_ranges_when_asked(tasks_per_worker):
    pids = forked.run(lambda start, stop: os.getpid(), BOUNDS, 2,
                      tasks_per_worker=tasks_per_worker)
    assert os.getpid() not in pids
    if tasks_per_worker == 1:
        assert len(set(pids)) == len(BOUNDS)
    else:
        assert len(set(pids)) <= 2


def test_started_ranges_run_one_at_a_time_while_the_caller_goes_on(tmp_path):
    """`start` hands back at once; its ranges run one after the other on a worker of their
    own (each holds a lock file that a second one running beside it would find), and their
    results come back in order."""
    lock = tmp_path / "heavy"

    def job(start: int, stop: int) -> tuple[int, bool]:
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return start, False
        time.sleep(0.05)
        os.close(fd)
        os.unlink(lock)
        return start, True

    started = forked.start(job, BOUNDS[:4], tasks_per_worker=1)
    assert started is not None
    assert forked.run(lambda start, stop: start, BOUNDS, 2) == [s for s, _ in BOUNDS]
    assert started.results() == [(s, True) for s, _ in BOUNDS[:4]]


def test_a_started_job_stopped_leaves_no_worker():
    import multiprocessing

    started = forked.start(lambda start, stop: time.sleep(30), BOUNDS[:2])
    assert started is not None
    started.stop()
    assert multiprocessing.active_children() == []


def _weights_of(bounds: list[tuple[int, int]], weights: list[float]) -> list[float]:
    return [sum(weights[start:stop]) for start, stop in bounds]


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("start", [0, 3])
def test_guided_ranges_cover_every_item_once_in_order(seed, start):
    import random

    rng = random.Random(seed)
    weights = [rng.choice([0, 1, 4, 30, 300]) for _ in range(rng.randint(1, 3000))]
    bounds = forked.guided_ranges(weights, 2, start)
    covered = [i for first, stop in bounds for i in range(first, stop)]
    assert covered == list(range(start, len(weights)))
    assert all(first < stop for first, stop in bounds)


def test_guided_ranges_shrink_as_the_work_runs_out():
    """Equal-count ranges left the range of heavy pages (years and places sort last) to
    one worker at the end; these end with ranges of a small share of the work."""
    weights = [16.0] * 10_000 + [30.0] * 1000 + [339.0] * 30  # events, places, years
    total = sum(weights)
    bounds = forked.guided_ranges(weights, 2)
    work = _weights_of(bounds, weights)
    assert work[0] == pytest.approx(total / 8, abs=339)
    assert work[0] > work[len(work) // 2] > work[-2]
    smallest = total / 64
    assert all(w <= smallest + 339 for w in work[-4:])
    # the heavy items at the end are split over several ranges, not one
    assert sum(1 for first, stop in bounds if stop > 11_000) >= 2


def test_guided_ranges_without_weights_is_one_range():
    assert forked.guided_ranges([0.0] * 10, 2) == [(0, 10)]
    assert forked.guided_ranges([], 2) == []
