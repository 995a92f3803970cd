"""In headless Chromium: a served page reloads by itself after its YAML is saved, shows
the error overlay (file:line:col) for a broken save, and recovers on the next good one."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest

from chronicle import build as build_module
from chronicle.build import build
from chronicle.serve.command import DevServer
from chronicle.serve.overlay import EVENTS_URL, OVERLAY_ID

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(params=["stateless", "remembering"])
def served(tmp_path, request, monkeypatch):
    """The sample chronology, published under a sub-path, served by `chronicle serve`: with
    the plain `build`, and with serve's own remembering Builder (which reloads the saved
    event's page before the rest of the site is rendered)."""
    root = tmp_path / "chrono"
    root.mkdir()
    config = (REPO / "chronicle.yaml").read_text()
    config = re.sub(r"(?m)^site_url:.*$", "", config)
    (root / "chronicle.yaml").write_text(config + "\nsite_url: https://example.org/chronicle/\n")
    for folder in ("content", "seeds"):
        shutil.copytree(REPO / folder, root / folder)
    plain = build if request.param == "stateless" else None
    real = build_module.render_page

    def slow_exports(env, page, config):
        if page.kind == "data":  # as at 10,000 events: the reloaded page connects before them
            time.sleep(0.5)
        return real(env, page, config)

    monkeypatch.setattr(build_module, "render_page", slow_exports)
    dev = DevServer(root, port=0, build=plain, search=False, log=lambda text: None).start()
    yield root, dev
    dev.stop()


def set_title(path: Path, title: str) -> None:
    text = re.sub(r"(?m)^title:.*$", f"title: {title}", path.read_text(), count=1)
    path.write_text(text)


@pytest.mark.browser
def test_the_page_reloads_itself_after_a_save_and_shows_errors_as_an_overlay(
        served, watched_page):
    root, dev = served
    event = sorted((root / "content/events").glob("*.yaml"))[3]
    assert dev.url.endswith("/chronicle/")
    watch = watched_page()
    page = watch.page
    loads: list[str] = []
    page.on("load", lambda loaded: loads.append(loaded.url))
    page.goto(f"{dev.url}events/{event.stem}/index.html")
    heading = page.locator("main h1")
    original = heading.inner_text()
    home = watched_page().page  # a page that shows the event too, but is not its own
    home_loads: list[str] = []
    home.on("load", lambda loaded: home_loads.append(loaded.url))
    home.goto(dev.url)
    assert dev.watcher.settle()

    set_title(event, "Saved in an editor a moment ago")
    page.wait_for_function("document.querySelector('main h1').textContent.includes("
                           "'Saved in an editor a moment ago')", timeout=15_000)
    assert dev.watcher.settle()
    page.wait_for_timeout(1000)  # Playwright reports a reload only while it is called
    assert len(loads) == 2, loads  # opened, reloaded once: never again for the same save
    assert len(home_loads) == 2, home_loads  # once, when the whole site was in place

    event.write_text(event.read_text().replace("title:", "title: [unclosed", 1))
    overlay = page.locator(f"#{OVERLAY_ID}")
    overlay.wait_for(state="visible", timeout=15_000)
    assert re.search(rf"content/events/{re.escape(event.name)}:\d+:\d+: error: ",
                     overlay.inner_text())
    assert heading.inner_text() == "Saved in an editor a moment ago"  # last good page stays

    set_title(event, "Fixed after the error")
    page.wait_for_function("document.querySelector('main h1').textContent.includes("
                           "'Fixed after the error')", timeout=15_000)
    assert page.locator(f"#{OVERLAY_ID}").count() == 0
    assert original != heading.inner_text()
    # reloading aborts the open event stream; that is the only request allowed to fail
    watch.problems = [p for p in watch.problems if EVENTS_URL not in p]
    watch.assert_clean()
