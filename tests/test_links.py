"""Every internal link and asset on every page of the sample site leads somewhere real:
opened from disk (where a link to a folder shows a file listing, not the page) and served
under a sub-path, as a GitHub project site is (where a root-absolute link escapes the site).
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml
from conftest import REPO

#: attributes that hold a URL the browser fetches or the reader follows
URL_ATTRIBUTES = {"href", "src", "poster", "action", "data"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")
EXTERNAL_SCHEMES = ("http", "https", "mailto", "tel")


class LinkCollector(HTMLParser):
    """Collect (tag, attribute, url) for every link and asset, and every id a fragment may name."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "link":  # keep rel: a stylesheet is fetched, a canonical URL is not
            tag = f"link rel={dict(attrs).get('rel') or ''}"
        for name, value in attrs:
            if value is None:
                continue
            if name in ("id", "name") and (name == "id" or tag == "a"):
                self.ids.add(value)
            elif name in URL_ATTRIBUTES:
                self.links.append((tag, name, value.strip()))
            elif name in ("srcset", "imagesrcset"):
                for candidate in value.split(","):
                    if candidate.strip():
                        self.links.append((tag, name, candidate.split()[0]))


def parse_page(path: Path) -> LinkCollector:
    collector = LinkCollector()
    collector.feed(path.read_text(encoding="utf-8"))
    collector.close()
    return collector


def site_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def internal(url: str) -> bool:
    scheme = urlsplit(url).scheme
    return not scheme


def all_links(site: Path) -> dict[Path, LinkCollector]:
    return {page: parse_page(page) for page in site_pages(site)}


def css_links(site: Path) -> list[tuple[Path, str]]:
    found = []
    for sheet in sorted(site.rglob("*.css")):
        for url in CSS_URL.findall(sheet.read_text(encoding="utf-8")):
            if not url.startswith(("data:", "#")):
                found.append((sheet, url))
    return found


@pytest.fixture(scope="module")
def parsed(sample_site) -> dict[Path, LinkCollector]:
    pages = all_links(sample_site)
    assert len(pages) > 3, f"the sample site has only {len(pages)} HTML pages"
    return pages


def test_every_entry_has_its_page(sample_site):
    """One page per event, actor and place in content/, at the URL its file name gives."""
    missing = []
    for kind in ("events", "actors", "places"):
        entries = sorted((REPO / "content" / kind).glob("*.yaml"))
        assert entries, f"content/{kind}/ has no entries"
        for entry in entries:
            data = yaml.safe_load(entry.read_text(encoding="utf-8")) or {}
            if kind == "events" and data.get("status") == "draft":
                continue  # drafts may be hidden by chronicle.yaml; reviewed ones never
            if not (sample_site / kind / entry.stem / "index.html").is_file():
                missing.append(f"{kind}/{entry.stem}/index.html")
    assert not missing, f"pages missing: {missing}"


def test_the_special_files_exist(sample_site):
    for name in ("index.html", "404.html", ".nojekyll", "feed.xml", "actors/index.html",
                 "places/index.html", "data/events.json", "data/events.csv",
                 "data/events.geojson", "data/timeline.json"):
        assert (sample_site / name).is_file(), f"{name} is missing from the site"


def disk_problems(site: Path, parsed: dict[Path, LinkCollector]) -> list[str]:
    """Resolve every link as file:// does: a folder is not a page, and '/x' is the disk's root."""
    site = site.resolve()
    broken = []
    for page, found in parsed.items():
        where = page.relative_to(site)
        for tag, attribute, url in found.links:
            if not internal(url) or not url or url.startswith("#"):
                continue
            parts = urlsplit(url)
            if parts.path.startswith("/") or parts.netloc:
                broken.append(f"{where}: <{tag} {attribute}={url!r}> is root-absolute: "
                              "it breaks under a sub-path and from disk")
                continue
            if not parts.path:
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if not target.is_relative_to(site):
                broken.append(f"{where}: <{tag} {attribute}={url!r}> leaves the site")
            elif target.is_dir():
                broken.append(f"{where}: <{tag} {attribute}={url!r}> names a folder; "
                              "from disk that opens a file listing: link index.html")
            elif not target.is_file():
                broken.append(f"{where}: <{tag} {attribute}={url!r}> -> no such file")
            elif parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else parse_page(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{where}: <{tag} {attribute}={url!r}> -> no id "
                                  f"{parts.fragment!r} in {target.relative_to(site)}")
    for sheet, url in css_links(site):
        target = (sheet.parent / unquote(urlsplit(url).path)).resolve()
        if urlsplit(url).scheme or url.startswith("/") or not target.is_file():
            broken.append(f"{sheet.relative_to(site)}: url({url}) does not resolve")
    return broken


def test_internal_links_resolve_on_disk(sample_site, parsed):
    broken = disk_problems(sample_site, parsed)
    assert not broken, f"{len(broken)} broken links, first ones:\n" + "\n".join(broken[:40])


def test_fragments_on_the_same_page_exist(sample_site, parsed):
    broken = [
        f"{page.relative_to(sample_site)}: href={url!r}"
        for page, found in parsed.items()
        for _tag, _attribute, url in found.links
        if url.startswith("#") and len(url) > 1 and unquote(url[1:]) not in found.ids
    ]
    assert not broken, "in-page links to ids that do not exist:\n" + "\n".join(broken[:40])


