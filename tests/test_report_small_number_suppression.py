"""Small-number suppression in the members' version: no count under the threshold can be worked out by
subtraction, within a table or across the tables, nor from a rate, a note or a total published elsewhere."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from test_report_tables import frame

from rca.config import Config
from rca.reports.build import build_report
from rca.reports.periods import parse_period
from rca.reports.tables.catalogue import annual_tables, prepare, suppress, suppress_key_figures
from rca.reports.tables.common import SECONDARY, Table
from test_report_periods_and_exports import TOPICS, rec

pytestmark = pytest.mark.system  # whole members' reports over generated years: seconds each, so not in the fast tier


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
    df = pd.DataFrame(
        [
            ["Ombudsman", "Housing Management", 10, 6, 8, 0, 2, 26, 24, 75.0],
            ["Stage 3", "Children's Services", 2, 0, 6, 0, 1, 9, 8, 25.0],
            ["Stage 1", "Parking", 43, 14, 58, 9, 3, 127, 115, 49.6],
        ],
        columns=["Stage", "Service"] + cols + ["Uphold rate %"],
    )
    from rca.reports.tables.outcomes import OUTCOME_SUMS

    t = Table(
        "outcomes_by_service", "x", df, counts=tuple(cols), pct={"Uphold rate %": ("Decided", "Upheld", "Partly upheld")}, sums=OUTCOME_SUMS
    )
    out = suppress(t, small=5).data
    for i in range(len(df)):
        shown = {c: (None if isinstance(out.at[i, c], str) else int(out.at[i, c])) for c in cols}
        values = {c: int(df.at[i, c]) for c in cols}
        hidden = {c for c, v in shown.items() if v is None}
        assert "<5" in set(out.loc[i, cols]) and SECONDARY in set(out.loc[i, cols]), out.loc[i].tolist()
        sums = [
            (("Upheld", "Partly upheld", "Not upheld", "Resolved on receipt", "Withdrawn"), "With outcome"),
            (("Upheld", "Partly upheld", "Not upheld"), "Decided"),
        ]
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
    df = pd.DataFrame(
        {
            "Measure": ["First contacts", "Accepted complaints (stage 1)", "Not accepted", "Stage 1 uphold rate %"],
            "2023-24": pd.Series([30, 27, 3, 50.0], dtype=object),
        }
    )
    t = Table("key_figures", "Key figures", df, bases={"2023-24": [None, None, None, 4]})
    out = suppress_key_figures(t, small=5).data.set_index("Measure")["2023-24"]
    assert out["Not accepted"] == "<5" and out["Accepted complaints (stage 1)"] == SECONDARY and out["First contacts"] == 30
    assert out["Stage 1 uphold rate %"] == "–"


def test_members_notes_do_not_spell_out_small_numbers():
    rows = [
        rec(f"O{i}", "2023-09-01 10:00", stage="ombudsman", acceptability=None, outcome=o) for i, o in enumerate(["Upheld", "Not upheld"])
    ]
    rows += [rec(f"A{i}", "2023-06-01 10:00", outcome="Upheld") for i in range(8)]
    rep = build_report(frame(rows), period="2023-24", audience="members")
    note = rep.tables["ombudsman"].note
    assert "fewer than 5" in note and "50.0%" not in note


def test_a_total_published_in_another_table_does_not_give_a_small_count_away():
    """Channels add up to the first contacts of the key figures: one small channel alone would be a subtraction away."""
    df = pd.DataFrame({"Channel": ["Web form", "Email", "Letter"], "2023-24": [40, 12, 3], "% of contacts": [72.7, 21.8, 5.5]})
    t = Table("channels", "x", df, counts=("2023-24",), pct={"% of contacts": "2023-24"}, known_totals={"2023-24": 55})
    out = suppress(t, small=5).data.set_index("Channel")
    assert out.loc["Letter", "2023-24"] == "<5" and out.loc["Email", "2023-24"] == SECONDARY
    assert out.loc["Email", "% of contacts"] == "–" and out.loc["Web form", "2023-24"] == 40


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
        svc = SERVICES[int(rng.choice(6, p=[0.35, 0.2, 0.15, 0.12, 0.1, 0.08]))]
        acc = (
            "Complaint"
            if rng.random() < 0.6
            else str(rng.choice(["Duplicate complaint", "Anonymous", "Service request or enquiry - not a complaint"]))
        )
        out = str(rng.choice(OUTCOME_NAMES, p=[0.3, 0.15, 0.4, 0.08, 0.07])) if acc == "Complaint" else None
        rows.append(
            rec(
                f"S{i}",
                d,
                service=svc,
                acceptability=acc,
                outcome=out,
                text=f"{TOPICS[i % len(TOPICS)][1]} case {i % 7}",
                responded=d + pd.Timedelta(days=int(rng.integers(3, 22))),
                delay_reason=str(rng.choice(["Workload", "Complex case", "Staff absent"])),
                parent_case_id=None,
                channel=str(rng.choice(["Email", "Web form", "Phone", "Letter"], p=[0.4, 0.4, 0.15, 0.05])),
            )
        )
        if acc == "Complaint" and rng.random() < 0.18 and d < pd.Timestamp("2024-02-01"):
            d2 = d + pd.Timedelta(days=int(rng.integers(20, 50)))
            rows.append(
                rec(
                    f"T{i}",
                    d2,
                    stage="2",
                    service=svc,
                    parent_case_id=f"S{i}",
                    outcome=str(rng.choice(OUTCOME_NAMES, p=[0.2, 0.2, 0.45, 0, 0.15])),
                    responded=d2 + pd.Timedelta(days=int(rng.integers(10, 35))),
                    delay_reason="Complex case",
                )
            )
    for i in range(int(rng.integers(1, 4))):
        rows.append(
            rec(
                f"O{i}",
                pd.Timestamp("2023-09-01 10:00") + pd.Timedelta(days=30 * i),
                stage="ombudsman",
                acceptability=None,
                outcome=str(rng.choice(["Upheld", "Not upheld"])),
            )
        )
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
    R.add(
        [R.cell("volumes_by_service", i, "2023-24") for i in range(len(vol.data) - 1)],
        R.cell("volumes_by_service", len(vol.data) - 1, "2023-24"),
    )
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
    R.add(
        [R.cell("overturn", 0, "Stage 2 with an outcome")],
        R.cell("outcomes_by_stage", _rows_of(obs, "Stage", "Stage 2")[0], "With outcome"),
    )
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
        R.eqs.append(
            (
                [R.cell("escalation_by_service", last, "Stage 2 complaints")],
                R.implied("escalated (key figure)", R.value(R.cell("escalation_by_service", last, "Stage 2 complaints"))),
            )
        )
        R.fixed = getattr(R, "fixed", set()) | {("implied", "escalated (key figure)")}
    # overturn's stage 1 not upheld is outcomes by stage's; the Ombudsmen's rows add up, and their total is the key figure
    R.add([R.cell("overturn", 0, "Stage 1 not upheld")], R.cell("outcomes_by_stage", _rows_of(obs, "Stage", "Stage 1")[0], "Not upheld"))
    if "ombudsman_bodies" in true and true["ombudsman_bodies"].ok:
        ob = true["ombudsman_bodies"].data
        n_ob = len(ob) - 1
        for i in range(len(ob)):
            R.add(
                [R.cell("ombudsman_bodies", i, "Not investigated"), R.cell("ombudsman_bodies", i, "Investigated")],
                R.cell("ombudsman_bodies", i, "Received"),
            )
            R.add(
                [R.cell("ombudsman_bodies", i, "Upheld"), R.cell("ombudsman_bodies", i, "Not upheld")],
                R.cell("ombudsman_bodies", i, "Investigated"),
            )
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

    df = pd.DataFrame(
        {
            "Service": ["Parking", "Highways", "Planning"],
            "Stage 1 responded": [9, 20, 14],
            "Stage 1 on time": [8, 12, 9],
            "Stage 1 %": [88.9, 60.0, 64.3],
        }
    )
    t = Table(
        "on_time_by_service",
        "x",
        df,
        counts=("Stage 1 responded", "Stage 1 on time"),
        pct={"Stage 1 %": ("Stage 1 responded", "Stage 1 on time")},
        complements=(("Stage 1 on time", "Stage 1 responded"),),
    )
    out = sup(t, small=5).data.set_index("Service")
    assert out.loc["Parking", "Stage 1 on time"] == SECONDARY and out.loc["Parking", "Stage 1 %"] == "–"
    assert out.loc["Highways", "Stage 1 on time"] == 12 and out.loc["Planning", "Stage 1 on time"] == 9


def test_a_key_figure_rate_whose_count_is_small_is_hidden():
    df = pd.DataFrame(
        {
            "Measure": ["Accepted complaints (stage 1)", "Escalation rate to stage 2 %", "Stage 1 on time %"],
            "2023-24": pd.Series([73, 1.4, 98.6], dtype=object),
        }
    )
    t = Table("key_figures", "Key figures", df, bases={"2023-24": [None, 73, 71]}, numerators={"2023-24": [None, 1, 70]})
    out = suppress_key_figures(t, small=5).data.set_index("Measure")["2023-24"]
    assert out["Escalation rate to stage 2 %"] == "–"  # 1.4% of 73 is 1 escalation
    assert out["Stage 1 on time %"] == "–"  # 98.6% of 71 is 1 late
    assert out["Accepted complaints (stage 1)"] == 73


def test_small_counts_adding_up_to_a_small_total_are_not_all_shown_as_under_5():
    """Four "<5" adding up to a "<5" total are 1 each, whatever else is withheld: one is shown "[c]" instead."""
    df = pd.DataFrame({"Service": ["Parking", "Highways", "Planning", "Housing", "Waste", "Total"], "Withdrawn": [1, 1, 1, 1, 0, 4]})
    out = suppress(Table("x", "x", df, counts=("Withdrawn",), col_total=("Withdrawn",)), small=5).data["Withdrawn"].tolist()
    assert SECONDARY in out and out.count("<5") >= 3 and out[4] == 0, out
