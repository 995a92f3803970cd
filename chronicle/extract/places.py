"""Finding places in a sentence: the curated places first, then the world gazetteer.

A sentence is tokenised once; runs of capitalised tokens are looked up as folded n-grams in
a dict (curated names and aliases) and in the gazetteer's hash index, longest first. What
decides whether a name that exists somewhere on Earth is a place *here* is its context:
short or everyday words ("Say", "Koro", "San") count only after a place cue ("in", "near",
"the village of", "south of", "between X and Y") or before "region"; capitalised runs that
look like people's names ("Ibrahim Boubacar Keita") or organisations are skipped; and a
far-away village needs a cue where a town in the chronology's own countries does not.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from chronicle.extract.text import fold, plain_quotes
from chronicle.model import Place

if TYPE_CHECKING:
    from chronicle.extract.gazetteer import Gazetteer, GazetteerEntry

MAX_TOKENS = 6
FUZZY_MIN_LETTERS = 6  # a misspelling of a curated place ("Arsham" for Archam)
FUZZY_MIN_LETTERS_GEONAMES = 7  # a word this long may be a GeoNames town's ("Bourrem")
BIG_TOWN = 100_000  # a focus-country town this large needs no cue even with a short name
SMALL_TOWN = 15_000  # below this, a town outside the focus countries needs a cue
ALTERNATE_TOWN = 50_000  # ... and below this, when only an alternate name matches
CITY = 400_000  # a one-word alternate name without a cue is trusted only for a city this big


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*|\d+(?:[.,]\d+)*")

#: Words before a name that make it a place: "in Gao", "near Ber", "outside Kidal".
CUE_PREPOSITIONS = _words("""
in at on near outside around from into inside between towards toward across through
within via to nearby outskirts
""")
#: "the village of X", "the outskirts of X".
PLACE_NOUNS = _words("""
village villages town towns city cities commune communes locality localities region
regions province provinces district districts area areas hamlet settlement settlements
outskirts suburb suburbs neighbourhood neighborhood capital state department county
municipality prefecture governorate oblast circle cercle island islands port
""")
#: Words after a name that make it a region: "the Kidal province", "the Arsham region".
REGION_WORDS = _words("""
region province state department governorate oblast prefecture county district cercle
circle commune municipality regions provinces states departments governorates districts
""")
AREA_WORDS = _words("""
area zone borderlands
""")
DIRECTIONS = _words("""
north south east west northeast northwest southeast southwest north-east north-west
south-east south-west northeast northwest
""")
#: Words that may stand between a cue and a name: "in the remote northern town of X".
DESCRIPTORS = _words("""
the a an its their this that nearby remote small large tiny rural central northern
southern eastern western northeastern northwestern southeastern southwestern north south
east west restive volatile troubled desert border frontier ancient historic old key
strategic main nearby neighbouring neighboring besieged contested mining market garrison
fishing farming river coastal mountainous isolated embattled same whole entire km
kilometres kilometers miles mile metres meters some about around roughly
""")
#: Titles before a name: what follows is a person.
TITLES = _words("""
president mr mrs ms dr general gen colonel col lieutenant lt captain capt major maj
sergeant sgt minister premier prime secretary spokesman spokeswoman spokesperson
ambassador governor mayor commander chief imam sheikh emir king queen prince princess
senator sen rep representative pope saint sir lord judge prosecutor envoy special chairman
director professor prof father brother sister
""")
#: Capitalised words that may neighbour a place name without making it part of another name.
NAME_NEIGHBOURS = _words("""
northern southern eastern western central north south east west upper lower greater region
province state airport camp base city town village district border borders governor mayor
area valley river lake mountains hills road highway
""")
#: After a single name, these verbs mean it is a person, not a place ("Keita said").
SPEECH_VERBS = _words("""
said says told added stated announced declared wrote tweeted insisted argued claimed urged
warned explained noted replied
""")
#: Words that are never a place on their own, whatever GeoNames says ("March", "North").
NEVER_ALONE = _words("""
a about above after again against all along also although among an and another any are
around as at away back be because been before being below best between both but by can
come could day did do does down during each early even ever every few first for from
further good great had has have he her here high him his how however if in into is it its
just last late later least less like long made make many may me might more most much must
my near never new next no nor not now of off often on once one only or other our out over
own part people per place same see several she should since so some still such take than
that the their them then there these they this those though through time to too two under
until up upon us very was way we well were what when where whether which while who whom
why will with within without would year years yet you your
monday tuesday wednesday thursday friday saturday sunday january february march april june
july august september october november december
north south east west northeast northwest southeast southwest central northern southern
eastern western upper lower greater
police army troops soldiers forces force security military government officials official
attack attacks attackers gunmen militants rebels jihadists fighters group groups local
national international united union mission peace peacekeepers president minister state
states islamic islam ansar support victory liberty hope unity independence news reuters
press media reporters source sources report reports statement camp base airport road
bridge market mosque church school hospital village town city capital region province
district border desert river lake red white black green blue gold golden silver young old
big little small grand royal mr mrs ms dr st saint operation africa europe asia oceania
antarctica americas
""")
#: Particles of people's names: "Iyad Ag Ghaly", "Ould Abdel Aziz", "Abu Walid".
NAME_PARTICLES = _words("al el ag ould ben bin ibn abu abou bint")
#: Nationality adjectives, some of which GeoNames lists as regions ("Somali", "Afar"):
#: only a place before "region" or "state" ("the Somali region").
DEMONYMS = _words("""
somali afghan malian nigerien nigerian chadian sudanese yemeni syrian iraqi libyan egyptian
ethiopian kenyan congolese burkinabe ivorian senegalese mauritanian algerian moroccan
tunisian russian ukrainian french british american german turkish iranian israeli
palestinian lebanese saudi emirati qatari pakistani indian chinese togolese beninese
ghanaian cameroonian guinean gambian liberian rwandan ugandan burundian tanzanian
mozambican eritrean djiboutian jordanian kurdish yazidi houthi tuareg fulani peul dogon
bambara arab berber sahrawi afar amhara oromo tigrayan zambian angolan european african
western canadian belgian dutch swedish danish norwegian italian spanish portuguese
""")
#: Places whose names are also everyday words: only after a place cue ("in Split", "near
#: Say"), never at the head of a sentence ("Most residents fled", "Reading the statement").
CUE_ONLY_WORDS = _words("""
san santa say koro nara bla dire ber man bar bay orange most split reading delta hub sale
enterprise flint mobile surprise independence concord springs metro brick mango bath
torrent mission temple paradise male meridian vista cypress boulder nice hull cork bury
bend van gap tours aurora corona mesa jupiter phoenix savannah kill page handy centre share
lame tube awry song logos garden sake lazy human vary chop luck hut hat sad postal tell
harm tall para save
""")
#: Places named like people: they need a cue, and next to another name they are a person.
CUE_ONLY_NAMES = _words("""
john james david michael joseph paul peter mark luke george charles henry william thomas
mary anna maria sarah grace faith joy patience mercy victoria nancy eugene norman jackson
lawrence taylor davis allen moore hayes austin madison franklin hamilton gary frederick
brandon bryan carson richardson montgomery kendall troy nigel charlotte florence regina
ali omar umar musa moussa ibrahim ahmed ahmad mohamed mohammed muhammad hassan hussein
abdul abdel abu amadou mamadou oumar boubacar moctar issa yusuf youssouf aliou keita toure
""")
CUE_ONLY = CUE_ONLY_WORDS | CUE_ONLY_NAMES


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    """A place named in a sentence (or a name resolved), with where it came from."""

    name: str  # canonical name: the curated place's name, else the gazetteer's
    text: str  # as written in the sentence
    start: int  # character offsets into the sentence
    end: int
    kind: str  # "town"/"village"/"city"/"region"/"country"/"area"... (model.PLACE_KINDS)
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    place_id: str | None  # the curated place's id when it came from content/places
    source: str  # "content" or "geonames"
    geonameid: int | None
    relation: str | None  # "near", "south of", "between", "in"... the cue before it


@dataclass(slots=True)
class _Token:
    text: str
    start: int
    end: int
    key: str  # folded
    capital: bool
    acronym: bool
    possessive: bool = False  # written with "'s": "Niger's"


@dataclass(frozen=True, slots=True)
class _Cue:
    strong: bool  # a preposition or place noun says "this is a place"
    relation: str | None
    specific: bool = False  # "the village of", "south of": more than a bare preposition


_GEONAMES_ID = re.compile(r"geonames\D*(\d+)", re.IGNORECASE)


def tokenise(sentence: str) -> list[_Token]:
    """Words with their offsets; a possessive "'s" is left out of the word it follows."""
    tokens = []
    for found in _TOKEN.finditer(plain_quotes(sentence)):
        text, start, end = found.group(), found.start(), found.end()
        possessive = text.endswith("'s") and len(text) > 2
        if possessive:
            text, end = text[:-2], end - 2
        capital = text[0].isupper()
        tokens.append(_Token(text, start, end, _fold_word(text), capital,
                             capital and len(text) > 1 and text.isupper(), possessive))
    return tokens


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    """`fold` for one token, the hot path: most words are plain ASCII letters."""
    if word.isascii() and word.isalnum():
        return word.lower()
    return fold(word)


class PlaceFinder:
    """Finds the places a sentence names; built once per run, then used per sentence."""

    def __init__(self, places: Sequence[Place] = (), *,
                 gazetteer: Gazetteer | Literal["auto"] | None = "auto",
                 focus_countries: Sequence[str] = ()) -> None:
        if gazetteer == "auto":
            from chronicle.extract.gazetteer import shared_gazetteer

            gazetteer = shared_gazetteer()
        self.gazetteer: Gazetteer | None = gazetteer
        self.curated: dict[str, list[Place]] = {}
        for place in places:
            for name in (place.name, *place.aliases):
                key = fold(name)
                if key and place not in self.curated.get(key, ()):
                    self.curated.setdefault(key, []).append(place)
        wanted = list(focus_countries) or sorted({p.country for p in places if p.country})
        self.focus: frozenset[str] = frozenset(
            code for code in (self._country_code(name) for name in wanted) if code)
        self._fuzzy: dict[str, set[str]] | None = None  # built on the first unknown word
        self._curated_cache: dict[str, PlaceMatch] = {}
        self._context_cache: dict[frozenset[str], frozenset[str]] = {}
        self._curated_heads = frozenset(key.split()[0] for key in self.curated if " " in key)

    # Public API --------------------------------------------------------------------------

    def find(self, sentence: str, countries: Collection[str] = ()) -> list[PlaceMatch]:
        """The places named in `sentence`, in order of appearance, never overlapping.

        `countries` (names or codes) are those the surrounding article is about: a town
        there ranks above a namesake elsewhere, and a village outside them and the focus
        countries is not trusted at all ("the village of Solhan" in a report on Burkina
        Faso is not Solhan, Turkey)."""
        context = self._context(countries)
        tokens = tokenise(sentence)
        matches: list[PlaceMatch] = []
        ends: dict[int, PlaceMatch] = {}  # token index after a match -> that match
        index, count = 0, len(tokens)
        while index < count:
            token = tokens[index]
            if not token.capital:
                size = self._curated_lowercase_run(tokens, index, sentence)
                if size:  # "in northern Mali", when "Northern Mali" is a curated area
                    first, last = token, tokens[index + size - 1]
                    key = " ".join(t.key for t in tokens[index:index + size])
                    cue = _cue_before(tokens, index, sentence, ends)
                    match = self._from_curated(self.curated[key][0],
                                               sentence[first.start:last.end], first.start,
                                               last.end, cue.relation)
                    matches.append(match)
                    index += size
                    ends[index] = match
                    continue
                index += 1
                continue
            found = self._longest(tokens, index, sentence)
            if found is None:
                index += 1
                continue
            size, key, fuzzy = found
            match = self._judge(sentence, tokens, index, size, key, fuzzy, ends, context)
            if match is None:
                index += 1
                continue
            matches.append(match)
            index += size
            ends[index] = match
        return matches

    def find_all(self, sentences: Sequence[str]) -> list[list[PlaceMatch]]:
        """The places of every sentence of one article, each judged knowing which countries
        the whole article names. A report on Burkina Faso in a Malian chronology finds the
        Burkinabe villages it names ("in Sebba"), and drops namesakes of its villages in
        countries it never mentions ("the village of Solhan" is not Solhan, Turkey)."""
        found = [self.find(sentence) for sentence in sentences]
        countries = {m.country for matches in found for m in matches
                     if m.country and (m.kind == "country" or m.source == "content")}
        if not countries:
            return found
        context = self._context(countries)
        beyond_focus = bool(context - self.focus)
        for number, matches in enumerate(found):
            if beyond_focus or any(m.source == "geonames" and m.kind in ("town", "city")
                                   and self._country_code(m.country or "") not in context
                                   | self.focus for m in matches):
                found[number] = self.find(sentences[number], countries)
        return found

    def _context(self, countries: Collection[str]) -> frozenset[str]:
        if not countries:
            return frozenset()
        key = frozenset(countries)
        codes = self._context_cache.get(key)
        if codes is None:
            codes = frozenset(c for c in map(self._country_code, key) if c)
            self._context_cache[key] = codes
        return codes

    def resolve(self, name: str) -> PlaceMatch | None:
        """The best single place for a name (for stub files): curated, exact, then fuzzy;
        "Kidal region" is the region, not the town."""
        key = fold(name)
        words = key.split()
        region = len(words) > 1 and (words[-1] in REGION_WORDS or words[-1] in AREA_WORDS)
        if region and key not in self.curated:
            key = " ".join(words[:-1])
        if not key:
            return None
        for candidate_key, fuzzy in ((key, False), *((k, True) for k in self._near(key))):
            picked = self._pick(candidate_key, region_after=region, fuzzy=fuzzy)
            if isinstance(picked, Place):
                return self._from_curated(picked, name, 0, len(name), None)
            if picked is not None:
                return _from_entry(picked[0], name, 0, len(name), None)
        return None

    # Lookup ------------------------------------------------------------------------------

    def _known(self, key: str) -> bool:
        return key in self.curated or (self.gazetteer is not None and key in self.gazetteer)

    def _longest(self, tokens: list[_Token], index: int,
                 sentence: str) -> tuple[int, str, bool] | None:
        """The longest run from `index` that is a known name: (size, key, fuzzy)."""
        keys = [tokens[index].key]
        last = min(len(tokens), index + MAX_TOKENS)
        for end in range(index + 1, last):
            gap = sentence[tokens[end - 1].end:tokens[end].start]
            if gap not in (" ", "-", "'", "’"):
                break
            keys.append(f"{keys[-1]} {tokens[end].key}")
        for size in range(len(keys), 0, -1):
            last_word = tokens[index + size - 1]
            if size > 1 and not last_word.capital and last_word.key not in REGION_WORDS \
                    and last_word.key not in AREA_WORDS:
                continue  # "Mocimboa da Praia", "Timbuktu region", not "Gao has"
            if self._known(keys[size - 1]):
                return size, keys[size - 1], False
        token = tokens[index]
        if "'" in token.text:  # "Aguel'hok" is also written "Aguelhok"
            joined = token.key.replace(" ", "")
            if self._known(joined):
                return 1, joined, False
        if len(token.key) >= FUZZY_MIN_LETTERS and token.key not in NEVER_ALONE:
            near = self._near(token.key)
            if near:
                return 1, near[0], True
        return None

    def _curated_lowercase_run(self, tokens: list[_Token], index: int, sentence: str) -> int:
        """The size of a curated name that starts with a lowercase word ("northern Mali",
        "central Mali"), or 0: only curated names may, since a person chose them."""
        if tokens[index].key not in self._curated_heads:
            return 0
        key = tokens[index].key
        for end in range(index + 1, min(len(tokens), index + MAX_TOKENS)):
            if sentence[tokens[end - 1].end:tokens[end].start] not in (" ", "-"):
                break
            key = f"{key} {tokens[end].key}"
            if tokens[end].capital and key in self.curated:
                return end - index + 1
        return 0

    def _near(self, key: str) -> list[str]:
        """Known names one edit from `key` (same first letter), curated and focus only."""
        letters = len(key.replace(" ", ""))
        if letters < FUZZY_MIN_LETTERS:
            return []
        if self._fuzzy is None:
            self._fuzzy = self._spelling_index()
        found: set[str] = set()
        for variant in _deletions(key):
            for candidate in self._fuzzy.get(variant, ()):
                if candidate != key and candidate[0] == key[0] and _one_edit(key, candidate) \
                        and (candidate in self.curated or letters >= FUZZY_MIN_LETTERS_GEONAMES):
                    found.add(candidate)
        return sorted(found, key=lambda k: (k not in self.curated, k))

    def _spelling_index(self) -> dict[str, set[str]]:
        """Each name under every way of dropping one letter (a symmetric-delete index):
        curated names, and the one-word names of the focus countries' GeoNames places."""
        index: dict[str, set[str]] = {}
        keys = [key for key in self.curated if len(key.replace(" ", "")) >= FUZZY_MIN_LETTERS]
        if self.gazetteer is not None:
            for code in sorted(self.focus):
                keys.extend(key for key in self.gazetteer.country_keys(code)
                            if len(key) >= FUZZY_MIN_LETTERS and " " not in key)
        for key in keys:
            for variant in _deletions(key):
                index.setdefault(variant, set()).add(key)
        return index

    # Judging a candidate -----------------------------------------------------------------

    def _judge(self, sentence: str, tokens: list[_Token], index: int, size: int, key: str,
               fuzzy: bool, ends: dict[int, PlaceMatch],
               context: frozenset[str] = frozenset()) -> PlaceMatch | None:
        """Accept the name at tokens[index:index+size] as a place, or say why not (None)."""
        first, last = tokens[index], tokens[index + size - 1]
        before = tokens[index - 1] if index else None
        after = tokens[index + size] if index + size < len(tokens) else None
        before_joined = before is not None and sentence[before.end:first.start] == " "
        after_joined = after is not None and sentence[last.end:after.start] == " "
        cue = _cue_before(tokens, index, sentence, ends)
        region_after = after_joined and after is not None and after.key in REGION_WORDS
        area_after = after_joined and after is not None and after.key in AREA_WORDS
        if before is not None and before.capital and before.key in TITLES:
            return None
        if not cue.strong and before_joined and before is not None and before.capital \
                and self._foreign_name_word(before):
            return None  # "Emmanuel Macron", "Ibrahim Boubacar Keita"
        if after_joined and after is not None and after.capital and not region_after \
                and not area_after and self._foreign_name_word(after):
            return None  # "Keita Boubacar", "Mali National Police"
        if size == 1 and not first.acronym and (key in NEVER_ALONE or key in NAME_PARTICLES):
            return None  # ("US" is a country, "us" is not)
        if size == 1 and key in DEMONYMS and not region_after and not (
                cue.strong and (not after_joined or after is None or after.key in ("and", "or"))):
            return None  # "the Somali parliament", but "in Tigray, Amhara and Afar regions"
        if sentence[first.start - 1:first.start] in ("-", "'") and before is not None \
                and before.end == first.start - 1:
            return None  # inside a longer name: "Maarat al-Numan", "Al-Shabaab"
        picked = self._pick(key, region_after=region_after or area_after, fuzzy=fuzzy,
                            context=context)
        if picked is None:
            return None
        strong = cue.strong or region_after or area_after
        letters = len(key.replace(" ", ""))
        everyday = size == 1 and (key in CUE_ONLY or (letters <= 3 and not first.acronym))
        if isinstance(picked, Place):
            if everyday and not strong and not self._big_focus_town(key):
                return None
            return self._from_curated(picked, sentence[first.start:last.end], first.start,
                                      last.end, cue.relation)
        entry, own_name = picked
        dateline = index == 0 and first.acronym and sentence[last.end:last.end + 1] == ","
        strong = strong or dateline  # "BAMAKO, Mali (Reuters) -"
        if entry.kind != "country":
            if first.acronym and not dateline:
                return None  # "UN", "AFP", "MINUSMA" are no towns
            if size == 1 and not strong and after is not None and after.key in SPEECH_VERBS:
                return None  # "Keita said"
        if everyday and not strong and not self._big_focus_town(key):
            return None
        home = entry.country_code in self.focus or entry.country_code in context
        if entry.kind == "city" and not home and not self._trust_far_town(
                entry, own_name, key, size, index, cue, strong=strong, everyday=everyday,
                context=context):
            return None
        return _from_entry(entry, sentence[first.start:last.end], first.start, last.end,
                           cue.relation)

    def _trust_far_town(self, entry: GazetteerEntry, own_name: bool, key: str, size: int,
                        index: int, cue: _Cue, *, strong: bool, everyday: bool,
                        context: frozenset[str]) -> bool:
        """Whether a town outside the chronology's and the article's countries is meant:
        the smaller it is and the weaker its cue, the likelier the name means something
        else (a surname, a word, a village in another country)."""
        population = entry.population
        if context and (population < BIG_TOWN or (not own_name and population < CITY)):
            return False  # a town in a country the article never names
        if not cue.specific and population < SMALL_TOWN and (everyday or self.focus):
            return False  # "in Moura" is Portugal's only if "the village of" says so;
            #               "an attack on Al ..." is not Ål, Norway
        if not own_name and size == 1 and not cue.specific and population < CITY \
                and not _like(key, entry.name):
            return False  # "on Google": an alternate name of Topeka, never meant
        if strong:
            return True
        if population < SMALL_TOWN:
            return False
        if not own_name and (population < ALTERNATE_TOWN or (size == 1 and population < CITY)):
            return False  # "Hamas" is an alternate name of Hamm, "Rapid" of Rapid City
        return index > 0 or population >= BIG_TOWN  # a capitalised first word is weak

    def _foreign_name_word(self, token: _Token) -> bool:
        """A capitalised neighbour that makes the name part of a longer one ("Emmanuel
        Macron", "Macina Liberation Front"), rather than a word like "Northern" or "Airport".
        A GeoNames town does not count as a place here: every surname is one somewhere."""
        if token.acronym or token.key in NAME_NEIGHBOURS or token.key in DIRECTIONS \
                or token.key in NEVER_ALONE:
            return False
        if token.key in TITLES or token.key in CUE_ONLY_NAMES or token.key in NAME_PARTICLES:
            return True
        if token.key in self.curated:
            return False
        if self.gazetteer is not None:
            return not any(entry.kind in ("country", "area")
                           for entry in self.gazetteer.lookup(token.key))
        return True

    def _big_focus_town(self, key: str) -> bool:
        """'Gao' needs no cue in a Malian chronology: it is a city of 130,000 there."""
        if key in CUE_ONLY or self.gazetteer is None:
            return False
        return any(entry.kind == "city" and entry.population >= BIG_TOWN
                   and (not self.focus or entry.country_code in self.focus)
                   for entry in self.gazetteer.lookup(key))

    # Choosing among places with one name -------------------------------------------------

    def _pick(self, key: str, *, region_after: bool, fuzzy: bool,
              context: frozenset[str] = frozenset()
              ) -> Place | tuple[GazetteerEntry, bool] | None:
        """The place a name most likely means: curated first, then by rank in GeoNames
        (with whether `key` is that place's own name rather than an alternate one).

        Before "region" or "province" a region is meant, so a curated town of that name
        gives way to the region ("the Kidal region" is not the town of Kidal)."""
        curated = self.curated.get(key, [])
        if region_after:
            regions = [p for p in curated if p.kind in ("region", "area")]
            if regions:
                return regions[0]
        named = self.gazetteer.lookup_named(key) if self.gazetteer is not None else []
        if fuzzy:  # a misspelling is only trusted inside the chronology's own countries
            named = [(e, own) for e, own in named if e.country_code in self.focus]
        if region_after and any(e.kind in ("region", "area") for e, _ in named):
            return max(named, key=lambda pair: self._rank(*pair, True, context))
        if curated:
            return curated[0]
        if not named:
            return None
        return max(named, key=lambda pair: self._rank(*pair, False, context))

    def _rank(self, entry: GazetteerEntry, own: bool, region_after: bool,
              context: frozenset[str]) -> tuple:
        """Countries and areas, then the chronology's own countries, then those the article
        names, then towns before regions, then size; a place known by the name only as an
        alternate one counts a twentieth of its size ("Islamabad" is an old name of
        Chattogram, six times Islamabad's size)."""
        focus = entry.country_code in self.focus
        near = entry.country_code in context
        weight = entry.population if own else entry.population / 20
        if region_after:  # "the Sahel region" is the Sahel, not Burkina Faso's Sahel region
            return (entry.kind in ("region", "area"), entry.kind == "area", focus, near, weight)
        preferred = {"country": 3, "area": 2, "city": 1, "region": 0}[entry.kind]
        return (entry.kind in ("country", "area"), focus, near, preferred, weight)

    def _from_curated(self, place: Place, text: str, start: int, end: int,
                      relation: str | None) -> PlaceMatch:
        base = self._curated_cache.get(place.id)
        if base is None:
            base = self._complete(place)
            self._curated_cache[place.id] = base
        return replace(base, text=text, start=start, end=end, relation=relation)

    def _complete(self, place: Place) -> PlaceMatch:
        """A curated place, its missing country, region or coordinates filled from GeoNames."""
        found = _GEONAMES_ID.search(place.coordinates_source or "")
        geonameid = int(found.group(1)) if found else None
        country, admin1, lat, lon = place.country, place.admin1, place.lat, place.lon
        if self.gazetteer is not None and (country is None or admin1 is None or lat is None):
            for entry in self.gazetteer.lookup(fold(place.name)):
                if entry.kind == "country" or (country and entry.country != country):
                    continue
                country = country or entry.country
                admin1 = admin1 or entry.admin1
                if lat is None or lon is None:
                    lat, lon = entry.lat, entry.lon
                geonameid = geonameid or entry.geonameid
                break
        return PlaceMatch(name=place.name, text=place.name, start=0, end=len(place.name),
                          kind=place.kind, country=country, admin1=admin1, lat=lat, lon=lon,
                          place_id=place.id, source="content", geonameid=geonameid,
                          relation=None)

    def _country_code(self, name: str) -> str | None:
        if self.gazetteer is None:
            return name.upper() if len(name) == 2 else name
        return self.gazetteer.country_code(name)


