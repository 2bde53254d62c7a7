"""The annual-report tables, in the order the seed reports print them.

>>> # prep = prepare(cases, period=parse_period("2023-24"), compare=parse_period("2022-23"))
>>> # tables = annual_tables(prep, population=pop)   # -> list[Table]
"""
from __future__ import annotations

import pandas as pd

from . import tables_causes as tc
from . import tables_outcomes as to
from . import tables_volume as tv
from .tables_common import UPHELD, Prepared, Table, pct, prepare, suppress  # noqa: F401  (re-exported)

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


def annual_tables(prep: Prepared, *, population: pd.DataFrame | None = None) -> dict[str, list[Table]]:
    """Every table, grouped by report section."""
    out: dict[str, list[Table]] = {k: [] for k, _ in SECTIONS}
    out["volumes"] = [tv.volumes_by_service(prep), tv.stage_counts(prep), tv.acceptance(prep), tv.channels(prep),
                      tv.wards(prep, population), tv.compliments(prep), tv.quarterly(prep)]
    out["timeliness"] = [to.on_time_by_stage(prep), to.on_time_by_service(prep), to.delay_reasons(prep)]
    out["escalation"] = [to.escalation_by_service(prep), to.escalation_reasons(prep), to.overturn(prep)]
    out["outcomes"] = [to.outcomes_by_stage(prep), to.outcomes_by_service(prep)]
    out["causes"] = [tc.root_causes(prep), tc.root_causes_by_quarter(prep), tc.predicted_root_causes(prep)]
    out["remedies"] = [tc.corrective_actions(prep), tc.compensation(prep)]
    out["ombudsman"] = [tc.ombudsman(prep)]
    out["equalities"] = tv.equalities(prep)
    out["summary"] = [key_figures(prep)]
    return out


def _figures(prep: Prepared, period) -> dict[str, float | int | None]:
    contacts = prep.contacts(period)
    s1 = prep.accepted(period)
    acc_all = prep.accepted(period, stage=None)
    recs = prep.records(period)
    fig: dict[str, float | int | None] = {
        "First contacts": len(contacts),
        "Accepted complaints (stage 1)": len(s1),
        "Not accepted": len(contacts) - len(s1),
        "Stage 2 complaints": int(acc_all["_stage"].eq("2").sum()),
        "Stage 3 complaints": int(acc_all["_stage"].eq("3").sum()),
        "Ombudsman enquiries": int(recs["_stage"].eq("ombudsman").sum()),
    }
    every = prep.all_records(period)
    responded = every[every["_on_time"].notna()]
    for s in ("1", "2"):
        r = responded[responded["_stage"].eq(s)]
        fig[f"Stage {s} on time %"] = pct(int(r["_on_time"].sum()), len(r)) if len(r) else None
    if "parent_case_id" in prep.frame:
        f = prep.frame
        parents = set(f.loc[f["_stage"].eq("2") & f["parent_case_id"].notna(), "parent_case_id"].astype(str))
        fig["Escalation rate to stage 2 %"] = pct(int(s1["case_id"].astype(str).isin(parents).sum()), len(s1)) if len(s1) else None
    if "outcome" in prep.frame:
        with_out = s1[s1["outcome"].notna()]
        fig["Stage 1 uphold rate %"] = pct(int(with_out["outcome"].isin(UPHELD).sum()), len(with_out)) if len(with_out) else None
    if "compensation" in prep.frame:
        fig["Compensation paid £"] = round(float(pd.to_numeric(every["compensation"], errors="coerce").clip(lower=0).sum()), 2)
    if "case_type" in prep.frame:
        f = prep.frame
        fig["Compliments"] = int((f["case_type"].eq("Compliment") & prep.in_period(period)).sum())
    return fig


def key_figures(prep: Prepared) -> Table:
    """The headline figures of the year (and the comparison year)."""
    cur = _figures(prep, prep.period)
    df = pd.DataFrame({"Measure": list(cur), prep.period.label: pd.Series(list(cur.values()), dtype=object)})
    if prep.compare:
        prev = _figures(prep, prep.compare)
        df.insert(1, prep.compare.label, pd.Series([prev.get(k) for k in cur], dtype=object))
    return Table("key_figures", "Key figures", df, note="Headline figures; each is defined with its table below.")


def counts_in_figures(df: pd.DataFrame) -> set[int]:
    """Row positions of key_figures that are counts (suppressed below 5 for members)."""
    return {i for i, m in enumerate(df["Measure"]) if not str(m).endswith(("%", "£"))}


def suppress_key_figures(table: Table, *, small: int = 5) -> Table:
    """Members' version of the key figures: counts 1..small-1 as "<small"."""
    from dataclasses import replace

    if small <= 1:
        return table
    df = table.data.copy()
    rows = counts_in_figures(df)
    for col in df.columns[1:]:
        for i in rows:
            v = df.at[i, col]
            if isinstance(v, (int,)) and 0 < v < small:
                df.at[i, col] = f"<{small}"
    return replace(table, data=df)
