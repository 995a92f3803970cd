"""Dates in a sentence, resolved against the article's publication date, with their precision.

Hand rules, not `dateparser`: it reads "may", "march" and "Resolution 2100" as dates and
borrows a day for "in April 2018". Here a month name must be capitalised and stand next to
a day, a year or a time cue; a bare number is a year only in a year's usual company; a weekday
is the latest such day on or before publication; "last year" has year precision and "in
recent years" none at all.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from chronicle.extract.text import plain_quotes, word_set
from chronicle.model import FuzzyDate

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
                "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}

#: Verbs of telling: "said on Saturday" dates the report, not the event.
SPEECH = word_set(
    "said says say told tells reported reports announced announces stated states confirmed "
    "confirms claimed claims condemned condemns tweeted added adds denied "
    "acknowledged declared wrote posted statement")

_MONTH = (r"(?P<month>January|February|March|April|May|June|July|August|September|October"
          r"|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?")
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>1[6-9]\d\d|20\d\d)"
_WEEKDAY = r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:'s)?"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b")),
    ("day-month-year", re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b")),
    ("month-day-year", re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b")),
    ("month-year", re.compile(rf"\b(?P<cue>(?:early|late|mid|in|since|until|by|from|of|"
                              rf"during|between)\s+)?(?:-\s*)?{_MONTH},?\s+{_YEAR}\b")),
    ("day-month", re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\b(?!,?\s+\d)")),
    ("month-day", re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?!,?\s+\d|\s*(?:people|km|miles))")),
    ("month", re.compile(rf"\b(?P<cue>(?i:since early|in early|in late|in mid|in|early|late|"
                         rf"mid|since|until|by|during|last|this))\s*-?\s*{_MONTH}(?![\w-])")),
    ("relative-other", re.compile(
        r"\b(?:(?:a|one|two|three|four|five|several|a few|\d+)\s+(?:days?|weeks?|months?|years?)"
        r"\s+(?:after|before|earlier|later|prior)|(?:days|weeks|months|years)\s+(?:after|before|"
        r"earlier|later)|the (?:following|next) (?:day|week|month|year)|that (?:day|year|month)"
        r"|since then)\b", re.I)),
    ("vague", re.compile(r"\b(?:in\s+)?recent (?:years|months|weeks|days|decades)\b|\bin the "
                         r"past\b|\b(?:over|in|during) the (?:past|last) (?:few )?"
                         r"(?:years?|decades?|months)\b",
                         re.I)),
    ("days-ago", re.compile(r"\b(?P<n>a|one|two|three|four|five|six|seven|\d+)\s+days?\s+ago\b",
                            re.I)),
    ("yesterday", re.compile(r"\b(?:yesterday|the day before|the previous day|last night)\b",
                             re.I)),
    ("today", re.compile(r"\b(?:today|today's|tonight|this (?:morning|afternoon|evening)"
                         r"(?:'s)?|earlier today)\b", re.I)),
    ("weekday", re.compile(rf"\b(?P<last>last\s+|this\s+|past\s+)?{_WEEKDAY}\b")),
    ("week", re.compile(r"\b(?P<which>this|last|past)\s+week(?:end)?\b", re.I)),
    ("month-rel", re.compile(r"\b(?P<which>this|last|past)\s+month\b", re.I)),
    ("year-rel", re.compile(r"\b(?P<which>this|last)\s+year\b", re.I)),
    ("year", re.compile(rf"(?<![\w,.$#-]){_YEAR}(?![\w-]|,\d|\.\d|\s*%)")),
]

_ANY_MONTH = re.compile(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)")
_ANY_DIGIT = re.compile(r"\d")
_ANY_RELATIVE = re.compile(
    r"day|week|month|year|ago|today|tonight|morning|afternoon|evening|night|recent|past"
    r"|since|earlier|later|after|before|following|next", re.I)
_NEEDS_MONTH = frozenset(("day-month-year", "month-day-year", "month-year", "day-month",
                          "month-day", "month"))
_NEEDS_DIGIT = frozenset(("iso", "year"))
_NEEDS_WORDS = frozenset(("relative-other", "vague", "days-ago", "yesterday", "today",
                          "weekday", "week", "month-rel", "year-rel"))
_NOT_A_YEAR_BEFORE = re.compile(
    r"(?:resolution|resolutions|no\.|number|article|decree|law|flight|route|code|highway|"
    r"page|chapter|about|some|nearly|over|than|around|almost|roughly|approximately|"
    r"estimated|total of)\s*$", re.I)
_PERIOD_BEFORE = re.compile(r"\b(?:since|until|till|by|ever since)\s+$", re.I)
_PERIOD_CUE = re.compile(r"(?:since|until|till|ever since)\b", re.I)
# "since Turkish-backed fighters took the city in December": a clause that dates a state of
# affairs from a past event, not an event told as news; it runs to the next comma
_SINCE_CLAUSE = re.compile(r"\bsince\b[^,;:()]*$", re.I)
# "not since January 2021, when twin bombings killed 32": the when-clause tells the event
# the period runs from, so the date is that event's
_WHEN_AFTER = re.compile(r",?\s+when\b", re.I)
_YEAR_NOUN_AFTER = re.compile(
    r"\s+(?:people|persons|troops|soldiers|civilians|men|women|children|fighters|militants|"
    r"members|peacekeepers|personnel|refugees|km|kilometres|miles|metres|meters|dollars|euros|"
    r"households|families|cases|homes|houses|villagers|residents)\b", re.I)


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date as written. `date` is None when the words fix no date of their own ("in
    recent years", "a day after France announced"); `reported` marks the day a statement
    was made ("said on Saturday"), which is not the day of the event it reports."""

    text: str
    start: int
    end: int
    date: FuzzyDate | None
    kind: str
    relative: bool = False
    reported: bool = False
    needs_review: bool = False
    period: bool = False  # "since 2015": the start of a state of affairs, not an event


