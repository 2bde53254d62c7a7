"""The report after the audit: periods the data does not cover, blank stages, one uphold-rate
definition, undated exports, and suppression that subtraction cannot undo (each test failed
on the code the audit found)."""
from __future__ import annotations

import itertools
import math
import re
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
from rca.reports.tables.catalogue import annual_tables, prepare, suppress, suppress_key_figures
from rca.reports.tables.common import SECONDARY, Table

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
    assert err.value.code == "E205" and "no records were received in 2019-20" in msg
    assert "were received from 1 April 2023 to 31 March 2024" in msg and "--period 2023-24" in msg
    data = tmp_path / "cases.csv"
    df.to_csv(data, index=False)
    res = CliRunner().invoke(app, ["report", str(data), "--period", "2019-20", "--out", str(tmp_path / "out")])
    assert res.exit_code == 2 and "error: E205" in res.output and "Traceback" not in res.output


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
    from rca.reports.themes.trends import count_changes

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
    from rca.reports.tables.outcomes import OUTCOME_SUMS

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
    from rca.reports.render.fmt import fmt_cell
    from rca.reports.themes.learning import q_text

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

    from rca.reports.themes.section import ThemeFinder

    texts = [t for _, t in TOPICS] * 6
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        tf = ThemeFinder(n_themes=3, min_df=1).fit(texts)
    assert len(tf.themes_) and math.isfinite(float(tf.closeness_.sum()))


def test_a_total_published_in_another_table_does_not_give_a_small_count_away():
    """Channels add up to the first contacts of the key figures: one small channel alone would be a subtraction away."""
    df = pd.DataFrame({"Channel": ["Web form", "Email", "Letter"], "2023-24": [40, 12, 3], "% of contacts": [72.7, 21.8, 5.5]})
    t = Table("channels", "x", df, counts=("2023-24",), pct={"% of contacts": "2023-24"}, known_totals={"2023-24": 55})
    out = suppress(t, small=5).data.set_index("Channel")
    assert out.loc["Letter", "2023-24"] == "<5" and out.loc["Email", "2023-24"] == SECONDARY
    assert out.loc["Email", "% of contacts"] == "–" and out.loc["Web form", "2023-24"] == 40


# ------------------------------------------------------------ 4. months missing inside the data (N1)

def _without(df: pd.DataFrame, first: str, last: str) -> pd.DataFrame:
    """The export with every record received from `first` to `last` (inclusive) taken out: months it is missing."""
    r = pd.to_datetime(df["received"])
    return df[~((r >= first) & (r < pd.Timestamp(last) + pd.Timedelta(days=1)))].reset_index(drop=True)


def _total_change(rep) -> float:
    vol = rep.tables["volumes_by_service"]
    return float(vol.data.set_index("Service").loc["Total", rep.tables["volumes_by_service"].data.columns[-1]])


@pytest.mark.parametrize("gap", [("2022-10-01", "2023-03-31"), ("2022-07-01", "2022-12-31")], ids=["end", "middle"])
def test_months_missing_from_the_comparison_period_are_not_published_as_a_rise(gap):
    """The audit: six months missing at the end (or in the middle) of 2022-23 read as '96.7% more than in 2022-23'."""
    df = _without(steady("2022-04-01", "2024-03-31", per_week=20, seed=5), *gap)
    rep = build_report(df, period="2023-24", compare="2022-23")
    a, b = (pd.Timestamp(x) for x in gap)
    said = f"no record at all from {a.day} {a:%B %Y} to {b.day} {b:%B %Y}"
    assert any("2022-23 only in part" in x and said in x for x in rep.alerts), rep.alerts
    cov = rep.tables["key_figures"].note
    assert "not comparable" in cov
    vol = rep.tables["volumes_by_service"]
    assert vol.data.columns[-1] == "% change per day covered"
    assert abs(_total_change(rep)) < 15  # a steady rate: no doubling
    summary = " ".join(str(v) for s in rep.sections if s.key == "summary" for _, v in s.blocks)
    said = re.search(r"Per day covered that is (\d+\.\d)% (more|fewer) than in 2022-23", summary)
    assert said and float(said.group(1)) < 15, summary[:300]
    if len(rep.year_tests):  # the Poisson test is told each period's days covered
        assert not rep.year_tests["direction"].eq("rose").any()


