"""How much of a reporting period the data covers.

A council export runs from its first to its last date received, and it can miss months on the
way (an extract that skipped a quarter, a system migration). A period outside the data holds no
records (and must not be shown as a year of zeros); a period the data covers only in part must
not be compared count for count with a whole one. `coverage` measures each period against the
span and against the stretches inside it with no record at all (`missing_stretches`), so the
report can refuse, omit or compare per day covered, and say which.

>>> span = pd.Timestamp("2022-04-01 12:39"), pd.Timestamp("2024-03-31 19:16")
>>> from .periods import parse_period
>>> coverage(parse_period("2023"), *span).status
'full'
>>> c = coverage(parse_period("2022"), *span)
>>> (c.status, c.covered_days, c.days)
('partial', 275, 365)
>>> gap = [(pd.Timestamp("2022-10-01"), pd.Timestamp("2023-03-31"))]
>>> c = coverage(parse_period("2022-23"), *span, gaps=gap)
>>> (c.status, c.covered_days)
('partial', 183)
>>> coverage(parse_period("2019-20"), *span).status
'none'
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rca.reports.periods import Period

# A gap this short between a period's edge and the data's first (or last) record is read as quiet
# days (a weekend, a bank holiday, Christmas), not as a period the export does not reach.
EDGE_DAYS = 7
# A stretch inside the data with no record is read as missing from the export when, at the file's usual rate,
# the chance that a silence that long happens anywhere in the file is under ALPHA, and it is at least
# MIN_GAP_DAYS long (a council's Christmas closure, or a quiet fortnight, is never "missing data").
ALPHA = 0.001
MIN_GAP_DAYS = 14


def day(ts) -> str:
    """1 April 2023."""
    ts = pd.Timestamp(ts)
    return f"{ts.day} {ts:%B %Y}"


def _days(a, b) -> int:
    return int((pd.Timestamp(b) - pd.Timestamp(a)).days) + 1


def _per_week(x: float) -> str:
    """'23 records', '2.9 records', '1 record'."""
    n = f"{x:,.0f}" if x >= 10 else f"{x:.1f}".removesuffix(".0")
    return f"{n} record" + ("" if n == "1" else "s")


@dataclass(frozen=True)
class Gaps:
    """Stretches of days (first, last, inclusive) inside the data with no record at all, the file's usual number
    of records a week, and the length from which a silence counts as missing data at that rate."""

    stretches: tuple[tuple[pd.Timestamp, pd.Timestamp], ...] = ()
    per_week: float = 0.0  # records a week outside the stretches
    min_days: int = 0

    def __iter__(self):
        return iter(self.stretches)

    def __len__(self) -> int:
        return len(self.stretches)


def missing_stretches(received) -> Gaps:
    """The stretches inside the data's span with no record received, so long that at the file's usual rate they
    cannot be quiet days: missing data, not a month without complaints.

    The usual rate is the median number of records a week over the whole weeks of the span (at most the mean,
    so the odd busy week of a small council does not raise it, and at most the rate of the quieter four-week
    stretches, the lower quartile, so a seasonal lull is not missing data either); a run of L days with no record is missing when
    it is at least MIN_GAP_DAYS long and n × P(0 records in L days) < ALPHA under a Poisson process at that rate
    (n records in the file: a long file has many chances of one long silence). Every record counts (complaints,
    compliments, any stage): a council receives something every working day. A silence beside a day holding at
    least half the records it should have held is not missing: those records are dated by month or quarter.

    >>> r = pd.Series(pd.date_range("2023-04-01", "2024-03-31", freq="D"))
    >>> r = r[(r < "2023-07-01") | (r >= "2023-10-01")]
    >>> [(a.date().isoformat(), b.date().isoformat()) for a, b in missing_stretches(r)]
    [('2023-07-01', '2023-09-30')]
    >>> len(missing_stretches(pd.Series(pd.date_range("2023-04-01", "2024-03-31", freq="3D"))))
    0
    """
    days = pd.to_datetime(pd.Series(received)).dropna().dt.normalize()
    if days.empty:
        return Gaps()
    uniq = np.sort(days.unique())
    first = pd.Timestamp(uniq[0])
    offset = ((days - first).dt.days).to_numpy()
    weeks = int(offset.max() + 1) // 7
    if weeks < 2:
        return Gaps()
    per = np.bincount(offset[offset < weeks * 7] // 7, minlength=weeks)
    median, mean = float(np.median(per)), float(per.mean())
    per_week = min(median, mean) if median > 0 else mean
    if weeks >= 8:  # the quieter months (the lower quartile of four-week counts), so a seasonal lull is not read as missing
        four = np.bincount(offset[offset < weeks // 4 * 28] // 28, minlength=weeks // 4) / 4
        low = float(np.quantile(four, 0.25))
        per_week = min(per_week, low) if low > 0 else per_week
    if per_week <= 0:
        return Gaps()
    rate = per_week / 7
    need = max(MIN_GAP_DAYS, math.ceil(math.log(len(days) / ALPHA) / rate))
    on_day = days.value_counts()
    out = []
    for a, b in zip(uniq[:-1], uniq[1:]):
        silent = int((b - a) / np.timedelta64(1, "D")) - 1
        # records dated by month or quarter (all on its first day) pile up beside the silence: coarse dates, not missing data
        piled = max(int(on_day[a]), int(on_day[b])) >= max(2.0, rate * silent / 2)
        if silent >= need and not piled:
            out.append((pd.Timestamp(a) + pd.Timedelta(days=1), pd.Timestamp(b) - pd.Timedelta(days=1)))
    silent = sum(_days(a, b) for a, b in out)
    usual = 7 * len(days) / max(1, int(offset.max()) + 1 - silent)  # the rate where the file has records, for the reader
    return Gaps(tuple(out), usual, need)


@dataclass(frozen=True)
class Coverage:
    """The part of `period` the data reaches: `first`..`last` (days), `covered_days` of `days`; `missing`: the
    stretches of the period inside the data's span with no record, read as missing from the export (not covered)."""

    period: Period
    first: pd.Timestamp | None
    last: pd.Timestamp | None
    days: int
    covered_days: int
    n_records: int = 0  # records received in the period
    missing: tuple[tuple[pd.Timestamp, pd.Timestamp], ...] = ()  # not covered: no record inside the data's span
    per_week: float = 0.0  # the file's usual number of records a week (where `missing` is not empty)

    @property
    def status(self) -> str:
        if self.covered_days <= 0 or self.n_records == 0:
            return "none"
        return "full" if self.covered_days >= self.days else "partial"

    @property
    def full(self) -> bool:
        return self.status == "full"

    def describe(self, span: tuple | None = None) -> str:
        """One sentence a reader can act on."""
        lab = self.period.label
        if self.status == "full":
            return f"The data covers the whole of {lab}."
        where = f" (records in the file run from {day(span[0])} to {day(span[1])})" if span and span[0] is not None else ""
        if self.status == "none":
            return f"No records were received in {lab}, {day(self.period.start)} to {day(self.period.end)}{where}."
        if not self.missing:
            return (
                f"The data covers {lab} only in part: from {day(self.first)} to {day(self.last)}, {self.covered_days:,} of its "
                f"{self.days:,} days{where}. Counts for {lab} are for those days only."
            )
        holes = " and ".join(f"from {day(a)} to {day(b)} ({_days(a, b):,} days)" for a, b in self.missing)
        edges = (
            f", from {day(self.first)} to {day(self.last)}"
            if (self.first, self.last) != (self.period.start.normalize(), self.period.end.normalize())
            else ""
        )
        return (
            f"The data covers {lab} only in part{edges}: {self.covered_days:,} of its {self.days:,} days{where}. It holds no record "
            f"at all {holes}, while the rest of the file has about {_per_week(self.per_week)} a week, so those days are read as "
            f"missing from the export, not as days without complaints. Counts for {lab} are for the days covered only."
        )


