"""From an article's sentences to draft events: which sentences tell of which event.

A news report tells one or a few events and mentions older ones in passing. The rules:
only clauses with an event word (attack, killed, clashes...) count; a clause with a date of
its own or a place of its own that no event has yet starts a new event; a clause without
either belongs to the event being told; an event whose date is more than a week before
publication, or known only to the month or year, is background (`primary` false). Totals
that span several events ("eight killed in two attacks") and running tolls ("more than 200
peacekeepers have been killed") are not any one event's figures.
"""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from chronicle.extract import nations
from chronicle.extract.actors import (
    _BRACKETED,
    NON_PARTIES,
    ActorFinder,
    ActorMention,
    _is_place_name,
)
from chronicle.extract.article import Article, Sentence
from chronicle.extract.casualties import Count, find_casualties
from chronicle.extract.dates import DateMention, find_dates
from chronicle.extract.lexicon import Lexicon
from chronicle.extract.places import PlaceFinder, PlaceMatch
from chronicle.extract.text import fold, plain_quotes
from chronicle.model import FuzzyDate, Precision

RECENT_DAYS = 7
_CUE = re.compile(
    r"\b(?:attack(?:s|ed|ing)?|assault(?:s|ed)?|ambush(?:es|ed)?|raid(?:s|ed)?|clash(?:es|ed)?"
    r"|fighting|battles?|bomb(?:s|ing|ings|ed|er|ers)?|explosions?|explosives?|IEDs?|blasts?"
    r"|shell(?:ing|ed)|air ?strikes?|drone strikes?|strikes? on|gunfire|opened fire|shot dead"
    r"|kill(?:s|ed|ing)?|died|dead|deaths?|injur(?:ed|ies|y|ing)|wound(?:ed|ing|s)?"
    r"|massacred?|abduct(?:ed|ion)|kidnapp(?:ed|ing)|incident|neutrali[sz](?:ed|ation)"
    r"|rockets?|mortars?|landmines?|suicide|storm(?:ed|ing)|torch(?:ed|ing)|set fire|burned"
    r"|looted|gunmen|attackers|assailants|overr[au]n|besieged|shot|shooting|gunfights?"
    r"|firefights?|exchange of fire|car bomb|among the (?:victims|casualties)"
    r"|under (?:heavy )?fire|re(?:took|captured?)|captured|(?:driven|drove|pushed)\s+(?:\w+\s+)?"
    r"out of|seized (?:control of )?(?:the )?(?:town|city|village|base|camp|port)"
    r"|lost\s+(?:\d+|[a-z-]+)\s+(?:of\s+(?:our|its|their)\s+)?(?:soldiers|troops|men|officers))\b",
    re.I)
_MULTI = re.compile(
    r"\b(?:two|three|four|five|both|twin|several|multiple|a series of|a spate of)\s+"
    r"(?:separate\s+|coordinated\s+|simultaneous\s+|deadly\s+|different\s+)?(?:attacks|assaults|"
    r"ambushes|bombings|incidents|explosions|raids)\b", re.I)
_PERFECT = re.compile(r"\b(?:have|has)\s+(?:been\s+)?(?:killed|died|wounded|injured)\b", re.I)
_ROUGH = re.compile(r"\b(?:more than|over|thousands|hundreds|tens of thousands|since)\b", re.I)
_ONE_EVENT = re.compile(
    r"\b(?:a|an|the|this|that|their|its)\s+(?:\w+\s+){0,2}(?:attack|assault|ambush|bombing|"
    r"raid|incident|explosion|strike|clashes|clash|blast)\b", re.I)
_ANAPHOR = re.compile(r"\b(?:the|this|that)\s+(?:\w+\s+)?(?:attack|assault|ambush|incident|"
                      r"raid|bombing|clashes|explosion|blast)\b", re.I)
# "where ... are active", "where the incident occurred on Friday": a description of the place
_WHERE = re.compile(r",?\s+where\s+(?P<rest>[^;]*)", re.I)
_WHERE_DESCRIBES = re.compile(
    r"\b(?:active|operate|operating|present|based|have been|has been|are|is|occurred|took "
    r"place|happened|live|lives)\b", re.I)
# "this base", "the same area", "the Malian city", "there": the place told just before
_PLACE_ANAPHOR = re.compile(
    r"\b(?:(?:this|that|the|the same|their|its)\s+(?:\w+\s+)?(?:base|camp|area|city|town|"
    r"village|region|district|province|locality|position|post|site|road)|there)\b", re.I)
_UNCLAIMED = re.compile(r"\b(?:no (?:group|one|organi[sz]ation)|nobody|none)\b[^.;]{0,40}"
                        r"\bclaimed\b|\bno claims? of responsibility\b", re.I)