# Context -------------------------------------------------------------------------------

def _cue_before(tokens: list[_Token], index: int, sentence: str,
                ends: dict[int, PlaceMatch]) -> _Cue:
    """What the words before a name say about it, up to seven words back."""
    strong, relation = False, None
    position = index - 1
    listed = _listed_after(tokens, index, sentence, ends)
    if listed is not None:
        return listed
    while position >= 0 and index - position <= 8:
        word = tokens[position].key
        if "," in sentence[tokens[position].end:tokens[position + 1].start]:
            break  # "playing nearby, Save the Children said": the cue ended with its clause
        if word == "of" and position >= 1:
            head = tokens[position - 1].key
            if head in DIRECTIONS:
                compound = _compound_direction(tokens, position - 1)
                return _Cue(True, f"{compound} of", specific=True)
            if head in PLACE_NOUNS:
                strong = True
                relation = "near" if head == "outskirts" else relation
                position -= 2
                continue
            break
        if word in CUE_PREPOSITIONS:
            return _Cue(True, relation or ("near" if word == "nearby" else word),
                        specific=strong)
        capital = tokens[position].capital
        if word in DESCRIPTORS or tokens[position].text[0].isdigit() \
                or (capital and (word in DEMONYMS or _demonym(word))) \
                or (capital and tokens[position].possessive):  # "in Niger's Tillaberi region"
            position -= 1
            continue
        break
    return _Cue(strong, relation, specific=strong)