def test_months_missing_from_the_report_period_are_said_up_front_and_compared_per_day():
    df = _without(steady("2022-04-01", "2024-03-31", per_week=20, seed=6), "2023-04-01", "2023-09-30")
    rep = build_report(df, period="2023-24", compare="2022-23")
    assert any("2023-24 only in part" in a and "183 of its 366 days" in a for a in rep.alerts), rep.alerts
    assert abs(_total_change(rep)) < 15  # not "51.8% fewer"
    summary = next(s for s in rep.sections if s.key == "summary")
    assert summary.blocks[0][0] == "note" and "only in part" in summary.blocks[0][1]
    assert "no record at all from 1 April 2023" in rep.tables["quarterly"].note


def test_cli_says_months_are_missing_before_anything_else(tmp_path):
    data = tmp_path / "cases.csv"
    _without(steady("2022-04-01", "2024-03-31", per_week=20, seed=5), "2022-10-01", "2023-03-31").to_csv(data, index=False)
    res = CliRunner().invoke(app, ["report", str(data), "--period", "2023-24", "--compare", "2022-23", "--out", str(tmp_path / "o")])
    assert res.exit_code == 0, res.output
    assert "note: cases.csv: The data covers 2022-23 only in part" in res.output and "missing from the export" in res.output


def test_trend_bins_inside_missing_months_are_left_out_not_shown_as_zeros():
    df = _without(steady("2022-04-01", "2024-03-31", per_week=20, seed=5), "2022-07-01", "2022-12-31")
    rep = build_report(df, period="2023-24", compare="2022-23")
    bins = set(rep.theme_counts["bin"]) if len(rep.theme_counts) else set()
    assert bins and not bins & {"2022-23 Q2", "2022-23 Q3"}
    assert any("leave out 2022-23 Q2, 2022-23 Q3" in n for n in rep.notes)


def test_coverage_counts_days_inside_a_missing_stretch_as_not_covered():
    from rca.reports.coverage import coverage

    span = pd.Timestamp("2022-04-01"), pd.Timestamp("2024-03-31")
    gap = [(pd.Timestamp("2022-07-01"), pd.Timestamp("2022-12-31"))]
    c = coverage(parse_period("2022-23"), *span, n_records=10, gaps=gap)
    assert (c.status, c.covered_days, c.first, c.last) == ("partial", 365 - 184, pd.Timestamp("2022-04-01"), pd.Timestamp("2023-03-31"))
    assert c.missing == tuple(gap) and "1 July 2022 to 31 December 2022 (184 days)" in c.describe(span)
    assert coverage(parse_period("2023-24"), *span, n_records=10, gaps=gap).full
    # a stretch reaching only a few days into a period is quiet days at its edge, as before
    edge = [(pd.Timestamp("2022-10-01"), pd.Timestamp("2023-04-03"))]
    assert coverage(parse_period("2023-24"), *span, n_records=10, gaps=edge).full


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("per_week", [1, 3, 10])
def test_a_small_councils_quiet_weeks_are_not_read_as_missing_data(seed, per_week):
    from rca.reports.coverage import missing_stretches

    rng = np.random.default_rng(seed)
    days = pd.date_range("2022-04-01", "2024-03-31", freq="D")
    lam = np.where(days.dayofweek < 5, per_week / 5, 0.0) * (1 + 0.3 * np.sin(2 * np.pi * np.arange(len(days)) / 365))
    received = pd.Series(np.repeat(days.to_numpy(), rng.poisson(lam)))
    assert len(missing_stretches(received)) == 0
    # a whole quarter missing is found, at three a week as at ten
    if per_week >= 3:
        cut = received[~((received >= "2022-10-01") & (received < "2023-01-01"))]
        found = missing_stretches(cut)
        assert any(a <= pd.Timestamp("2022-10-20") and b >= pd.Timestamp("2022-12-10") for a, b in found), list(found)


def test_an_export_dated_by_month_is_not_read_as_missing_the_days_between():
    from rca.reports.coverage import missing_stretches

    df = steady("2022-04-01", "2024-03-31", per_week=20, seed=2)
    monthly = pd.to_datetime(df["received"]).dt.to_period("M").dt.to_timestamp()
    assert len(missing_stretches(monthly)) == 0
    rep = build_report(df.assign(received=monthly), period="2023-24", compare="2022-23")
    assert not any("missing from the export" in a for a in rep.alerts), rep.alerts


