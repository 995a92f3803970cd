"""A page read as pagefind_html reads it, in one flat pass, when it is in the usual form.

pagefind_html builds Pagefind's tree of nodes: each element gathers its text, then hands it
to its parent wrapped (a space before a paragraph, a full stop after it, a weight marker
round a heading). Every wrapping is text before the element's content and text after it
that depends only on the content's last character, so the page's text can be written
straight into one list as the tags come, with no node per element: that is this module, a
few times faster. An element whose text is dropped (ignored, or a filter's) is written too
and cut off again at its end.

It covers what Chronicle's pages use: the body mark, filters, ignored and excluded parts,
exclusions, anchors, automatic titles and images. Anything else (metadata, sorts, weights,
index-attrs, a body mark inside a paragraph, end tags that do not match, script or style
outside an ignored part...) makes `parse_flat` return None, and the caller reads the page
with pagefind_html's parser, whose result this equals (tests/test_search_flat.py).

Two readings share those rules: `_read_split`, for pages in searchable_part's form (most),
cuts the ignored parts out and splits the rest at each "<" with str.split; the
token-by-token `_Reader` takes what it cannot prove it reads alike.
"""

from __future__ import annotations

import re
from functools import lru_cache

from chronicle.pagefind_html import (
    _ALL_SPACES,
    _TAG,
    _TOKEN,
    AUTO_WEIGHTS,
    BODY,
    EXCLUDED,
    IGNORED,
    INDEXING,
    INLINE_TAGS,
    PASSABLE_TAGS,
    RAW_TEXT_TAGS,
    SENTENCE_TAGS,
    VOID_TAGS,
    Exclusions,
    ParsedPage,
    _attributes,
    _raw_text_end,
    _spec,
    ends_sentence,
    finish_page,
    ignored_end,
    ignored_span,
    normalize_content,
)

#: What a tag's element does when its attributes do not matter (see `_Plan`): hands its
#: text up as it is, as a sentence, as a heading, or is ignored; or the page is unusual.
PLAIN, SENTENCE, SLOW, UNUSUAL = range(4)
_END_WEIGHT = " ___END_PAGEFIND_WEIGHT___ "
_MARKS = frozenset(("data-pagefind-body", "data-pagefind-filter", "data-pagefind-ignore"))
_ATTRIBUTES = r"""[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*"""
_TAGS_IN_RUN = re.compile(r"<[^>]*>")
#: attributes an inline element in a run may have (no id, no data-pagefind-*)
_RUN_ATTRIBUTES = ("href", "class", "datetime", "rel", "title", "lang", "dir", "target",
                   "hreflang")
#: the token regex's groups: skipped, a run of text, an end tag's slash, a tag's name, its
#: attributes, the run after it, a lone "<" (text)
_SKIPPED, _RUN, _CLOSING, _NAME, _ATTRIBUTES_GROUP, _TRAIL, _LONE = 1, 2, 4, 5, 6, 7, 9
_SENTENCE_ENDS = frozenset("_'\")$*")


#: what a tag does in `_read_split` (`_Plan.learn`): a start tag whose attributes do not
#: matter by its name alone, one whose attributes matter (_ELEMENT), an end tag (_CLOSE)
_INLINE, _BLOCK, _VOID, _BREAK, _SENTENCE, _HEADING, _EXCLUDED, _ELEMENT, _UNUSUAL, _CLOSE = (
    range(10))
#: `_read_split`'s own kind of open element (after PLAIN, SENTENCE, SLOW): a heading whose
#: attributes do not matter, closed in the loop
_HEADING_OPEN = 4
_WEIGHTS = {tag: f" ___PAGEFIND_AUTO_WEIGHT___{weight}  " for tag, weight in AUTO_WEIGHTS.items()}
#: searchable_part's prefix: the html element with its language, the title, the body
_PREFIX = re.compile(r'<!DOCTYPE html><html(?: lang="([^"&<>]*)")?><head>'
                     r"(?:<title>([^<]*)</title>)?</head>(?=<body>)")
#: a tag in three parts: an end tag's slash, the name, the attributes
_TAG_PARTS = re.compile(rf"<(/?)([A-Za-z][^\s/>]*)({_ATTRIBUTES})>")
#: what an ignored element's content is cut down to (never in a page `_read_split` reads)
_CUT = "\x02"


