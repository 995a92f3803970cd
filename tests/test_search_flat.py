"""The search writer's short ways against the long ways they stand in for.

pagefind_flat reads pages in the usual form without building Pagefind's tree, and hands
anything else back (None); pagefind_html's parser is the reference, itself checked against
the Pagefind binary in test_search_writer.py. Whatever page the flat reading accepts, it
must read exactly as the parser does: every field of the result, so every record. Likewise
pagefind_words.read_words lists stretches of known words from a table, and must list them
as it does word by word.
"""

from __future__ import annotations

import html as html_module
import random
import re
from pathlib import Path

import pytest

from chronicle.pagefind_flat import (
    _find_ignored_span,
    _plan,
    _read_split,
    _Unusual,
    parse_flat,
)
from chronicle.pagefind_html import (
    exclusion_selectors,
    ignored_span,
    normalize_content,
    parse_page,
)
from chronicle.pagefind_words import read_words
from chronicle.search import EXCLUDE, searchable_input
from tests.generated import write_generated

REPO = Path(__file__).resolve().parent.parent
CHRONICLE = exclusion_selectors(tuple(EXCLUDE))


def _pages(site: Path) -> list[tuple[str, str]]:
    pages = searchable_input(site)
    assert pages, f"no searchable page in {site}"
    return pages


def _assert_read_alike(pages: list[tuple[str, str]]) -> None:
    for url, html in pages:
        flat = parse_flat(html, CHRONICLE)
        assert flat is not None, f"{url}: Chronicle's own page is read the slow way"
        assert flat == parse_page(html, CHRONICLE), url
        # and by the split reading, not the token-by-token one it falls back on
        assert _read_split(html, _plan(CHRONICLE)) == flat, url


def test_the_sample_chronologys_pages_are_read_flat_and_alike(sample_site):
    _assert_read_alike(_pages(sample_site))


@pytest.mark.parametrize("name", ["basic", "hostile"])
def test_the_test_sites_pages_are_read_flat_and_alike(name, copy_site, build_site):
    _assert_read_alike(_pages(build_site(copy_site(name), search=False)))


def _generated_pages(tmp_path: Path, events: int, seed: int) -> list[tuple[str, str]]:
    """The searchable pages of a benchmark chronology of `events` events, built without
    search."""
    from chronicle.build import build

    write_generated(tmp_path / "chronology", events, seed)
    build(tmp_path / "chronology", tmp_path / "site", search=False)
    return _pages(tmp_path / "site")


def test_a_generated_chronologys_pages_are_read_flat_and_alike(tmp_path):
    _assert_read_alike(_generated_pages(tmp_path, 150, seed=3))


def test_pages_the_flat_reading_does_not_cover_go_to_the_parser():
    from tests.test_search_writer import EDGE_PAGES

    unusual = EDGE_PAGES["a/index.html"]  # weights, metadata, sorts, index-attrs
    assert parse_flat(unusual, CHRONICLE) is None
    for html in EDGE_PAGES.values():
        flat = parse_flat(html, CHRONICLE)
        assert flat is None or flat == parse_page(html, CHRONICLE)
    for html in ("<html><body><p>Unclosed paragraph</body></html>",
                 "<html><body><b><i>Crossed</b></i></body></html>",
                 "<p>Before the html tag</p><html><body></body></html>",
                 "<html><body><main data-pagefind-body>x</main><p>after</p></body></html>",
                 "<html><body><script>var a = '<p>';</script></body></html>"):
        assert parse_flat(html, CHRONICLE) is None, html
        parse_page(html, CHRONICLE)  # the parser reads them all


def _split_reads(page: str) -> bool:
    try:
        _read_split(page, _plan(CHRONICLE))
    except _Unusual:
        return False
    return True


_HEAD = '<!DOCTYPE html><html lang="en"><head><title>T</title></head><body>'
_TAIL = "</body></html>"


@pytest.mark.parametrize("body", [
    # an excluded tag's name in a quoted value: a cut there would take the quote along
    '<main data-pagefind-body><p title="<nav>">a</p>b</nav>c<li data-pagefind-ignore>'
    "</li></main>",
    '<main data-pagefind-body><p title="<nav>x</nav>">a</p></main>',
    "<main data-pagefind-body><p title='a\" <nav>x</nav> \"b'>y</p></main>",
    # the cut's own mark, comments, a lone "<", upper case, raw text
    "<main data-pagefind-body><nav>x</nav><p>\x02</p></main>",
    "<main data-pagefind-body><!-- <nav> --><p>a</p></main>",
    "<main data-pagefind-body><p>a</p><?pi x?><!DOCTYPE x></main>",
    "<main data-pagefind-body><p>1 < 2</p><nav>x</nav></main>",
    "<main data-pagefind-body><NAV>x</NAV><P>a</P></main>",
    "<main data-pagefind-body><title>x</title><p>a</p></main>",
    # an ignored element the token reading reads through (an h1 in it), or cannot close
    "<main data-pagefind-body><nav><h1>Title</h1></nav><p>a</p></main>",
    "<main data-pagefind-body><p>a</p><nav>b</main>",
    "<main data-pagefind-body><nav>a</nav b=\">\">c</main>",
])
def test_pages_the_split_reading_cannot_prove_go_on_token_by_token(body):
    page = _HEAD + body + _TAIL
    assert not _split_reads(page), page
    flat = parse_flat(page, CHRONICLE)
    assert flat is None or flat == parse_page(page, CHRONICLE)