_CLAUSE_SPLIT = re.compile(r",\s+while\s+|;\s+|,\s+whereas\s+")
_DIRECTIONS = ("north", "south", "east", "west", "northeast", "northwest", "southeast",
               "southwest", "north-east", "north-west", "south-east", "south-west")
_SPECIFICITY = {"country": 0, "region": 1, "area": 1, "road": 2}
_TYPES = (
    ("explosion", re.compile(r"\b(?:bomb|explosi|IED|blast|landmine|mine|suicide|shell|air ?strike"
                             r"|airstrike|drone|rocket|mortar)", re.I)),
    ("battle", re.compile(r"\b(?:clash|fighting|battle|exchange of fire|gunfight)", re.I)),
    ("attack", re.compile(r"\b(?:attack|assault|ambush|raid|gunmen|opened fire)", re.I)),
    ("violence-against-civilians", re.compile(r"\b(?:massacre|abduct|kidnap|executed)", re.I)),
)


@dataclass
class DraftEvent:
    """One event as extraction sees it; `evidence` maps each field to its sentences."""

    date: FuzzyDate | None = None
    places: list[PlaceMatch] = field(default_factory=list)
    actors: list[ActorMention] = field(default_factory=list)
    killed: int | None = None
    injured: int | None = None
    primary: bool = True
    type: str = "attack"
    title: str = ""
    summary: str = ""
    evidence: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    country: str | None = None
    news: bool = False
    # working state
    sentences: list[Sentence] = field(default_factory=list)
    clauses: list[str] = field(default_factory=list)
    reported: FuzzyDate | None = None  # "police said on Monday": the day it was told
    counts: dict[tuple[str, str], list[Count]] = field(default_factory=dict)
    last_paragraph: int = 0

    @property
    def place(self) -> PlaceMatch | None:
        return self.places[0] if self.places else None

    @property
    def place_names(self) -> set[str]:
        return {p.name for p in self.places if p.kind != "country"}


@dataclass
class _Clause:
    sentence: Sentence
    text: str
    start: int
    dates: list[DateMention]
    places: list[PlaceMatch]
    actors: list[ActorMention]
    counts: list[Count]