def find_dates(sentence: str, published: datetime.date | None = None) -> list[DateMention]:
    """Every date mention in the sentence, in order, longest match first where they overlap."""
    text = plain_quotes(sentence)
    taken: list[tuple[int, int]] = []
    mentions: list[DateMention] = []
    has_month = _ANY_MONTH.search(text) is not None
    has_digit = _ANY_DIGIT.search(text) is not None
    has_words = _ANY_RELATIVE.search(text) is not None
    for kind, pattern in _PATTERNS:
        if (kind in _NEEDS_MONTH and not has_month) or (kind in _NEEDS_DIGIT and not has_digit) or (
                kind in _NEEDS_WORDS and not has_words):
            continue  # a cheap look first: most sentences hold no date at all
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            mention = _read(kind, match, text, published)
            if mention is None:
                continue
            taken.append((start, end))
            mentions.append(mention)
    mentions.sort(key=lambda m: m.start)
    return mentions


def _read(kind: str, match: re.Match[str], text: str,
          published: datetime.date | None) -> DateMention | None:
    start, end = match.span()
    groups = match.groupdict()
    date: FuzzyDate | None = None
    relative = False
    needs_review = False
    try:
        if kind in ("iso", "day-month-year", "month-day-year"):
            date = FuzzyDate(int(groups["year"]), _month(groups["month"]), int(groups["day"]))
        elif kind == "month-year":
            date = FuzzyDate(int(groups["year"]), _month(groups["month"]))
        elif kind in ("day-month", "month-day", "month"):
            cue = (groups.get("cue") or "").lower()
            if kind == "month" and groups["month"].startswith("May") and cue in ("last", "this"):
                return None  # "this May" reads fine, but "last May be" does not: stay safe
            month = _month(groups["month"])
            day = int(groups["day"]) if groups.get("day") else None
            if published is None:
                needs_review = True
            else:
                year = published.year
                if (month, day or 1) > (published.month, published.day):
                    year -= 1  # "on 30 December" in a January article: last year's
                if cue == "last" and month >= published.month:
                    year = published.year - 1
                date = FuzzyDate(year, month, day)
                relative = True
        elif kind in ("relative-other", "vague"):
            date = None
        elif kind == "year":
            if not _plausible_year(match, text, published):
                return None
            date = FuzzyDate(int(groups["year"]))
        else:
            date, relative, needs_review = _relative(kind, groups, published)
    except ValueError:
        return None  # 31 April: not a date
    reported = date is not None and _is_reported(text, start, end)
    period = (bool(_PERIOD_BEFORE.search(text[max(0, start - 12):start])) or (
        (match.groupdict().get("cue") or "").lower() in ("since", "until", "by")) or (
        _PERIOD_CUE.match(text, start) is not None) or _in_since_clause(text, start)) and (
        not _WHEN_AFTER.match(text, end))
    return DateMention(text[start:end], start, end, date, kind, relative, reported,
                       needs_review, period)


