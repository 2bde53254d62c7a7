"""The annual-report tables, in the order the seed reports print them.

Example::

    prep = prepare(cases, period=parse_period("2023-24"), compare=parse_period("2022-23"))
    tables = annual_tables(prep, population=pop)   # -> list[Table]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rca.reports.tables import causes as tc
from rca.reports.tables import ombudsman as tom
from rca.reports.tables import outcomes as to
from rca.reports.tables import volume as tv
from rca.reports.tables.common import UPHELD, Prepared, Table, missing, pct, prepare, suppress, uphold_rate  # noqa: F401  (re-exported)

# (section title, [table keys]) — the report's running order
SECTIONS: list[tuple[str, str]] = [
    ("summary", "Summary"),
    ("volumes", "Volumes"),
    ("timeliness", "Responding on time"),
    ("escalation", "Escalation"),
    ("outcomes", "Outcomes"),
    ("causes", "Root causes and themes"),
    ("remedies", "Putting things right"),
    ("ombudsman", "The Ombudsman"),
    ("trends", "Trends"),
    ("learning", "Learning from complaints"),
    ("equalities", "Equalities monitoring"),
    ("about", "About this report"),
]


# tables that count records by stage: not given when no record in the period has a usable stage
STAGE_TABLES = {
    "volumes_by_service",
    "stage_counts",
    "acceptance",
    "channels",
    "wards",
    "quarterly",
    "on_time_by_stage",
    "on_time_by_service",
    "delay_reasons",
    "escalation_by_service",
    "escalation_reasons",
    "overturn",
    "outcomes_by_stage",
    "outcomes_by_service",
    "root_causes",
    "root_causes_by_quarter",
    "root_cause_predicted",
    "ombudsman",
    "ombudsman_bodies",
    "compensation_split",
}


def _no_stage(prep: Prepared, t: Table) -> Table:
    if not prep.stage_unusable or t.key not in STAGE_TABLES and not t.key.startswith("equalities"):
        return t
    return Table.skip(
        t.key,
        t.title,
        f"Skipped: no complaint record received in {prep.period.label} has a usable stage "
        "(1, 2, 3 or ombudsman) in the `stage` column, and this table counts records by stage. "
        "Correct the stage values (`rca validate` lists the rows) and run the report again.",
    )


def annual_tables(prep: Prepared, *, population: pd.DataFrame | None = None) -> dict[str, list[Table]]:
    """Every table, grouped by report section."""
    out: dict[str, list[Table]] = {k: [] for k, _ in SECTIONS}
    out["volumes"] = [
        tv.volumes_by_service(prep),
        tv.stage_counts(prep),
        tv.acceptance(prep),
        tv.channels(prep),
        tv.wards(prep, population),
        tv.compliments(prep),
        tv.quarterly(prep),
    ]
    out["timeliness"] = [to.on_time_by_stage(prep), to.on_time_by_service(prep), to.delay_reasons(prep)]
    out["escalation"] = [to.escalation_by_service(prep), to.escalation_reasons(prep), to.overturn(prep)]
    out["outcomes"] = [to.outcomes_by_stage(prep), to.outcomes_by_service(prep)]
    out["causes"] = [tc.root_causes(prep), tc.root_causes_by_quarter(prep), tc.predicted_root_causes(prep)]
    out["remedies"] = [tc.corrective_actions(prep), tom.compensation_split(prep), tc.compensation(prep)]
    out["ombudsman"] = [tom.ombudsman_bodies(prep, population), tc.ombudsman(prep)]
    out["equalities"] = tv.equalities(prep)
    out["summary"] = [key_figures(prep)]
    return {k: [_no_stage(prep, t) for t in v] for k, v in out.items()}


STAGE_FIGURES = (
    "First contacts",
    "Accepted complaints (stage 1)",
    "Not accepted",
    "Stage 2 complaints",
    "Stage 3 complaints",
    "Ombudsman enquiries",
    "Stage 1 on time %",
    "Stage 2 on time %",
    "Escalation rate to stage 2 %",
    "Stage 1 uphold rate %",
)


def _figures(prep: Prepared, period) -> tuple[dict[str, float | int | None], dict[str, int], dict[str, int]]:
    """The key figures of one period, the number of cases each rate (or amount) is over, and the count each rate
    is the share of. A figure that needs a column the export lacks is None (shown "–", not known), never 0."""
    contacts = prep.contacts(period)
    s1 = prep.accepted(period)
    acc_all = prep.accepted(period, stage=None)
    recs = prep.records(period)
    has = set(prep.frame.columns) - set(missing(prep.frame, "acceptability"))
    fig: dict[str, float | int | None] = {
        "First contacts": len(contacts),
        "Accepted complaints (stage 1)": len(s1) if "acceptability" in has else None,
        "Not accepted": len(contacts) - len(s1) if "acceptability" in has else None,
        "Stage 2 complaints": int(acc_all["_stage"].eq("2").sum()) if "stage" in has else None,
        "Stage 3 complaints": int(acc_all["_stage"].eq("3").sum()) if "stage" in has else None,
        "Ombudsman enquiries": int(recs["_stage"].eq("ombudsman").sum()) if "stage" in has else None,
    }
    base: dict[str, int] = {}
    num: dict[str, int] = {}
    every = prep.all_records(period)
    responded = every[every["_on_time"].notna()]
    if not prep.undated:
        for s in ("1", "2"):
            r = responded[responded["_stage"].eq(s)]
            n = len(r) + int((every["_open_overdue"] & every["_stage"].eq(s)).sum())  # open past the due date: late
            fig[f"Stage {s} on time %"] = pct(int(r["_on_time"].sum()), n) if n else None
            base[f"Stage {s} on time %"] = n
            num[f"Stage {s} on time %"] = int(r["_on_time"].sum())
    if "stage" in has:  # as the seed reports count it: stage 2s received over stage 1s received in the period
        escalated = int(acc_all["_stage"].eq("2").sum())
        fig["Escalation rate to stage 2 %"] = pct(escalated, len(s1)) if len(s1) else None
        base["Escalation rate to stage 2 %"] = len(s1)
        num["Escalation rate to stage 2 %"] = escalated
    if "outcome" in prep.frame:
        up, decided, rate = uphold_rate(s1["outcome"])
        fig["Stage 1 uphold rate %"] = rate if decided else None
        base["Stage 1 uphold rate %"] = decided
        num["Stage 1 uphold rate %"] = up
    if "compensation" in prep.frame:
        paid = pd.to_numeric(every["compensation"], errors="coerce").clip(lower=0)
        fig["Compensation paid £"] = round(float(paid.sum()), 2)
        base["Compensation paid £"] = int(paid.gt(0).sum())
    if "case_type" in prep.frame:
        f = prep.frame
        fig["Compliments"] = int((f["case_type"].eq("Compliment") & prep.in_period(period)).sum())
    if prep.stage_unusable:
        for k in STAGE_FIGURES:
            if k in fig:
                fig[k] = None
    return fig, base, num


def _not_known(prep: Prepared) -> str:
    """Says which key figures are "–" because the export lacks the column they need."""
    has = set(prep.frame.columns) - set(missing(prep.frame, "acceptability"))
    gaps = []
    if "acceptability" not in has:
        gaps.append("accepted and not accepted need an `acceptability` column")
    if "stage" not in has:
        gaps.append("stage 2, stage 3 and Ombudsman counts and the escalation rate need a `stage` column")
    if not gaps:
        return ""
    return (
        " Not known (–): " + "; ".join(gaps) + ", which the export does not have. Add the column to the export "
        "(or map it in the config [columns]) to give them."
    )


def key_figures(prep: Prepared) -> Table:
    """The headline figures of the year (and the comparison year). Counts are whole numbers."""
    cur, cur_base, cur_num = _figures(prep, prep.period)
    df = pd.DataFrame({"Measure": list(cur), prep.period.label: pd.Series(list(cur.values()), dtype=object)})
    bases = {prep.period.label: [cur_base.get(k) for k in cur]}
    nums = {prep.period.label: [cur_num.get(k) for k in cur]}
    note = "Headline figures; each is defined with its table below."
    if prep.compare:
        prev, prev_base, prev_num = _figures(prep, prep.compare)
        df.insert(1, prep.compare.label, pd.Series([prev.get(k) for k in cur], dtype=object))
        bases[prep.compare.label] = [prev_base.get(k) for k in cur]
        nums[prep.compare.label] = [prev_num.get(k) for k in cur]
        if prep.per_day:
            c, p = prep.coverage["cur"], prep.coverage["cmp"]
            note += (
                f" The two columns cover different numbers of days ({prep.period.label}: {c.covered_days:,} of {c.days:,}; "
                f"{prep.compare.label}: {p.covered_days:,} of {p.days:,}), so their counts are not comparable one for one; "
                "the tables below compare them per day covered."
            )
    if prep.stage_unusable:
        note += " Figures counted by stage are not given (–): no record in the period has a usable stage."
    note += _not_known(prep)
    return Table("key_figures", "Key figures", df, note=note, bases=bases, numerators=nums)


def counts_in_figures(df: pd.DataFrame) -> set[int]:
    """Row positions of key_figures that are counts (suppressed below 5 for members)."""
    return {i for i, m in enumerate(df["Measure"]) if not str(m).endswith(("%", "£"))}


def suppress_key_figures(table: Table, *, small: int = 5) -> Table:
    """Members' version of the key figures: counts 1..small-1 as "<small"; where only one of accepted and not
    accepted is small, the other is withheld too ("[c]": first contacts = accepted + not accepted); a rate or
    amount over fewer than `small` cases, and a rate whose count (`Table.numerators`) or the rest of whose base is
    1..small-1, as "–"."""
    from dataclasses import replace

    from rca.reports.tables.common import SECONDARY

    if small <= 1:
        return table
    df = table.data.copy()
    rows = counts_in_figures(df)
    pos = {m: i for i, m in enumerate(df["Measure"])}
    trio = [pos.get(k) for k in ("First contacts", "Accepted complaints (stage 1)", "Not accepted")]
    for col in df.columns[1:]:
        hidden = set()
        for i in rows:
            v = df.at[i, col]
            if isinstance(v, (int, np.integer)) and not isinstance(v, bool) and 0 < v < small:
                df.at[i, col] = f"<{small}"
                hidden.add(i)
        total, acc, rej = trio
        if None not in trio and total not in hidden and len(hidden & {acc, rej}) == 1:
            other = rej if acc in hidden else acc
            df.at[other, col] = SECONDARY
        nums = table.numerators.get(col, [])
        for i, b in enumerate(table.bases.get(col, [])):
            if i in rows or b is None or df.at[i, col] is None:
                continue
            k = nums[i] if i < len(nums) else None
            # a rate over few cases, or the share of a small count (or of all but a small count: 98.6% of 71 on time
            # is 1 late), gives the count away
            if 0 < b < small or (k is not None and (0 < k < small or 0 < b - k < small)):
                df.at[i, col] = "–"
    return replace(table, data=df)
