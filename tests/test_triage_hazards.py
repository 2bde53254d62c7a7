"""Urgent (Awaab's Law hazards) and safeguarding flags at intake: rules, words, deadlines, figures."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from rca.config import Config, CalendarConfig, config_from_dict
from rca.errors import RcaError
from rca.scoring.hazards import EMERGENCY, SAFEGUARDING, SIGNIFICANT, deadlines, evaluate, extra_terms, flags, urgent

DATA = Path(__file__).parent / "data"
WINTER, SUMMER = datetime(2025, 12, 1, 10, 0), datetime(2025, 7, 1, 10, 0)


def raised(text: str, when: datetime = WINTER) -> set[str]:
    return {f["flag"] for f in flags(text, received=when, learnt=False)}


# -- the goals on the development file (the held-out file is scored once, by benchmarks/bench_intake_flags.py) -----
def test_the_flags_meet_their_goals_on_the_development_texts():
    records = [json.loads(line) for line in (DATA / "intake_flags.dev.jsonl").read_text("utf-8").splitlines() if line.strip()]
    assert len(records) >= 150
    res = evaluate(records)
    assert res[EMERGENCY]["recall"] >= 0.95 and res[EMERGENCY]["precision"] >= 0.8, res[EMERGENCY]
    for flag in (SIGNIFICANT, SAFEGUARDING):
        assert res[flag]["recall"] >= 0.9 and res[flag]["precision"] >= 0.8, res[flag]


# -- what raises a flag, and what does not -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, flag",
    [
        ("I can smell gas in the kitchen of my flat", EMERGENCY),
        ("There are exposed wires hanging out of the socket in the hallway", EMERGENCY),
        ("No heating for a week and my baby is 3 months old", EMERGENCY),
        ("Black mould in the bedroom and my son has asthma", EMERGENCY),
        ("The bathroom ceiling has collapsed", EMERGENCY),
        ("Damp and mould in the bathroom again", SIGNIFICANT),
        ("My neighbour hits her children and they are left alone all night", SAFEGUARDING),
        ("I can't go on like this, I have thought about suicide", SAFEGUARDING),
    ],
)
def test_hazards_and_risks_raise_their_flag(text, flag):
    assert flag in raised(text)


@pytest.mark.parametrize(
    "text",
    [
        "The gas bill is wrong",
        "There was mould on the bread in the canteen",
        "I want to complain about the safeguarding training course",
        "There is no smell of gas, I am writing about the noise",
        "There were no issues with damp or mould in the inspection report",
        "He has never hit the children, the allegation is false",
        "The gas leak was fixed last week, thank you",
        "Thanks to the repairs team who fixed the leak so quickly",
        "There is a strong smell of gas outside the library",
        "Rats around the bins on the high street because of fly tipping",
        "Could someone come back and collect it please? Thanks",
    ],
)
def test_negated_resolved_or_unrelated_words_raise_nothing(text):
    assert raised(text) == set()


def test_no_heating_is_an_emergency_with_a_vulnerable_resident_in_the_cold_months_only():
    text = "The boiler is broken, no heating or hot water, my mum is 85"
    assert EMERGENCY in raised(text, WINTER) and SIGNIFICANT not in raised(text, WINTER)
    assert raised(text, SUMMER) == {SIGNIFICANT}
    assert raised("The boiler is broken, no heating or hot water", WINTER) == {SIGNIFICANT}
    assert EMERGENCY in raised("It is freezing, the boiler is broken and my baby is ill", SUMMER)


def test_each_flag_names_its_rule_and_the_words_that_raised_it():
    (f,) = flags("There's a smell of gas in my kitchen", received=WINTER, learnt=False)
    assert f["rules"] == [{"rule": "gas smell or leak", "words": ["smell of gas"], "source": "rule"}] and "24 hours" in f["action"]
    (d,) = [x for x in flags("Mould in my daughter's room, she has asthma", received=WINTER, learnt=False)]
    assert d["flag"] == EMERGENCY and d["rules"][0]["words"] == ["Mould", "asthma"]


# -- deadlines -----------------------------------------------------------------------------------------------------
def test_an_emergency_hazard_is_made_safe_within_24_hours_of_receipt():
    assert deadlines(EMERGENCY, datetime(2025, 12, 24, 16, 45)) == [
        {"what": "investigate and make safe", "due": "2025-12-25 16:45", "basis": "within 24 hours of receipt"}
    ]


def test_significant_hazard_deadlines_count_working_days_over_christmas():
    due = {d["what"]: d["due"] for d in deadlines(SIGNIFICANT, datetime(2025, 12, 19, 10, 0))}
    # 10 working days after Fri 19 Dec, skipping Christmas, Boxing Day and New Year's Day
    assert due == {"investigate": "2026-01-07", "written summary to the resident": "2026-01-12", "start safety works": "2026-01-14"}
    closed = CalendarConfig(extra_closures=["2026-01-07"])
    assert deadlines(SIGNIFICANT, datetime(2025, 12, 19, 10, 0), calendar=closed)[0]["due"] == "2026-01-08"


def test_a_private_landlord_gets_the_flag_and_a_referral_note_but_no_awaabs_law_deadlines():
    (f,) = urgent("My private landlord will not fix the damp", received=WINTER)
    assert f["flag"] == SIGNIFICANT and "private sector housing" in f["note"] and f["deadlines"] == []


def test_safeguarding_has_an_action_but_no_hazard_deadlines():
    (f,) = urgent("I'm fleeing domestic violence and need somewhere today", received=WINTER)
    assert f["flag"] == SAFEGUARDING and "safeguarding referral" in f["action"] and f["deadlines"] == []


# -- a council's own terms -----------------------------------------------------------------------------------------
def test_a_council_adds_its_own_terms_in_the_config():
    cfg = config_from_dict({"triage": {"emergency_terms": ["stuck between floors"]}})
    extra = extra_terms(cfg.section("triage"))
    assert raised("The lift in my block is stuck between floors with my neighbour inside") == set()
    assert {f["flag"] for f in flags("The lift in my block is stuck between floors", received=WINTER, extra=extra, learnt=False)} == {
        EMERGENCY
    }


@pytest.mark.parametrize("section", [{"emergency_terms": "gas"}, {"emergency_terms": [""]}, {"emergncy_terms": ["gas"]}])
def test_bad_terms_in_the_config_are_E410_naming_the_setting(section):
    with pytest.raises(RcaError) as err:
        extra_terms(section, source="rca.toml")
    assert err.value.code == "E410" and "triage." in str(err.value) and "rca.toml" in str(err.value)


# -- triage and the command line -----------------------------------------------------------------------------------
@pytest.mark.model
def test_triage_gives_the_flags_with_deadlines_beside_the_complaint_due_date(trained_model_dir):
    from rca.model.store import load_model
    from rca.scoring.triage import triage

    res = triage(
        "I have reported the black mould in my baby's bedroom three times and nobody has come out",
        bundle=load_model(trained_model_dir),
        received="2025-12-01 10:00",
        config=Config(),
    )
    (f,) = res["urgent"]
    assert f["flag"] == EMERGENCY and f["deadlines"][0]["due"] == "2025-12-02 10:00"
    assert res["due"] is not None


@pytest.mark.model
def test_the_triage_command_prints_the_flag_rule_words_and_deadline(trained_model_dir):
    from typer.testing import CliRunner

    from rca.cli.main import app

    res = CliRunner().invoke(
        app,
        [
            "triage",
            "There is a smell of gas in my flat and my neighbour's kids were left home alone all night",
            "--model-dir",
            str(trained_model_dir),
            "--received",
            "2025-12-01 10:00",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "EMERGENCY HAZARD" in res.output and "'smell of gas'" in res.output
    assert "hazard due     2025-12-02 10:00  (investigate and make safe, emergency hazard)" in res.output
    assert "SAFEGUARDING" in res.output and "safeguarding referral" in res.output
