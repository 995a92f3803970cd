"""The dev server: base path, script injection, refusing paths out of the site, the
error overlay's data, clean stops. The build is a small fake that, like the real one,
raises ContentError without writing and swaps its output in whole."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
import yaml

from chronicle.diagnostics import ContentError, error
from chronicle.model import Mark
from chronicle.serve.channel import ReloadChannel
from chronicle.serve.command import DevServer
from chronicle.serve.http import is_loopback, resolve_site_file
from chronicle.serve.overlay import LIVE_SCRIPT, SCRIPT_URL, inject_live_script

SECRET = "top secret, outside the site"
REPO = Path(__file__).resolve().parent.parent


def fake_build(root, out=None, *, drafts=None, changed=None, search=True):
    """Renders content/events/*.yaml titles into out/; ContentError on bad YAML, nothing written."""
    root = Path(root)
    out = Path(out) if out else root / "site"
    pages = {}
    for path in sorted((root / "content/events").glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text())
        except yaml.YAMLError as exc:
            mark = exc.problem_mark
            raise ContentError([error(Mark(f"content/events/{path.name}", mark.line + 1,
                                           mark.column + 1), "yaml.syntax",
                                      f"bad YAML: {exc.problem}", "close the quote")]) from None
        pages[f"events/{path.stem}/index.html"] = f"<h1>{data['title']}</h1>"
    staging = out.with_name(out.name + ".staging")
    shutil.rmtree(staging, ignore_errors=True)
    for url, body in {"index.html": "<h1>Home</h1>", **pages}.items():
        target = staging / url
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"<!doctype html><html><head><title>t</title></head><body>{body}"
                          "</body></html>")
    (staging / "style.css").write_text("body { margin: 0 }\n")
    old = out.with_name(out.name + ".old")
    if out.exists():
        os.replace(out, old)
    os.replace(staging, out)
    shutil.rmtree(old, ignore_errors=True)
    return {"rendered": set(pages)}


@pytest.fixture
def chronology(tmp_path) -> Path:
    root = tmp_path / "chrono"
    (root / "content/events").mkdir(parents=True)
    (root / "chronicle.yaml").write_text("title: Test\n")
    (root / "content/events/a.yaml").write_text("title: First title\n")
    (tmp_path / "secret.txt").write_text(SECRET)
    (root / "pyproject.toml").write_text(SECRET)
    return root


@pytest.fixture
def serving(chronology):
    servers = []

    def start(**options) -> DevServer:
        dev = DevServer(chronology, port=0, build=fake_build, log=lambda text: None,
                        search=False, **options)
        servers.append(dev.start())
        return dev

    yield start
    for dev in servers:
        dev.stop()


def raw_get(dev: DevServer, path: str) -> tuple[int, dict[str, str], bytes]:
    """GET with the path sent exactly as written (no client-side normalisation)."""
    host, port = dev.server.server_address[:2]
    connection = http.client.HTTPConnection(host, port, timeout=5)
    connection.putrequest("GET", path, skip_accept_encoding=True)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), body


def state(dev: DevServer) -> dict:
    return json.loads(raw_get(dev, "/__chronicle__/state.json")[2])


def test_serves_the_built_site_with_the_script_injected_only_in_served_html(serving, chronology):
    dev = serving()
    status, headers, body = raw_get(dev, "/events/a/")
    assert status == 200
    assert b"<h1>First title</h1>" in body
    assert body.index(SCRIPT_URL.encode()) < body.rindex(b"</body>")
    on_disk = (chronology / "site/events/a/index.html").read_bytes()
    assert SCRIPT_URL.encode() not in on_disk
    status, headers, css = raw_get(dev, "/style.css")
    assert css == b"body { margin: 0 }\n" and headers["Content-Type"].startswith("text/css")
    assert raw_get(dev, "/__chronicle__/live.js")[2].startswith(b"(() =>")


def test_folders_redirect_to_a_trailing_slash_and_missing_pages_are_404(serving):
    dev = serving()
    status, headers, _ = raw_get(dev, "/events/a")
    assert (status, headers["Location"]) == (302, "/events/a/")
    status, _, body = raw_get(dev, "/events/nope/")
    assert status == 404 and SCRIPT_URL.encode() in body


def test_site_url_with_a_path_serves_under_that_base_path(serving, chronology):
    (chronology / "chronicle.yaml").write_text("site_url: https://me.github.io/chronicle/\n")
    dev = serving()
    assert dev.url.endswith("/chronicle/")
    assert raw_get(dev, "/")[1]["Location"] == "/chronicle/"
    assert raw_get(dev, "/chronicle")[1]["Location"] == "/chronicle/"
    status, _, body = raw_get(dev, "/chronicle/events/a/index.html")
    assert status == 200 and b"First title" in body
    assert raw_get(dev, "/events/a/index.html")[0] == 404


TRAVERSALS = [
    "/../pyproject.toml",
    "/../../secret.txt",
    "/%2e%2e/pyproject.toml",
    "/%2E%2E/%2e%2e/secret.txt",
    "/..%2fpyproject.toml",
    "/%2e%2e%2fpyproject.toml",
    "/events/%2e%2e/%2e%2e/pyproject.toml",
    "/%252e%252e/pyproject.toml",
    "/%252e%252e%252fpyproject.toml",
    "/..\\pyproject.toml",
    "/%5c..%5cpyproject.toml",
    "/..%5cpyproject.toml",
    "/index.html%00",
    "/%00/../pyproject.toml",
    "/%c0%ae%c0%ae/pyproject.toml",
    "/leak.txt",          # a symlink to a file outside the site
    "/out/pyproject.toml",  # a symlinked folder pointing out of the site
    "/out/../secret.txt",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_requests_outside_the_site_are_refused(serving, chronology, path):
    dev = serving()
    (chronology / "site/leak.txt").symlink_to(chronology.parent / "secret.txt")
    (chronology / "site/out").symlink_to(chronology)
    status, _, body = raw_get(dev, path)
    assert status in (400, 403, 404)
    assert SECRET.encode() not in body


def test_a_symlink_inside_the_site_is_served(serving, chronology):
    dev = serving()
    (chronology / "site/home.html").symlink_to(chronology / "site/index.html")
    status, _, body = raw_get(dev, "/home.html")
    assert status == 200 and b"Home" in body


def test_resolve_site_file_is_confined(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    assert resolve_site_file(site, "events/a/index.html") == site.resolve() / "events/a/index.html"
    assert resolve_site_file(site, "") == site.resolve()
    for bad in ("../x", "%2e%2e/x", "a/../../x", "a\\b", "a%5cb", "a%00", "%ff%fe"):
        assert resolve_site_file(site, bad) is None, bad


def test_inject_live_script_before_the_last_body_or_at_the_end():
    assert inject_live_script(b"<body>x</body>", 3) == (
        b'<body>x<script src="/__chronicle__/live.js" data-version="3"></script></body>')
    assert inject_live_script(b"<p>no body", 0).endswith(b"</script>")


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("localhost", True), ("::1", True), ("127.0.0.2", True),
    ("0.0.0.0", False), ("192.168.1.4", False), ("::", False), ("example.org", False),
])
def test_is_loopback(host, loopback):
    assert is_loopback(host) is loopback


def read_events(dev: DevServer, count: int, since: int = 0) -> list[tuple[str, dict]]:
    """Open the event stream and read `count` events (each `event:` + `data:`)."""
    host, port = dev.server.server_address[:2]
    stream = socket.create_connection((host, port), timeout=10)
    stream.sendall(f"GET /__chronicle__/events?since={since} HTTP/1.0\r\n\r\n".encode())
    reader = stream.makefile("rb")
    events, name = [], None
    try:
        while len(events) < count:
            line = reader.readline().decode().rstrip("\r\n")
            if line.startswith("event: "):
                name = line[len("event: "):]
            elif line.startswith("data: ") and name:
                events.append((name, json.loads(line[len("data: "):])))
                name = None
    finally:
        reader.close()
        stream.close()
    return events


def wait_for(predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_broken_yaml_shows_the_overlay_then_the_fix_clears_it(serving, chronology):
    dev = serving()
    event = chronology / "content/events/a.yaml"
    received: list = []
    version = state(dev)["version"]
    listener = threading.Thread(target=lambda: received.extend(read_events(dev, 2, version)))
    listener.start()
    time.sleep(0.3)

    event.write_text('title: "Broken\n')
    assert wait_for(lambda: state(dev)["errors"])
    errors = state(dev)["errors"]
    assert [(e["path"], e["code"]) for e in errors] == [("content/events/a.yaml", "yaml.syntax")]
    assert errors[0]["location"].startswith("content/events/a.yaml:")
    assert errors[0]["hint"] == "close the quote"
    # the last good site is still served, and still carries the script that shows the overlay
    status, _, body = raw_get(dev, "/events/a/")
    assert status == 200 and b"First title" in body and SCRIPT_URL.encode() in body

    event.write_text("title: Fixed title\n")
    assert wait_for(lambda: not state(dev)["errors"])
    assert b"Fixed title" in raw_get(dev, "/events/a/")[2]
    listener.join(10)
    assert [name for name, _ in received] == ["errors", "reload"]
    assert received[0][1]["errors"] == errors


def test_a_page_opened_before_a_rebuild_is_told_to_reload_on_connect(serving, chronology):
    dev = serving()
    version = state(dev)["version"]
    (chronology / "content/events/a.yaml").write_text("title: Newer\n")
    assert wait_for(lambda: state(dev)["version"] > version)
    assert read_events(dev, 1, since=version) == [("reload", {"version": version + 1})]


def test_a_crashing_build_is_reported_and_the_server_goes_on(serving, chronology, tmp_path):
    calls = []

    def flaky_build(root, out=None, *, drafts=None, changed=None, search=True):
        calls.append(changed)
        if len(calls) == 2:
            raise KeyError("boom")
        return fake_build(root, out, drafts=drafts, changed=changed)

    dev = DevServer(chronology, port=0, build=flaky_build, log=lambda text: None,
                    search=False).start()
    try:
        (chronology / "content/events/a.yaml").write_text("title: Two\n")
        assert wait_for(lambda: state(dev)["errors"])
        assert "KeyError" in state(dev)["errors"][0]["message"]
        (chronology / "content/events/a.yaml").write_text("title: Three\n")
        assert wait_for(lambda: not state(dev)["errors"])
        assert b"Three" in raw_get(dev, "/events/a/")[2]
    finally:
        dev.stop()


def test_first_build_failing_still_serves_a_page_with_the_overlay(serving, chronology):
    (chronology / "content/events/a.yaml").write_text("title: [unclosed\n")
    dev = serving()
    status, _, body = raw_get(dev, "/")
    assert status == 404 and SCRIPT_URL.encode() in body
    assert state(dev)["errors"][0]["code"] == "yaml.syntax"
    (chronology / "content/events/a.yaml").write_text("title: ok\n")
    assert wait_for(lambda: raw_get(dev, "/")[0] == 200)


def test_the_next_port_is_used_when_the_asked_one_is_taken(chronology):
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    taken = blocker.getsockname()[1]
    dev = DevServer(chronology, port=taken, build=fake_build, log=lambda text: None, search=False)
    try:
        dev.start()
        assert dev.server.server_address[1] == taken + 1 or dev.server.server_address[1] > taken
    finally:
        dev.stop()
        blocker.close()


def test_stop_joins_every_thread_even_with_a_page_listening(chronology):
    before = set(threading.enumerate())
    dev = DevServer(chronology, port=0, build=fake_build, log=lambda text: None,
                    search=False).start()
    listener = threading.Thread(target=lambda: read_events(dev, 1))
    listener.start()
    time.sleep(0.3)
    dev.stop()
    listener.join(5)
    assert wait_for(lambda: set(threading.enumerate()) <= before, timeout=5)


def test_an_ipv6_loopback_host_is_served(chronology):
    dev = DevServer(chronology, host="::1", port=0, build=fake_build, log=lambda text: None,
                    search=False)
    try:
        dev.start()
        assert dev.url.startswith("http://[::1]:")
        status, _, body = raw_get(dev, "/events/a/")
        assert status == 200 and b"First title" in body
    finally:
        dev.stop()


def test_the_search_index_is_made_after_the_reload_in_the_background(tmp_path):
    from chronicle.build import build

    repo = Path(__file__).resolve().parent.parent
    root = tmp_path / "sample"
    root.mkdir()
    shutil.copy2(repo / "chronicle.yaml", root / "chronicle.yaml")
    shutil.copytree(repo / "content", root / "content")
    shutil.copytree(repo / "seeds", root / "seeds")
    dev = DevServer(root, port=0, build=build, log=lambda text: None).start()
    try:
        entry = root / "site/pagefind/pagefind-entry.json"
        assert wait_for(entry.is_file, timeout=60)
        assert raw_get(dev, "/pagefind/pagefind-entry.json")[0] == 200
    finally:
        dev.stop()


# -- the saved event's page reloads before the rest of the site is rendered ----------------

def test_pages_written_early_reload_alone_and_are_served_at_the_coming_version():
    channel = ReloadChannel()
    inbox = channel.subscribe(since=0)
    channel.publish_pages(["/events/a/index.html", "/events/a/"])
    assert inbox.get_nowait().data == {"version": 1, "only": ["/events/a/", "/events/a/index.html"]}
    # the page shown by the early reload says it is at version 1; any other is still at 0
    assert (channel.version_for("/events/a/"), channel.version_for("/index.html")) == (1, 0)
    assert channel.version == 0  # a page connecting now is told nothing yet
    channel.publish_reload()
    assert inbox.get_nowait().data == {"version": 1}  # the page at 1 ignores it; others reload
    assert (channel.version_for("/events/a/"), channel.version_for("/index.html")) == (1, 1)


def test_a_build_failing_after_its_early_pages_makes_the_next_reload_reach_them():
    channel = ReloadChannel()
    channel.publish_pages(["/events/a/"])
    shown = channel.version_for("/events/a/")  # the early reload served the new page
    channel.publish_errors([{"message": "a template broke"}])
    channel.publish_reload()  # the fixed build
    assert channel.version > shown
    assert channel.version_for("/events/a/") == channel.version


def test_the_live_script_skips_reloads_its_page_already_shows():
    assert "data.version <= Number(since)" in LIVE_SCRIPT
    assert "data.only.includes(location.pathname)" in LIVE_SCRIPT


def test_with_the_remembering_build_a_save_reloads_its_event_page_first(tmp_path):
    """`chronicle serve`'s own build: the saved event's page (both of its URL forms, under
    the base path) is announced before the reload of the whole site, already rendered."""
    root = tmp_path / "chrono"
    shutil.copytree(REPO / "tests/sites/basic", root, ignore=shutil.ignore_patterns("site"))
    dev = DevServer(root, port=0, log=lambda text: None, search=False).start()
    try:
        assert dev.watcher.settle()
        version = state(dev)["version"]
        received: list = []
        listener = threading.Thread(target=lambda: received.extend(read_events(dev, 2, version)))
        listener.start()
        time.sleep(0.3)
        event = root / "content/events/2019-01-20-aguelhok-attack.yaml"
        event.write_text(event.read_text().replace("Militants attack", "Gunmen attack"))
        listener.join(20)
        page = "/chronicle/events/2019-01-20-aguelhok-attack/"
        assert received == [("reload", {"version": version + 1,
                                        "only": [page, page + "index.html"]}),
                            ("reload", {"version": version + 1})]
        status, _, body = raw_get(dev, page)
        assert status == 200 and b"Gunmen attack" in body
        assert f'data-version="{version + 1}"'.encode() in body
    finally:
        dev.stop()
