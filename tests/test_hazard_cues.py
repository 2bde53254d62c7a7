"""Word-pair rules for the intake flags: two kinds of words in one sentence, compared as lemmas (rca.scoring.hazard_cues)."""

from __future__ import annotations

from datetime import datetime

import pytest

from rca.scoring.hazard_cues import cues, vulnerable
from rca.scoring.hazards import EMERGENCY, SAFEGUARDING, SIGNIFICANT, flags

WINTER, SUMMER = datetime(2025, 12, 1, 10, 0), datetime(2025, 7, 1, 10, 0)


def raised(text: str, when: datetime = WINTER) -> set[str]:
    return {f["flag"] for f in flags(text, received=when, learnt=False)}


@pytest.mark.parametrize(
    "text, flag",
    [
        ("Water has been dripping into the light fitting in the kitchen.", EMERGENCY),
        ("Rain runs down inside the wall and the socket behind the tv gets wet", EMERGENCY),
        ("The ceiling in the front room is bowing and I think it will come down.", EMERGENCY),
        ("Bits of plaster keep falling from the ceiling onto the bed.", EMERGENCY),
        ("The boiler is condemned and my 2 year old is ill.", EMERGENCY),
        ("My radiators have not worked since Friday and I'm 78.", EMERGENCY),
        ("There's a burning smell coming from the socket in the living room.", EMERGENCY),
        ("Someone kicked my front door in last night and it won't lock now.", EMERGENCY),
        ("The pipe has burst under the kitchen floor.", EMERGENCY),
        ("There's a rotten egg smell in the boiler cupboard.", EMERGENCY),
        ("Black mould in the babys room and on the window.", EMERGENCY),
        ("The communal heating is off and most residents are over 75.", EMERGENCY),
        ("The only toilet in the house has been blocked for a week.", SIGNIFICANT),
        ("I've seen their dad hit one of the children on the stairs.", SAFEGUARDING),
        ("My daughter is 15 and I think an older man at the youth club is grooming her.", SAFEGUARDING),
        ("The lady downstairs is being financially abused by her nephew.", SAFEGUARDING),
        ("My sister's boyfriend beats her and she has nowhere to go.", SAFEGUARDING),
        ("Honestly I don't see the point anymore, I've thought about ending it.", SAFEGUARDING),
    ],
)
def test_wording_no_single_phrase_rule_holds_raises_its_flag(text, flag):
    assert flag in raised(text)


@pytest.mark.parametrize(
    "text, flag",
    [
        ("There is no water anywhere near the sockets, the leak is only under the sink.", EMERGENCY),
        ("The ceiling was bowing but the repairs team fixed it last week.", EMERGENCY),
        ("The leak into the light fitting was repaired on Monday.", EMERGENCY),
        ("A picture fell off the wall because the plaster is soft.", EMERGENCY),
        ("The heating was broken but it's working again now.", SIGNIFICANT),
        ("There was a leak in the communal laundry but it has been repaired.", SIGNIFICANT),
        ("The children's centre closing has hit families hard.", SAFEGUARDING),
        ("I'm fed up, this is killing me, the bins have been missed again.", SAFEGUARDING),
        ("I don't see the point in complaining to you any more.", SAFEGUARDING),
        ("The CO alarm is going off next to the boiler.", SIGNIFICANT),
        ("Your website's 'report a gas leak' page has the old phone number.", EMERGENCY),
        ("The leaflet about carbon monoxide alarms is only in English.", EMERGENCY),
        ("When we had the gas leak last week they came at once and made everything safe.", EMERGENCY),
    ],
)
def test_negated_fixed_or_other_senses_do_not_raise_the_flag(text, flag):
    assert flag not in raised(text)


def test_a_fix_that_has_not_happened_keeps_the_flag():
    assert EMERGENCY in raised("Water is dripping into the light fitting and nobody has fixed it.")
    assert SIGNIFICANT in raised("My bedroom window won't close since the repairs team replaced it.")


def test_the_flag_shows_the_rule_and_the_words_of_both_halves():
    (item,) = [f for f in flags("Water has been dripping into the light fitting.", received=WINTER, learnt=False) if f["flag"] == EMERGENCY]
    assert {"rule": "water in the electrics", "words": ["Water has been dripping into the light fitting"], "source": "rule"} in item[
        "rules"
    ]
    (heat,) = [
        f for f in flags("My radiators have not worked, my 2 year old is ill.", received=WINTER, learnt=False) if f["flag"] == EMERGENCY
    ]
    assert any("radiators have not worked" in r["words"] and "2 year old" in r["words"] for r in heat["rules"]), heat["rules"]


@pytest.mark.parametrize(
    "text, words",
    [
        ("my 2 year old", "2 year old"),
        ("she is 8 months old", "8 months old"),
        ("I'm 78 and live alone", "I'm 78"),
        ("my son is 3", "son is 3"),
        ("I am 6 months pregnant", "6 months pregnant"),
        ("my nan, in her 90s", "in her 90s"),
        ("my husband is disabled", "disabled"),
        ("my son is ill", "ill"),
    ],
)
def test_a_resident_at_risk_is_found_by_age_or_condition(text, words):
    assert vulnerable(text) == words


@pytest.mark.parametrize("text", ["my son is 17", "I am 40", "my neighbour is 45", "the bus is 20 minutes late"])
def test_an_adult_of_working_age_is_not_a_resident_at_risk_by_age_alone(text):
    assert vulnerable(text) is None


def test_no_heating_with_a_toddler_is_an_emergency_in_winter_and_significant_in_summer():
    text = "The heating cuts out every night and my son is 3."
    assert EMERGENCY in raised(text, WINTER)
    assert raised(text, SUMMER) == {SIGNIFICANT}


def test_cues_are_found_clause_by_clause():
    assert [c.name for c in cues("The boiler broke but they replaced it. Now water drips into the light.")] == ["water in the electrics"]