# ------------------------------------------------------------ 5. suppression across tables (N2)

OUTCOME_NAMES = ["Upheld", "Partly upheld", "Not upheld", "Resolved on receipt", "Withdrawn"]
SERVICES = ["Housing Management", "Waste and Street Cleansing", "Parking", "Highways", "Planning", "Revenues and Benefits"]


def small_council(seed: int, n: int = 130) -> pd.DataFrame:
    """A small council's year: stage 1 contacts, some escalated to stage 2 (with a parent), a few Ombudsman
    enquiries, late responses with reasons; every count small enough that suppression has work to do."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        d = pd.Timestamp("2023-04-03 10:00") + pd.Timedelta(days=int(rng.integers(0, 360)))
        svc = SERVICES[int(rng.choice(6, p=[.35, .2, .15, .12, .1, .08]))]
        acc = "Complaint" if rng.random() < .6 else str(rng.choice(["Duplicate complaint", "Anonymous", "Service request or enquiry - not a complaint"]))
        out = str(rng.choice(OUTCOME_NAMES, p=[.3, .15, .4, .08, .07])) if acc == "Complaint" else None
        rows.append(rec(f"S{i}", d, service=svc, acceptability=acc, outcome=out, text=f"{TOPICS[i % len(TOPICS)][1]} case {i % 7}", responded=d + pd.Timedelta(days=int(rng.integers(3, 22))),
                        delay_reason=str(rng.choice(["Workload", "Complex case", "Staff absent"])), parent_case_id=None,
                        channel=str(rng.choice(["Email", "Web form", "Phone", "Letter"], p=[.4, .4, .15, .05]))))
        if acc == "Complaint" and rng.random() < .18 and d < pd.Timestamp("2024-02-01"):
            d2 = d + pd.Timedelta(days=int(rng.integers(20, 50)))
            rows.append(rec(f"T{i}", d2, stage="2", service=svc, parent_case_id=f"S{i}", outcome=str(rng.choice(OUTCOME_NAMES, p=[.2, .2, .45, 0, .15])),
                            responded=d2 + pd.Timedelta(days=int(rng.integers(10, 35))), delay_reason="Complex case"))
    for i in range(int(rng.integers(1, 4))):
        rows.append(rec(f"O{i}", pd.Timestamp("2023-09-01 10:00") + pd.Timedelta(days=30 * i), stage="ombudsman", acceptability=None,
                        outcome=str(rng.choice(["Upheld", "Not upheld"]))))
    return frame(rows)


def _num(v):
    return None if v is None or isinstance(v, str) or (isinstance(v, float) and math.isnan(v)) else float(v)


class Reader:
    """What a councillor can work out from the members' tables: each count a variable, its published value (a
    number; "<5" is 1 to 4; "[c]" is anything from 0), and the relations between the tables, written here from the
    definitions in docs/CONTRACTS.md (not from the suppression code). `open(cell)` is the least and greatest whole
    number the cell can be."""

    def __init__(self, true: dict, shown: dict):
        self.true, self.shown, self.eqs, self.var = true, shown, [], {}

    def cell(self, key, i, col):
        t = self.true.get(key)
        if t is None or not t.ok or col not in t.data or i is None:
            return None
        c = (key, i, col)
        if c not in self.var:
            self.var[c] = len(self.var)
        return c

    def implied(self, name, value):
        """A count no table prints (responded − on time): known to be at least 0, nothing more."""
        c = ("implied", name)
        self.var.setdefault(c, len(self.var))
        self.implied_values = getattr(self, "implied_values", {})
        self.implied_values[c] = value
        return c

    def add(self, parts, total):
        if total is not None and all(p is not None for p in parts):
            self.eqs.append((list(parts), total))

    def value(self, c):
        if c[0] == "implied":
            return self.implied_values[c]
        return _num(self.true[c[0]].data.reset_index(drop=True).at[c[1], c[2]])

    def bounds(self, c):
        if c[0] == "implied":
            return 0, np.inf
        s = self.shown[c[0]].data.reset_index(drop=True).at[c[1], c[2]]
        if isinstance(s, str) and s.startswith("<"):
            return 1, int(s[1:]) - 1
        if isinstance(s, str) or s is None:
            return 0, np.inf
        return float(s), float(s)

    def open(self, c):
        from scipy.optimize import Bounds, LinearConstraint, milp

        n = len(self.var)
        A = np.zeros((len(self.eqs), n))
        for r, (parts, tot) in enumerate(self.eqs):
            for p in parts:
                A[r, self.var[p]] += 1
            A[r, self.var[tot]] -= 1
        lo, hi = zip(*(self.bounds(x) for x in sorted(self.var, key=self.var.get)))
        obj = np.zeros(n)
        obj[self.var[c]] = 1
        res = [milp(s * obj, constraints=LinearConstraint(A, 0, 0), bounds=Bounds(lo, hi), integrality=np.ones(n)) for s in (1, -1)]
        assert all(r.status in (0, 3) for r in res), [r.message for r in res]
        return (round(res[0].fun), round(-res[1].fun)) if res[1].status == 0 else (round(res[0].fun), np.inf)


def _rows_of(t, col, value):
    return [i for i, v in enumerate(t.data[col].tolist()) if v == value] if t is not None and t.ok else []


def _reader(df: pd.DataFrame, rep) -> Reader:
    prep = prepare(df, period=parse_period("2023-24"), config=Config())
    true = {t.key: t for v in annual_tables(prep).values() for t in v}
    R = Reader(true, rep.tables)
    kf = true["key_figures"].data["Measure"].tolist()
    K = lambda m: R.cell("key_figures", kf.index(m), "2023-24")  # noqa: E731
    R.add([K("Accepted complaints (stage 1)"), K("Not accepted")], K("First contacts"))
    acc = true["acceptance"]
    R.add([R.cell("acceptance", i, "Count") for i in range(len(acc.data) - 1)], R.cell("acceptance", len(acc.data) - 1, "Count"))
    R.add([R.cell("acceptance", 0, "Count")], K("Accepted complaints (stage 1)"))
    R.add([R.cell("acceptance", len(acc.data) - 1, "Count")], K("First contacts"))
    for i, m in enumerate(["Accepted complaints (stage 1)", "Stage 2 complaints", "Stage 3 complaints", "Ombudsman enquiries"]):
        R.add([R.cell("stage_counts", i, "2023-24")], K(m))
    vol = true["volumes_by_service"]
    R.add([R.cell("volumes_by_service", i, "2023-24") for i in range(len(vol.data) - 1)], R.cell("volumes_by_service", len(vol.data) - 1, "2023-24"))
    R.add([R.cell("volumes_by_service", len(vol.data) - 1, "2023-24")], K("Accepted complaints (stage 1)"))
    R.add([R.cell("channels", i, "2023-24") for i in range(len(true["channels"].data))], K("First contacts"))
    for col, m in (("First contacts", "First contacts"), ("Accepted", "Accepted complaints (stage 1)")):
        R.add([R.cell("quarterly", i, col) for i in range(len(true["quarterly"].data))], K(m))
    # outcomes: each row adds up; by service adds up to by stage; overturn's stage 2 with an outcome
    obs, obv = true["outcomes_by_stage"], true["outcomes_by_service"]
    for key, t in (("outcomes_by_stage", obs), ("outcomes_by_service", obv)):
        for i in range(len(t.data)):
            R.add([R.cell(key, i, c) for c in OUTCOME_NAMES], R.cell(key, i, "With outcome"))
            R.add([R.cell(key, i, c) for c in OUTCOME_NAMES[:3]], R.cell(key, i, "Decided"))
    for i, stage in enumerate(obs.data["Stage"]):
        for c in OUTCOME_NAMES + ["With outcome", "Decided"]:
            R.add([R.cell("outcomes_by_service", j, c) for j in _rows_of(obv, "Stage", stage)], R.cell("outcomes_by_stage", i, c))
    R.add([R.cell("overturn", 0, "Stage 2 with an outcome")], R.cell("outcomes_by_stage", _rows_of(obs, "Stage", "Stage 2")[0], "With outcome"))
    # escalation: services add up to All services; All services is the accepted stage 1; the key-figure rate, when shown, gives the count
    esc = true["escalation_by_service"]
    last = len(esc.data) - 1
    for c in ("Stage 1 complaints", "Stage 2 complaints", "Escalated so far (cohort)"):
        if c in esc.data:
            R.add([R.cell("escalation_by_service", i, c) for i in range(last)], R.cell("escalation_by_service", last, c))
    R.add([R.cell("escalation_by_service", last, "Stage 1 complaints")], K("Accepted complaints (stage 1)"))
    R.add([R.cell("escalation_by_service", last, "Stage 2 complaints")], K("Stage 2 complaints"))
    shown_kf = rep.tables["key_figures"].data.set_index("Measure")["2023-24"]
    if _num(shown_kf["Escalation rate to stage 2 %"]) is not None:  # stage 2s received over stage 1s: gives the stage 2 count
        R.eqs.append(([R.cell("escalation_by_service", last, "Stage 2 complaints")], R.implied("escalated (key figure)", R.value(R.cell("escalation_by_service", last, "Stage 2 complaints")))))
        R.fixed = getattr(R, "fixed", set()) | {("implied", "escalated (key figure)")}
    # overturn's stage 1 not upheld is outcomes by stage's; the Ombudsmen's rows add up, and their total is the key figure
    R.add([R.cell("overturn", 0, "Stage 1 not upheld")], R.cell("outcomes_by_stage", _rows_of(obs, "Stage", "Stage 1")[0], "Not upheld"))
    if "ombudsman_bodies" in true and true["ombudsman_bodies"].ok:
        ob = true["ombudsman_bodies"].data
        n_ob = len(ob) - 1
        for i in range(len(ob)):
            R.add([R.cell("ombudsman_bodies", i, "Not investigated"), R.cell("ombudsman_bodies", i, "Investigated")], R.cell("ombudsman_bodies", i, "Received"))
            R.add([R.cell("ombudsman_bodies", i, "Upheld"), R.cell("ombudsman_bodies", i, "Not upheld")], R.cell("ombudsman_bodies", i, "Investigated"))
        for c in ("Received", "Not investigated", "Investigated", "Upheld", "Not upheld"):
            R.add([R.cell("ombudsman_bodies", i, c) for i in range(n_ob)], R.cell("ombudsman_bodies", n_ob, c))
        R.add([R.cell("ombudsman_bodies", n_ob, "Received")], K("Ombudsman enquiries"))
    # on time: responded = on time + late, row by row and stage by stage; services add up to stages; late by reason
    ots, otv, dr = true["on_time_by_stage"], true["on_time_by_service"], true["delay_reasons"]
    for i, stage in enumerate(ots.data["Stage"]):
        resp, on = R.cell("on_time_by_stage", i, "Responded"), R.cell("on_time_by_stage", i, "On time")
        late = R.implied(f"late {stage}", R.value(resp) - R.value(on))
        R.add([on, late], resp)
        if f"{stage} responded" in otv.data:
            lates = []
            for j in range(len(otv.data)):
                r_, o_ = R.cell("on_time_by_service", j, f"{stage} responded"), R.cell("on_time_by_service", j, f"{stage} on time")
                lates.append(R.implied(f"late {stage} {j}", R.value(r_) - R.value(o_)))
                R.add([o_, lates[-1]], r_)
            R.add([R.cell("on_time_by_service", j, f"{stage} responded") for j in range(len(otv.data))], resp)
            R.add([R.cell("on_time_by_service", j, f"{stage} on time") for j in range(len(otv.data))], on)
            R.add(lates, late)
        if stage in dr.data:
            R.add([R.cell("delay_reasons", j, stage) for j in range(len(dr.data))], late)
        if _num(shown_kf.get(f"{stage} on time %")) is not None:  # the key figure with the table's responded gives the on time count
            R.eqs.append(([on], R.implied(f"on time {stage} (key figure)", R.value(on))))
            R.fixed = getattr(R, "fixed", set()) | {("implied", f"on time {stage} (key figure)")}
    for j in range(len(dr.data)):
        R.add([R.cell("delay_reasons", j, c) for c in ("Stage 1", "Stage 2") if c in dr.data], R.cell("delay_reasons", j, "Total"))
    return R


def _open_small_counts(R: Reader, small: int = 5) -> list:
    fixed = getattr(R, "fixed", set())
    bounds = R.bounds
    R.bounds = lambda c: (R.implied_values[c],) * 2 if c in fixed else bounds(c)
    leaks = []
    for c in sorted(R.var, key=R.var.get):
        v = R.value(c)
        if c in fixed or v is None or not 0 < v < small:
            continue
        lo, hi = R.open(c)
        if lo == hi:
            leaks.append((c, v))
    return leaks


@pytest.mark.parametrize("seed,n", [(0, 130), (1, 130), (2, 130), (4, 118), (17, 209)])
def test_no_small_count_can_be_worked_out_across_the_members_tables(seed, n):
    """Brute force (integer programming) over the published cells of the key figures, acceptance, stage counts,
    volumes by service, channels, quarters, outcomes by stage and by service, overturn, escalation, on time by stage
    and by service and delay reasons:
    no count from 1 to 4, printed or implied (late = responded − on time), has a single possible value."""
    df = small_council(seed, n)
    rep = build_report(df, period="2023-24", audience="members")
    R = _reader(df, rep)
    assert _open_small_counts(R) == []


def test_the_audit_leaks_are_closed():
    """small150: overturn's 13 beside outcomes' Stage 2 row gave Withdrawn = 2; 1.4% of 73 gave 1 escalation;
    9 responded, 8 on time gave 1 late."""
    df = small_council(0)
    rep = build_report(df, period="2023-24", audience="members")
    t = rep.tables
    obs = t["outcomes_by_stage"].data.set_index("Stage")
    if obs.loc["Stage 2", "With outcome"] in ("[c]",) or str(obs.loc["Stage 2", "With outcome"]).startswith("<"):
        assert isinstance(t["overturn"].data.at[0, "Stage 2 with an outcome"], str)
    esc = t["escalation_by_service"].data.set_index("Service").loc["All services", "Stage 2 complaints"]
    kf = t["key_figures"].data.set_index("Measure")["2023-24"]
    if isinstance(esc, str):
        assert kf["Escalation rate to stage 2 %"] == "–"
    otv = t["on_time_by_service"].data
    for stage in ("Stage 1", "Stage 2"):
        for r, o in zip(otv[f"{stage} responded"], otv[f"{stage} on time"]):
            if not isinstance(r, str) and not isinstance(o, str):
                assert not 0 < r - o < 5, (stage, r, o)


def test_a_late_count_under_5_is_not_given_away_by_responded_and_on_time():
    from rca.reports.suppression import suppress as sup

    df = pd.DataFrame({"Service": ["Parking", "Highways", "Planning"], "Stage 1 responded": [9, 20, 14], "Stage 1 on time": [8, 12, 9],
                       "Stage 1 %": [88.9, 60.0, 64.3]})
    t = Table("on_time_by_service", "x", df, counts=("Stage 1 responded", "Stage 1 on time"),
              pct={"Stage 1 %": ("Stage 1 responded", "Stage 1 on time")}, complements=(("Stage 1 on time", "Stage 1 responded"),))
    out = sup(t, small=5).data.set_index("Service")
    assert out.loc["Parking", "Stage 1 on time"] == SECONDARY and out.loc["Parking", "Stage 1 %"] == "–"
    assert out.loc["Highways", "Stage 1 on time"] == 12 and out.loc["Planning", "Stage 1 on time"] == 9


def test_a_key_figure_rate_whose_count_is_small_is_hidden():
    df = pd.DataFrame({"Measure": ["Accepted complaints (stage 1)", "Escalation rate to stage 2 %", "Stage 1 on time %"],
                       "2023-24": pd.Series([73, 1.4, 98.6], dtype=object)})
    t = Table("key_figures", "Key figures", df, bases={"2023-24": [None, 73, 71]}, numerators={"2023-24": [None, 1, 70]})
    out = suppress_key_figures(t, small=5).data.set_index("Measure")["2023-24"]
    assert out["Escalation rate to stage 2 %"] == "–"  # 1.4% of 73 is 1 escalation
    assert out["Stage 1 on time %"] == "–"  # 98.6% of 71 is 1 late
    assert out["Accepted complaints (stage 1)"] == 73


# ------------------------------------------------------------ 6. a text-only export (N9)

def _text_only(n: int = 60) -> pd.DataFrame:
    return pd.DataFrame({"text": [f"{TOPICS[i % len(TOPICS)][1]} case {i}" for i in range(n)],
                         "root_cause_predicted": ["Communication"] * n, "root_cause_confidence": [0.9] * n})


def test_a_text_only_export_gives_no_figure_it_has_no_column_for(tmp_path):
    """The audit: key figures 'Accepted 2,000 / Not accepted 0 / Stage 2 0 / Ombudsman 0' with no such columns."""
    data = tmp_path / "texts.csv"
    _text_only().to_csv(data, index=False)
    res = CliRunner().invoke(app, ["report", str(data), "--period", "2023-24", "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    text = (tmp_path / "out" / "tables" / "key_figures.csv").read_text("utf-8")
    for measure in ("Accepted complaints (stage 1)", "Not accepted", "Stage 2 complaints", "Stage 3 complaints", "Ombudsman enquiries"):
        line = next(x for x in text.splitlines() if x.startswith(measure + ","))
        assert line == measure + ",–", line  # not known, not 0
    assert "First contacts,60" in text
    html = (tmp_path / "out" / "report.html").read_text("utf-8")
    assert "Not known (–)" in html and "`acceptability`" in html and "`stage`" in html
    skipped = next(x for x in res.output.splitlines() if "tables skipped" in x)
    assert "All records (undated)" not in skipped and "'Complaints by quarter'" in skipped and "'Complaints by stage'" in skipped


def test_key_figures_without_acceptability_or_stage_are_not_known():
    df = steady("2023-04-01", "2024-03-31", per_week=5).drop(columns=["acceptability", "stage"])
    rep = build_report(df, period="2023-24")
    kf = rep.tables["key_figures"].data.set_index("Measure")["2023-24"]
    assert kf["First contacts"] > 0
    for m in ("Accepted complaints (stage 1)", "Not accepted", "Stage 2 complaints", "Stage 3 complaints", "Ombudsman enquiries"):
        assert kf[m] is None, (m, kf[m])
    assert "Not known (–)" in rep.tables["key_figures"].note
    assert not rep.tables["stage_counts"].ok and "`stage`" in rep.tables["stage_counts"].skipped


def test_one_phrase_on_every_record_gives_a_report_without_themes_not_a_crash():
    """Found while writing the tests above: 40 records all reading "my bin was not collected" stopped the report."""
    rows = [rec(f"B{i}", pd.Timestamp("2023-05-01 10:00") + pd.Timedelta(days=i)) for i in range(40)]
    rep = build_report(frame(rows), period="2023-24")
    assert rep.themes.empty and any("too few distinct words" in n for n in rep.notes)


def test_small_counts_adding_up_to_a_small_total_are_not_all_shown_as_under_5():
    """Four "<5" adding up to a "<5" total are 1 each, whatever else is withheld: one is shown "[c]" instead."""
    df = pd.DataFrame({"Service": ["Parking", "Highways", "Planning", "Housing", "Waste", "Total"], "Withdrawn": [1, 1, 1, 1, 0, 4]})
    out = suppress(Table("x", "x", df, counts=("Withdrawn",), col_total=("Withdrawn",)), small=5).data["Withdrawn"].tolist()
    assert SECONDARY in out and out.count("<5") >= 3 and out[4] == 0, out


def test_an_export_with_one_row_per_stage_counts_each_stage(tmp_path):
    """A case's stage-2 row repeats its reference: the report left every one out (Stage 2 = 0), said only at the
    foot of the HTML. Now it is that stage's record; a true repeat (same case, same stage) is still left out, and
    both are said on the console."""
    rows = ["Ref,Received,Description,Stage,Outcome"]
    for i in range(12):
        rows.append(f"C{i},0{1 + i % 9}/05/2023,bin missed again {i},Stage 1,Not upheld")
    for i in range(5):
        rows.append(f"C{i},2{i}/06/2023,still no bin {i},Stage 2,Upheld")
    rows.append("C0,01/05/2023,bin missed again 0,Stage 1,Not upheld")  # the same row twice
    path = tmp_path / "perstage.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    cfg = tmp_path / "c.toml"
    cfg.write_text('[columns]\ncase_id = "Ref"\nreceived = "Received"\ntext = "Description"\nstage = "Stage"\noutcome = "Outcome"\n')
    res = CliRunner().invoke(app, ["report", str(path), "--config", str(cfg), "--period", "2023-24", "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    counts = (tmp_path / "out" / "tables" / "stage_counts.csv").read_text("utf-8")
    assert "Stage 1,12" in counts and "Stage 2,5" in counts, counts
    said = " ".join(res.output.split())
    assert "5 rows of perstage.csv repeat a case id at another stage: counted as the record of that stage" in said
    assert "1 row of perstage.csv was left out: 1 repeating a case at the same stage" in said
