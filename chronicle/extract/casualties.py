"""Killed and injured figures in a sentence, in words or digits, with lists added up.

A number counts only when a casualty word governs it: after it ("eight soldiers were
killed", "20 of them injured") or just before it ("killing one peacekeeper", "injuries to
20"). Numbers joined by commas and "and" form a list that is added up ("five guards, one
police officer and one contractor were killed"). Vague amounts ("dozens") give a lower bound
and a note; "several" and "many" give no figure at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chronicle.extract.text import plain_quotes, word_set

UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90}
#: Vague amounts: the lower bound each one certainly means.
VAGUE = {"dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2000}

KILL = word_set("killed kill kills killing died die dies dying dead deaths death slain neutralized "
    "neutralised neutralization neutralisation perished lives executed massacred "
    "beheaded toll fatalities")
INJURE = word_set(
    "injured injuring injures injure injury injuries wounded wounding wounds wound hurt "
    "maimed casualties")
#: Active forms that govern the number after them: "killing one peacekeeper".
ACTIVE = word_set("killed killing kills kill neutralized neutralised neutralization neutralisation "
    "injuring wounding injuries injured wounded deaths death lives toll executed massacred")
ASSAILANTS = word_set(
    "assailants attackers militants militant terrorists terrorist gunmen gunman jihadists "
    "jihadist insurgents insurgent rebels rebel fighters fighter extremists bandits bombers "
    "bomber assailant attacker raiders")
NOT_PEOPLE = word_set(
    "attacks attack assaults incidents explosions bombings raids ambushes miles mile km "
    "kilometres kilometers metres meters years year months month days day weeks week hours "
    "vehicles vehicle trucks cars bases base villages towns million billion percent per "
    "times occasions minutes dollars euros of-the")
_FILLER_BEFORE = word_set(
    "at least of to some about nearly around more than a an the minimum total over up "
    "almost roughly approximately estimated rose risen climbed reached stands stood has had "
    "now another further")
_HEAD_STOP = word_set(
    "were was are is have has had been be being died who which that when after as while "
    "during in on at by from and or but including according said")
_TOKEN = re.compile(
    r"\d[\d,]*\d(?:\.\d+)?[A-Za-z%]*|\d[A-Za-z%]*|[A-Za-z]+(?:[-'][A-Za-z]+)*|[;:(),]")
_COMPOUND = re.compile(r"\b\d[\d,.]*-[A-Za-z]+(?:-[A-Za-z]+)*")
_PARENTHETICAL = re.compile(r"\s-\s[^-]{1,160}?\s-\s")


@dataclass(frozen=True, slots=True)
class Count:
    """One figure: `kind` killed or injured, `side` victims or assailants; `vague` when the
    text gave only a lower bound ("dozens"), which `note` explains."""

    kind: str
    value: int
    side: str
    text: str
    vague: bool = False
    note: str | None = None
    additional: bool = False  # "seven soldiers were also killed": more, not the same dead


@dataclass
class _Number:
    index: int
    value: int
    vague: bool
    weak: bool  # "a"/"an": one only inside a list ("a guard and six peacekeepers")
    head: list[str]
    end: int  # token index after the head


def find_casualties(sentence: str) -> list[Count]:
    """Every killed/injured figure in the sentence, lists added up into one Count each."""
    text = _PARENTHETICAL.sub(" ", plain_quotes(sentence).replace('"', " "))
    text = _COMPOUND.sub(" ", text)  # "13,000-strong", "12-year-old": not counts
    tokens = _TOKEN.findall(text)
    lower = [t.lower() for t in tokens]
    numbers = _numbers(tokens, lower)
    counts: list[Count] = []
    for group in _lists(numbers, lower):
        if len(group) == 1 and group[0].weak:  # "a suicide bomber killed...": no count
            continue
        kind = _governing_kind(group, lower)
        if kind is None:
            continue
        nearby = lower[max(0, group[0].index - 2):min(len(lower), group[-1].end + 4)]
        additional = any(w in ("also", "another", "further", "additional") for w in nearby)
        for side in ("victims", "assailants"):
            members = [n for n in group if _side(n) == side]
            if not members:
                continue
            value = sum(n.value for n in members)
            vague = any(n.vague for n in members)
            words = " ".join(tokens[members[0].index:members[-1].end])
            note = f"'{words}': a lower bound" if vague else None
            counts.append(Count(kind, value, side, words, vague, note, additional))
    return counts


def _numbers(tokens: list[str], lower: list[str]) -> list[_Number]:
    found: list[_Number] = []
    i = 0
    while i < len(tokens):
        value, vague, weak, width = _read_number(tokens, lower, i)
        if value is None:
            i += 1
            continue
        head_start = i + width
        if head_start < len(lower) and lower[head_start] in ("million", "billion", "percent"):
            i = head_start + 1
            continue
        head, end = _head(lower, head_start)
        governed = (end < len(lower) and (lower[end] in KILL or lower[end] in INJURE)) or (
            _active_before(lower, i) is not None)
        subset = i > 0 and lower[i - 1] == "including"  # "including 12 children"
        unit = any(w in NOT_PEOPLE for w in head)
        if (not head and lower[i] not in VAGUE and not governed) or unit or subset:
            i = end if end > i else i + 1
            continue
        found.append(_Number(i, value, vague, weak, head, end))
        i = end if end > i else i + 1
    return found


def _read_number(tokens: list[str], lower: list[str], i: int
                 ) -> tuple[int | None, bool, bool, int]:
    word = lower[i]
    if word[0].isdigit():
        digits = word.replace(",", "")
        if not digits.isdigit():
            return None, False, False, 1  # 75th, 13,000-strong is cut below, 5km
        value = int(digits)
        if 1800 <= value <= 2100 and "," not in word:
            return None, False, False, 1  # a year: "in 2017 saw 60 people killed"
        return value, False, False, 1
    if word in UNITS:
        return UNITS[word], False, False, 1
    if word in TENS:
        return TENS[word], False, False, 1
    if "-" in word:
        tens, _, unit = word.partition("-")
        if tens in TENS and unit in UNITS:
            return TENS[tens] + UNITS[unit], False, False, 1
    if word in VAGUE:
        return VAGUE[word], True, False, 1
    if word == "a" and i + 1 < len(lower) and lower[i + 1] == "dozen":
        return 12, False, False, 2
    if word in ("a", "an") and i + 1 < len(lower) and lower[i + 1] not in _FILLER_BEFORE:
        return 1, False, True, 1
    return None, False, False, 1


def _head(lower: list[str], start: int) -> tuple[list[str], int]:
    """The noun phrase a number counts ("MINUSMA security guards", "of them")."""
    head: list[str] = []
    j = start
    while j < len(lower) and len(head) < 7:
        word = lower[j]
        if word in _HEAD_STOP and not (word == "of" or (word == "and" and not head)):
            break
        if word in KILL or word in INJURE or word in ";:()," or word[0].isdigit():
            break
        if word in UNITS or word in TENS or word in VAGUE:
            break
        head.append(word)
        j += 1
    return head, j


def _lists(numbers: list[_Number], lower: list[str]) -> list[list[_Number]]:
    """Numbers joined only by "and", "," or "as well as" belong to one list."""
    groups: list[list[_Number]] = []
    for number in numbers:
        if groups:
            previous = groups[-1][-1]
            gap = lower[previous.end:number.index]
            joined = gap and all(w in ("and", "as", "well", "also", "plus", ",") for w in gap)
            if joined and number.weak and "and" not in gap:
                # "nine traders, a police spokesman said": "a" after a bare comma is no count
                joined = number.end < len(lower) and lower[number.end] in ("and", ",")
            if joined:
                groups[-1].append(number)
                continue
        groups.append([number])
    return groups


def _active_before(lower: list[str], first: int) -> str | None:
    """ "killing one", "injuries to 20", "toll rose to 31": the kind a word before governs."""
    for back in range(first - 1, max(-1, first - 5), -1):
        word = lower[back]
        if word in ACTIVE:
            return "killed" if word in KILL else "injured"
        if word not in _FILLER_BEFORE:
            break
    window = lower[max(0, first - 8):first]
    if "toll" in window and not any(w[0].isdigit() for w in window):
        return "killed"  # "the death toll from the bombing rose to 31"
    return None


def _governing_kind(group: list[_Number], lower: list[str]) -> str | None:
    before = _active_before(lower, group[0].index)
    if before is not None:
        return before
    for j in range(group[-1].end, min(len(lower), group[-1].end + 12)):
        word = lower[j]
        if word in KILL:
            return "killed"
        if word in INJURE:
            return "injured"
        if word in (";", ":") or word[0].isdigit() or word in UNITS or word in VAGUE or word in (
                "including", "but", "after", "before", "when", "while", "because", "said", "says"):
            return None
    return None


def _side(number: _Number) -> str:
    return "assailants" if any(w in ASSAILANTS for w in number.head) else "victims"
