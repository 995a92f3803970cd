"""From saving one event file to the updated page: `chronicle serve` against `hugo --watch`.

    python benchmarks/bench_serve.py --n 10000 [--saves 7] [--seed 1] [--cache DIR] [--profile]

Both run as the user would start them, in their own processes, on copies of the same
synthetic chronology (benchmarks/generate.py). For each save the benchmark rewrites one
event's title the way an editor does (write in place), then times two things:

- save→html: until the event's page on disk holds the new title (polled every 2 ms);
- save→reload (Chronicle): until the browser's event stream receives a reload message that
  reaches the event's page (the early one naming only that page, or the whole site's), and
  until the reload of the whole site.

Between saves it waits until the server's whole process tree is idle (no CPU for 300 ms),
so background work (Chronicle's search index, Hugo's rebuild) never leaks into the next
measurement. Each save edits a different event; the median is reported. `--profile` runs
the server with CHRONICLE_PROFILE=1 and prints the median of each step it timed during
the saves (watcher event, settle, read, render, write, reload). Installs nothing.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import hugo_binary, process_tree
from generate import dataset_parser, ensure_dataset

REPO = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")
TITLE = re.compile(r"(?m)^title:.*$")
STEP = re.compile(r"^profile: (\S+) ([\d.]+) ms", re.MULTILINE)


def tree_cpu_seconds(root_pid: int) -> float:
    """User + system CPU of a process and its live descendants, from /proc."""
    total = 0
    for pid in process_tree(root_pid):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


def wait_idle(pid: int, quiet: float = 0.3, timeout: float = 600.0) -> None:
    deadline = time.monotonic() + timeout
    last, calm_since = tree_cpu_seconds(pid), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.05)
        now = tree_cpu_seconds(pid)
        if now != last:
            last, calm_since = now, time.monotonic()
        elif time.monotonic() - calm_since >= quiet:
            return
    raise SystemExit(f"process {pid} never went idle within {timeout:.0f} s")


def wait_for_text(path: Path, text: bytes, started: float, timeout: float = 120.0) -> float:
    """Seconds from `started` until `path` holds `text`."""
    while True:
        try:
            if text in path.read_bytes():
                return time.perf_counter() - started
        except OSError:
            pass  # mid-swap: the folder or file is being replaced
        if time.perf_counter() - started > timeout:
            raise SystemExit(f"{path} never showed {text!r} within {timeout:.0f} s")
        time.sleep(0.002)


def save_title(path: Path, title: str) -> float:
    """Rewrite the first `title:` line in place, as an editor does; returns the save time:
    when the file was opened for writing, before the first event a watcher can see."""
    text = TITLE.sub(f"title: {title}", path.read_text(encoding="utf-8"), count=1)
    started = time.perf_counter()
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return started


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ReloadListener:
    """Holds the event stream open and timestamps every reload message: those for a few
    pages only (the saved event's, written first) and those for the whole site."""

    def __init__(self, port: int) -> None:
        self.stamps: dict[bool, list[float]] = {True: [], False: []}  # whole site? -> times
        self._arrived = threading.Condition()
        self._socket = socket.create_connection(("127.0.0.1", port), timeout=None)
        self._socket.sendall(b"GET /__chronicle__/events HTTP/1.0\r\n\r\n")
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        reload = False
        for line in self._socket.makefile("rb"):
            if line.startswith(b"event: "):
                reload = line.startswith(b"event: reload")
            elif reload and line.startswith(b"data: "):
                with self._arrived:
                    self.stamps[b'"only"' not in line].append(time.perf_counter())
                    self._arrived.notify_all()
                reload = False

    def next_after(self, started: float, whole_site: bool, timeout: float = 120.0) -> float:
        """Seconds from `started` to the next reload of the whole site, or (not whole_site)
        to the first reload that reaches the saved event's page, whichever kind it is."""
        def found() -> list[float]:
            kinds = (True,) if whole_site else (True, False)
            return [s for kind in kinds for s in self.stamps[kind] if s >= started]

        with self._arrived:
            if not self._arrived.wait_for(found, timeout):
                raise SystemExit("no reload message arrived")
            return min(found()) - started

    def close(self) -> None:
        self._socket.close()


def wait_until_serving(port: int, process: subprocess.Popen, timeout: float = 600.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server never started")


def stop(process: subprocess.Popen) -> None:
    process.send_signal(2)  # SIGINT: Ctrl-C, the way people stop it
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def pick_events(folder: Path, suffix: str, count: int) -> list[Path]:
    files = sorted(p for p in folder.glob(f"*{suffix}") if not p.name.startswith("_"))
    step = max(1, len(files) // (count + 1))
    return [files[step * (i + 1)] for i in range(count)]


def bench_chronicle(root: Path, saves: int, profile: bool = False
                    ) -> tuple[list[float], list[float], list[float], dict[str, list[float]]]:
    port = free_port()
    log_path = root.parent / "serve.log"  # a file, not a pipe nobody reads: it never blocks
    log = open(log_path, "w")  # noqa: SIM115 - closed in finally, after the server stops
    env = {**os.environ, "CHRONICLE_PROFILE": "1"} if profile else None
    process = subprocess.Popen(
        [sys.executable, "-m", "chronicle", "serve", "--root", str(root), "--port", str(port)],
        cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env=env)
    html, reload, page_reload = [], [], []
    steps: dict[str, list[float]] = {}
    try:
        wait_until_serving(port, process)
        wait_idle(process.pid)
        log.flush()
        started_saving = log_path.stat().st_size
        listener = ReloadListener(port)
        for number, event in enumerate(pick_events(root / "content/events", ".yaml", saves)):
            title = f"Benchmark title {number} {time.time_ns()}"
            page = root / "site/events" / event.stem / "index.html"
            started = save_title(event, title)
            html.append(wait_for_text(page, title.encode(), started))
            reload.append(listener.next_after(started, whole_site=True))
            page_reload.append(listener.next_after(started, whole_site=False))
            wait_idle(process.pid)
        listener.close()
        with open(log_path, encoding="utf-8", errors="replace") as lines:
            lines.seek(started_saving)
            for step, value in STEP.findall(lines.read()):
                steps.setdefault(step, []).append(float(value))
    except SystemExit:
        print(log_path.read_text()[-3000:], file=sys.stderr)
        raise
    finally:
        stop(process)
        log.close()
    return html, reload, page_reload, steps


def bench_hugo(root: Path, hugo: Path, saves: int) -> list[float]:
    shutil.rmtree(root / "public", ignore_errors=True)
    process = subprocess.Popen([str(hugo), "--watch", "--quiet"], cwd=root,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    html = []
    try:
        deadline = time.monotonic() + 600
        while not (root / "public/index.html").is_file():
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("hugo --watch did not build")
            time.sleep(0.1)
        wait_idle(process.pid)
        for number, event in enumerate(pick_events(root / "content/events", ".md", saves)):
            title = f"Benchmark title {number} {time.time_ns()}"
            page = root / "public/events" / event.stem.lower() / "index.html"
            started = save_title(event, title)
            html.append(wait_for_text(page, title.encode(), started))
            wait_idle(process.pid)
    finally:
        stop(process)
    return html


def ms(values: list[float]) -> str:
    return ", ".join(f"{v * 1000:.0f}" for v in values)


def main(argv: list[str] | None = None) -> int:
    parser = dataset_parser(__doc__.split("\n\n")[0])
    parser.add_argument("--saves", type=int, default=7, help="saves to time (default 7)")
    parser.add_argument("--no-hugo", action="store_true", help="time Chronicle alone")
    parser.add_argument("--profile", action="store_true",
                        help="print the median of each step the server timed (CHRONICLE_PROFILE)")
    options = parser.parse_args(argv)

    chronicle_source, hugo_source = ensure_dataset(options.n, options.seed, options.cache)
    hugo = None if options.no_hugo else hugo_binary()
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as scratch:
        root = Path(scratch) / "chronicle"
        shutil.copytree(chronicle_source, root)
        html, reload, page_reload, steps = bench_chronicle(root, options.saves, options.profile)
        print(f"chronicle serve  save→html   ms: {ms(html)}")
        print(f"chronicle serve  save→reload ms: {ms(page_reload)} (its page)")
        print(f"chronicle serve  save→reload ms: {ms(reload)} (whole site)")
        for step, values in steps.items():
            print(f"  {step:<22} median {statistics.median(values):8.1f} ms"
                  f"  ({len(values)} times, max {max(values):.1f})")
        hugo_median = None
        if hugo is None:
            print("hugo not found or not asked for: timing Chronicle alone")
        else:
            hugo_root = Path(scratch) / "hugo"
            shutil.copytree(hugo_source, hugo_root)
            hugo_html = bench_hugo(hugo_root, hugo, options.saves)
            hugo_median = statistics.median(hugo_html) * 1000
            print(f"hugo --watch     save→html   ms: {ms(hugo_html)}")
    print(f"n={options.n}: save→reload median ms: {statistics.median(page_reload) * 1000:.0f} "
          f"(its page), {statistics.median(reload) * 1000:.0f} (whole site)")
    line = f"save→html median ms: {statistics.median(html) * 1000:.0f}"
    if hugo_median is not None:
        line += f" (hugo --watch: {hugo_median:.0f})"
    print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
