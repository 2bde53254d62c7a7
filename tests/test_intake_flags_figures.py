"""The intake flags keep the precision and recall recorded in docs/triage.md on the ten labelled files,
by the rules alone (FLOORS) and by the rules OR the shipped learnt model (LEARNT_FLOORS: every file
but the ninth is training data of the shipped model, so those are development figures; the blind ones and the
leave-one-file-out ones are in docs/triage.md).

The floors are the measured figures (benchmarks/bench_intake_flags.py), rounded down to two
decimals: a change to the rules that loses a hazard or a risk they found, or raises one they did
not, fails here. The second held-out file was scored once, blind; its misses have been read
since, so its floors are development figures too (docs/triage.md gives each scoring)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rca.scoring.hazards import EMERGENCY, SAFEGUARDING, SIGNIFICANT, evaluate

DATA = Path(__file__).parent / "data"
# file -> flag -> (precision floor, recall floor), as recorded in docs/triage.md
FLOORS = {
    "intake_flags.dev.jsonl": {EMERGENCY: (1.00, 0.99), SIGNIFICANT: (0.98, 0.98), SAFEGUARDING: (0.99, 1.00)},
    "intake_flags.holdout.jsonl": {EMERGENCY: (1.00, 1.00), SIGNIFICANT: (1.00, 1.00), SAFEGUARDING: (1.00, 1.00)},
    # read since its one blind scoring (0.91/0.75, 0.75/0.58, 1.00/0.40 then; docs/triage.md gives every scoring)
    "intake_flags.holdout2.jsonl": {EMERGENCY: (1.00, 0.92), SIGNIFICANT: (0.92, 0.92), SAFEGUARDING: (1.00, 0.88)},
    # one blind scoring 0.93/0.85, 0.89/0.76, 1.00/0.65; its misses read since
    "intake_flags.holdout3.jsonl": {EMERGENCY: (0.97, 1.00), SIGNIFICANT: (1.00, 0.95), SAFEGUARDING: (1.00, 1.00)},
    # scored once, blind, against the rules of dab6583; its misses not yet read into the rules
    "intake_flags.holdout4.jsonl": {EMERGENCY: (0.97, 0.84), SIGNIFICANT: (0.93, 0.87), SAFEGUARDING: (0.95, 0.50)},
    # scored once, blind, against the rules of 3cf8eae; the rules not written on it (the learnt model learns from it)
    "intake_flags.holdout5.jsonl": {EMERGENCY: (0.91, 0.76), SIGNIFICANT: (0.74, 0.90), SAFEGUARDING: (1.00, 0.59)},
    # scored once, blind, against the rules of 4eca53e and the model learnt from the files above
    "intake_flags.holdout6.jsonl": {EMERGENCY: (0.90, 0.86), SIGNIFICANT: (0.80, 0.81), SAFEGUARDING: (0.93, 0.57)},
    # scored once, blind, against the rules of bfe5ed5; the rules not written on it (the learnt model learns from it)
    "intake_flags.holdout7.jsonl": {EMERGENCY: (0.92, 0.90), SIGNIFICANT: (0.90, 0.92), SAFEGUARDING: (0.96, 0.40)},
    # the same, formal complaints and professionals' letters
    "intake_flags.holdout8.jsonl": {EMERGENCY: (0.92, 0.83), SIGNIFICANT: (0.69, 0.88), SAFEGUARDING: (0.94, 0.56)},
    # scored once, blind, against the rules and the learnt model trained on every file above; neither learns from it
    "intake_flags.holdout9.jsonl": {EMERGENCY: (0.96, 0.94), SIGNIFICANT: (0.81, 0.97), SAFEGUARDING: (1.00, 0.56)},
}


# file -> flag -> (precision floor, recall floor) of the rules OR the shipped learnt model
LEARNT_FLOORS = {
    "intake_flags.dev.jsonl": {EMERGENCY: (1.00, 1.00), SIGNIFICANT: (0.98, 1.00), SAFEGUARDING: (0.99, 1.00)},
    "intake_flags.holdout.jsonl": {EMERGENCY: (1.00, 1.00), SIGNIFICANT: (1.00, 1.00), SAFEGUARDING: (1.00, 1.00)},
    "intake_flags.holdout2.jsonl": {EMERGENCY: (1.00, 1.00), SIGNIFICANT: (0.92, 1.00), SAFEGUARDING: (1.00, 1.00)},
    "intake_flags.holdout3.jsonl": {EMERGENCY: (0.97, 1.00), SIGNIFICANT: (1.00, 1.00), SAFEGUARDING: (1.00, 1.00)},
    "intake_flags.holdout4.jsonl": {EMERGENCY: (0.97, 1.00), SIGNIFICANT: (0.94, 1.00), SAFEGUARDING: (0.97, 1.00)},
    "intake_flags.holdout5.jsonl": {EMERGENCY: (0.93, 1.00), SIGNIFICANT: (0.76, 1.00), SAFEGUARDING: (1.00, 1.00)},
    # its one blind scoring, before the model learnt from it: 0.88/0.97, 0.78/0.88, 0.91/1.00 (docs/triage.md)
    "intake_flags.holdout6.jsonl": {EMERGENCY: (0.91, 1.00), SIGNIFICANT: (0.83, 1.00), SAFEGUARDING: (0.96, 1.00)},
    # blind, before the model learnt from it: 0.88/0.99, 0.83/1.00, 0.90/0.95
    "intake_flags.holdout7.jsonl": {EMERGENCY: (0.93, 1.00), SIGNIFICANT: (0.91, 1.00), SAFEGUARDING: (0.98, 1.00)},
    # blind, before the model learnt from it: 0.88/0.93, 0.69/0.90, 0.83/0.96
    "intake_flags.holdout8.jsonl": {EMERGENCY: (0.93, 1.00), SIGNIFICANT: (0.72, 1.00), SAFEGUARDING: (0.96, 1.00)},
    # not training data: these are its one blind scoring
    "intake_flags.holdout9.jsonl": {EMERGENCY: (0.92, 0.98), SIGNIFICANT: (0.78, 1.00), SAFEGUARDING: (0.93, 0.97)},
}
# the fast tier scores the model on the smallest file; the others (about 25 CPU s) are in the model tier
FAST_LEARNT = "intake_flags.holdout.jsonl"


def records(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text("utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_each_flag_keeps_its_recorded_precision_and_recall(name):
    res = evaluate(records(name))
    for flag, (precision, recall) in FLOORS[name].items():
        assert res[flag]["precision"] >= precision, (name, flag, res[flag]["precision"], res[flag]["false_positives"])
        assert res[flag]["recall"] >= recall, (name, flag, res[flag]["recall"], res[flag]["missed"])


@pytest.mark.parametrize("name", [n if n == FAST_LEARNT else pytest.param(n, marks=pytest.mark.model) for n in sorted(LEARNT_FLOORS)])
def test_the_rules_or_the_learnt_model_keep_their_precision_and_recall(name):
    res = evaluate(records(name), learnt=True)
    for flag, (precision, recall) in LEARNT_FLOORS[name].items():
        assert res[flag]["precision"] >= precision, (name, flag, res[flag]["precision"], res[flag]["false_positives"])
        assert res[flag]["recall"] >= recall, (name, flag, res[flag]["recall"], res[flag]["missed"])


def test_the_floors_can_fail_a_rule_set_that_raises_nothing():
    res = evaluate([{**r, "text": "."} for r in records("intake_flags.holdout2.jsonl")])
    assert all(
        res[flag]["recall"] in (0.0, None) or res[flag]["recall"] < FLOORS["intake_flags.holdout2.jsonl"][flag][1]
        for flag in (EMERGENCY, SIGNIFICANT, SAFEGUARDING)
    )
