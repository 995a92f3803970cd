"""Search, filters, charts and maps as a reader uses them: in headless Chromium, served over
127.0.0.1 under a sub-path, with axe-core checking accessibility in light and dark mode.

Expected results come from the content (loaded with Chronicle's loader), not from the pages.
Screenshots of the index, an actor page and a place page are saved under artifacts/ for a
person to look at.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import NODE_MODULES, REPO, require_tool

ARTIFACTS = REPO / "artifacts"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def chronology():
    from chronicle.validate import load_checked

    loaded, _ = load_checked(REPO)
    return loaded


@pytest.fixture
def site_url(sample_site, http_server) -> str:
    return http_server(sample_site, "/chronicle/")


def visible_titles(page) -> list[str]:
    return page.eval_on_selector_all(
        "main li.event:not([hidden]) .event-title", "els => els.map(e => e.textContent.trim())")


# -- search --------------------------------------------------------------------------------

@pytest.mark.browser
def test_search_finds_aguelhok_and_opens_the_result(watched_page, site_url, chronology):
    watch = watched_page()
    page = watch.page
    page.goto(site_url + "search/index.html")
    page.fill(".pagefind-ui__search-input", "Aguelhok")
    first = page.locator(".pagefind-ui__result-link").first
    first.wait_for()
    count = page.locator(".pagefind-ui__result-link").count()
    mentioning = [e for e in chronology.events if "aguelhok" in e.places
                  or "aguelhok" in (e.title + e.summary).casefold()]
    assert count >= min(len(mentioning), 5), "every event at Aguelhok is found"
    first.click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path.startswith("/chronicle/")
    assert page.url.endswith("/index.html")
    assert "aguelhok" in page.inner_text("main").casefold()
    watch.assert_clean()


@pytest.mark.browser
def test_search_filters_by_type_year_actor_and_place(watched_page, site_url):
    page = watched_page().page
    page.goto(site_url + "search/index.html")
    page.fill(".pagefind-ui__search-input", "Aguelhok")
    page.locator(".pagefind-ui__result-link").first.wait_for()
    legends = page.eval_on_selector_all(
        ".pagefind-ui__filter-name", "els => els.map(e => e.textContent.trim().toLowerCase())")
    assert {"type", "year", "actor", "place"} <= set(legends)


@pytest.mark.browser
def test_search_opened_from_disk_says_so_and_links_the_years(watched_page, sample_site,
                                                             chronology):
    watch = watched_page()
    page = watch.page
    page.goto((sample_site / "search" / "index.html").as_uri())
    note = page.locator("[data-search-offline]")
    assert note.is_visible()
    assert "file" in note.inner_text().casefold() or "disk" in note.inner_text().casefold()
    years = {str(e.date.year) for e in chronology.events}
    links = page.eval_on_selector_all("main a", "els => els.map(e => e.textContent.trim())")
    assert years <= set(links)
    watch.assert_clean()


# -- filters -------------------------------------------------------------------------------

def two_filters(chronology, shown_ids: set[str]) -> tuple[str, str, set[str]]:
    """An actor and a type that together pick some, but not all, of the actor's events."""
    events = [e for e in chronology.events if e.id in shown_ids]
    actors = Counter(ref.actor for e in events for ref in {r.actor: r for r in e.actors}.values())
    for actor, _ in actors.most_common():
        theirs = [e for e in events if actor in {r.actor for r in e.actors}]
        for kind, _ in Counter(e.type for e in theirs).most_common():
            both = {e.id for e in theirs if e.type == kind}
            if 0 < len(both) < len(theirs):
                return actor, kind, both
    pytest.fail("the sample has no actor whose events are of two types")


@pytest.mark.browser
def test_two_filters_combine_and_the_url_shares_the_view(watched_page, site_url, chronology):
    watch = watched_page()
    page = watch.page
    page.goto(site_url + "index.html")
    shown = set(page.eval_on_selector_all(
        "main li.event .event-title", "els => els.map(e => e.getAttribute('href'))"))
    shown_ids = {href.split("/")[-2] for href in shown}
    actor, kind, expected_ids = two_filters(chronology, shown_ids)
    titles = {e.id: e.title for e in chronology.events}

    page.locator("summary", has_text="Actor").click()
    page.check(f"input[name=actor][value='{actor}']")
    page.locator("summary", has_text="Type").click()
    page.check(f"input[name=type][value='{kind}']")

    assert sorted(visible_titles(page)) == sorted(titles[i] for i in expected_ids)
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"actor": [actor], "type": [kind]}
    status = page.inner_text("[data-filter-status]")
    assert f"Showing {len(expected_ids)} of {len(shown_ids)}" in status

    shared = watched_page().page  # the same URL in a new tab shows the same events
    shared.goto(page.url)
    assert sorted(visible_titles(shared)) == sorted(titles[i] for i in expected_ids)
    assert shared.is_checked(f"input[name=actor][value='{actor}']")

    page.click("[data-filter-clear]")
    assert len(visible_titles(page)) == len(shown_ids)
    assert urlsplit(page.url).query == ""
    watch.assert_clean()


@pytest.mark.browser
def test_without_javascript_every_event_is_listed_and_no_dead_controls(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "index.html")
    assert not page.locator("form[data-filters]").is_visible()
    assert page.locator("main li.event").count() == page.locator(
        "main li.event:visible").count() > 0
    context.close()


# -- maps ----------------------------------------------------------------------------------