class Extractor:
    """Built once per run (the gazetteer and the name tables are the cost), then used per
    article."""

    def __init__(self, lexicon: Lexicon | None = None, *, gazetteer="auto",
                 place_finder: PlaceFinder | None = None) -> None:
        lexicon = lexicon or Lexicon()
        focus = sorted({p.country for p in lexicon.places if p.country})
        self.places = place_finder or PlaceFinder(lexicon.places, gazetteer=gazetteer,
                                                  focus_countries=focus)
        self.actors = ActorFinder(lexicon.actors)

    def extract(self, article: Article) -> list[DraftEvent]:
        places = _recall_named_places([self._places(s.text) for s in article.sentences],
                                      [s.text for s in article.sentences])
        country = _main_country(places)
        clauses: list[_Clause] = []
        named: dict[str, ActorMention] = self._introduced(article.sentences, country)
        for sentence, found in zip(article.sentences, places, strict=True):
            clauses.extend(self._clauses(sentence, found, article.published, country, named))
        return _assemble(clauses, article, country)

    def _introduced(self, sentences: Sequence[Sentence], country: str | None
                    ) -> dict[str, ActorMention]:
        """Groups the article introduces with an acronym ("the Balochistan Liberation Army
        (BLA)"), wherever it does, so that "claimed by the BLA" later names them too."""
        introduced: dict[str, ActorMention] = {}
        for sentence in sentences:
            if "(" not in sentence.text or not _BRACKETED_ACRONYM.search(sentence.text):
                continue
            for actor in self.actors.find(sentence.text, country):
                for alias in actor.aliases:
                    if alias.isupper() and actor.source == "pattern":
                        introduced.setdefault(_ACRONYM_KEY + alias, actor)
        return introduced

    def _attribution(self, sentence: Sentence, country: str | None,
                     named: dict[str, ActorMention] | None) -> list[_Clause]:
        """ "Residents blamed the ENDF, which has used drones since last year", "The BLA
        claimed responsibility in a statement": who did it, in a sentence that tells nothing
        else of the event. It names one party and adds it to the event being told."""
        text = sentence.text
        verb = _ATTRIBUTION.search(text)
        if verb is None:
            return []
        relative = _RELATIVE.search(text, verb.end())
        core = text[:relative.start()] if relative else text
        if _CUE.search(core) or _UNCLAIMED.search(core):
            return []
        actors = [a for a in self.actors.find(core, country)
                  if not _BYSTANDER_BEFORE.search(core, max(0, a.start - 60), a.start)]
        if named is not None:
            actors = _refer_back(core, actors, named)
        if verb.group("claim"):
            party = [a for a in actors if a.end <= verb.start()][-1:]
        else:
            party = [a for a in actors if a.start >= verb.end()][:1]
        if not party:
            return []
        return [_Clause(sentence, core, 0, [], [], party, [])]

    def _places(self, text: str) -> list[PlaceMatch]:
        names = [m.span() for m in _BRACKETED.finditer(text)
                 if not _is_place_name(m.group("name")) and fold(m.group("acronym")) not in (
                     NON_PARTIES)]
        found = [p for p in self.places.find(text) if p.text not in nations.COUNTRY_OF_DEMONYM
                 and not _part_of_a_word(text, p.start, p.end)
                 and not any(start <= p.start and p.end <= end for start, end in names)
                 and (p.kind == "country" or not self.actors.knows(p.text))]
        for place in _places_by_cue(text):
            if not any(place.start < p.end and p.start < place.end for p in found):
                found.append(place)
        return sorted(found, key=lambda p: p.start)

    def _countrys_force(self, text: str, actors: list[ActorMention], country: str
                        ) -> list[ActorMention]:
        """ "the deadliest attack on the country's army": the army of the article's country."""
        found = list(actors)
        for match in _COUNTRYS_FORCE.finditer(text):
            prefix = f"{country}'s "
            named = self.actors.find(prefix + match.group("force"), None)
            if named and named[0].start == 0 and named[0].end > len(prefix) and not any(
                    match.start() < a.end and a.start < match.end() for a in found):
                found.append(replace(named[0], text=match.group(), start=match.start(),
                                     end=match.end()))
        return sorted(found, key=lambda a: a.start)

    def _clauses(self, sentence: Sentence, places: list[PlaceMatch],
                 published: datetime.date | None, country: str | None,
                 named: dict[str, ActorMention] | None = None) -> list[_Clause]:
        text = sentence.text
        attribution = self._attribution(sentence, country, named)
        if attribution:
            return attribution
        if not _CUE.search(text) or _MULTI.search(text) or _is_running_toll(text):
            return []
        actors = self.actors.find(text, country)
        if country and _COUNTRYS_FORCE.search(text):
            actors = self._countrys_force(text, actors, country)
        if named is not None:
            actors = _refer_back(text, actors, named)
        places = [p for p in places if not any(p.start < a.end and a.start < p.end
                                                for a in actors)
                  and not _CARED_FOR_IN.search(text, max(0, p.start - 40), p.start)]
        places = [p for p in places if not (p.kind == "country" and any(
            a.start - p.end in (2, 3) and text[p.end:a.start].strip() in ("'s", "’s")
            for a in actors))]  # "Russia's Wagner group": whose, not where
        actors = [a for a in actors if not _BYSTANDER_AFTER.match(text, a.end)
                  and not _BYSTANDER_BEFORE.search(text, max(0, a.start - 60), a.start)
                  and not _SPEAKER_BEFORE.search(text, max(0, a.start - 40), a.start)
                  and not _SPEAKER_AFTER.match(text, a.end)]
        actors = _merge_affiliates(text, actors)
        if _UNCLAIMED.search(text):
            actors = []  # "No group has claimed it, but al-Shabab often...": a suspicion
        cut = len(text)
        where = _WHERE.search(text)
        if where and _WHERE_DESCRIBES.search(where.group("rest")):
            cut = where.start()
        bounds = [0, *(m.end() for m in _CLAUSE_SPLIT.finditer(text[:cut])), cut]
        clauses = []
        for start, end in itertools.pairwise(bounds):
            part = text[start:end]
            if not _happened(part):
                continue
            clauses.append(_Clause(
                sentence, part, start,
                [d for d in find_dates(part, published)],
                [p for p in places if start <= p.start < end],
                [a for a in actors if start <= a.start < end],
                find_casualties(part),
            ))
        return clauses


# "taken to hospitals in Reasi and Jammu": where the wounded were cared for, not the scene
_CARED_FOR_IN = re.compile(
    r"\b(?:hospitals?|clinics?|morgues?|mortuary|(?:taken|flown|evacuated|rushed|airlifted)"
    r"\s+to)\b[^,.;]{0,25}$", re.I)


def _part_of_a_word(text: str, start: int, end: int) -> bool:
    """ "Pont" in "Pont-Sonde": a piece of a hyphenated name is not the place."""
    return bool(re.match(r"-[A-Z]", text[end:end + 2])) or (
        start >= 2 and text[start - 1] == "-" and text[start - 2].isalpha())


