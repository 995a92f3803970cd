"""Hostile content stays text: no script runs, no javascript: link, no path leaves the site."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chronicle.build import build
from chronicle.diagnostics import ContentError

HOSTILE = Path(__file__).resolve().parent / "sites" / "hostile"
UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:")


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("hostile") / "site"
    build(HOSTILE, out, search=False)
    return out


def pages(site: Path):
    for page in sorted(site.rglob("*.html")):
        parsed = Elements()
        parsed.feed(page.read_text("utf-8"))
        yield page, parsed


def test_no_inline_script_and_no_event_handler(hostile_site):
    for page, parsed in pages(hostile_site):
        for tag, attrs in parsed.elements:
            if tag == "script":
                assert attrs.get("src", "").startswith(("static/", "../")), (page, attrs)
            assert tag not in ("iframe", "object", "embed", "img") or not any(
                str(v).startswith(UNSAFE_SCHEMES) for v in attrs.values()), (page, tag)
            handlers = [name for name in attrs if name.startswith("on")]
            assert not handlers, f"{page}: <{tag}> has {handlers}"


def test_no_link_with_a_script_scheme(hostile_site):
    for page, parsed in pages(hostile_site):
        for _, attrs in parsed.elements:
            for name in ("href", "src", "action", "formaction"):
                value = (attrs.get(name) or "").strip().lower()
                assert not value.startswith(UNSAFE_SCHEMES), f"{page}: {name}={value}"


def test_hostile_text_is_shown_as_text(hostile_site):
    page = hostile_site / "events" / "2020-01-01-hostile" / "index.html"
    parsed = Elements()
    parsed.feed(page.read_text("utf-8"))
    text = "".join(parsed.text)
    assert "<script>alert('event')</script> attack" in text  # the title, escaped, readable
    assert "<script>alert('summary')</script>" in text
    assert "[a link](javascript:alert('x'))" in text  # the link dropped, the words kept


def test_an_odd_file_name_becomes_a_safe_folder(hostile_site):
    assert (hostile_site / "places" / "evil-place" / "index.html").is_file()
    for path in hostile_site.rglob("*"):
        assert hostile_site.resolve() in path.resolve().parents


def test_exports_escape_hostile_text(hostile_site):
    import json

    timeline = json.loads((hostile_site / "data" / "timeline.json").read_text())
    slide = timeline["events"][0]
    assert "<script>" not in slide["text"]["headline"]
    assert "<script>" not in slide["text"]["text"]
    assert "&lt;script&gt;" in slide["text"]["headline"]


def test_a_reference_that_tries_to_leave_the_site_is_an_error(copy_site, tmp_path):
    root = copy_site(HOSTILE)
    entry = root / "content" / "events" / "2020-01-01-hostile.yaml"
    entry.write_text(entry.read_text().replace("places: [evil-place]", "places: [../../x]"))
    with pytest.raises(ContentError) as caught:
        build(root, tmp_path / "out", search=False)
    assert any(d.code == "ref.unknown" for d in caught.value.diagnostics)
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "x").exists()


def test_a_script_link_in_an_actor_is_refused(copy_site, tmp_path):
    root = copy_site(HOSTILE)
    actor = root / "content" / "actors" / "evil.yaml"
    actor.write_text(actor.read_text() + "links:\n  - \"javascript:alert('link')\"\n")
    with pytest.raises(ContentError) as caught:
        build(root, tmp_path / "out", search=False)
    assert any("javascript:" in d.message for d in caught.value.diagnostics)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=list("ab cd,.;:'\"()?\n-0123456789é—’<&*[]"), max_size=80))
def test_plain_text_shortcut_renders_what_the_parser_renders(text):
    """Summaries without Markdown skip the parser; the HTML must be the same either way."""
    from chronicle.render.markdown import _PARSER, render_markdown

    assert str(render_markdown(text)) == (_PARSER.render(text) if text else "")
