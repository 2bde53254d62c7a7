"""`rca train` / `rca evaluate` through the Typer app: any column as text and target, exit codes."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from rca.cli.main import app

from test_train_core import planted_frame

pytestmark = pytest.mark.model

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
    out = runner.invoke(
        app,
        [
            "train",
            str(feedback_csv),
            "--text-column",
            "feedback",
            "--target",
            "label",
            "--model-dir",
            str(tmp_path / "m"),
            "--config",
            str(cfg),
            "--json",
        ],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["n_read"] == 90 and data["metrics"]["label"]["macro_f1"] >= 0.9
    assert "baseline_tfidf_lr_macro_f1" in data["metrics"]["label"]
    out = runner.invoke(
        app,
        [
            "train",
            str(feedback_csv),
            "--text-column",
            "feedback",
            "--target",
            "label",
            "--model-dir",
            str(tmp_path / "m"),
            "--config",
            str(cfg),
        ],
    )
    assert out.exit_code == 0 and "macro-F1" in out.stdout and "label" in out.stdout
    out = runner.invoke(app, ["evaluate", str(feedback_csv), "--text-column", "feedback", "--model-dir", str(tmp_path / "m"), "--json"])
    assert out.exit_code == 0, out.output
    m = json.loads(out.stdout)["metrics"]["label"]
    assert m["n_test"] == 90 and m["accuracy"] >= 0.9
    # the model remembers which column was the text: scoring and evaluating need no --text-column again
    out = runner.invoke(app, ["score", str(feedback_csv), "--model-dir", str(tmp_path / "m"), "--out", str(tmp_path / "s.csv")])
    assert out.exit_code == 0, out.output
    scored = __import__("pandas").read_csv(tmp_path / "s.csv")
    assert len(scored) == 90 and (scored["label_predicted"] == scored["label"]).mean() >= 0.9
    out = runner.invoke(app, ["evaluate", str(feedback_csv), "--model-dir", str(tmp_path / "m"), "--json"])
    assert out.exit_code == 0, out.output
    out = runner.invoke(
        app,
        [
            "report",
            str(tmp_path / "s.csv"),
            "--period",
            "2023",
            "--model-dir",
            str(tmp_path / "m"),
            "--out",
            str(tmp_path / "rep"),
            "--json",
        ],
    )
    assert out.exit_code == 0, out.output


def test_unknown_target_exits_2_with_code(feedback_csv, tmp_path):
    out = runner.invoke(
        app, ["train", str(feedback_csv), "--text-column", "feedback", "--target", "theme", "--model-dir", str(tmp_path / "m")]
    )
    assert out.exit_code == 2
    assert "E101" in out.stderr and "Traceback" not in out.output


def test_a_target_named_in_another_case_is_the_column_it_can_only_mean(feedback_csv, tmp_path):
    out = runner.invoke(
        app,
        [
            "train",
            str(feedback_csv),
            "--text-column",
            "feedback",
            "--target",
            "LABEL",
            "--model-dir",
            str(tmp_path / "m"),
            "--config",
            str(feedback_csv.parent / "rca.toml"),
            "--json",
        ],
    )
    assert out.exit_code == 0, out.output
    assert list(json.loads(out.stdout)["metrics"]) == ["label"]  # the file's own spelling


def test_evaluate_without_model_exits_2(feedback_csv, tmp_path):
    out = runner.invoke(app, ["evaluate", str(feedback_csv), "--text-column", "feedback", "--model-dir", str(tmp_path / "none")])
    assert out.exit_code == 2 and "E301" in out.stderr


def test_repeated_case_ids_train_as_rows_of_one_case(feedback_csv, tmp_path):
    """An export with one row per complaint point repeats the case id: every labelled row is
    learnt from (none quarantined), with one warning, and a case's rows are held out together."""
    from rca.model.evaluate import case_groups

    df = __import__("pandas").read_csv(feedback_csv)
    df.insert(0, "case_id", [f"C{i // 3}" for i in range(len(df))])  # three points per case
    path = tmp_path / "points.csv"
    df.to_csv(path, index=False)
    out = runner.invoke(
        app,
        [
            "train",
            str(path),
            "--text-column",
            "feedback",
            "--target",
            "label",
            "--model-dir",
            str(tmp_path / "m"),
            "--config",
            str(feedback_csv.parent / "rca.toml"),
            "--json",
        ],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["n_read"] == 90 and data["n_quarantined"] == 0
    assert data["metrics"]["label"]["n_train"] + data["metrics"]["label"]["n_test"] == 90
    assert any("E104" in w and "60 rows repeat" in w for w in data["warnings"])
    groups = case_groups(df.assign(case_id=df["case_id"].astype(str)))
    assert len(set(groups)) == 30 and all(len(set(groups[i : i + 3])) == 1 for i in range(0, 90, 3))


def test_repeated_case_ids_still_flagged_by_check(feedback_csv, tmp_path):
    """Outside training the repeat is still an error to fix (rca check quarantines it)."""
    from rca.config import config_from_dict
    from rca.ingest.validate import load_cases

    path = tmp_path / "dup.csv"
    path.write_text("case_id,feedback\nA,one\nA,two\nB,three\n")
    res = load_cases(path, config=config_from_dict({"columns": {"text": "feedback"}}))
    assert res.n_quarantined == 1 and "E104" in res.quarantine["reason"].iat[0] and "row 3" in res.quarantine["reason"].iat[0]


def test_target_named_by_a_recognised_export_column(feedback_csv, tmp_path):
    """A column rca recognises (\"Department\" is read as service) can be named as the target by its own name."""
    df = __import__("pandas").read_csv(feedback_csv).rename(columns={"label": "Department"})
    path = tmp_path / "dept.csv"
    df.to_csv(path, index=False)
    out = runner.invoke(
        app,
        [
            "train",
            str(path),
            "--text-column",
            "feedback",
            "--target",
            "Department",
            "--model-dir",
            str(tmp_path / "m"),
            "--config",
            str(feedback_csv.parent / "rca.toml"),
            "--json",
        ],
    )
    assert out.exit_code == 0, out.output
    assert list(json.loads(out.stdout)["metrics"]) == ["service"]


def test_evaluate_names_codes_the_model_never_learnt(feedback_csv, tmp_path):
    import pandas as pd

    cfg = feedback_csv.parent / "rca.toml"
    out = runner.invoke(
        app,
        [
            "train",
            str(feedback_csv),
            "--text-column",
            "feedback",
            "--target",
            "label",
            "--model-dir",
            str(tmp_path / "m"),
            "--config",
            str(cfg),
        ],
    )
    assert out.exit_code == 0, out.output
    df = pd.read_csv(feedback_csv)
    df.loc[:4, "label"] = "Brand New Code"
    df.to_csv(tmp_path / "new.csv", index=False)
    out = runner.invoke(app, ["evaluate", str(tmp_path / "new.csv"), "--model-dir", str(tmp_path / "m")])
    assert out.exit_code == 0, out.output
    assert "5 labelled rows carry codes the model never learnt ('Brand New Code' ×5)" in out.stderr
    out = runner.invoke(app, ["evaluate", str(tmp_path / "new.csv"), "--model-dir", str(tmp_path / "m"), "--json"])
    assert json.loads(out.stdout)["metrics"]["label"]["unseen_codes"] == {"Brand New Code": 5}


def test_texts_with_no_word_still_train_and_say_the_plain_baseline_had_nothing(tmp_path):
    import pandas as pd

    data = tmp_path / "na.csv"
    pd.DataFrame({"text": ["n/a", "-", "x", "?"] * 10, "Theme": ["A", "B"] * 20}).to_csv(data, index=False)
    out = runner.invoke(app, ["train", str(data), "--target", "Theme", "--model-dir", str(tmp_path / "m"), "--json"])
    assert out.exit_code == 0, out.output
    m = json.loads(out.stdout)["metrics"]["Theme"]
    assert "baseline_majority_macro_f1" in m and "baseline_tfidf_lr_macro_f1" not in m


def test_evaluate_reads_codes_as_the_model_learnt_them(tmp_path):
    """A code kept as written at training (the taxonomy would alias it) is read the same way by evaluate,
    even in a file holding only that code."""
    import pandas as pd

    rows = [
        ("the recycling and environment team left litter", "Environment"),
        ("my bin was not collected again", "Waste"),
        ("the repair to my flat is late", "Housing"),
    ] * 30
    train = tmp_path / "dept.csv"
    pd.DataFrame(rows, columns=["text", "Department"]).to_csv(train, index=False)
    out = runner.invoke(app, ["train", str(train), "--target", "Department", "--model-dir", str(tmp_path / "m")])
    assert out.exit_code == 0, out.output
    env = tmp_path / "env.csv"
    pd.DataFrame([r for r in rows if r[1] == "Environment"], columns=["text", "Department"]).to_csv(env, index=False)
    out = runner.invoke(app, ["evaluate", str(env), "--model-dir", str(tmp_path / "m"), "--json"])
    assert out.exit_code == 0, out.output
    m = json.loads(out.stdout)["metrics"]["service"]
    assert m["accuracy"] == 1.0 and m["unseen_codes"] == {}
    assert "A single label was found" not in out.output