# What follows an actor's name and makes it no party to the event: "the Houthi-run health
# ministry" (whose office, not who fought), "The Taliban, who took Kabul in August, condemned
# the bombing" (who commented on it)
_BYSTANDER_AFTER = re.compile(
    r"-(?:run|controlled|held|appointed|aligned)\b"
    r"|(?:\s*,[^,]{0,80},)?\s+(?:(?:has|have|had|also|quickly|swiftly|strongly|later)\s+)*"
    r"(?:condemned|condemns|denounced|denounces|deplored|deplores|mourned|offered condolences)\b")

# Who only speaks of the attack: "a spokesman for the Rwandan contingent said", "the
# ENDF spokesman", "the army confirmed the attack". A side hit is still told by its dead
# ("four soldiers"), which name it on their own.
_SPEAKER_BEFORE = re.compile(
    r"\bspokes(?:man|woman|person)\s+(?:for|of)\s+(?:the\s+)?$", re.I)
_SPEAKER_AFTER = re.compile(
    r"(?:'s)?\s+(?:(?:[a-z-]+\s+)?spokes(?:man|woman|person)|(?:has\s+|also\s+)?confirmed\s+(?:the|an?|that)\b)",
    re.I)
# "blamed the ENDF", "accused the RSF", "The BLA claimed responsibility": who did it
_ATTRIBUTION = re.compile(
    r"\b(?:blam(?:ed|es|ing)|accus(?:ed|es|ing)|attribut(?:ed|es|ing)\s+(?:[\w-]+\s+){0,4}?to"
    r"|(?P<claim>claim(?:ed|s|ing)\s+responsibility))\b", re.I)
# ", which has used drones against Fano since last year": a description of the one named
_RELATIVE = re.compile(r",\s+(?:which|who|whose)\b")
_ACRONYM_KEY = "acronym:"
_BRACKETED_ACRONYM = re.compile(r"\w\s+\([A-Z][A-Za-z-]{1,9}\)")

# "The Islamic State group claimed it, saying its fighters of the Islamic State West Africa
# Province had carried it out": the branch that fought, told after the parent that spoke
_AFFILIATE_BEFORE = re.compile(
    r"\bits\s+(?:[\w-]+\s+){0,2}?(?:affiliates?|branch|fighters|wing|franchise)\s*,?\s+"
    r"(?:(?:of|in)\s+)?(?:the\s+)?$", re.I)


def _merge_affiliates(text: str, actors: list[ActorMention]) -> list[ActorMention]:
    """One party, not two, when a group is told as another's own branch: the branch is the
    name that says more, and usually holds the parent's ("Islamic State ... Province")."""
    merged = list(actors)
    for branch in actors:
        if branch.kind not in _GROUP_KINDS or not _AFFILIATE_BEFORE.search(
                text, max(0, branch.start - 50), branch.start):
            continue
        parents = [a for a in merged if a.end <= branch.start and a.kind in _GROUP_KINDS
                   and a.name != branch.name]
        if parents:
            merged = [a for a in merged if a.name != parents[-1].name]
    return merged


# What comes before a name and makes it a description of someone else: "fighters linked to
# al-Qaida and the Islamic State group", "a faction loyal to ..."
_BYSTANDER_BEFORE = re.compile(
    r"\b(?:linked|affiliated|tied|loyal|allied|close|aligned)\s+(?:to|with)\s+[^,.;:()]*$")

# "the village of Tassia", "near Kerena village": a place the gazetteer lacks is still named
_VILLAGE = re.compile(
    r"\b(?:(?P<noun>village|town|hamlet|locality|commune|settlement|city) of"
    r"|near the (?:village|town) of|near|(?:forces|troops|soldiers|base|camp|positions?|"
    r"garrison|post) (?:in|at))\s+"
    r"(?P<name>[A-Z][a-z']+(?:-[a-z]+)*(?:[ -][A-Z][a-z']+(?:-[a-z]+)*)?)"
    r"|\b(?P<before>[A-Z][a-z-]+(?:'[A-Z][a-z]+)?(?:[ -][A-Z][a-z-]+)?)\s+(?:(?:displacement|"
    r"displaced|refugee|IDP) )?(?P<after>village|camp"
    r"|locality|commune"
    r"|region|district|province|area)\b"
    r"|\b(?P<apposed>[A-Z][a-z-]+(?:[ -][A-Z][a-z-]+)?), an? (?:small |remote )?(?P<appnoun>village"
    r"|town|hamlet|locality)\b")
_NOT_A_PLACE_NAME = frozenset((
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "The", "A",
    "An", "This", "That", "Its", "Their", "His", "Her", "Our", "One", "Two", "Three",
    "Northern", "Southern", "Eastern", "Western", "Central", "Northeastern", "Northwestern",
    "Southeastern", "Southwestern", "North", "South", "East", "West", "Greater", "Border",
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "Ramadan", "Christmas", "Easter",
))


