"""Who took part, sentence by sentence: known actors by name or alias, and the patterns that
name new ones.

A name in the text is not always a party: "an Al Qaeda-linked group" describes someone else,
"France" is a place until its forces act, and "the UN" that condemns an attack did not take
part in it. So known names are skipped in describing contexts, bare country and organisation
names count only with a force noun ("Chadian peacekeepers", "UN troops", "Mali's army"), and
every state force is named one way ("Malian army") so that five phrasings give one actor.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from chronicle.extract import nations
from chronicle.extract.lexicon import builtin_actors
from chronicle.extract.text import fold, plain_quotes, word_set
from chronicle.model import Actor


@dataclass(frozen=True, slots=True)
class ActorMention:
    """`name` is what a draft prints: the curated actor's name when one matches."""

    name: str
    text: str
    start: int
    end: int
    kind: str
    actor_id: str | None = None
    country: str | None = None
    source: str = "pattern"  # "content", "builtin" or "pattern" (a new name)
    aliases: tuple[str, ...] = ()


#: Organisations that comment on attacks more often than they fight in them.
NON_PARTIES = frozenset(fold(n) for n in (
    "UN", "U.N.", "United Nations", "African Union", "AU", "ECOWAS", "European Union", "EU",
    "Red Cross", "ICRC", "Amnesty International", "Human Rights Watch", "SITE", "AFP", "Reuters",
    "Associated Press", "AP", "NATO", "Security Council", "UN Security Council", "Al Jazeera",
    "BBC", "CNN",
))
GENERIC = word_set(
    "islamist islamists jihadist jihadists armed suspected unidentified unknown terror terrorist "
    "extremist radical rival local the a an some several many other former no two three four five "
    "six seven eight nine ten dozens hundreds thousands scores")
_ARMY = "army|armed forces|military|troops|soldiers|soldier|forces|security forces|national army"
_POLICE = "police|police officers?|policemen|gendarmes|gendarmerie|national police"
_PEACE = "peacekeepers|peacekeeper|contingent|battalion|blue helmets"
#: Weapons name the force that fired them: "a Russian missile", "Israeli air strikes".
_WEAPONS = ("missiles?|missile strikes?|air ?strikes?|airstrikes?|drone strikes?|drones?|"
            "warplanes?|jets|artillery|shelling|bombardments?|strikes?")
_FORCE = (rf"(?:national\s+|armed\s+|special\s+|government\s+)?(?P<force>{_ARMY}|{_POLICE}|"
          rf"{_PEACE}|personnel|servicemen|air force|navy|national guard|{_WEAPONS})(?![\w-])")
# "four soldiers were among the dead": with no nation named, soldiers (police officers) in a
# report from a country are its army's (police); troops "pursuing" or "sent" after the
# attack only answer it...
_BARE_TROOPS = re.compile(
    r"\b(?:soldiers|troops|police\s+officers|policemen|security\s+forces)\b"
    r"(?!\s+(?:(?:were|are|all)\s+)?(?:with|of|from)\s+(?:the\s+|an?\s+)?(?:[A-Z]|UN\b))"
    r"(?!\s+(?:were\s+|are\s+|have\s+been\s+|had\s+been\s+)?(?:pursuing|pursued|hunting|"
    r"searching|combing|sent|deployed|dispatched|reinforcing))", re.I)
# ...unless another's: "foreign troops", "its soldiers", "UN troops", "France sent troops"
_OTHERS_TROOPS = re.compile(
    r"(?:\b(?:foreign|western|international|regional|allied|enemy|rebel|mutinous|its|their|"
    r"our|his|her|child|former|ex|opposing|coalition|peacekeeping|sent|send|sends|deployed|"
    r"deploy|deploys|dispatched|withdrew|withdraw|withdrawn|pulled)\s+(?:[\w-]+\s+)?"
    r"|\b[A-Z][A-Z.]+\s+)$")
