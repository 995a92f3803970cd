"""Extraction on articles it was not written against (issue 4, "Tests must show").

tests/heldout holds wire-style reports from the Sahel and other conflicts, labelled by the
seed conventions before the extractor was run on them. The shared scorer runs on them with an
empty chronology (only the gazetteer and the rules can help), and its score must not fall
below the level the rules reached. The unit tests below pin each rule the held-out misses led
to, on sentences of the same classes but not the same text.
"""

from __future__ import annotations

import datetime
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from chronicle.extract.actors import ActorFinder
from chronicle.extract.article import read_article
from chronicle.extract.command import event_record
from chronicle.extract.dates import find_dates
from chronicle.extract.events import Extractor
from chronicle.extract.places import PlaceFinder

REPO = Path(__file__).resolve().parent.parent
EVAL = REPO.parent / "shared" / "eval"
HELDOUT = REPO / "tests" / "heldout"
#: The score the rules reached on all 26 held-out articles. On the first 12: 0.684 before the
#: fixes they led to, 0.971 after; 13-16, written after those fixes, scored 0.773 on first
#: sight and led to the claim-date and expected-strike rules; 17-22 scored 0.893 on first
#: sight (actors 0.50) and led to the attribution, acronym, speaker, bare-soldiers,
#: group-reference and branch rules (0.975 on all 22 after them), and to showing a gazetteer
#: place as the article spells it (0.989); 23-26 scored 0.502 on first sight and led to the
#: place-in-a-name, hyphen, hospital, capture-cue, gang and most-named-group rules (0.991 on
#: all 26 after them).
FLOOR = 0.98