class _Unusual(Exception):
    """The page needs pagefind_html's parser."""


class _Plan:
    """Per set of exclusions: how each tag is read when its attributes do not matter."""

    def __init__(self, exclusions: Exclusions):
        self.exclusions = exclusions
        #: tags whose attributes may match an exclusion (the rest only by data-pagefind-*)
        self.by_attributes = frozenset(exclusions.by_tag) | {"img"}  # img: its src
        self.loose = exclusions.loose
        self.kinds: dict[str, int] = {}
        self.elements: dict[tuple[str, str], tuple] = {}  # see `_Reader.element`
        # A run of text and of inline elements holding only text (no id, no data-pagefind
        # attribute, no exclusion on them) is one token: such an element hands its text up
        # as it is, to the same anchors (most of a page's tags are these).
        inline = sorted(INLINE_TAGS & PASSABLE_TAGS - exclusions.tags - self.by_attributes,
                        key=lambda tag: (-len(tag), tag))
        plain = ("" if self.loose else  # attributes named here, quoted, without < or >
                 rf"""(?:\s+(?:{'|'.join(_RUN_ATTRIBUTES)})=(?:"[^"<>]*"|'[^'<>]*'))*\s*""")
        # (possessive: nothing after a run can fail, so it never gives back)
        run = rf"(?:[^<]++|<({'|'.join(inline)}){plain}>[^<]*</\{{}}>)++"
        # a tag takes the run after it along: half as many tokens
        self.token = re.compile(
            r"(<!--.*?(?:-->|\Z)|<![^>]*>?|<\?[^>]*>?)"
            rf"|({run.format(3)})"
            rf"|<(/?)([A-Za-z][^\s/>]*)({_ATTRIBUTES})>({run.format(8)})?"
            r"|(<)", re.S)

        # `_read_split`: where an ignored element may start (a tag an exclusion names, or
        # a data-pagefind attribute), and what each tag name's start does
        names = sorted(exclusions.tags | set(exclusions.by_tag))
        # (lower case only: `_read_split` reads no other; an alternation or re.I would
        # cost the search its skimming from "<" to "<")
        self.ignorable = re.compile(rf"<(?:{'|'.join(map(re.escape, names))})(?=[\s/>])")
        self.splits = not self.loose and "head" in exclusions.tags and not (
            {"html", "title", "body"} & (exclusions.tags | set(exclusions.by_tag)))
        self.bare: dict[str, int] = {}  # start tags without attributes
        self.dressed: dict[str, int] = {}  # with attributes other than id and data-pagefind
        self.tags: dict[str, tuple[int, str, str]] = {}  # see `learn`

    def learn(self, text: str) -> tuple[int, str, str]:
        """A tag as `_read_split` reads it (`text`: what is between its "<" and ">"),
        remembered: (its action or _CLOSE, its name, its attributes). Raises _Unusual for
        what is no tag in the token reading (a comment, a declaration...)."""
        found = _TAG_PARTS.fullmatch(f"<{text}>")
        if found is None:
            raise _Unusual
        closing, name, attributes_text = found.groups()
        if closing:
            entry = (_CLOSE, name, "")
        elif attributes_text:
            act = self.dressed.get(name)
            if act is None:
                act = self.dressed[name] = self.action(name, True)
            if act < _ELEMENT and (attributes_text[-1] == "/"
                                   or "id" in (lowered := attributes_text.lower())
                                   or "data-pagefind" in lowered):
                act = _ELEMENT
            entry = (act, name, attributes_text)
        else:
            act = self.bare.get(name)
            if act is None:
                act = self.bare[name] = self.action(name, False)
            entry = (act, name, "")
        if len(self.tags) > 20_000:  # links differ from page to page
            self.tags.clear()
        self.tags[text] = entry
        return entry

    def action(self, name: str, dressed: bool) -> int:
        """What a start tag named `name` does in `_read_split` (remembered by the caller):
        its attributes matter for some tags whatever they are (`by_attributes`)."""
        tag = name.lower()
        kind = self.kind(tag)
        if name != tag or kind == UNUSUAL:
            return _UNUSUAL  # (upper case: read the usual way, with names lowered)
        if dressed and tag in self.by_attributes:
            return _ELEMENT
        if kind == PLAIN:
            if tag in VOID_TAGS:
                return _BREAK if tag == "br" else _VOID
            return _INLINE if tag in INLINE_TAGS else _BLOCK
        if kind == SENTENCE:
            return _SENTENCE
        if tag in self.exclusions.tags:
            return _EXCLUDED
        return _HEADING if tag in AUTO_WEIGHTS else _UNUSUAL  # (a title: raw text)

    def kind(self, tag: str) -> int:
        found = self.kinds.get(tag)
        if found is None:
            found = self.kinds[tag] = self._kind(tag)
        return found

    def _kind(self, tag: str) -> int:
        if tag in VOID_TAGS:  # an excluded one would make its parent ignored
            return UNUSUAL if tag in self.exclusions.tags else PLAIN
        if tag == "html" or (tag in RAW_TEXT_TAGS and tag != "title"):
            return UNUSUAL
        if tag in self.exclusions.tags or tag in AUTO_WEIGHTS or tag == "title":
            return SLOW
        return SENTENCE if tag in SENTENCE_TAGS else PLAIN

    def read_element(self, tag: str, attributes_text: str) -> tuple:
        """What a start tag's attributes make of its element, remembered (the same few
        recur on every page): (status, filter specs, id for an anchor or None, void, (src,
        alt) of an image or None). Raises _Unusual for what only the parser reads."""
        self_closing = attributes_text.endswith("/")
        attributes = _attributes(attributes_text.rstrip("/"))
        status, specs = INDEXING, None
        if "data-pagefind" in attributes_text:
            if any(name.startswith("data-pagefind") and name not in _MARKS
                   for name in attributes):
                raise _Unusual
            if "data-pagefind-body" in attributes:
                status = BODY
            elif "data-pagefind-ignore" in attributes:
                ignore = attributes["data-pagefind-ignore"].lower()
                status = IGNORED if ignore in ("", "index", "true") else EXCLUDED
            specs = _spec(attributes, "data-pagefind-filter")
        element_id = None
        if status not in (EXCLUDED, IGNORED) and "id" in attributes:
            element_id = _ALL_SPACES.sub("", attributes["id"])
        matched = self.exclusions.matches(tag, attributes)
        void = tag in VOID_TAGS or self_closing
        image = None
        if void:
            if matched or specs or status != INDEXING or tag not in VOID_TAGS:
                raise _Unusual
            if tag == "img" and "src" in attributes:
                image = (attributes["src"], attributes.get("alt"))
        elif self.kind(tag) == UNUSUAL:  # not void: the html element, script, style...
            raise _Unusual
        elif matched:
            if status == BODY:
                raise _Unusual
            status = IGNORED
        reading = (status, specs, element_id, void, image)
        if len(self.elements) > 50_000:
            self.elements.clear()
        self.elements[tag, attributes_text] = reading
        return reading