# "launched a search for the attackers with army and paramilitary soldiers": sent after
_ANSWERING = re.compile(r"\b(?:search|manhunt|hunt|reinforcements?|reinforced)\b[^.;]*$", re.I)
_DESCRIBED_AFTER = re.compile(
    r"^(?:'s\s+(?:[\w-]+\s+)?)?(?:-|\s)?\s*(?:linked|allied|affiliated|affiliates?|inspired"
    r"|aligned|backed|loyalists?|branch|offshoot|franchise|wing)\b", re.I)
_DESCRIBED_BEFORE = re.compile(
    r"\b(?:affiliated|linked|allied|loyal|close|tied|connected|allegiance|affiliates?)\s+"
    r"(?:with|to|of)\s+(?:the\s+)?(?:(?:[A-Z][\w'-]*|al|el)\s+){0,3}?(?:(?:and|or)\s+(?:the\s+)?)?$")
_BRACKETED = re.compile(
    r"(?P<name>(?:[A-Z][\w'-]*)(?:\s+(?:[A-Z][\w'-]*|of|for|the|and|in|de|du|des|la|le|al|"
    r"wal|el)){1,9})\s+\((?P<acronym>[A-Z][A-Za-z-]{1,9})\)")
# "Fighters of the Movement for ... (MSA)": the group is what follows "of the"
_MEMBERS_OF = re.compile(
    r"^(?:(?:Fighters|Members|Militants|Elements|Supporters|Soldiers|Troops|Leaders?|Units|"
    r"Commanders?|Spokesman|Head)\s+of\s+)?(?:The|the|A|An)?\s*")
_GROUP = re.compile(r"\b(?P<name>(?:[A-Z][\w'-]+\s+){1,4})group\b")
_FIGHTERS = re.compile(
    r"\b(?P<name>(?:[A-Z][\w'-]+\s+){1,3})(?P<noun>militants|fighters|rebels|insurgents|"
    r"militia|militias|militiamen|jihadists|separatists|hunters|vigilantes|gang|gangs)\b")
# "suspected fighters of Lashkar-e-Taiba": the group is the name after "of"
_MEMBERS_OF_NAME = re.compile(
    r"\b(?:fighters|militants|members|rebels|insurgents|gunmen|elements)\s+of\s+(?:the\s+)?"
    r"(?P<name>[A-Z][\w'-]+(?:\s+(?:[A-Z][\w'-]+|al|el|of|the)){0,4})")


