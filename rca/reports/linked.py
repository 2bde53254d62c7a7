"""Suppression across tables: counts the report publishes in more than one table, or that add up across tables.

One table's suppression cannot see the others: the Stage 2 row of the outcomes table withholds its total
"With outcome", and the overturn table prints the same count; the escalation table shows "<5" escalations and
the key figures print the escalation rate over a base every table gives. `suppress_report` suppresses each table
(`suppression.suppress`), then audits the linked tables together (`suppression.protect` over every cell of them,
with the links below) and withholds more where a small count could still be worked out:

- key figures: first contacts = accepted + not accepted; accepted = stage 1 of the stage counts = the total of
  volumes by service = "All services" of escalation = "Accepted" of acceptance; first contacts = its total;
  stage 2, stage 3, Ombudsman = the stage counts; compliments = the compliments total; Ombudsman = that table's total;
- the channels, root causes, equalities (first contacts or accepted), wards, quarterly and predicted root
  causes add up to a key figure; root causes by quarter add up to the quarter's accepted complaints;
- outcomes by service add up, stage by stage, to outcomes by stage; the overturn table's "Stage 2 with an
  outcome" is outcomes by stage's Stage 2 "With outcome"; Ombudsman outcomes are that row's;
- on time by service adds up, stage by stage, to on time by stage (responded, on time, and the late responses,
  which no table prints but each implies); late responses by delay reason add up to the late responses;
- escalation's stage 2 total is the key figures' stage 2; the Ombudsmen's total received is the key figures'
  Ombudsman count; overturn's "Stage 1 not upheld" is outcomes by stage's Stage 1 "Not upheld";
- a key-figure rate is "–" where the count it is the share of, or its base, is withheld in its table.

A link is used only where the counts agree (so a table built another way is never audited against a wrong sum).

Example::

    groups = suppress_report(annual_tables(prep), small=5)
"""

from __future__ import annotations

import logging
from dataclasses import replace

import numpy as np
import pandas as pd

from rca.reports.suppression import SECONDARY, sum_groups, is_marker, complement_col, hide_rates, protect, suppress
from rca.reports.tables.common import Table

log = logging.getLogger(__name__)

KF = "key_figures"
ACC, FIRST, NOT = "Accepted complaints (stage 1)", "First contacts", "Not accepted"
STAGE_FIGURES = {"Stage 1": ACC, "Stage 2": "Stage 2 complaints", "Stage 3": "Stage 3 complaints", "Ombudsman": "Ombudsman enquiries"}
LATE = complement_col("On time", "Responded")


def _rows(t: Table | None, col: str, value) -> list[int]:
    if t is None or not t.ok or col not in t.data:
        return []
    return [i for i, v in enumerate(t.data[col].tolist()) if v == value]


def _row(t: Table | None, col: str, value) -> int | None:
    rows = _rows(t, col, value)
    return rows[0] if len(rows) == 1 else None


class _Links:
    """Collects the links as (part cells, total cell), cells (table key, row position, column), and which tables'
    `known_totals` they replace."""

    def __init__(self, tables: dict[str, Table]):
        self.t = tables
        self.groups: list[tuple[list[tuple], tuple]] = []
        self.replaced: set[tuple[str, str]] = set()
        self.rates: list[tuple[tuple, list[tuple]]] = []  # key-figure rate cell -> the cells it reveals

    def has(self, key: str, col: str) -> bool:
        t = self.t.get(key)
        return t is not None and t.ok and col in t.data

    def kf(self, measure: str, col: str) -> tuple | None:
        i = _row(self.t.get(KF), "Measure", measure)
        return (KF, i, col) if i is not None and self.has(KF, col) else None

    def cell(self, key: str, label_col: str, label, col: str) -> tuple | None:
        i = _row(self.t.get(key), label_col, label)
        return (key, i, col) if i is not None and self.has(key, col) else None

    def same(self, a: tuple | None, b: tuple | None) -> None:
        if a is not None and b is not None:
            self.groups.append(([a], b))

    def column(self, key: str, col: str, total: tuple | None, rows: list[int] | None = None) -> None:
        """The rows (all, or `rows`) of `col` in table `key` add up to `total`."""
        if total is None or not self.has(key, col):
            return
        rows = range(len(self.t[key].data)) if rows is None else rows
        self.groups.append(([(key, i, col) for i in rows], total))
        if col in self.t[key].known_totals:
            self.replaced.add((key, col))


