"""The intake flags read residents' own wording: typing slips, missing apostrophes, idiom, reports about someone
else, and the figurative or finished senses of hazard words (rca.scoring.hazard_spelling, hazard_kinds, hazard_cues)."""

from __future__ import annotations

from datetime import datetime

import pytest

from rca.scoring.hazard_cues import vulnerable
from rca.scoring.hazard_spelling import normalise
from rca.scoring.hazards import EMERGENCY, SAFEGUARDING, SIGNIFICANT, flags

WINTER, SUMMER = datetime(2025, 12, 1, 10, 0), datetime(2025, 7, 1, 10, 0)


def raised(text: str, when: datetime = WINTER) -> set[str]:
    return {f["flag"] for f in flags(text, received=when, learnt=False)}


@pytest.mark.parametrize(
    "typed, mended",
    [
        ("theres a gas smel", "there's a gas smell"),
        ("the heatin dont work", "the heating don't work"),
        ("COCKROCHES IN THE KITCHEN", "COCKROACHES IN THE KITCHEN"),
        ("moudl on the ceilling", "mould on the ceiling"),
        ("the lecky is off", "the electric is off"),
    ],
)
def test_a_typing_slip_or_a_missing_apostrophe_is_mended(typed, mended):
    assert normalise(typed) == mended


@pytest.mark.parametrize(
    "text",
    ["the rates fall due in April", "a hoist for my mum", "the freezer is full", "my smoker's cough", "a fizzy drink", "stave off"],
)
def test_known_words_and_derived_words_are_left_alone(text):
    assert normalise(text) == text


def test_a_mended_word_raises_the_flag_the_slip_hid():
    assert EMERGENCY in raised("theres a really strong gas smel in the hallway")
    assert SIGNIFICANT in raised("cockroches are coming out at night in the bathroom")
    assert EMERGENCY in raised("the heatin has been off all week and my little boy has a chest infection")


@pytest.mark.parametrize(
    "text, flag",
    [
        ("there is a whiff of gas every time I walk in the kitchen", EMERGENCY),
        ("my neighbour says her flat reeks of gas", EMERGENCY),
        ("the gas fire is leaving black marks on the wall above it", EMERGENCY),
        ("got a belt off the switch in the bathroom when I turned the light on", EMERGENCY),
        ("light switch in the hall gave me a shock this morning", EMERGENCY),
        ("the socket in the kitchen is hanging off the wall with the wires showing", EMERGENCY),
        ("boiler has packed up again, the radiators are stone cold and my mum who lives with me is 86", EMERGENCY),
        ("we have been boiling kettles to wash, there is no hot water, I have MS", EMERGENCY),
        ("mushrooms are growing out of the skirting board in the kids room", EMERGENCY),
        ("the balcony railing is loose and wobbles and my kids play out there", EMERGENCY),
        ("the stairs in the house are pulling away from the wall", EMERGENCY),
        ("slates are sliding off the roof onto the path by the front door", EMERGENCY),
        ("the floor in the kitchen has given way under the fridge", EMERGENCY),
        ("theres poo and toilet water coming up in the shower tray", EMERGENCY),
        ("the tank in the loft has split and the water is coming through like a waterfall", EMERGENCY),
        ("the fire doors on the stairwell are wedged open", EMERGENCY),
        ("workmen sanded the old artex ceiling, I was told it has asbestos in", EMERGENCY),
        ("no water coming out of any of the taps since 6am", EMERGENCY),
        ("wasps nest in the loft and they are getting into the bedroom", SIGNIFICANT),
        ("huge crack down the side of the house that keeps getting wider", SIGNIFICANT),
        ("the carers havent turned up for my mum for 2 days, she has dementia", SAFEGUARDING),
        ("the home care agency has not sent anyone since friday", SAFEGUARDING),
        ("I cant go on like this anymore, everyone would be better off without me", SAFEGUARDING),
        ("Caller said she has been thinking about taking her own life", SAFEGUARDING),
        ("she said she'll 'end it' and has been saving up her tablets", SAFEGUARDING),
        ("I heard a woman screaming help me next door", SAFEGUARDING),
        ("my ex put me in hospital last year and now he knows where I live", SAFEGUARDING),
        ("my husband wont let me have any money and checks my phone", SAFEGUARDING),
        ("my nephew keeps taking my pension money", SAFEGUARDING),
        ("a man keeps giving the teenage girls alcohol and lifts in his car", SAFEGUARDING),
        ("my son is 14 and older lads are making him carry drugs for them", SAFEGUARDING),
        ("part of the roof blew off in the storm and rain is pouring into the loft", EMERGENCY),
        ("the pipe to the washing machine burst and the kitchen is under an inch of water", EMERGENCY),
        ("contractors have taken out the smoke detectors and not put them back", EMERGENCY),
        ("water's been off in the whole flat since last night", EMERGENCY),
        ("the back step has crumbled and my husband tripped on it", SIGNIFICANT),
        ("the gentleman in flat 9 is hoarding, you can't get in the door for rubbish", SAFEGUARDING),
        ("My mum (84) was meant to have carers 4 times a day but nobody came this weekend", SAFEGUARDING),
        ("I've been thinking of taking all my tablets", SAFEGUARDING),
        ("Caller does not feel safe at home because of her partner", SAFEGUARDING),
        ("my grandad keeps getting calls from people saying they're the bank and he's given them thousands", SAFEGUARDING),
    ],
)
def test_residents_wording_raises_its_flag(text, flag):
    assert flag in raised(text)


