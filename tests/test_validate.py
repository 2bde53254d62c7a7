"""Validation at the boundary: coded errors naming file, row and column; exact row accounting."""

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from rca.cli.main import app
from rca.config import config_from_dict
from rca.errors import RcaError
from rca.ingest.io import read_table, write_table
from rca.ingest.validate import load_cases

MALFORMED = (
    "Case Ref,Date Received,Complaint Details,Outcome,Service Area\r\n"
    'C-1,28/03/2024 15:30,"Bin not collected\nagain, third week running",Partially upheld,Waste\r\n'
    "C-2,yesterday-ish,Pothole outside number 4,Upheld,Highways\r\n"
    "\r\n"
    "C-3,02/04/2024,,Not upheld,Parking\r\n"
    "C-1,03/04/2024,Same id again,Upheld,Waste\r\n"
).encode("utf-8") + "C-4,04/04/2024,Caf\u00e9 next door is noisy,Upheld,Environment\r\n".encode("cp1252")


@pytest.fixture
def malformed(tmp_path) -> Path:
    p = tmp_path / "export.csv"
    p.write_bytes(MALFORMED)
    return p


def test_malformed_export_is_quarantined_with_row_and_column(malformed, tmp_path):
    q = tmp_path / "q.csv"
    res = load_cases(malformed, require=("text", "received"), quarantine_path=q)
    assert res.n_read == 6
    assert res.n_read == res.n_valid + res.n_quarantined
    assert res.n_quarantined == 4
    reasons = dict(zip(res.quarantine["source_row"], res.quarantine["reason"]))
    assert reasons[4].startswith("E103") and "row 4" in reasons[4] and "'Date Received'" in reasons[4]
    assert reasons[5].startswith("E105") and "row 5" in reasons[5]
    assert reasons[6].startswith("E102") and "'Complaint Details'" in reasons[6]
    assert reasons[7].startswith("E104") and "'C-1'" in reasons[7]
    assert str(malformed) in reasons[4]
    # the quoted field with an embedded newline stays one case, with its physical row number
    first = res.cases.iloc[0]
    assert first["case_id"] == "C-1" and "\n" in first["text"] and first["source_row"] == 2
    # cp1252 bytes are decoded, and the decision is reported, not silent
    assert res.cases.iloc[1]["text"].startswith("Café")
    assert any("cp1252" in w for w in res.warnings)
    # labels map onto the taxonomy
    assert first["outcome"] == "Partly upheld" and first["service"] == "Waste and Street Cleansing"
    assert pd.Timestamp("2024-03-28 15:30") == first["received"]
    written = pd.read_csv(q)
    assert len(written) == 4 and "reason" in written.columns


def test_keep_mode_never_drops_a_row(malformed):
    res = load_cases(malformed, on_bad_rows="keep")
    assert len(res.cases) == res.n_read == 6
    assert list(res.cases["source_row"]) == [2, 4, 5, 6, 7, 8]
    assert res.cases["rca_issues"].str.len().gt(0).sum() == 4


