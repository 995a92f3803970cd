"""A page's HTML read as Pagefind 1.5.2 reads it: its text, filters, metadata and anchors.

Chronicle writes Pagefind's bundle itself (see pagefind_writer), so it must see each page
exactly as Pagefind's parser (`pagefind/src/fossick/parser.rs`, on lol_html) does: which text
is kept, where spaces and full stops are added between blocks, which elements carry weights,
filters, metadata and anchors. This module is that parser, rule for rule; the comments name
the Rust it follows. It is written for well-formed HTML with explicit end tags (what
Chronicle's templates produce); tag soup that relies on implied end tags is read more simply
than lol_html would.

The pages come from `search.searchable_part`, so they are small: a linear scan with one
regular expression is fast enough and needs no dependency.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import lru_cache

SENTENCE_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6", "p", "td", "div", "ul", "li",
                           "article", "section"))
INLINE_TAGS = frozenset((
    "a", "abbr", "acronym", "b", "bdo", "big", "br", "button", "cite", "code", "dfn", "em", "i",
    "img", "input", "kbd", "label", "map", "object", "output", "q", "samp", "script", "select",
    "small", "span", "strong", "sub", "sup", "textarea", "time", "tt", "var"))
#: Pagefind's REMOVE_SELECTORS: never indexed, whatever the configuration.
REMOVED_TAGS = ("head", "style", "script", "noscript", "label", "form", "svg", "footer", "nav",
                "iframe", "template")
VOID_TAGS = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                       "param", "source", "track", "wbr", "keygen", "basefont", "bgsound",
                       "frame", "image", "menuitem"))
#: Elements whose content is text up to their end tag (no markup inside).
RAW_TEXT_TAGS = frozenset(("script", "style", "textarea", "title", "xmp", "iframe", "noembed",
                           "noframes", "plaintext"))
AUTO_WEIGHTS = {"h1": "7", "h2": "6", "h3": "5", "h4": "4", "h5": "3", "h6": "2"}

INDEXING, BODY, IGNORED, EXCLUDED, PARENT_OF_BODY = range(5)
BODY_OR_INDEXING = BODY  # statuses up to this one hand their text up as it comes
#: Elements that, without an id, a data-pagefind attribute or an exclusion matching them,
#: only hand their text to their parent (no sentence end, weight, title or space of their
#: own): parsed without a node of their own, as most of a page's elements are.
PASSABLE_TAGS = frozenset((
    "a", "abbr", "acronym", "b", "bdo", "big", "cite", "code", "dfn", "em", "i", "kbd", "q",
    "samp", "small", "span", "strong", "sub", "sup", "time", "tt", "var", "u", "s", "mark",
    "dl", "dt", "dd", "header", "main", "blockquote", "ol", "tbody", "thead", "tfoot", "tr",
    "th", "caption", "figure", "figcaption", "details", "summary", "aside", "em", "ins",
    "del", "pre", "address", "hgroup", "center", "font", "data"))

_TOKEN = re.compile(
    r"(<!--.*?(?:-->|\Z)|<![^>]*>?|<\?[^>]*>?)"
    r"|<(/?)([A-Za-z][^\s/>]*)([^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*)>"
    r"|([^<]+|<)", re.S)
#: `_TOKEN`'s last group to match, which tells a token's kind: skipped, tag or text.
_SKIPPED, _TAG, _TEXT = 1, 4, 5
_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
_ALL_SPACES = re.compile(r"\s")
_ATTRIBUTE_MATCH = re.compile(r"^\s*(?P<name>[^:\[\]]+)\[(?P<attribute>.+)\]\s*$", re.S)
_NEWLINES = re.compile(r"(\n|\r\n)+")
_EXTRANEOUS_SPACES = re.compile(r"\s\s+")
_SIMPLE_SELECTOR = re.compile(
    r"([A-Za-z][\w-]*|\*)?((?:\.[\w-]+|#[\w-]+|\[[\w-]+(?:=\"?[^\]\"]*\"?)?\])*)$")
_SELECTOR_PART = re.compile(r"\.([\w-]+)|#([\w-]+)|\[([\w-]+)(?:=\"?([^\]\"]*)\"?)?\]")


def _caseless(name: str) -> str:
    """A tag name in a pattern, matched in any case of its ASCII letters (what `str.lower`
    makes one name) with classes instead of re.I, which keeps a pattern that starts with
    "<" from skimming to each "<": passing over a map's SVG cost twice as much with it."""
    return "".join(f"[{c}{c.upper()}]" if c.isalpha() else re.escape(c) for c in name)