_DESCRIBING = re.compile(
    r"\b(?:mainly|mostly|largely|predominantly|overwhelmingly|majority|traditionally)\s+$",
    re.I)


def _places_by_cue(text: str) -> list[PlaceMatch]:
    """Unknown names a place noun or "near" marks as places: drafts name them (a person adds
    the coordinates) rather than lose the scene."""
    found = []
    for match in _VILLAGE.finditer(text):
        group = next(g for g in ("name", "before", "apposed") if match.group(g))
        name = match.group(group)
        first = name.split()[0].split("-")[0]
        if first in _NOT_A_PLACE_NAME or first in nations.COUNTRY_OF_DEMONYM or (
                nations.country_name(name)) or match.group(group) is None:
            continue
        if _DESCRIBING.search(text, max(0, match.start(group) - 20), match.start(group)):
            continue  # "a mainly Hindu district": what the district is, not its name
        kind = "region" if match.group("after") in ("region", "district", "province") else (
            "area" if match.group("after") == "area" else "village")
        if match.group(0).split()[0] in ("forces", "troops", "soldiers", "base", "camp",
                                         "position", "positions", "garrison"):
            kind = "town"
        if group == "apposed" or match.group("after") == "camp":
            kind = "village"
        if group == "name" and not match.group("noun") and text[match.end():][:1] not in (
                " ", ",", ".", ";", ""):
            continue
        start, end = match.span(group)
        relation = "near" if "near" in match.group(0).lower() else "in"
        found.append(PlaceMatch(name, name, start, end, kind, None, None, None, None, None,
                                "text", None, relation))
    return found


_COUNTRYS_FORCE = re.compile(
    r"\b[Tt]he country(?:'s|’s)\s+(?P<force>army|military|armed forces|soldiers|troops)\b")
# "the coalition said...", after "the Saudi-led coalition": the head noun of a name told before
_HEAD_REFERENCE = re.compile(r"\b(?:[Tt]he|[Aa]n?)\s+(?P<head>coalition|militia|junta)\b")


# "the rebels killed eight more", "The extremist group claimed it": the armed group the
# article named last, when the sentence names none of its own
_GROUP_REFERENCE = re.compile(
    r"\b[Tt]he\s+(?:(?:extremist|militant|jihadist|armed|rebel|insurgent|Islamist|same)\s+)?"
    r"(?:group|rebels|militants|insurgents|jihadists|extremists)\b(?!\s+[A-Z])")
_GROUP_KEY = "armed group:"
_GROUP_KINDS = frozenset(("armed-group", "militia"))


def _refer_back(text: str, actors: list[ActorMention], named: dict[str, ActorMention]
                ) -> list[ActorMention]:
    """Actors told again by the head noun of their name; `named` remembers them across the
    article's sentences."""
    found = list(actors)
    for key, earlier in named.items():
        if key.startswith(_ACRONYM_KEY):
            acronym = key.removeprefix(_ACRONYM_KEY)
            for match in re.finditer(rf"\b{re.escape(acronym)}\b", text):
                if not any(match.start() < a.end and a.start < match.end() for a in found):
                    found.append(replace(earlier, text=acronym, start=match.start(),
                                         end=match.end()))
    for match in _HEAD_REFERENCE.finditer(text):
        earlier = named.get(match.group("head"))
        if earlier is not None and not any(match.start("head") < a.end and
                                           a.start < match.end("head") for a in found):
            found.append(replace(earlier, text=match.group("head"), start=match.start("head"),
                                 end=match.end("head")))
    group = _most_named(named)
    if group is not None and not any(a.kind in _GROUP_KINDS for a in found):
        for match in _GROUP_REFERENCE.finditer(text):
            if not any(match.start() < a.end and a.start < match.end() for a in found):
                found.append(replace(group, text=match.group(), start=match.start(),
                                     end=match.end()))
                break
    for actor in actors:
        words = actor.name.split()
        if len(words) > 1 and words[-1].lower() in ("coalition", "militia", "junta"):
            named[words[-1].lower()] = actor
    for actor in found:  # told again by a reference counts as told
        if actor.kind in _GROUP_KINDS:
            key = _GROUP_KEY + actor.name
            earlier = named.pop(key, None)  # re-inserted: the dict's order is the last told
            named[key] = replace(actor, start=(earlier.start if earlier else 0) + 1)
    return sorted(found, key=lambda a: a.start)


def _most_named(named: dict[str, ActorMention]) -> ActorMention | None:
    """The armed group the article has named most often so far (`start` holds the count
    there), the last told of equals: "the rebels" after the rebels' coalition was named
    twice and a jihadist group once in passing."""
    groups = [(a.start, i, a) for i, (k, a) in enumerate(named.items())
              if k.startswith(_GROUP_KEY)]
    return max(groups, key=lambda g: g[:2])[2] if groups else None