def _listed_after(tokens: list[_Token], index: int, sentence: str,
                  ends: dict[int, PlaceMatch]) -> _Cue | None:
    """'between Timbuktu and Ber', 'in Gao, Kidal and Menaka': the cue carries down a list."""
    if index >= 2 and tokens[index - 1].key in ("and", "or") and (index - 1) in ends:
        earlier = ends[index - 1]
        if sentence[tokens[index - 2].end:tokens[index - 1].start].strip(" ,") == "":
            return _Cue(True, earlier.relation, specific=True) if earlier.relation else None
    if index >= 1 and index in ends:
        earlier = ends[index]
        if sentence[tokens[index - 1].end:tokens[index].start].strip() == ",":
            return _Cue(True, earlier.relation) if earlier.relation else None
    return None


def _compound_direction(tokens: list[_Token], position: int) -> str:
    """'north east of' written as 'north-east of' -> 'northeast'."""
    word = tokens[position].key
    if position and word in ("east", "west") and tokens[position - 1].key in ("north", "south"):
        return tokens[position - 1].key + word
    return word


_DEMONYM_ENDINGS = ("an", "ian", "ese", "ish", "i", "ien", "ois", "be")


def _demonym(key: str) -> bool:
    """'Malian', 'Nigerien', 'Sudanese', 'Somali', 'Burkinabe': an adjective, not a name."""
    return key.endswith(_DEMONYM_ENDINGS) and len(key) >= 5


