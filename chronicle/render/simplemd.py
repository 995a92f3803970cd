"""HTML for the Markdown most summaries use, without the parser: paragraphs, `- ` lists,
`*emphasis*` and `**strong**`.

Parsing costs about 1 ms a summary, a third of an event page's CPU. A text made only of
those constructs, each in a form CommonMark reads one way only, gets the parser's HTML
from a few regular expressions and a walk over its lines (plaintext.py reads the words of
the same subset with them); anything else (a link, code, an entity, raw HTML, an ordered
list, an indent, a `*` left unpaired) returns None and goes to the parser.
tests/test_markdown_subset.py compares the two on many generated texts. Raw HTML cannot
pass: `<`, `>` and `&` are outside the subset.
"""

from __future__ import annotations

import re
from collections.abc import Callable

#: characters that may start any construct other than the three (links, code, entities,
#: raw HTML, headings, quotes, escapes, `_` emphasis), and controls other than newline
_OTHER = r"\\`_\[\]<>&!|~#\x00-\x09\x0b-\x1f\x7f"
#: a paragraph line or a `- ` item holding one: it starts with a word or an emphasis opener
#: (no list marker, rule, heading underline or number like "1."), has no white space at
#: either end (no indent, no hard break, nothing the parser strips) and no character of
#: _OTHER
_LINE = rf"(?:- )?(?!\d+[.)])(?:\*{{1,2}}\w|[^\s*+=>\-{_OTHER}])[^\n{_OTHER}]*(?<!\s)"
_SIMPLE = re.compile(rf"(?:{_LINE})?(?:\n(?:{_LINE})?)*")
#: a `*` or `**` pair that can only be emphasis when the opener also follows a space, a
#: line start or an opening quote or bracket (checked apart): the opener before a word
#: character, the closer after one and before a space, a line end or punctuation, and no
#: `*` and no line break between. Neither marker can both open and close, so CommonMark
#: pairs each opener with the closer that follows it.
_EMPHASIS = re.compile(r"(\*\*?)(?=\w)([^*\n]*\w)\1(?=[ .,;:?)\"'\n-]|\Z)")
_BEFORE_OPENER = frozenset(" (\"'\n")
_TAGS = {"*": ("<em>", "</em>"), "**": ("<strong>", "</strong>")}


def mark_emphasis(text: str, mark: Callable[[str, str], str]) -> str | None:
    """`text` with each emphasis pair replaced by `mark(marker, inner text)`, or None when
    the text is outside the subset or keeps a `*` the pattern did not pair (only the
    parser knows what that is). Shared by the HTML here and the plain text (plaintext.py)."""
    if not _SIMPLE.fullmatch(text):
        return None
    if "*" not in text:
        return text

    def replace(match: re.Match) -> str:
        start = match.start()
        if start and text[start - 1] not in _BEFORE_OPENER:
            return match.group()  # not an opener: the `*` left sends the text on
        return mark(match.group(1), match.group(2))

    marked = _EMPHASIS.sub(replace, text)
    return None if "*" in marked else marked


def _tagged(marker: str, inner: str) -> str:
    opening, closing = _TAGS[marker]
    return opening + inner + closing


def render_simple(text: str) -> str | None:
    """The parser's HTML for a text of the subset, or None when the text is outside it."""
    marked = mark_emphasis(text, _tagged)
    if marked is None:
        return None
    return _blocks(marked.replace('"', "&quot;").split("\n"))


def _blocks(lines: list[str]) -> str:
    """Paragraphs and bullet lists as CommonMark groups them: a `- ` line starts an item
    (and interrupts a paragraph), another line continues the open paragraph or item, a
    blank line closes a paragraph, and a list with a blank line between items is loose."""
    out: list[str] = []
    paragraph: list[str] = []
    items: list[list[str]] = []
    loose = blank = False
    for line in lines:
        if not line:
            if paragraph:
                out.append("<p>" + "\n".join(paragraph) + "</p>\n")
                paragraph = []
            blank = bool(items)
        elif line.startswith("- "):
            if paragraph:
                out.append("<p>" + "\n".join(paragraph) + "</p>\n")
                paragraph = []
            loose = loose or blank
            blank = False
            items.append([line[2:]])
        elif items and not blank:
            items[-1].append(line)  # a lazy continuation of the item's paragraph
        else:
            if items:
                out.append(_list(items, loose))
                items, loose, blank = [], False, False
            paragraph.append(line)
    if paragraph:
        out.append("<p>" + "\n".join(paragraph) + "</p>\n")
    if items:
        out.append(_list(items, loose))
    return "".join(out)


def _list(items: list[list[str]], loose: bool) -> str:
    if loose:
        body = "".join("<li>\n<p>" + "\n".join(item) + "</p>\n</li>\n" for item in items)
    else:
        body = "".join("<li>" + "\n".join(item) + "</li>\n" for item in items)
    return "<ul>\n" + body + "</ul>\n"
