"""Working days, bank holidays and response due dates.

England & Wales bank holidays come from the `holidays` package (never a
hand-made list). A contact received at or after the cut-off (default 15:00), or
on a weekend or bank holiday, counts as received on the next working day; the
due date is the n-th working day after that day.

>>> from datetime import datetime
>>> due_date(datetime(2023, 12, 19, 10, 0), stage="1")   # across Christmas
datetime.date(2024, 1, 5)
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays as _holidays

from rca.config import CalendarConfig


@lru_cache(maxsize=16)
def _bank_holidays(subdivision: str, extra: tuple[str, ...]) -> frozenset[date]:
    years = range(1990, 2063)  # dates are accepted to 2060; a due date can run into 2061
    days = set(_holidays.UK(subdiv=subdivision, years=years).keys())
    days.update(date.fromisoformat(d) for d in extra)
    return frozenset(days)


def _cal(calendar: CalendarConfig | None) -> CalendarConfig:
    return calendar if calendar is not None else CalendarConfig()


def is_working_day(day: date, *, calendar: CalendarConfig | None = None) -> bool:
    cal = _cal(calendar)
    if isinstance(day, datetime):
        day = day.date()
    return day.weekday() < 5 and day not in _bank_holidays(cal.subdivision, tuple(cal.extra_closures))


def next_working_day(day: date, *, calendar: CalendarConfig | None = None) -> date:
    """The first working day strictly after `day`."""
    day = day + timedelta(days=1)
    while not is_working_day(day, calendar=calendar):
        day += timedelta(days=1)
    return day


def _parse_cutoff(text: str) -> time:
    hh, mm = text.split(":")
    return time(int(hh), int(mm))


def effective_received(received: datetime | date, *, calendar: CalendarConfig | None = None) -> date:
    """The working day a contact counts as received on (3 pm cut-off, weekends, bank holidays)."""
    cal = _cal(calendar)
    if isinstance(received, datetime):
        day = received.date()
        if received.time() >= _parse_cutoff(cal.cutoff):
            return next_working_day(day, calendar=cal)
    else:
        day = received
    if is_working_day(day, calendar=cal):
        return day
    return next_working_day(day, calendar=cal)


def add_working_days(start: date, n: int, *, calendar: CalendarConfig | None = None) -> date:
    """The n-th working day after `start` (n >= 0; n == 0 returns start)."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    day = start
    for _ in range(n):
        day = next_working_day(day, calendar=calendar)
    return day


def target_days(stage: str, route: str = "corporate", *, calendar: CalendarConfig | None = None) -> int:
    """Working days allowed for a stage on a route (corporate defaults when the route has no entry)."""
    cal = _cal(calendar)
    stage = str(stage)
    for r in (route or "corporate", "corporate"):
        days = cal.targets.get(r, {}).get(stage)
        if days is not None:
            return int(days)
    raise ValueError(f"no working-day target for stage {stage!r} on route {route!r}; set [calendar.targets] in the config")


def due_date(
    received: datetime | date,
    *,
    stage: str = "1",
    route: str = "corporate",
    extension_days: int = 0,
    calendar: CalendarConfig | None = None,
) -> date:
    """Response due date: target working days (plus any extension) after effective receipt."""
    cal = _cal(calendar)
    start = effective_received(received, calendar=cal)
    return add_working_days(start, target_days(stage, route, calendar=cal) + int(extension_days or 0), calendar=cal)


def working_days_between(start: date, end: date, *, calendar: CalendarConfig | None = None) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    if end <= start:
        return 0
    count, day = 0, start
    while day < end:
        day = next_working_day(day, calendar=calendar)
        if day <= end:
            count += 1
    return count
