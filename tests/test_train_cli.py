"""`rca train` / `rca evaluate` through the Typer app: any column as text and target, exit codes."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from rca.cli.main import app

from test_train_core import planted_frame

runner = CliRunner()


@pytest.fixture(scope="module")
def feedback_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "feedback.csv"
    df = planted_frame(90).rename(columns={"text": "feedback"})[["feedback", "label"]]
    df.to_csv(path, index=False)
    (path.parent / "rca.toml").write_text("seed = 11\n[tracking]\nenabled = false\n")
    return path


def test_train_any_columns_then_evaluate(feedback_csv, tmp_path):
    cfg = feedback_csv.parent / "rca.toml"
    out = runner.invoke(app, ["train", str(feedback_csv), "--text-column", "feedback", "--target", "label",
                              "--model-dir", str(tmp_path / "m"), "--config", str(cfg), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["n_read"] == 90 and data["metrics"]["label"]["macro_f1"] >= 0.9
    assert "baseline_tfidf_lr_macro_f1" in data["metrics"]["label"]
    out = runner.invoke(app, ["train", str(feedback_csv), "--text-column", "feedback", "--target", "label",
                              "--model-dir", str(tmp_path / "m"), "--config", str(cfg)])
    assert out.exit_code == 0 and "macro-F1" in out.stdout and "label" in out.stdout
    out = runner.invoke(app, ["evaluate", str(feedback_csv), "--text-column", "feedback", "--model-dir", str(tmp_path / "m"), "--json"])
    assert out.exit_code == 0, out.output
    m = json.loads(out.stdout)["metrics"]["label"]
    assert m["n_test"] == 90 and m["accuracy"] >= 0.9


def test_unknown_target_exits_2_with_code(feedback_csv, tmp_path):
    out = runner.invoke(app, ["train", str(feedback_csv), "--text-column", "feedback", "--target", "theme",
                              "--model-dir", str(tmp_path / "m")])
    assert out.exit_code == 2
    assert "E101" in out.stderr and "Traceback" not in out.output


def test_evaluate_without_model_exits_2(feedback_csv, tmp_path):
    out = runner.invoke(app, ["evaluate", str(feedback_csv), "--text-column", "feedback", "--model-dir", str(tmp_path / "none")])
    assert out.exit_code == 2 and "E301" in out.stderr
