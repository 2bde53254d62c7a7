"""The Ombudsman as the seed reports give it, and compensation split between local remedies and the Ombudsman.

Each Ombudsman apart (the Local Government and Social Care Ombudsman and the Housing Ombudsman, which hears
landlord complaints): complaints it received, how many it investigated, upheld, the uphold rate over
investigations (K&C: 20 upheld of 27 investigated, 74%; Barnet: 39 of 50, 78%), remedies complied with (Barnet
100%), and upheld complaints per 100,000 residents when a population is given (the LGSCO's annual letter).

Columns read (extra columns of the export, any of these names):
- which Ombudsman: `ombudsman`, `ombudsman_body`; blank or absent: "Not recorded";
- how far it went: `ombudsman_decision`, `ombudsman_stage` ("Investigated" / "Detailed investigation" is an
  investigation; anything else, e.g. "Closed after initial enquiries", is not). Absent: a record with a finding
  (upheld, partly upheld, not upheld) is read as investigated, and the note says so;
- remedy: `remedy_complied`, `remedies_complied` ("Yes" / "No"; blank: none due).
"""

from __future__ import annotations

import pandas as pd

from rca.reports.tables.common import DECIDED, NOT_RECORDED, UPHELD, Prepared, Table, pct, round_half_up

BODY_COLS = ("ombudsman", "ombudsman_body")
DECISION_COLS = ("ombudsman_decision", "ombudsman_stage")
COMPLIED_COLS = ("remedy_complied", "remedies_complied")
INVESTIGATED = {"investigated", "detailed investigation", "investigation"}
BODIES = ("LGSCO", "Housing Ombudsman")
ALL = "All Ombudsman complaints"
PER_100K = "Upheld per 100,000 residents"


