"""The HTTP side of `chronicle serve`: the output folder under the site's base path.

Every request path is decoded once and checked segment by segment, then resolved through
symlinks and required to stay inside the output folder, so `..` in any spelling, NUL,
backslashes and links pointing out of the site are refused before a file is opened.
"""

from __future__ import annotations

import errno
import ipaddress
import mimetypes
import os
import queue
import socket
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote

from chronicle.serve.channel import ReloadChannel
from chronicle.serve.overlay import (
    EVENTS_URL,
    LIVE_PREFIX,
    LIVE_SCRIPT,
    SCRIPT_URL,
    STATE_URL,
    inject_live_script,
    placeholder_page,
)

KEEPALIVE_SECONDS = 15.0


def resolve_site_file(site: Path, url_path: str) -> Path | None:
    """The real path a (still percent-encoded) URL path names inside `site`, or None when
    the request tries to leave it. The path need not exist."""
    if "\\" in url_path or "\x00" in url_path:
        return None
    try:
        decoded = unquote(url_path, errors="strict")
    except UnicodeDecodeError:
        return None
    if "\\" in decoded or "\x00" in decoded:
        return None
    parts = [part for part in decoded.split("/") if part]
    if any(part in (".", "..") for part in parts):
        return None
    real_site = os.path.realpath(site)
    real = os.path.realpath(os.path.join(real_site, *parts))
    if real != real_site and not real.startswith(real_site + os.sep):
        return None
    return Path(real)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class SiteServer(ThreadingHTTPServer):
    """Serves `site` under `base_path`; both may change when chronicle.yaml does."""

    daemon_threads = False   # server_close() joins every request thread: a clean stop
    block_on_close = True

    def __init__(self, address: tuple[str, int], site: Path, base_path: str,
                 channel: ReloadChannel) -> None:
        self.site = site
        self.base_path = base_path
        self.channel = channel
        if ":" in address[0]:
            self.address_family = socket.AF_INET6  # --host ::1 or an IPv6 address
        super().__init__(address, SiteRequestHandler)

    def handle_error(self, request, client_address) -> None:
        import sys

        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            return  # a browser closing a tab mid-response is not news
        super().handle_error(request, client_address)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        shown = f"[{host}]" if ":" in str(host) else host
        return f"http://{shown}:{port}{self.base_path}"


def bind_server(host: str, port: int, site: Path, base_path: str, channel: ReloadChannel,
                *, attempts: int = 20) -> SiteServer:
    """Bind to `port`, or the next free one after it (port 0: any free port)."""
    from chronicle.cli import ChronicleError

    last: OSError | None = None
    for candidate in range(port, port + attempts) if port else [0]:
        try:
            return SiteServer((host, candidate), site, base_path, channel)
        except OSError as exc:
            if exc.errno not in (errno.EADDRINUSE, errno.EACCES):
                raise ChronicleError(f"cannot serve on {host}:{candidate}: {exc.strerror}") from exc
            last = exc
    raise ChronicleError(f"ports {port}-{port + attempts - 1} on {host} are all in use "
                         f"({last.strerror if last else 'unknown'}); pick one with --port")


class SiteRequestHandler(BaseHTTPRequestHandler):
    server: SiteServer
    server_version = "chronicle-serve"
    timeout = 10  # an idle connection never holds up a clean stop for long

    def log_message(self, format: str, *args: object) -> None:
        pass  # the terminal is for rebuilds and diagnostics, not one line per request

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def do_GET(self) -> None:
        self._respond(head=False)

    def _respond(self, *, head: bool) -> None:
        path, _, query = self.path.partition("?")
        path = path.partition("#")[0]
        if not path.startswith("/") or path.startswith("//"):
            self._send(HTTPStatus.BAD_REQUEST, b"bad request path\n", "text/plain", head)
            return
        if path.startswith(LIVE_PREFIX):
            self._live(path, query, head)
            return
        base = self.server.base_path
        if path in ("/", base.rstrip("/")) and path != base:
            self._redirect(base)
            return
        if not path.startswith(base):
            self._not_found(head)
            return
        target = resolve_site_file(self.server.site, path[len(base):])
        if target is None:
            self._send(HTTPStatus.FORBIDDEN, b"forbidden: outside the site\n", "text/plain", head)
            return
        if target.is_dir():
            if not path.endswith("/"):
                self._redirect(path + "/" + (f"?{query}" if query else ""))
                return
            target = target / "index.html"
        if not target.is_file():
            self._not_found(head)
            return
        self._send_file(target, HTTPStatus.OK, head)

    def _send_file(self, target: Path, status: HTTPStatus, head: bool) -> None:
        channel = self.server.channel
        version = channel.version_for(self.path.partition("?")[0].partition("#")[0])
        try:
            body = target.read_bytes()  # read after the version: never older than it says
        except OSError:
            self._not_found(head)
            return
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind == "text/html":
            body = inject_live_script(body, version)
        self._send(status, body, kind, head)

    def _not_found(self, head: bool) -> None:
        page = resolve_site_file(self.server.site, "404.html")
        if page is not None and page.is_file():
            self._send_file(page, HTTPStatus.NOT_FOUND, head)
            return
        if not self.server.site.is_dir():
            body = placeholder_page("No site yet", "The site has not been built yet: see the "
                                    "errors in the terminal.", self.server.channel.version)
        else:
            body = placeholder_page("Not found", f"Nothing at {self.path}.",
                                    self.server.channel.version)
        self._send(HTTPStatus.NOT_FOUND, body, "text/html", head)

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.FOUND)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: HTTPStatus, body: bytes, kind: str, head: bool) -> None:
        self.send_response(status)
        if kind.startswith("text/") or kind in ("application/json", "application/javascript",
                                                "application/xml", "image/svg+xml"):
            kind += "; charset=utf-8"
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _live(self, path: str, query: str, head: bool) -> None:
        if path == SCRIPT_URL:
            self._send(HTTPStatus.OK, LIVE_SCRIPT.encode(), "text/javascript", head)
        elif path == STATE_URL:
            import json

            body = json.dumps(self.server.channel.state(), sort_keys=True).encode()
            self._send(HTTPStatus.OK, body, "application/json", head)
        elif path == EVENTS_URL and not head:
            self._stream_events(query)
        else:
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain", head)

    def _stream_events(self, query: str) -> None:
        since_text = parse_qs(query).get("since", [""])[0]
        since = int(since_text) if since_text.isdigit() else None
        inbox = self.server.channel.subscribe(since)
        try:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(b"retry: 1000\n\n")
            self.wfile.flush()
            while True:
                try:
                    message = inbox.get(timeout=KEEPALIVE_SECONDS)
                except queue.Empty:
                    self.wfile.write(b": keepalive\n\n")
                    self.wfile.flush()
                    continue
                if message is None:
                    return
                self.wfile.write(message.encode())
                self.wfile.flush()
        except (ConnectionError, TimeoutError):
            return
        finally:
            self.server.channel.unsubscribe(inbox)