def normalize_content(text: str) -> str:
    """Pagefind's `normalize_content`: entities decoded, the ends trimmed, runs of newlines
    and then runs of white space made one space (its regexes, done with cheaper means)."""
    if "&" in text:
        text = html.unescape(text)
    text = text.strip()
    if "\r" in text:
        text = _NEWLINES.sub(" ", text)
    elif "\n" in text:  # trimmed, so every run of newlines is inside: each becomes a space
        text = " ".join([line for line in text.split("\n") if line])
    if text.isprintable():  # no white space but " ", and none at the ends: its runs are
        # the empty strings between spaces (a third of the regex's time on a page's text)
        return " ".join(filter(None, text.split(" "))) if "  " in text else text
    return _EXTRANEOUS_SPACES.sub(" ", text)


def ends_sentence(text: str) -> bool:
    """Whether the last character matches Pagefind's SENTENCE_CHARS `[\\w'"\\)\\$\\*]`."""
    if not text:
        return False
    last = text[-1]
    return last.isalnum() or last in "_'\")$*"


class Selector:
    """One compound CSS selector (`tag.class#id[attr=value]`), all Pagefind's exclusions use."""

    def __init__(self, text: str):
        found = _SIMPLE_SELECTOR.match(text.strip())
        if not found or not text.strip():
            raise ValueError(f"unsupported exclusion selector for Chronicle's search "
                             f"writer: {text!r}")
        self.tag = None if found.group(1) in (None, "*") else found.group(1).lower()
        self.classes, self.ids, self.attributes = [], [], []
        for klass, ident, name, value in _SELECTOR_PART.findall(found.group(2)):
            if klass:
                self.classes.append(klass)
            elif ident:
                self.ids.append(ident)
            else:
                self.attributes.append((name.lower(), value if "=" in found.group(2) and
                                        value else None))

    def matches(self, tag: str, attributes: dict[str, str]) -> bool:
        if self.tag is not None and tag != self.tag:
            return False
        if self.classes:
            classes = attributes.get("class", "").split()
            if any(c not in classes for c in self.classes):
                return False
        if any(attributes.get("id") != i for i in self.ids):
            return False
        for name, value in self.attributes:
            if name not in attributes or (value is not None and attributes[name] != value):
                return False
        return True


@dataclass(slots=True)
class _Node:
    """parser.rs `DomParsingNode`: an open element and the text gathered in it so far."""
    parent: _Node | None
    status: int = INDEXING
    value: str = ""
    tag: str = ""
    filters: list[str] | None = None
    metas: list[str] | None = None
    default_metas: list[str] | None = None
    sorts: list[str] | None = None
    weight: str | None = None
    anchor_ids: list[str] | None = None

    def attribute_pair(self, spec: str) -> tuple[str, str] | None:
        name, colon, value = spec.partition(":")
        if colon:
            return name, normalize_content(value)
        if not self.value:
            return None
        return spec, normalize_content(self.value)


@dataclass(slots=True)
class ParsedPage:
    """parser.rs `DomParserResult`: what the rest of the indexing works from."""
    digest: str
    filters: dict[str, list[str]]
    sort: dict[str, str]
    meta: dict[str, str]
    anchor_content: dict[str, str]
    has_custom_body: bool
    has_html_element: bool
    language: str
    extra: dict = field(default_factory=dict)


