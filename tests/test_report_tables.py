"""Report tables on small hand-made frames whose figures are worked out by hand
(the definitions in docs/CONTRACTS.md, "Demo year and its ground truth")."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from rca.config import Config
from rca.reports.periods import parse_period
from rca.reports.tables.catalogue import annual_tables, key_figures, prepare
from rca.reports.tables.common import suppress
from rca.schema import CANONICAL

FY = parse_period("2023-24")
PREV = parse_period("2022-23")


def frame(rows: list[dict]) -> pd.DataFrame:
    """A canonical case frame from a few dicts (missing fields blank)."""
    df = pd.DataFrame(rows)
    for col in CANONICAL:
        if col not in df:
            df[col] = None
    for col in ("received", "responded", "due"):
        df[col] = pd.to_datetime(df[col])
    df["extension_days"] = pd.array(df["extension_days"], dtype="Int64")
    df["compensation"] = pd.to_numeric(df["compensation"])
    df = df.astype({c: object for c in df.columns if df[c].dtype == object})
    return df


def s1(case_id, received, **kw):
    base = dict(
        case_id=case_id,
        received=received,
        text="text",
        case_type="Complaint",
        stage="1",
        route="corporate",
        acceptability="Complaint",
        service="Parking",
        channel="Email",
    )
    base.update(kw)
    return base


def tables(df, period=FY, compare=None, population=None):
    prep = prepare(df, period=period, compare=compare, config=Config())
    groups = annual_tables(prep, population=population)
    return prep, {t.key: t for v in groups.values() for t in v}


def row(table, col, value):
    d = table.data
    hit = d[d[col] == value]
    assert len(hit) == 1, f"{value!r} not found once in {table.key}: {d[col].tolist()}"
    return hit.iloc[0]


# ------------------------------------------------------------------ overturn


def test_overturn_counts_only_not_upheld_then_upheld_over_stage2_with_outcome():
    df = frame(
        [
            s1("A", "2023-05-01 10:00", outcome="Not upheld"),
            s1("B", "2023-05-02 10:00", outcome="Not upheld"),
            s1("C", "2023-05-03 10:00", outcome="Upheld"),
            s1("D", "2023-05-04 10:00", outcome="Not upheld"),
            s1("E", "2023-05-05 10:00", outcome="Not upheld"),
            # stage 2 records
            s1("A2", "2023-06-01 10:00", stage="2", parent_case_id="A", outcome="Upheld"),  # overturned
            s1("B2", "2023-06-02 10:00", stage="2", parent_case_id="B", outcome="Partly upheld"),  # overturned
            s1("C2", "2023-06-03 10:00", stage="2", parent_case_id="C", outcome="Upheld"),  # parent upheld: not an overturn
            s1("D2", "2023-06-04 10:00", stage="2", parent_case_id="D", outcome="Not upheld"),  # upheld neither time
            s1("E2", "2023-06-05 10:00", stage="2", parent_case_id="E", outcome=None),  # no outcome yet: not in denominator
        ]
    )
    _, t = tables(df)
    r = row(t["overturn"], "Period", "2023-24")
    assert r["Stage 2 with an outcome"] == 4
    assert r["Overturned at stage 2"] == 2
    assert r["% of stage 2 outcomes"] == 50.0
    # K&C: overturned over stage 1 complaints not upheld (A, B, D, E)
    assert r["Stage 1 not upheld"] == 4 and r["Overturn rate %"] == 50.0


def test_overturn_uses_the_stage2_received_date_and_a_parent_from_the_previous_year():
    df = frame(
        [
            s1("A", "2023-03-20 10:00", outcome="Not upheld"),  # 2022-23
            s1("A2", "2023-04-20 10:00", stage="2", parent_case_id="A", outcome="Upheld"),  # 2023-24
            s1("B", "2024-03-25 10:00", outcome="Not upheld"),  # 2023-24
            s1("B2", "2024-04-10 10:00", stage="2", parent_case_id="B", outcome="Upheld"),  # 2024-25: outside
        ]
    )
    _, t = tables(df, compare=PREV)
    cur = row(t["overturn"], "Period", "2023-24")
    assert (cur["Stage 2 with an outcome"], cur["Overturned at stage 2"], cur["Stage 1 not upheld"]) == (1, 1, 1)
    prev = row(t["overturn"], "Period", "2022-23")
    assert prev["Stage 2 with an outcome"] == 0 and math.isnan(prev["% of stage 2 outcomes"])
    assert prev["Stage 1 not upheld"] == 1 and prev["Overturn rate %"] == 0.0


# -------------------------------------------------------- escalation rate


def test_escalation_rate_counts_stage1_in_period_escalated_whenever():
    df = frame(
        [
            s1("P1", "2023-03-30 10:00", service="Parking"),  # previous year
            s1("P1-2", "2023-04-05 10:00", stage="2", parent_case_id="P1", service="Parking"),  # stage 2 in period, parent not
            s1("P2", "2024-03-28 10:00", service="Parking"),  # in period, escalated next year
            s1("P2-2", "2024-04-15 10:00", stage="2", parent_case_id="P2", service="Parking"),
            s1("P3", "2023-07-01 10:00", service="Parking"),
            s1("P4", "2023-07-02 10:00", service="Parking", acceptability="Duplicate complaint"),  # not accepted
            s1("H1", "2023-08-01 10:00", service="Housing Management"),
            s1("H1-2", "2023-09-01 10:00", stage="2", parent_case_id="H1", service="Housing Management"),
            s1("H2", "2023-08-02 10:00", service="Housing Management"),
            s1("H3", "2023-08-03 10:00", service="Housing Management"),
            s1("H4", "2023-08-04 10:00", service="Housing Management"),
        ]
    )
    _, t = tables(df)
    esc = t["escalation_by_service"]
    cohort = "Escalated so far (cohort)"
    p = row(esc, "Service", "Parking")  # stage 2s received in the year: P1-2; cohort: P2 (escalated the next year)
    assert (p["Stage 1 complaints"], p["Stage 2 complaints"], p["Escalation rate %"], p[cohort], p["Cohort rate %"]) == (
        2,
        1,
        50.0,
        1,
        50.0,
    )
    h = row(esc, "Service", "Housing Management")
    assert (h["Stage 1 complaints"], h["Stage 2 complaints"], h["Escalation rate %"], h[cohort]) == (4, 1, 25.0, 1)
    total = row(esc, "Service", "All services")
    assert (total["Stage 1 complaints"], total["Stage 2 complaints"], total[cohort]) == (6, 2, 2)
    assert total["Escalation rate %"] == 33.3
    # stage counts: the stage 2 received in April 2023 counts in 2023-24, the one in April 2024 does not
    st = t["stage_counts"]
    assert row(st, "Stage", "Stage 2")["2023-24"] == 2
    assert row(st, "Stage", "Stage 1")["2023-24"] == 6


# ------------------------------------------------------------------ on time


def test_on_time_uses_working_days_bank_holidays_and_the_3pm_cutoff():
    df = frame(
        [
            # received Tue 19 Dec 2023 10:00: 10 working days skipping Christmas, Boxing Day, New Year's Day -> due Fri 5 Jan 2024
            s1("X1", "2023-12-19 10:00", responded="2024-01-05 16:00", service="Parking"),  # on time (same day, any hour)
            s1("X2", "2023-12-19 10:00", responded="2024-01-08 09:00", service="Parking"),  # late
            # received Thu 28 Mar 2024 15:30: after the cut-off, Good Friday and Easter Monday -> counts from Tue 2 Apr; due Tue 16 Apr
            s1("X3", "2024-03-28 15:30", responded="2024-04-16 12:00", service="Housing Management"),  # on time
            s1("X4", "2024-03-28 15:30", responded="2024-04-17 12:00", service="Housing Management", delay_reason="Workload"),  # late
            # an agreed extension of 5 working days moves the due date from Tue 16 Apr to Tue 23 Apr
            s1("X5", "2024-03-28 15:30", responded="2024-04-23 12:00", service="Housing Management", extension_days=5),
            s1("X6", "2024-03-28 10:00", responded=None, service="Housing Management"),  # no response: not counted
            # stage 2 (20 working days): received Mon 4 Sep 2023 -> due Mon 2 Oct 2023
            s1("Y1", "2023-09-04 09:00", stage="2", parent_case_id="X0", responded="2023-10-02 17:00", service="Parking"),
            s1(
                "Y2",
                "2023-09-04 09:00",
                stage="2",
                parent_case_id="X0",
                responded="2023-10-03 09:00",
                service="Parking",
                delay_reason="Complex case",
            ),
        ]
    )
    _, t = tables(df)
    st1 = row(t["on_time_by_stage"], "Stage", "Stage 1")
    assert (st1["Responded"], st1["On time"], st1["% on time"]) == (5, 3, 60.0)
    st2 = row(t["on_time_by_stage"], "Stage", "Stage 2")
    assert (st2["Responded"], st2["On time"], st2["% on time"]) == (2, 1, 50.0)
    svc = t["on_time_by_service"]
    hm = row(svc, "Service", "Housing Management")
    assert (hm["Stage 1 responded"], hm["Stage 1 on time"], hm["Stage 1 %"]) == (3, 2, 66.7)
    pk = row(svc, "Service", "Parking")
    assert (pk["Stage 1 responded"], pk["Stage 1 on time"], pk["Stage 2 responded"], pk["Stage 2 on time"]) == (2, 1, 2, 1)
    # delay reasons are counted on late records only; X2 is late with no reason recorded
    dr = t["delay_reasons"]
    assert row(dr, "Delay reason", "Workload")["Total"] == 1
    assert row(dr, "Delay reason", "Complex case")["Total"] == 1
    assert row(dr, "Delay reason", "Not recorded")["Total"] == 1


# ------------------------------------------------------- multi-label counting


def test_multi_label_cells_count_each_label_once_per_record():
    df = frame(
        [
            s1("A", "2023-05-01 10:00"),
            s1(
                "A2",
                "2023-06-01 10:00",
                stage="2",
                parent_case_id="A",
                escalation_reason="Disagree with decision;Failed to address all issues",
            ),
            s1(
                "B2", "2023-06-02 10:00", stage="2", parent_case_id="B", escalation_reason="Disagree with decision; Disagree with decision"
            ),  # repeated label: once
            s1("C2", "2023-06-03 10:00", stage="2", parent_case_id="C", escalation_reason=None),
            s1("C", "2023-05-03 10:00", corrective_action="Letter of apology;Staff training or guidance", compensation=50.0),
            s1("D", "2023-05-04 10:00", corrective_action="Letter of apology", compensation=0.0),
            s1("E", "2023-05-05 10:00", corrective_action="Letter of apology;Letter of apology", compensation=120.5),
        ]
    )
    _, t = tables(df)
    er = t["escalation_reasons"]
    assert row(er, "Escalation reason", "Disagree with decision")["Complaints"] == 2
    assert row(er, "Escalation reason", "Failed to address all issues")["Complaints"] == 1
    assert er.data["Complaints"].sum() == 3  # more than the number of records with a reason (2): a case can give several
    ca = t["corrective_actions"]
    assert row(ca, "Corrective action", "Letter of apology")["2023-24"] == 3
    assert row(ca, "Corrective action", "Staff training or guidance")["2023-24"] == 1
    comp = row(t["compensation"], "Service", "Total")
    assert comp["Cases with compensation"] == 2
    assert comp["Amount £"] == 170.5


# ----------------------------------------------- volumes, acceptance, channels


def test_acceptance_volumes_channels_wards_compliments_and_ombudsman():
    df = frame(
        [
            s1("A", "2023-04-01 00:00", service="Parking", channel="Email", ward="Abbey"),
            s1("B", "2023-06-01 10:00", service="Parking", channel="Web form", ward="Abbey"),
            s1("C", "2024-03-31 23:59", service="Housing Management", channel="Web form", ward="Brook"),
            s1("D", "2023-06-01 10:00", service="Parking", channel="Phone", acceptability="Duplicate complaint", ward="Brook"),
            s1("E", "2023-06-01 10:00", service="Parking", channel="Phone", acceptability="Anonymous"),
            s1("F", "2023-06-01 10:00", service="Parking", channel="Email", acceptability="Anonymous"),
            s1("G", "2024-04-01 00:00", service="Parking"),  # next year: outside
            s1("H", "2023-03-31 23:59", service="Parking"),  # previous year
            # the data starts with the previous year (so both periods are wholly covered and % change is count for count)
            s1("K0", "2022-04-01 10:00", case_type="Compliment", service="Highways"),
            s1("K1", "2023-07-01 10:00", case_type="Compliment", service="Parking"),
            s1("K2", "2023-07-01 10:00", case_type="Compliment", service="Highways"),
            s1("K3", "2023-08-01 10:00", case_type="Compliment", service="Parking"),
            s1("O1", "2023-09-01 10:00", stage="ombudsman", outcome="Upheld", acceptability=None),
            s1("O2", "2023-10-01 10:00", stage="ombudsman", outcome="Not upheld", acceptability=None),
            s1("O3", "2023-11-01 10:00", stage="ombudsman", outcome="Upheld", acceptability=None),
        ]
    )
    pop = pd.DataFrame({"ward": ["Abbey", "Brook"], "population": [4000, 500]})
    _, t = tables(df, compare=PREV, population=pop)
    acc = t["acceptance"]
    assert row(acc, "Reason", "Complaint")["Count"] == 3
    assert row(acc, "Reason", "Anonymous")["Count"] == 2
    assert row(acc, "Reason", "Duplicate complaint")["Count"] == 1
    assert row(acc, "Reason", "All first contacts")["Count"] == 6
    vol = t["volumes_by_service"]
    p = row(vol, "Service", "Parking")
    assert (p["2023-24"], p["2022-23"], p["% change"]) == (2, 1, 100.0)
    assert row(vol, "Service", "Housing Management")["2023-24"] == 1
    ch = t["channels"]
    assert row(ch, "Channel", "Web form")["2023-24"] == 2
    assert row(ch, "Channel", "Phone")["2023-24"] == 2
    assert row(ch, "Channel", "Email")["2023-24"] == 2
    w = t["wards"]
    assert row(w, "Ward", "Abbey")["Complaints"] == 2
    assert row(w, "Ward", "Abbey")["Per 1,000 residents"] == 0.5
    assert row(w, "Ward", "Brook")["Complaints"] == 1  # the not-accepted contact in Brook is not counted
    assert row(w, "Ward", "Brook")["Per 1,000 residents"] == 2.0
    comp = t["compliments"]
    assert row(comp, "Service", "Parking")["2023-24"] == 2
    assert row(comp, "Service", "Total")["2023-24"] == 3
    om = t["ombudsman"]
    assert row(om, "Outcome", "Upheld")["2023-24"] == 2
    assert row(om, "Outcome", "All Ombudsman enquiries")["2023-24"] == 3
    assert row(t["stage_counts"], "Stage", "Ombudsman")["2023-24"] == 3


def test_outcomes_and_uphold_rate_per_stage_and_service():
    df = frame(
        [
            s1("A", "2023-05-01", outcome="Upheld", service="Parking"),
            s1("B", "2023-05-01", outcome="Partly upheld", service="Parking"),
            s1("C", "2023-05-01", outcome="Not upheld", service="Parking"),
            s1("D", "2023-05-01", outcome="Withdrawn", service="Highways"),
            s1("E", "2023-05-01", outcome=None, service="Highways"),
            s1("F2", "2023-06-01", stage="2", parent_case_id="C", outcome="Not upheld", service="Parking"),
        ]
    )
    _, t = tables(df)
    st = row(t["outcomes_by_stage"], "Stage", "Stage 1")
    assert (st["Upheld"], st["Partly upheld"], st["Not upheld"], st["Withdrawn"], st["With outcome"]) == (1, 1, 1, 1, 4)
    # uphold rate over complaints decided (upheld, partly upheld, not upheld): the withdrawn one is not a decision
    assert st["Decided"] == 3
    assert st["Uphold rate %"] == round(200 / 3, 1)
    by = t["outcomes_by_service"].data
    park = by[(by["Stage"] == "Stage 1") & (by["Service"] == "Parking")].iloc[0]
    assert park["Uphold rate %"] == round(200 / 3, 1)
    hw = by[(by["Stage"] == "Stage 1") & (by["Service"] == "Highways")].iloc[0]
    assert (hw["With outcome"], hw["Decided"]) == (1, 0) and math.isnan(hw["Uphold rate %"])
    assert row(t["outcomes_by_stage"], "Stage", "Stage 2")["Uphold rate %"] == 0.0


def test_key_figures_agree_with_the_tables():
    df = frame(
        [s1(f"A{i}", "2023-05-01 10:00", outcome="Upheld" if i % 2 else "Not upheld") for i in range(8)]
        + [s1("A0-2", "2023-06-01 10:00", stage="2", parent_case_id="A0")]
    )
    prep, t = tables(df)
    kf = key_figures(prep).data.set_index("Measure")["2023-24"]
    assert kf["Accepted complaints (stage 1)"] == 8
    assert kf["Stage 2 complaints"] == 1
    assert kf["Escalation rate to stage 2 %"] == 12.5
    assert kf["Stage 1 uphold rate %"] == 50.0


# ------------------------------------------------------------------ suppression


def test_suppression_hides_small_counts_and_rates_on_them():
    df = frame(
        [s1(f"P{i}", "2023-05-01 10:00", service="Parking", outcome="Upheld") for i in range(7)]
        + [s1(f"H{i}", "2023-05-01 10:00", service="Highways", outcome="Upheld") for i in range(3)]
        + [s1("P0-2", "2023-06-01 10:00", stage="2", parent_case_id="P0", service="Parking")]
    )
    _, t = tables(df)
    esc = suppress(t["escalation_by_service"], small=5)
    assert row(esc, "Service", "Highways")["Stage 1 complaints"] == "<5"
    assert row(esc, "Service", "Highways")["Escalation rate %"] == "–"
    # the total row (10) less Parking's 7 would give Highways' 3 away: Parking is withheld too
    assert row(esc, "Service", "Parking")["Stage 1 complaints"] == "[c]"
    assert row(esc, "Service", "All services")["Stage 1 complaints"] == 10
    assert row(esc, "Service", "Parking")["Stage 2 complaints"] == "<5"
    assert row(esc, "Service", "Parking")["Escalation rate %"] == "–"  # 1 of 7 would give the count away
    assert row(esc, "Service", "Highways")["Stage 2 complaints"] == 0  # zero is not disclosive: shown
    ten = suppress(t["escalation_by_service"], small=10)
    assert row(ten, "Service", "Parking")["Stage 1 complaints"] == "<10"
    off = suppress(t["escalation_by_service"], small=0)
    assert row(off, "Service", "Highways")["Stage 1 complaints"] == 3


def test_missing_columns_skip_tables_with_a_note_not_an_error():
    df = frame([s1(f"A{i}", "2023-05-01 10:00") for i in range(3)]).drop(columns=["ward", "compensation", "responded"])
    _, t = tables(df)
    assert not t["wards"].ok and "`ward`" in t["wards"].skipped
    assert not t["compensation"].ok and "`compensation`" in t["compensation"].skipped
    assert not t["on_time_by_stage"].ok
    assert t["volumes_by_service"].ok


def test_periods_financial_calendar_and_range():
    from rca.errors import RcaError

    fy, q3, cal = parse_period("2023-24"), parse_period("2023-24 Q3"), parse_period("2019")
    assert (fy.start, fy.end.date()) == (pd.Timestamp("2023-04-01"), pd.Timestamp("2024-03-31").date())
    assert (q3.start, q3.end.date()) == (pd.Timestamp("2023-10-01"), pd.Timestamp("2023-12-31").date())
    assert (cal.label, cal.start, cal.end.date()) == ("2019", pd.Timestamp("2019-01-01"), pd.Timestamp("2019-12-31").date())
    with pytest.raises(RcaError) as err:
        parse_period("2023-25")
    assert err.value.code == "E205"
