"""The governance commands end to end: rca redact, audit, suggest-labels, drift, model-card."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from rca.cli.main import app

runner = CliRunner()


def test_redact_keeps_rows_and_columns(tmp_path):
    src = tmp_path / "cases.csv"
    pd.DataFrame(
        {
            "Ref": ["A1", "A2", "A3"],
            "Details": ["ring 07700 900461", None, "Mrs Quenby at 4 Elm Road"],
            "Note": ["email a.b@example.org", "x", "y"],
        }
    ).to_csv(src, index=False)
    res = runner.invoke(app, ["redact", str(src), "--text-column", "Details", "--column", "Note", "--out", str(tmp_path / "o.csv")])
    assert res.exit_code == 0, res.output
    out = pd.read_csv(tmp_path / "o.csv")
    assert list(out.columns) == ["Ref", "Details", "Note"] and len(out) == 3
    assert out["Details"].tolist()[0] == "ring [PHONE]" and pd.isna(out["Details"][1])
    assert out["Details"][2] == "Mrs [NAME] at [ADDRESS]" and out["Note"][0] == "email [EMAIL]"


def test_redact_missing_column_is_a_coded_error(tmp_path):
    src = tmp_path / "c.csv"
    pd.DataFrame({"a": [1]}).to_csv(src, index=False)
    res = runner.invoke(app, ["redact", str(src)])
    assert res.exit_code == 2 and "E101" in res.output


@pytest.mark.model
def test_audit_command_lists_planted_miscodings(demo_csv, demo_small, tmp_path):
    out = tmp_path / "audit.csv"
    res = runner.invoke(app, ["audit", str(demo_csv), "--target", "root_cause", "--top", "30", "--out", str(out)])
    assert res.exit_code == 0, res.output
    issues = pd.read_csv(out)
    assert len(issues) == 30 and {"rank", "case_id", "recorded", "suggested", "evidence"} <= set(issues.columns)
    planted = set(demo_small.miscoded.loc[demo_small.miscoded["target"] == "root_cause", "case_id"])
    assert issues["case_id"].isin(planted).mean() >= 0.4


@pytest.mark.model
def test_suggest_labels_drift_and_model_card_commands(trained_model_dir, demo_csv, tmp_path):
    from rca.demo.data import generate_demo, write_demo

    out = tmp_path / "to_label.csv"
    res = runner.invoke(
        app,
        [
            "suggest-labels",
            str(demo_csv),
            "--model-dir",
            str(trained_model_dir),
            "--n",
            "20",
            "--target",
            "service",
            "--include-labelled",
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out)
    assert len(table) == 20 and table["case_id"].is_unique and table["service"].isna().all()

    fresh = write_demo(generate_demo(seed=8, n_contacts=600), tmp_path / "fresh")["cases"]
    res = runner.invoke(app, ["drift", str(fresh), "--model-dir", str(trained_model_dir), "--strict"])
    assert res.exit_code == 0 and res.output.startswith("No drift"), res.output
    df = pd.read_csv(fresh)
    shifted = tmp_path / "shifted.csv"
    df[df["service"].astype(str).str.contains("Housing|Parking")].to_csv(shifted, index=False)
    res = runner.invoke(app, ["drift", str(shifted), "--model-dir", str(trained_model_dir), "--strict"])
    assert res.exit_code == 1 and res.output.startswith("Retraining is due"), res.output

    res = runner.invoke(app, ["model-card", "--model-dir", str(trained_model_dir), "--out", str(tmp_path / "card.md")])
    assert res.exit_code == 0 and (tmp_path / "card.md").read_text("utf-8").startswith("# Model card")

    res = runner.invoke(app, ["drift", str(fresh), "--model-dir", str(tmp_path / "missing")])
    assert res.exit_code == 2 and "E301" in res.output


def test_too_few_codes_for_the_audit_is_one_rule_naming_the_file(tmp_path):
    df = pd.DataFrame(
        {
            "case_id": range(5),
            "text": ["bin missed", "bin late", "rude officer", "rude man", "hello"],
            "root_cause": ["Failure to do something"] * 2 + ["Staff conduct and attitude"] * 2 + [None],
        }
    )
    path = tmp_path / "tiny.csv"
    df.to_csv(path, index=False)
    r = runner.invoke(app, ["audit", str(path), "--out", str(tmp_path / "a.csv")])
    assert r.exit_code == 2 and "Traceback" not in r.output
    msg = " ".join(r.output.split())
    assert "E304" in msg and str(path) in msg and "at least 2 codes with 5 or more coded cases each" in msg
    assert "2 or more examples" not in msg  # the catalogue's training rule, which contradicted it
    r = runner.invoke(app, ["audit", str(path), "--out", str(tmp_path / "a.csv"), "--folds", "2"])
    assert r.exit_code == 0, r.output