def _relative(kind: str, groups: dict, published: datetime.date | None
              ) -> tuple[FuzzyDate | None, bool, bool]:
    if published is None:
        return None, True, True
    if kind == "days-ago":
        n = groups["n"].lower()
        days = int(n) if n.isdigit() else NUMBER_WORDS.get(n, 1)
        return _day(published - datetime.timedelta(days=days)), True, False
    if kind == "yesterday":
        return _day(published - datetime.timedelta(days=1)), True, False
    if kind == "today":
        return _day(published), True, False
    if kind == "weekday":
        target = WEEKDAYS.index(groups["weekday"].lower())
        back = (published.weekday() - target) % 7
        if (groups.get("last") or "").strip().lower() in ("last", "past") and back == 0:
            back = 7
        return _day(published - datetime.timedelta(days=back)), True, False
    which = groups["which"].lower()
    if kind == "week":
        day = published - datetime.timedelta(days=7 if which == "last" else 0)
        return FuzzyDate(day.year, day.month), True, False
    if kind == "month-rel":
        year, month = published.year, published.month
        if which == "last":
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        return FuzzyDate(year, month), True, False
    if kind == "year-rel":
        return FuzzyDate(published.year - (1 if which == "last" else 0)), True, False
    return None, True, True


def _plausible_year(match: re.Match[str], text: str, published: datetime.date | None) -> bool:
    """A four-digit number is a year where years usually stand: "in 2015", "a 2020 coup",
    "since 2012", not "Resolution 2100" or "2000 troops"."""
    year = int(match.group("year"))
    if published is not None and year > published.year:
        return False
    before = text[max(0, match.start() - 30):match.start()]
    after = text[match.end():match.end() + 20]
    return not _NOT_A_YEAR_BEFORE.search(before) and not _YEAR_NOUN_AFTER.match(after)


def _is_reported(text: str, start: int, end: int) -> bool:
    """ "said on Saturday", "claimed responsibility on Monday", "on Wednesday condemned"."""
    before = re.findall(r"[A-Za-z']+", text[max(0, start - 40):start])[-3:]
    after = re.findall(r"[A-Za-z']+", text[end:end + 25])[:1]
    before = [w.lower() for w in before]
    if before and before[-1] == "on":
        before = before[:-1]
    if before and (before[-1] in SPEECH or before[-2:-1] == ["claimed"]):
        return True
    if _CLAIMED_BEFORE.search(text, max(0, start - 80), start):
        return True
    return bool(after) and after[0].lower() in SPEECH


# "JNIM claimed the attack on Sunday", "claimed responsibility for the raid on Tuesday
# afternoon": the day of the claim, not of the attack
_CLAIMED_BEFORE = re.compile(
    r"\bclaim(?:ed|s)\s+(?:responsibility\s+(?:for\s+)?)?(?:the|this|that|these|both)\s+"
    r"(?:[a-z-]+\s+)?(?:attacks?|assaults?|raids?|ambush(?:es)?|bombings?|killings?|strikes?)\s+"
    r"(?:early\s+|late\s+)?(?:on\s+)?$", re.I)


def _in_since_clause(text: str, start: int) -> bool:
    """The date sits in a "since ..." clause: the start of a period, whatever lies between."""
    return _SINCE_CLAUSE.search(text, max(0, start - 120), start) is not None


def _month(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _day(day: datetime.date) -> FuzzyDate:
    return FuzzyDate(day.year, day.month, day.day)