@lru_cache(maxsize=16)
def _plan(exclusions: Exclusions) -> _Plan:
    return _Plan(exclusions)


def parse_flat(page: str, exclusions: Exclusions) -> ParsedPage | None:
    """The page as pagefind_html.parse_page reads it, or None when it is unusual."""
    plan = _plan(exclusions)
    try:
        return _read_split(page, plan)
    except _Unusual:
        pass
    try:
        return _Reader(page, plan).read()
    except _Unusual:
        return None


class _Reader:
    def __init__(self, page: str, plan: _Plan):
        self.page = page
        self.plan = plan
        self.out: list[str] = []
        #: open elements: (tag, kind, start in `out`, anchors, status, filter specs)
        self.stack: list[tuple] = [("", PLAIN, 0, None, INDEXING, None)]
        self.filters: dict[str, list[str]] = {}
        self.meta: dict[str, str] = {}
        self.anchor_content: dict[str, str] = {}
        self.anchor_counter = 0
        self.language: str | None = None
        self.body = 0  # 0 before the marked element, 1 inside it, 2 after it

    def read(self) -> ParsedPage:
        page = self.page
        position = self._html()
        out, stack = self.out, self.stack
        append, push, pop = out.append, stack.append, stack.pop
        anchor_content = self.anchor_content
        kind_of, kinds = self.plan.kind, self.plan.kinds.get
        plan = self.plan
        excluded = plan.exclusions.tags
        token = plan.token.finditer
        sentence_ends = _SENTENCE_ENDS
        anchors = None
        while position is not None:
            tokens = token(page, position)
            position = None
            for found in tokens:
                name, text = found.group(_NAME, _TRAIL)
                if name is None:  # text, or skipped
                    text = found.group(_RUN) or found.group(_LONE)
                    if text is None:
                        continue
                else:
                    closing, attributes_text = found.group(_CLOSING, _ATTRIBUTES_GROUP)
                    tag = name.lower()
                    if closing:
                        top = pop()
                        if top[0] != tag:
                            raise _Unusual
                        kind = top[1]
                        if kind == SENTENCE:
                            last = out[-1][-1]
                            append(". " if last.isalnum() or last in sentence_ends else " ")
                        elif kind != PLAIN:
                            self.close(top)
                        anchors = stack[-1][3]
                    else:
                        if self.body == 2:
                            raise _Unusual  # after the marked element: Pagefind drops it
                        kind = kinds(tag)
                        if kind is None:
                            kind = kind_of(tag)
                        if attributes_text and (
                                plan.loose or tag in plan.by_attributes or kind == UNUSUAL
                                or attributes_text[-1] == "/"
                                or "id" in (lowered := attributes_text.lower())
                                or "data-pagefind" in lowered):
                            position = self.element(tag, attributes_text,
                                                    found.end(_ATTRIBUTES_GROUP) + 1, anchors)
                            anchors = stack[-1][3]
                            if position is not None:
                                break
                        elif kind == PLAIN:
                            if tag in VOID_TAGS:
                                if tag == "br":
                                    append(" ")
                            else:
                                push((tag, PLAIN, 0, anchors if tag in INLINE_TAGS else None,
                                      INDEXING, None))
                                anchors = stack[-1][3]
                        elif kind == SENTENCE:
                            append(" ")
                            push((tag, SENTENCE, 0, None, INDEXING, None))
                            anchors = None
                        elif kind == UNUSUAL:
                            raise _Unusual
                        else:
                            position = self.open(
                                tag, IGNORED if tag in excluded else INDEXING,
                                found.end(_ATTRIBUTES_GROUP) + 1,
                                anchors if tag in INLINE_TAGS else None, None)
                            anchors = stack[-1][3]
                            if position is not None:
                                break
                    if text is None:
                        continue
                if "<" in text and text != "<":
                    text = _TAGS_IN_RUN.sub("", text)
                    if not text:
                        continue
                append(text)
                if anchors:
                    for anchor in anchors:
                        anchor_content[anchor] = anchor_content.get(anchor, "") + text
        if len(stack) > 1:
            raise _Unusual  # unclosed: pagefind_html hands text up unwrapped
        return finish_page("".join(out), self.filters, {}, self.meta, {}, anchor_content,
                           self.body == 2, True, self.language)

    def _html(self) -> int:
        """Past the html start tag (its language noted); nothing else may come before."""
        page = self.page
        for found in _TOKEN.finditer(page):
            kind = found.lastindex
            if kind != _TAG:  # skipped, or text before the html element
                continue
            closing, name, attributes_text = found.group(2, 3, 4)
            if closing or name.lower() != "html" or attributes_text.endswith("/"):
                raise _Unusual
            attributes = _attributes(attributes_text) if attributes_text else {}
            if ("data-pagefind" in attributes_text or "id" in attributes
                    or self.plan.exclusions.matches("html", attributes)):
                raise _Unusual
            if "lang" in attributes:
                self.language = attributes["lang"].lower()
            self.stack.append(("html", PLAIN, 0, None, INDEXING, None))
            return found.end()
        raise _Unusual

    def element(self, tag: str, attributes_text: str, position: int,
                anchors: list[str] | None) -> int | None:
        """A start tag whose attributes matter: pagefind_html `_Parser.start`."""
        reading = self.plan.elements.get((tag, attributes_text))
        if reading is None:
            reading = self.plan.read_element(tag, attributes_text)
        status, specs, element_id, void, image = reading
        inherited = anchors if tag in INLINE_TAGS else None
        if element_id is not None:
            counter = self.anchor_counter
            self.out.append(f" ___PAGEFIND_ANCHOR___{tag}:{counter}:{element_id} ")
            self.anchor_counter += 1
            inherited = (inherited or []) + [f"{counter}:{element_id}"]
        if void:
            if tag == "br":
                self.out.append(" ")
            elif (image is not None and "auto_image" not in self.meta
                  and ("auto_title" in self.meta or "title" in self.meta)):
                self.meta["auto_image"] = image[0]
                if image[1] is not None:
                    self.meta["auto_image_alt"] = image[1]
            return None
        return self.open(tag, status, position, inherited, specs)

    def open(self, tag: str, status: int, position: int, anchors: list[str] | None,
             specs: list[str] | None) -> int | None:
        """An element's start that needs more than a space: a heading's weight, a title, a
        filter, the marked element, an ignored one (passed over when it can be). Returns
        where to read on when that is not at the next token."""
        out, stack = self.out, self.stack
        if status in (IGNORED, EXCLUDED):
            if anchors:
                raise _Unusual  # an ignored element's own text is not its anchors'
            if not specs and tag not in ("h1", "title"):
                end = ignored_end(self.page, position, tag, self.meta)
                if end is not None:
                    return end
            if status == EXCLUDED:
                raise _Unusual
            stack.append((tag, SLOW, len(out), None, IGNORED, specs))
        elif status == BODY:
            if (self.body or specs or tag in AUTO_WEIGHTS or tag == "title"
                    or any(kind != PLAIN for _, kind, *_ in stack)):
                raise _Unusual  # wrappings round the marked element are not flat
            self.body = 1
            start = len(out)
            if tag in SENTENCE_TAGS:
                out.append(" ")
            stack.append((tag, SLOW, start, anchors, BODY, None))
        else:
            if tag in AUTO_WEIGHTS:
                out.append(_WEIGHTS[tag])
            elif tag in SENTENCE_TAGS:
                out.append(" ")
            kind = SLOW if specs else self.plan.kind(tag)  # not excluded: matched is ignored
            stack.append((tag, kind, len(out), anchors, INDEXING, specs))
        if tag == "title":
            return self._raw_text(tag, position, anchors)
        return None

    def _raw_text(self, tag: str, position: int, anchors: list[str] | None) -> int:
        """A title's content is text up to its end tag, whatever it holds."""
        page = self.page
        close = _raw_text_end(tag).search(page, position)
        stop = close.start() if close else len(page)
        if stop > position:
            text = page[position:stop]
            self.out.append(text)
            if anchors and self.stack[-1][4] != IGNORED:
                for anchor in anchors:
                    self.anchor_content[anchor] = self.anchor_content.get(anchor, "") + text
        return stop

    def close(self, frame: tuple) -> None:
        """pagefind_html `_Parser.close` for an element with more than a sentence's end."""
        tag, _, start, _, status, specs = frame
        out, meta = self.out, self.meta
        if specs:
            value = "".join(out[start:])
            for spec in specs:
                name, colon, literal = spec.partition(":")
                if colon:
                    pair = (name, normalize_content(literal))
                elif value:
                    pair = (spec, normalize_content(value))
                else:
                    continue
                self.filters.setdefault(pair[0], []).append(normalize_content(pair[1]))
        if tag == "h1" and "auto_title" not in meta:
            value = "".join(out[start:])
            if value.strip():
                meta["auto_title"] = normalize_content(value)
        elif tag == "title" and "auto_page_title" not in meta:
            meta["auto_page_title"] = normalize_content("".join(out[start:]))
        if status == IGNORED:
            del out[start:]
            return
        if tag in SENTENCE_TAGS:
            out.append(". " if out and ends_sentence(out[-1]) else " ")
            if tag in AUTO_WEIGHTS:
                out.append(_END_WEIGHT)
        if status == BODY:
            del out[:start]  # what came before the marked element is dropped
            self.body = 2