def _from_entry(entry: GazetteerEntry, text: str, start: int, end: int,
                relation: str | None) -> PlaceMatch:
    kind = entry.kind
    if kind == "city":
        kind = "city" if entry.population >= BIG_TOWN else "town"
    return PlaceMatch(name=entry.name, text=text, start=start, end=end, kind=kind,
                      country=entry.country, admin1=entry.admin1, lat=entry.lat, lon=entry.lon,
                      place_id=None, source="geonames", geonameid=entry.geonameid,
                      relation=relation)


def _like(key: str, name: str) -> bool:
    """An alternate name that is a spelling of the place's own ("Kiev" of Kyiv), not a
    different name ("Google" of Topeka): they start alike."""
    return key[:1] == _fold_word(name)[:1]


def _deletions(key: str) -> set[str]:
    return {key} | {key[:i] + key[i + 1:] for i in range(len(key))}


def _one_edit(a: str, b: str) -> bool:
    """Levenshtein distance 1, or two neighbouring letters swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) != len(b):
        shorter, longer = (a, b) if len(a) < len(b) else (b, a)
        return any(longer[:i] + longer[i + 1:] == shorter for i in range(len(longer)))
    differ = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(differ) == 1:
        return True
    return (len(differ) == 2 and differ[1] == differ[0] + 1
            and a[differ[0]] == b[differ[1]] and a[differ[1]] == b[differ[0]])