def _recall_named_places(places: list[list[PlaceMatch]], texts: list[str]
                         ) -> list[list[PlaceMatch]]:
    """A village the gazetteer lacks, once named with a cue ("the town of Seytenga"), is the
    same place when the article names it again bare ("a post in Seytenga", "Inates, in...")."""
    named = {p.name: p for found in places for p in found if p.source == "text"}
    if not named:
        return places
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(named, key=len, reverse=True)))
                         + r")\b")
    recalled = []
    for found, text in zip(places, texts, strict=True):
        extra = []
        for match in pattern.finditer(text):
            if any(match.start() < p.end and p.start < match.end() for p in found):
                continue
            before = text[:match.start()].split()[-1:]
            relation = before[0].lower() if before and before[0].lower() in (
                "in", "at", "near") else None
            extra.append(replace(named[match.group()], start=match.start(),
                                             end=match.end(), relation=relation))
        recalled.append(sorted(found + extra, key=lambda p: p.start) if extra else found)
    return recalled


# "officials said they expected more strikes": a cue that tells what may come, not what came
_ANTICIPATED = re.compile(
    r"\b(?:expect(?:ed|s|ing)?|fear(?:ed|s|ing)?|warn(?:ed|s|ing)?\s+of|threat(?:s|ened|ens)?"
    r"(?:\s+of)?|risk\s+of|plan(?:s|ned|ning)?)\s+(?:more\s+|further\s+|new\s+|an?\s+|"
    r"fresh\s+)?$", re.I)


# "convoys are often hit by roadside bombs", "sleeper cells still carry out ambushes", "after
# three years of fighting": what keeps happening or lasted years, not one event
_HABITUAL = re.compile(
    r"\b(?:still|often|frequently|regularly|routinely|repeatedly|increasingly|(?:years|months|"
    r"decades|weeks)\s+of|stepped\s+up|step\s+up|steps\s+up|intensified|escalated)\s+"
    r"(?:[\w-]+\s+){0,3}$", re.I)


def _happened(part: str) -> bool:
    """The clause has an attack or casualty cue that is not only expected or feared, nor
    told as a habit."""
    return any(not _ANTICIPATED.search(part, max(0, m.start() - 30), m.start())
               and not _HABITUAL.search(part, max(0, m.start() - 40), m.start())
               for m in _CUE.finditer(part))


def _is_running_toll(text: str) -> bool:
    """ "More than 200 peacekeepers have been killed ...": a tally, not one event."""
    return bool(_PERFECT.search(text) and _ROUGH.search(text) and not _ONE_EVENT.search(text))


def _main_country(places: list[list[PlaceMatch]]) -> str | None:
    """The country most places in the article lie in (towns count double)."""
    votes: dict[str, int] = {}
    for found in places:
        for place in found:
            if place.country:
                votes[place.country] = votes.get(place.country, 0) + (
                    1 if place.kind == "country" else 2)
            elif place.kind == "country":
                votes[place.name] = votes.get(place.name, 0) + 1
    return max(sorted(votes), key=lambda c: votes[c]) if votes else None


# --- assembling clauses into events -------------------------------------------------------

def _assemble(clauses: list[_Clause], article: Article, country: str | None
              ) -> list[DraftEvent]:
    events: list[DraftEvent] = []
    news: DraftEvent | None = None
    current: DraftEvent | None = None
    published = article.published
    headline = {id(c) for c in clauses if _is_headline(c.sentence, article)}
    if headline and len(headline) < len(clauses):
        # the headline retells the lead: it adds to the news event, never opens its own
        clauses = sorted(clauses, key=lambda c: id(c) in headline)
    for clause in clauses:
        if id(clause) in headline and news is not None:
            _absorb(news, clause, [p for p in clause.places if p.kind != "country"], [])
            continue
        date_mention = next((d for d in clause.dates
                             if d.date and not d.reported and not d.period), None)
        if date_mention is None and any(d.date is None and d.kind == "vague"
                                        for d in clause.dates):
            continue  # "in recent years": no event of its own
        if date_mention is None and clause.dates and all(d.period for d in clause.dates):
            continue  # "troops have fought the group since 2021": a state of affairs
        date = date_mention.date if date_mention else None
        specific = [p for p in clause.places if p.kind != "country" and not _is_reference(p)]
        others = [p for p in clause.places if p.kind != "country" and _is_reference(p)]
        target = _choose(events, news, current, clause, date, specific, others, published)
        if target is None:
            target = DraftEvent()
            if not specific and current is not None and current.place is not None and (
                    _PLACE_ANAPHOR.search(clause.text)):
                _add_place(target, current.places[0], inherited=True)
            events.append(target)
            if news is None and (date is None or _recent(date, published)):
                news = target
                target.news = True
        if date is not None and target.date is None:
            target.date = date
            target.evidence.setdefault("date", []).append(clause.sentence.text)
        _absorb(target, clause, specific, others)
        current = target
    finished = [_finish(event, news, article, country) for event in events]
    return [e for e in finished if e.primary or _has_scene(e)]  # no guessing the scene


