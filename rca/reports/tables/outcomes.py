"""Performance tables: on time per stage and service, escalation rate, outcomes
and uphold rate, overturn rate, delay reasons."""

from __future__ import annotations

import pandas as pd

from rca.ingest.working_days import target_days
from rca.reports.tables.common import DECIDED, NOT_RECORDED, UPHELD, Prepared, Table, count_by, missing, pct, unlock_note
from rca.reports.tables.volume import STAGE_NAMES, STAGES

OUTCOMES = ("Upheld", "Partly upheld", "Not upheld", "Resolved on receipt", "Withdrawn")


def _responded(prep: Prepared, period=None) -> pd.DataFrame:
    """Stage 1-3 records in the period (any acceptability) with a response and a working-day target."""
    f = prep.all_records(period)
    return f[f["_stage"].isin(STAGES) & f["_on_time"].notna()]


def _target_text(prep: Prepared, stage: str) -> str:
    routes = ["corporate"]
    if "route" in prep.frame:
        routes += [r for r in prep.frame.loc[prep.frame["_stage"].eq(stage), "route"].dropna().unique() if r != "corporate"]
    parts = []
    for r in routes:
        try:
            parts.append((r, target_days(stage, r, calendar=prep.config.calendar)))
        except ValueError:
            continue
    if not parts:
        return "none set"
    base = parts[0][1]
    other = [f"{r.replace('_', ' ')} {d}" for r, d in parts[1:] if d != base]
    return f"{base} working days" + (f" ({'; '.join(other)})" if other else "")


def on_time_by_stage(prep: Prepared) -> Table:
    """On-time responses per stage: responded.date() <= due.date(), due from the working-day target."""
    key, title = "on_time_by_stage", "Responses on time, by stage"
    miss = missing(prep.frame, "received", "responded")
    if miss:
        return Table.skip(key, title, unlock_note(miss))
    rows, prev_n = [], []
    for s in STAGES:
        cur = _responded(prep)
        cur = cur[cur["_stage"].eq(s)]
        over = int(open_overdue(prep, s).sum())
        if cur.empty and not over and s == "3":
            continue
        ok = int(cur["_on_time"].sum())
        row = {
            "Stage": STAGE_NAMES[s],
            "Target": _target_text(prep, s),
            "Responded": len(cur),
            "On time": ok,
            "% of responses on time": pct(ok, len(cur)),
            OPEN_OVERDUE: over,
            "% on time": pct(ok, len(cur) + over),
        }
        if prep.compare:
            prev = _responded(prep, prep.compare)
            prev = prev[prev["_stage"].eq(s)]
            n_prev = len(prev) + int(open_overdue(prep, s, prep.compare).sum())
            row[f"% on time {prep.compare.label}"] = pct(int(prev["_on_time"].sum()), n_prev)
            prev_n.append(n_prev)
        rows.append(row)
    df = pd.DataFrame(rows)
    p = {"% on time": ("Responded", "On time", OPEN_OVERDUE), "% of responses on time": ("Responded", "On time")}
    bases = {}
    if prep.compare:
        p[f"% on time {prep.compare.label}"] = None
        bases[f"% on time {prep.compare.label}"] = prev_n
    return Table(
        key,
        title,
        df,
        counts=("Responded", "On time", OPEN_OVERDUE),
        pct=p,
        chart="on_time",
        bases=bases,
        complements=(("On time", "Responded"),),
        note="On time: sent by the due date (the target in working days from receipt, plus any agreed extension). "
        f"% on time counts a complaint still open past its due date on {_as_at(prep)} as late; the share of the "
        "responses sent that were on time is beside it. Councils aim for 90%.",
    )


OPEN_OVERDUE = "Open, overdue"


def open_overdue(prep: Prepared, stage: str, period=None) -> pd.Series:
    """Accepted complaints of `stage` received in the period, unanswered and past their due date (`Prepared`'s `_open_overdue`)."""
    f = prep.all_records(period)
    return f["_open_overdue"] & f["_stage"].eq(stage)


