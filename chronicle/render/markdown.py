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

_UNSAFE_SCHEME = re.compile(r"^(javascript|vbscript|data|file):", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def _validate_link(url: str) -> bool:
    return not _UNSAFE_SCHEME.match(_CONTROL.sub("", url))


def _make_parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.validateLink = _validate_link
    return parser


_PARSER = _make_parser()


def render_markdown(text: str) -> Markup:
    """HTML for a Markdown field; the result is safe to insert without escaping."""
    if not text:
        return Markup("")
    return Markup(_PARSER.render(text))


_MARKUP = re.compile(r"[\\`*_\[\]<>&!|~#]|^\s*(?:[-+>=]|\d+[.)])", re.MULTILINE)


def plain_text(text: str) -> str:
    """The words of a Markdown field without markup, for feeds, CSV notes and meta tags.
    Text with no Markdown syntax at all (most summaries) skips the parser: 100x faster."""
    if not _MARKUP.search(text):
        return " ".join(text.split())
    rendered = _PARSER.render(text) if text else ""
    words = re.sub(r"<[^>]+>", " ", rendered)
    return " ".join(html.unescape(words).split())
