"""The report after the audit: periods the data does not cover, blank stages, one uphold-rate
definition, undated exports, and suppression that subtraction cannot undo (each test failed
on the code the audit found)."""
from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from test_report_tables import frame
from typer.testing import CliRunner

from rca.cli.main import app
from rca.config import Config
from rca.errors import RcaError
from rca.reports.build import build_report, write_report
from rca.reports.periods import parse_period
from rca.reports.tables import annual_tables, prepare, suppress, suppress_key_figures
from rca.reports.tables_common import SECONDARY, Table

TOPICS = [
    ("Waste and Street Cleansing", "my bin was not collected again and the crew left rubbish in the road"),
    ("Housing Management", "damp and mould in the bedroom has still not been repaired after three visits"),
    ("Revenues and Benefits", "the council tax bill is wrong and summons costs were added without warning"),
    ("Parking", "a parking ticket was issued unfairly outside my house while I was unloading"),
    ("Housing Management", "nobody got back to me about the leaking roof repair appointment"),
]


def rec(case_id, received, **kw):
    base = dict(case_id=case_id, received=received, text="my bin was not collected", case_type="Complaint", stage="1",
                route="corporate", acceptability="Complaint", service="Parking", channel="Email")
    base.update(kw)
    return base


def steady(first: str, last: str, per_week: int = 3, seed: int = 0) -> pd.DataFrame:
    """Complaints arriving at a steady rate from `first` to `last` (so any change between periods is chance)."""
    rng = np.random.default_rng(seed)
    days = pd.date_range(first, last, freq="D")
    rows, i = [], 0
    for d in days:
        for _ in range(rng.poisson(per_week / 7)):
            svc, text = TOPICS[i % len(TOPICS)]
            rows.append(rec(f"C{i:05d}", d + pd.Timedelta(hours=10), text=f"{text} case {i % 7}", service=svc,
                            outcome=["Upheld", "Not upheld", "Partly upheld"][i % 3], responded=d + pd.Timedelta(days=5)))
            i += 1
    return frame(rows)


# ------------------------------------------------------------ 1. no usable stage, a period with no records

def test_a_period_holding_no_records_is_a_coded_error_naming_the_data_dates(tmp_path):
    df = steady("2023-04-01", "2024-03-31", per_week=10)
    with pytest.raises(RcaError) as err:
        build_report(df, period="2019-20")
    msg = str(err.value)
    assert err.value.code == "E202" and "no records were received in 2019-20" in msg
    assert "were received from 1 April 2023 to 31 March 2024" in msg and "--period 2023-24" in msg
    data = tmp_path / "cases.csv"
    df.to_csv(data, index=False)
    res = CliRunner().invoke(app, ["report", str(data), "--period", "2019-20", "--out", str(tmp_path / "out")])
    assert res.exit_code == 2 and "error: E202" in res.output and "Traceback" not in res.output


def test_blank_stages_do_not_crash_the_report_and_it_says_stages_are_missing():
    df = steady("2023-04-01", "2024-03-31", per_week=10)
    df["stage"] = None  # what validation leaves of a stage column written 1.0 / 2.0
    rep = build_report(df, period="2023-24")
    assert any("usable stage" in a for a in rep.alerts)
    for key in ("outcomes_by_stage", "outcomes_by_service", "stage_counts", "acceptance"):
        assert not rep.tables[key].ok and "stage" in rep.tables[key].skipped
    kf = rep.tables["key_figures"].data.set_index("Measure")["2023-24"]
    assert kf["First contacts"] is None  # not "0": the count could not be made
    summary = next(s for s in rep.sections if s.key == "summary")
    assert summary.blocks[0] == ("note", rep.alerts[0]) and "usable stage" in rep.alerts[0]
    assert not any("received 0 first contacts" in str(v) for _, v in summary.blocks)


