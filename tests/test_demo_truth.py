"""The demo year's ground truth, recomputed a second, independent way: with pandas from the
written CSV as `rca.validate.load_cases` reads it back (so the CSV round-trips too)."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from rca.config import Config
from rca.validate import load_cases

FY = "2023-24"
START, END = pd.Timestamp("2023-04-01"), pd.Timestamp("2024-04-01")


@pytest.fixture(scope="module")
def loaded(demo_csv):
    res = load_cases(demo_csv, config=Config())
    assert res.n_quarantined == 0 and res.n_read == res.n_valid
    return res.cases


@pytest.fixture(scope="module")
def truth(demo_csv):
    return json.loads((Path(demo_csv).parent / "demo_truth.json").read_text(encoding="utf-8"))[FY]


@pytest.fixture(scope="module")
def period(loaded):
    return loaded[(loaded["received"] >= START) & (loaded["received"] < END)]


def _pct(a, b):
    return round(100 * a / b, 1) if b else None


def test_csv_round_trips_to_the_same_frame(demo_small, loaded):
    pd.testing.assert_frame_equal(loaded, demo_small.cases, check_dtype=True)


def test_written_truth_is_the_generated_truth(demo_small, demo_csv):
    written = json.loads((Path(demo_csv).parent / "demo_truth.json").read_text(encoding="utf-8"))
    assert written == json.loads(json.dumps(demo_small.truth))
    pop = pd.read_csv(Path(demo_csv).parent / "ward_population.csv")
    assert list(pop.columns) == ["ward", "population"] and 15 <= len(pop) <= 25


def test_contacts_acceptance_and_volumes(period, truth):
    contacts = period[(period["case_type"] == "Complaint") & (period["stage"] == "1")]
    accepted = contacts[contacts["acceptability"] == "Complaint"]
    assert truth["contacts"] == len(contacts)
    assert truth["accepted"] == len(accepted)
    assert truth["not_accepted"] == contacts.loc[contacts["acceptability"] != "Complaint", "acceptability"].value_counts().to_dict()
    assert truth["volumes_by_service"] == accepted["service"].value_counts().to_dict()
    assert truth["channels"] == contacts["channel"].value_counts().to_dict()
    assert truth["root_causes"] == accepted["root_cause"].value_counts().to_dict()
    counts = {s: int(((period["stage"] == s) & (period["acceptability"] == "Complaint")).sum()) for s in ("1", "2", "3")}
    counts["ombudsman"] = int((period["stage"] == "ombudsman").sum())
    assert truth["stage_counts"] == counts


def test_on_time_per_stage_and_service(period, truth):
    done = period[period["responded"].notna()]
    ok = done["responded"].dt.normalize() <= done["due"].dt.normalize()
    for stage in ("1", "2"):
        sel = done["stage"] == stage
        assert truth["on_time"][stage] == {"on_time": int(ok[sel].sum()), "total": int(sel.sum()), "pct": _pct(ok[sel].sum(), sel.sum())}
        for service, grp in done[sel].groupby("service"):
            n_ok = int(ok[grp.index].sum())
            assert truth["on_time_by_service"][stage][service] == {"on_time": n_ok, "total": len(grp), "pct": _pct(n_ok, len(grp))}
    late = done[~ok]
    assert truth["late"] == len(late)
    assert truth["delay_reasons"] == late["delay_reason"].value_counts().to_dict()


def test_escalation_rate_and_overturn(loaded, period, truth):
    s1 = period[(period["stage"] == "1") & (period["case_type"] == "Complaint") & (period["acceptability"] == "Complaint")]
    escalated = set(loaded.loc[loaded["stage"] == "2", "parent_case_id"])
    for service, grp in s1.groupby("service"):
        n = int(grp["case_id"].isin(escalated).sum())
        assert truth["escalation_rate"][service] == {"escalated": n, "total": len(grp), "pct": _pct(n, len(grp))}
    s2 = period[(period["stage"] == "2") & period["outcome"].notna()]
    parent_outcome = s2["parent_case_id"].map(loaded.set_index("case_id")["outcome"])
    over = int(((parent_outcome == "Not upheld") & s2["outcome"].isin(["Upheld", "Partly upheld"])).sum())
    assert truth["overturn"] == {"overturned": over, "total": len(s2), "pct": _pct(over, len(s2))}
    stage2 = period[period["stage"] == "2"]
    reasons = Counter(x for v in stage2["escalation_reason"].dropna() for x in set(v.split(";")))
    assert truth["escalation_reasons"] == dict(reasons)
    assert truth["escalations"] == len(stage2)


def test_outcomes_and_uphold_rates(period, truth):
    for stage in ("1", "2", "ombudsman"):
        rows = period[(period["stage"] == stage) & period["outcome"].notna()]
        assert truth["outcomes"][stage] == rows["outcome"].value_counts().to_dict()
        up = int(rows["outcome"].isin(["Upheld", "Partly upheld"]).sum())
        decided = int(rows["outcome"].isin(["Upheld", "Partly upheld", "Not upheld"]).sum())  # not withdrawn
        assert decided < len(rows)
        assert truth["uphold_rate"][stage] == {"upheld": up, "total": decided, "pct": _pct(up, decided)}
    omb = period[period["stage"] == "ombudsman"]
    assert truth["ombudsman"] == {**omb["outcome"].value_counts().to_dict(), "total": len(omb)}


def test_remedies_wards_and_compliments(demo_csv, period, truth):
    actions = Counter(x for v in period["corrective_action"].dropna() for x in set(v.split(";")))
    assert truth["corrective_actions"] == dict(actions)
    paid = period.loc[period["compensation"] > 0, "compensation"]
    assert truth["compensation"] == {"sum": round(float(paid.sum()), 2), "count": len(paid)}
    pop = pd.read_csv(Path(demo_csv).parent / "ward_population.csv").set_index("ward")["population"]
    s1 = period[(period["stage"] == "1") & (period["case_type"] == "Complaint") & (period["acceptability"] == "Complaint")]
    counts = s1["ward"].value_counts()
    for ward, population in pop.items():
        n = int(counts.get(ward, 0))
        assert truth["wards"][ward] == {"count": n, "per_1000": round(n / population * 1000, 2)}
    compl = period[period["case_type"] == "Compliment"]
    assert truth["compliments"] == compl["service"].value_counts().to_dict()
    assert truth["compliments_total"] == len(compl)


def test_quarters_add_up(period, truth):
    contacts = period[(period["case_type"] == "Complaint") & (period["stage"] == "1")]
    q = ((contacts["received"].dt.month - 4) % 12 // 3 + 1).map(lambda i: f"Q{i}")
    assert {k: v["contacts"] for k, v in truth["by_quarter"].items()} == {f"Q{i}": int((q == f"Q{i}").sum()) for i in range(1, 5)}
    assert sum(v["accepted"] for v in truth["by_quarter"].values()) == truth["accepted"]
