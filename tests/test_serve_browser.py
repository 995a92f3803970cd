"""In headless Chromium: a served page reloads by itself after its YAML is saved, shows
the error overlay (file:line:col) for a broken save, and recovers on the next good one."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from chronicle.build import build
from chronicle.serve.command import DevServer
from chronicle.serve.overlay import EVENTS_URL, OVERLAY_ID

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def served(tmp_path):
    """The sample chronology, published under a sub-path, served by `chronicle serve`."""
    root = tmp_path / "chrono"
    root.mkdir()
    config = (REPO / "chronicle.yaml").read_text()
    config = re.sub(r"(?m)^site_url:.*$", "", config)
    (root / "chronicle.yaml").write_text(config + "\nsite_url: https://example.org/chronicle/\n")
    for folder in ("content", "seeds"):
        shutil.copytree(REPO / folder, root / folder)
    dev = DevServer(root, port=0, build=build, search=False, log=lambda text: None).start()
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
    page.goto(f"{dev.url}events/{event.stem}/index.html")
    heading = page.locator("main h1")
    original = heading.inner_text()

    set_title(event, "Saved in an editor a moment ago")
    page.wait_for_function("document.querySelector('main h1').textContent.includes("
                           "'Saved in an editor a moment ago')", timeout=15_000)

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
