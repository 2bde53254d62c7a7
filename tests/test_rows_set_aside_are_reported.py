"""What training and writing tell the user: rows set aside are counted, explained and written;
bad optional cells do not cost a row; unlabelled rows are reported; Excel's cell limit never cuts
text silently."""

from __future__ import annotations

import json
import logging

import pandas as pd
import pytest
from typer.testing import CliRunner

from rca.cli.main import app
from rca.ingest.io import write_table
from test_train_core import planted_frame

EXCEL_CELL_MAX = 32_767  # characters an Excel cell holds

runner = CliRunner()


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    path = tmp_path_factory.mktemp("audit_out")
    (path / "rca.toml").write_text("seed = 11\n[tracking]\nenabled = false\n[model]\nbaselines = false\n")
    return path


def _export(folder, name: str, n: int = 90, **extra) -> pd.DataFrame:
    df = planted_frame(n).rename(columns={"text": "Feedback", "label": "Theme"})[["case_id", "Feedback", "Theme"]]
    for k, v in extra.items():
        df[k] = v
    return df


def _train(folder, path, *args):
    return runner.invoke(
        app,
        [
            "train",
            str(path),
            "--text-column",
            "Feedback",
            "--config",
            str(folder / "rca.toml"),
            "--model-dir",
            str(folder / f"m_{path.stem}"),
            *args,
        ],
    )


