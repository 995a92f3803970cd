"""A reader in headless Chromium opens the index, follows a link to an event and from there
to an actor, with no console error and no failed request: over HTTP under /chronicle/ (a
GitHub project site) and from disk (file://), the two ways people open a Chronicle site."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import pytest
import yaml
from conftest import REPO

pytestmark = pytest.mark.browser

EVENT_LINK = 'a[href*="events/"][href$="/index.html"]'
ACTOR_LINK = 'a[href*="actors/"][href$="/index.html"]:not([href$="actors/index.html"])'


def entry_title(kind: str, url: str, key: str) -> str:
    """The title a person wrote in content/ for the entry this page URL shows."""
    entry_id = unquote(urlsplit(url).path).rstrip("/").split("/")[-2]
    data = yaml.safe_load((REPO / "content" / kind / f"{entry_id}.yaml").read_text("utf-8"))
    return data[key]


def follow(page, selector: str, url_part: str) -> str:
    links = page.locator(selector)
    assert links.count() > 0, f"no link matching {selector} on {page.url}"
    links.first.click()
    page.wait_for_url(f"**/{url_part}/**/index.html")
    page.wait_for_load_state("load")
    return page.url


def read_index_event_actor(watch, index_url: str) -> None:
    page = watch.page
    response = page.goto(index_url)
    assert response is None or response.ok, f"{index_url}: HTTP {response.status}"
    assert page.locator("h1").count() >= 1, "the index has no heading"
    assert page.locator(EVENT_LINK).count() > 0, "the index links no event"

    event_url = follow(page, EVENT_LINK, "events")
    assert page.locator("h1").first.inner_text().strip() == entry_title(
        "events", event_url, "title"), f"{event_url} does not show its event's title"

    actor_url = follow(page, ACTOR_LINK, "actors")
    assert entry_title("actors", actor_url, "name") in page.locator("h1").first.inner_text(), \
        f"{actor_url} does not show its actor's name"
    watch.assert_clean()


def test_read_the_site_served_under_a_sub_path(sample_site, http_server, watched_page):
    base = http_server(sample_site, "/chronicle/")
    read_index_event_actor(watched_page(), base + "index.html")


def test_read_the_site_served_from_its_folder_url(sample_site, http_server, watched_page):
    """Typing the folder's address (…/chronicle/) shows the index, as GitHub Pages does."""
    base = http_server(sample_site, "/chronicle/")
    read_index_event_actor(watched_page(), base)


def test_read_the_site_opened_from_disk(sample_site, watched_page):
    read_index_event_actor(watched_page(), (sample_site / "index.html").as_uri())
