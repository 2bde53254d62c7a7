"""Hazards and risks told by their signs and effects (rca.scoring.hazard_forms), and the ordinary uses of the same
words that must not raise a flag: hypothetical and policy questions, public places, other senses."""

from __future__ import annotations

from datetime import datetime

import pytest

from rca.scoring.hazard_forms import hypothetical
from rca.scoring.hazards import EMERGENCY, SAFEGUARDING, SIGNIFICANT, flags

WINTER = datetime(2025, 12, 1, 10, 0)


def raised(text: str) -> set[str]:
    return {f["flag"] for f in flags(text, received=WINTER, learnt=False)}


@pytest.mark.parametrize(
    "text, flag",
    [
        # gas and carbon monoxide by their signs
        ("we all get headaches in the evening when the gas fire is on", EMERGENCY),
        ("an eggy smell by the meter cupboard every morning", EMERGENCY),
        # no water, sewage, asbestos, fire safety, security
        ("MUM HAS HAD NO WATER SINCE THURSDAY", EMERGENCY),
        ("whenever the flat above flushes it bubbles back up into our sink", EMERGENCY),
        ("the plasterer was sanding the artex in the hall all morning", EMERGENCY),
        ("the fire door on the second floor landing is always propped open with a fire extinguisher", EMERGENCY),
        ("the side door is not locking since the break in", EMERGENCY),
        ("the electrician left cables dangling from the hall ceiling", EMERGENCY),
        # damp described, with a child
        ("my little boy's bedroom walls are soaking wet and there's green fuzz on his shoes", EMERGENCY),
        # cracks and subsidence by their effects
        ("the bungalow is subsiding at the back", SIGNIFICANT),
        ("a crack has opened up across the lounge wall and gets longer every month", SIGNIFICANT),
        ("the doors have started sticking and there are cracks above every door", SIGNIFICANT),
        ("a paving slab outside my front door has lifted and my husband caught his foot", SIGNIFICANT),
        ("the pane in the kitchen window has cracked right across", SIGNIFICANT),
        ("the banister on our stairs is loose and wobbles", SIGNIFICANT),
        # safeguarding: others' harm by its signs, other persons and tenses
        ("a man keeps messaging my niece late at night and told her to keep it secret", SAFEGUARDING),
        ("lads of about 13 are being used to carry drugs for the dealers in block C", SAFEGUARDING),
        ("her stepmum locks her in the box room when she is naughty", SAFEGUARDING),
        ("my grandad was on the floor for hours after a fall before anyone found him", SAFEGUARDING),
        ("the nursing home leaves my aunt in wet pads and her call bell is never in reach", SAFEGUARDING),
        ("cold callers talked my 84 year old dad into paying them £6,000 for a roof that needed nothing", SAFEGUARDING),
        ("my brother keeps saying the family would be better off without him", SAFEGUARDING),
        ("I heard the woman upstairs begging him to stop", SAFEGUARDING),
        # later rounds: carbon monoxide by the flue, shocks by their effect, control, falls, scams, goodbyes
        ("the flue pipe in the airing cupboard has come apart at the joint", EMERGENCY),
        ("thick smoke puffing out of the back boiler this morning", EMERGENCY),
        ("my husband touched the shower and the tap together and it gave him a shock", EMERGENCY),
        ("the locksmith took the old lock out and never put a new one in, we jam a chair under the door", EMERGENCY),
        ("he won't let me go out without him and takes my phone", SAFEGUARDING),
        ("my uncle, 88, was found on the bathroom floor by his carer this morning", SAFEGUARDING),
        ("someone rang my gran about a lottery win and she has sent them money twice", SAFEGUARDING),
        ("my sister has been saying goodbye to everyone and gave away her cat", SAFEGUARDING),
        ("there's a smell from the gas fire whenever we light it", EMERGENCY),
        ("the bedroom floor is sinking through where the joists have gone", EMERGENCY),
        ("the nursing home leaves my nan soaked in urine until lunchtime", SAFEGUARDING),
    ],
)
def test_a_hazard_or_risk_told_by_its_signs_is_flagged(text, flag):
    assert flag in raised(text), flags(text, received=WINTER, learnt=False)


@pytest.mark.parametrize(
    "text",
    [
        "If the boiler ever breaks down in winter, how quickly would you come out to a family with a baby?",
        "What is your policy on mould in homes where someone has asthma?",
        "Please send me information about carbon monoxide alarms",
        "the mould in the changing rooms at the leisure centre is disgusting",
        "the heating at the council offices reception was off and I waited in my coat",
        "payment of a support subsidy was refused",
        "the council has cracked down on fly tipping",
        "we paid £2,000 for the survey and my mum is 70",
        "the windows were cleaned today and look great",
        "I gave away all my old toys to the charity shop",
        "my son took the packages in for the neighbours",
        "I touched base with the housing team and was shocked by the reply",
        "we had a gas leak two years ago and have had no issues since",
        "the slide in the playground is broken and the kids could get hurt",
        "my nan was stuck there for an hour because the bus never came",
        "the boiler flue was renewed last month and passed its check",
        "there is green mould on the garden fence",
        "a ladder was left leaning against the wall by the painters",
    ],
)
def test_the_ordinary_use_of_the_same_words_raises_nothing(text):
    assert raised(text) == set(), flags(text, received=WINTER, learnt=False)


def test_a_leak_under_the_kitchen_sink_is_a_leak_not_a_floor_sinking():
    assert raised("there's a leak under the kitchen sink that has soaked the cupboard floor") == {SIGNIFICANT}


def test_a_question_about_a_case_that_has_not_happened_is_hypothetical_and_a_report_is_not():
    assert hypothetical("If the boiler ever breaks down, who do I call?")
    assert hypothetical("What is your response time for a gas leak?")
    assert not hypothetical("The boiler broke down on Monday and my baby is freezing.")
    assert not hypothetical("If you don't come today we will freeze, the boiler has broken.")