def test_heldout_score_holds(tmp_path):
    root = tmp_path / "empty"
    (root / "content").mkdir(parents=True)
    command = (f"{shlex.quote(sys.executable)} -m chronicle extract --root "
               f"{shlex.quote(str(root))} --json --published {{published}} {{file}}")
    result = subprocess.run(
        [sys.executable, str(EVAL / "score.py"), str(HELDOUT / "heldout.gold.yaml"),
         "--articles", str(HELDOUT), "--cmd", command, "-v"],
        cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "failed: 0" in result.stdout
    score = float(result.stdout.splitlines()[-1].split()[-1])
    assert score >= FLOOR, result.stdout


# --- the rules, one class of miss each -----------------------------------------------------

@pytest.fixture(scope="module")
def bare() -> Extractor:
    """No curated places and no gazetteer: the text alone must name the scene."""
    return Extractor(place_finder=PlaceFinder((), gazetteer=None))


@pytest.fixture(scope="module")
def world() -> Extractor:
    return Extractor(place_finder=PlaceFinder((), focus_countries=()))


def extract(extractor: Extractor, tmp_path: Path, text: str, published: str) -> list[dict]:
    path = tmp_path / "article.txt"
    path.write_text(text, encoding="utf-8")
    return [event_record(e) for e in extractor.extract(read_article(path, published))]


def brief(events: list[dict]) -> list[tuple]:
    return [(e["date"], e["place"], e["killed"], e["primary"]) for e in events]


@pytest.mark.parametrize("sentence", [
    "The RSF, at war with the army since April 2023, has besieged the city for a year.",
    "The blast was the deadliest since rebels took the town from the army in December.",
    "Violence has risen since the junta seized power in a coup in May 2021, analysts say.",
])
def test_a_date_inside_a_since_clause_starts_a_period(sentence):
    mentions = find_dates(sentence, datetime.date(2025, 2, 3))
    assert mentions and all(m.period for m in mentions)


def test_a_date_after_the_since_clause_is_an_event_again():
    mentions = find_dates("Since the attack in March, 20 more died in May.",
                          datetime.date(2025, 9, 1))
    assert [(m.text.strip(" ."), m.period) for m in mentions] == [
        ("in March", True), ("in May", False)]


def test_save_the_children_is_no_place(world, tmp_path):
    events = extract(world, tmp_path, (
        "A strike hit a telecommunications building in the port city of Hodeidah on Friday, "
        "killing three children who were playing nearby, Save the Children said.\n"),
        "2022-01-22")
    assert brief(events) == [("2022-01-21", "Hodeidah", 3, True)]


@pytest.mark.parametrize("sentence, place", [
    ("Gunmen killed 12 people in an attack on a gendarmerie post at Foutouri on Monday.",
     "Foutouri"),
    ("On Monday, rebels killed at least eight people in Kamango, a village near the border.",
     "Kamango"),
    ("On Monday, fighters stormed the Abu Shouk displacement camp, killing 40 people.",
     "Abu Shouk"),
    ("On Monday, a drone hit the market in the city of Kadugli, killing 12 people.", "Kadugli"),
])
def test_a_place_noun_names_a_village_the_gazetteer_lacks(bare, tmp_path, sentence, place):
    events = extract(bare, tmp_path, sentence + "\n", "2024-05-14")
    assert brief(events) == [("2024-05-13", place, events[0]["killed"], True)]
    assert events[0]["killed"] in (8, 12, 40)


def test_a_village_named_once_with_a_cue_is_known_bare_later(bare, tmp_path):
    events = extract(bare, tmp_path, (
        "Gunmen killed at least 30 civilians late on Saturday in the town of Tabankort, "
        "officials said on Monday.\n\n"
        "Tabankort, in the east, had already been attacked in March, when 18 soldiers were "
        "killed.\n\n"
        "That came days after nine police officers were killed at a checkpoint in Tabankort "
        "on Thursday.\n"), "2022-06-13")
    assert brief(events) == [
        ("2022-06-11", "Tabankort", 30, True),
        ("2022-03", "Tabankort", 18, False),
        ("2022-06-09", "Tabankort", 9, True),
    ]


def test_background_that_names_only_a_country_and_no_dead_is_no_event(world, tmp_path):
    events = extract(world, tmp_path, (
        "Gunmen killed 20 people in an attack on a market in Gao on Sunday, officials said.\n\n"
        "Mali's ruling junta, which seized power in a coup in August 2020, has turned to "
        "Russian mercenaries for help in fighting the insurgency.\n\n"
        "In 2017, 60 people were killed in a suicide bombing in Mali.\n"), "2022-08-08")
    assert brief(events) == [("2022-08-07", "Gao", 20, True), ("2017", "Mali", 60, False)]


def test_the_headline_adds_to_the_news_event_and_opens_none(world, tmp_path):
    events = extract(world, tmp_path, (
        "Jihadists kill at least 40 farmers in Nigeria's Borno, officials say\n\n"
        "Insurgents killed at least 40 farmers in an attack on Saturday near the village of "
        "Kwatandashi, officials said on Sunday. Boko Haram was blamed.\n"), "2020-11-29")
    assert brief(events) == [("2020-11-28", "Kwatandashi", 40, True)]


@pytest.mark.parametrize("dateline", [
    "BENI, Democratic Republic of Congo (Reuters) - ",
    "KHARTOUM/CAIRO (Reuters) - ",
    "GOMA, Congo (Al Jazeera) — ",
])
def test_a_dateline_is_where_the_report_was_filed_not_the_scene(world, tmp_path, dateline):
    events = extract(world, tmp_path, (
        dateline + "Rebels killed at least 20 people in the village of Bunyuka on Sunday, "
        "officials said.\n"), "2023-03-06")
    assert brief(events) == [("2023-03-05", "Bunyuka", 20, True)]
    assert events[0]["places"] == ["Bunyuka"]


def test_a_sentence_dated_only_by_since_adds_no_actors(world, tmp_path):
    events = extract(world, tmp_path, (
        "Rebels of the Allied Democratic Forces killed 20 people in the village of Bunyuka on "
        "Sunday, officials said.\n\n"
        "Congolese and Ugandan troops have fought the group in joint operations since 2021.\n"),
        "2023-03-06")
    assert [e["actors"] for e in events] == [["Allied Democratic Forces"]]


@pytest.mark.parametrize("comment", [
    "The Taliban, who seized the capital in August, condemned the bombing.",
    "The Taliban strongly condemned the attack.",
    "The Taliban-run health ministry said 12 people were wounded in the attack.",
])
def test_who_comments_on_or_runs_an_office_is_no_party(world, tmp_path, comment):
    events = extract(world, tmp_path, (
        "A suicide bomber killed at least 30 people at a mosque in Kunduz on Friday, "
        "officials said. The Islamic State group claimed the attack.\n\n" + comment + "\n"),
        "2021-10-08")
    assert events[0]["place"] == "Kunduz"
    assert events[0]["actors"] == ["Islamic State"]


def test_who_is_only_described_as_linked_to_a_group_brings_no_party(world, tmp_path):
    events = extract(world, tmp_path, (
        "Gunmen killed 20 soldiers at an army post near Menaka on Sunday, officials said.\n\n"
        "Menaka lies in a zone where fighters linked to al-Qaida and the Islamic State group "
        "have repeatedly ambushed troops.\n"), "2022-08-08")
    assert events[0]["actors"] == ["Malian army"]  # the soldiers killed; no group


def test_the_coalition_told_again_by_its_head_noun(world, tmp_path):
    events = extract(world, tmp_path, (
        "An air strike by the Saudi-led coalition killed 14 people in Saada on Friday, "
        "medics said.\n\n"
        "A coalition strike in Hajjah on Friday killed three children, aid workers said.\n"),
        "2022-01-22")
    assert [e["actors"] for e in events] == [["Saudi-led coalition"]] * 2
    assert len({e["place"] for e in events}) == 2


def test_the_countrys_army_is_the_army_of_the_articles_country(world, tmp_path):
    events = extract(world, tmp_path, (
        "Seventy soldiers were killed in an attack on a camp near Diffa in Niger on Tuesday, "
        "the deadliest attack on the country's army in years, officials said.\n"),
        "2019-12-12")
    assert events[0]["actors"] == ["Nigerien army"]


def test_a_later_named_base_refines_a_lead_that_named_only_a_region(world, tmp_path):
    events = extract(world, tmp_path, (
        "Jihadists killed 40 soldiers in an attack on a base in the Lake Chad region on "
        "Monday, officials said.\n\n"
        '"We lost 40 of our soldiers," the president said after visiting the base at Bohoma, '
        "in Lac province.\n"), "2020-03-24")
    assert brief(events) == [("2020-03-23", "Bohoma", 40, True)]


@pytest.mark.parametrize("sentence", [
    "JNIM claimed the attack on Sunday, saying it had targeted militias.",
    "The group claimed responsibility for the deadly raid on Tuesday afternoon.",
])
def test_the_day_of_a_claim_is_no_day_of_the_attack(sentence):
    mentions = find_dates(sentence, datetime.date(2024, 8, 26))
    assert [m.reported for m in mentions] == [True]


def test_the_day_of_an_attack_is_still_its_day():
    mentions = find_dates("Gunmen attacked the camp on Sunday.", datetime.date(2024, 8, 26))
    assert [(m.date.iso(), m.reported) for m in mentions] == [("2024-08-25", False)]


def test_a_claim_told_a_day_later_adds_to_the_attack(world, tmp_path):
    events = extract(world, tmp_path, (
        "Jihadists killed at least 100 people on Saturday in an attack near the town of "
        "Barsalogho, security sources said on Monday.\n\n"
        "JNIM claimed the attack on Sunday, saying it had targeted militias in Kaya.\n"),
        "2024-08-26")
    assert brief(events) == [("2024-08-24", "Barsalogho", 100, True)]
    assert events[0]["actors"] == ["JNIM"]


def test_strikes_only_expected_are_no_event(world, tmp_path):
    events = extract(world, tmp_path, (
        "A missile killed 20 people in an apartment block in Dnipro on Saturday, officials "
        "said.\n\n"
        "Officials in Kyiv said they expected more strikes on power plants.\n"), "2023-01-15")
    assert brief(events) == [("2023-01-14", "Dnipro", 20, True)]


# --- rules from the six articles 17-22 (Niger, Ethiopia, Iraq, Pakistan, Colombia, Mozambique)

def test_since_a_date_when_something_happened_dates_that_event():
    mentions = find_dates("No bomb has hit the city since March 2019, when a car bomb killed 20.",
                          datetime.date(2024, 5, 1))
    assert [(m.date.iso(), m.period) for m in mentions] == [("2019-03", False)]


def test_since_a_date_alone_still_starts_a_period():
    mentions = find_dates("No bomb has hit the city since March 2019.", datetime.date(2024, 5, 1))
    assert [m.period for m in mentions] == [True]


@pytest.mark.parametrize("habit", [
    "Convoys on the road to Menaka are often hit by roadside bombs.",
    "Rebel cells still carry out ambushes in the hills around Rutshuru.",
    "Peace returned to Marawi in 2017 after five months of fighting.",
])
def test_what_keeps_happening_is_no_event(world, tmp_path, habit):
    events = extract(world, tmp_path, (
        "Gunmen killed 15 villagers in the village of Tabankort on Sunday, officials said.\n\n"
        + habit + "\n"), "2024-05-14")
    assert brief(events) == [("2024-05-12", "Tabankort", 15, True)]


def test_a_vague_toll_of_one_side_is_not_added_to_an_exact_toll():
    from chronicle.extract.casualties import find_casualties
    from chronicle.extract.events import DraftEvent, _total
    event = DraftEvent()
    for sentence in ("Twelve soldiers were killed in the ambush.",
                     "Troops killed dozens of the attackers, the army said."):
        for count in find_casualties(sentence):
            event.counts.setdefault((count.kind, count.side), []).append(count)
    assert _total(event, "killed") == 12


@pytest.mark.parametrize("blame, actor", [
    ("Villagers blamed the Sudan Liberation Army (SLA), which has fought government forces "
     "in the area since last year.", "Sudan Liberation Army"),
    ("The Arakan Liberation Front (ALF) claimed responsibility in a message to reporters.",
     "Arakan Liberation Front"),
    ("Police accused the Patriotic Defence Front (PDF), a faction of former rebels who "
     "rejected the peace deal.", "Patriotic Defence Front"),
])
def test_who_is_blamed_or_claims_joins_the_event_told(world, tmp_path, blame, actor):
    events = extract(world, tmp_path, (
        "Gunmen killed 15 villagers in the village of Tabankort on Sunday, officials said.\n\n"
        + blame + "\n"), "2024-05-14")
    assert brief(events) == [("2024-05-12", "Tabankort", 15, True)]
    assert events[0]["actors"] == [actor]


def test_an_acronym_introduced_once_names_the_group_later(world, tmp_path):
    events = extract(world, tmp_path, (
        "Gunmen killed 15 villagers in Quetta on Sunday, officials said. The Baloch Republican "
        "Front (BRF) is active in the area.\n\n"
        "In March 2023, a bombing claimed by the BRF killed nine policemen in Quetta.\n"),
        "2024-05-14")
    assert [(e["date"], e["actors"]) for e in events][1] == (
        "2023-03", ["Baloch Republican Front", "Pakistani police"])


@pytest.mark.parametrize("speaker", [
    "A spokesman for the Kenyan contingent said the attack was repelled.",
    "The Kenyan army spokesman confirmed the attack.",
])
def test_who_only_speaks_of_the_attack_is_no_party(world, tmp_path, speaker):
    events = extract(world, tmp_path, (
        "Al-Shabaab fighters killed 12 civilians in an attack on Beledweyne on Sunday, "
        "officials said.\n\n" + speaker + "\n"), "2024-05-14")
    assert events[0]["place"] == "Beledweyne"
    assert events[0]["actors"] == ["Al-Shabaab"]


def test_soldiers_with_no_nation_are_the_countrys_army(world, tmp_path):
    events = extract(world, tmp_path, (
        "Gunmen killed nine soldiers in an attack on a checkpoint near Gao in Mali on Sunday, "
        "officials said.\n"), "2024-05-14")
    assert events[0]["actors"] == ["Malian army"]


@pytest.mark.parametrize("others", [
    "France sent troops to Gao in Mali in 2013 after attacks on the town.",
    "Two soldiers with the UN mission were killed in an attack on Gao in Mali on Sunday.",
    "Troops were pursuing the attackers who killed 12 people in Gao in Mali on Sunday.",
])
def test_soldiers_of_another_or_only_answering_are_not_the_army_of_the_scene(world, tmp_path,
                                                                              others):
    events = extract(world, tmp_path, others + "\n", "2024-05-14")
    assert all("Malian army" not in e["actors"] for e in events)


def test_the_army_alone_is_the_army_of_the_scene():
    from chronicle.extract.actors import ActorFinder
    found = ActorFinder().find("The army said it had killed 30 militants near Djibo.",
                               "Burkina Faso")
    assert [m.name for m in found] == ["Burkinabe army"]


def test_police_officers_with_no_nation_are_the_countrys_police(world, tmp_path):
    events = extract(world, tmp_path, (
        "Three police officers were killed when a bomb exploded near a police station in "
        "Kandahar in Afghanistan on Sunday, officials said.\n"), "2024-05-14")
    assert events[0]["actors"] == ["Afghan police"]


@pytest.mark.parametrize("later, place", [
    ("In a separate attack the same night, the rebels killed six people in Butembo.", "Butembo"),
    ("The armed group had killed nine people in Butembo in January.", "Butembo"),
])
def test_the_group_told_again_is_the_group_named_last(world, tmp_path, later, place):
    events = extract(world, tmp_path, (
        "Fighters of the Allied Democratic Forces killed 20 people in the village of Bunyuka "
        "on Sunday, officials said.\n\n" + later + "\n"), "2023-03-06")
    assert [(e["place"], e["actors"]) for e in events] == [
        ("Bunyuka", ["Allied Democratic Forces"]), (place, ["Allied Democratic Forces"])]


def test_the_group_told_again_needs_a_group_named_before(world, tmp_path):
    events = extract(world, tmp_path, (
        "Gunmen killed 20 people in the village of Bunyuka on Sunday, officials said.\n\n"
        "The rebels killed six more people in Butembo on Sunday.\n"), "2023-03-06")
    assert [e["actors"] for e in events] == [[], []]


def test_who_was_among_the_victims_is_a_party(world, tmp_path):
    events = extract(world, tmp_path, (
        "Jihadists killed 40 people in an attack near the town of Djibo on Sunday, officials "
        "said.\n\n"
        "Members of the Homeland Defence Volunteers (HDV), a civilian militia, were among the "
        "victims, the minister said.\n"), "2024-05-14")
    assert events[0]["actors"] == ["Homeland Defence Volunteers"]


def test_a_groups_own_branch_is_one_party_with_it(world, tmp_path):
    events = extract(world, tmp_path, (
        "Jihadists killed 40 soldiers at a base near Diffa in Niger on Sunday, officials said.\n\n"
        "The Islamic State group claimed the attack, saying its fighters of the Islamic State "
        "West Africa Province had carried it out.\n"), "2024-05-14")
    assert events[0]["actors"] == ["Nigerien army", "Islamic State West Africa Province"]


def test_a_splinter_group_is_a_party_of_its_own():
    from chronicle.extract.actors import ActorFinder
    from chronicle.extract.events import _merge_affiliates
    text = "Boko Haram and its splinter group, Islamic State West Africa Province, attacked Baga."
    actors = _merge_affiliates(text, ActorFinder().find(text, "Nigeria"))
    assert [a.name for a in actors] == ["Boko Haram", "Islamic State West Africa Province"]


def test_a_gazetteer_place_is_shown_as_the_article_spells_it(world, tmp_path):
    events = extract(world, tmp_path, (
        "A missile killed 13 people in an apartment block in Zaporizhzhia on Sunday, officials "
        "said.\n"), "2022-10-10")
    assert brief(events) == [("2022-10-09", "Zaporizhzhia", 13, True)]


@pytest.mark.parametrize("written, source, shown", [
    ("Tarmiyah", "geonames", "Tarmiyah"),
    ("TARMIYAH", "geonames", "Aţ Ţārmīyah"),  # a dateline's capitals are no spelling
    ("Tarmiyah", "content", "Aţ Ţārmīyah"),  # a curated place keeps its name
])
def test_which_spelling_a_place_is_shown_in(written, source, shown):
    from chronicle.extract.command import shown_name
    from chronicle.extract.places import PlaceMatch
    place = PlaceMatch("Aţ Ţārmīyah", written, 0, len(written), "town", "Iraq", "Baghdad",
                       None, None, None, source, None, "in")
    assert shown_name(place) == shown


# --- rules from the four articles 23-26 (Tinzaouaten, Kismayo, Reasi, Pont-Sonde) ---------

def test_a_place_inside_a_groups_name_is_no_scene(world, tmp_path):
    events = extract(world, tmp_path, (
        "Rebels killed 30 soldiers near Kidal in Mali on Saturday, officials said.\n\n"
        "The Movement for the Liberation of Azawad (MLA) said on Sunday it had killed 30 "
        "soldiers on Saturday.\n"), "2024-07-29")
    assert [(e["place"], e["actors"]) for e in events] == [
        ("Kidal", ["Malian army", "Movement for the Liberation of Azawad"])]


@pytest.mark.parametrize("sentence, place", [
    ("Gunmen killed 70 people in the town of Pont-Sonde in Haiti on Thursday.", "Pont-Sonde"),
    ("On Thursday, gunmen killed 12 people in Wagner in Mali, officials said.", None),
])
def test_a_piece_of_a_name_or_an_actors_name_is_no_place(world, tmp_path, sentence, place):
    events = extract(world, tmp_path, sentence + "\n", "2024-10-04")
    assert all(e["place"] in (place, "Haiti", "Mali") for e in events)
    assert place is None or events[0]["place"] == place


def test_where_the_wounded_were_taken_is_no_scene(world, tmp_path):
    events = extract(world, tmp_path, (
        "Gunmen killed nine people near the village of Tangri on Sunday, police said.\n\n"
        "At least 30 others were injured and were taken to hospitals in Jammu.\n"),
        "2024-06-10")
    assert brief(events) == [("2024-06-09", "Tangri", 9, True)]
    assert events[0]["injured"] == 30


@pytest.mark.parametrize("sentence", [
    "The bus came under fire near Kismayo on Sunday.",
    "The army retook Kismayo on Sunday.",
    "The rebels were driven out of Kismayo on Sunday.",
])
def test_fire_capture_and_expulsion_are_events(world, tmp_path, sentence):
    events = extract(world, tmp_path, sentence + "\n", "2024-06-10")
    assert [(e["date"], e["place"]) for e in events] == [("2024-06-09", "Kismayo")]


@pytest.mark.parametrize("sentence, actor", [
    ("Members of the Village Boys gang killed 20 people in Cabaret on Sunday.",
     "Village Boys gang"),
    ("Police said they suspected fighters of Jaish-e-Mohammed, a Pakistan-based group, of "
     "killing 20 people in Cabaret on Sunday.", "Jaish-e-Mohammed"),
])
def test_gangs_and_fighters_of_a_named_group(world, tmp_path, sentence, actor):
    events = extract(world, tmp_path, sentence + "\n", "2024-06-10")
    assert events[0]["actors"] == [actor]


def test_security_forces_are_the_countrys_unless_sent_to_search(world, tmp_path):
    events = extract(world, tmp_path, (
        "Gunmen stormed a hotel in Kismayo in Somalia on Sunday, killing nine people before "
        "security forces killed the attackers.\n\n"
        "Officials launched a search for accomplices with police and security forces.\n"),
        "2024-03-18")
    assert events[0]["actors"] == ["Somali army"]
    found = ActorFinder().find("Officials launched a search with army soldiers.", "Somalia")
    assert found == []


def test_a_mainly_hindu_district_is_no_place_name():
    from chronicle.extract.events import _places_by_cue
    assert [p.name for p in _places_by_cue("Attacks in Reasi, a mainly Hindu district.")] == []
    assert [p.name for p in _places_by_cue("Attacks in the Rajouri district.")] == ["Rajouri"]


def test_a_group_stepping_up_attacks_is_no_event(world, tmp_path):
    events = extract(world, tmp_path, (
        "Gunmen killed 14 bus passengers near Mastung in Pakistan on Thursday, police said.\n\n"
        "Separatists have stepped up attacks on security forces in Quetta this year.\n"),
        "2025-02-21")
    assert brief(events) == [("2025-02-20", "Mastung", 14, True)]


def test_the_rebels_are_the_group_named_most(world, tmp_path):
    events = extract(world, tmp_path, (
        "The Movement for the Liberation of Azawad (MLA) said it killed 30 soldiers near Kidal "
        "in Mali on Saturday. The MLA said five of its fighters were killed.\n\n"
        "JNIM also said it had attacked the soldiers.\n\n"
        "The rebels had taken the town of Ber in March 2023, when 12 people were killed.\n"),
        "2024-07-29")
    assert events[-1]["date"] == "2023-03"
    assert "JNIM" not in events[-1]["actors"]
    assert "Movement for the Liberation of Azawad" in events[-1]["actors"]
