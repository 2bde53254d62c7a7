"""Near-duplicate detection: same complainant and/or near-identical text within a window."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from rca.scoring.duplicates import REASON_BOTH, REASON_PERSON, REASON_TEXT, DuplicateFinder, find_duplicates

BIN = "My green recycling bin was not collected on Tuesday and the crew left the street in a mess again"


def frame(rows):
    return pd.DataFrame(rows, columns=["case_id", "received", "complainant_id", "text"]).assign(
        received=lambda d: pd.to_datetime(d["received"])
    )


def test_same_complainant_within_window_points_at_the_earlier_case():
    df = frame(
        [
            ("A", "2024-01-02 10:00", "p1", "parking fine"),
            ("B", "2024-01-20 09:00", "p1", "rude staff"),
            ("C", "2024-03-30 09:00", "p1", "council tax"),
        ]
    )
    out = find_duplicates(df, window_days=30)
    assert out["duplicate_of"].tolist() == [None, "A", None]
    assert out.loc[1, "duplicate_reason"] == REASON_PERSON


def test_near_identical_text_from_anyone_is_flagged_and_short_texts_are_not():
    df = frame(
        [
            ("A", "2024-01-02", None, BIN),
            ("B", "2024-01-05", None, BIN.replace("Tuesday", "Wednesday")),
            ("C", "2024-01-06", None, "More staff"),
            ("D", "2024-01-07", None, "More staff"),
            ("E", "2024-01-08", None, "The parking permit renewal took three months and nobody answered my emails"),
        ]
    )
    out = find_duplicates(df)
    assert out["duplicate_of"].tolist() == [None, "A", None, None, None]
    assert out.loc[1, "duplicate_reason"] == REASON_TEXT


def test_both_reasons_and_window_and_future_cases():
    df = frame(
        [
            ("A", "2024-01-02", "p1", BIN),
            ("B", "2024-01-03", "p1", BIN),
            ("C", "2024-05-03", "p2", BIN),  # outside the window
            ("D", "2024-05-01", "p2", BIN),
        ]
    )  # received before C, listed after: not a duplicate of C
    out = find_duplicates(df, window_days=30)
    assert out["duplicate_of"].tolist() == [None, "A", None, None]
    assert out.loc[1, "duplicate_reason"] == REASON_BOTH


def test_undated_rows_only_match_undated_rows():
    df = frame([("A", None, "p1", "x"), ("B", "2024-01-02", "p1", "y"), ("C", None, "p1", "z")])
    out = find_duplicates(df)
    assert out["duplicate_of"].tolist() == [None, None, "A"]


def test_empty_and_missing_columns():
    out = find_duplicates(pd.DataFrame({"case_id": ["1", "2"], "text": ["", None]}))
    assert not out["duplicate"].any()
    assert find_duplicates(pd.DataFrame({"case_id": [], "text": []})).empty


def test_bad_parameters_are_named():
    with pytest.raises(ValueError, match="window_days"):
        DuplicateFinder(window_days=-1)
    with pytest.raises(ValueError, match="threshold"):
        DuplicateFinder(threshold=0)


@pytest.mark.fuzz
@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 90), st.integers(0, 3)), min_size=1, max_size=40), st.integers(1, 7))
def test_chunking_never_changes_the_answer(rows, chunk):
    texts = [BIN, BIN + " and again", "Parking permit took months and nobody answered my many emails at all", ""]
    df = pd.DataFrame(
        {
            "case_id": [f"c{i}" for i in range(len(rows))],
            "complainant_id": [f"p{p}" if p else None for p, _, _ in rows],
            "received": [pd.Timestamp("2024-01-01") + pd.Timedelta(days=d) for _, d, _ in rows],
            "text": [texts[t] for _, _, t in rows],
        }
    )
    whole = find_duplicates(df)
    f = DuplicateFinder()
    parts = pd.concat([f.add(df.iloc[i : i + chunk]) for i in range(0, len(df), chunk)])
    pd.testing.assert_frame_equal(whole, parts)
    # a flagged row points at an earlier row received no later and within 30 days
    pos = {c: i for i, c in enumerate(df["case_id"])}
    for i, target in enumerate(whole["duplicate_of"]):
        if target is not None:
            j = pos[target]
            assert j < i
            gap = df.at[i, "received"] - df.at[j, "received"]
            assert pd.Timedelta(0) <= gap <= pd.Timedelta(days=30)
