"""The demo year's ground truth, recomputed a second, independent way: with pandas from the
written CSV as `rca.ingest.validate.load_cases` reads it back (so the CSV round-trips too)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from rca.config import Config
from rca.ingest.validate import load_cases

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
    return _half_up(int(a), int(b))  # rounded half up, as councils round


def test_csv_round_trips_to_the_same_frame(demo_small, loaded):
    from rca.demo.data import MONITORING

    # columns beyond the canonical ones come back as the export's text, a blank cell as "" (`load_cases`)
    back = loaded.copy()
    for col in MONITORING:
        assert back[col].map(lambda v: isinstance(v, str)).all(), col
        back[col] = back[col].where(back[col].ne(""), None)
    pd.testing.assert_frame_equal(back, demo_small.cases, check_dtype=True)


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
        assert truth["wards"][ward] == {"count": n, "per_1000": _half_up(n, int(population), dp=2, scale=1000)}
    compl = period[period["case_type"] == "Compliment"]
    assert truth["compliments"] == compl["service"].value_counts().to_dict()
    assert truth["compliments_total"] == len(compl)


def test_quarters_add_up(period, truth):
    contacts = period[(period["case_type"] == "Complaint") & (period["stage"] == "1")]
    q = ((contacts["received"].dt.month - 4) % 12 // 3 + 1).map(lambda i: f"Q{i}")
    assert {k: v["contacts"] for k, v in truth["by_quarter"].items()} == {f"Q{i}": int((q == f"Q{i}").sum()) for i in range(1, 5)}
    assert sum(v["accepted"] for v in truth["by_quarter"].values()) == truth["accepted"]


# ------------------------------------------------ the seed reports' own definitions (docs/CONTRACTS.md)


def _half_up(a, b, dp=1, scale=100):
    from decimal import ROUND_HALF_UP, Decimal

    return float((Decimal(a) * scale / Decimal(b)).quantize(Decimal(1).scaleb(-dp), rounding=ROUND_HALF_UP)) if b else None


def test_half_up_rounding_is_what_councils_do():
    import numpy as np

    assert _half_up(2685, 10_000) == 26.9 and np.round(100 * 2685 / 10_000, 1) == 26.8  # numpy rounds half to even: 26.8


def test_percentages_in_the_truth_round_half_up(period, truth):
    contacts = period[(period["case_type"] == "Complaint") & (period["stage"] == "1")]
    accepted = contacts[contacts["acceptability"] == "Complaint"]
    for service, grp in accepted.groupby("service"):
        assert truth["escalation_received"]["by_service"][service]["pct"] == _half_up(
            int(((period["stage"] == "2") & (period["service"] == service) & (period["acceptability"] == "Complaint")).sum()), len(grp)
        )


def test_escalation_as_the_seeds_count_it(period, truth):
    acc = period[(period["case_type"] == "Complaint") & (period["acceptability"] == "Complaint")]
    s1, s2 = acc[acc["stage"] == "1"], acc[acc["stage"] == "2"]
    assert truth["escalation_received"]["all"] == {"stage2": len(s2), "stage1": len(s1), "pct": _half_up(len(s2), len(s1))}


def test_overturn_as_kc_counts_it(loaded, period, truth):
    s2 = period[(period["stage"] == "2") & period["outcome"].isin(["Upheld", "Partly upheld"])]
    parent = s2["parent_case_id"].map(loaded.set_index("case_id")["outcome"])
    over = int((parent == "Not upheld").sum())
    not_upheld = int(((period["stage"] == "1") & (period["acceptability"] == "Complaint") & (period["outcome"] == "Not upheld")).sum())
    assert truth["overturn_kc"] == {"overturned": over, "total": not_upheld, "pct": _half_up(over, not_upheld)}
    assert truth["overturn_kc"]["total"] > truth["overturn"]["total"]  # over stage 1 not upheld, not over stage 2s


def test_compensation_split_local_and_ombudsman(period, truth):
    from decimal import Decimal

    paid = period[period["compensation"] > 0]
    for name, sel in (("local", paid["stage"].isin(["1", "2", "3"])), ("ombudsman", paid["stage"] == "ombudsman")):
        amounts = paid.loc[sel, "compensation"]
        avg = _half_up(Decimal(str(amounts.sum())), len(amounts), dp=2, scale=1) if len(amounts) else None
        assert truth["compensation_split"][name] == {"sum": round(float(amounts.sum()), 2), "count": len(amounts), "average": avg}
    split = truth["compensation_split"]
    assert split["local"]["count"] + split["ombudsman"]["count"] == truth["compensation"]["count"]


def test_on_time_counts_open_overdue_cases_as_late(loaded, period, truth):
    as_at = loaded["received"].max().normalize()
    for stage in ("1", "2"):
        rows = period[period["stage"] == stage]
        done = rows[rows["responded"].notna()]
        ok = int((done["responded"].dt.normalize() <= done["due"].dt.normalize()).sum())
        open_ = rows[rows["responded"].isna() & (rows["acceptability"] == "Complaint") & (rows["case_type"] == "Complaint")]
        overdue = int((open_["due"].dt.normalize() < as_at).sum())
        assert truth["on_time_with_open"][stage] == {
            "on_time": ok,
            "responded": len(done),
            "open_overdue": overdue,
            "total": len(done) + overdue,
            "pct": _half_up(ok, len(done) + overdue),
        }


def test_each_ombudsman_apart(demo_csv, period, truth):
    pop = int(pd.read_csv(Path(demo_csv).parent / "ward_population.csv")["population"].sum())
    om = period[period["stage"] == "ombudsman"]
    assert set(om["ombudsman"]) <= {"LGSCO", "Housing Ombudsman"}
    assert (om.loc[om["service"] == "Housing Management", "ombudsman"] == "Housing Ombudsman").all()
    for body, g in [*om.groupby("ombudsman"), ("All", om)]:
        inv = g[g["ombudsman_decision"] == "Investigated"]
        up = inv[inv["outcome"].isin(["Upheld", "Partly upheld"])]
        due = up[up["remedy_complied"].fillna("").ne("")]
        ok = int((due["remedy_complied"] == "Yes").sum())
        assert truth["ombudsman_bodies"][body] == {
            "received": len(g),
            "investigated": len(inv),
            "upheld": len(up),
            "not_upheld": len(inv) - len(up),
            "uphold_pct": _half_up(len(up), len(inv)),
            "remedies": len(due),
            "complied": ok,
            "complied_pct": _half_up(ok, len(due)),
            "upheld_per_100k": _half_up(len(up), pop, dp=2, scale=100_000),
        }
    # enquiries that were not investigated have no finding and no award
    not_inv = om[om["ombudsman_decision"] != "Investigated"]
    assert not not_inv["outcome"].isin(["Upheld", "Partly upheld", "Not upheld"]).any()
    assert not (not_inv["compensation"] > 0).any()


def test_equalities_mostly_blank_as_in_real_exports(period, truth):
    contacts = period[(period["case_type"] == "Complaint") & (period["stage"] == "1")]
    for col in ("ethnicity", "disability", "age_band"):
        vals = contacts[col].where(contacts[col].fillna("").ne("") & (contacts[col] != "Prefer not to say"), "Not disclosed")
        assert truth["equalities"][col] == vals.value_counts().to_dict()
        assert 0.5 < truth["equalities"][col]["Not disclosed"] / len(contacts) < 0.8
    later = period[period["stage"] != "1"]
    assert later[["ethnicity", "disability", "age_band"]].fillna("").eq("").all().all()  # monitoring is taken at first contact
