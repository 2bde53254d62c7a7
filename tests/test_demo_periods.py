"""`rca demo` reports the latest financial year in the data and compares it with the year before."""

import pandas as pd

from rca.cli.demo_cmd import _periods_of


def test_latest_year_compared_with_the_one_before():
    received = pd.Series(pd.to_datetime(["2023-04-01 09:00", "2024-03-31 23:59", "2025-03-31 10:00"]))
    assert _periods_of(received) == ("2024-25", "2023-24")


def test_one_year_has_nothing_to_compare_and_march_belongs_to_the_year_before():
    received = pd.Series(pd.to_datetime(["2023-04-01", "2024-03-31", None]))
    assert _periods_of(received) == ("2023-24", None)
