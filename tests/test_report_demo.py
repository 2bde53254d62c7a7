"""Every figure of the report built on the demo year equals the generator's own
ground truth (`DemoYear.truth`, computed independently from its records).

Each truth key the report covers is read back from the report's tables (what a
reader sees) and compared exactly; a truth key with no reader here fails the
coverage test, so a new figure in the truth cannot be missed silently.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

pytest.importorskip("rca.demo.data")

from rca.demo.data import ward_population  # noqa: E402
from rca.reports.build import build_report  # noqa: E402

pytestmark = pytest.mark.system

FY = "2023-24"
STAGE = {"1": "Stage 1", "2": "Stage 2", "3": "Stage 3", "ombudsman": "Ombudsman"}
NOT_REPORT = {"duplicates", "miscoded_count"}  # scoring / audit figures, not report tables
OUTCOMES = ("Upheld", "Partly upheld", "Not upheld", "Resolved on receipt", "Withdrawn")


@pytest.fixture(scope="module")
def report(demo_small):
    return build_report(demo_small.cases, period=FY, population=ward_population())


@pytest.fixture(scope="module")
def truth(demo_small):
    return demo_small.truth[FY]


def _t(report, key) -> pd.DataFrame:
    t = report.tables[key]
    assert t.ok, t.skipped
    return t.data


def _counts(df, label, col, *, drop=("Not recorded", "Total", "All services")) -> dict:
    return {str(k): int(v) for k, v in zip(df[label], df[col]) if k not in drop and int(v) > 0}


def _rate(n, k, p, names) -> dict:
    return {names[0]: int(k), "total": int(n), "pct": None if (p is None or (isinstance(p, float) and math.isnan(p))) else float(p)}


def _read(report) -> dict:
    """The report's figures in the truth's shape."""
    f: dict = {}
    acc = _t(report, "acceptance")
    f["contacts"] = int(acc.loc[acc["Decision"].eq("Total"), "Count"].iloc[0])
    f["accepted"] = int(acc.loc[acc["Decision"].eq("Accepted"), "Count"].iloc[0])
    na = acc[acc["Decision"].eq("Not accepted")]
    f["not_accepted"] = dict(zip(na["Reason"], na["Count"].astype(int)))
    f["volumes_by_service"] = _counts(_t(report, "volumes_by_service"), "Service", FY)
    st = _t(report, "stage_counts").set_index("Stage")[FY]
    f["stage_counts"] = {s: int(st[name]) for s, name in STAGE.items()}
    ot = _t(report, "on_time_by_stage").set_index("Stage")
    f["on_time"] = {
        s: _rate(ot.loc[n, "Responded"], ot.loc[n, "On time"], ot.loc[n, "% of responses on time"], ["on_time"])
        for s, n in STAGE.items()
        if n in ot.index
    }
    f["on_time_with_open"] = {
        s: {
            "on_time": int(ot.loc[n, "On time"]),
            "responded": int(ot.loc[n, "Responded"]),
            "open_overdue": int(ot.loc[n, "Open, overdue"]),
            "total": int(ot.loc[n, "Responded"]) + int(ot.loc[n, "Open, overdue"]),
            "pct": _rate(1, 1, ot.loc[n, "% on time"], ["x"])["pct"],
        }
        for s, n in STAGE.items()
        if n in ot.index
    }
    by = _t(report, "on_time_by_service")
    f["on_time_by_service"] = {}
    for s, n in STAGE.items():
        if f"{n} responded" in by:
            rows = by[by[f"{n} responded"] > 0]
            f["on_time_by_service"][s] = {
                r["Service"]: _rate(r[f"{n} responded"], r[f"{n} on time"], r[f"{n} %"], ["on_time"]) for _, r in rows.iterrows()
            }
    esc = _t(report, "escalation_by_service")
    cohort = "Escalated so far (cohort)"
    f["escalation_rate"] = {
        r["Service"]: _rate(r["Stage 1 complaints"], r[cohort], r["Cohort rate %"], ["escalated"])
        for _, r in esc.iterrows()
        if r["Service"] != "All services" and r["Stage 1 complaints"] > 0
    }
    r = esc[esc["Service"].eq("All services")].iloc[0]
    f["escalation_rate_all"] = _rate(r["Stage 1 complaints"], r[cohort], r["Cohort rate %"], ["escalated"])

    def received(r):
        return {
            "stage2": int(r["Stage 2 complaints"]),
            "stage1": int(r["Stage 1 complaints"]),
            "pct": _rate(1, 1, r["Escalation rate %"], ["x"])["pct"],
        }

    f["escalation_received"] = {
        "all": received(r),
        "by_service": {x["Service"]: received(x) for _, x in esc.iterrows() if x["Service"] != "All services"},
    }
    out = _t(report, "outcomes_by_stage").set_index("Stage")
    f["outcomes"], f["uphold_rate"] = {}, {}
    for s, n in STAGE.items():
        if n in out.index:
            row = out.loc[n]
            f["outcomes"][s] = {o: int(row[o]) for o in OUTCOMES if o in row and int(row[o]) > 0}
            f["uphold_rate"][s] = _rate(row["Decided"], row["Upheld"] + row["Partly upheld"], row["Uphold rate %"], ["upheld"])
    obs = _t(report, "outcomes_by_service")
    f["outcomes_by_service"], f["uphold_rate_by_service"] = {}, {}
    for s, n in STAGE.items():
        rows = obs[obs["Stage"].eq(n) & obs["With outcome"].gt(0)]
        if len(rows):
            f["outcomes_by_service"][s] = {
                r["Service"]: {o: int(r[o]) for o in OUTCOMES if o in r and int(r[o]) > 0} for _, r in rows.iterrows()
            }
            f["uphold_rate_by_service"][s] = {
                r["Service"]: _rate(r["Decided"], r["Upheld"] + r["Partly upheld"], r["Uphold rate %"], ["upheld"])
                for _, r in rows.iterrows()
            }
    ov = _t(report, "overturn").set_index("Period").loc[FY]
    f["overturn"] = _rate(ov["Stage 2 with an outcome"], ov["Overturned at stage 2"], ov["% of stage 2 outcomes"], ["overturned"])
    f["overturn_kc"] = _rate(ov["Stage 1 not upheld"], ov["Overturned at stage 2"], ov["Overturn rate %"], ["overturned"])
    cs = _t(report, "compensation_split").set_index("Paid by")
    f["compensation_split"] = {
        k: {
            "sum": float(cs.loc[n, "Amount £"]),
            "count": int(cs.loc[n, "Cases"]),
            "average": None if math.isnan(cs.loc[n, "Average award £"]) else float(cs.loc[n, "Average award £"]),
        }
        for k, n in (("local", "Local remedies (stages 1 to 3)"), ("ombudsman", "Ombudsman"))
    }
    ob = _t(report, "ombudsman_bodies")

    def num(v):
        return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)

    f["ombudsman_bodies"] = {
        ("All" if r["Ombudsman"] == "All Ombudsman complaints" else r["Ombudsman"]): {
            "received": int(r["Received"]),
            "investigated": int(r["Investigated"]),
            "upheld": int(r["Upheld"]),
            "not_upheld": int(r["Not upheld"]),
            "uphold_pct": num(r["Uphold rate %"]),
            "remedies": int(r["Remedies due"]),
            "complied": int(r["Complied with"]),
            "complied_pct": num(r["Compliance %"]),
            "upheld_per_100k": num(r["Upheld per 100,000 residents"]),
        }
        for _, r in ob.iterrows()
    }
    f["equalities"] = {
        k[len("equalities_") :]: {str(g): int(n) for g, n in zip(t.data["Group"], t.data["Complaints"]) if int(n) > 0}
        for k, t in report.tables.items()
        if k.startswith("equalities_") and t.ok
    }
    f["root_causes"] = _counts(_t(report, "root_causes"), "Root cause", FY)
    f["escalation_reasons"] = _counts(_t(report, "escalation_reasons"), "Escalation reason", "Complaints")
    f["escalations"] = int(report.tables["escalation_reasons"].note.split(" stage 2")[0].split()[-1].replace(",", ""))
    dr = _t(report, "delay_reasons")
    f["delay_reasons"] = _counts(dr, "Delay reason", "Total")
    f["late"] = int(dr["Total"].sum())
    f["corrective_actions"] = _counts(_t(report, "corrective_actions"), "Corrective action", FY)
    comp = _t(report, "compensation").set_index("Service").loc["Total"]
    f["compensation"] = {"sum": float(comp["Amount £"]), "count": int(comp["Cases with compensation"])}
    f["channels"] = _counts(_t(report, "channels"), "Channel", FY)
    w = _t(report, "wards")
    f["wards"] = {
        r["Ward"]: {"count": int(r["Complaints"]), "per_1000": float(r["Per 1,000 residents"])}
        for _, r in w.iterrows()
        if r["Ward"] != "Not recorded"
    }
    cm = _t(report, "compliments")
    f["compliments"] = _counts(cm, "Service", FY)
    f["compliments_total"] = int(cm.set_index("Service").loc["Total", FY])
    om = _t(report, "ombudsman")
    f["ombudsman"] = _counts(om, "Outcome", FY, drop=("Not recorded", "All Ombudsman enquiries"))
    f["ombudsman"]["total"] = int(om.set_index("Outcome").loc["All Ombudsman enquiries", FY])
    q = _t(report, "quarterly").set_index("Quarter")
    rq = _t(report, "root_causes_by_quarter")
    f["by_quarter"] = {
        lab[-2:]: {
            "contacts": int(q.loc[lab, "First contacts"]),
            "accepted": int(q.loc[lab, "Accepted"]),
            "root_causes": _counts(rq, "Root cause", lab),
        }
        for lab in q.index
    }
    return f


def test_every_truth_figure_has_a_reader(truth, report):
    covered = set(_read(report)) | {"emerging_theme"}
    assert set(truth) - NOT_REPORT <= covered, f"truth keys the report does not show: {set(truth) - NOT_REPORT - covered}"


def _cmp(truth_value, got, path):
    """Exact comparison; zero counts in the truth may be absent from a table."""
    if isinstance(truth_value, dict):
        assert isinstance(got, dict), f"{path}: expected a mapping, got {got!r}"
        for k, v in truth_value.items():
            if k not in got and (v in (0, {}) or (isinstance(v, dict) and v.get("total") == 0)):
                continue
            assert k in got, f"{path}: {k!r} missing (truth {v!r}); report has {sorted(got)}"
            _cmp(v, got[k], f"{path}.{k}")
        extra = {k: v for k, v in got.items() if k not in truth_value and v not in (0, {})}
        assert not extra, f"{path}: report has figures the truth does not: {extra}"
    else:
        assert got == truth_value, f"{path}: report {got!r} != truth {truth_value!r}"


@pytest.mark.parametrize(
    "key",
    [
        "contacts",
        "accepted",
        "not_accepted",
        "volumes_by_service",
        "stage_counts",
        "on_time",
        "on_time_by_service",
        "escalation_rate",
        "escalation_rate_all",
        "outcomes",
        "outcomes_by_service",
        "uphold_rate",
        "uphold_rate_by_service",
        "overturn",
        "root_causes",
        "escalation_reasons",
        "escalations",
        "delay_reasons",
        "late",
        "corrective_actions",
        "compensation",
        "channels",
        "wards",
        "compliments",
        "compliments_total",
        "ombudsman",
        "by_quarter",
        "escalation_received",
        "overturn_kc",
        "compensation_split",
        "on_time_with_open",
        "ombudsman_bodies",
        "equalities",
    ],
)
def test_figure_equals_truth(truth, report, key):
    _cmp(truth[key], _read(report)[key], key)


@pytest.fixture(scope="module")
def demo_full():
    """The full-size demo year (10,000 first contacts): emerging themes need realistic volumes."""
    from rca.demo.data import generate_demo

    return generate_demo(n_contacts=10_000)


def test_the_planted_emerging_themes_are_detected(demo_full):
    """The demo's emerging themes start part-way through the year. Each must be caught by the emerging
    clusters of the latest quarter: the cluster holding most of its complaints is mostly made of them."""
    from rca.reports.analysis import analyse_text
    from rca.reports.periods import parse_period
    from rca.reports.settings import ReportSettings
    from rca.reports.tables.catalogue import prepare

    truth = demo_full.truth[FY]["emerging_theme"]
    prep = prepare(demo_full.cases, period=parse_period(FY))
    em = analyse_text(prep, settings=ReportSettings()).emerging
    assert em is not None and len(em.clusters)
    f = prep.frame
    win = f[f["_complaint"] & f["_accepted"] & f["_stage"].eq("1") & f["_in_cur"]]
    ids = win["case_id"].astype(str).to_numpy()
    latest = (win["received"] >= "2024-01-01").to_numpy()
    for name, th in truth.items():
        planted = set(th["case_ids"])
        assert th["by_quarter"]["Q4"] >= 50  # both themes are live in the latest quarter
        best = max(em.clusters["name"], key=lambda c: sum(ids[i] in planted for i in range(len(ids)) if latest[i] and em.labels[i] == c))
        members = [ids[i] for i in range(len(ids)) if latest[i] and em.labels[i] == best]
        caught = sum(m in planted for m in members)
        assert caught >= 10, f"{name!r}: no emerging cluster holds its complaints; clusters: {list(em.clusters['name'])}"
        assert caught / len(members) >= 0.5, f"{name!r}: best cluster {best!r} is mostly other complaints ({caught}/{len(members)})"
