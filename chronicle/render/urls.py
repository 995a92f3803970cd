"""Relative links between output files, so one build works from disk, under a sub-path
(GitHub project sites) and on a domain alike.

Every page is a file named explicitly (`events/<id>/index.html`): a link ending in "/"
opens a folder listing when the site is opened from disk, so links always name the file.
"""

from __future__ import annotations

import re

_SEGMENT = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def relative(here: str, target: str) -> str:
    """The link from output file `here` to output file `target`, both site-relative
    ("events/x/index.html"). Cheap on purpose: it runs for every link on every page."""
    depth = here.count("/")
    return "../" * depth + target if depth else target


def safe_segment(text: str) -> bool:
    """True when `text` can be one folder name in the site: no "..", no slashes,
    no leading dot, so an id can never write outside its folder."""
    return bool(_SEGMENT.match(text)) and ".." not in text


def entity_url(kind: str, entity_id: str, page: int = 1) -> str:
    """`events/<id>/index.html`; page 2 and later of a long list: `.../page/2/index.html`."""
    if page > 1:
        return f"{kind}/{entity_id}/page/{page}/index.html"
    return f"{kind}/{entity_id}/index.html"


def year_segment(year: int) -> str:
    """"2019", or "44-bce" for -44: a folder name without a leading minus."""
    return f"{-year}-bce" if year < 0 else str(year)


def year_url(year: int, page: int = 1) -> str:
    return entity_url("years", year_segment(year), page)


def list_url(kind: str, page: int = 1) -> str:
    return f"{kind}/page/{page}/index.html" if page > 1 else f"{kind}/index.html"


def absolute(base_url: str, target: str) -> str:
    """A site-relative path made absolute for feeds and sitemaps; "x/index.html" -> "x/"."""
    if target.endswith("index.html"):
        target = target[: -len("index.html")]
    return base_url.rstrip("/") + "/" + target