@pytest.mark.parametrize(
    "text, flag",
    [
        ("I got a shock when I saw the bill", EMERGENCY),
        ("I smell a rat with this decision", SIGNIFICANT),
        ("Nobody would notice if the grass was never cut", SAFEGUARDING),
        ("wires from the TV aerial are hanging off the wall outside", EMERGENCY),
        ("my sons xbox cable is hanging out of the socket", EMERGENCY),
        ("the loft insulation guys dropped plaster dust on the carpet", EMERGENCY),
        ("the tenants association meeting about damp is on Monday", SIGNIFICANT),
        ("The electrician came and replaced the burnt socket so its all safe now", EMERGENCY),
        ("The ceiling was bowing but the repairs team came and fixed it", EMERGENCY),
        ("Thanks for treating the mould in the kids bedroom", EMERGENCY),
        ("water was off for an hour this morning but it is back on now", EMERGENCY),
        ("it is summer and the heating is off which is fine", SIGNIFICANT),
        ("the sewage works near the estate smell in summer", EMERGENCY),
        ("the handrail on the stairs has come away from the wall", EMERGENCY),
        ("There's a smell of gas from the traffic fumes on the main road", EMERGENCY),
        ("the care agency came every day and were brilliant", SAFEGUARDING),
        ("Could you tell me who supplies gas to the block", EMERGENCY),
        ("The mould specialist came and cleaned the walls and fitted a new fan", SIGNIFICANT),
        ("the advertising hoarding by the bus stop is falling apart", SAFEGUARDING),
    ],
)
def test_figurative_finished_or_other_senses_do_not_raise_the_flag(text, flag):
    assert flag not in raised(text, SUMMER if "summer" in text else WINTER)


def test_the_floorboard_that_has_gone_through_is_not_a_hazard_gone():
    assert SIGNIFICANT in raised("the floorboards in the hallway are rotten and one has gone through")


@pytest.mark.parametrize("text, words", [("my mum who lives with me is 86", "mum who lives with me is 86")])
def test_an_older_resident_is_found_by_an_age_later_in_the_clause(text, words):
    assert vulnerable(text) == words


@pytest.mark.parametrize("text", ["the man at number 12 is 86 Rowan Road", "my husband is 40", "she said the rent is 95 pounds"])
def test_an_address_or_a_sum_is_not_an_age(text):
    assert vulnerable(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "Caller said she has thought about ending her life because of the arrears",
        "he keeps saying he wants to end his own life",
        "I've got my tablets saved up and I'm going to take them all tonight",
        "I hear the woman next door being beaten most nights",
        "he controls all the money and wont let me see my family",
    ],
)
def test_other_persons_and_tenses_of_self_harm_and_abuse_raise_safeguarding(text):
    assert SAFEGUARDING in raised(text)


@pytest.mark.parametrize(
    "text",
    [
        "the film was about a man ending his career",
        "I take them all to school at 8",
        "the council controls the money for the estate",
        "I heard the carpets being beaten outside",
    ],
)
def test_ordinary_uses_of_those_words_do_not_raise_safeguarding(text):
    assert SAFEGUARDING not in raised(text)