@pytest.mark.parametrize("body", [
    "<main data-pagefind-body><p>a</p><nav><p>b</p></nav><svg><title>t</title></svg></main>",
    '<main id="m" data-pagefind-body>x<ol class="events"><li>e</li></ol><ol class="sources">'
    '<li id="s1"><a href="#">One</a> <blockquote><p>q</p></blockquote></li></ol></main>',
    '<main data-pagefind-body><div hidden><span data-pagefind-filter="type">a &amp; b</span>'
    '</div><h1>Title</h1><img src="i.png" alt="I"><figure class="map"><svg><title>Map</title></svg>'
    "</figure><p data-pagefind-ignore><title>t</title></p>"
    "<section data-pagefind-ignore=all><h2>x</h2><section>y</section></section></main>",
    "<main data-pagefind-body><nav><nav>a</nav></nav>b<p>c</p><nav></nav></main>",
    "<main data-pagefind-body><p>2 > 1, 3>2</p>></main>",  # a ">" in text is text
])
def test_chronicles_usual_forms_are_read_split_and_alike(body):
    page = _HEAD + body + _TAIL
    assert _split_reads(page), page
    assert parse_flat(page, CHRONICLE) == parse_page(page, CHRONICLE)


# Random pages: the tags, attributes and text Pagefind's rules turn on, nested at random,
# sometimes badly. Each the flat reading accepts must come out as the parser reads it.

_TAGS = ["p", "div", "span", "a", "em", "b", "h1", "h2", "h3", "li", "ul", "ol", "section",
         "nav", "dl", "dd", "td", "table", "tr", "small", "time", "blockquote", "article",
         "header", "footer", "label", "figure", "details", "svg", "title", "strong", "u"]
_ATTRIBUTES = ['', '', '', '', ' class="x"', ' id="a b"', ' ID="up"', ' hidden',
               ' data-pagefind-filter="kind"', ' data-pagefind-filter="place:Kidal"',
               ' data-pagefind-filter="a, b[title]"', ' title="T"',
               ' data-pagefind-ignore', ' data-pagefind-ignore="all"',
               ' class="events"', ' class="prev-next"', ' class="chart"',
               ' data-pagefind-weight="2"', ' data-pagefind-meta="m"', " data-x='y>z'",
               ' data-pagefind-body']
_TEXTS = ["Word", " two words ", "end.", "it's", "(note)", "x$", "A&amp;B", "\n", "  ",
          "café", "ThreeAntelopes", "e-mail", "<", "2019", ""]


#: more of what the split reading turns on: excluded tags and their names where they are
#: no tags (quoted values, text), the mark it cuts with, upper case, links
_MORE = (["nav", "svg", "ol", "figure", "head", "H2", "Span", "textarea", "main"],
         [' class="map"', ' class="chart-data"', ' title="<nav>"', ' title="a>b"',
          " data-x='<svg>'", ' data-pagefind-ignore="index"', ' href="../x/index.html"',
          ' class="prev-next" aria-label="Next"'],
         ["<!-- c -->", "data-pagefind-ignore", "<nav", "\x02", "< b", "<svg>", "</nav>",
          "&lt;"])


def _element(rng: random.Random, depth: int, more: bool = False) -> str:
    tags, attributes, texts = ((_TAGS + _MORE[0], _ATTRIBUTES + _MORE[1], _TEXTS + _MORE[2])
                               if more else (_TAGS, _ATTRIBUTES, _TEXTS))
    roll = rng.random()
    if depth > 4 or roll < 0.3:
        return rng.choice(texts)
    if roll < 0.36:
        return rng.choice(["<br>", "<br/>", '<img src="i.png" alt="I">', "<hr>",
                           "<!-- note -->", '<input title="in">', "<img>"])
    tag = rng.choice(tags)
    inner = "".join(_element(rng, depth + 1, more) for _ in range(rng.randint(0, 4)))
    end = f"</{tag}>" if rng.random() > 0.03 else rng.choice(["", "</p>", "</span>"])
    return f"<{tag}{rng.choice(attributes)}>{inner}{end}"


def _random_page(rng: random.Random, more: bool = False) -> str:
    body = "".join(_element(rng, 0, more) for _ in range(rng.randint(1, 6)))
    if rng.random() < 0.6:
        body = (f"<main{rng.choice(['', ' id=main'])} data-pagefind-body>{body}</main>"
                + rng.choice(["", "\n", "tail"]))
    heads = ["<head></head>", "<head><title>Page &amp; title</title></head>",
             "<head><title></title></head>"]
    head = rng.choice(heads if more else ["", *heads[1:]])  # more: searchable_part's form
    lang = rng.choice(["", ' lang="en"', ' lang="FR"'])
    return f"<!DOCTYPE html><html{lang}>{head}<body>{body}</body></html>"