class ActorFinder:
    """Finds actors in sentences. Curated actors first, then the built-in list."""

    def __init__(self, actors: Sequence[Actor] = (), *, builtin: bool = True) -> None:
        self._curated = tuple(actors)
        self._names: dict[tuple[str, ...], tuple[Actor, str, str]] = {}
        for actor in self._curated:
            self._add(actor, "content")
        if builtin:
            for actor in builtin_actors():
                if not any(fold(n) in self._index_keys() for n in (actor.name, *actor.aliases)):
                    self._add(actor, "builtin")
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for key in sorted(self._names, key=len, reverse=True):  # longest name first
            self._by_first.setdefault(key[0], []).append(key)
        self._missions = {a.country: a for a, _, _ in self._names.values()
                          if a.kind == "un-mission" and a.country}
        self._force_noun = re.compile(rf"\b{_FORCE}\b", re.I)
        self._from_country = re.compile(
            r"\b(?:were|was|are|all|both|mostly|peacekeepers|troops|soldiers|contingents?|forces)"
            r"\s+(?:\w+\s+)?from\s+(?P<nation>[A-Z][\w'-]*(?:\s+(?:[A-Z][\w'-]*|of|the)){0,4})")
        self._un_force = re.compile(
            r"\b(?:(?:UN|U\.N\.|United Nations)(?:'s)?\s+(?:peacekeeping\s+)?(?P<force>"
            r"peacekeepers|peacekeeper|troops|forces|soldiers|mission|contingent|personnel|"
            r"base|camp|convoy|blue helmets|police|peacekeeping mission|peacekeeping force)"
            r"|(?P<bare>peacekeepers|blue helmets|peacekeeping (?:mission|force|"
            r"contingent|troops)))\b")
        self._led = re.compile(r"\b(?P<nation>[A-Z][a-z]+)-led\s+(?:military\s+)?coalition\b")
        self._government = re.compile(
            r"\b(?:government|pro-government|national army|the army|the military|state)"
            r"(?:\s+(?P<force>soldiers|troops|forces|army))?\b", re.I)

    def knows(self, name: str) -> bool:
        """Whether `name` is a known actor's name or alias ("Wagner" is no town here)."""
        return tuple(fold(name).split()) in self._names

    def _index_keys(self) -> set[str]:
        return {" ".join(k) for k in self._names}

    def _add(self, actor: Actor, source: str) -> None:
        for spelling in (actor.name, *actor.aliases):
            key = tuple(fold(spelling).split())
            if key and key not in self._names:
                self._names[key] = (actor, source, spelling)

    def find(self, sentence: str, country: str | None = None) -> list[ActorMention]:
        """Actors named in the sentence, in order, one mention per span. `country` is where
        the event happened: its forces are "<demonym> army", "government soldiers" too."""
        text = plain_quotes(sentence)
        found: list[ActorMention] = []
        self._patterns(text, country, found)
        self._known(text, found)
        self._new_names(text, found)
        found.sort(key=lambda m: m.start)
        return found

    # --- patterns that turn a nation plus a force into an actor --------------------------

    def _patterns(self, text: str, country: str | None, found: list[ActorMention]) -> None:
        for match in self._force_noun.finditer(text):
            nation, start = _nation_before(text, match.start())
            if nation is not None:
                self._claim(found, self._force(nation, match.group("force"), country), match,
                            span=(start, match.end()))
        for match in self._un_force.finditer(text):
            if match.group("bare") and _preceded_by_nation(text, match.start()):
                continue
            self._claim(found, self._mission(country, match.group(0)), match)
        for match in self._from_country.finditer(text):
            nation = _leading_country(match.group("nation"))
            if nation is None:
                continue
            if country and nation == (nations.country_name(country) or country):
                continue  # "forces from Mali" in Mali: a withdrawal, not a nationality
            start = match.start("nation")
            self._claim(found, self._resolve(nation, "foreign-force", nation), match,
                        span=(start, start + len(nation)))
        for match in self._led.finditer(text):
            if match.group("nation") in nations.COUNTRY_OF_DEMONYM or nations.country_name(
                    match.group("nation")):
                name = f"{match.group('nation')}-led coalition"
                self._claim(found, self._resolve(name, "foreign-force", None), match)
        if country:
            for match in self._government.finditer(text):
                if match.group("force") or match.group(0).lower() in ("the army", "the military"):
                    self._claim(found, self._force(country, match.group("force") or "army",
                                                   country), match)
            for match in _BARE_TROOPS.finditer(text):
                if not _OTHERS_TROOPS.search(text, max(0, match.start() - 30), match.start()) \
                        and not _ANSWERING.search(text, max(0, match.start() - 60), match.start()):
                    force = "police" if match.group().lower().startswith("police") else "army"
                    self._claim(found, self._force(country, force, country), match)

    def _mission(self, country: str | None, text: str) -> ActorMention:
        mission = self._missions.get(country) if country else None
        if mission is None and len(self._missions) == 1 and country is None:
            mission = next(iter(self._missions.values()))
        if mission is not None:
            return self._mention_of(mission, text)
        return ActorMention("UN peacekeepers", text, 0, 0, "un-mission")

    def _force(self, nation: str, force: str, home: str | None) -> ActorMention:
        force = force.lower()
        nation = nations.country_name(nation) or nation
        home = (nations.country_name(home) or home) if home else None
        if home is not None and nation != home:
            return self._resolve(nation, "foreign-force", nation)
        adjective = nations.demonym(nation) or nation
        if any(word in force for word in ("police", "gendarm")):
            return self._resolve(f"{adjective} police", "state-force", nation)
        if any(word in force for word in ("peacekeep", "contingent", "battalion", "blue")):
            return self._resolve(nation, "foreign-force", nation)
        return self._resolve(f"{adjective} army", "state-force", nation)

    def _resolve(self, name: str, kind: str, country: str | None) -> ActorMention:
        known = self._names.get(tuple(fold(name).split()))
        if known is not None:
            return self._mention_of(known[0], name, known[1])
        return ActorMention(name, name, 0, 0, kind, country=country)

    def _mention_of(self, actor: Actor, text: str, source: str | None = None) -> ActorMention:
        if source is None:
            source = next((s for a, s, _ in self._names.values() if a is actor), "builtin")
        actor_id = actor.id if source == "content" else None
        return ActorMention(actor.name, text, 0, 0, actor.kind, actor_id, actor.country, source,
                            actor.aliases)

    @staticmethod
    def _claim(found: list[ActorMention], mention: ActorMention, match: re.Match[str],
               span: tuple[int, int] | None = None) -> None:
        start, end = span or match.span()
        if any(start < m.end and m.start < end for m in found):
            return
        found.append(ActorMention(mention.name, match.group(0), start, end, mention.kind,
                                  mention.actor_id, mention.country, mention.source,
                                  mention.aliases))

    # --- known names ---------------------------------------------------------------------

    def _known(self, text: str, found: list[ActorMention]) -> None:
        tokens = [(m.start(), m.end(), _fold_word(m.group(0)))
                  for m in re.finditer(r"[^\W_]+", text)]
        words = [t[2] for t in tokens]
        i = 0
        while i < len(tokens):
            for key in self._by_first.get(words[i], ()):
                width = len(key)
                if tuple(words[i:i + width]) != key:
                    continue
                entry = self._names[key]
                start, end = tokens[i][0], tokens[i + width - 1][1]
                if not self._counts(entry, text, start, end):
                    continue
                self._claim_known(found, entry, text, start, end)
                i += width - 1
                break
            i += 1

    def _counts(self, entry: tuple[Actor, str, str], text: str, start: int, end: int) -> bool:
        """Whether a known name written here names a party to what is told."""
        actor, _, spelling = entry
        written = text[start:end]
        if spelling.isupper() and len(spelling) <= 5 and written != spelling:
            return False  # "IS", "CMA": acronyms only in capitals
        if any(c.isupper() for c in spelling) and not any(c.isupper() for c in written):
            return False
        key = fold(written)
        if key in NON_PARTIES or nations.country_name(_title(written)) or written in (
                nations.COUNTRY_OF_DEMONYM):
            return False  # "the UN", "France", "Malian": not on their own
        if _DESCRIBED_AFTER.match(text[end:end + 40]) or _DESCRIBED_BEFORE.search(
                text[max(0, start - 40):start]):
            return False
        return text[max(0, start - 1):start] != "@" or actor.kind == "un-mission"

    def _claim_known(self, found: list[ActorMention], entry: tuple[Actor, str, str], text: str,
                     start: int, end: int) -> None:
        if any(start < m.end and m.start < end for m in found):
            return
        actor, source, _ = entry
        found.append(ActorMention(actor.name, text[start:end], start, end, actor.kind,
                                  actor.id if source == "content" else None, actor.country,
                                  source, actor.aliases))

    # --- new names -----------------------------------------------------------------------

    def _new_names(self, text: str, found: list[ActorMention]) -> None:
        for match in _BRACKETED.finditer(text):
            name = _MEMBERS_OF.sub("", match.group("name"))
            acronym = match.group("acronym")
            if _is_place_name(name) or _is_place_name(acronym) or fold(acronym) in NON_PARTIES:
                continue
            start, end = match.start("name") + match.group("name").find(name), match.end()
            known = self._names.get(tuple(fold(acronym).split())) or self._names.get(
                tuple(fold(name).split()))
            if known is not None:
                self._claim_known(found, known, text, start, end)
                continue
            mention = ActorMention(name, text[start:end], start, end, "armed-group",
                                   aliases=(acronym,))
            self._claim(found, mention, match, span=(start, end))
        for match in _MEMBERS_OF_NAME.finditer(text):
            name = match.group("name").rstrip()
            while name.split()[-1] in ("of", "the", "al", "el"):
                name = name.rsplit(" ", 1)[0]
            start = match.start("name")
            if _is_place_name(name) or fold(name) in NON_PARTIES or name.split()[0] in (
                    nations.COUNTRY_OF_DEMONYM) or fold(name.split()[0]) in GENERIC:
                continue
            known = self._names.get(tuple(fold(name).split()))
            if known is not None:
                if self._counts(known, text, start, start + len(name)):
                    self._claim_known(found, known, text, start, start + len(name))
                continue
            mention = ActorMention(name, name, start, start + len(name), "armed-group")
            self._claim(found, mention, match, span=(start, start + len(name)))
        for pattern, suffix in ((_GROUP, ""), (_FIGHTERS, "noun")):
            for match in pattern.finditer(text):
                words = match.group("name").split()
                if any(re.search(r"-(?:linked|allied|affiliated|backed|based|run|led)$", w)
                       for w in words):
                    continue  # "an Al Qaeda-linked group": described by another
                while words and (fold(words[0]) in GENERIC or _is_place_name(
                        words[0].removesuffix("'s")) or words[0] in nations.COUNTRY_OF_DEMONYM):
                    words.pop(0)
                if not words or any(fold(w) in GENERIC for w in words):
                    continue
                name = " ".join(words)
                if fold(name) in NON_PARTIES or _is_place_name(name):
                    continue
                start = match.start("name") + match.group("name").find(words[0])
                known = self._names.get(tuple(fold(name).split()))
                if known is not None:
                    if self._counts(known, text, start, start + len(name)):
                        self._claim_known(found, known, text, start, start + len(name))
                    continue
                if _DESCRIBED_BEFORE.search(text[max(0, start - 40):start]):
                    continue
                label = f"{name} {match.group('noun')}" if suffix else name
                mention = ActorMention(label, text[start:match.end()], start, match.end(),
                                       "armed-group")
                self._claim(found, mention, match, span=(start, match.end()))


