"""Shared fixtures: the repository root, fixture chronologies, the sample site, and the real
programs users open Chronicle's output with (a web server, Chromium, the Nu HTML Checker).

A missing tool skips its tests on a workstation but FAILS them when CI=true, so continuous
integration can never pass by silently not running the browser or the validator.
"""

from __future__ import annotations

import functools
import http.server
import importlib
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"
SITES_INVALID = Path(__file__).resolve().parent / "sites_invalid"
NODE_MODULES = Path(__file__).resolve().parent / "node_modules"
CHROMIUM = Path(os.environ.get("CHRONICLE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
#: what a chronology is made of; copied when a test needs the sample in a folder of its own
CHRONOLOGY_PARTS = ("chronicle.yaml", "content", "seeds", "static", "templates", "themes")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_tool(available: bool, message: str) -> None:
    """Skip locally when a tool is missing, fail loudly in CI where everything must run."""
    if available:
        return
    if in_ci():
        pytest.fail(f"CI=true but {message}; .ci/run installs it", pytrace=False)
    pytest.skip(message)


def import_tool(module: str) -> ModuleType:
    """Import a test extra (pandas, check_jsonschema), or skip/fail as `require_tool` does."""
    try:
        return importlib.import_module(module)
    except ImportError:
        require_tool(False, f"{module} is not installed (pip install -e '.[test]')")
        raise


@pytest.fixture
def repo_root() -> Path:
    return REPO


@pytest.fixture
def copy_site(tmp_path):
    """Copy a fixture chronology (a folder under tests/sites or a path) into tmp_path."""

    def copy(name_or_path: str | Path) -> Path:
        source = Path(name_or_path)
        if not source.is_absolute():
            source = SITES / source
        target = tmp_path / source.name
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("site", ".chronicle-cache"))
        return target

    return copy


@pytest.fixture
def build_site(tmp_path):
    """Build a chronology folder into tmp_path/<name>-site and return that folder."""
    from chronicle.build import build

    def run(root: Path, **options) -> Path:
        out = options.pop("out", tmp_path / f"{Path(root).name}-site")
        build(Path(root), out, **options)
        return out

    return run


def copy_chronology(source: Path, target: Path) -> Path:
    """Copy only what a chronology is made of (no site/, no cache), for a cold build elsewhere."""
    target.mkdir(parents=True, exist_ok=True)
    for name in CHRONOLOGY_PARTS:
        part = source / name
        if part.is_dir():
            shutil.copytree(part, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif part.is_file():
            shutil.copy2(part, target / name)
    return target


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The repository's own content/ built once per session into a temporary folder.

    Built from a copy, so the session never races a person's `chronicle build` or cache.
    """
    from chronicle.build import build

    base = tmp_path_factory.mktemp("sample")
    root = copy_chronology(REPO, base / "chronology")
    out = base / "site"
    build(root, out)
    return out


class _SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serves `directory` under `base_path` only, as GitHub Pages serves a project site."""

    base_path = "/"

    def send_head(self):
        route = self.path.split("?", 1)[0].split("#", 1)[0]
        if route + "/" == self.base_path:  # /chronicle -> /chronicle/, as GitHub Pages does
            self.send_response(301)
            self.send_header("Location", self.base_path)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if not route.startswith(self.base_path):
            self.send_error(404, f"outside {self.base_path}")
            return None
        return super().send_head()

    def translate_path(self, path: str) -> str:
        route = path.split("?", 1)[0].split("#", 1)[0]
        return super().translate_path("/" + route[len(self.base_path):])

    def log_message(self, *args) -> None:
        """Quiet: a test reports what failed, not every request."""


@pytest.fixture
def http_server() -> Iterator[Callable[..., str]]:
    """Start servers on 127.0.0.1 (a free port each); return the URL of `base_path` on each."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def serve(folder: Path, base_path: str = "/") -> str:
        if not base_path.startswith("/") or not base_path.endswith("/"):
            raise ValueError(f"base_path must start and end with '/', not {base_path!r}")
        handler = type("Handler", (_SubPathHandler,), {"base_path": base_path})
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(handler, directory=str(folder))
        )
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}{base_path}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; never `playwright install` (no downloads)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require_tool(False, "playwright is not installed (pip install -e '.[test]')")
    require_tool(CHROMIUM.is_file(), f"{CHROMIUM} is missing (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class PageWatch:
    """A browser page that records what a reader would notice going wrong."""

    def __init__(self, page, allowed_hosts: tuple[str, ...] = ("127.0.0.1",)):
        self.page = page
        self.problems: list[str] = []
        self.offsite: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"uncaught exception: {exc}"))
        page.on("requestfailed", lambda req: self.problems.append(
            f"request failed: {req.url} ({req.failure})"))
        page.on("response", self._response)

        def guard(route):
            url = route.request.url
            if url.startswith(("file:", "data:", "blob:", "about:")) or any(
                url.startswith(f"http://{host}:") or url.startswith(f"http://{host}/")
                for host in allowed_hosts
            ):
                route.continue_()
            else:  # offline by design: anything else is a bug, and must not leave the machine
                self.offsite.append(url)
                route.abort()

        page.route("**/*", guard)

    @staticmethod
    def _browser_own(url: str) -> bool:
        """Chromium asks for /favicon.ico by itself; a page without one is not broken."""
        return url.split("?", 1)[0].endswith("/favicon.ico")

    def _console(self, message) -> None:
        if message.type == "error" and not self._browser_own(message.location.get("url", "")):
            self.problems.append(f"console error: {message.text} at {message.location}")

    def _response(self, response) -> None:
        if response.status >= 400 and not self._browser_own(response.url):
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def assert_clean(self) -> None:
        assert not self.offsite, f"requests left the machine: {self.offsite}"
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def watched_page(browser) -> Iterator[Callable[..., PageWatch]]:
    """New pages in a fresh context, each watched for console errors and failed requests."""
    context = browser.new_context()
    context.set_default_timeout(15_000)

    def open_page() -> PageWatch:
        return PageWatch(context.new_page())

    yield open_page
    context.close()


def vnu_jar() -> Path:
    return NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture(scope="session")
def vnu() -> Callable[[list[Path]], list[dict]]:
    """The Nu HTML Checker over many files in one Java start; returns its JSON messages."""
    require_tool(shutil.which("java") is not None,
                 "java is missing (apt-get install default-jre-headless)")
    require_tool(vnu_jar().is_file(), f"{vnu_jar()} is missing (npm ci --prefix tests)")

    def check(paths: list[Path], *options: str) -> list[dict]:
        if not paths:
            raise ValueError("no files to check")
        result = subprocess.run(
            ["java", "-jar", str(vnu_jar()), "--format", "json", "--exit-zero-always",
             *options, *map(str, paths)],
            capture_output=True, text=True, timeout=600, check=False,
        )
        try:
            return json.loads(result.stderr or result.stdout)["messages"]
        except (json.JSONDecodeError, KeyError):
            pytest.fail(f"vnu printed no JSON (exit {result.returncode}):\n{result.stderr[-2000:]}")

    return check