def _attributes(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, double, single, bare in _ATTRIBUTE.findall(text):
        name = name.lower()
        if name not in found:
            value = double or single or bare
            found[name] = html.unescape(value) if "&" in value else value
    return found


def _parse_attr_string(text: str, attributes: dict[str, str]) -> list[str]:
    """parser.rs `parse_attr_string`: `a, b[attr], c:literal` into `name[:value]` specs."""
    head, colon, literal = text.partition(":")
    if colon:
        specs = _parse_attr_string(head, attributes)
        if specs:
            specs[-1] += ":" + literal
        return specs
    specs = []
    for chunk in text.split(","):
        chunk = chunk.strip()
        found = _ATTRIBUTE_MATCH.match(chunk)
        if found:
            specs.append(f"{found['name']}:{attributes.get(found['attribute'], '')}")
        else:
            specs.append(chunk)
    return specs


class _Pass:
    """On the stack in place of an element that needs no node of its own."""
    __slots__ = ("tag",)

    def __init__(self, tag: str):
        self.tag = tag


_PASSES = {tag: _Pass(tag) for tag in PASSABLE_TAGS}


def _spec(attributes: dict[str, str], name: str) -> list[str] | None:
    value = attributes.get(name)
    return None if value is None else _parse_attr_string(value, attributes)


@lru_cache(maxsize=64)
def _raw_text_end(tag: str) -> re.Pattern:
    return re.compile(rf"</{tag}[\s/>]", re.I)


@lru_cache(maxsize=64)
def _same_tag(tag: str) -> re.Pattern:
    """`tag`'s start and end tags (group 1: "" or "/"), and the start tags that matter in
    an ignored element: h1 and img (group 2), title: one scan of its content for both."""
    return re.compile(rf"<(?:(/?){_caseless(tag)}|({_caseless('h1')}|{_caseless('img')})"
                      rf"|{_caseless('title')})(?=[\s/>])")


def _keeps(node: _Node) -> bool:
    """Whether an ignored element matters itself: it carries filters, metadata or sorts, or
    it is an h1 or title (automatic titles)."""
    return bool(node.filters or node.metas or node.default_metas or node.sorts
                or node.tag in ("h1", "title"))


def ignored_span(page: str, position: int, tag: str, meta: dict[str, str]
                 ) -> tuple[int, int] | None:
    """Where an ignored or excluded element's (`tag`, its content from `position`) end tag
    starts and where it ends, when nothing inside it can matter, else None.

    An ignored element's text is dropped; what inside it still counts is filters,
    metadata, sorts, the first h1 or title (automatic titles) and images (an excluded
    element's, data-pagefind-ignore="all", count only inside an element an exclusion
    matches again: the same test covers both). Chronicle's pages leave out large parts
    (maps, charts, lists of events), and reading them element by element was most of the
    time, so they are passed over whole when free of those. (The anchor counter is not
    advanced for them: it only keeps anchor keys unique, and no anchor inside an ignored
    element is written.)"""
    search = _same_tag(tag).search
    depth, at = 1, position
    while depth:
        found = search(page, at)
        if found is None:
            return None
        at = found.end()
        same = found.group(1)
        if same is None:  # an h1, img or title start tag
            if found.group(2) is not None or "auto_page_title" not in meta:
                return None
        elif same:
            depth -= 1
        else:
            close = page.find(">", at)
            if close < 0 or page[close - 1] != "/":
                depth += 1
    if page.find("data-pagefind-", position, found.start()) >= 0:
        return None
    end = page.find(">", at)
    return found.start(), len(page) if end < 0 else end + 1


def ignored_end(page: str, position: int, tag: str, meta: dict[str, str]) -> int | None:
    """Where an ignored element `ignored_span` passes over ends, or None."""
    span = ignored_span(page, position, tag, meta)
    return None if span is None else span[1]


class _Parser:
    def __init__(self, exclusions: Exclusions):
        self.exclusions = exclusions
        self.passable = exclusions.passable
        self.root = self.current = _Node(None)
        self.filters: dict[str, list[str]] = {}
        self.sort: dict[str, str] = {}
        self.meta: dict[str, str] = {}
        self.default_meta: dict[str, str] = {}
        self.anchor_content: dict[str, str] = {}
        self.language: str | None = None
        self.has_html = False
        self.anchor_counter = 0
        self.in_html = False

    def feed(self, page: str) -> None:
        """One pass over the page's tokens (`_TOKEN`); most are text or elements that only
        hand text up, so those are dealt with here, in as few steps as they allow."""
        stack: list[_Node] = []
        length = len(page)
        tokens = _TOKEN.finditer(page)
        passable, passes = self.passable, _PASSES
        while True:
            for found in tokens:
                kind = found.lastindex
                if kind == _TEXT:
                    if self.in_html:
                        text = found.group(_TEXT)
                        node = self.current
                        node.value += text
                        if node.anchor_ids:
                            self.text_of_anchors(node, text)
                    continue
                if kind == _SKIPPED:
                    continue
                closing, name, attributes_text = found.group(2, 3, 4)
                tag = name.lower()
                if closing:
                    if stack and stack[-1].tag == tag:
                        top = stack.pop()
                        if top.__class__ is _Node:
                            self.close(top)
                    else:
                        self.end(tag, stack)
                    continue
                self_closing = attributes_text.endswith("/")
                if (tag in passable and self.current.status <= BODY_OR_INDEXING
                        and (tag in INLINE_TAGS or not self.current.anchor_ids)
                        and not (attributes_text and ("data-pagefind" in attributes_text
                                                      or "id" in attributes_text.lower()))
                        and not self_closing and self.in_html):
                    # An element that only hands its text up: no node (see PASSABLE_TAGS)
                    stack.append(passes[tag])
                    continue
                attributes = _attributes(attributes_text.rstrip("/")) if attributes_text else {}
                node = self.start(tag, attributes, attributes_text,
                                  void=tag in VOID_TAGS or self_closing)
                position = found.end()
                if node is None:
                    pass
                elif node.status in (IGNORED, EXCLUDED) and tag not in RAW_TEXT_TAGS:
                    skip_to = None if _keeps(node) else ignored_end(page, position, tag,
                                                                     self.meta)
                    if skip_to is None:
                        stack.append(node)
                    else:
                        self.close(node)
                        tokens = _TOKEN.finditer(page, skip_to)
                        break
                else:
                    stack.append(node)
                if tag in RAW_TEXT_TAGS and not self_closing:
                    close = _raw_text_end(tag).search(page, position)
                    stop = close.start() if close else length
                    if stop > position and self.in_html:
                        self.text(page[position:stop])
                    tokens = _TOKEN.finditer(page, stop)
                    break
            else:
                return

    def start(self, tag: str, attributes: dict[str, str], attributes_text: str,
              void: bool) -> _Node | None:
        if tag == "html":
            self.has_html = True
            self.in_html = True
            if "lang" in attributes:
                self.language = attributes["lang"].lower()
        if not self.in_html:
            return None
        marked = "data-pagefind" in attributes_text
        if not marked:
            status = INDEXING
        elif "data-pagefind-body" in attributes:
            status = BODY
        elif "data-pagefind-ignore" in attributes:
            ignore = attributes["data-pagefind-ignore"]
            status = IGNORED if ignore.lower() in ("", "index", "true") else EXCLUDED
        else:
            status = INDEXING
        parent = self.current
        anchor_id = None
        if status not in (EXCLUDED, IGNORED) and "id" in attributes:
            element_id = _ALL_SPACES.sub("", attributes["id"])
            if not (parent.status == PARENT_OF_BODY and status not in (BODY, PARENT_OF_BODY)):
                counter = self.anchor_counter
                parent.value += f" ___PAGEFIND_ANCHOR___{tag}:{counter}:{element_id} "
                anchor_id = f"{counter}:{element_id}"
                self.anchor_counter += 1
        if status != EXCLUDED:
            if marked and "data-pagefind-index-attrs" in attributes:
                for name in attributes["data-pagefind-index-attrs"].split(","):
                    value = attributes.get(name.strip(), "")
                    if ends_sentence(value):
                        value += "."
                    parent.value += f" {value} "
            if tag == "br":
                parent.value += " "
        anchors = list(parent.anchor_ids) if parent.anchor_ids and tag in INLINE_TAGS else None
        if anchor_id is not None:
            anchors = (anchors or []) + [anchor_id]

        status = parent.status if parent.status == EXCLUDED else status
        if marked:
            node = _Node(parent, status, "", tag, _spec(attributes, "data-pagefind-filter"),
                         _spec(attributes, "data-pagefind-meta"),
                         _spec(attributes, "data-pagefind-default-meta"),
                         _spec(attributes, "data-pagefind-sort"),
                         attributes.get("data-pagefind-weight"), anchors)
        else:
            node = _Node(parent, status, "", tag, anchor_ids=anchors)
        self.current = node
        if void:
            self.current = parent
            if node.status != EXCLUDED:
                if marked:
                    self.collect(node)
                if (tag == "img" and "auto_image" not in self.meta
                        and ("auto_title" in self.meta or "title" in self.meta)
                        and "src" in attributes):
                    self.meta["auto_image"] = attributes["src"]
                    if "alt" in attributes:
                        self.meta["auto_image_alt"] = attributes["alt"]
        # The exclusion handler runs after, on whatever node is current then (parser.rs).
        if self.exclusions.matches(tag, attributes):
            self.current.status = IGNORED
        return None if void else node

    def collect(self, node: _Node) -> None:
        """Filters, sorts and metadata an element carries (valid on ignored elements too)."""
        for specs, target in ((node.filters, None), (node.sorts, self.sort),
                              (node.metas, self.meta), (node.default_metas, self.default_meta)):
            for spec_text in specs or ():
                pair = node.attribute_pair(spec_text)
                if pair is None:
                    continue
                if target is None:
                    self.filters.setdefault(pair[0], []).append(normalize_content(pair[1]))
                else:
                    target[pair[0]] = pair[1]

    def text(self, text: str) -> None:
        node = self.current
        node.value += text
        if node.anchor_ids:
            self.text_of_anchors(node, text)

    def text_of_anchors(self, node: _Node, text: str) -> None:
        """Text inside anchored elements (and their inline children) is the anchors' text."""
        if node.status not in (IGNORED, EXCLUDED):
            for anchor in node.anchor_ids:
                self.anchor_content[anchor] = self.anchor_content.get(anchor, "") + text

    def end(self, tag: str, stack: list[_Node]) -> None:
        for index in range(len(stack) - 1, -1, -1):
            if stack[index].tag == tag:
                break
        else:
            return
        while len(stack) > index:
            top = stack.pop()
            if top.__class__ is _Node:
                self.close(top)

    def close(self, node: _Node) -> None:
        """parser.rs's end tag handler."""
        self.current = parent = node.parent
        if node.status == EXCLUDED:
            return
        if node.filters or node.metas or node.default_metas or node.sorts:
            self.collect(node)
        tag = node.tag
        if tag == "h1" and "auto_title" not in self.meta and node.value.strip():
            self.meta["auto_title"] = normalize_content(node.value)
        if tag == "title" and "auto_page_title" not in self.meta:
            self.meta["auto_page_title"] = normalize_content(node.value)
        if node.status == IGNORED:
            return
        value = node.value
        if tag in SENTENCE_TAGS:
            value = " " + value + (". " if ends_sentence(value) else " ")
        if node.weight is not None:
            value = f" ___PAGEFIND_WEIGHT___{node.weight} {value} ___END_PAGEFIND_WEIGHT___ "
        elif tag in AUTO_WEIGHTS:
            value = (f" ___PAGEFIND_AUTO_WEIGHT___{AUTO_WEIGHTS[tag]} {value}"
                     " ___END_PAGEFIND_WEIGHT___ ")
        node.value = value
        self._hand_up(node, parent)

    @staticmethod
    def _hand_up(node: _Node, parent: _Node) -> None:
        if parent.status == PARENT_OF_BODY and node.status not in (BODY, PARENT_OF_BODY):
            return
        if node.status == INDEXING:
            parent.value += node.value
        elif node.status in (BODY, PARENT_OF_BODY):
            if parent.status != PARENT_OF_BODY:
                parent.value = ""
            parent.value += node.value
            parent.status = PARENT_OF_BODY

    def result(self) -> ParsedPage:
        node = self.current
        while node.parent is not None:  # parser.rs `wrap`: an unclosed tree collapses upwards
            parent = node.parent
            if parent.status != PARENT_OF_BODY:
                if node.status == INDEXING:
                    parent.value += node.value
                elif node.status in (BODY, PARENT_OF_BODY):
                    parent.value = node.value
                    parent.status = PARENT_OF_BODY
            node = parent
        return finish_page(node.value, self.filters, self.sort, self.meta, self.default_meta,
                           self.anchor_content, node.status == PARENT_OF_BODY,
                           self.has_html, self.language)


def finish_page(text: str, filters: dict[str, list[str]], sort: dict[str, str],
                meta: dict[str, str], default_meta: dict[str, str],
                anchor_content: dict[str, str], has_custom_body: bool, has_html: bool,
                language: str | None) -> ParsedPage:
    """The parse's result from the root's text: automatic titles and image as metadata."""
    if "auto_image" in meta:
        image = meta.pop("auto_image")
        alt = meta.pop("auto_image_alt", "")
        if "image" not in meta:
            meta["image"], meta["image_alt"] = image, alt
    for automatic in ("auto_title", "auto_page_title"):
        if automatic in meta:
            title = meta.pop(automatic)
            meta.setdefault("title", title)
    merged = dict(default_meta)
    merged.update(meta)
    return ParsedPage(
        digest=normalize_content(text), filters=filters, sort=sort,
        meta=dict(sorted(merged.items())), anchor_content=anchor_content,
        has_custom_body=has_custom_body, has_html_element=has_html,
        language=language or "unknown")


class Exclusions:
    """The configured exclusions and Pagefind's own removals, looked up by tag first."""

    def __init__(self, selectors: list[Selector]):
        self.tags = frozenset(s.tag for s in selectors
                              if s.tag and not (s.classes or s.ids or s.attributes))
        self.by_tag: dict[str, list[Selector]] = {}
        self.any_tag = []
        for selector in selectors:
            if selector.tag is None:
                self.any_tag.append(selector)
            elif selector.tag not in self.tags:
                self.by_tag.setdefault(selector.tag, []).append(selector)

        # Tags an element may be passed over with (see PASSABLE_TAGS): none an exclusion
        # names, and none at all when an exclusion could match any tag by something other
        # than a data-pagefind attribute (the parser checks those are absent).
        self.loose = any(s.classes or s.ids or any(not name.startswith("data-pagefind")
                                                   for name, _ in s.attributes)
                         for s in self.any_tag)
        self.passable = (frozenset() if self.loose
                         else PASSABLE_TAGS - self.tags - set(self.by_tag))

    def matches(self, tag: str, attributes: dict[str, str]) -> bool:
        if tag in self.tags:
            return True
        for selector in self.by_tag.get(tag, ()):
            if selector.matches(tag, attributes):
                return True
        if attributes:
            for selector in self.any_tag:
                if selector.matches(tag, attributes):
                    return True
        return False


@lru_cache(maxsize=16)
def exclusion_selectors(extra: tuple[str, ...]) -> Exclusions:
    """The configured exclusions, then Pagefind's own removals."""
    return Exclusions([Selector(s) for s in list(extra) + list(REMOVED_TAGS)])


def parse_page(page: str, exclusions: Exclusions) -> ParsedPage:
    """Read one page as Pagefind's DomParser would."""
    parser = _Parser(exclusions)
    parser.feed(page)
    return parser.result()
