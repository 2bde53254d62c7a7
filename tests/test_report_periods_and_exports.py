"""The report on the data it is given: periods the data does not cover (wholly, partly, or with months
missing), blank stages, one uphold-rate definition, undated and text-only exports, one row per stage."""

from __future__ import annotations

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
from rca.reports.tables.catalogue import annual_tables, prepare

pytestmark = pytest.mark.system  # whole reports over generated years: seconds each, so not in the fast tier


TOPICS = [
    ("Waste and Street Cleansing", "my bin was not collected again and the crew left rubbish in the road"),
    ("Housing Management", "damp and mould in the bedroom has still not been repaired after three visits"),
    ("Revenues and Benefits", "the council tax bill is wrong and summons costs were added without warning"),
    ("Parking", "a parking ticket was issued unfairly outside my house while I was unloading"),
    ("Housing Management", "nobody got back to me about the leaking roof repair appointment"),
]


def rec(case_id, received, **kw):
    base = dict(
        case_id=case_id,
        received=received,
        text="my bin was not collected",
        case_type="Complaint",
        stage="1",
        route="corporate",
        acceptability="Complaint",
        service="Parking",
        channel="Email",
    )
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
            rows.append(
                rec(
                    f"C{i:05d}",
                    d + pd.Timedelta(hours=10),
                    text=f"{text} case {i % 7}",
                    service=svc,
                    outcome=["Upheld", "Not upheld", "Partly upheld"][i % 3],
                    responded=d + pd.Timedelta(days=5),
                )
            )
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
    df = frame(
        [rec("K1", "2023-05-01 10:00", case_type="Compliment", stage=None, outcome=None), rec("A", "2022-05-01 10:00", outcome="Upheld")]
    )
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
    rows = [
        rec(f"S{i}", "2023-06-01 10:00", outcome=o)
        for i, o in enumerate(["Upheld"] * 4 + ["Partly upheld"] * 2 + ["Not upheld"] * 4 + ["Withdrawn"] * 3 + ["Resolved on receipt"] * 2)
    ]
    rows += [
        rec(f"O{i}", "2023-09-01 10:00", stage="ombudsman", acceptability=None, outcome=o)
        for i, o in enumerate(["Upheld"] * 5 + ["Partly upheld"] * 1 + ["Not upheld"] * 2 + ["Withdrawn"] * 2)
    ]
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
        rows.append(
            {
                "text": f"{text}, reference {i % 9}",
                "root_cause_predicted": ["Failure to do something", "Delay in doing something"][i % 2],
                "root_cause_confidence": 0.8,
            }
        )
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
    df = frame(
        [
            rec("A", "2023-05-01 10:00", outcome="Upheld"),
            rec("B", "2023-05-01 10:00", service=None, outcome=None, acceptability="Duplicate complaint"),
        ]
    )
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


# ------------------------------------------------------------ 6. a text-only export (N9)


def _text_only(n: int = 60) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "text": [f"{TOPICS[i % len(TOPICS)][1]} case {i}" for i in range(n)],
            "root_cause_predicted": ["Communication"] * n,
            "root_cause_confidence": [0.9] * n,
        }
    )


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