def _nation_before(text: str, end: int) -> tuple[str | None, int]:
    """The country written just before a force noun: "Chadian", "Mali's", "Burkina Faso"."""
    before = text[max(0, end - 40):end]
    if not before.endswith(" "):
        return None, end
    words = before.split()
    for size in (3, 2, 1):
        if len(words) < size:
            continue
        written = " ".join(words[-size:])
        name = written.removesuffix("'s")
        if name in nations.COUNTRY_OF_DEMONYM:
            return nations.COUNTRY_OF_DEMONYM[name], end - len(before) + before.rfind(written)
        country = nations.country_name(_title(name))
        if country is not None and name[:1].isupper():
            return country, end - len(before) + before.rfind(written)
    return None, end


def _leading_country(words: str) -> str | None:
    """The longest run of words at the start that names a country: "Chad and Niger" -> Chad."""
    parts = words.split()
    for size in range(len(parts), 0, -1):
        country = nations.country_name(" ".join(parts[:size]))
        if country is not None:
            return country
    return None


@functools.lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    return fold(word)


def _preceded_by_nation(text: str, start: int) -> bool:
    before = text[max(0, start - 25):start].split()
    return bool(before) and (before[-1] in nations.COUNTRY_OF_DEMONYM or before[-1] in (
        "AU", "ECOWAS", "African", "Union", "regional", "EU"))


def _is_place_name(name: str) -> bool:
    return nations.country_name(_title(name)) is not None


def _title(text: str) -> str:
    return text if not text.islower() else text.title()