def _has_scene(event: DraftEvent) -> bool:
    """Background worth a draft names a place inside a country, or counts its dead: "the
    junta, which seized power in a coup in August 2020" dates a change, not an attack."""
    if event.place is None:
        return False
    return event.place.kind != "country" or event.killed is not None or (
        event.injured is not None)


def _is_headline(sentence: Sentence, article: Article) -> bool:
    return sentence.paragraph == 0 and bool(article.title) and (
        sentence.text.strip() == (article.title or "").strip())


def _choose(events: list[DraftEvent], news: DraftEvent | None, current: DraftEvent | None,
            clause: _Clause, date: FuzzyDate | None, specific: list[PlaceMatch],
            others: list[PlaceMatch], published: datetime.date | None) -> DraftEvent | None:
    """The event a clause tells more of, or None for a new one."""
    names = {p.name for p in specific} or {p.name for p in others}
    if date is None:
        if names:
            for event in ([current] if current else []) + events:
                if _shares_place(event, specific or others) or (
                        event is current and not event.place_names):
                    return event
            if current is not None and _ANAPHOR.search(clause.text):
                return current  # "wounded in the blast at the Afgoye intersection"
            if current is not None and all(_rank(p) < 3 for p in specific or others):
                return current  # "the Sahel", "Mopti region": too wide to be another scene
            if current is not None and current is news and current.place is not None and (
                    _rank(current.place) < 3 and current.date is not None) and _same_toll(
                    current, clause):
                return current  # "a base in the Lake Chad region" ... "the base at Bohoma"
            return None
        if current is not None and current.last_paragraph == clause.sentence.paragraph:
            return current
        if news is not None:
            return news  # a new paragraph that names no date or place goes on with the story
        return current
    if names:
        for event in events:
            if (event.date == date or (event.date is None and _recent(date, published))) and (
                    _shares_place(event, specific or others) or not event.place_names):
                return event
        return None
    if news is not None and (news.date == date or (news.date is None
                                                   and _recent(date, published))):
        return news  # the story's own day: more of the main event
    if news is not None and _follows(news.date, date):
        return news  # "the army later carried out air strikes": the same story, a day on
    if _ANAPHOR.search(clause.text):
        same = [e for e in events if e.date == date]
        if current in same:
            return current
        if same:
            return same[0]
    return None


def _same_toll(event: DraftEvent, clause: _Clause) -> bool:
    """The clause tells no figure, or only ones the event already has: the same dead told
    again, not another attack ("while a blast killed three in Maiduguri")."""
    told = {c.value for counts in event.counts.values() for c in counts}
    return all(c.value in told for c in clause.counts)


def _follows(first: FuzzyDate | None, then: FuzzyDate) -> bool:
    """`then` is a day or two after `first`: the aftermath of the story's event."""
    if first is None or first.precision is not Precision.DAY or then.precision is not (
            Precision.DAY):
        return False
    gap = (datetime.date(then.year, then.month, then.day)
           - datetime.date(first.year, first.month, first.day)).days
    return 0 < gap <= 2


def _shares_place(event: DraftEvent, places: list[PlaceMatch]) -> bool:
    """The same place, or one inside the other ("the village of Kurfa" in "Zamfara state")."""
    mine = [p for p in event.places if p.kind != "country"]
    for new in places:
        for old in mine:
            if new.name == old.name:
                return True
            if old.kind == "region" and new.admin1 and new.admin1 == old.admin1:
                return True
            if new.kind == "region" and old.admin1 and old.admin1 == new.admin1:
                return True
    return False


def _recent(date: FuzzyDate, published: datetime.date | None) -> bool:
    if date.precision is not Precision.DAY:
        return False
    if published is None:
        return True
    age = (published - datetime.date(date.year, date.month, date.day)).days
    return 0 <= age <= RECENT_DAYS


def _is_reference(place: PlaceMatch) -> bool:
    """ "130 miles south of Timbuktu", "departure from its Ber base": a landmark, not the
    scene."""
    relation = (place.relation or "").lower()
    return relation in ("from", "to", "towards", "toward") or (
        relation.endswith(" of") and relation.split()[0] in _DIRECTIONS)