# ------------------------------------------------------------- 2. training: what is set aside, and why
@pytest.mark.model  # trains with `rca train`
def test_a_free_text_date_column_blanks_dates_not_rows(folder):
    path = folder / "date_text.csv"
    _export(folder, "date_text", date="Q1 2020").to_csv(path, index=False)
    out = _train(folder, path, "--target", "Theme", "--json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["n_valid"] == 90 and data["n_quarantined"] == 0
    m = data["metrics"]["Theme"]
    assert m["n_train"] + m["n_test"] == 90  # every row with text and label is learnt from
    blanked = [w for w in data["warnings"] if w.startswith("E103")]
    assert len(blanked) == 1 and "90 of 90" in blanked[0] and "'date'" in blanked[0] and "row 2 'Q1 2020'" in blanked[0]


@pytest.mark.model  # trains with `rca train`
def test_rows_set_aside_are_counted_by_reason_and_written(folder):
    path = folder / "some_blank.csv"
    df = _export(folder, "some_blank")
    df.loc[[4, 9], "Feedback"] = "   "
    df.to_csv(path, index=False)
    out = _train(folder, path, "--target", "Theme")
    assert out.exit_code == 0, out.output
    assert "88 used, 2 set aside" in out.stdout and "E102 empty text ×2" in out.stdout
    qpath = folder / "some_blank.csv.train-quarantine.csv"
    assert str(qpath) in out.stdout
    q = pd.read_csv(qpath)
    assert list(q["source_row"]) == [6, 11] and q["reason"].str.startswith("E102").all()


def test_every_row_set_aside_says_why_not_missing_label(folder):
    path = folder / "no_text.csv"
    df = _export(folder, "no_text", n=12)
    df["Feedback"] = ""
    df.to_csv(path, index=False)
    out = _train(folder, path, "--target", "Theme")
    assert out.exit_code == 2
    assert "E113" in out.stderr and "E111" not in out.stderr and "E102 empty text ×12" in out.stderr
    assert "no_text.csv.train-quarantine.csv" in out.stderr and "Traceback" not in out.output
    assert len(pd.read_csv(folder / "no_text.csv.train-quarantine.csv")) == 12


@pytest.mark.model  # trains with `rca train`
def test_unlabelled_rows_are_reported(folder):
    path = folder / "unlabelled.csv"
    df = _export(folder, "unlabelled")
    df.loc[df.index % 3 == 0, "Theme"] = ""
    df.to_csv(path, index=False)
    out = _train(folder, path, "--target", "Theme")
    assert out.exit_code == 0, out.output
    assert "Theme: 30 of 90 rows have no label and were not learnt from" in out.stdout
    data = json.loads(_train(folder, path, "--target", "Theme", "--json").stdout)
    assert data["unlabelled"] == {"Theme": 30}


# ------------------------------------------------------------- 4. a recognised column as target keeps distinct codes
@pytest.mark.model  # trains with `rca train`
def test_department_codes_are_not_merged_by_training(folder):
    path = folder / "dept.csv"
    df = _export(folder, "dept")
    df["Department"] = df.pop("Theme").map({"Conduct": "Environment", "Fees": "Waste", "Delay": "Housing"})
    df.to_csv(path, index=False)
    out = _train(folder, path, "--target", "Department", "--json")
    assert out.exit_code == 0, out.output
    from rca.model.store import load_model

    classes = set(load_model(folder / "m_dept").predict(["the officer was rude"])["service"].classes)
    assert len(classes) == 3 and "Environment" in classes  # three codes in, three codes learnt
    assert any("'Environment' is kept as written" in w for w in json.loads(out.stdout)["warnings"])


# ------------------------------------------------------------- 7. the target names a missing column
def test_a_missing_target_lists_the_files_own_columns(folder):
    path = folder / "base.csv"
    _export(folder, "base", When="2024-01-02").to_csv(path, index=False)
    out = _train(folder, path, "--target", "Nope")
    assert out.exit_code == 2 and "E101" in out.stderr
    assert "--target names 'Nope'" in out.stderr and str(path) in out.stderr
    assert "'Feedback'" in out.stderr and "'When'" in out.stderr and "'text'" not in out.stderr
    assert "--target Theme" in out.stderr


# ------------------------------------------------------------- 5. Excel's cell limit
def test_xlsx_cuts_long_text_with_a_marker_and_a_warning(tmp_path, caplog):
    long = "word " * 8000 + "END"
    df = pd.DataFrame({"case_id": ["A", "B"], "text": ["short", long], "source_row": [2, 7]})
    with caplog.at_level(logging.WARNING):
        write_table(df, tmp_path / "o.xlsx")
    back = pd.read_excel(tmp_path / "o.xlsx", dtype=str)
    cell = back["text"].iat[1]
    assert len(cell) <= EXCEL_CELL_MAX and "cut by rca" in cell and ".csv or .parquet" in cell
    assert back["text"].iat[0] == "short"
    warned = [r.getMessage() for r in caplog.records if "E009" in r.getMessage()]
    assert warned and "input row 7" in warned[0] and "'text'" in warned[0]
    write_table(df, tmp_path / "o.csv")
    assert pd.read_csv(tmp_path / "o.csv")["text"].iat[1].endswith("END")  # CSV keeps every character


# ------------------------------------------------------------- 1 and 6 end to end: scoring keeps every input column
@pytest.mark.model  # trains with `rca train`
def test_scoring_keeps_trimmed_twins_and_a_user_source_row(folder):
    base = folder / "score_base.csv"
    _export(folder, "score_base").to_csv(base, index=False)
    assert _train(folder, base, "--target", "Theme").exit_code == 0
    path = folder / "twins.csv"
    df = _export(folder, "twins", n=12)
    df["Feedback "] = "other"
    df["source_row"] = [f"SR-{i}" for i in range(12)]
    df.to_csv(path, index=False)
    out = runner.invoke(app, ["score", str(path), "--model-dir", str(folder / "m_score_base"), "--out", str(folder / "s.csv")])
    assert out.exit_code == 0, out.output
    scored = pd.read_csv(folder / "s.csv")
    assert len(scored) == 12 and list(scored["Feedback"]) == list(df["Feedback"])
    assert (scored["Feedback.1"] == "other").all()
    assert list(scored["source_row (input)"]) == list(df["source_row"]) and list(scored["source_row"]) == list(range(2, 14))
