"""What went wrong and what was done: recorded and predicted root causes (with
their agreement), corrective actions, compensation, Ombudsman figures."""

from __future__ import annotations

import pandas as pd

from rca.reports.tables.common import NOT_RECORDED, Prepared, Table, count_by, missing, pct, unlock_note, uphold_rate
from rca.reports.tables.per_period import count_table
from rca.reports.tables.volume import STAGE_NAMES, gap_note

PREDICTED = "{}_predicted"


def root_causes(prep: Prepared) -> Table:
    """Recorded `root_cause` counts on accepted stage 1 records."""
    key, title = "root_causes", "Root causes recorded by officers"
    if missing(prep.frame, "root_cause"):
        return Table.skip(key, title, unlock_note(["root_cause"]) + " With --model-dir the report shows predicted root causes instead.")
    return count_table(
        prep,
        key,
        title,
        lambda period: count_by(prep.accepted(period), "root_cause"),
        label="Root cause",
        share="% of complaints",
        base=lambda period: len(prep.accepted(period)),
        note="Root cause recorded on accepted stage 1 complaints. Coding varies between officers; read it beside the themes found in the text.",
        chart="root_causes",
    )


def root_causes_by_quarter(prep: Prepared) -> Table:
    """Recorded root causes on accepted stage 1 records, per quarter of the period."""
    from rca.reports.periods import bin_labels

    key, title = "root_causes_by_quarter", "Root causes by quarter"
    if missing(prep.frame, "root_cause", "received"):
        return Table.skip(key, title, unlock_note(missing(prep.frame, "root_cause", "received")))
    acc = prep.accepted()
    q = bin_labels(acc["received"], "quarter")
    causes = list(count_by(acc, "root_cause").index)
    quarters = sorted(set(q.dropna()))
    df = pd.DataFrame({"Root cause": causes})
    for x in quarters:
        vc = count_by(acc[(q == x).to_numpy()], "root_cause")
        df[x] = [int(vc.get(c, 0)) for c in causes]
    return Table(
        key,
        title,
        df,
        counts=tuple(quarters),
        known_totals={x: int(df[x].sum()) for x in quarters},
        note="Root cause recorded on accepted stage 1 complaints, by the quarter they were received in." + gap_note(prep),
    )


def predicted_root_causes(prep: Prepared, *, target: str = "root_cause") -> Table:
    """Predicted labels on accepted stage 1 records, beside the recorded ones and their agreement."""
    key, title = f"{target}_predicted", "Root causes: recorded and predicted by the model"
    col = PREDICTED.format(target)
    if missing(prep.frame, col):
        return Table.skip(
            key,
            title,
            "Skipped: no model was given. Run with --model-dir DIR (a model trained with `rca train`) to add predicted root causes and their agreement with the recorded ones.",
        )
    acc = prep.accepted()
    pred = count_by(acc, col)
    if target in acc:
        rec = count_by(acc, target)
        labels = list(rec.index) + [x for x in pred.index if x not in rec.index]
    else:
        rec = pd.Series(dtype="int64")
        labels = list(pred.index)
    df = pd.DataFrame({"Root cause": labels})
    if target in acc:  # no column of recorded causes: no column of zeros either
        df["Recorded"] = [int(rec.get(x, 0)) for x in labels]
    df["Predicted"] = [int(pred.get(x, 0)) for x in labels]
    note = f"Predicted by the model on {prep.n(len(acc))} accepted stage 1 complaints."
    p = {}
    if target in acc:
        both = acc[acc[target].notna() & acc[col].notna()]
        same = both[target].astype(str).eq(both[col].astype(str))
        agree = both[same][target].value_counts()
        df["Agree"] = [int(agree.get(x, 0)) for x in labels]
        df["Agreement %"] = pct(df["Agree"], df["Recorded"])
        p = {"Agreement %": "Recorded"}
        total = pct(int(same.sum()), len(both))
        note += (
            f" Overall the model agrees with the recorded root cause on {prep.rate(total, len(both)) or 'an unstated share (too few to show)'} of the {prep.n(len(both))} cases that have both. "
            "Agreement % = recorded cases of that cause the model also gives that cause. Large gaps point at inconsistent coding or at a cause the model has not learnt."
        )
        cnt = ("Recorded", "Predicted", "Agree")
    else:
        cnt = ("Predicted",)
        note += " The export records no root cause, so these predictions stand in for it."
    return Table(
        key, title, df, counts=cnt, pct=p, note=note, known_totals={c: int(df[c].sum()) for c in ("Recorded", "Predicted") if c in df}
    )