def links(tables: dict[str, Table]) -> _Links:
    """Every cross-table link among `tables` (key -> Table, before suppression)."""
    L = _Links(tables)
    kf = tables.get(KF)
    periods = list(kf.data.columns[1:]) if kf is not None and kf.ok else []
    cur = periods[-1] if periods else None
    for p in periods:
        trio = (L.kf(ACC, p), L.kf(NOT, p), L.kf(FIRST, p))
        if None not in trio:
            L.groups.append((list(trio[:2]), trio[2]))
        for stage, measure in STAGE_FIGURES.items():
            L.same(L.kf(measure, p), L.cell("stage_counts", "Stage", stage, p))
        L.same(L.kf(ACC, p), L.cell("volumes_by_service", "Service", "Total", p))
        L.same(L.kf("Compliments", p), L.cell("compliments", "Service", "Total", p))
        L.same(L.kf("Ombudsman enquiries", p), L.cell("ombudsman", "Outcome", "All Ombudsman enquiries", p))
        L.column("channels", p, L.kf(FIRST, p))
        L.column("root_causes", p, L.kf(ACC, p))
    if cur is not None:
        L.same(L.kf(ACC, cur), L.cell("escalation_by_service", "Service", "All services", "Stage 1 complaints"))
        L.same(L.kf(ACC, cur), L.cell("acceptance", "Decision", "Accepted", "Count"))
        L.same(L.kf(FIRST, cur), L.cell("acceptance", "Decision", "Total", "Count"))
        L.column("quarterly", "First contacts", L.kf(FIRST, cur))
        L.column("quarterly", "Accepted", L.kf(ACC, cur))
        L.column("wards", "Complaints", L.kf(ACC, cur))
        for key in tables:
            if key.startswith("equalities_"):
                L.column(key, "Complaints", L.kf(FIRST, cur))
        for col in ("Recorded", "Predicted"):
            L.column("root_cause_predicted", col, L.kf(ACC, cur))
        L.same(L.kf("Stage 2 complaints", cur), L.cell("escalation_by_service", "Service", "All services", "Stage 2 complaints"))
        L.same(L.kf("Ombudsman enquiries", cur), L.cell("ombudsman_bodies", "Ombudsman", "All Ombudsman complaints", "Received"))
        L.rates.append(
            (
                L.kf("Escalation rate to stage 2 %", cur),
                [L.cell("escalation_by_service", "Service", "All services", c) for c in ("Stage 2 complaints", "Stage 1 complaints")],
            )
        )
        for s in ("1", "2"):
            L.rates.append(
                (
                    L.kf(f"Stage {s} on time %", cur),
                    [L.cell("on_time_by_stage", "Stage", f"Stage {s}", c) for c in ("On time", "Responded")],
                )
            )
        rate = L.kf("Stage 1 uphold rate %", cur)
        cells = [L.cell("outcomes_by_stage", "Stage", "Stage 1", c) for c in ("Upheld", "Partly upheld", "Decided")]
        if rate is not None and None not in cells:  # over accepted stage 1 only: the same counts where no other has an outcome
            d = tables["outcomes_by_stage"].data
            up, dec = (float(d.at[cells[0][1], "Upheld"]) + float(d.at[cells[1][1], "Partly upheld"]), float(d.at[cells[2][1], "Decided"]))
            k, n = (kf.numerators.get(cur, [None] * (rate[1] + 1))[rate[1]], kf.bases.get(cur, [None] * (rate[1] + 1))[rate[1]])
            if (k, n) == (up, dec):
                L.rates.append((rate, cells))
    rbq = tables.get("root_causes_by_quarter")
    if rbq is not None and rbq.ok:
        for q in rbq.counts:
            L.column("root_causes_by_quarter", q, L.cell("quarterly", "Quarter", q, "Accepted"))
    # outcomes: by service adds up to by stage; overturn's stage 2 with an outcome; Ombudsman outcomes
    obs = tables.get("outcomes_by_stage")
    if obs is not None and obs.ok:
        for stage in obs.data["Stage"]:
            for col in obs.counts:
                L.column(
                    "outcomes_by_service",
                    col,
                    L.cell("outcomes_by_stage", "Stage", stage, col),
                    rows=_rows(tables.get("outcomes_by_service"), "Stage", stage),
                )
        if cur is not None:
            L.same(
                L.cell("overturn", "Period", cur, "Stage 2 with an outcome"),
                L.cell("outcomes_by_stage", "Stage", "Stage 2", "With outcome"),
            )
            L.same(L.cell("overturn", "Period", cur, "Stage 1 not upheld"), L.cell("outcomes_by_stage", "Stage", "Stage 1", "Not upheld"))
            for col in obs.counts:
                L.same(L.cell("ombudsman", "Outcome", col, cur), L.cell("outcomes_by_stage", "Stage", "Ombudsman", col))
    # on time: by service adds up to by stage (the late responses too); late responses by delay reason
    for stage in ("Stage 1", "Stage 2", "Stage 3"):
        i = _row(tables.get("on_time_by_stage"), "Stage", stage)
        if i is None or not L.has("on_time_by_stage", "On time"):
            continue
        if L.has("on_time_by_service", f"{stage} on time"):
            n = len(tables["on_time_by_service"].data)
            late = complement_col(f"{stage} on time", f"{stage} responded")  # the late responses no table prints
            for col, of in ((f"{stage} responded", "Responded"), (f"{stage} on time", "On time"), (late, LATE)):
                L.groups.append(([("on_time_by_service", r, col) for r in range(n)], ("on_time_by_stage", i, of)))
                L.replaced.add(("on_time_by_service", col))
        L.column("delay_reasons", stage, ("on_time_by_stage", i, LATE))
    if L.has("delay_reasons", "Total"):
        L.replaced.add(("delay_reasons", "Total"))  # the sum of the stage columns, each linked above
    return L


