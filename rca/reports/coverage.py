"""How much of a reporting period the data covers.

A council export runs from its first to its last date received. A period outside
that span holds no records (and must not be shown as a year of zeros); a period
the span covers only in part must not be compared count for count with a whole
one. `coverage` measures each period against the span so the report can refuse,
omit or compare per day covered, and say which.

>>> span = pd.Timestamp("2022-04-01 12:39"), pd.Timestamp("2024-03-31 19:16")
>>> from .periods import parse_period
>>> coverage(parse_period("2023"), *span).status
'full'
>>> c = coverage(parse_period("2022"), *span)
>>> (c.status, c.covered_days, c.days)
('partial', 275, 365)
>>> coverage(parse_period("2019-20"), *span).status
'none'
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .periods import Period

# A gap this short between a period's edge and the data's first (or last) record is read as quiet
# days (a weekend, a bank holiday, Christmas), not as a period the export does not reach.
EDGE_DAYS = 7


def day(ts) -> str:
    """1 April 2023."""
    ts = pd.Timestamp(ts)
    return f"{ts.day} {ts:%B %Y}"


@dataclass(frozen=True)
class Coverage:
    """The part of `period` the data reaches: `first`..`last` (days), `covered_days` of `days`."""

    period: Period
    first: pd.Timestamp | None
    last: pd.Timestamp | None
    days: int
    covered_days: int
    n_records: int = 0  # records received in the period

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
        return (f"The data covers {lab} only in part: from {day(self.first)} to {day(self.last)}, {self.covered_days:,} of its "
                f"{self.days:,} days{where}. Counts for {lab} are for those days only.")


def coverage(period: Period, first, last, *, n_records: int | None = None) -> Coverage:
    """Coverage of `period` by data whose records run from `first` to `last` (timestamps; None/NaT: no dated records).
    `n_records`: records received in the period (counted by the caller; None: assume some where the span overlaps)."""
    start, end = period.start.normalize(), period.end.normalize()
    days = int((end - start).days) + 1
    if first is None or last is None or pd.isna(first) or pd.isna(last):
        return Coverage(period, None, None, days, 0, 0)
    first, last = pd.Timestamp(first).normalize(), pd.Timestamp(last).normalize()
    lo, hi = max(start, first), min(end, last)
    if lo > hi:
        return Coverage(period, None, None, days, 0, 0)
    if (lo - start).days <= EDGE_DAYS:
        lo = start
    if (end - hi).days <= EDGE_DAYS:
        hi = end
    covered = int((hi - lo).days) + 1
    return Coverage(period, lo, hi, days, covered, 1 if n_records is None else int(n_records))