def _col(frame: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    for n in names:
        if n in frame and frame[n].notna().any():
            return n
    return None


def _body(v) -> str:
    text = str(v).strip() if v is not None and not pd.isna(v) else ""
    low = text.lower()
    if not low:
        return NOT_RECORDED
    if "housing" in low:
        return "Housing Ombudsman"
    if "lgsco" in low or "local government" in low or "lgo" == low:
        return "LGSCO"
    return text


def ombudsman_bodies(prep: Prepared, population: pd.DataFrame | None = None) -> Table:
    """Ombudsman complaints received in the period, each Ombudsman apart: received, investigated, upheld, uphold
    rate over investigations, remedies complied with, upheld per 100,000 residents."""
    key, title = "ombudsman_bodies", "The Ombudsmen: complaints, investigations and findings"
    if "stage" not in prep.frame:
        return Table.skip(key, title, "Skipped: the export has no `stage` column (with 'ombudsman' rows).")
    recs = prep.records()
    om = recs[recs["_stage"].eq("ombudsman")]
    if om.empty:
        return Table.skip(key, title, f"No Ombudsman records (stage 'ombudsman') were received in {prep.period.label}.")
    body_col, dec_col, comp_col = (_col(prep.frame, c) for c in (BODY_COLS, DECISION_COLS, COMPLIED_COLS))
    body = om[body_col].map(_body) if body_col else pd.Series(NOT_RECORDED, index=om.index)
    outcome = om["outcome"] if "outcome" in om else pd.Series(None, index=om.index, dtype=object)
    if dec_col:
        inv = om[dec_col].astype(str).str.strip().str.lower().isin(INVESTIGATED) & om[dec_col].notna()
    else:
        inv = outcome.isin(DECIDED)
    upheld = inv & outcome.isin(UPHELD)
    complied = om[comp_col].astype(str).str.strip().str.lower() if comp_col else pd.Series("", index=om.index)
    due = upheld & om[comp_col].notna() if comp_col else pd.Series(False, index=om.index)
    ok = due & complied.isin(["yes", "y", "true", "complied"])
    residents = None
    if population is not None and len(population):
        residents = int(pd.to_numeric(population["population"], errors="coerce").fillna(0).sum()) or None
    order = (
        [b for b in BODIES if (body == b).any()]
        + sorted(set(body) - set(BODIES) - {NOT_RECORDED})
        + ([NOT_RECORDED] if (body == NOT_RECORDED).any() else [])
    )
    rows = []
    for name in order + [ALL]:
        m = body.eq(name) if name != ALL else pd.Series(True, index=om.index)
        n_inv, n_up, n_due, n_ok = int((m & inv).sum()), int((m & upheld).sum()), int((m & due).sum()), int((m & ok).sum())
        row = {
            "Ombudsman": name,
            "Received": int(m.sum()),
            "Not investigated": int(m.sum()) - n_inv,
            "Investigated": n_inv,
            "Upheld": n_up,
            "Not upheld": n_inv - n_up,
            "Uphold rate %": pct(n_up, n_inv),
        }
        if comp_col:
            row.update({"Remedies due": n_due, "Complied with": n_ok, "Compliance %": pct(n_ok, n_due)})
        if residents:
            row[PER_100K] = pct(n_up, residents, 2, scale=100_000)
        rows.append(row)
    df = pd.DataFrame(rows)
    counts = ["Received", "Not investigated", "Investigated", "Upheld", "Not upheld"] + (
        ["Remedies due", "Complied with"] if comp_col else []
    )
    p = {"Uphold rate %": ("Investigated", "Upheld")}
    if comp_col:
        p["Compliance %"] = ("Remedies due", "Complied with")
    if residents:
        p[PER_100K] = ("Upheld",)
    note = (
        "Received: records at stage 'ombudsman' in the period. Not investigated: closed after initial enquiries, referred "
        "back or withdrawn. Uphold rate: upheld (in full or in part) ÷ investigated, as the Ombudsman publishes it."
    )
    if not dec_col:
        note += (
            " The export has no `ombudsman_decision` column, so a record with a finding (upheld, partly upheld or not upheld) "
            "is read as investigated."
        )
    if not body_col:
        note += " The export has no `ombudsman` column naming the Ombudsman, so the two are not told apart."
    if comp_col:
        note += " Remedies due: upheld investigations with a remedy recorded."
    if residents:
        note += f" Per 100,000 residents: of {residents:,} (the population table)."
    return Table(
        key,
        title,
        df,
        counts=tuple(counts),
        pct=p,
        col_total=tuple(counts),
        note=note,
        sums=((("Not investigated", "Investigated"), "Received"), (("Upheld", "Not upheld"), "Investigated")),
        complements=(("Complied with", "Remedies due"),) if comp_col else (),
    )


def compensation_split(prep: Prepared) -> Table:
    """Compensation paid on complaints received in the period: local remedies (stages 1-3) and the Ombudsman's
    awards apart, with the average award (Barnet 2022/23: £76,057 via the LGSCO, £3,340 at stages 1 and 2)."""
    key, title = "compensation_split", "Compensation: local remedies and the Ombudsman"
    if "compensation" not in prep.frame or prep.frame["compensation"].isna().all():
        return Table.skip(key, title, "Skipped: the export has no `compensation` column.")
    recs = prep.all_records()
    amount = pd.to_numeric(recs["compensation"], errors="coerce")
    paid = amount.gt(0)
    rows = []
    for name, sel in (
        ("Local remedies (stages 1 to 3)", recs["_stage"].isin(["1", "2", "3"])),
        ("Ombudsman", recs["_stage"].eq("ombudsman")),
        ("Total", paid),
    ):
        m = paid & sel
        total = round_half_up(float(amount[m].sum()), 2)
        rows.append(
            {
                "Paid by": name,
                "Cases": int(m.sum()),
                "Amount £": total,
                "Average award £": round_half_up(float(amount[m].sum()) / int(m.sum()), 2) if m.any() else float("nan"),
            }
        )
    df = pd.DataFrame(rows)
    other = int(paid.sum()) - rows[0]["Cases"] - rows[1]["Cases"]
    note = (
        "Compensation above £0 on complaint records received in the period, by the stage that awarded it: the council's own "
        "remedies at stages 1 to 3, and the Ombudsman's. Average award = amount ÷ cases."
    )
    if other:
        note += f" {prep.n(other)} payments are on records with no usable stage; they are in the total only."
    return Table(
        key,
        title,
        df,
        counts=("Cases",),
        money=("Amount £", "Average award £"),
        col_total=() if other else ("Cases",),
        pct={"Amount £": ("Cases",), "Average award £": ("Cases",)},
        note=note,
    )
