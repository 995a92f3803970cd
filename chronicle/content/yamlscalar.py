"""What a YAML scalar's text means, as PyYAML's safe loader decides it, for both readers of
entry files (yamlfile's careful one and yamlsubset's quick one), so they cannot disagree.

Most values in an entry are text that no regex needs to see; dates and figures recur across
thousands of files, so what the regexes and constructors decide is remembered.
"""

from __future__ import annotations

from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

STR = "tag:yaml.org,2002:str"
TIMESTAMP = "tag:yaml.org,2002:timestamp"
#: first characters that may start a non-text plain scalar (null, bool, number, date...)
TYPED = frozenset(c for c in Resolver.yaml_implicit_resolvers if c)
#: the only words YAML 1.1 (as PyYAML reads it) takes for something other than text
_BOOLS = ("yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False",
          "FALSE", "on", "On", "ON", "off", "Off", "OFF")
WORDS = {**dict.fromkeys(_BOOLS, "tag:yaml.org,2002:bool"),
         **dict.fromkeys(("null", "Null", "NULL"), "tag:yaml.org,2002:null")}
_RESOLVER = Resolver()
_CONSTRUCTOR = SafeConstructor()
_SCALAR_CONSTRUCTORS = {
    tag: constructor
    for tag, constructor in SafeConstructor.yaml_constructors.items()
    if tag and tag.rsplit(":", 1)[-1] in ("null", "bool", "int", "float", "str", "timestamp")
}

_MEMO_SIZE = 50_000
_TAGS: dict[str, str] = {}  # plain scalar -> its implicit tag, for the ones regexes decide
_VALUES: dict[tuple[str, str], object] = {}  # (tag, text) -> the immutable value it makes


def remember(memo: dict, key: object, value: object) -> object:
    """Store in a memo that is emptied when full, so hostile input cannot grow it."""
    if len(memo) >= _MEMO_SIZE:
        memo.clear()
    memo[key] = value
    return value


def plain_tag(value: str) -> str:
    """The tag of an untagged plain scalar, answering "this is text" without the resolver's
    regexes when the first character or the word already rules out every other type."""
    if value and value[0] not in TYPED:
        return STR
    if value[:1].isalpha():  # starts like "no" or "null": only those exact words
        return WORDS.get(value, STR)
    tag = _TAGS.get(value)
    if tag is None:
        tag = remember(_TAGS, value, _RESOLVER.resolve(ScalarNode, value, (True, False)))
    return tag  # type: ignore[return-value]


class UnsupportedTag(Exception):
    """A tag that entries have no use for (only text, numbers, dates, booleans, null)."""


def construct(tag: str, value: str) -> object:
    """The value PyYAML's safe constructor makes of `value` tagged `tag`. Raises
    UnsupportedTag for other tags, and whatever the constructor raises when `value` is
    not of its tag's type."""
    known = _VALUES.get((tag, value), _VALUES)
    if known is not _VALUES:
        return known
    constructor = _SCALAR_CONSTRUCTORS.get(tag)
    if constructor is None:
        raise UnsupportedTag(tag)
    made = constructor(_CONSTRUCTOR, ScalarNode(tag, value, None, None))
    return remember(_VALUES, (tag, value), made)