def _read_split(page: str, plan: _Plan) -> ParsedPage:
    """The page in searchable_part's form, read from one str.split at its "<"s.

    Much of the token-by-token reading's time went to its token regex; here the ignored
    elements an exclusion or data-pagefind-ignore passes over are found first, one search
    each, and their content cut down to `_CUT`; what is left is split at each "<" in one
    C-level pass, each piece cut at its first ">" into a tag and the text after it (a
    regex split of whole tags and a count of the "<"s cost more), and the loop looks
    each tag up whole in a table (`_Plan.learn`: the same few recur) and takes a few
    steps for it. A cut is made only where the token reading would pass over the
    element, and counts only when the split finds `_CUT` right after that element's
    start tag, with every "<" starting a tag (a comment or a declaration is no tag for
    `learn`): anything else raises _Unusual and the page is read token by token."""
    found = _PREFIX.match(page) if plan.splits else None
    if found is None or _CUT in page or not page.endswith("</body></html>"):
        raise _Unusual
    reader = _Reader(page, plan)
    language, title = found.groups()
    if language is not None:
        reader.language = language.lower()
    if title is not None:
        reader.meta["auto_page_title"] = normalize_content(title)
    kept, cuts = _cut_ignored(page, found.end(), plan, reader.meta)
    pieces = kept.split("<")
    if pieces[0]:
        raise _Unusual  # (kept starts with the body's tag)
    out, stack, meta = reader.out, reader.stack, reader.meta
    stack.append(("html", PLAIN, 0, None, INDEXING, None))
    append, push, pop = out.append, stack.append, stack.pop
    anchor_content = reader.anchor_content
    known, learn = plan.tags.get, plan.learn
    elements, read_element = plan.elements, plan.read_element
    sentence_ends = _SENTENCE_ENDS
    anchors = None
    for piece in pieces[1:]:
        tag, closed, text = piece.partition(">")
        if not closed:
            # a "<" in text, or in a tag's quoted value: maybe a cut in a value that took
            # its closing quote along, so the tag is read as text (or is a lone "<")
            raise _Unusual
        entry = known(tag)
        if entry is None:
            entry = learn(tag)
        act, name, attributes_text = entry
        if act == _CLOSE:
            top = pop()
            if top[0] != name:
                raise _Unusual
            kind = top[1]
            if kind == SENTENCE:
                last = out[-1][-1]
                append(". " if last.isalnum() or last in sentence_ends else " ")
            elif kind == _HEADING_OPEN:
                if name == "h1" and "auto_title" not in meta:
                    value = "".join(out[top[2]:])
                    if value.strip():
                        meta["auto_title"] = normalize_content(value)
                last = out[-1][-1]
                append(". " if last.isalnum() or last in sentence_ends else " ")
                append(_END_WEIGHT)
            elif kind != PLAIN:
                reader.close(top)
            anchors = stack[-1][3]
        else:
            if reader.body == 2:
                raise _Unusual  # after the marked element: Pagefind drops it
            if act == _INLINE:
                push((name, PLAIN, 0, anchors, INDEXING, None))
            elif act == _BLOCK:
                push((name, PLAIN, 0, None, INDEXING, None))
                anchors = None
            elif act == _SENTENCE:
                append(" ")
                push((name, SENTENCE, 0, None, INDEXING, None))
                anchors = None
            elif act == _HEADING:
                append(_WEIGHTS[name])
                push((name, _HEADING_OPEN, len(out), None, INDEXING, None))
                anchors = None
            elif act == _BREAK:
                append(" ")
            elif act == _VOID:
                pass
            elif act == _UNUSUAL:
                raise _Unusual
            else:
                inherited = anchors if name in INLINE_TAGS else None
                if act == _EXCLUDED:
                    status, specs = IGNORED, None
                else:
                    reading = elements.get((name, attributes_text))
                    if reading is None:
                        reading = read_element(name, attributes_text)
                    status, specs, element_id, void, image = reading
                    if element_id is not None:
                        counter = reader.anchor_counter
                        append(f" ___PAGEFIND_ANCHOR___{name}:{counter}:{element_id} ")
                        reader.anchor_counter += 1
                        inherited = (inherited or []) + [f"{counter}:{element_id}"]
                    if void:
                        if name == "br":
                            append(" ")
                        elif (image is not None and "auto_image" not in meta
                              and ("auto_title" in meta or "title" in meta)):
                            meta["auto_image"] = image[0]
                            if image[1] is not None:
                                meta["auto_image_alt"] = image[1]
                        status = None
                if status is None:
                    pass
                elif name == "title":
                    raise _Unusual  # its content is raw text
                elif status in (IGNORED, EXCLUDED):
                    if inherited:
                        raise _Unusual  # an ignored element's own text is not its anchors'
                    if not specs and name not in ("h1", "title"):
                        if text != _CUT:
                            raise _Unusual  # not passed over: read token by token
                        cuts -= 1
                        text = ""  # and nothing to drop at its end
                        push((name, PLAIN, 0, None, IGNORED, None))
                    elif status == EXCLUDED:
                        raise _Unusual
                    else:
                        push((name, SLOW, len(out), None, IGNORED, specs))
                else:
                    reader.open(name, status, 0, inherited, specs)
                anchors = stack[-1][3]
        if text:
            append(text)
            if anchors:
                for anchor in anchors:
                    anchor_content[anchor] = anchor_content.get(anchor, "") + text
    if cuts or len(stack) > 1:
        raise _Unusual  # a cut not where it was meant; or unclosed elements
    return finish_page("".join(out), reader.filters, {}, meta, {}, anchor_content,
                       reader.body == 2, True, reader.language)


