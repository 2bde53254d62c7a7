"""Who a code is given to (accepted stage-1 complaints for a root cause; compliments and stage-2
requests told by their words when no column says), and suggest-labels picking only those cases, with
redacted text."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from rca.governance.active_learning import suggest_labels, target_population
from rca.cli.main import app

runner = CliRunner()


# --------------------------------------------------------------------------- who a code is given to
POPULATION = pd.DataFrame(
    {
        "case_type": ["Complaint", "Complaint", "Compliment", "Complaint", "Complaint", "Complaint", None],
        "stage": ["1", "1", None, "2", "ombudsman", "1", "1"],
        "acceptability": ["Complaint", "Service request or enquiry - not a complaint", None, "Complaint", None, None, "Complaint"],
    }
)


def test_root_cause_is_given_to_accepted_stage_one_complaints_only():
    pop = target_population(POPULATION, "root_cause")
    assert pop.mask.tolist() == [True, False, False, False, False, True, True]
    assert pop.excluded == {
        "not complaints (e.g. compliments)": 1,
        "at another stage (the code is given at stage 1)": 2,
        "not accepted as complaints (recorded acceptability)": 1,
    }
    # a blank acceptability is decided by the model's own tag when given
    tagged = target_population(POPULATION, "root_cause", predicted_acceptability=["Complaint"] * 5 + ["Anonymous", "Complaint"])
    assert tagged.mask.tolist() == [True, False, False, False, False, False, True]
    # without the columns, the model's tag alone; without either, every row
    bare = pd.DataFrame({"text": ["a", "b", "c"]})
    assert target_population(bare, "root_cause", predicted_acceptability=["Complaint", "Anonymous", "Complaint"]).mask.tolist() == [
        True,
        False,
        True,
    ]
    assert target_population(bare, "root_cause").mask.all() and not target_population(bare, "root_cause").restricted
    assert target_population(POPULATION, "escalation_reason").mask.tolist() == [False, False, False, True, False, False, False]
    assert target_population(POPULATION, "service").mask.all()
    assert target_population(POPULATION, "theme", applies_from_stage={"theme": "2"}).mask.tolist() == [
        False,
        False,
        True,
        True,
        True,
        False,
        False,
    ]


def test_suggest_labels_writes_redacted_text_unless_asked():
    class Pred:
        pass

    cases = pd.DataFrame({"case_id": ["a", "b", "c"], "text": ["bin not collected, ring 07700 900461", "parking fine", "mould"]})
    pred = Pred()
    pred.proba = np.array([[0.5, 0.5], [0.9, 0.1], [0.6, 0.4]])
    pred.classes = np.array(["Waste", "Parking"])
    pred.labels = ["Waste"] * 3
    pred.confidence = pred.proba.max(axis=1)
    out = suggest_labels(cases, pred, target="service", n=2).set_index("case_id")
    assert "07700" not in out.loc["a", "text"] and "[PHONE]" in out.loc["a", "text"]
    raw = suggest_labels(cases, pred, target="service", n=2, redact_text=False).set_index("case_id")
    assert "07700 900461" in raw.loc["a", "text"]


@pytest.mark.model
def test_suggest_labels_picks_only_cases_that_take_the_code(trained_model_dir, demo_small, tmp_path):
    cases = demo_small.cases.copy()
    cases.loc[cases.index[:5], "text"] = cases.loc[cases.index[:5], "text"] + " Ring me on 07700 900461."
    unlabelled = cases.drop(columns=["root_cause"])
    path, out = tmp_path / "uncoded.csv", tmp_path / "to_label.csv"
    unlabelled.to_csv(path, index=False)
    r = runner.invoke(app, ["suggest-labels", str(path), "--model-dir", str(trained_model_dir), "--n", "40", "--out", str(out), "--json"])
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)  # warnings about the file go to stderr
    eligible = cases[(cases["case_type"] == "Complaint") & (cases["stage"] == "1") & (cases["acceptability"] == "Complaint")]
    assert summary["candidates"] == len(eligible) < len(cases)
    table = pd.read_csv(out)
    assert len(table) == 40 and set(table["case_id"]) <= set(eligible["case_id"])
    assert not table["text"].str.contains("07700").any()
    # a text-only file: the model's acceptability tag decides
    text_only = tmp_path / "text_only.csv"
    cases[["case_id", "text"]].to_csv(text_only, index=False)
    r = runner.invoke(
        app, ["suggest-labels", str(text_only), "--model-dir", str(trained_model_dir), "--n", "10", "--out", str(tmp_path / "t.csv")]
    )
    assert r.exit_code == 0 and "acceptability tag" in r.output, r.output


# --------------------------------------------------------------------------- suggest-labels: compliments without case_type
def test_praise_without_dissatisfaction_is_a_compliment():
    from rca.governance.active_learning import looks_like_praise

    praise = [
        "Please pass on my thanks to the bin crew who put the bins back neatly.",
        "Fantastic service from the lady on the phone, went above and beyond. Keep up the good work.",
        "Caller rang re complaint. Says: I want to say a big thank you to the repairs operative.",
        "Dear Complaints Team,\nMany thanks to the carers who were so kind. Really appreciated.",
    ]
    not_praise = [
        "Thank you for your stage 1 response but I am still unhappy with the outcome.",
        "Can you fix the pothole on Brook Street? Many thanks.",
        "I want to complain. Thanks to your crew, my bins were left in the road.",
        "Excellent service my foot: the bin was missed again and nobody called back, this is unacceptable.",
        "My bin was not collected.",
        None,
    ]
    assert [looks_like_praise(t) for t in praise] == [True] * 4
    assert [looks_like_praise(t) for t in not_praise] == [False] * 6
    frame = pd.DataFrame({"text": praise[:2] + not_praise[:3]})
    pop = target_population(frame, "root_cause")
    assert pop.mask.tolist() == [False, False, False, True, True]  # the stage-1 response is answered at stage 2
    assert pop.excluded == {
        "compliments (the text thanks or praises and shows no dissatisfaction; no case_type recorded)": 2,
        "stage-2 requests (the text escalates or answers the first response; no stage recorded)": 1,
    }
    assert "thanks or praise in the text" in pop.chosen_by() and not pop.restricted  # rules on words say nothing of stages
    # a recorded case type, acceptability or stage is believed over the words
    typed = frame.assign(case_type="Complaint", stage="1")
    assert target_population(typed, "root_cause").mask.all()
    assert target_population(frame.assign(acceptability="Complaint", stage="1"), "root_cause").mask.all()
    assert target_population(frame.assign(stage=None), "root_cause").mask.tolist() == [False, False, False, True, True]
    assert target_population(frame, "escalation_reason").mask.tolist() == [False, False, True, True, True]  # compliments only
    assert target_population(frame, "service").mask.all()


@pytest.mark.model
def test_suggest_labels_on_a_text_only_file_leaves_out_compliments(trained_model_dir, demo_small, tmp_path):
    cases = demo_small.cases
    path, out = tmp_path / "text_only.csv", tmp_path / "to_label.csv"
    cases[["case_id", "text"]].to_csv(path, index=False)
    compliments = set(cases.loc[cases["case_type"] == "Compliment", "case_id"])
    r = runner.invoke(app, ["suggest-labels", str(path), "--model-dir", str(trained_model_dir), "--n", "400", "--out", str(out), "--json"])
    assert r.exit_code == 0, r.output
    summary = json.loads(r.output)
    left = summary["left_out"]
    key = "compliments (the text thanks or praises and shows no dissatisfaction; no case_type recorded)"
    assert left.get(key, 0) >= 0.9 * len(compliments), left
    assert "the model's acceptability tag" in summary["chosen_by"] and "thanks or praise" in summary["chosen_by"]
    picked = set(pd.read_csv(out)["case_id"])
    assert len(picked & compliments) <= 0.02 * len(picked), sorted(picked & compliments)
    # nor, mostly, stage-2 letters: they take escalation reasons, not a root cause. They were 177 of
    # 400 picks on another demo year; the words find ~90 % of them, and the model is unsure of the rest.
    later = set(cases.loc[cases["stage"].isin(["2", "3"]), "case_id"])
    assert left.get("stage-2 requests (the text escalates or answers the first response; no stage recorded)", 0) >= 0.8 * len(later)
    assert len(picked & later) <= 0.08 * len(picked), sorted(picked & later)
    r = runner.invoke(
        app,
        ["suggest-labels", str(path), "--model-dir", str(trained_model_dir), "--n", "10", "--out", str(out), "--target", "acceptability"],
    )
    assert r.exit_code == 0 and "candidates chosen by: thanks or praise in the text" in r.output, r.output