def _as_at(prep: Prepared) -> str:
    from rca.reports.coverage import day

    return day(prep.span[1]) if prep.span[1] is not None and not pd.isna(prep.span[1]) else "the export's last date"


def on_time_by_service(prep: Prepared) -> Table:
    """On time per stage x service."""
    key, title = "on_time_by_service", "Responses on time, by service and stage"
    miss = missing(prep.frame, "received", "responded", "service")
    if miss:
        return Table.skip(key, title, unlock_note(miss))
    resp = _responded(prep)
    services = list(count_by(resp, "service").index)
    df = pd.DataFrame({"Service": services})
    counts, p, late = [], {}, []
    for s in STAGES:
        sub = resp[resp["_stage"].eq(s)]
        if sub.empty:
            continue
        svc = sub["service"].astype(object).where(sub["service"].notna(), NOT_RECORDED)
        tot = svc.value_counts()
        ok = svc[sub["_on_time"].astype(bool)].value_counts()
        n = f"{STAGE_NAMES[s]} responded"
        o = f"{STAGE_NAMES[s]} on time"
        df[n] = [int(tot.get(x, 0)) for x in services]
        df[o] = [int(ok.get(x, 0)) for x in services]
        df[f"{STAGE_NAMES[s]} %"] = pct(df[o], df[n])
        counts += [n, o]
        late.append((o, n))
        p[f"{STAGE_NAMES[s]} %"] = (n, o)
    return Table(
        key,
        title,
        df,
        counts=tuple(counts),
        pct=p,
        known_totals={c: int(df[c].sum()) for c in counts},
        complements=tuple(late),
        note="Responded records per service at each stage and how many were sent by the working-day due date (the share of "
        "responses sent on time; complaints still open past their due date are counted as late in on time by stage).",
    )


def escalation_by_service(prep: Prepared) -> Table:
    """Escalation to stage 2 per service, as the seed reports count it: stage 2 complaints received in the period over
    stage 1 complaints received in it (Barnet: 372 of 2,669, 13.9%); beside it the cohort figure, the period's stage 1
    complaints that have a stage 2 so far, which reads low for the latest quarters (their cases have had less time)."""
    key, title = "escalation_by_service", "Escalation to stage 2, by service"
    miss = missing(prep.frame, "stage")
    if miss:
        return Table.skip(key, title, unlock_note(miss))
    f = prep.frame
    cohort = "parent_case_id" in f and f["parent_case_id"].notna().any()
    parents = set(f.loc[f["_stage"].eq("2") & f["parent_case_id"].notna(), "parent_case_id"].astype(str)) if cohort else set()

    def svc_of(d):
        return (
            d["service"].astype(object).where(d["service"].notna(), NOT_RECORDED)
            if "service" in d
            else pd.Series("All services", index=d.index)
        )

    def rates(period):
        s1, s2 = prep.accepted(period), prep.accepted(period, stage="2")
        esc = s1["case_id"].astype(str).isin(parents) if cohort else pd.Series(False, index=s1.index)
        return svc_of(s1).value_counts(), svc_of(s2).value_counts(), svc_of(s1)[esc].value_counts(), len(s1), len(s2), int(esc.sum())

    tot, rec2, esc, n, n2, k = rates(None)
    services = list(count_by(prep.accepted(), "service").index) if "service" in f else ["All services"]
    services += [x for x in rec2.index if x not in services]
    df = pd.DataFrame({"Service": services})
    df["Stage 1 complaints"] = [int(tot.get(s, 0)) for s in services]
    df["Stage 2 complaints"] = [int(rec2.get(s, 0)) for s in services]
    df["Escalation rate %"] = pct(df["Stage 2 complaints"], df["Stage 1 complaints"])
    total = {"Service": "All services", "Stage 1 complaints": n, "Stage 2 complaints": n2, "Escalation rate %": pct(n2, n)}
    p = {"Escalation rate %": ("Stage 1 complaints", "Stage 2 complaints")}
    counts = ["Stage 1 complaints", "Stage 2 complaints"]
    bases: dict = {}
    if cohort:
        df[COHORT] = [int(esc.get(s, 0)) for s in services]
        df["Cohort rate %"] = pct(df[COHORT], df["Stage 1 complaints"])
        total.update({COHORT: k, "Cohort rate %": pct(k, n)})
        p["Cohort rate %"] = ("Stage 1 complaints", COHORT)
        counts.append(COHORT)
    if prep.compare:
        ptot, prec2, _, pn, pn2, _ = rates(prep.compare)
        col = f"Escalation rate % {prep.compare.label}"
        df[col] = [pct(int(prec2.get(s, 0)), int(ptot.get(s, 0))) for s in services]
        total[col] = pct(pn2, pn)
        p[col] = None
        bases[col] = [int(ptot.get(s, 0)) for s in services] + [pn]
    df = pd.concat([df, pd.DataFrame([total])], ignore_index=True)
    note = "Escalation rate: stage 2 complaints received in the period ÷ stage 1 complaints accepted in it, as councils publish it."
    if cohort:
        note += " " + cohort_note(prep, parents)
    return Table(key, title, df, counts=tuple(counts), pct=p, chart="escalation", bases=bases, col_total=tuple(counts), note=note)