def test_cli_on_an_export_whose_stages_are_unusable_writes_a_report_and_says_why_tables_are_missing(tmp_path):
    df = steady("2023-04-01", "2024-03-31", per_week=10)
    df["stage"] = "Informal"  # not a stage (1.0 / 2.0 are read as stages 1 and 2)
    data = tmp_path / "bad_stage.csv"
    df.to_csv(data, index=False)
    res = CliRunner().invoke(app, ["report", str(data), "--period", "2023-24", "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    assert "Traceback" not in res.output and "usable stage" in res.output


def test_outcome_tables_are_skipped_with_a_reason_when_no_record_in_the_period_has_a_stage():
    df = frame([rec("K1", "2023-05-01 10:00", case_type="Compliment", stage=None, outcome=None),
                rec("A", "2022-05-01 10:00", outcome="Upheld")])
    prep = prepare(df, period=parse_period("2023-24"), config=Config())
    t = {t.key: t for v in annual_tables(prep).values() for t in v}
    assert not t["outcomes_by_stage"].ok and "stage 1, 2, 3 or Ombudsman" in t["outcomes_by_stage"].skipped
    assert not t["outcomes_by_service"].ok


# ------------------------------------------------------------ 2. comparison periods the data does not cover

def test_a_comparison_period_without_records_is_dropped_with_a_note_not_shown_as_zeros():
    df = steady("2023-04-01", "2024-03-31", per_week=6)
    rep = build_report(df, period="2023-24", compare="2019-20")
    assert rep.compare is None
    assert any("2019-20" in a and "No comparison" in a for a in rep.alerts)
    assert "2019-20" not in rep.tables["key_figures"].data.columns
    assert "theme_year_changes" not in rep.tables
    assert rep.year_tests.empty


def test_a_partly_covered_comparison_period_is_compared_per_day_and_said_so():
    """'2022' holds only April to December (275 days): at a steady rate, 2023 is not 33% up."""
    df = steady("2022-04-01", "2023-12-31", per_week=20, seed=3)
    rep = build_report(df, period="2023", compare="2022")
    assert any("2022 only in part" in a and "275 of its 365 days" in a for a in rep.alerts)
    vol = rep.tables["volumes_by_service"]
    assert "% change" not in vol.data.columns
    total = vol.data.set_index("Service").loc["Total"]
    raw = 100 * (total["2023"] - total["2022"]) / total["2022"]
    assert raw > 20  # the counts alone would read as a big rise
    assert abs(total["% change per day covered"]) < 10
    assert "per day covered" in vol.note and "275 of 365" in vol.note
    assert "not comparable" in rep.tables["key_figures"].note
    if len(rep.year_tests):  # the Poisson test allows for the shorter period: nothing "rose" at a steady rate
        assert not rep.year_tests["direction"].eq("rose").any()
    about = next(s for s in rep.sections if s.key == "about")
    assert any("only in part" in str(v) for _, v in about.blocks)


def test_a_partly_covered_report_period_is_stated_up_front():
    df = steady("2023-04-01", "2023-11-15", per_week=5)
    rep = build_report(df, period="2023-24")
    assert any("2023-24 only in part" in a and "15 November 2023" in a for a in rep.alerts)
    summary = next(s for s in rep.sections if s.key == "summary")
    assert summary.blocks[0][0] == "note" and "only in part" in summary.blocks[0][1]


def test_count_test_allows_for_unequal_periods():
    from rca.reports.trends import count_changes

    cur, prev = pd.Series({"bins": 120}), pd.Series({"bins": 90})  # 120 in 365 days, 90 in 275: the same rate
    equal = count_changes(cur, prev)
    fair = count_changes(cur, prev, exposure=(365, 275))
    assert equal["change_pct"].iloc[0] == pytest.approx(33.3, abs=0.1)
    assert fair["change_pct"].iloc[0] == pytest.approx(0.0, abs=0.5)
    assert fair["p_value"].iloc[0] > 0.9 and fair["direction"].iloc[0] == "steady"


def test_bins_before_the_data_starts_are_not_shown_as_zeros():
    df = steady("2022-04-01", "2023-12-31", per_week=20, seed=3)
    rep = build_report(df, period="2023", compare="2022")
    assert "2021-22 Q4" not in set(rep.theme_counts.get("bin", pd.Series(dtype=object)))


# ------------------------------------------------------------ 3. one uphold rate

def test_every_uphold_rate_is_over_cases_decided():
    rows = [rec(f"S{i}", "2023-06-01 10:00", outcome=o) for i, o in
            enumerate(["Upheld"] * 4 + ["Partly upheld"] * 2 + ["Not upheld"] * 4 + ["Withdrawn"] * 3 + ["Resolved on receipt"] * 2)]
    rows += [rec(f"O{i}", "2023-09-01 10:00", stage="ombudsman", acceptability=None, outcome=o) for i, o in
             enumerate(["Upheld"] * 5 + ["Partly upheld"] * 1 + ["Not upheld"] * 2 + ["Withdrawn"] * 2)]
    rep = build_report(frame(rows), period="2023-24")
    st = rep.tables["outcomes_by_stage"].data.set_index("Stage")
    assert (st.loc["Stage 1", "Decided"], st.loc["Stage 1", "With outcome"]) == (10, 15)
    assert st.loc["Stage 1", "Uphold rate %"] == 60.0  # 6 of 10 decided, not 6 of 15
    assert st.loc["Ombudsman", "Uphold rate %"] == 75.0  # 6 of 8 decided, not 6 of 10
    assert "75.0% uphold rate" in rep.tables["ombudsman"].note  # section 8 says the same as section 5
    kf = rep.tables["key_figures"].data.set_index("Measure")["2023-24"]
    assert kf["Stage 1 uphold rate %"] == 60.0
    assert "decided" in rep.tables["outcomes_by_stage"].note


# ------------------------------------------------------------ 4. no date received

def _undated(n=60) -> pd.DataFrame:
    rows = []
    for i in range(n):
        svc, text = TOPICS[i % len(TOPICS)]
        rows.append({"text": f"{text}, reference {i % 9}", "root_cause_predicted": ["Failure to do something", "Delay in doing something"][i % 2],
                     "root_cause_confidence": 0.8})
    return pd.DataFrame(rows)


def test_an_undated_export_is_reported_over_all_records_and_says_so(tmp_path):
    rep = build_report(_undated(), period="2023-24")
    assert rep.period.label == "All records (undated)" and "undated" in rep.title
    assert any("no date received" in a and "2023-24 could not be applied" in a for a in rep.alerts)
    pred = rep.tables["root_cause_predicted"]
    assert pred.ok and int(pred.data["Predicted"].sum()) == 60 and "Recorded" not in pred.data
    assert rep.tables["text_themes"].ok  # themes over every record
    assert not any("fewer were found" in n or "fewer than 30" in n for n in rep.notes)
    kf = rep.tables["key_figures"].data.set_index("Measure")["All records (undated)"]
    assert kf["First contacts"] == 60
    data = tmp_path / "textonly.csv"
    _undated().to_csv(data, index=False)
    res = CliRunner().invoke(app, ["report", str(data), "--period", "2023-24", "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    assert "no date received" in res.output and "All records (undated)" in res.output


def test_the_themes_skip_reason_is_true():
    df = frame([rec(f"A{i}", f"2023-0{4 + i % 5}-0{1 + i % 8} 10:00") for i in range(12)])
    rep = build_report(df, period="2023-24")
    note = next(n for n in rep.notes if "Themes from the text" in n)
    assert "only 12 accepted stage 1 complaints with text" in note


# ------------------------------------------------------------ 5. members' version

def _feasible(values: dict, hidden: set, sums: list, small: int = 5) -> dict:
    """Every value each hidden cell can take given the shown cells and the published sums (brute force)."""
    cells = sorted(hidden)
    ranges = [range(1, small) if values[c] is not None and 0 < values[c] < small else range(0, 60) for c in cells]
    seen = {c: set() for c in cells}
    for combo in itertools.product(*ranges):
        v = dict(values)
        v.update(zip(cells, combo))
        if all(sum(v[p] for p in parts) == v[tot] for parts, tot in sums):
            for c, x in zip(cells, combo):
                seen[c].add(x)
    return seen


def test_outcome_rows_cannot_be_undone_by_subtraction():
    """The audit's row: Ombudsman, Housing Management, 10, 6, 8, 0, <5, 26 gave withdrawn = 2."""
    cols = ["Upheld", "Partly upheld", "Not upheld", "Resolved on receipt", "Withdrawn", "With outcome", "Decided"]
    df = pd.DataFrame([["Ombudsman", "Housing Management", 10, 6, 8, 0, 2, 26, 24, 75.0],
                       ["Stage 3", "Children's Services", 2, 0, 6, 0, 1, 9, 8, 25.0],
                       ["Stage 1", "Parking", 43, 14, 58, 9, 3, 127, 115, 49.6]],
                      columns=["Stage", "Service"] + cols + ["Uphold rate %"])
    from rca.reports.tables_outcomes import OUTCOME_SUMS

    t = Table("outcomes_by_service", "x", df, counts=tuple(cols), pct={"Uphold rate %": ("Decided", "Upheld", "Partly upheld")}, sums=OUTCOME_SUMS)
    out = suppress(t, small=5).data
    for i in range(len(df)):
        shown = {c: (None if isinstance(out.at[i, c], str) else int(out.at[i, c])) for c in cols}
        values = {c: int(df.at[i, c]) for c in cols}
        hidden = {c for c, v in shown.items() if v is None}
        assert "<5" in set(out.loc[i, cols]) and SECONDARY in set(out.loc[i, cols]), out.loc[i].tolist()
        sums = [(("Upheld", "Partly upheld", "Not upheld", "Resolved on receipt", "Withdrawn"), "With outcome"),
                (("Upheld", "Partly upheld", "Not upheld"), "Decided")]
        known = {c: (values[c] if c not in hidden else None) for c in cols}
        small_cells = {c for c in hidden if 0 < values[c] < 5}
        possible = _feasible({**known, **{c: values[c] if c in small_cells else None for c in hidden}}, hidden, sums)
        for c in small_cells:
            assert len(possible[c]) >= 2, f"row {i}: {c} can only be {possible[c]}: {out.loc[i].tolist()}"


def test_a_total_row_does_not_give_a_small_count_away():
    df = pd.DataFrame({"Service": ["Parking", "Highways", "Planning", "Total"], "2023-24": [40, 3, 12, 55]})
    t = Table("volumes_by_service", "x", df, counts=("2023-24",), col_total=("2023-24",))
    out = suppress(t, small=5).data.set_index("Service")["2023-24"]
    assert out["Highways"] == "<5" and out["Planning"] == SECONDARY and out["Parking"] == 40 and out["Total"] == 55


def test_rates_over_fewer_cases_than_the_threshold_are_hidden_from_members():
    df = frame([rec("A", "2023-04-01 10:00", outcome="Upheld", responded="2023-04-05 10:00", parent_case_id=None)])
    rep = build_report(df, period="2023-24", audience="members")
    kf = rep.tables["key_figures"].data.set_index("Measure")["2023-24"]
    assert kf["First contacts"] == "<5"
    assert kf["Stage 1 uphold rate %"] == "–" and kf["Stage 1 on time %"] == "–"
    html = "".join(str(v) for s in rep.sections for _, v in s.blocks if isinstance(v, str))
    assert "100.0%" not in html


def test_key_figures_accepted_and_not_accepted_are_suppressed_together():
    df = pd.DataFrame({"Measure": ["First contacts", "Accepted complaints (stage 1)", "Not accepted", "Stage 1 uphold rate %"],
                       "2023-24": pd.Series([30, 27, 3, 50.0], dtype=object)})
    t = Table("key_figures", "Key figures", df, bases={"2023-24": [None, None, None, 4]})
    out = suppress_key_figures(t, small=5).data.set_index("Measure")["2023-24"]
    assert out["Not accepted"] == "<5" and out["Accepted complaints (stage 1)"] == SECONDARY and out["First contacts"] == 30
    assert out["Stage 1 uphold rate %"] == "–"


def test_members_notes_do_not_spell_out_small_numbers():
    rows = [rec(f"O{i}", "2023-09-01 10:00", stage="ombudsman", acceptability=None, outcome=o) for i, o in enumerate(["Upheld", "Not upheld"])]
    rows += [rec(f"A{i}", "2023-06-01 10:00", outcome="Upheld") for i in range(8)]
    rep = build_report(frame(rows), period="2023-24", audience="members")
    note = rep.tables["ombudsman"].note
    assert "fewer than 5" in note and "50.0%" not in note


# ------------------------------------------------------------ small ones

def test_key_figures_csv_writes_counts_as_whole_numbers(tmp_path):
    rep = build_report(steady("2023-04-01", "2024-03-31", per_week=4), period="2023-24")
    paths = write_report(rep, tmp_path / "out")
    text = paths["csv_key_figures"].read_text("utf-8")
    first = next(line for line in text.splitlines() if line.startswith("First contacts,"))
    assert first.split(",")[1].isdigit(), first
    assert not any(line.startswith(("Compliments,", "Stage 2 complaints,")) and line.endswith(".0") for line in text.splitlines())


def test_q_values_are_never_printed_as_zero():
    from rca.reports.fmt import fmt_cell
    from rca.reports.learning import q_text

    assert fmt_cell(3e-12, "q-value", None) == "<0.001"
    assert fmt_cell(0.0123456, "q-value", None) == "0.0123"
    assert q_text(1e-9) == "q < 0.001"


def test_outcomes_by_service_has_no_all_zero_rows():
    df = frame([rec("A", "2023-05-01 10:00", outcome="Upheld"), rec("B", "2023-05-01 10:00", service=None, outcome=None,
                                                                    acceptability="Duplicate complaint")])
    prep = prepare(df, period=parse_period("2023-24"), config=Config())
    t = {t.key: t for v in annual_tables(prep).values() for t in v}
    d = t["outcomes_by_service"].data
    assert d["With outcome"].gt(0).all() and "Not recorded" not in set(d["Service"])


def test_theme_finder_does_not_print_a_convergence_warning():
    from sklearn.exceptions import ConvergenceWarning

    from rca.reports.themes import ThemeFinder

    texts = [t for _, t in TOPICS] * 6
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        tf = ThemeFinder(n_themes=3, max_iter=2, min_df=1).fit(texts)
    assert tf.converged_ is False and len(tf.themes_)
    assert math.isfinite(float(tf.strength_.sum()))


def test_a_total_published_in_another_table_does_not_give_a_small_count_away():
    """Channels add up to the first contacts of the key figures: one small channel alone would be a subtraction away."""
    df = pd.DataFrame({"Channel": ["Web form", "Email", "Letter"], "2023-24": [40, 12, 3], "% of contacts": [72.7, 21.8, 5.5]})
    t = Table("channels", "x", df, counts=("2023-24",), pct={"% of contacts": "2023-24"}, known_totals={"2023-24": 55})
    out = suppress(t, small=5).data.set_index("Channel")
    assert out.loc["Letter", "2023-24"] == "<5" and out.loc["Email", "2023-24"] == SECONDARY
    assert out.loc["Email", "% of contacts"] == "–" and out.loc["Web form", "2023-24"] == 40