#: what marks the elements `_cut_ignored` looks at besides those an exclusion names: no
#: other data-pagefind attribute gets an element passed over (a filter's is kept, the
#: body's read, any other is unusual; an exclusion of any tag matches only by such
#: attributes), and the filters' tags were most of its steps
_IGNORE = "data-pagefind-ignore"


def _cut_ignored(page: str, start: int, plan: _Plan, meta: dict[str, str]
                 ) -> tuple[str, int]:
    """The page from `start` with the content of each element the token reading would pass
    over (`_Reader.open`, `ignored_end`) cut down to `_CUT`, and the number of cuts."""
    kept: list[str] = []
    search, tag_at, find = plan.ignorable.search, _TAG_PARTS.match, page.find
    elements, read_element = plan.elements, plan.read_element
    position = copied = start
    named = search(page, position)
    marked = find(_IGNORE, position)
    while True:
        if named is not None and named.start() < position:
            named = search(page, position)
        if 0 <= marked < position:
            marked = find(_IGNORE, position)
        if named is not None and (marked < 0 or named.start() < marked):
            at = named.start()
            tag = tag_at(page, at)
        elif marked >= 0:  # a data-pagefind-ignore attribute: is it in a start tag?
            at = page.rfind("<", position, marked)
            tag = tag_at(page, at) if at >= 0 else None
            if tag is None or tag.end() <= marked:
                position = marked + 1  # in text
                continue
        else:
            break
        if tag is None:
            position = at + 1  # "<" and a name in text
            continue
        position = tag.end()
        closing, name, attributes_text = tag.groups()
        if closing:
            continue
        name = name.lower()
        reading = elements.get((name, attributes_text))
        if reading is None:
            reading = read_element(name, attributes_text)
        status, specs, _, void, _ = reading
        if (status not in (IGNORED, EXCLUDED) or void or specs
                or name in ("h1", "title")):
            continue
        span = _find_ignored_span(page, position, name, meta)
        if span is None:
            span = ignored_span(page, position, name, meta)
        if span is None:
            continue
        close, end = span  # (an end tag the token reading reads otherwise: `learn` raises)
        kept += (page[copied:position], _CUT)
        copied, position = close, end
    kept.append(page[copied:])
    return "".join(kept), (len(kept) - 1) // 2