COHORT = "Escalated so far (cohort)"


def cohort_note(prep: Prepared, parents: set) -> str:
    """What the cohort columns count, and how far the latest quarters' cohort rate falls short of the earlier ones'."""
    from rca.reports.periods import bin_labels

    s1 = prep.accepted()
    text = "Cohort: the period's stage 1 complaints with a stage 2 recorded against them so far."
    if s1.empty or prep.undated:
        return text
    q = bin_labels(s1["received"], "quarter")
    esc = s1["case_id"].astype(str).isin(parents)
    quarters = sorted(set(q.dropna()))
    if len(quarters) < 2:
        return text
    last = quarters[-1]
    in_last = (q == last).to_numpy()
    r_last, r_before = pct(int(esc[in_last].sum()), int(in_last.sum())), pct(int(esc[~in_last].sum()), int((~in_last).sum()))
    shown_last, shown_before = prep.rate(r_last, int(in_last.sum())), prep.rate(r_before, int((~in_last).sum()))
    if shown_last and shown_before:
        text += (
            f" It reads low for the latest quarters, whose complaints have had less time to escalate: {last} {shown_last} "
            f"so far, the earlier quarters {shown_before}."
        )
    else:
        text += " It reads low for the latest quarters, whose complaints have had less time to escalate."
    return text


def escalation_reasons(prep: Prepared) -> Table:
    """Each label of `escalation_reason` on stage 2 records counted once."""
    key, title = "escalation_reasons", "Why complaints were escalated to stage 2"
    miss = missing(prep.frame, "escalation_reason")
    if miss:
        return Table.skip(key, title, unlock_note(miss))
    s2 = prep.all_records()
    s2 = s2[s2["_stage"].eq("2")]
    counts = count_by(s2, "escalation_reason", multi=True)
    df = pd.DataFrame({"Escalation reason": counts.index, "Complaints": counts.to_numpy()})
    df["% of stage 2"] = pct(df["Complaints"], len(s2))
    return Table(
        key,
        title,
        df,
        counts=("Complaints",),
        pct={"% of stage 2": "Complaints"},
        bases={"% of stage 2": len(s2)},
        note=f"Reasons recorded on the {prep.n(len(s2))} stage 2 complaints received in the period. A complaint can give more than one reason, so the counts add up to more than the number of escalations.",
    )


def _staged(prep: Prepared) -> pd.DataFrame:
    """Records in the period at stage 1, 2, 3 or ombudsman (any acceptability: a record with an outcome was handled)."""
    f = prep.all_records()
    return f[f["_stage"].isin(list(STAGE_NAMES))]


UPHOLD_NOTE = (
    "Uphold rate = (upheld + partly upheld) ÷ complaints decided (upheld, partly upheld or not upheld); withdrawn "
    "complaints and those resolved on receipt are counted but are not decisions, so they are not in the rate."
)
OUTCOME_SUMS = ((OUTCOMES + ("Other",), "With outcome"), (DECIDED, "Decided"))


