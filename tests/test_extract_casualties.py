"""Killed and injured figures in wire-report sentences, every side added up per sentence."""

from __future__ import annotations

import pytest

from chronicle.extract.casualties import find_casualties


def totals(sentence: str) -> dict[str, int]:
    """What a reader would tally: killed and injured, all sides together."""
    out: dict[str, int] = {}
    for count in find_casualties(sentence):
        out[count.kind] = out.get(count.kind, 0) + count.value
    return out


CASES = [
    ("Gunmen killed 12 villagers and wounded five others in Zamfara state.",
     {"killed": 12, "injured": 5}),
    ("At least 20 soldiers were killed and 11 wounded in the ambush near Tillaberi.",
     {"killed": 20, "injured": 11}),
    ("The death toll from the market bombing rose to 31, officials said.", {"killed": 31}),
    ("Several people were injured when the shell hit a school.", {}),
    ("Two soldiers and a civilian died when their vehicle struck a landmine.", {"killed": 3}),
    ("The raid killed at least 20 people, including 12 children.", {"killed": 20}),
    ("A suicide bomber killed 15 people and injured 30 at a crowded market in Maiduguri.",
     {"killed": 15, "injured": 30}),
    ("The army said 40 terrorists were neutralised during the operation.", {"killed": 40}),
    ("Three peacekeepers were killed and four seriously injured by the explosion.",
     {"killed": 3, "injured": 4}),
    ("The attack left 10 dead and 23 wounded, according to a hospital source.",
     {"killed": 10, "injured": 23}),
    ("Fifteen soldiers, four militiamen and two civilians were killed in the fighting.",
     {"killed": 21}),
    ("The convoy was hit 30 km from Gao, killing one soldier.", {"killed": 1}),
    ("Twenty-three people died in the fire that followed the strike.", {"killed": 23}),
    ("Hundreds of people have been displaced by the fighting.", {}),
    ("The 2,000-strong force was deployed in 2019 and has lost 12 members since.", {}),
    ("At least eight people were killed on Sunday when gunmen opened fire on worshippers.",
     {"killed": 8}),
    ("Six attackers were also killed in the exchange of fire, the ministry said.",
     {"killed": 6}),
    ("The explosion caused injuries to 14 passengers on the bus.", {"injured": 14}),
    ("A pupil and a teacher were killed in the raid, residents said.", {"killed": 2}),
    ("Seven soldiers and 80 militants were also killed in the attack on the base.",
     {"killed": 87}),
]


@pytest.mark.parametrize(("sentence", "expected"), CASES)
def test_casualties_in_sentences(sentence, expected):
    assert totals(sentence) == expected


def test_dozens_is_a_lower_bound_with_a_note():
    [count] = find_casualties("Dozens of civilians were killed in the attack on the village.")
    assert (count.kind, count.value, count.vague) == ("killed", 24, True)
    assert "lower bound" in count.note


def test_assailants_are_counted_on_their_own_side():
    counts = find_casualties("Eight soldiers and 57 terrorists were killed in the clashes.")
    assert {(c.side, c.value) for c in counts} == {("victims", 8), ("assailants", 57)}


def test_a_list_adds_up():
    [count] = find_casualties("Five guards, one police officer and one contractor were killed.")
    assert count.value == 7


def test_years_and_distances_are_not_counts():
    assert find_casualties("In 2017, a convoy 130 miles south of the city was attacked.") == []


def test_also_marks_more_dead_not_the_same_ones():
    [soldiers, militants] = find_casualties("Seven soldiers and 80 militants were also killed.")
    assert soldiers.additional and militants.additional
    assert not find_casualties("Gunmen killed at least 35 civilians.")[0].additional
