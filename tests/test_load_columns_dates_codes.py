"""Loading a council's export: column-name collisions, date orders, which codes merge and which stay
apart, and messages that point at options which exist."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from typer.testing import CliRunner

from rca.cli.main import app
from rca.config import Config, config_from_dict
from rca.errors import CATALOGUE, RcaError
from rca.ingest.io import iter_table, read_table
from rca.ingest.taxonomy import load_taxonomy
from rca.ingest.validate import iter_cases, load_cases

runner = CliRunner()
FEEDBACK = Config(columns={"text": "Feedback"})


def _csv(tmp_path, name: str, body: str):
    p = tmp_path / name
    p.write_text(body, encoding="utf-8")
    return p


# ------------------------------------------------------------- 1. column names that collide
def test_a_user_column_named_text_is_kept_beside_the_mapped_text(tmp_path):
    p = _csv(tmp_path, "c.csv", "Ref,Feedback,text\nA,bins were missed,n/a\nB,rude staff,n/a\n")
    res = load_cases(p, config=FEEDBACK)
    assert list(res.cases["text"]) == ["bins were missed", "rude staff"]  # the column the user named wins
    assert list(res.cases["text (input)"]) == ["n/a", "n/a"]  # the other is kept, not lost
    assert res.n_quarantined == 0
    assert any(w.startswith("E112") and "'text (input)'" in w and str(p) in w for w in res.warnings)


def test_a_user_column_named_received_is_kept_beside_the_mapped_date(tmp_path):
    p = _csv(tmp_path, "r.csv", "Ref,Feedback,When,received\nA,bins,2024-01-02,yesterday\nB,staff,2024-01-03,today\n")
    res = load_cases(p, config=Config(columns={"text": "Feedback", "received": "When"}))
    assert list(res.cases["received"]) == [pd.Timestamp("2024-01-02"), pd.Timestamp("2024-01-03")]
    assert list(res.cases["received (input)"]) == ["yesterday", "today"]
    assert res.n_quarantined == 0


def test_validate_cli_with_a_colliding_column_is_not_a_traceback(tmp_path):
    p = _csv(tmp_path, "c.csv", "Ref,Feedback,text\nA,bins were missed,n/a\n")
    out = runner.invoke(app, ["validate", str(p), "--text-column", "Feedback", "-q", str(tmp_path / "q.csv")])
    assert out.exit_code == 0, out.output
    assert "E112" in out.output and "Traceback" not in out.output


def test_headers_equal_once_trimmed_become_two_columns(tmp_path):
    p = _csv(tmp_path, "d.csv", "Ref,Feedback,Feedback \nA,bins,other\nB,staff,other\n")
    df, info = read_table(p)
    assert list(df.columns) == ["Ref", "Feedback", "Feedback.1", "source_row"]
    assert list(df["Feedback"]) == ["bins", "staff"] and list(df["Feedback.1"]) == ["other", "other"]
    assert any("'Feedback.1'" in n for n in info.notes)
    streamed, _ = next(iter_table(p))
    assert list(streamed.columns) == list(df.columns)  # both readers name the columns alike
    res = load_cases(p, config=FEEDBACK)
    assert list(res.cases["text"]) == ["bins", "staff"]


def test_headers_equal_once_trimmed_in_a_workbook(tmp_path):
    p = tmp_path / "d.xlsx"
    pd.DataFrame([["A", "bins", "x"]], columns=["Ref", "Feedback", "Feedback "]).to_excel(p, index=False)
    df, _ = read_table(p)
    assert list(df.columns) == ["Ref", "Feedback", "Feedback.1", "source_row"]


# ------------------------------------------------------------- 6. a user column named source_row
@pytest.mark.parametrize("stream", [False, True])
def test_a_user_source_row_column_is_kept(tmp_path, stream):
    p = _csv(tmp_path, "s.csv", "Ref,Feedback,source_row\nA,bins,SR-1\nB,staff,SR-2\n")
    df, info = next(iter_table(p)) if stream else read_table(p)
    assert list(df["source_row"]) == [2, 3]  # rca's line numbers
    assert list(df["source_row (input)"]) == ["SR-1", "SR-2"]  # the user's values, kept
    assert any("source_row (input)" in n for n in info.notes)
    res = load_cases(p, config=FEEDBACK)
    assert list(res.cases["source_row (input)"]) == ["SR-1", "SR-2"]


# ------------------------------------------------------------- 3. dates
def test_year_first_dates_with_slashes_are_year_month_day(tmp_path):
    p = _csv(tmp_path, "y.csv", "Ref,Feedback,Date Received\nA,bins,2013/12/02\nB,staff,2013/06/25\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pandas' dayfirst advice no longer leaks
        res = load_cases(p, config=FEEDBACK)
    assert list(res.cases["received"]) == [pd.Timestamp("2013-12-02"), pd.Timestamp("2013-06-25")]


def test_a_month_first_column_is_read_month_first_throughout(tmp_path):
    p = _csv(tmp_path, "us.csv", "Ref,Feedback,Date Received\nA,bins,03/04/2024\nB,staff,03/25/2024\nC,noise,12/31/2023\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = load_cases(p, config=FEEDBACK)
    assert list(res.cases["received"]) == [pd.Timestamp("2024-03-04"), pd.Timestamp("2024-03-25"), pd.Timestamp("2023-12-31")]
    assert any(w.startswith("E114") and "month-first" in w for w in res.warnings)


def test_a_day_first_column_stays_day_first_without_a_warning(tmp_path):
    p = _csv(tmp_path, "uk.csv", "Ref,Feedback,Date Received\nA,bins,03/04/2024\nB,staff,25/03/2024\n")
    res = load_cases(p, config=FEEDBACK)
    assert list(res.cases["received"]) == [pd.Timestamp("2024-04-03"), pd.Timestamp("2024-03-25")]
    assert not any(w.startswith("E114") for w in res.warnings)


def test_a_column_in_both_orders_is_flagged_not_read_two_ways(tmp_path):
    p = _csv(tmp_path, "mix.csv", "Ref,Feedback,Date Received\nA,bins,25/03/2024\nB,staff,03/25/2024\nC,noise,03/04/2024\n")
    res = load_cases(p, config=FEEDBACK)
    assert any(w.startswith("E114") and "both orders" in w for w in res.warnings)
    assert list(res.cases["received"]) == [pd.Timestamp("2024-03-25"), pd.Timestamp("2024-04-03")]  # day-first, as configured
    assert res.n_quarantined == 1 and res.quarantine["reason"].iat[0].startswith("E103")  # 03/25 is not guessed


def test_a_streamed_file_keeps_one_date_order_across_chunks(tmp_path):
    p = _csv(tmp_path, "us.csv", "Ref,Feedback,Date Received\nA,bins,03/25/2024\nB,staff,03/04/2024\n")
    chunks = list(iter_cases(p, config=FEEDBACK, chunksize=1))
    assert [c["received"].iat[0] for c in chunks] == [pd.Timestamp("2024-03-25"), pd.Timestamp("2024-03-04")]


# ------------------------------------------------------------- 4. built-in aliases never merge a file's codes
def test_builtin_aliases_do_not_merge_two_codes_of_one_file(tmp_path):
    p = _csv(tmp_path, "dept.csv", "Ref,Feedback,Department\nA,bins,Environment\nB,bins,Waste\nC,repairs,Housing\nD,bins,Environment\n")
    res = load_cases(p, config=FEEDBACK)
    codes = list(res.cases["service"])
    assert codes[0] != codes[1]  # Environment and Waste stay two codes
    assert codes == ["Environment", "Waste and Street Cleansing", "Housing Management", "Environment"]
    assert any("'Environment' is kept as written" in w for w in res.warnings)
    assert any("'Waste' as 'Waste and Street Cleansing'" in w and "'Housing' as 'Housing Management'" in w for w in res.warnings)


def test_an_alias_alone_still_reads_as_the_taxonomy_label(tmp_path):
    p = _csv(tmp_path, "one.csv", "Ref,Feedback,Department\nA,bins,Environment\nB,staff,Parking\n")
    res = load_cases(p, config=FEEDBACK)
    assert list(res.cases["service"]) == ["Waste and Street Cleansing", "Parking"]


def test_the_label_itself_keeps_its_name_and_the_alias_is_not_merged_into_it(tmp_path):
    p = _csv(tmp_path, "l.csv", "Ref,Feedback,Department\nA,bins,Waste and Street Cleansing\nB,bins,Waste\n")
    res = load_cases(p, config=FEEDBACK)
    assert list(res.cases["service"]) == ["Waste and Street Cleansing", "Waste"]


def test_the_config_may_ask_for_a_merge(tmp_path):
    p = _csv(tmp_path, "m.csv", "Ref,Feedback,Department\nA,bins,Environment\nB,bins,Waste\n")
    one = config_from_dict({"columns": {"text": "Feedback"}, "labels": {"service": {"Environment": "Waste and Street Cleansing"}}})
    assert list(load_cases(p, config=one).cases["service"]) == ["Waste and Street Cleansing", "Waste"]  # Waste: not asked
    both = config_from_dict(
        {
            "columns": {"text": "Feedback"},
            "labels": {"service": {"Environment": "Waste and Street Cleansing", "Waste": "Waste and Street Cleansing"}},
        }
    )
    assert list(load_cases(p, config=both).cases["service"]) == ["Waste and Street Cleansing"] * 2
    tax = tmp_path / "tax.toml"
    tax.write_text('version = "ours"\n[sets]\nservice = ["Streets"]\n[aliases.service]\nwaste = "Streets"\nenvironment = "Streets"\n')
    cfg = config_from_dict({"columns": {"text": "Feedback"}, "taxonomy": str(tax)})
    assert list(load_cases(p, config=cfg).cases["service"]) == ["Streets"] * 2


def test_spelling_variants_of_fixed_fields_still_map():
    tax = load_taxonomy()
    plan, _, kept = tax.plan_codes("stage", ["Stage 2", "S2", "stage two"], merge=True)
    assert set(plan.values()) == {"2"} and not kept


def test_multi_label_codes_are_not_merged(tmp_path):
    tax = load_taxonomy()
    plan, _, kept = tax.plan_codes("root_cause", ["failure to act", "failure in service", "Delay"])
    assert plan["failure to act"] == "Failure to do something" and plan["failure in service"] == "failure in service"
    assert plan["Delay"] == "Delay in doing something" and len(kept) == 1


# ------------------------------------------------------------- 7. messages point at things that exist
def test_hints_name_only_options_and_commands_that_exist():
    for code in ("E004", "E006", "E305"):
        hint = CATALOGUE[code][1]
        assert "--encoding" not in hint and "--sheet" not in hint and "rca info" not in hint
    assert "encoding =" in CATALOGUE["E004"][1] and "sheet =" in CATALOGUE["E006"][1]
    assert "rca model-card" in CATALOGUE["E305"][1]


def test_the_cp1252_note_points_at_the_config(tmp_path):
    p = tmp_path / "w.csv"
    p.write_bytes("Ref,Feedback\nA,Caf\u00e9 noise\n".encode("cp1252"))
    _, info = read_table(p)
    assert info.notes and "--encoding" not in info.notes[0] and "encoding =" in info.notes[0]


def test_a_missing_text_column_named_by_the_flag_says_so(tmp_path):
    p = _csv(tmp_path, "f.csv", "Ref,Feedback\nA,bins\n")
    out = runner.invoke(app, ["validate", str(p), "--text-column", "Nope"])
    assert out.exit_code == 2
    assert "--text-column names 'Nope'" in out.output and "the config" not in out.output.split(".")[0]
    assert str(p) in out.output and "'Feedback'" in out.output
    toml = tmp_path / "rca.toml"
    toml.write_text('[columns]\ntext = "Nope"\n')
    with pytest.raises(RcaError) as err:
        from rca.config import load_config

        load_cases(p, config=load_config(toml))
    assert "the config" in str(err.value) and str(toml) in str(err.value)


def test_a_stage_written_as_a_float_reads_as_the_stage(tmp_path):
    """1.0 / 2.0 (a stage column that went through pandas or a spreadsheet as numbers) are stages 1 and 2."""
    from rca.ingest.validate import load_cases

    p = tmp_path / "float_stage.csv"
    p.write_text("case_id,text,stage\nA,bin not collected,1.0\nB,still not collected,2.0\nC,rude staff,4.0\n", encoding="utf-8")
    got = load_cases(p, on_bad_rows="keep")
    assert got.cases["stage"].tolist()[:2] == ["1", "2"]
    assert got.cases["stage"].isna().tolist()[2]


# ------------------------------------------------------------- examples drawn from the file itself
def test_the_date_order_message_shows_a_date_of_the_column(tmp_path):
    """It always said '03/04/2024 in this column is 4 March', whatever the column held."""
    p = _csv(tmp_path, "us.csv", "Ref,Feedback,Date Received\nA,bins,05/06/2024\nB,staff,03/25/2024\n")
    res = load_cases(p, config=FEEDBACK)
    note = next(w for w in res.warnings if w.startswith("E114"))
    assert "so 05/06/2024 in this column is 6 May" in note and "03/04/2024" not in note


def test_an_unknown_target_suggests_a_column_that_looks_like_codes_not_an_id(tmp_path):
    """The example was the first column that was not the text: often a reference number."""
    rows = "\n".join(f"ENQ-{i},comment {i},{'Repairs' if i % 2 else 'Parking'}" for i in range(12))
    p = _csv(tmp_path, "t.csv", "Enquiry No,Feedback,Team\n" + rows + "\n")
    r = runner.invoke(app, ["train", str(p), "--text-column", "Feedback", "--target", "Theme", "--model-dir", str(tmp_path / "m")])
    msg = " ".join(r.output.split())
    assert r.exit_code == 2 and "E101" in msg and "(e.g. --target Team)" in msg, msg


@pytest.mark.model
def test_a_councils_own_codes_in_other_capitals_are_one_code(tmp_path, caplog):
    """'Noise', 'NOISE', ' Noise' and 'noise ' trained as four classes (7 in all for 3 codes), with no warning."""
    import json

    rows = ["Comment,Category"]
    spell = {"Noise": ["Noise", "NOISE", " Noise", "noise "], "Bins": ["Bins", "bins"], "Potholes": ["Potholes", "potholes  "]}
    words = {
        "Noise": "loud music from next door at night",
        "Bins": "my bin was not emptied this week",
        "Potholes": "a deep pothole in the road damaged my tyre",
    }
    for i in range(90):
        code = list(spell)[i % 3]
        variants = spell[code]
        rows.append(f"{words[code]} {i},{variants[(i // 3) % len(variants)] if i % 5 else code}")
    path = _csv(tmp_path, "custom.csv", "\n".join(rows) + "\n")
    r = runner.invoke(app, ["train", str(path), "--text-column", "Comment", "--target", "Category", "--model-dir", str(tmp_path / "m")])
    assert r.exit_code == 0, r.output
    metrics = json.loads((tmp_path / "m" / "metrics.json").read_text("utf-8"))
    assert sorted(metrics["Category"]["per_class"]) == ["Bins", "Noise", "Potholes"], metrics["Category"]["per_class"]
    assert "differ only in capital letters or spaces" in caplog.text or "differ only in capital letters" in r.output
    r = runner.invoke(app, ["evaluate", str(path), "--model-dir", str(tmp_path / "m"), "--json"])
    assert r.exit_code == 0 and json.loads(r.output)["metrics"]["Category"]["unseen_codes"] == {}


def test_an_excel_sheet_with_a_title_above_the_header_is_read(tmp_path):
    """A merged title in row 1 and the header in row 3 gave E101 listing 'Unnamed: 1' as the columns."""
    from openpyxl import Workbook

    wb = Workbook()
    notes = wb.active
    notes.title = "Notes"
    notes.append(["exported from the case system"])
    ws = wb.create_sheet("Cases")
    ws.append(["Anytown Borough Council - Complaints Export"])
    ws.merge_cells("A1:C1")
    ws.append([])
    ws.append(["Ref", "Feedback", "Date Received"])
    ws.append(["A1", "bins were missed", "01/04/2024"])
    ws.append(["A2", "", "02/04/2024"])
    path = tmp_path / "title.xlsx"
    wb.save(path)
    res = load_cases(path, config=Config(columns={"text": "Feedback", "case_id": "Ref"}, sheet="Cases"))
    assert res.cases["case_id"].tolist() == ["A1"] and res.n_quarantined == 1
    assert res.quarantine["source_row"].tolist() == [5]  # numbered as in the sheet
    table, info = read_table(path, sheet="Cases")
    assert any("the header is row 3 of the sheet" in n for n in info.notes)
    _, info = read_table(path)  # no sheet named: the first is read, and the others are named
    assert any("read its first sheet 'Notes' of 2 ('Notes', 'Cases')" in n for n in info.notes)


def test_a_warning_is_printed_once(tmp_path):
    """Every validate/train warning came out twice: as a log line on stderr and as 'warning:' on stdout."""
    p = _csv(tmp_path, "us.csv", "Ref,Feedback,Date Received\nA,bins,03/04/2024\nB,staff,03/25/2024\n")
    cfg = tmp_path / "c.toml"
    cfg.write_text('[columns]\ntext = "Feedback"\n', encoding="utf-8")
    r = runner.invoke(app, ["validate", str(p), "--config", str(cfg)])
    assert r.output.count("read month-first (mm/dd/yyyy)") == 1, r.output
    r = runner.invoke(app, ["report", str(p), "--config", str(cfg), "--period", "2023-24", "--out", str(tmp_path / "rep")])
    assert r.output.count("read month-first (mm/dd/yyyy)") == 1, r.output  # the report says it too, once


def test_codes_joined_by_commas_are_told_to_use_semicolons(tmp_path):
    p = _csv(
        tmp_path,
        "esc.csv",
        'Ref,Feedback,Escalation reasons\nA,bins,"Delay in responding to complaint, Failed to address all issues"\n'
        "B,staff,Disagree with decision\n",
    )
    res = load_cases(p, config=Config(columns={"text": "Feedback", "escalation_reason": "Escalation reasons"}))
    note = next(w for w in res.warnings if w.startswith("E106"))
    assert "Separate several codes with ';' (e.g. 'Delay in responding to complaint; Failed to address all issues')" in note
    assert "Add the spelling to [labels]" not in note
