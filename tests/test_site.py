"""The built site as a reader meets it: every page there, every link resolving, relative links
that work from disk and under a sub-path, a feed and sitemap that parse, valid HTML."""

from __future__ import annotations

import posixpath
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from chronicle.validate import load_checked

REPO = Path(__file__).resolve().parent.parent
BASIC = Path(__file__).resolve().parent / "sites" / "basic"


class LinkCollector(HTMLParser):
    """Every href and src on a page, and every id (for #fragment links)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append(value)
            if name == "id" and value:
                self.ids.add(value)


def parse(page: Path) -> LinkCollector:
    collector = LinkCollector()
    collector.feed(page.read_text("utf-8"))
    return collector


@pytest.fixture(scope="module")
def basic_site(tmp_path_factory) -> Path:
    from chronicle.build import build

    out = tmp_path_factory.mktemp("basic") / "site"
    build(BASIC, out)
    return out


def internal_links(site: Path):
    """(page, link, parsed) for every link on every HTML page that stays inside the site."""
    for page in sorted(site.rglob("*.html")):
        parsed = parse(page)
        for link in parsed.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                continue
            yield page, link, parsed


def test_every_event_actor_and_place_has_its_page(basic_site):
    chronology, _ = load_checked(BASIC)
    for kind, entries in (("events", chronology.events), ("actors", chronology.actors),
                          ("places", chronology.places)):
        assert entries
        for entry in entries:
            page = basic_site / kind / entry.id / "index.html"
            assert page.is_file(), f"missing {page}"
            assert entry.__getattribute__("title" if kind == "events" else "name") in \
                page.read_text("utf-8").replace("&#39;", "'").replace("&quot;", '"')


def test_every_internal_link_and_asset_resolves(basic_site):
    checked = 0
    for page, link, parsed in internal_links(basic_site):
        parts = urlsplit(link)
        if not parts.path:  # "#source-1": an anchor on this page
            assert parts.fragment in parsed.ids, f"{page}: no id for {link}"
            continue
        target = (page.parent / unquote(parts.path)).resolve()
        assert target.is_file(), f"{page.relative_to(basic_site)} links to missing {link}"
        assert basic_site.resolve() in target.parents, f"{link} leaves the site"
        checked += 1
    assert checked > 100


def test_links_are_relative_and_name_their_file(basic_site):
    """Relative links work from disk, under /chronicle/ and on a domain; a link ending in
    '/' would open a folder listing from file://."""
    for page, link, _ in internal_links(basic_site):
        path = urlsplit(link).path
        if not path:
            continue
        assert not path.startswith("/"), f"{page}: absolute link {link}"
        assert not path.endswith("/"), f"{page}: link to a folder {link}"


def test_site_works_served_under_a_sub_path(basic_site):
    """Served as https://host/chronicle/, every link must stay under /chronicle/."""
    mount = "/chronicle/"
    for page, link, _ in internal_links(basic_site):
        path = urlsplit(link).path
        if not path:
            continue
        here = mount + page.relative_to(basic_site).as_posix()
        final = posixpath.normpath(posixpath.join(posixpath.dirname(here), path))
        assert final.startswith(mount), f"{here} -> {link} resolves to {final}"


def test_index_groups_by_year_and_links_every_year_page(basic_site):
    index = basic_site / "index.html"
    links = parse(index).links
    chronology, _ = load_checked(BASIC)
    for year in {e.date.year for e in chronology.events}:
        assert f"years/{year}/index.html" in links
        assert (basic_site / "years" / str(year) / "index.html").is_file()


def test_event_page_shows_a_range_and_cites_both_sources(basic_site):
    html = (basic_site / "events" / "2021-02-10-kerena-attack" / "index.html").read_text()
    assert "20–28 injured" in html
    assert 'href="#source-1"' in html and 'href="#source-2"' in html
    assert "Early on 10 February 2021" in html
    assert "../../actors/togo/index.html" in html


def test_draft_event_has_a_badge_and_can_be_left_out(basic_site, tmp_path):
    from chronicle.build import build

    draft = basic_site / "events" / "2021-mali-coup" / "index.html"
    assert "Draft" in draft.read_text()
    out = tmp_path / "no-drafts"
    build(BASIC, out, drafts=False)
    assert not (out / "events" / "2021-mali-coup").exists()
    assert (out / "events" / "2021-02-10-kerena-attack" / "index.html").is_file()


def test_feed_is_atom_with_the_latest_events(basic_site):
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.parse(basic_site / "feed.xml").getroot()
    entries = feed.findall("a:entry", ns)
    chronology, _ = load_checked(BASIC)
    assert [e.find("a:title", ns).text for e in entries] == [
        e.title for e in reversed(chronology.events)]
    newest = max([e.date.earliest_key() for e in chronology.events]
                 + [s.published.earliest_key() for e in chronology.events for s in e.sources
                    if s.published])
    assert feed.find("a:updated", ns).text.startswith("{:04d}-{:02d}-{:02d}".format(*newest))


def test_sitemap_only_with_site_url(basic_site, copy_site, tmp_path):
    from chronicle.build import build

    locs = [u.text for u in ET.parse(basic_site / "sitemap.xml").getroot().iter(
        "{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://example.org/chronicle/events/2019-01-20-aguelhok-attack/" in locs
    root = copy_site("basic")
    config = root / "chronicle.yaml"
    config.write_text(config.read_text().replace("site_url:", "# site_url:"))
    out = tmp_path / "no-url"
    build(root, out)
    assert not (out / "sitemap.xml").exists()
    assert (out / "404.html").is_file() and (out / ".nojekyll").is_file()


def test_chronology_templates_override_the_theme(copy_site, tmp_path):
    from chronicle.build import build

    root = copy_site("basic")
    (root / "templates").mkdir()
    (root / "templates" / "404.html").write_text("Lost in {{ site.title }}")
    out = tmp_path / "own"
    build(root, out)
    assert (out / "404.html").read_text() == "Lost in Basic test chronology"


def test_missing_template_names_the_folders_searched(copy_site, tmp_path):
    from chronicle.build import build
    from chronicle.cli import ChronicleError

    root = copy_site("basic")
    (root / "templates").mkdir()
    (root / "templates" / "404.html").write_text("{% include 'nowhere.html' %}")
    with pytest.raises(ChronicleError) as caught:
        build(root, tmp_path / "out")
    assert "nowhere.html" in str(caught.value)
    assert str(root / "templates") in str(caught.value)
    assert not (tmp_path / "out").exists()


@pytest.mark.validator
def test_every_page_passes_the_nu_html_checker(basic_site):
    vnu = REPO / "tests" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if not vnu.is_file() or shutil.which("java") is None:
        pytest.skip("vnu-jar (npm) or java missing: run .ci/run")
    result = subprocess.run(
        ["java", "-jar", str(vnu), "--errors-only", "--skip-non-html", str(basic_site)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
