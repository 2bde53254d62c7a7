"""What every report table shares: the `Table` record, the prepared case frame
(period flags, acceptance, on-time status and period coverage computed once), the
one uphold-rate definition, and (re-exported from `suppression`) small-number suppression
for the members' version.

The definitions follow docs/CONTRACTS.md ("Demo year ... definitions") exactly;
each table function says which records it counts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from rca.config import Config
from rca.ingest.working_days import due_date
from rca.reports.periods import Period
from rca.reports.suppression import SECONDARY, SMALL, secondary_suppress, suppress, suppressed_label  # noqa: F401  (re-exported)

log = logging.getLogger(__name__)

ACCEPTED = "Complaint"
UPHELD = ("Upheld", "Partly upheld")


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
    # column computed from counts (a percentage, a rate, an amount) -> the count column(s) it comes from (None: any
    # count in the row); members' version hides it when one of them is suppressed
    pct: dict[str, str | tuple[str, ...] | None] = field(default_factory=dict)
    money: tuple[str, ...] = ()  # columns in pounds
    chart: str | None = None  # key of the chart drawn from this table
    # column -> the number of cases each of its rates is computed over when that number is not a column of the
    # table (an int for every row, or one per row, None where no rate): members' version hides a rate on fewer
    # cases than the suppression threshold
    bases: dict[str, object] = field(default_factory=dict)
    # row-wise sums the table publishes: (part columns, total column); members' version suppresses a second part
    # where one part alone is hidden, so it cannot be worked out by subtraction
    sums: tuple[tuple[tuple[str, ...], str], ...] = ()
    col_total: tuple[str, ...] = ()  # count columns whose last row is the total of the rows above
    known_totals: dict[str, int] = field(default_factory=dict)  # count column -> its total as another table publishes it
    # (part, total) count columns whose difference is a count the table implies without printing it (responded − on time:
    # the late responses); members' version keeps a small one from being worked out, as it does a printed one
    complements: tuple[tuple[str, str], ...] = ()
    # column -> the count each of its rates is the share of (one per row, None where no rate), beside `bases`: members'
    # version hides a rate whose count, or the rest of its base, is under the threshold (1.4% of 73 is 1 escalation)
    numerators: dict[str, list] = field(default_factory=dict)

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
    return (
        f"Skipped: the export has no {names} column. Add {names} to the export (or map it in the config [columns]) to produce this table."
    )


NOT_RECORDED = "Not recorded"
CHANGE = "Change"  # the count this period less the comparison period's, beside its % change


def count_by(frame: pd.DataFrame, col: str, *, multi: bool = False) -> pd.Series:
    """Counts of a column's values, largest first (ties alphabetical); blanks as "Not recorded".
    `multi`: a `;`-separated cell counts each of its labels once."""
    if col not in frame:
        return pd.Series(dtype="int64")
    vals = frame[col]
    if multi:
        from rca.ingest.taxonomy import split_labels

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


def round_half_up(value: float, dp: int = 1) -> float:
    """`value` rounded half away from zero, as councils round (26.85 -> 26.9; Python's round gives 26.8)."""
    from decimal import ROUND_HALF_UP, Decimal

    if value is None or not np.isfinite(value):
        return value
    return float(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-dp), rounding=ROUND_HALF_UP))


def pct(num, den, dp: int = 1, *, scale: int = 100):
    """`scale` × num / den (a percentage by default) rounded half up to `dp` decimals, worked exactly on whole
    counts (2,685 of 10,000 is 26.9%, not 26.8%); NaN when the denominator is 0.

    >>> pct(2685, 10_000), pct(1, 8, 2), pct(-3, 8)
    (26.9, 12.5, -37.5)
    """
    from fractions import Fraction

    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    num, den = np.broadcast_arrays(num, den)
    out = np.full(num.shape, np.nan)
    step = Fraction(1, 10**dp)
    for i in np.ndindex(num.shape):
        n, d = num[i], den[i]
        if not (d > 0) or not np.isfinite(n):
            continue
        x = Fraction(n) * scale / Fraction(d) / step  # exact: counts are whole, floats are exact binary fractions
        r = (abs(x) + Fraction(1, 2)).__floor__()
        out[i] = float((r if x >= 0 else -r) * step)
    return out if out.ndim else float(out)


DECIDED = UPHELD + ("Not upheld",)  # the denominator of every uphold rate: cases decided, not withdrawn or resolved on receipt
STAGE_VALUES = ("1", "2", "3", "ombudsman")
UNDATED = "All records (undated)"


def uphold_rate(outcomes: pd.Series) -> tuple[int, int, float]:
    """(upheld or partly upheld, decided, uphold rate %) of a column of outcomes. One definition for every
    table, figure and sentence: upheld + partly upheld over cases decided (upheld, partly upheld or not
    upheld); withdrawn and resolved-on-receipt cases are counted in the tables but are not decisions."""
    up = int(outcomes.isin(UPHELD).sum())
    decided = int(outcomes.isin(DECIDED).sum())
    return up, decided, pct(up, decided)


