"""The plain text of a summary without the Markdown parser, for the Markdown most summaries
use: paragraphs, `- ` lists, `*emphasis*` and `**strong**`.

The exports need the words of every summary (CSV notes, TimelineJS text), and parsing 10,000
summaries costs 1.5 s. A summary made only of those three constructs, each in a form that
CommonMark can read one way only, gets the same words from the regular expressions that
recognise it for render/simplemd.py; anything else (a link, code, an entity, an ordered
list, an indent, a `*` left over) goes to the parser. tests/test_exports.py compares the
two on many generated texts.
"""

from __future__ import annotations

from chronicle.render.markdown import plain_text
from chronicle.render.simplemd import mark_emphasis


def plain_summary(text: str) -> str:
    """Exactly `markdown.plain_text(text)`, many times faster for the usual summary.

    The parser puts a tag where each emphasis marker and list marker was, and plain_text
    turns every tag into a space, so "**Kidal**." reads "Kidal ." in both."""
    words = mark_emphasis(text, _spaced)
    if words is None:
        return plain_text(text)
    # every line starting "- " is a list item (the subset's lines), and its marker a tag
    return " ".join(("\n" + words).replace("\n- ", "\n ").split())


def _spaced(marker: str, inner: str) -> str:
    return " " + inner + " "