def coverage(period: Period, first, last, *, n_records: int | None = None, gaps=()) -> Coverage:
    """Coverage of `period` by data whose records run from `first` to `last` (timestamps; None/NaT: no dated records)
    with no record in the stretches `gaps` (`missing_stretches`: (first day, last day) pairs).
    `n_records`: records received in the period (counted by the caller; None: assume some where the span overlaps).
    A stretch not covered that touches the period's start or end and is at most EDGE_DAYS long is read as quiet days."""
    start, end = period.start.normalize(), period.end.normalize()
    days = _days(start, end)
    if first is None or last is None or pd.isna(first) or pd.isna(last):
        return Coverage(period, None, None, days, 0, 0)
    first, last = pd.Timestamp(first).normalize(), pd.Timestamp(last).normalize()
    lo, hi = max(start, first), min(end, last)
    if lo > hi:
        return Coverage(period, None, None, days, 0, 0)
    one = pd.Timedelta(days=1)
    holes = [(start, lo - one, False)] if lo > start else []  # (first day, last day, a stretch missing inside the data)
    holes += [(hi + one, end, False)] if hi < end else []
    for a, b in gaps:
        a, b = max(pd.Timestamp(a).normalize(), start), min(pd.Timestamp(b).normalize(), end)
        if a <= b:
            holes.append((a, b, True))
    holes = sorted(h for h in holes if not ((h[0] == start or h[1] == end) and _days(h[0], h[1]) <= EDGE_DAYS))
    covered = days - sum(_days(a, b) for a, b, _ in holes)
    if covered <= 0:
        return Coverage(period, None, None, days, 0, 0)
    lo = holes[0][1] + one if holes and holes[0][0] == start else start
    hi = holes[-1][0] - one if holes and holes[-1][1] == end else end
    missing = tuple((a, b) for a, b, inside in holes if inside)
    per_week = float(getattr(gaps, "per_week", 0.0))
    return Coverage(period, lo, hi, days, covered, 1 if n_records is None else int(n_records), missing, per_week)
