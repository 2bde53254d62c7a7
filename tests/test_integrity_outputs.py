"""Outputs are safe to open and say what made them.

CSV and XLSX written by `rca.ingest.io.write_table` never hold a cell a spreadsheet
would run as a formula (CSV injection: = + - @ tab CR), whatever the text; and
scored files carry the model version that produced them.
"""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rca.ingest.io import read_table, write_table

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EXAMPLES = int(os.environ.get("RCA_FUZZ_EXAMPLES", "60"))
PAYLOADS = [
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    '=HYPERLINK("http://evil","x")',
    "==1",
    "=1",
    "-",
    "@",
    "safe text",
    "",
]
CELL = st.sampled_from(PAYLOADS) | st.text(
    alphabet=st.characters(exclude_categories=("Cs",)) | st.sampled_from(list('=+-@\t\r\n,"')), max_size=30
)


def _assert_inert_csv(path: Path) -> None:
    with open(path, newline="", encoding="utf-8") as fh:
        for record in list(csv.reader(fh))[1:]:
            for cell in record:
                assert not cell.startswith(FORMULA_START), repr(cell)


def _assert_inert_xlsx(path: Path) -> None:
    from openpyxl import load_workbook

    for ws in load_workbook(path).worksheets:
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                assert cell.data_type != "f", cell.value
                assert not (isinstance(cell.value, str) and cell.value.startswith(FORMULA_START)), repr(cell.value)


@pytest.mark.fuzz
@settings(
    max_examples=EXAMPLES, deadline=None, derandomize="RCA_FUZZ_EXAMPLES" not in os.environ, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.lists(st.tuples(CELL, CELL), min_size=1, max_size=8))
def test_no_written_cell_can_run_as_a_formula(rows):
    df = pd.DataFrame(rows, columns=["text", "notes"])
    df.insert(0, "case_id", [f"C{i}" for i in range(len(df))])  # an all-blank row is not kept by .xlsx at all
    df["category"] = pd.Series([r[0] for r in rows], dtype="category")
    df["string"] = pd.Series([r[1] for r in rows], dtype="string")
    with tempfile.TemporaryDirectory() as folder:
        for ext, check in ((".csv", _assert_inert_csv), (".xlsx", _assert_inert_xlsx)):
            path = Path(folder) / f"out{ext}"
            write_table(df, path)
            check(path)
            back, _ = read_table(path)
            assert len(back) == len(df)  # neutralising never drops or adds a row


def test_neutralised_text_keeps_its_content(tmp_path):
    df = pd.DataFrame({"text": ["=cmd|' /C calc'!A0", "-£50 refund", "ordinary"], "amount": [-5.0, 1.0, 2.0]})
    write_table(df, tmp_path / "o.csv")
    back = pd.read_csv(tmp_path / "o.csv")
    assert list(back["text"]) == ["'=cmd|' /C calc'!A0", "'-£50 refund", "ordinary"]
    assert list(back["amount"]) == [-5.0, 1.0, 2.0]  # numbers are numbers, not text to neutralise


def test_parquet_keeps_values_exactly(tmp_path):
    df = pd.DataFrame({"text": ["=1+1", "@x"]})
    write_table(df, tmp_path / "o.parquet")
    assert list(pd.read_parquet(tmp_path / "o.parquet")["text"]) == ["=1+1", "@x"]  # not a spreadsheet format


def test_control_characters_do_not_break_an_xlsx_export(tmp_path):
    df = pd.DataFrame({"text": ["bell\x07 and escape\x1b in a pasted complaint", "fine"]})
    write_table(df, tmp_path / "o.xlsx")
    back, _ = read_table(tmp_path / "o.xlsx")
    assert back["text"].iloc[0] == "bell\ufffd and escape\ufffd in a pasted complaint"


@pytest.mark.model
def test_scored_csv_is_injection_safe(trained_model_dir, tmp_path):
    from rca.scoring.score_files import score_file

    src = tmp_path / "in.csv"
    pd.DataFrame({"case_id": ["=1+1", "B"], "text": ["=cmd|' /C calc'!A0 my bin", "@SUM(1) pothole"]}).to_csv(src, index=False)
    score_file(src, tmp_path / "out.csv", model_dir=trained_model_dir, progress=False, n_jobs=1)
    _assert_inert_csv(tmp_path / "out.csv")
    score_file(src, tmp_path / "out.xlsx", model_dir=trained_model_dir, progress=False, n_jobs=1)
    _assert_inert_xlsx(tmp_path / "out.xlsx")


@pytest.mark.model
def test_scored_file_names_the_model_version(trained_model_dir, tmp_path):
    import json

    from rca.scoring.score_files import score_file

    src = tmp_path / "in.csv"
    pd.DataFrame({"case_id": ["A"], "text": ["my bin was not collected"]}).to_csv(src, index=False)
    score_file(src, tmp_path / "out.csv", model_dir=trained_model_dir, progress=False, n_jobs=1)
    version = json.loads((trained_model_dir / "manifest.json").read_text("utf-8"))["version"]
    scored, _ = read_table(tmp_path / "out.csv")
    assert any((scored[c] == version).all() for c in scored.columns if c.startswith("rca_")), list(scored.columns)


@pytest.mark.model
def test_scored_csv_keeps_a_carriage_return_inside_its_row(trained_model_dir, tmp_path):
    from rca.scoring.score_files import score_file

    src = tmp_path / "in.csv"
    with open(src, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL)
        writer.writerows([["case_id", "text"], ["A", "my bin\r=1+1 was missed"], ["B", "pothole"]])
    score_file(src, tmp_path / "out.csv", model_dir=trained_model_dir, progress=False, n_jobs=1)
    with open(tmp_path / "out.csv", newline="", encoding="utf-8") as fh:
        records = list(csv.reader(fh))
    assert [r[0] for r in records[1:]] == ["A", "B"]
    _assert_inert_csv(tmp_path / "out.csv")


def test_plain_numbers_in_text_columns_are_not_quoted(tmp_path):
    # a code column read as text ("-2.0", "+44") is a number to a spreadsheet, not a formula
    df = pd.DataFrame({"code": ["-2.0", "+44", "-.5", "1e-3", "-2.0=cmd", "- 2", "-1+1"]})
    write_table(df, tmp_path / "o.csv")
    back = pd.read_csv(tmp_path / "o.csv", dtype=str)
    assert list(back["code"]) == ["-2.0", "+44", "-.5", "1e-3", "'-2.0=cmd", "'- 2", "'-1+1"]


def test_scored_file_keeps_negative_codes(tmp_path):
    from rca.scoring.score_files import _neutralise

    frame = pd.DataFrame({"code": ["-2.0", "=SUM(A1)", "-3", None, "-x"]})
    out = _neutralise(frame.copy())
    assert list(out["code"])[:3] == ["-2.0", "'=SUM(A1)", "-3"]
    assert out["code"].iloc[3] is None and out["code"].iloc[4] == "'-x"
