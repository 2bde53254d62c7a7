"""Reporting periods: UK financial years (1 April to 31 March), their halves and quarters.

>>> p = parse_period("2023-24")
>>> (p.start.date().isoformat(), p.end.date().isoformat(), p.label)
('2023-04-01', '2024-03-31', '2023-24')
>>> parse_period("2023-24 Q3").label
'2023-24 Q3'
>>> fy_quarter_label(pd.Timestamp("2024-02-10"))
'2023-24 Q4'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rca.errors import RcaError

_FY = re.compile(r"^\s*(?:fy\s*)?(\d{4})\s*[-/]\s*(\d{2}|\d{4})\s*(?:\s+(q[1-4]|h[12]))?\s*$", re.IGNORECASE)
_RANGE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})\s*$")


@dataclass(frozen=True)
class Period:
    """A closed interval of received dates, inclusive of the whole last day."""

    label: str
    start: pd.Timestamp  # first instant
    end: pd.Timestamp  # last instant (23:59:59.999999999 of the last day)
    kind: str  # "year", "half", "quarter", "range"

    def mask(self, received: pd.Series) -> pd.Series:
        """Boolean mask of records received in the period (NaT is outside)."""
        r = pd.to_datetime(received)
        return (r >= self.start) & (r <= self.end)

    @property
    def fy(self) -> int:
        """The financial year the period starts in (2023 for 2023-24)."""
        return financial_year(self.start)

    def previous(self) -> "Period":
        """The same period one year earlier (the usual comparison)."""
        if self.kind == "range":
            start, end = self.start - pd.DateOffset(years=1), self.end - pd.DateOffset(years=1)
            return Period(f"{start.date()}..{end.normalize().date()}", start, end, "range")
        suffix = self.label[7:]
        return parse_period(f"{fy_label(self.fy - 1)}{suffix}")


def fy_label(year: int) -> str:
    """2023 -> '2023-24'."""
    return f"{year}-{str(year + 1)[-2:]}"


def _end_of_day(day: pd.Timestamp) -> pd.Timestamp:
    return day.normalize() + pd.Timedelta(days=1) - pd.Timedelta(1, "ns")


def parse_period(text: str) -> Period:
    """Parse '2023-24', '2023/24', '2023-24 Q2', '2023-24 H1', '2023' (a calendar year) or '2023-04-01..2023-09-30'."""
    if isinstance(text, Period):
        return text
    raw = str(text)
    m = _RANGE.match(raw)
    if m:
        start, end = pd.Timestamp(m.group(1)), pd.Timestamp(m.group(2))
        if end < start:
            raise RcaError(
                "E205",
                f"the period ends before it starts: {raw!r}",
                column="period",
                value=raw,
                hint="Write the range as FIRST..LAST, e.g. 2023-04-01..2023-09-30.",
            )
        return Period(raw.strip(), start, _end_of_day(end), "range")
    if re.fullmatch(r"\s*\d{4}\s*", raw):  # a calendar year, for data that is not kept by financial year
        year = int(raw)
        return Period(str(year), pd.Timestamp(year=year, month=1, day=1), _end_of_day(pd.Timestamp(year=year, month=12, day=31)), "range")
    m = _FY.match(raw)
    if not m:
        raise RcaError(
            "E205",
            f"cannot read the period {raw!r}",
            column="period",
            value=raw,
            hint="Use a financial year such as 2023-24, a quarter such as '2023-24 Q3', a half such as '2023-24 H1', "
            "a calendar year such as 2023, or a range 2023-04-01..2024-03-31.",
        )
    year, nxt = int(m.group(1)), m.group(2)
    nxt_full = int(nxt) if len(nxt) == 4 else (year // 100) * 100 + int(nxt)
    if nxt_full != year + 1:
        raise RcaError(
            "E205",
            f"{raw!r} is not a financial year (the second year must follow the first)",
            column="period",
            value=raw,
            hint="Write a financial year as 2023-24 (1 April 2023 to 31 March 2024).",
        )
    start = pd.Timestamp(year=year, month=4, day=1)
    part = (m.group(3) or "").upper()
    if not part:
        return Period(fy_label(year), start, _end_of_day(pd.Timestamp(year=year + 1, month=3, day=31)), "year")
    n = int(part[1])
    months = 3 if part[0] == "Q" else 6
    s = start + pd.DateOffset(months=months * (n - 1))
    e = s + pd.DateOffset(months=months) - pd.Timedelta(days=1)
    return Period(f"{fy_label(year)} {part}", s, _end_of_day(e), "quarter" if months == 3 else "half")


def financial_year(ts) -> int:
    """The starting calendar year of the financial year containing `ts`."""
    ts = pd.Timestamp(ts)
    return ts.year if ts.month >= 4 else ts.year - 1


def fy_quarter_label(ts) -> str:
    """'2023-24 Q1' for April to June 2023."""
    ts = pd.Timestamp(ts)
    fy = financial_year(ts)
    return f"{fy_label(fy)} Q{((ts.month - 4) % 12) // 3 + 1}"


def bin_labels(received: pd.Series, by: str = "quarter") -> pd.Series:
    """Label each date with its reporting bin: 'quarter' (2023-24 Q1), 'month' (2023-04) or 'year' (2023-24).

    Labels sort chronologically as strings. NaT gives None.
    """
    r = pd.to_datetime(received)
    ok = r.notna()
    out = pd.Series(np.full(len(r), None, dtype=object), index=r.index)
    if not ok.any():
        return out
    year = np.where(r[ok].dt.month >= 4, r[ok].dt.year, r[ok].dt.year - 1)
    if by == "year":
        out[ok] = [fy_label(int(y)) for y in year]
    elif by == "quarter":
        q = ((r[ok].dt.month - 4) % 12) // 3 + 1
        out[ok] = [f"{fy_label(int(y))} Q{int(n)}" for y, n in zip(year, q)]
    elif by == "month":
        out[ok] = r[ok].dt.strftime("%Y-%m").to_numpy()
    else:
        raise RcaError("E205", f"cannot group by {by!r}", column="by", value=by, hint="Use --by quarter, month or year.")
    return out


def bins_between(start: pd.Timestamp, end: pd.Timestamp, by: str = "quarter") -> list[str]:
    """Every bin label from `start` to `end` inclusive, so empty bins still appear (as zeros)."""
    days = pd.date_range(start.normalize(), end.normalize(), freq="MS")
    days = days.union([start.normalize()])
    labels = bin_labels(pd.Series(days), by)
    seen: list[str] = []
    for lab in labels:
        if lab not in seen:
            seen.append(lab)
    return seen
