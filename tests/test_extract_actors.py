"""Actors in wire-report sentences: known names, new names, and what is not a party."""

from __future__ import annotations

import pytest

from chronicle.extract.actors import ActorFinder
from chronicle.model import Actor


@pytest.fixture(scope="module")
def finder() -> ActorFinder:
    return ActorFinder()


CASES = [
    # (sentence, country of the event, actor names expected)
    ("Boko Haram militants attacked a military base in Borno state overnight.", "Nigeria",
     ["Boko Haram"]),
    ("Al-Shabaab fighters stormed a hotel in central Mogadishu.", "Somalia", ["Al-Shabaab"]),
    ("Chadian peacekeepers repelled the attack on the camp.", "Mali", ["Chad"]),
    ("The wounded soldiers were from a Togolese contingent.", "Mali", ["Togo"]),
    ("Burkina Faso's army said it killed dozens of jihadists near Djibo.", "Burkina Faso",
     ["Burkinabe army"]),
    ("Nigerien soldiers clashed with fighters of the Islamic State in the Greater Sahara "
     "(ISGS) near Tillaberi.", "Niger", ["Nigerien army", "Islamic State in the Greater Sahara"]),
    ("The Rapid Support Forces (RSF) shelled residential areas of Omdurman.", "Sudan",
     ["Rapid Support Forces"]),
    ("The March 23 Movement (M23) seized the town of Bunagana.",
     "Democratic Republic of the Congo", ["M23"]),
    ("An Al-Qaeda-linked group claimed responsibility for the attack.", "Mali", []),
    ("Gunmen killed five people and burned houses in the village.", "Nigeria", []),
    ("Government troops retook the town after two days of fighting.", "Sudan",
     ["Sudanese army"]),
    ("Congolese soldiers and UN peacekeepers repelled the assault on Beni.",
     "Democratic Republic of the Congo", ["Congolese army", "MONUSCO"]),
    ("Fulani militants attacked Dogon villages in the Bandiagara area.", "Mali",
     ["Fulani militants"]),
    ("France condemned the attack and offered its support.", "Mali", []),
    ("The UN Security Council condemned the attack in the strongest terms.", "Mali", []),
    ("Fighters of the Movement for the Salvation of Azawad (MSA) clashed with the jihadists.",
     "Mali", ["Movement for the Salvation of Azawad"]),
    ("Paramilitaries of Russia's Wagner group took part in the operation.", "Mali",
     ["Wagner Group"]),
    ("The al-Qaeda-affiliated JNIM said it had carried out the ambush.", "Burkina Faso",
     ["JNIM"]),
    ("The Islamic State West Africa Province (ISWAP) claimed the raid on Monguno.", "Nigeria",
     ["Islamic State West Africa Province"]),
    ("Mali's army said it had killed 20 terrorists.", "Mali", ["Malian army"]),
    ("Al-Qaeda's Sahel affiliate JNIM on Tuesday claimed the attack on the capital.", "Mali",
     ["JNIM"]),
    ("A Russian missile struck a crowded restaurant in Kramatorsk.", "Ukraine", ["Russia"]),
    ("The Saudi-led coalition said it had intercepted two ballistic missiles.", "Yemen",
     ["Saudi-led coalition"]),
    ("No group has claimed the bombing, but al-Shabab often carries out such attacks.",
     "Somalia", ["Al-Shabaab"]),
]


@pytest.mark.parametrize(("sentence", "country", "expected"), CASES)
def test_actors_in_sentences(finder, sentence, country, expected):
    names = [m.name for m in finder.find(sentence, country)]
    assert list(dict.fromkeys(names)) == expected


def test_curated_actors_win_and_carry_their_id():
    curated = Actor(id="fama", name="Malian Armed Forces", path="content/actors/fama.yaml",
                    aliases=("FAMa", "Malian army"), kind="state-force", country="Mali")
    found = ActorFinder([curated]).find("Malian troops and the FAMa retook the base.", "Mali")
    assert [(m.name, m.actor_id) for m in found] == [("Malian Armed Forces", "fama")] * 2


def test_acronyms_match_in_capitals_only():
    assert ActorFinder().find("This is the place where it is said to have happened.") == []


def test_a_new_name_in_brackets_keeps_its_acronym():
    [mention] = ActorFinder().find("The Popular Front for Azawad (FPA) claimed the attack.")
    assert (mention.name, mention.aliases, mention.source) == (
        "Popular Front for Azawad", ("FPA",), "pattern")