def _count_cells(t: Table) -> tuple[list[int], list[str]]:
    """Rows and columns of a table's counts (the key figures: the count measures, every period column)."""
    if t.key == KF:
        from rca.reports.tables.catalogue import counts_in_figures

        return sorted(counts_in_figures(t.data)), list(t.data.columns[1:])
    return list(range(len(t.data))), [c for c in t.counts if c in t.data]


def _number(v) -> float:
    if v is None or isinstance(v, (str, bool)):
        return np.nan
    try:
        return float(v)
    except (TypeError, ValueError):
        return np.nan


def suppress_linked(tables: dict[str, Table], shown: dict[str, Table], *, small: int) -> dict[str, Table]:
    """Withhold more cells of the already suppressed tables `shown` (key -> Table) so that no small count of the
    linked tables can be worked out from their cells together (`links`). `tables`: the same tables before
    suppression (the true counts). Returns `shown` with the extra cells "[c]" and the rates over them "–"."""
    tabs = {k: t.data.reset_index(drop=True) for k, t in tables.items() if t.ok}
    sup = {k: shown[k].data.reset_index(drop=True).copy() for k in tabs if shown.get(k) is not None and shown[k].ok}
    tabs = {k: v for k, v in tabs.items() if k in sup and len(v) == len(sup[k])}
    value: dict[tuple, float] = {}
    hidden: set = set()
    bounded: set = set()
    implied: set = set()
    for k, df in tabs.items():
        t = tables[k]
        rows, cols = _count_cells(t)
        for c in cols:
            for i in rows:
                value[(k, i, c)] = _number(df.at[i, c])
                s = sup[k].at[i, c]
                if is_marker(s):
                    hidden.add((k, i, c))
                    if s.startswith("<"):
                        bounded.add((k, i, c))
        for part, total in t.complements:
            if part in df and total in df:
                for i in rows:
                    cell = (k, i, complement_col(part, total))
                    value[cell] = _number(df.at[i, total]) - _number(df.at[i, part])
                    hidden.add(cell)
                    implied.add(cell)
    L = links({k: tables[k] for k in tabs})
    groups = list(L.groups)
    fixed: set = set()
    for k, df in tabs.items():
        t = tables[k]
        if k == KF:
            continue
        n = len(df)
        for parts, tot in sum_groups(t, df):
            if tot[0] == n and (k, tot[1]) in L.replaced:
                continue
            if tot[0] == n:  # a total another table publishes, not linked here: read as shown
                fixed.add((k, n, tot[1]))
                value[(k, n, tot[1])] = float(t.known_totals[tot[1]])
            groups.append(([(k,) + p for p in parts], (k,) + tot))
    ok = []
    for parts, tot in groups:  # a link is audited only where the true counts agree with it
        vals = [value.get(c, np.nan) for c in parts] + [value.get(tot, np.nan)]
        if np.isnan(vals).any():
            continue
        if abs(sum(vals[:-1]) - vals[-1]) > 1e-6:
            log.debug("suppression: the cells adding up to %s do not, here; not audited", tot)
            continue
        ok.append((parts, tot))
    guard = bounded | {c for c in implied if 0 < value[c] < small}
    extra = protect(ok, lambda c: value.get(c, np.nan), hidden=hidden, bounded=bounded, guard=guard, small=small, fixed=fixed)
    changed = set()
    for k, i, c in extra:
        if k in sup and c in sup[k].columns and i < len(sup[k]) and sup[k].at[i, c] != SECONDARY:
            sup[k][c] = sup[k][c].astype(object)
            sup[k].at[i, c] = SECONDARY
            changed.add(k)
    out = dict(shown)
    for k in changed:
        t = tables[k]
        if k != KF:
            _, cols = _count_cells(t)
            withheld = pd.DataFrame({c: sup[k][c].map(is_marker) for c in cols}, index=sup[k].index)
            sup[k] = hide_rates(t, sup[k], withheld, small=small)
        out[k] = replace(shown[k], data=sup[k])
    if KF in sup:  # a key-figure rate gives its count away where its table withholds it
        df = out[KF].data.copy() if KF in out and out[KF].ok else None
        hit = False
        for rate, cells in L.rates:
            if df is None or rate is None or any(c is None for c in cells):
                continue
            if any(is_marker(sup[c[0]].at[c[1], c[2]]) for c in cells if c[0] in sup and c[2] in sup[c[0]]):
                if df.at[rate[1], rate[2]] is not None:
                    df[rate[2]] = df[rate[2]].astype(object)
                    df.at[rate[1], rate[2]] = "–"
                    hit = True
        if hit:
            out[KF] = replace(out[KF], data=df)
    return out


def suppress_report(groups: dict[str, list[Table]], *, small: int) -> dict[str, list[Table]]:
    """The members' version of every table of the report (section -> tables): each suppressed on its own, then the
    linked ones audited together (`suppress_linked`)."""
    from rca.reports.tables.catalogue import suppress_key_figures

    if small <= 1:
        return groups
    tables = {t.key: t for v in groups.values() for t in v}
    shown = {k: suppress_key_figures(t, small=small) if k == KF else suppress(t, small=small) for k, t in tables.items()}
    shown = suppress_linked(tables, shown, small=small)
    return {sec: [shown[t.key] for t in v] for sec, v in groups.items()}