@pytest.mark.parametrize("seed", range(4))
def test_random_pages_the_flat_reading_accepts_are_read_alike(seed):
    rng = random.Random(seed)
    exclusions = [CHRONICLE, exclusion_selectors(()),
                  exclusion_selectors(("span.x", "[hidden]", "em"))]
    accepted = 0
    for number in range(600):
        page = _random_page(rng)
        chosen = exclusions[number % len(exclusions)]
        flat = parse_flat(page, chosen)
        if flat is not None:
            accepted += 1
            assert flat == parse_page(page, chosen), page
    assert accepted > 100, "the flat reading should accept a fair share of the pages"


@pytest.mark.parametrize("seed", range(4))
def test_random_pages_in_searchable_form_are_read_alike_split_or_not(seed):
    rng = random.Random(seed)
    exclusions = [CHRONICLE, exclusion_selectors(()),
                  exclusion_selectors(("span.x", "[hidden]", "em", "ol.events"))]
    split = 0
    for number in range(800):
        page = _random_page(rng, more=True)
        chosen = exclusions[number % len(exclusions)]
        try:
            read = _read_split(page, _plan(chosen))
            split += 1
        except _Unusual:
            read = parse_flat(page, chosen)
        if read is not None:
            assert read == parse_page(page, chosen), page
    assert split > 40, "the split reading should read a fair share of the pages"


@pytest.mark.parametrize("seed", range(3))
def test_an_ignored_elements_end_found_with_find_is_the_regexs(seed):
    rng = random.Random(seed)
    found = 0
    for _ in range(1500):
        page = _random_page(rng, more=True)
        for name in ("nav>", "ol>", "svg>", "<nav", "</ol"):  # names in other cases
            page = page.replace(name, rng.choice([name, name.upper(), name.capitalize()]))
        if rng.random() < 0.3:
            page = page.replace("Word", "W\u2192rd")  # past U+00FF: "?" in `lowered`
        for tag in re.finditer(r"<([A-Za-z]+)[^>]*>", page):
            name = tag.group(1).lower()
            for meta in ({}, {"auto_page_title": ""}):
                span = _find_ignored_span(page, tag.end(), name, meta)
                if span is not None:
                    found += 1
                    assert span == ignored_span(page, tag.end(), name, meta), page
    assert found > 500


# normalize_content does with str methods what Pagefind does with two regexes.

def _normalize_by_regexes(text: str) -> str:
    text = html_module.unescape(text).strip()
    return re.sub(r"\s\s+", " ", re.sub(r"(\n|\r\n)+", " ", text))


@pytest.mark.parametrize("seed", range(3))
def test_normalize_content_is_pagefinds_regexes(seed):
    rng = random.Random(seed)
    pieces = ["a", "b", ".", "&", "é", " ", "  ", "\n", "\r", "\r\n", "\t", "\x0b", "\x1c",
              "\x85", "\xa0", "\u2028", "\u3000", "\u200b", "&amp;", "&nbsp;"]
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert normalize_content(text) == _normalize_by_regexes(text), repr(text)


# read_words: a zero-width space anywhere makes it read word by word, markers included (the
# space joins no word here: a word of it alone is dropped), so both ways read one digest.

def _assert_words_alike(digest: str, anchor_content: dict[str, str]) -> None:
    read_words(digest, "en", anchor_content)  # the words are known from here on
    assert (read_words(digest, "en", anchor_content)
            == read_words(digest + " \u200b", "en", anchor_content)), digest


def test_a_generated_chronologys_words_are_read_alike_by_stretches_and_one_by_one(tmp_path):
    for _, html in _generated_pages(tmp_path, 60, seed=5):
        parsed = parse_page(html, CHRONICLE)
        assert "___PAGEFIND_AUTO_WEIGHT___" in parsed.digest
        _assert_words_alike(parsed.digest, parsed.anchor_content)


_WORDS = ["the", "The", "quick", "fox.", "Fox", "e-mail", "ThreeAntelopes", "café", "naïve",
          "2019", "(note)", "19.4614,", "x$", "___PAGEFIND_AUTO_WEIGHT___7",
          "___PAGEFIND_WEIGHT___2", "___PAGEFIND_WEIGHT___0", "___END_PAGEFIND_WEIGHT___",
          "___PAGEFIND_ANCHOR___h2:0:top", "___PAGEFIND_ANCHOR___li:1:two",
          "x___PAGEFIND_WEIGHT___2", "___other", "·", "_", "l'alphabet"]


@pytest.mark.parametrize("seed", range(3))
def test_random_digests_are_read_alike_by_stretches_and_one_by_one(seed):
    rng = random.Random(seed)
    for _ in range(300):
        digest = rng.choice(["", " ", "\n"]).join(
            rng.choice(_WORDS) + rng.choice([" ", "  ", "\n", "\xa0"])
            for _ in range(rng.randint(0, 40)))
        _assert_words_alike(digest, {"0:top": "Top text", "1:two": " Two  words "})
