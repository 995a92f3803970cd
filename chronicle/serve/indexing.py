"""Search indexing after each good rebuild, off the reload path (DESIGN §4: "in serve,
after the pages are swapped in, without holding up the reload").

One index runs at a time; saves during a run ask for one more run after it, so a burst
of rebuilds costs at most one extra index. A failure is printed, unless a newer build
has already replaced the site it was indexing (then the next run covers it).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

_INDEX_SCRIPT = "import sys\nfrom chronicle.search import index_site\nindex_site(sys.argv[1])\n"


def default_index(site: Path) -> object:
    """Index in a child process at low priority: in this process the indexer's Python side
    would hold the interpreter lock for seconds and starve the next save's rebuild."""
    nice = ["nice", "-n", "10"] if shutil.which("nice") else []
    done = subprocess.run([*nice, sys.executable, "-c", _INDEX_SCRIPT, str(site)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        lines = (done.stderr or "").strip().splitlines()
        raise RuntimeError(lines[-1] if lines else f"exit {done.returncode}")
    return done


class BackgroundIndexer:
    def __init__(self, index: Callable[[Path], object] | None = None,
                 log: Callable[[str], None] | None = None) -> None:
        self._index = index or default_index
        self._log = log or (lambda text: print(text, file=sys.stderr, flush=True))
        self._lock = threading.Lock()
        self._wanted: Path | None = None
        self._thread: threading.Thread | None = None
        self._closed = False

    def request(self, site: Path) -> None:
        with self._lock:
            if self._closed:
                return
            self._wanted = site
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="chronicle-search",
                                                daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                site, self._wanted = self._wanted, None
                if site is None or self._closed:
                    self._thread = None
                    return
            try:
                self._index(site)
            except Exception as exc:  # printed below unless a newer site superseded it
                with self._lock:
                    superseded = self._wanted is not None
                if not superseded:
                    self._log(f"warning: search index not updated: {exc}")

    def close(self, timeout: float = 5.0) -> None:
        """Start no more; give a running index a moment to finish. It writes aside and
        renames, so one cut short by the exit leaves the previous index whole."""
        with self._lock:
            self._closed = True
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
