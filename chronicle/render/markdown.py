"""The one Markdown parser: CommonMark without raw HTML, and no script-bearing links.

Summaries come from articles and from whoever edits content/, so Markdown is treated as
untrusted: raw HTML is shown as text and `javascript:`, `vbscript:`, `data:` and `file:`
links are dropped (they render as plain text), whatever their case or spacing.
"""

from __future__ import annotations

import html
import re

from markdown_it import MarkdownIt
from markupsafe import Markup

from chronicle.render.simplemd import render_simple

_UNSAFE_SCHEME = re.compile(r"^(javascript|vbscript|data|file):", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def _validate_link(url: str) -> bool:
    return not _UNSAFE_SCHEME.match(_CONTROL.sub("", url))


def _make_parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.validateLink = _validate_link
    return parser


_PARSER = _make_parser()
#: tabs, carriage returns, NUL (which the parser replaces) and the other controls
_CONTROL_CHARACTER = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
_MARKUP = re.compile(r"[\\`*_\[\]<>&!|~#]|^\s*(?:[-+>=]|\d+[.)])", re.MULTILINE)


def render_markdown(text: str) -> Markup:
    """HTML for a Markdown field; the result is safe to insert without escaping."""
    if not text:
        return Markup("")
    if _is_plain(text):
        return Markup(_plain_paragraphs(text))
    simple = render_simple(text)
    return Markup(simple if simple is not None else _PARSER.render(text))


def _is_plain(text: str) -> bool:
    """True when the text holds no Markdown syntax at all: no markup characters, no line
    that opens a block (list, quote, heading, code), no hard break. Most summaries are."""
    if _MARKUP.search(text) or _CONTROL_CHARACTER.search(text):
        return False
    # any white space at a line's edge (a no-break space too) may be stripped by the parser
    return not any(line[:1].isspace() or line[-1:].isspace() for line in text.split("\n"))


def _plain_paragraphs(text: str) -> str:
    """What the CommonMark parser makes of plain text, without parsing: paragraphs split
    at blank lines, quotes escaped. Tests compare the two on many texts."""
    paragraphs = [p for p in text.strip("\n").split("\n\n") if p.strip("\n")]
    return "".join(
        "<p>" + p.strip("\n").replace('"', "&quot;") + "</p>\n"
        for p in (para.strip("\n") for para in paragraphs)
    )


def plain_text(text: str) -> str:
    """The words of a Markdown field without markup, for feeds, CSV notes and meta tags.
    Text with no Markdown syntax at all (most summaries) skips the parser: 100x faster."""
    if not _MARKUP.search(text):
        return " ".join(text.split())
    rendered = _PARSER.render(text) if text else ""
    words = re.sub(r"<[^>]+>", " ", rendered)
    return " ".join(html.unescape(words).split())