def _add_place(event: DraftEvent, place: PlaceMatch, inherited: bool = False) -> None:
    if any(p.name == place.name for p in event.places):
        return
    rank = _rank(place)
    position = len(event.places)
    for index, existing in enumerate(event.places):
        if rank > _rank(existing):
            position = index
            break
    event.places.insert(position, place)
    if inherited:
        event.notes.append(f"place '{place.name}' taken from the event told just before")


def _rank(place: PlaceMatch) -> int:
    if _is_reference(place):
        return 0
    return _SPECIFICITY.get(place.kind, 3)


def _absorb(event: DraftEvent, clause: _Clause, specific: list[PlaceMatch],
            others: list[PlaceMatch]) -> None:
    sentence = clause.sentence
    event.clauses.append(clause.text)
    told = next((d.date for d in clause.dates if d.reported and d.date), None)
    if event.reported is None and told is not None:
        event.reported = told
    if sentence not in event.sentences:
        event.sentences.append(sentence)
    event.last_paragraph = sentence.paragraph
    before = event.place
    for place in specific + others + [p for p in clause.places if p.kind == "country"]:
        _add_place(event, place)
    if event.place is not before and event.place is not None:
        event.evidence["place"] = [sentence.text]
    names = {a.name for a in event.actors}
    for actor in clause.actors:
        if actor.name not in names:
            event.actors.append(actor)
            names.add(actor.name)
            _note(event, "actors", sentence.text)
    for count in clause.counts:
        event.counts.setdefault((count.kind, count.side), []).append(count)
        _note(event, count.kind, sentence.text)
        if count.note:
            event.notes.append(count.note)


def _note(event: DraftEvent, key: str, text: str) -> None:
    sentences = event.evidence.setdefault(key, [])
    if text not in sentences:
        sentences.append(text)


def _finish(event: DraftEvent, news: DraftEvent | None, article: Article,
            country: str | None) -> DraftEvent:
    published = article.published
    if event.date is None:
        if news is not None and news.date is not None:
            event.date = news.date
            event.notes.append("date: the day of the main event in the article")
        elif event.reported is not None:
            event.date = event.reported
            event.notes.append("date: the day the text says it was reported; check it")
        elif published is not None:
            event.date = FuzzyDate(published.year, published.month, published.day)
            event.notes.append("date: no date in the text; the publication date was used")
            event.evidence.setdefault("date", [])
        else:
            event.notes.append("needs_review: no date in the text and no published date")
    event.killed = _total(event, "killed")
    event.injured = _total(event, "injured")
    event.primary = event.news or (event.date is not None and _recent(event.date, published))
    place = event.place
    event.country = (place.country or country if place and place.kind != "country" else
                     place.name if place else country)
    event.type = _type(event)
    event.title = _title(event)
    event.summary = " ".join(s.text for s in event.sentences[:3])
    return event


def _total(event: DraftEvent, kind: str) -> int | None:
    """Every side added up; on each side the largest exact figure told (the same dead are
    told several times), else the vague lower bound ("dozens"), plus what is told as more
    ("seven soldiers were also killed")."""
    total, any_figure = 0, False
    counted = any(not c.vague for side in ("victims", "assailants")
                  for c in event.counts.get((kind, side), []))
    for side in ("victims", "assailants"):
        counts = event.counts.get((kind, side), [])
        exact = [c.value for c in counts if not c.vague and not c.additional]
        vague = [c.value for c in counts if c.vague and not c.additional]
        more = [c.value for c in counts if c.additional and not c.vague]
        if counted and not exact and not more:
            continue  # "29 soldiers ... and dozens of the assailants": no figure to add
        if exact or vague or more:
            total += (max(exact) if exact else max(vague, default=0)) + sum(more)
            any_figure = True
    return total if any_figure else None


def _type(event: DraftEvent) -> str:
    text = plain_quotes(" ".join(event.clauses))
    scores = [(len(pattern.findall(text)), -index, name)
              for index, (name, pattern) in enumerate(_TYPES)]
    best = max(scores)
    return best[2] if best[0] else "attack"


def _title(event: DraftEvent) -> str:
    noun = {"explosion": "Explosion", "battle": "Clashes", "attack": "Attack",
            "violence-against-civilians": "Violence against civilians"}.get(event.type, "Event")
    place = event.place
    where = ""
    if place is not None:
        relation = place.relation if place.relation in ("near", "outside") else "in"
        where = f" {relation} {place.name}"
    if event.killed:
        return f"{noun}{where}: {event.killed} killed"
    if event.injured:
        return f"{noun}{where}: {event.injured} injured"
    return f"{noun}{where}"


def extract_events(article: Article, extractor: Extractor) -> list[DraftEvent]:
    return extractor.extract(article)


def actor_names(actors: Sequence[ActorMention]) -> list[str]:
    return [a.name for a in actors]
