"""Due dates against hand-worked cases, and properties that must always hold."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rca.config import CalendarConfig
from rca.ingest.working_days import (
    add_working_days,
    due_date,
    effective_received,
    is_working_day,
    target_days,
    working_days_between,
)

# Hand-worked with a printed calendar (England & Wales bank holidays).
HAND_WORKED = [
    # Christmas 2023: 25, 26 Dec and 1 Jan are bank holidays
    (datetime(2023, 12, 19, 10, 0), "1", "corporate", 0, date(2024, 1, 5)),
    # the 3 pm cut-off moves receipt to Wed 20 Dec
    (datetime(2023, 12, 19, 15, 0), "1", "corporate", 0, date(2024, 1, 8)),
    (datetime(2023, 12, 19, 14, 59), "1", "corporate", 0, date(2024, 1, 5)),
    # Easter 2024: Good Friday 29 Mar, Easter Monday 1 Apr; 15:30 on Thu 28 Mar counts as Tue 2 Apr
    (datetime(2024, 3, 28, 15, 30), "1", "corporate", 0, date(2024, 4, 16)),
    (datetime(2024, 3, 28, 9, 0), "1", "corporate", 0, date(2024, 4, 15)),
    # Early May bank holiday 6 May 2024
    (datetime(2024, 4, 29, 11, 0), "1", "corporate", 0, date(2024, 5, 14)),
    # Spring (27 May) inside a stage 2 (20 working days)
    (datetime(2024, 5, 1, 9, 0), "2", "corporate", 0, date(2024, 5, 31)),
    # August bank holiday 26 Aug 2024
    (datetime(2024, 8, 20, 12, 0), "1", "corporate", 0, date(2024, 9, 4)),
    # received on Saturday counts as Monday
    (datetime(2024, 8, 24, 10, 0), "1", "corporate", 0, date(2024, 9, 10)),
    # a 5-working-day extension
    (datetime(2024, 8, 20, 12, 0), "1", "corporate", 5, date(2024, 9, 11)),
    # Children's statutory stage 2: 25 working days
    (datetime(2024, 1, 8, 10, 0), "2", "childrens_social_care", 0, date(2024, 2, 12)),
]


@pytest.mark.parametrize("received,stage,route,ext,expected", HAND_WORKED)
def test_due_dates_match_hand_worked_cases(received, stage, route, ext, expected):
    assert due_date(received, stage=stage, route=route, extension_days=ext) == expected


def test_bank_holidays_are_not_working_days():
    for d in [
        date(2023, 12, 25),
        date(2023, 12, 26),
        date(2024, 1, 1),
        date(2024, 3, 29),
        date(2024, 4, 1),
        date(2024, 5, 6),
        date(2024, 5, 27),
        date(2024, 8, 26),
    ]:
        assert not is_working_day(d)
    assert is_working_day(date(2024, 8, 27))


def test_per_council_targets_and_closures():
    harrow = CalendarConfig(targets={"corporate": {"1": 15, "2": 20}})
    assert target_days("1", calendar=harrow) == 15
    closed = CalendarConfig(extra_closures=["2024-12-27"])
    assert not is_working_day(date(2024, 12, 27), calendar=closed)
    assert is_working_day(date(2024, 12, 27))
    with pytest.raises(ValueError, match="stage"):
        target_days("7")


moments = st.datetimes(min_value=datetime(2019, 1, 1), max_value=datetime(2030, 12, 31))


@pytest.mark.fuzz  # hundreds of generated dates
@settings(max_examples=300, deadline=None)
@given(moments, st.sampled_from(["1", "2"]), st.integers(0, 10))
def test_due_date_is_always_a_working_day(received, stage, ext):
    due = due_date(received, stage=stage, extension_days=ext)
    assert is_working_day(due)
    assert due > received.date()


@pytest.mark.fuzz  # hundreds of generated dates
@settings(max_examples=300, deadline=None)
@given(moments, st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=60)), st.sampled_from(["1", "2"]))
def test_later_receipt_never_gives_an_earlier_due_date(received, gap, stage):
    assert due_date(received + gap, stage=stage) >= due_date(received, stage=stage)


@pytest.mark.fuzz  # hundreds of generated dates
@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(2019, 1, 1), max_value=date(2030, 12, 31)), st.integers(0, 40))
def test_working_days_between_inverts_add(start, n):
    start = effective_received(start)
    assert working_days_between(start, add_working_days(start, n)) == n
