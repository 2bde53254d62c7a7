"""The demo truth's figures that follow the seed reports' own definitions (docs/CONTRACTS.md): escalation as
stage 2s received over stage 1s received, overturn over stage-1 not-upheld cases (K&C), compensation split
between local remedies and the Ombudsman, on time with open overdue cases counted as late, the two Ombudsmen
apart (enquiries, investigations, upheld, remedies complied with, per 100,000 residents) and equalities
monitoring. Computed from the generator's records, apart from the report's code.

>>> half_up(2685, 10_000)
26.9
>>> half_up(1, 8, dp=2)
12.5
"""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

UPHELD = ("Upheld", "Partly upheld")
BODIES = ("LGSCO", "Housing Ombudsman")
EQUALITIES = ("ethnicity", "disability", "age_band")
NOT_DISCLOSED = "Not disclosed"
UNDISCLOSED = {"prefer not to say"}


def half_up(num, den, dp: int = 1, *, scale: int = 100) -> float | None:
    """`scale` × num / den rounded half up to `dp` places, as councils round (26.85 -> 26.9); None when den is 0."""
    if not den:
        return None
    q = Decimal(str(num)) * scale / Decimal(str(den))
    return float(q.quantize(Decimal(1).scaleb(-dp), rounding=ROUND_HALF_UP))


def money(x: float) -> float:
    return float(Decimal(str(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _accepted(r: dict, stage: str) -> bool:
    return r["case_type"] == "Complaint" and r["acceptability"] == "Complaint" and r["stage"] == stage


def escalation_received(rs: list[dict]) -> dict:
    """Stage 2s received in the year over accepted stage 1s received in the year (Barnet 372 / 2,669 = 13.9%)."""
    s1 = Counter(r["service"] for r in rs if _accepted(r, "1"))
    s2 = Counter(r["service"] for r in rs if _accepted(r, "2"))
    one = lambda a, b: {"stage2": int(a), "stage1": int(b), "pct": half_up(a, b)}  # noqa: E731
    return {
        "all": one(sum(s2.values()), sum(s1.values())),
        "by_service": {svc: one(s2.get(svc, 0), s1.get(svc, 0)) for svc in sorted(set(s1) | set(s2))},
    }


def overturn_kc(rs: list[dict], by_key: dict) -> dict:
    """Stage 2s received in the year that upheld what stage 1 did not, over the year's stage 1s not upheld (K&C 51, 8%)."""
    over = sum(1 for r in rs if r["stage"] == "2" and r["outcome"] in UPHELD and by_key[r["parent"]]["outcome"] == "Not upheld")
    not_upheld = sum(1 for r in rs if _accepted(r, "1") and r["outcome"] == "Not upheld")
    return {"overturned": over, "total": not_upheld, "pct": half_up(over, not_upheld)}


def compensation_split(rs: list[dict]) -> dict:
    out = {}
    for name, sel in (("local", lambda r: r["stage"] in ("1", "2", "3")), ("ombudsman", lambda r: r["stage"] == "ombudsman")):
        paid = [r["compensation"] for r in rs if sel(r) and r["compensation"] is not None and r["compensation"] > 0]
        total = sum(paid)
        out[name] = {"sum": money(total), "count": len(paid), "average": money(total / len(paid)) if paid else None}
    return out


def on_time_with_open(rs: list[dict], as_at) -> dict:
    """Per stage: responded on time, responded late, still open past their due date on `as_at` (late too)."""
    out = {}
    for s in ("1", "2", "3"):
        done = [r for r in rs if r["stage"] == s and r["responded"] is not None]
        ok = sum(r["responded"].date() <= r["due"].date() for r in done)
        overdue = sum(
            1 for r in rs if _accepted(r, s) and r["responded"] is None and r["due"] is not None and r["due"].date() < as_at.date()
        )
        total = len(done) + overdue
        out[s] = {"on_time": int(ok), "responded": len(done), "open_overdue": int(overdue), "total": total, "pct": half_up(ok, total)}
    return out


def ombudsman_bodies(rs: list[dict], population: int) -> dict:
    """Each Ombudsman apart, and both: complaints received, investigated, upheld, uphold rate over investigations,
    remedies complied with, upheld per 100,000 residents."""
    omb = [r for r in rs if r["stage"] == "ombudsman"]
    out = {}
    for body in (*BODIES, "All"):
        g = [r for r in omb if body == "All" or r["ombudsman"] == body]
        if not g and body != "All":  # an Ombudsman with no complaint in the year has no row
            continue
        inv = [r for r in g if r["ombudsman_decision"] == "Investigated"]
        up = [r for r in inv if r["outcome"] in UPHELD]
        due = [r for r in up if r["remedy_complied"] is not None]
        complied = sum(r["remedy_complied"] == "Yes" for r in due)
        out[body] = {
            "received": len(g),
            "investigated": len(inv),
            "upheld": len(up),
            "not_upheld": len(inv) - len(up),
            "uphold_pct": half_up(len(up), len(inv)),
            "remedies": len(due),
            "complied": int(complied),
            "complied_pct": half_up(complied, len(due)),
            "upheld_per_100k": half_up(len(up), population, dp=2, scale=100_000),
        }
    return out


def equalities(rs: list[dict]) -> dict:
    """First contacts by each monitoring field; blank or "Prefer not to say" is not disclosed."""
    contacts = [r for r in rs if r["case_type"] == "Complaint" and r["stage"] == "1"]
    out = {}
    for col in EQUALITIES:
        vals = [r[col] if r[col] and str(r[col]).strip().lower() not in UNDISCLOSED else NOT_DISCLOSED for r in contacts]
        out[col] = dict(Counter(vals))
    return out


def seed_figures(rs: list[dict], by_key: dict, *, as_at, population: int) -> dict:
    """The figures above for one period's records `rs`."""
    return {
        "escalation_received": escalation_received(rs),
        "overturn_kc": overturn_kc(rs, by_key),
        "compensation_split": compensation_split(rs),
        "on_time_with_open": on_time_with_open(rs, as_at),
        "ombudsman_bodies": ombudsman_bodies(rs, population),
        "equalities": equalities(rs),
    }