def _outcome_frame(records: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    rec = records
    rows = []
    groups = rec.groupby(by, dropna=False, sort=False) if by else [((), rec)]
    for keys, g in groups:
        keys = keys if isinstance(keys, tuple) else (keys,)
        row = {b: (NOT_RECORDED if pd.isna(k) else k) for b, k in zip(by, keys)}
        vc = g["outcome"].value_counts()
        for o in OUTCOMES:
            row[o] = int(vc.get(o, 0))
        other = int(g["outcome"].notna().sum()) - sum(row[o] for o in OUTCOMES)
        if other:
            row["Other"] = other
        row["With outcome"] = int(g["outcome"].notna().sum())
        row["Decided"] = row["Upheld"] + row["Partly upheld"] + row["Not upheld"]
        row["Uphold rate %"] = pct(row["Upheld"] + row["Partly upheld"], row["Decided"])
        rows.append(row)
    other = ["Other"] if any("Other" in r for r in rows) else []
    df = pd.DataFrame(rows, columns=list(by) + list(OUTCOMES) + other + ["With outcome", "Decided", "Uphold rate %"])
    if other:
        df["Other"] = df["Other"].fillna(0).astype("int64")
    return df


def _no_stage_records(prep: Prepared) -> str:
    return (
        f"Skipped: no complaint record received in {prep.period.label} is at stage 1, 2, 3 or Ombudsman, so there are no outcomes to count."
    )


def outcomes_by_stage(prep: Prepared) -> Table:
    """Outcome counts per stage; uphold rate = (Upheld + Partly upheld) / decided (Upheld, Partly upheld, Not upheld)."""
    key, title = "outcomes_by_stage", "Outcomes and uphold rate, by stage"
    miss = missing(prep.frame, "outcome")
    if miss:
        return Table.skip(key, title, unlock_note(miss))
    acc = _staged(prep)
    if acc.empty:
        return Table.skip(key, title, _no_stage_records(prep))
    df = _outcome_frame(acc.assign(Stage=acc["_stage"].map(STAGE_NAMES)), ["Stage"])
    df = df.sort_values("Stage", key=lambda s: s.map({v: i for i, v in enumerate(STAGE_NAMES.values())})).reset_index(drop=True)
    cnt = tuple(c for c in df.columns if c not in ("Stage", "Uphold rate %"))
    return Table(
        key,
        title,
        df,
        counts=cnt,
        pct={"Uphold rate %": ("Decided", "Upheld", "Partly upheld")},
        chart="outcomes",
        sums=OUTCOME_SUMS,
        note="Outcomes of records received in the period at each stage (and Ombudsman decisions). " + UPHOLD_NOTE,
    )


def outcomes_by_service(prep: Prepared) -> Table:
    """Outcome counts and uphold rate per stage x service (rows with no outcome recorded are left out)."""
    key, title = "outcomes_by_service", "Outcomes and uphold rate, by service and stage"
    miss = missing(prep.frame, "outcome", "service")
    if miss:
        return Table.skip(key, title, unlock_note(miss))
    acc = _staged(prep)
    if acc.empty:
        return Table.skip(key, title, _no_stage_records(prep))
    acc = acc.assign(Stage=acc["_stage"].map(STAGE_NAMES))
    order = list(count_by(prep.accepted(), "service").index)
    df = _outcome_frame(acc, ["Stage", "service"]).rename(columns={"service": "Service"})
    df = df[df["With outcome"].gt(0)]
    if df.empty:
        return Table.skip(key, title, f"Skipped: no record received in {prep.period.label} has an outcome recorded.")
    rank = {v: i for i, v in enumerate(order)}
    df = df.assign(
        _s=df["Stage"].map({v: i for i, v in enumerate(STAGE_NAMES.values())}), _r=df["Service"].map(lambda s: rank.get(s, len(rank)))
    )
    df = df.sort_values(["_s", "_r", "Service"]).drop(columns=["_s", "_r"]).reset_index(drop=True)
    cnt = tuple(c for c in df.columns if c not in ("Stage", "Service", "Uphold rate %"))
    return Table(
        key,
        title,
        df,
        counts=cnt,
        pct={"Uphold rate %": ("Decided", "Upheld", "Partly upheld")},
        sums=OUTCOME_SUMS,
        note="Outcome counts per service at each stage (and Ombudsman decisions), for records received in the period; "
        "services with no outcome recorded at a stage are left out. " + UPHOLD_NOTE,
    )


def overturn(prep: Prepared) -> Table:
    """Stage 2 records in the period that upheld (in full or in part) a stage 1 that was not upheld: over the stage 1
    complaints not upheld in the period, as K&C counts it (51 overturned, 8%), and over stage 2s with an outcome."""
    key, title = "overturn", "Stage 1 decisions overturned at stage 2"
    miss = missing(prep.frame, "outcome", "parent_case_id")
    if miss:
        return Table.skip(key, title, unlock_note(miss))
    f = prep.frame
    s1 = f[f["_stage"].eq("1")]
    s1_outcome = pd.Series(s1["outcome"].to_numpy(), index=s1["case_id"].astype(str).to_numpy())
    s1_outcome = s1_outcome[~s1_outcome.index.duplicated()]

    def one(period):
        recs = prep.all_records(period)
        s2 = recs[recs["_stage"].eq("2") & recs["outcome"].notna()]
        parent = s2["parent_case_id"].astype(str).map(s1_outcome)
        flipped = parent.eq("Not upheld") & s2["outcome"].isin(UPHELD)
        not_upheld = int((recs["_stage"].eq("1") & recs["outcome"].eq("Not upheld")).sum())
        return not_upheld, len(s2), int(flipped.sum())

    rows = []
    for p in prep.periods():
        nu, n, k = one(p)
        rows.append(
            {
                "Period": p.label,
                "Stage 1 not upheld": nu,
                OVERTURNED: k,
                "Overturn rate %": pct(k, nu),
                "Stage 2 with an outcome": n,
                "% of stage 2 outcomes": pct(k, n),
            }
        )
    df = pd.DataFrame(rows)
    return Table(
        key,
        title,
        df,
        counts=("Stage 1 not upheld", OVERTURNED, "Stage 2 with an outcome"),
        pct={"Overturn rate %": ("Stage 1 not upheld", OVERTURNED), "% of stage 2 outcomes": ("Stage 2 with an outcome", OVERTURNED)},
        note="Overturned: a stage 2 received in the period, upheld in full or in part, whose stage 1 was not upheld. Overturn "
        "rate: over the stage 1 complaints not upheld in the period, as K&C reports it; last column: over stage 2 "
        "complaints with an outcome.",
    )


OVERTURNED = "Overturned at stage 2"


def delay_reasons(prep: Prepared) -> Table:
    """`delay_reason` counts on late records, per stage."""
    key, title = "delay_reasons", "Why responses were late"
    miss = missing(prep.frame, "delay_reason", "received", "responded")
    if miss:
        return Table.skip(key, title, unlock_note(miss))
    late = prep.all_records()
    late = late[late["_late"]]
    total = count_by(late, "delay_reason")
    df = pd.DataFrame({"Delay reason": total.index})
    cnt = []
    for s in STAGE_NAMES:
        sub = late[late["_stage"].eq(s)]
        if sub.empty:
            continue
        vc = count_by(sub, "delay_reason")
        df[STAGE_NAMES[s]] = [int(vc.get(r, 0)) for r in total.index]
        cnt.append(STAGE_NAMES[s])
    df["Total"] = total.to_numpy()
    df["% of late responses"] = pct(df["Total"], len(late))
    return Table(
        key,
        title,
        df,
        counts=tuple(cnt) + ("Total",),
        pct={"% of late responses": "Total"},
        bases={"% of late responses": len(late)},
        sums=((tuple(cnt), "Total"),),
        known_totals={c: int(df[c].sum()) for c in tuple(cnt) + ("Total",)},
        note=f"Reasons recorded on the {prep.n(len(late))} responses sent after their due date.",
    )