def test_missing_required_column_names_the_file_and_the_fix(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("Ref,Notes\nA,hello\n")
    with pytest.raises(RcaError) as exc:
        load_cases(p, require=("text", "received"))
    assert exc.value.code == "E101"
    assert str(p) in str(exc.value) and "--text-column" in str(exc.value)


def test_any_column_names_by_config(tmp_path):
    p = tmp_path / "feedback.csv"
    p.write_text("feedback,label\nthe bins were missed,waste\nrude staff,staff\n")
    cfg = config_from_dict({"columns": {"text": "feedback"}})
    res = load_cases(p, config=cfg)
    assert list(res.cases["case_id"]) == ["2", "3"]  # row numbers serve as ids
    assert list(res.cases["label"]) == ["waste", "staff"]  # unmapped columns are kept for targets


def test_config_pointing_at_a_missing_column_is_a_coded_error(tmp_path):
    p = tmp_path / "f.csv"
    p.write_text("a,b\n1,2\n")
    with pytest.raises(RcaError, match="E101"):
        load_cases(p, config=config_from_dict({"columns": {"text": "Description"}}))


@pytest.mark.parametrize("ext", [".xlsx", ".parquet", ".csv"])
def test_round_trip_formats(tmp_path, ext):
    df = pd.DataFrame({"Reference": ["A", "B"], "Date Received": ["2024-01-02", "2024-01-03"], "Description": ["one", "two"]})
    p = write_table(df, tmp_path / f"cases{ext}")
    res = load_cases(p, require=("text", "received", "case_id"))
    assert list(res.cases["case_id"]) == ["A", "B"] and res.n_quarantined == 0


def test_utf8_bom_is_read_without_a_warning(tmp_path):
    p = tmp_path / "bom.csv"
    p.write_bytes("\ufeffReference,Description\nA,caf\u00e9\n".encode("utf-8"))
    df, info = read_table(p)
    assert list(df.columns)[:2] == ["Reference", "Description"] and info.notes == []


def test_validate_cli_exit_codes_and_counts(malformed, tmp_path):
    runner = CliRunner()
    q = tmp_path / "quarantine.csv"
    result = runner.invoke(app, ["validate", str(malformed), "--quarantine", str(q)])
    assert result.exit_code == 1
    assert "read 6 rows: 2 valid, 4 quarantined" in result.output
    assert q.exists()
    clean = tmp_path / "clean.csv"
    clean.write_text("Reference,Date Received,Description\nA,2024-01-02,bins\n")
    ok = runner.invoke(app, ["validate", str(clean)])
    assert ok.exit_code == 0, ok.output
    missing = runner.invoke(app, ["validate", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2 and "E001" in missing.output


def test_unknown_label_is_reported_and_kept(tmp_path):
    p = tmp_path / "f.csv"
    p.write_text("Description,Outcome\nbins,Sort of upheld\n")
    res = load_cases(p)
    assert res.cases.loc[0, "outcome"] == "Sort of upheld"
    assert any(w.startswith("E106") for w in res.warnings)


def test_validate_needs_only_a_text_column(tmp_path):
    # the brief: a text column is all scoring needs; dates are asked for only when required
    runner = CliRunner()
    p = tmp_path / "feedback.csv"
    p.write_text("feedback,label\nhello there,a\nbin not collected,b\n")
    ok = runner.invoke(app, ["validate", str(p), "--text-column", "feedback"])
    assert ok.exit_code == 0, ok.output
    assert "read 2 rows: 2 valid, 0 quarantined" in ok.output and "no date-received column" in ok.output
    strict = runner.invoke(app, ["validate", str(p), "--text-column", "feedback", "--require", "received"])
    assert strict.exit_code == 2 and "E101" in strict.output and "--received-column" in strict.output


def test_the_chunks_of_one_file_share_what_was_decided_in_the_first():
    """A ReadState carried from chunk to chunk: the date order and the ids seen in the first chunk
    hold in the next, where the values alone would say otherwise."""
    from rca.config import Config
    from rca.ingest.taxonomy import load_taxonomy
    from rca.ingest.validate import ReadState, canonicalise

    def chunk(start, ids, dates):
        return pd.DataFrame(
            {"case_id": ids, "received": dates, "text": ["Bin not collected"] * len(ids), "source_row": range(start, start + len(ids))}
        ).astype(str)

    kw = dict(
        config=Config(),
        taxonomy=load_taxonomy(None),
        source="f.csv",
        mapping={"case_id": "case_id", "received": "received", "text": "text"},
    )
    state, seen = ReadState(), set()
    first, _, _ = canonicalise(chunk(1, ["A", "B"], ["12/25/2024", "01/30/2024"]), state=state, seen_ids=seen, **kw)
    later, quarantined, _ = canonicalise(chunk(3, ["A", "C"], ["03/04/2024", "05/06/2024"]), state=state, seen_ids=seen, **kw)
    assert state.dayfirst == {"received": False}
    assert later["received"].tolist() == [pd.Timestamp("2024-05-06")]  # month first, as the first chunk showed
    assert quarantined["reason"].str.startswith("E104").tolist() == [True]  # A was in the first chunk
    alone, _, _ = canonicalise(chunk(3, ["A", "C"], ["03/04/2024", "05/06/2024"]), **kw)
    assert alone["received"].tolist() == [pd.Timestamp("2024-04-03"), pd.Timestamp("2024-06-05")]
