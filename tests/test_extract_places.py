"""Finding places in sentences: curated places and the world gazetteer, place cues,
spelling variants, and the words and names that must not become places."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chronicle.extract.places import PlaceFinder, PlaceMatch, tokenise
from chronicle.model import Place


def place(id: str, name: str, **fields) -> Place:
    return Place(id=id, name=name, path=f"content/places/{id}.yaml", **fields)


#: A Malian chronology's own places, as a person curates them: villages GeoNames lacks,
#: spellings the news uses, and one place with its region and coordinates left out.
CURATED = (
    place("aguelhok", "Aguelhok", aliases=("Aguel'hok", "Aguelhoc"), kind="town",
          country="Mali", admin1="Kidal", lat=19.46139, lon=0.85889),
    place("ber", "Ber", kind="town", country="Mali", admin1="Timbuktu"),
    place("archam", "Archam", aliases=("Arsham",), kind="village", country="Mali",
          admin1="Gao", lat=15.21667, lon=-0.3),
    place("kerena", "Kerena", aliases=("Kéréna",), kind="village", country="Mali",
          admin1="Mopti"),
    place("korioume", "Korioume", kind="village", country="Mali", admin1="Timbuktu"),
    place("douentza", "Douentza", kind="town", country="Mali"),  # admin1, lat, lon to fill
    place("timbuktu-region", "Timbuktu region", kind="region", country="Mali",
          admin1="Timbuktu"),
    place("northern-mali", "Northern Mali", kind="area", country="Mali"),
)


@pytest.fixture(scope="module")
def mali() -> PlaceFinder:
    """A Malian chronology: curated places, focus derived from them."""
    return PlaceFinder(CURATED)


@pytest.fixture(scope="module")
def sahel() -> PlaceFinder:
    """No curated places; the chronology covers the central Sahel."""
    return PlaceFinder((), focus_countries=("Mali", "Burkina Faso", "Niger"))


@pytest.fixture(scope="module")
def world() -> PlaceFinder:
    """No curated places and no focus: the whole world, ranked by population."""
    return PlaceFinder((), focus_countries=())


def names(matches: list[PlaceMatch]) -> list[str]:
    return [m.name for m in matches]


def by_text(matches: list[PlaceMatch]) -> dict[str, PlaceMatch]:
    return {m.text: m for m in matches}


# The seed cases (DESIGN §3, issue 4) -----------------------------------------------------

def test_near_the_village_of(mali: PlaceFinder) -> None:
    sentence = ("The incident occurred early on Sunday in the northeastern Kidal province "
                "near the village of Aguelhok.")
    kidal, aguelhok = mali.find(sentence)
    assert (kidal.name, kidal.kind, kidal.country, kidal.relation) == ("Kidal", "region", "Mali",
                                                                      "in")
    assert (aguelhok.place_id, aguelhok.source, aguelhok.relation) == ("aguelhok", "content",
                                                                       "near")
    assert sentence[aguelhok.start:aguelhok.end] == "Aguelhok"


def test_between_two_places_both_get_the_relation(mali: PlaceFinder) -> None:
    found = mali.find("Peacekeepers came under fire along a road between Timbuktu and Ber.")
    assert names(found) == ["Timbuktu", "Ber"]
    assert [m.relation for m in found] == ["between", "between"]
    assert found[1].place_id == "ber" and found[0].source == "geonames"
    assert found[0].admin1 == "Timbuktu" and found[0].lat is not None


def test_miles_south_of(mali: PlaceFinder) -> None:
    (douentza,) = mali.find("The second attack happened in Douenza, around 130 miles "
                            "south of")[:1]
    assert douentza.name == "Douentza"
    (timbuktu,) = mali.find("It lies around 130 miles south of Timbuktu.")
    assert (timbuktu.name, timbuktu.relation) == ("Timbuktu", "south of")


def test_the_central_city_of(mali: PlaceFinder) -> None:
    (timbuktu,) = mali.find("Gunmen attacked a UN base in the central city of Timbuktu.")
    assert (timbuktu.name, timbuktu.kind, timbuktu.relation) == ("Timbuktu", "town", "in")


def test_a_misspelt_curated_place_before_region(mali: PlaceFinder) -> None:
    (archam,) = mali.find("Fighting broke out in the Arsham region on Friday.")
    assert (archam.name, archam.text, archam.place_id) == ("Archam", "Arsham", "archam")
    assert archam.admin1 == "Gao" and archam.relation == "in"


def test_three_borders_is_an_area(mali: PlaceFinder) -> None:
    (area,) = mali.find("Jihadists roam the Three Borders region.")
    assert (area.name, area.kind) == ("Three Borders", "area")


def test_a_curated_region_wins_with_its_own_words(mali: PlaceFinder) -> None:
    (region,) = mali.find("Violence spread across the Timbuktu region last year.")
    assert (region.place_id, region.text) == ("timbuktu-region", "Timbuktu region")


def test_a_curated_name_may_start_in_lowercase(mali: PlaceFinder, sahel: PlaceFinder) -> None:
    sentence = "Jihadists took over towns in northern Mali in 2012."
    (area,) = mali.find(sentence)
    assert (area.place_id, area.text, area.relation) == ("northern-mali", "northern Mali", "in")
    assert names(sahel.find(sentence)) == ["Mali"]  # not curated there: the country


def test_curated_places_are_completed_from_geonames(mali: PlaceFinder) -> None:
    (douentza,) = mali.find("One peacekeeper was killed in Douentza.")
    assert douentza.place_id == "douentza"
    assert douentza.admin1 == "Mopti"  # filled from GeoNames, not curated
    assert douentza.lat is not None and douentza.geonameid == 2458334


# Spelling variants -----------------------------------------------------------------------

@pytest.mark.parametrize(("written", "name"), [
    ("Douenza", "Douentza"),  # a GeoNames alternate name
    ("Bourrem", "Bourem"),  # one letter too many: a GeoNames town in a focus country
    ("Tenenkoun", "Ténenkou"),
    ("Niafunky", "Niafunké"),  # one letter changed
    ("Arsham", "Archam"),  # a curated place, one letter changed
    ("Aguelhoc", "Aguelhok"),  # a curated alias
    ("Aguel'hok", "Aguelhok"),
    ("Aguel’hok", "Aguelhok"),  # typographic apostrophe
    ("Tombouctou", "Timbuktu"),  # French name
    ("Kéréna", "Kerena"),  # accents
    ("Tillabéri", "Tillabéri"),
])
def test_spellings_resolve_to_one_place(mali: PlaceFinder, sahel: PlaceFinder, written: str,
                                        name: str) -> None:
    finder = sahel if written == "Tillabéri" else mali
    sentence = f"Soldiers were deployed near {written} on Monday."
    (found,) = finder.find(sentence)
    assert found.name == name
    assert found.text == written == sentence[found.start:found.end]


def test_ber_is_not_berlin_without_the_curated_village(sahel: PlaceFinder) -> None:
    found = sahel.find("The convoy was attacked between Timbuktu and Ber.")
    assert names(found) == ["Timbuktu"]  # no Berlin, and not Veria (Greece), alias "Ber"


def test_fuzzy_matching_stays_inside_the_focus_countries(mali: PlaceFinder) -> None:
    # "Mogadishi" is one letter from Mogadishu, but Somalia is not this chronology's country.
    assert mali.find("Troops were deployed in Mogadishi.") == []
    # nor do short names bend: "Ber" is not Berlin, "Gao" not "Gap".
    assert names(mali.find("They met in Gap.")) != ["Gao"]


# Real-world sentences from several conflicts ---------------------------------------------

REAL_WORLD = [
    ("Suspected jihadists killed at least 20 people in an attack on Djibo in northern "
     "Burkina Faso on Sunday.", [("Djibo", "Burkina Faso"), ("Burkina Faso", "Burkina Faso")]),
    ("Gunmen stormed a military post near Ayorou in Niger's Tillaberi region, killing 12 "
     "soldiers.", [("Ayorou", "Niger"), ("Niger", "Niger"), ("Tillaberi", "Niger")]),
    ("Boko Haram fighters raided Gwoza, a town in Borno state, overnight.",
     [("Gwoza", "Nigeria"), ("Borno", "Nigeria")]),
    ("Al-Shabaab claimed a car bombing in Mogadishu that killed 10 people near the Somali "
     "parliament.", [("Mogadishu", "Somalia")]),
    ("Fighting between the army and M23 rebels spread to the outskirts of Goma, the capital "
     "of North Kivu.", [("Goma", "Democratic Republic of the Congo"),
                        ("Nord Kivu", "Democratic Republic of the Congo")]),
    ("Russian strikes on Kharkiv killed three civilians, Ukraine's regional governor said.",
     [("Kharkiv", "Ukraine"), ("Ukraine", "Ukraine")]),
    ("Rapid Support Forces seized El Geneina, the capital of West Darfur, in November.",
     [("Al-Junaynah", "Sudan"), ("Western Darfur", "Sudan")]),
    ("A suicide bomber attacked a mosque in the Afghan city of Kunduz during Friday prayers.",
     [("Kunduz", "Afghanistan")]),
    ("Houthi forces shelled residential areas of Taiz, Yemen's third-largest city.",
     [("Taiz", "Yemen"), ("Yemen", "Yemen")]),
    ("Syrian government aircraft bombed the town of Maarat al-Numan in Idlib province.",
     [("Idlib", "Syria")]),
    ("Islamic State militants ambushed an army convoy 40 km east of Menaka.",
     [("Ménaka", "Mali")]),
    ("Chadian soldiers repelled an attack on their base in Tessalit, in the Kidal region.",
     [("Tessalit", "Mali"), ("Kidal", "Mali")]),
    ("Dozens were killed when jihadists attacked the village of Solenzo in western Burkina "
     "Faso.", [("Solenzo", "Burkina Faso"), ("Burkina Faso", "Burkina Faso")]),
    ("Herders clashed with farmers near Bankass, in Mopti region, leaving 37 dead.",
     [("Bankass", "Mali"), ("Mopti", "Mali")]),
    ("Militants torched the market in Damboa, some 85 km south of Maiduguri.",
     [("Damboa", "Nigeria"), ("Maiduguri", "Nigeria")]),
    ("Kenyan troops with the African Union mission pulled out of Kismayo.",
     [("Kismayo", "Somalia")]),
    ("Protesters in Niamey demanded the departure of French forces.", [("Niamey", "Niger")]),
    ("Insurgents attacked Mocimboa da Praia in Cabo Delgado province.",
     [("Mocímboa da Praia", "Mozambique"), ("Cabo Delgado", "Mozambique")]),
    ("Shelling in Bakhmut and Avdiivka intensified, the Ukrainian military said.",
     [("Bakhmut", "Ukraine"), ("Avdiyivka", "Ukraine")]),
    ("Ethiopian federal forces entered Mekelle, the capital of Tigray, on Saturday.",
     [("Mek'ele", "Ethiopia"), ("Tigray", "Ethiopia")]),
    ("An explosion at a market in Beni killed eight people, the army spokesman said.",
     [("Beni", "Democratic Republic of the Congo")]),
    ("Two Togolese peacekeepers were wounded when their patrol hit a mine near Douentza.",
     [("Douentza", "Mali")]),
    ("Chadian troops deployed to N'Djamena and Lake Chad.",
     [("N'Djamena", "Chad"), ("Lake Chad", None)]),
]


@pytest.mark.parametrize(("sentence", "expected"), REAL_WORLD,
                         ids=[s.split()[0] + "-" + str(i) for i, (s, _) in
                              enumerate(REAL_WORLD)])
def test_real_world_sentences(sahel: PlaceFinder, sentence: str, expected) -> None:
    found = sahel.find(sentence)
    assert [(m.name, m.country) for m in found] == expected
    for match in found:
        assert sentence[match.start:match.end] == match.text


@pytest.mark.parametrize(("sentence", "expected"), REAL_WORLD[:8])
def test_the_same_sentences_without_any_focus(world: PlaceFinder, sentence: str,
                                              expected) -> None:
    assert [(m.name, m.country) for m in world.find(sentence)] == expected


def test_regions_before_region_words(sahel: PlaceFinder) -> None:
    by = by_text(sahel.find("Airstrikes hit Idlib province and Borno state, and Kidal "
                            "region."))
    assert {text: m.kind for text, m in by.items()} == {
        "Idlib": "region", "Borno": "region", "Kidal": "region"}


def test_a_wide_area_is_preferred_to_a_region_of_its_name(world: PlaceFinder) -> None:
    # Burkina Faso has a region called Sahel; "the Sahel region" is still the Sahel.
    (sahel,) = world.find("Jihadist violence spread across the Sahel region.")
    assert (sahel.name, sahel.kind, sahel.country) == ("Sahel", "area", None)


def test_regions_named_like_peoples(sahel: PlaceFinder) -> None:
    found = sahel.find("In Tigray, Amhara and Afar regions, fighting raged.")
    assert [(m.name, m.kind) for m in found] == [
        ("Tigray", "region"), ("Amhara", "region"), ("Afar", "region")]
    assert sahel.find("Amhara militias and Afar forces clashed near the Somali border.") == []


def test_a_town_is_preferred_to_its_region_without_a_region_word(sahel: PlaceFinder) -> None:
    (kidal,) = sahel.find("The army entered Kidal in November.")
    assert (kidal.kind, kidal.admin1) == ("town", "Kidal")


def test_the_chronologys_countries_rank_first(mali: PlaceFinder, world: PlaceFinder) -> None:
    # Nara is a Japanese city of 360,000 and a Malian town of 24,000.
    sentence = "Soldiers were sent to Nara on Monday."
    assert [m.country for m in mali.find(sentence)] == ["Mali"]
    assert [m.country for m in world.find(sentence)] == ["Japan"]


# Words and names that are not places -------------------------------------------------------

@pytest.mark.parametrize("sentence", [
    "Malian President Ibrahim Boubacar Keita visited the troops.",
    "Keita said the army would respond.",
    "French President Emmanuel Macron announced the end of Operation Barkhane.",
    "The UN envoy, Mahamat Saleh Annadif, condemned the attack.",
    "Say what you will about the mission, it stayed.",
    "The army retook Koro after heavy fighting.",  # Koro: a word-like name without a cue
    "May was a deadly month for civilians.",
    "The Islamic State in the Greater Sahara claimed responsibility.",
    "Victoria Nuland met officers.",
    "Ansar Dine was founded by Iyad Ag Ghaly.",
    "Amadou Koufa leads the Macina Liberation Front.",
    "Boko Haram and the Islamic State West Africa Province are rivals.",
    "Human Rights Watch called for an independent investigation.",
    "Colonel Assimi Goita took power in a coup in August 2020.",
    "Several soldiers were wounded, Reuters reported.",
    "The Red Cross said it had collected 12 bodies.",
    "Burkinabe Captain Ibrahim Traore seized power.",
    "MINUSMA said AFP reporters were not allowed in.",
    "North of the river, fighting continued.",
    "French jets struck Al Qaeda positions on Al Farouk hill.",  # not Ål, Norway
    "Satellite pictures on Google showed the burnt huts.",  # an alternate name of Topeka
    "Hamas fighters crossed the fence.",  # ... of Hamm
    "The Rapid Support Forces accused the army.",  # ... of Rapid City
    "Most residents fled before dawn.",  # Most, Czechia
    "Reading the statement, the spokesman wept.",  # Reading, England
    "Split between factions, the group weakened.",  # Split, Croatia
    "Mobile networks were cut for a week.",  # Mobile, Alabama
    "Jackson told reporters the convoy was safe.",  # Jackson, Mississippi
])
def test_no_place_in(mali: PlaceFinder, world: PlaceFinder, sentence: str) -> None:
    assert mali.find(sentence) == []
    assert world.find(sentence) == []


@pytest.mark.parametrize(("sentence", "name"), [
    ("Militants attacked the town of Koro.", "Koro"),
    ("Clashes were reported in San on Tuesday.", "San"),
    ("The convoy was ambushed near Say.", "Say"),
    ("Troops withdrew from Ber on Sunday.", "Ber"),
    ("The ministers met in Split on Monday.", "Split"),
])
def test_word_like_names_count_after_a_place_cue(mali: PlaceFinder, sentence: str,
                                                 name: str) -> None:
    assert names(mali.find(sentence)) == [name]


def test_a_name_never_matches_inside_a_word(mali: PlaceFinder) -> None:
    assert mali.find("Gaoan and Kidalese traders met Timbuktuans.") == []
    assert mali.find("Fighters of Ansar al-Gao and Jund al-Kidal were seen.") == []
    assert names(mali.find("Gao-based units left for Kidal.")) == ["Gao", "Kidal"]


def test_a_big_town_with_a_short_name_needs_no_cue(mali: PlaceFinder) -> None:
    assert names(mali.find("Gao was hit by a car bomb in 2017.")) == ["Gao"]


def test_possessives_and_acronym_countries(mali: PlaceFinder) -> None:
    found = mali.find("Mali's junta and the DRC's army both asked the US for help.")
    assert [(m.text, m.name) for m in found] == [
        ("Mali", "Mali"), ("DRC", "Democratic Republic of the Congo"),
        ("US", "United States")]


def test_datelines_and_headlines(mali: PlaceFinder) -> None:
    assert names(mali.find("BAMAKO, Mali (Reuters) - Gunmen killed 12 soldiers.")) == [
        "Bamako", "Mali"]
    assert names(mali.find("KIDAL, Feb 3 (AFP) - A mine exploded.")) == ["Kidal"]
    assert names(mali.find("MALI: 8 UN PEACEKEEPERS KILLED IN AGUELHOK ATTACK")) == [
        "Mali", "Aguelhok"]
    assert names(mali.find("Gunmen Kill Eight In Attack On Army Post Near Mopti")) == [
        "Mopti"]


def test_lists_carry_the_cue(mali: PlaceFinder) -> None:
    found = mali.find("Fighting raged in Gao, Kidal and Menaka.")
    assert [(m.name, m.relation) for m in found] == [
        ("Gao", "in"), ("Kidal", "in"), ("Ménaka", "in")]


def test_odd_input_gives_no_place_and_no_error(mali: PlaceFinder) -> None:
    assert mali.find("") == []
    assert mali.find("x" * 100_000) == []
    assert names(mali.find("😀 🇲🇱 مالي Attack in Gao.")) == ["Gao"]


def test_matches_are_ordered_and_never_overlap(mali: PlaceFinder) -> None:
    sentence = ("From Gao to Timbuktu and on to the Timbuktu region, Burkina Faso and "
                "Niger watched the Three Borders area.")
    found = mali.find(sentence)
    spans = [(m.start, m.end) for m in found]
    assert spans == sorted(spans)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    assert names(found) == ["Gao", "Timbuktu", "Timbuktu region", "Burkina Faso", "Niger",
                            "Three Borders"]


# Articles ----------------------------------------------------------------------------------

def test_an_article_s_countries_rule_out_namesakes_elsewhere(mali: PlaceFinder) -> None:
    sentences = [
        "Gunmen killed at least 79 people in northern Burkina Faso, the government said.",
        "Residents fled to the regional capital Dori.",
        "In 2021, jihadists killed about 160 people in the village of Solhan.",
    ]
    # Alone, "the village of Solhan" can only be Solhan, Turkey (GeoNames lacks the
    # Burkinabe village); in a report on Burkina Faso it is no place we know.
    assert [m.country for m in mali.find(sentences[2])] == ["Turkey"]
    found = mali.find_all(sentences)
    assert [[m.name for m in matches] for matches in found] == [["Burkina Faso"], ["Dori"], []]


def test_an_article_about_another_country_finds_its_villages(mali: PlaceFinder) -> None:
    sentences = ["Burkina Faso's army said 20 soldiers were killed on Sunday.",
                 "The attack took place in Sebba, near the border."]
    assert mali.find(sentences[1]) == []  # a small town far from this Malian chronology
    found = mali.find_all(sentences)
    assert [[(m.name, m.country) for m in matches] for matches in found] == [
        [("Burkina Faso", "Burkina Faso")], [("Sebba", "Burkina Faso")]]


def test_an_article_s_countries_rank_namesakes(world: PlaceFinder) -> None:
    sentence = "Soldiers were sent to Nara on Monday."
    assert [m.country for m in world.find(sentence)] == ["Japan"]
    assert [m.country for m in world.find(sentence, countries=["Mali"])] == ["Mali"]
    assert [m.country for m in world.find(sentence, countries=["ML"])] == ["Mali"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([
    "in", "near", "the", "village", "of", "Gao", "Kidal", "Ber", "and", "between", "Mali's",
    "Aguel'hok", "region", "San", "Keita", "President", ",", ".", "-", "’s", "É", "Tombouctou",
    "NIGER", "Three", "Borders", "south", "130", "miles", "  ",
]), max_size=25), st.text(max_size=20))
def test_any_text_gives_ordered_spans_that_quote_the_sentence(mali: PlaceFinder, words,
                                                              noise) -> None:
    sentence = " ".join(words) + noise
    found = mali.find(sentence)
    for match in found:
        assert sentence[match.start:match.end] == match.text
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))


# resolve ---------------------------------------------------------------------------------

def test_resolve_prefers_curated_then_geonames(mali: PlaceFinder) -> None:
    ber = mali.resolve("Ber")
    assert ber is not None and (ber.place_id, ber.source) == ("ber", "content")
    douenza = mali.resolve("Douenza")
    assert douenza is not None and douenza.name == "Douentza"
    tessalit = mali.resolve("Tessalit")
    assert tessalit is not None and tessalit.source == "geonames"
    assert (tessalit.country, tessalit.admin1) == ("Mali", "Kidal")
    assert tessalit.geonameid and tessalit.lat is not None
    assert mali.resolve("Nowhereville") is None
    assert mali.resolve("") is None


def test_resolve_a_region_by_its_name_and_region_word(mali: PlaceFinder) -> None:
    kidal = mali.resolve("Kidal region")
    assert kidal is not None and (kidal.name, kidal.kind) == ("Kidal", "region")
    assert mali.resolve("Kidal").kind == "town"
    curated = mali.resolve("Timbuktu region")
    assert curated is not None and curated.place_id == "timbuktu-region"
    assert mali.resolve("Tillaberi province").country == "Niger"


def test_curated_only_mode_needs_no_gazetteer() -> None:
    finder = PlaceFinder(CURATED, gazetteer=None)
    found = finder.find("Attackers struck Kerena and Aguel'hok, not Gao.")
    assert names(found) == ["Kerena", "Aguelhok"]
    assert finder.resolve("Arsham").name == "Archam"


def test_focus_countries_come_from_curated_places(mali: PlaceFinder) -> None:
    assert mali.focus == frozenset({"ML"})


# Speed -------------------------------------------------------------------------------------

def test_tokenise_keeps_offsets_and_drops_possessives() -> None:
    tokens = tokenise("Niger's army entered Aguel’hok.")
    assert [(t.text, t.start, t.end) for t in tokens] == [
        ("Niger", 0, 5), ("army", 8, 12), ("entered", 13, 20), ("Aguel'hok", 21, 30)]