@dataclass
class Prepared:
    """The case frame with derived flags, plus the periods it is read against and how much of each
    the data covers."""

    frame: pd.DataFrame
    period: Period
    compare: Period | None
    config: Config
    notes: list[str] = field(default_factory=list)
    coverage: dict = field(default_factory=dict)  # "cur" / "cmp" -> rca.reports.coverage.Coverage
    span: tuple = (None, None)  # first and last date received in the whole file
    gaps: tuple = ()  # stretches inside the span with no record at all, read as missing data (`coverage.missing_stretches`)
    undated: bool = False  # no record has a date received: every figure is over all records
    stage_unusable: bool = False  # a stage column, but no complaint record in the period has a usable stage
    alerts: list[str] = field(default_factory=list)  # what a reader must know first (summary, CLI)
    small: int = 0  # suppression threshold of the version being written (0: none); notes and prose follow it

    def n(self, count) -> str:
        """A count for a note or a sentence: "fewer than 5" where the version suppresses it."""
        count = int(count)
        return f"fewer than {self.small}" if self.small > 1 and 0 < count < self.small else f"{count:,}"

    def rate(self, value, base) -> str | None:
        """A percentage for a note or a sentence, or None where its base is too small to show (or empty)."""
        if base is None or int(base) == 0 or value is None or (isinstance(value, float) and np.isnan(value)):
            return None
        if self.small > 1 and int(base) < self.small:
            return None
        return f"{float(value):.1f}%"

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

    @property
    def per_day(self) -> bool:
        """True when the two periods are not both wholly covered: counts are then compared per day covered."""
        if self.compare is None:
            return False
        cur, cmp_ = self.coverage.get("cur"), self.coverage.get("cmp")
        return cur is not None and cmp_ is not None and not (cur.full and cmp_.full)

    @property
    def change_col(self) -> str:
        return "% change per day covered" if self.per_day else "% change"

    def change_pct(self, cur, prev):
        """% change from the comparison period to the period: of the counts when both periods are wholly
        covered, else of the counts per day covered (a 9-month year is not compared with a 12-month one)."""
        cur = np.asarray(cur, dtype=float)
        prev = np.asarray(prev, dtype=float)
        if self.per_day:
            days = self.coverage["cur"].covered_days
            cur = cur * self.coverage["cmp"].covered_days / days if days else cur * np.nan
        return pct(cur - prev, prev)

    def change_note(self) -> str:
        """Said beside every comparison when the periods are not both wholly covered."""
        if not self.per_day:
            return ""
        c, p = self.coverage["cur"], self.coverage["cmp"]
        return (
            f" The two periods are not both wholly covered by the data ({self.period.label}: {c.covered_days:,} of {c.days:,} days; "
            f"{self.compare.label}: {p.covered_days:,} of {p.days:,} days), so changes compare complaints per day covered, "
            "not the counts; seasonal patterns can still differ between the days covered."
        )


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


def _open_overdue(f: pd.DataFrame, relevant: pd.Series, as_at, config: Config) -> pd.Series:
    """Accepted complaints at stage 1-3 with no response yet whose due date had passed by `as_at` (the latest date
    received in the file, the nearest the export says to the day it was taken): late, though not yet answered."""
    out = pd.Series(False, index=f.index)
    if as_at is None or pd.isna(as_at):
        return out
    sub = f[relevant & f["responded"].isna() & f["received"].notna() & f["_complaint"] & f["_accepted"] & f["_stage"].isin(["1", "2", "3"])]
    if sub.empty:
        return out
    due, _ = _due_dates(sub, config)
    out[sub.index] = (due.notna() & (due.dt.normalize() < pd.Timestamp(as_at).normalize())).to_numpy()
    return out


def _undated_period() -> Period:
    return Period(UNDATED, pd.Timestamp.min, pd.Timestamp.max, "undated")


