"""`chronicle serve`: build, serve on loopback, rebuild on save, reload the browser.

`DevServer` wires the parts (server, reload channel, watcher, dispatch) as plain objects,
no globals, so tests run it in-process on a free port and stop it cleanly.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from pathlib import Path

from chronicle.serve.channel import ReloadChannel
from chronicle.serve.dispatch import ReloadDispatch
from chronicle.serve.http import SiteServer, bind_server, is_loopback
from chronicle.serve.indexing import BackgroundIndexer
from chronicle.watch import Watcher
from chronicle.watch.debounce import SETTLE_SECONDS
from chronicle.watch.rebuild import BuildFunction, Rebuilder, RebuildOutcome


class DevServer:
    """A running `chronicle serve`: `start()` builds once and serves; `stop()` joins it all."""

    def __init__(self, root: Path, *, host: str = "127.0.0.1", port: int = 8000,
                 drafts: bool | None = None, poll: bool = False, ingest: bool = False,
                 out: Path | None = None, build: BuildFunction | None = None,
                 quiet: float = SETTLE_SECONDS, log: Callable[[str], None] | None = None,
                 search: bool = True) -> None:
        self.root = Path(root).resolve()
        self.channel = ReloadChannel()
        self.indexer = BackgroundIndexer(log=log) if search else None
        self.dispatch = ReloadDispatch(self.channel, indexer=self.indexer)
        self.outcomes: list[RebuildOutcome] = []
        if build is None:  # remembering; the saved event's page reloads as soon as written
            from chronicle.build import Builder

            build = Builder(on_pages_written=self.dispatch.pages_written)
        self.rebuilder = Rebuilder(self.root, Path(out).resolve() if out else None,
                                   drafts=drafts, build=build, ingest=ingest,
                                   on_rebuilt=self._rebuilt, log=log,
                                   # the index is made after the reload, in the background
                                   build_options={"search": False})
        self.watcher = Watcher(self.rebuilder, poll=poll, ingest=ingest, quiet=quiet)
        self._host = host
        self._port = port
        self.server: SiteServer | None = None
        self._thread: threading.Thread | None = None

    def _rebuilt(self, outcome: RebuildOutcome) -> None:
        self.outcomes.append(outcome)
        self.dispatch(outcome)

    def start(self) -> DevServer:
        self.server = bind_server(self._host, self._port, self.rebuilder.output(),
                                  self.rebuilder.config.base_path, self.channel)
        self.dispatch.server = self.server
        self.rebuilder.build_once()
        self._thread = threading.Thread(target=self.server.serve_forever,
                                        kwargs={"poll_interval": 0.2}, name="chronicle-http")
        self._thread.start()
        self.watcher.start()
        return self

    @property
    def url(self) -> str:
        assert self.server is not None, "start() first"
        return self.server.url

    def stop(self) -> None:
        """Stop watching, close every event stream, then the server; join every thread."""
        self.watcher.stop()
        if self.indexer is not None:
            self.indexer.close()
        self.channel.close()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> DevServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve_command(root: Path, host: str = "127.0.0.1", port: int = 8000,
                  drafts: bool | None = None, poll: bool = False, ingest: bool = False) -> int:
    from chronicle.cli import ChronicleError

    root = Path(root)
    if not (root / "chronicle.yaml").is_file() and not (root / "content").is_dir():
        raise ChronicleError(f"{root} holds no chronology (no chronicle.yaml or content/); "
                             "run `chronicle init` or pass --root")
    if not is_loopback(host):
        print(f"warning: serving on {host}: anyone who can reach this machine can read the "
              "site, drafts included; use --host 127.0.0.1 to keep it local", file=sys.stderr)
    dev = DevServer(root, host=host, port=port, drafts=drafts, poll=poll, ingest=ingest)
    stop = threading.Event()
    try:
        dev.start()
        print(f"Serving {dev.rebuilder.output()} at {dev.url} (Ctrl-C to stop)", flush=True)
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        print("\nStopping…", file=sys.stderr, flush=True)
    finally:
        dev.stop()
    return 0
