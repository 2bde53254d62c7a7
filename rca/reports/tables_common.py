"""What every report table shares: the `Table` record, the prepared case frame
(period flags, acceptance, on-time status computed once) and small-number
suppression for the members' version.

The definitions follow docs/CONTRACTS.md ("Demo year ... definitions") exactly;
each table function says which records it counts.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ..config import Config
from ..working_days import due_date
from .periods import Period

log = logging.getLogger(__name__)

ACCEPTED = "Complaint"
UPHELD = ("Upheld", "Partly upheld")
SMALL = 5  # default: counts 1..SMALL-1 are shown as "<5" to members ([report] suppress_below)


@dataclass
class Table:
    """One report table. `data` is None when the table was skipped; `skipped` then says why
    and which column would unlock it (never an error)."""

    key: str
    title: str
    data: pd.DataFrame | None = None
    note: str = ""
    skipped: str | None = None
    counts: tuple[str, ...] = ()  # count columns: suppressed below 5 for members
    # percentage column -> the count column(s) it is computed from (None: any count in the row); members'
    # version hides the rate when one of them is suppressed
    pct: dict[str, str | tuple[str, ...] | None] = field(default_factory=dict)
    money: tuple[str, ...] = ()  # columns in pounds
    chart: str | None = None  # key of the chart drawn from this table

    @property
    def ok(self) -> bool:
        return self.data is not None

    @classmethod
    def skip(cls, key: str, title: str, reason: str) -> "Table":
        return cls(key=key, title=title, skipped=reason)


def missing(frame: pd.DataFrame, *cols: str) -> list[str]:
    """Columns absent from the export (or present but entirely blank)."""
    return [c for c in cols if c not in frame.columns or frame[c].isna().all()]


def unlock_note(cols: list[str]) -> str:
    names = " and ".join(f"`{c}`" for c in cols)
    return f"Skipped: the export has no {names} column. Add {names} to the export (or map it in the config [columns]) to produce this table."


NOT_RECORDED = "Not recorded"


def count_by(frame: pd.DataFrame, col: str, *, multi: bool = False) -> pd.Series:
    """Counts of a column's values, largest first (ties alphabetical); blanks as "Not recorded".
    `multi`: a `;`-separated cell counts each of its labels once."""
    if col not in frame:
        return pd.Series(dtype="int64")
    vals = frame[col]
    if multi:
        from ..taxonomy import split_labels

        vals = pd.Series([lab for v in vals.to_numpy() for lab in dict.fromkeys(split_labels(v))], dtype=object)
    else:
        vals = vals.astype(object).where(vals.notna(), NOT_RECORDED)
    counts = vals.value_counts()
    return sort_counts(counts)


def sort_counts(counts: pd.Series) -> pd.Series:
    """Largest first, ties alphabetical, "Not recorded" last."""
    counts = counts.astype("int64")
    order = sorted(counts.index, key=lambda k: (k == NOT_RECORDED, -int(counts[k]), str(k)))
    return counts.reindex(order)


def pct(num, den, dp: int = 1):
    """Percentage rounded to `dp` decimals; NaN when the denominator is 0."""
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(den > 0, np.round(100.0 * num / np.where(den > 0, den, 1), dp), np.nan)
    return out if out.ndim else float(out)


@dataclass
class Prepared:
    """The case frame with derived flags, plus the periods it is read against."""

    frame: pd.DataFrame
    period: Period
    compare: Period | None
    config: Config
    notes: list[str] = field(default_factory=list)

    def in_period(self, period: Period | None = None) -> pd.Series:
        return self.frame["_in_" + ("cur" if period is None or period == self.period else "cmp")]

    def all_records(self, period: Period | None = None) -> pd.DataFrame:
        """Every record received in the period (any case type, stage or acceptability)."""
        return self.frame[self.in_period(period)]

    def records(self, period: Period | None = None) -> pd.DataFrame:
        """Complaint records (any stage) received in the period."""
        f = self.frame
        return f[self.in_period(period) & f["_complaint"]]

    def contacts(self, period: Period | None = None) -> pd.DataFrame:
        """First contacts: complaints at stage 1 received in the period."""
        f = self.records(period)
        return f[f["_stage"].eq("1")]

    def accepted(self, period: Period | None = None, *, stage: str | None = "1") -> pd.DataFrame:
        """Accepted complaint records at `stage` (any of 1/2/3 when None) in the period."""
        f = self.records(period)
        f = f[f["_accepted"]]
        if stage is None:
            return f[f["_stage"].isin(["1", "2", "3"])]
        return f[f["_stage"].eq(stage)]

    def periods(self) -> list[Period]:
        return [self.period] + ([self.compare] if self.compare is not None else [])


def _due_dates(frame: pd.DataFrame, config: Config) -> tuple[pd.Series, int]:
    """Working-day due date per record (NaT where no target applies); memoised because
    many records share a receipt day, stage and route."""
    cal = config.calendar
    cutoff_h, cutoff_m = (int(x) for x in cal.cutoff.split(":"))
    received = frame["received"]
    stage = frame["_stage"]
    route = frame["route"].fillna("corporate") if "route" in frame else pd.Series("corporate", index=frame.index)
    ext = frame["extension_days"].fillna(0).astype(int) if "extension_days" in frame else pd.Series(0, index=frame.index)
    out = np.full(len(frame), np.datetime64("NaT"), dtype="datetime64[ns]")
    memo: dict[tuple, object] = {}
    no_target = 0
    rec = received.to_numpy()
    for i, (r, s, ro, e) in enumerate(zip(rec, stage.to_numpy(), route.to_numpy(), ext.to_numpy())):
        if s not in ("1", "2", "3") or pd.isna(r):
            continue
        ts = pd.Timestamp(r)
        late = (ts.hour, ts.minute) >= (cutoff_h, cutoff_m)
        key = (ts.date(), late, s, ro, int(e))
        if key not in memo:
            try:
                memo[key] = np.datetime64(due_date(ts.to_pydatetime(), stage=s, route=ro, extension_days=int(e), calendar=cal), "ns")
            except ValueError:
                memo[key] = None
        d = memo[key]
        if d is None:
            no_target += 1
        else:
            out[i] = d
    return pd.Series(out, index=frame.index), no_target


def prepare(cases: pd.DataFrame, *, period: Period, compare: Period | None = None, config: Config | None = None) -> Prepared:
    """Add the derived columns every table reads (`_complaint`, `_stage`, `_accepted`,
    `_in_cur`, `_in_cmp`, `_due`, `_on_time`, `_late`)."""
    config = config or Config()
    f = cases.copy()
    notes: list[str] = []
    for col in f.columns:  # extra columns of an export (e.g. scored *_predicted) keep "" for blanks
        if f[col].dtype == object:
            blank = f[col].map(lambda v: isinstance(v, str) and not v.strip())
            if blank.any():
                f.loc[blank, col] = None
    if "received" not in f:
        f["received"] = pd.NaT
    f["received"] = pd.to_datetime(f["received"])
    undated = int(f["received"].isna().sum())
    if undated:
        notes.append(f"{undated:,} records have no date received and fall outside every period.")
    if "case_type" in f:
        f["_complaint"] = f["case_type"].fillna(ACCEPTED).eq(ACCEPTED)
    else:
        f["_complaint"] = True
    if "stage" in f:
        f["_stage"] = f["stage"].astype(object).where(f["stage"].notna(), None)
    else:
        f["_stage"] = "1"
        notes.append("The export has no `stage` column: every record is treated as a stage 1 complaint.")
    if "acceptability" in f:
        f["_accepted"] = f["acceptability"].eq(ACCEPTED)
    else:
        f["_accepted"] = True
        notes.append("The export has no `acceptability` column: every complaint is treated as accepted.")
    f["_in_cur"] = period.mask(f["received"])
    f["_in_cmp"] = compare.mask(f["received"]) if compare is not None else False
    relevant = f["_in_cur"] | f["_in_cmp"]
    f["_due"] = pd.Series(pd.NaT, index=f.index, dtype="datetime64[ns]")
    f["_on_time"] = pd.Series(pd.NA, index=f.index, dtype="boolean")
    if "responded" in f:
        f["responded"] = pd.to_datetime(f["responded"])
        sub = f[relevant & f["responded"].notna()]
        due, no_target = _due_dates(sub, config)
        f.loc[sub.index, "_due"] = due
        has = due.notna()
        on_time = sub["responded"].dt.normalize() <= due.dt.normalize()
        f.loc[sub.index[has.to_numpy()], "_on_time"] = on_time[has].to_numpy()
        if no_target:
            notes.append(f"{no_target:,} responded records have no working-day target for their stage and route "
                         "(set [calendar.targets] in the config); they are left out of the on-time figures.")
    f["_late"] = f["_on_time"].eq(False).fillna(False).astype(bool)
    return Prepared(frame=f, period=period, compare=compare, config=config, notes=notes)


def suppressed_label(small: int = SMALL) -> str:
    return f"<{small}"


def suppress(table: Table, *, small: int = SMALL) -> Table:
    """The members' version of a table: counts 1..small-1 become "<small" (e.g. "<5") and a
    percentage whose denominator was suppressed becomes "–" (a rate on so few cases identifies
    people). `small` <= 1 leaves the table as it is."""
    if not table.ok or small <= 1:
        return table
    df = table.data.copy()
    hidden = {}
    for col in table.counts:
        if col not in df:
            continue
        vals = pd.to_numeric(df[col], errors="coerce")
        mask = vals.gt(0) & vals.lt(small)
        hidden[col] = mask
        if mask.any():
            df[col] = df[col].astype(object)
            df.loc[mask, col] = suppressed_label(small)
    any_hidden = pd.Series(False, index=df.index)
    for mask in hidden.values():
        any_hidden |= mask
    for col, parts in table.pct.items():
        if col not in df:
            continue
        # a rate is hidden when a count it is computed from was hidden (it would give the count away);
        # `None` means "any count in the row"
        if parts is None:
            mask = any_hidden
        else:
            mask = pd.Series(False, index=df.index)
            for part in (parts,) if isinstance(parts, str) else parts:
                if part in hidden:
                    mask |= hidden[part]
        if mask.any():
            df[col] = df[col].astype(object)
            df.loc[mask, col] = "–"
    return replace(table, data=df)
