"""Every page of the sample site passes the Nu HTML Checker (the current vnu-jar from npm,
the checker behind validator.w3.org) with no errors."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

pytestmark = pytest.mark.validator


def describe(message: dict, site: Path) -> str:
    path = Path(unquote(urlsplit(message.get("url", "")).path))
    where = path.relative_to(site).as_posix() if path.is_relative_to(site) else str(path)
    line, column = message.get("lastLine", "?"), message.get("firstColumn", "?")
    extract = (message.get("extract") or "").strip().replace("\n", " ")[:100]
    return f"{where}:{line}:{column}: {message.get('message')}  [{extract}]"


def test_every_page_passes_the_nu_html_checker(sample_site, vnu):
    site = sample_site.resolve()
    pages = sorted(site.rglob("*.html"))
    assert pages, "the sample site has no HTML pages"
    messages = vnu(pages)
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")]
    assert not errors, (
        f"{len(errors)} Nu HTML Checker errors in {len(pages)} pages:\n"
        + "\n".join(describe(m, site) for m in errors[:50])
    )


def test_every_stylesheet_passes_the_css_checker(sample_site, vnu):
    site = sample_site.resolve()
    sheets = sorted(site.rglob("*.css"))
    assert sheets, "the sample site has no stylesheet"
    errors = [m for m in vnu(sheets, "--css") if m.get("type") in ("error", "non-document-error")]
    assert not errors, "\n".join(describe(m, site) for m in errors[:50])


def test_the_checker_catches_an_invalid_page(tmp_path, vnu):
    """The harness itself can fail: a page with a stray end tag and no title is reported."""
    page = tmp_path / "bad.html"
    page.write_text("<!doctype html><html lang=en><body><p>x</div></body></html>", "utf-8")
    errors = [m for m in vnu([page]) if m.get("type") == "error"]
    assert len(errors) >= 2, errors
    sheet = tmp_path / "bad.css"
    sheet.write_text("a { colour: red }", "utf-8")
    assert [m for m in vnu([sheet], "--css") if m.get("type") == "error"]
