"""Reading date columns: one day/month order for a whole column (decided on its first
chunk, said when not as configured), ISO and year-first dates, Excel serial days, UK time."""

from __future__ import annotations

import re
import warnings

import pandas as pd

from rca.config import Config
from rca.errors import message


def blank_dates(s: pd.Series) -> pd.Series:
    """Cells that mean 'no date' (SQL and pandas exports write NULL / None / NaT for open cases)."""
    return s.eq("") | s.str.lower().isin({"nan", "nat", "none", "null"})


# day and month as numbers, either order: 03/04/2024, 3.4.24, 25-03-2024 15:30
NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?!\d)")
_YEAR_FIRST = re.compile(r"^\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}(?!\d)")


def date_order(values: pd.Series, dayfirst: bool) -> tuple[bool, str | None]:
    """Day-first or month-first for a whole column of date strings, and why when not as configured.

    A first number over 12 can only be a day (25/03/2024), a second over 12 only a day
    (03/25/2024): a column showing only the second kind is month-first; one showing both is
    ambiguous and read as configured, its impossible dates flagged. Otherwise `dayfirst` holds.

    >>> order, why = date_order(pd.Series(["03/25/2024", "05/06/2024"]), True)
    >>> order, why.split("; ")[-1]
    (False, 'so 05/06/2024 in this column is 6 May')
    """
    parts = values.str.extract(NUMERIC_DATE)
    first = pd.to_numeric(parts[0], errors="coerce")
    second = pd.to_numeric(parts[1], errors="coerce")
    day_first_seen = ((first > 12) & (first <= 31) & (second <= 12)).to_numpy()
    month_first_seen = ((second > 12) & (second <= 31) & (first <= 12)).to_numpy()
    ex = lambda mask: values[mask].iat[0]  # noqa: E731
    # an ambiguous date of this column (both numbers 12 or under, not equal), to show what the order means
    both = ((first <= 12) & (second <= 12) & (first != second) & (first >= 1) & (second >= 1)).to_numpy()
    amb = ex(both).split()[0] if both.any() else "03/04/2024"
    a, b = (int(x) for x in NUMERIC_DATE.match(amb).groups()[:2])
    months = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")
    if day_first_seen.any() and month_first_seen.any():
        how = "day-first (dd/mm/yyyy)" if dayfirst else "month-first (mm/dd/yyyy)"
        return dayfirst, (
            f"the dates are in both orders ({ex(day_first_seen)!r} is day first, {ex(month_first_seen)!r} "
            f"month first); read {how} as configured, and dates impossible that way are not read"
        )
    if month_first_seen.any() and dayfirst:
        return False, (
            f"read month-first (mm/dd/yyyy) because {ex(month_first_seen)!r} cannot be day-first and no date "
            f"is only day-first; so {amb} in this column is {b} {months[a - 1]}"
        )
    if day_first_seen.any() and not dayfirst:
        return True, (
            f"read day-first (dd/mm/yyyy) because {ex(day_first_seen)!r} cannot be month-first and no date "
            f"is only month-first; so {amb} in this column is {a} {months[b - 1]}"
        )
    return dayfirst, None


def _parse_datetimes(values: pd.Series, config: Config, *, dayfirst: bool | None = None) -> pd.Series:
    """Parse date strings; unparseable non-blank values become NaT (caller flags them).

    `dayfirst` (default: `date_order` of the column, else the config) applies to every
    dd/mm-or-mm/dd value alike; year-first values (2013/12/02) are read year, month, day."""
    s = values.astype(str).str.strip()
    blank = blank_dates(s)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    todo = s[~blank]
    if todo.empty:
        return out
    if config.date_format:
        out.loc[todo.index] = pd.to_datetime(todo, format=config.date_format, errors="coerce")
        return out
    iso = None
    if todo.str.match(r"^\d{4}-\d{2}-\d{2}").all():
        with warnings.catch_warnings():  # mixed UTC offsets: handled per cell below
            warnings.simplefilter("ignore", FutureWarning)
            iso = pd.to_datetime(todo, format="ISO8601", errors="coerce", utc=False)
    # the fast path only when every value came out naive (no offsets), else convert per cell
    if iso is not None and str(iso.dtype) == "datetime64[ns]":
        in_range = iso.between(pd.Timestamp("1900-01-01"), pd.Timestamp("2100-12-31"))
        out.loc[todo.index] = iso.where(in_range)
        return out
    if dayfirst is None:
        dayfirst = date_order(todo, config.dayfirst)[0]
    cache: dict[str, pd.Timestamp] = {}
    for idx, raw in todo.items():
        if raw not in cache:
            cache[raw] = _parse_one(raw, dayfirst)
        out.at[idx] = cache[raw]
    return out


def _parse_one(raw: str, dayfirst: bool) -> pd.Timestamp:
    try:
        if re.fullmatch(r"\d{5}(\.\d+)?", raw):  # Excel serial day number
            return pd.Timestamp("1899-12-30") + pd.to_timedelta(float(raw), unit="D")
        if _YEAR_FIRST.match(raw):
            dayfirst = False  # 2013/12/02 is 2 December: year, month, day
        elif found := NUMERIC_DATE.match(raw):
            month = int(found.group(2) if dayfirst else found.group(1))
            if not 1 <= month <= 12:
                return pd.NaT  # impossible in the column's order: flagged, never read the other way round
        raw = re.sub(r"\s+BST$", "", raw)  # British Summer Time is UK clock time, which naive times here are
        with warnings.catch_warnings():
            # the order is decided above, for the whole column; pandas' per-value advice does not apply
            warnings.filterwarnings("ignore", message="Parsing dates in .* format when dayfirst", category=UserWarning)
            ts = pd.to_datetime(raw, dayfirst=dayfirst, errors="raise")
    except (ValueError, TypeError, OverflowError, pd.errors.OutOfBoundsDatetime):
        return pd.NaT
    if ts.tzinfo is not None:
        ts = ts.tz_convert("Europe/London").tz_localize(None)
    if not (pd.Timestamp("1900-01-01") <= ts <= pd.Timestamp("2100-12-31")):
        return pd.NaT
    return ts


def read_dates(name: str, col: pd.Series, config: Config, orders: dict[str, bool], source: str, column: str) -> tuple[pd.Series, list[str]]:
    """Parse one date column in a single day/month order (decided on its first chunk and kept in
    `orders`, {column: day first?}, for the file's later chunks), with a note why."""
    notes = []
    if not config.date_format:
        text = col.str.strip()
        order, why = date_order(text[~blank_dates(text)], orders.get(name, config.dayfirst))
        if name not in orders:
            orders[name] = order
            if why:
                notes.append(message("E114", why, file=source, column=column))
        elif order != orders[name]:
            notes.append(
                message(
                    "E114",
                    f"later rows hold dates only possible {'day' if order else 'month'}-first; the column "
                    f"is read as its first rows were, and those dates are not read",
                    file=source,
                    column=column,
                )
            )
    return _parse_datetimes(col, config, dayfirst=orders.get(name, config.dayfirst)), notes