def _find_ignored_span(page: str, position: int, tag: str, meta: dict[str, str]
                       ) -> tuple[int, int] | None:
    """`ignored_span` for the usual ignored element, found with bytes.find in the element's
    stretch of the page a byte a character, its ASCII letters lowered (as `_caseless`
    matches them): faster than the regex, which stops at every "<" (a map's or a chart's
    SVG has hundreds). Its first end tag of the name, with no start tag of the name, h1,
    img or (without a title yet) title in any case before it, nor a data-pagefind
    attribute. None when it cannot tell, and `ignored_span` decides.

    Only the stretch up to the first end tag in lower case is lowered (any other in
    another case is before it): lowering the whole page was a quarter of the cuts' cost."""
    stop = page.find("</" + tag, position)
    stop = len(page) if stop < 0 else stop + len(tag) + 2
    # one byte a character ("?" for those past U+00FF), ASCII letters lowered
    lowered = page[position:stop].encode("latin-1", "replace").lower()
    name = tag.encode()
    close = lowered.find(b"</" + name)
    after = position + close + len(name) + 2
    if close < 0 or after >= len(page) or not (page[after] in "/>" or page[after].isspace()):
        return None
    find = lowered.find
    if (find(b"<" + name, 0, close) >= 0 or find(b"<h1", 0, close) >= 0
            or find(b"<img", 0, close) >= 0
            or ("auto_page_title" not in meta and find(b"<title", 0, close) >= 0)
            or page.find("data-pagefind-", position, position + close) >= 0):
        return None
    end = page.find(">", after)
    return position + close, len(page) if end < 0 else end + 1