def corrective_actions(prep: Prepared) -> Table:
    """Each `corrective_action` label counted once per record (complaint records in the period)."""
    key, title = "corrective_actions", "Corrective actions recorded"
    if missing(prep.frame, "corrective_action"):
        return Table.skip(key, title, unlock_note(["corrective_action"]))
    with_action = int(prep.all_records()["corrective_action"].notna().sum())
    return count_table(
        prep,
        key,
        title,
        lambda period: count_by(prep.all_records(period), "corrective_action", multi=True),
        label="Corrective action",
        note=lambda df: (
            f"{prep.n(df[prep.period.label].sum())} corrective actions recorded on {prep.n(with_action)} records received in the "
            "period; each action counts once per record."
        ),
        chart="corrective_actions",
    )


def compensation(prep: Prepared) -> Table:
    """Sum and count of records with compensation > 0, by service."""
    key, title = "compensation", "Compensation paid"
    if missing(prep.frame, "compensation"):
        return Table.skip(key, title, unlock_note(["compensation"]))
    recs = prep.all_records()
    paid = recs[pd.to_numeric(recs["compensation"], errors="coerce").gt(0)]
    svc = (
        paid["service"].astype(object).where(paid["service"].notna(), NOT_RECORDED)
        if "service" in paid
        else pd.Series("All services", index=paid.index)
    )
    g = paid.assign(_svc=svc).groupby("_svc")["compensation"].agg(["count", "sum"]).sort_values(["sum", "count"], ascending=False)
    df = pd.DataFrame(
        {"Service": g.index, "Cases with compensation": g["count"].astype("int64").to_numpy(), "Amount £": g["sum"].round(2).to_numpy()}
    )
    total = {"Service": "Total", "Cases with compensation": len(paid), "Amount £": round(float(paid["compensation"].sum()), 2)}
    df = pd.concat([df, pd.DataFrame([total])], ignore_index=True)
    by_stage = paid["_stage"].map(STAGE_NAMES).value_counts()
    stages = ", ".join(f"{k} {prep.n(v)}" for k, v in by_stage.items())
    return Table(
        key,
        title,
        df,
        counts=("Cases with compensation",),
        money=("Amount £",),
        col_total=("Cases with compensation",),
        pct={"Amount £": "Cases with compensation"},  # the amount paid to fewer than 5 people is theirs: hidden with the count
        note=f"Complaint records received in the period with compensation above £0 ({stages or 'none'}).",
    )


def ombudsman(prep: Prepared) -> Table:
    """Ombudsman records received in the period, by outcome."""
    key, title = "ombudsman", "Ombudsman enquiries and decisions"
    if "stage" not in prep.frame:
        return Table.skip(key, title, unlock_note(["stage"]) + " (with 'ombudsman' rows)")

    def one(period):
        recs = prep.records(period)
        return recs[recs["_stage"].eq("ombudsman")]

    cur = one(prep.period)
    if cur.empty and (prep.compare is None or one(prep.compare).empty):
        return Table.skip(key, title, f"No Ombudsman records (stage 'ombudsman') were received in {prep.period.label}.")

    def outcomes(period) -> pd.Series:
        recs = one(period)
        return count_by(recs, "outcome") if "outcome" in recs else pd.Series(dtype="int64")

    note = f"{prep.n(len(cur))} Ombudsman enquiries received in the period."
    up, decided, rate = uphold_rate(cur["outcome"]) if "outcome" in cur else (0, 0, float("nan"))
    if decided:
        shown = prep.rate(rate, decided)
        note += f" Of the {prep.n(decided)} decided (upheld, partly upheld or not upheld), {prep.n(up)} were upheld or partly upheld" + (
            f" ({shown} uphold rate)." if shown else "; too few to give a rate."
        )
    return count_table(prep, key, title, outcomes, label="Outcome", total="All Ombudsman enquiries", note=note)


def ombudsman_uphold_rate(prep: Prepared) -> dict:
    """Enquiries, decisions and uphold rate for the summary."""
    recs = prep.records()
    om = recs[recs["_stage"].eq("ombudsman")]
    if "outcome" not in om:
        return {"enquiries": len(om)}
    up, decided, rate = uphold_rate(om["outcome"])
    return {"enquiries": len(om), "decided": decided, "upheld": up, "uphold_rate": rate}