def prepare(cases: pd.DataFrame, *, period: Period, compare: Period | None = None, config: Config | None = None) -> Prepared:
    """Add the derived columns every table reads (`_complaint`, `_stage`, `_accepted`,
    `_in_cur`, `_in_cmp`, `_due`, `_on_time`, `_late`) and measure how much of each period the data covers.

    A file with no date received at all cannot be cut to a period: every record is read as in the period,
    which is then labelled "All records (undated)". A comparison period holding no records is dropped, with
    an alert saying so; one covered only in part (at its ends, or with a stretch of no record at all inside the data
    that the file's usual rate makes missing data, `coverage.missing_stretches`) is compared per day covered
    (`Prepared.per_day`)."""
    from rca.reports.coverage import Gaps, coverage, day, missing_stretches

    config = config or Config()
    f = cases.copy()
    notes: list[str] = []
    alerts: list[str] = []
    for col in f.columns:  # extra columns of an export (e.g. scored *_predicted) keep "" for blanks
        if f[col].dtype == object:
            blank = f[col].map(lambda v: isinstance(v, str) and not v.strip())
            if blank.any():
                f.loc[blank, col] = None
    if "received" not in f:
        f["received"] = pd.NaT
    f["received"] = pd.to_datetime(f["received"])
    dated = f["received"].notna()
    undated = not dated.any()
    span = (f["received"].min(), f["received"].max()) if not undated else (None, None)
    if undated:
        asked = period.label
        period, compare = _undated_period(), None
        alerts.append(
            f"The export has no date received (no `received` column, or it is blank on every record), so the period {asked} "
            f"could not be applied: every figure in the report is over all {len(f):,} records in the file, undated. Trends, "
            "on-time figures and comparisons need dates; add the date received to the export (or map it in the "
            "config [columns]) to report on a period."
        )
    elif not dated.all():
        notes.append(f"{int((~dated).sum()):,} records have no date received and fall outside every period.")
    if "case_type" in f:
        f["_complaint"] = f["case_type"].fillna(ACCEPTED).eq(ACCEPTED)
    else:
        f["_complaint"] = True
    if "stage" in f:
        f["_stage"] = f["stage"].astype(object).where(f["stage"].notna(), None)
    else:
        f["_stage"] = "1"
        notes.append("The export has no `stage` column: every record is treated as a stage 1 complaint.")
    if "acceptability" in f and f["acceptability"].notna().any():
        f["_accepted"] = f["acceptability"].eq(ACCEPTED)
    else:  # blank on every record is no column: not "none accepted"
        f["_accepted"] = True
        notes.append(
            "The export has no `acceptability` column"
            + (" (it is blank on every record)" if "acceptability" in f else "")
            + ": every complaint is treated as accepted."
        )
    cov = {}
    gaps = Gaps() if undated else missing_stretches(f["received"])
    if undated:
        f["_in_cur"] = True
        f["_in_cmp"] = False
    else:
        f["_in_cur"] = period.mask(f["received"])
        cov["cur"] = coverage(period, *span, n_records=int(f["_in_cur"].sum()), gaps=gaps)
        if cov["cur"].status == "partial":
            alerts.append(cov["cur"].describe(span))
        if compare is not None:
            in_cmp = compare.mask(f["received"])
            cov["cmp"] = coverage(compare, *span, n_records=int(in_cmp.sum()), gaps=gaps)
            if cov["cmp"].status == "none":
                alerts.append(
                    f"No comparison with {compare.label} is drawn: no records were received in it "
                    f"({day(compare.start)} to {day(compare.end)}; records in the file run from {day(span[0])} to {day(span[1])})."
                )
                compare, in_cmp = None, False
                del cov["cmp"]
            elif cov["cmp"].status == "partial":
                alerts.append(cov["cmp"].describe(span) + " Changes against it are compared per day covered, not count for count.")
            f["_in_cmp"] = in_cmp
        else:
            f["_in_cmp"] = False
    stage_unusable = False
    if "stage" in f:
        cur_complaints = f["_in_cur"] & f["_complaint"]
        no_stage = cur_complaints & ~f["_stage"].isin(STAGE_VALUES)
        if cur_complaints.any() and int(no_stage.sum()) == int(cur_complaints.sum()):
            stage_unusable = True
            alerts.append(
                f"No complaint record received in {period.label} has a usable stage (1, 2, 3 or ombudsman): the `stage` column "
                f"is blank or unreadable on all {int(no_stage.sum()):,} of them. First contacts, acceptance, stage counts, "
                "outcomes, on-time and escalation figures need the stage, so they are not given. Correct the stage values "
                "(`rca validate` lists the rows) and run the report again."
            )
        elif no_stage.any():
            notes.append(
                f"{int(no_stage.sum()):,} complaint records received in {period.label} have no usable stage (1, 2, 3 or "
                "ombudsman); they are counted at no stage."
            )
    relevant = f["_in_cur"] | f["_in_cmp"]
    f["_due"] = pd.Series(pd.NaT, index=f.index, dtype="datetime64[ns]")
    f["_on_time"] = pd.Series(pd.NA, index=f.index, dtype="boolean")
    if "responded" in f:
        f["responded"] = pd.to_datetime(f["responded"])
        sub = f[relevant & f["responded"].notna() & f["received"].notna()]
        due, no_target = _due_dates(sub, config)
        f.loc[sub.index, "_due"] = due
        has = due.notna()
        on_time = sub["responded"].dt.normalize() <= due.dt.normalize()
        f.loc[sub.index[has.to_numpy()], "_on_time"] = on_time[has].to_numpy()
        if no_target:
            notes.append(
                f"{no_target:,} responded records have no working-day target for their stage and route "
                "(set [calendar.targets] in the config); they are left out of the on-time figures."
            )
    f["_late"] = f["_on_time"].eq(False).fillna(False).astype(bool)
    f["_open_overdue"] = _open_overdue(f, relevant, span[1], config) if "responded" in f else False
    return Prepared(
        frame=f,
        period=period,
        compare=compare,
        config=config,
        notes=notes,
        coverage=cov,
        span=span,
        gaps=tuple(gaps),
        undated=undated,
        stage_unusable=stage_unusable,
        alerts=alerts,
    )