def test_assets_come_from_the_site_itself(sample_site, parsed):
    """Offline at view time: nothing the page loads (scripts, styles, images) is remote."""
    remote = [
        f"{page.relative_to(sample_site)}: <{tag} {attribute}={url!r}>"
        for page, found in parsed.items()
        for tag, attribute, url in found.links
        if url.startswith(("http:", "https:", "//")) and fetched_by_the_browser(tag, attribute)
    ]
    assert not remote, "pages load remote assets:\n" + "\n".join(remote[:40])


def test_no_script_urls(sample_site, parsed):
    unsafe = [
        f"{page.relative_to(sample_site)}: <{tag} {attribute}={url!r}>"
        for page, found in parsed.items()
        for tag, attribute, url in found.links
        if urlsplit(url).scheme.lower() in ("javascript", "vbscript", "data")
        and not (tag == "img" and url.startswith("data:image/"))
    ]
    assert not unsafe, "\n".join(unsafe)


def fetched_by_the_browser(tag: str, attribute: str) -> bool:
    if tag.startswith("link rel="):
        rels = set(tag.removeprefix("link rel=").lower().split())
        return bool(rels & {"stylesheet", "icon", "preload", "modulepreload", "manifest",
                            "apple-touch-icon", "prefetch"})
    return attribute != "href"


def fetch_status(url: str) -> tuple[str, int | str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()
            return url, response.status
    except urllib.error.HTTPError as exc:
        return url, exc.code
    except OSError as exc:
        return url, str(exc)


def served_problems(site: Path, parsed: dict[Path, LinkCollector], base: str) -> list[str]:
    """Fetch every page, and every URL a page or stylesheet links, from the site at `base`."""
    origin = base[: base.index("/", len("http://"))]
    referrers: dict[str, str] = {}
    for page, found in parsed.items():
        page_url = base + page.relative_to(site).as_posix()
        referrers.setdefault(page_url, "(the page itself)")
        for _tag, _attribute, url in found.links:
            if internal(url) and url and not url.startswith("#"):
                target = urljoin(page_url, url).split("#", 1)[0]
                referrers.setdefault(target, f"{page.relative_to(site)}: {url!r}")
    for sheet, url in css_links(site):
        sheet_url = base + sheet.relative_to(site).as_posix()
        referrers.setdefault(urljoin(sheet_url, url), f"{sheet.relative_to(site)}: {url}")

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(fetch_status, sorted(referrers)))
    return [
        f"{referrers[url]} -> {url.removeprefix(origin)}: "
        + (str(status) if url.startswith(base) else f"{status}, outside {base}")
        for url, status in results
        if status != 200 or not url.startswith(base)
    ]


def test_internal_links_resolve_served_under_a_sub_path(sample_site, parsed, http_server):
    """As on GitHub Pages at https://user.github.io/chronicle/: every page and link is fetched."""
    broken = served_problems(sample_site, parsed, http_server(sample_site, "/chronicle/"))
    assert not broken, f"{len(broken)} URLs fail under /chronicle/:\n" + "\n".join(broken[:40])


BROKEN_PAGE = """<!doctype html><html lang="en"><head><title>x</title>
<link rel="stylesheet" href="../style.css"></head><body>
<a href="../../actors/minusma/">a folder</a> <a href="/events/x/index.html">root-absolute</a>
<a href="../gone/index.html">missing</a> <a href="../../../../etc/passwd">outside</a>
<a href="#nowhere">no such id</a> <a href="../ok/index.html#top">fine</a>
<img src="pic.png" alt=""></body></html>"""


def test_the_checks_catch_broken_links(tmp_path, http_server):
    """The harness can fail: each kind of broken link in a small site is reported."""
    site = tmp_path / "site"
    (site / "events" / "x").mkdir(parents=True)
    (site / "events" / "ok").mkdir()
    (site / "actors" / "minusma").mkdir(parents=True)
    (site / "events" / "x" / "index.html").write_text(BROKEN_PAGE, encoding="utf-8")
    (site / "events" / "ok" / "index.html").write_text('<p id="top">ok</p>', encoding="utf-8")
    (site / "events" / "style.css").write_text("a { background: url(../none.svg) }", "utf-8")
    parsed = all_links(site)

    on_disk = "\n".join(disk_problems(site, parsed))
    for expected in ("names a folder", "root-absolute", "'../gone/index.html'> -> no such file",
                     "leaves the site", "'pic.png'> -> no such file", "url(../none.svg)"):
        assert expected in on_disk, f"not reported: {expected}\n{on_disk}"
    assert "#top" not in on_disk
    fragments = [url for page, found in parsed.items() for _t, _a, url in found.links
                 if url == "#nowhere" and url[1:] not in found.ids]
    assert fragments == ["#nowhere"]

    served = "\n".join(served_problems(site, parsed, http_server(site, "/chronicle/")))
    for expected in ("/chronicle/events/gone/index.html: 404", "/events/x/index.html: 404",
                     "/chronicle/events/x/pic.png: 404", "/chronicle/none.svg: 404"):
        assert expected in served, f"not reported: {expected}\n{served}"