@pytest.mark.browser
def test_place_page_map_dot_opens_that_place(watched_page, site_url, chronology):
    places = {p.id: p for p in chronology.places}
    here = next(p for p in sorted(places.values(), key=lambda p: p.id)
                if p.has_coordinates and p.country and any(
                    o.id != p.id and o.has_coordinates and o.country == p.country
                    for o in places.values()))
    watch = watched_page()
    page = watch.page
    page.goto(site_url + f"places/{here.id}/index.html")
    dot = page.locator("svg.chronicle-map a").first
    name = dot.get_attribute("aria-label")
    dot.click()
    page.wait_for_load_state()
    assert page.inner_text("h1") == name
    assert re.search(r"/chronicle/places/[a-z0-9-]+/index\.html$", page.url)
    watch.assert_clean()


@pytest.mark.browser
def test_places_index_map_has_a_dot_per_place_with_coordinates(watched_page, site_url,
                                                               chronology):
    page = watched_page().page
    page.goto(site_url + "places/index.html")
    labels = page.eval_on_selector_all("svg.chronicle-map a",
                                       "els => els.map(e => e.getAttribute('aria-label'))")
    placed = [p for p in chronology.places if p.has_coordinates]
    assert sorted(label.split(":")[0] for label in labels) == sorted(p.name for p in placed)
    unplaced = [p.name for p in chronology.places if not p.has_coordinates]
    listed = page.eval_on_selector_all("ul.map-unplaced a", "els => els.map(e => e.textContent)")
    assert sorted(listed) == sorted(unplaced)


# -- keyboard ------------------------------------------------------------------------------

@pytest.mark.browser
def test_keyboard_alone_reaches_every_filter_and_link(watched_page, site_url):
    page = watched_page().page
    page.goto(site_url + "index.html")
    page.wait_for_selector("form[data-filters]:not([hidden])")
    count = page.evaluate("""() => {
        const els = document.querySelectorAll('a[href], input[type=checkbox], summary, button');
        els.forEach((e, i) => e.setAttribute('data-kb', String(i)));
        return els.length; }""")
    targets = {str(i) for i in range(count)}
    reached: set[str] = set()
    for _ in range(3 * count):
        page.keyboard.press("Tab")
        key, closed_summary = page.evaluate("""() => {
            const e = document.activeElement;
            return [e.getAttribute('data-kb'),
                    e.tagName === 'SUMMARY' && !e.parentElement.open]; }""")
        if key in reached and key == "0":
            break  # wrapped around to the skip link
        if key is not None:
            reached.add(key)
        if closed_summary:
            page.keyboard.press("Enter")  # open the facet, as a keyboard user would
        if targets <= reached:
            break
    missing = sorted(targets - reached, key=int)
    examples = [page.eval_on_selector(f"[data-kb='{k}']", "e => e.outerHTML.slice(0, 120)")
                for k in missing[:3]]
    assert not missing, f"{len(missing)} not reachable by keyboard, e.g. {examples}"
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") != "none"


# -- accessibility (axe-core), light and dark -----------------------------------------------

def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return result


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations(browser, site_url, chronology, scheme):
    require_tool(AXE.is_file(), f"{AXE} is missing (npm ci --prefix tests)")
    event = next(e for e in chronology.events if "aguelhok" in e.places)
    actor = Counter(r.actor for e in chronology.events for r in e.actors).most_common(1)[0][0]
    pages = ["index.html", f"events/{event.id}/index.html", f"actors/{actor}/index.html",
             "places/aguelhok/index.html", "places/index.html", "search/index.html"]
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    found = {}
    for path in pages:
        page.goto(site_url + path)
        if path.startswith("search/"):
            page.fill(".pagefind-ui__search-input", "Aguelhok")
            page.locator(".pagefind-ui__result-link").first.wait_for()
        if path == "index.html":  # the filters open, as a reader would use them
            page.wait_for_selector("form[data-filters]:not([hidden])")
            page.eval_on_selector_all("form[data-filters] details",
                                      "ds => ds.forEach(d => d.open = true)")
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    context.close()
    assert not found, json.dumps(found, indent=1)


# -- screenshots for a person, and the page weight ------------------------------------------

@pytest.mark.browser
def test_screenshots_of_index_actor_and_place(browser, site_url, chronology):
    ARTIFACTS.mkdir(exist_ok=True)
    actor = Counter(r.actor for e in chronology.events for r in e.actors).most_common(1)[0][0]
    shots = {"index": "index.html", "actor": f"actors/{actor}/index.html",
             "place": "places/aguelhok/index.html", "places": "places/index.html"}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme, viewport={"width": 1100,
                                                                      "height": 900})
        page = context.new_page()
        for name, path in shots.items():
            page.goto(site_url + path)
            target = ARTIFACTS / f"{name}-{scheme}.png"
            page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 10_000
        context.close()


def test_event_page_weighs_under_40_kb_before_images(sample_site, chronology):
    """The HTML plus every stylesheet and script it loads (nothing else is fetched)."""
    heaviest = max(chronology.events, key=lambda e: len(e.summary) + sum(
        len(s.quote or "") for s in e.sources))
    page = sample_site / "events" / heaviest.id / "index.html"
    html = page.read_text(encoding="utf-8")
    assets = re.findall(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"',
                        html)
    total = len(html.encode()) + sum((page.parent / a).resolve().stat().st_size for a in assets)
    assert total < 40 * 1024, f"{total} bytes"
