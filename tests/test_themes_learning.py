"""The drafted learning section: changes first, plain English true to the numbers, next steps per theme."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rca.reports.themes.learning import draft_learning, share_words


def _cases():
    rows = []
    for i in range(300):
        theme = ["Bins", "Parking permits", "Damp and mould"][i % 3]
        team = {"Bins": "Waste Collections", "Parking permits": "Parking Permits", "Damp and mould": "Repairs"}[theme]
        if theme == "Parking permits":  # spread over four teams: the lead team has under half
            team = ["Parking Permits", "PCN Processing", "Enforcement", "Appeals"][(i // 3) % 4]
        action = {"Bins": "Service put right", "Parking permits": "Information provided", "Damp and mould": "Arrange inspection"}[theme]
        rows.append(
            {
                "theme": theme,
                "team": team,
                "service": "S",
                "outcome": "Upheld" if i % 4 else "Not upheld",
                "corrective_action": action,
                "root_cause": "Failure to do something",
            }
        )
    return pd.DataFrame(rows)


def test_a_significant_rise_leads_and_each_theme_gets_its_own_next_step():
    cases = _cases()
    labels = cases["theme"]
    themes = pd.DataFrame({"theme": ["Bins", "Damp and mould", "Parking permits"]})
    changes = pd.DataFrame(
        {
            "theme": ["Bins", "Damp and mould", "Parking permits"],
            "direction": ["steady", "steady", "rose"],
            "change_pts": [0.1, -0.2, 4.0],
            "latest_bin": "Q4",
            "latest_share_pct": [30.0, 30.0, 40.0],
            "earlier_share_pct": [33.0, 33.0, 33.0],
            "q_value": [0.8, 0.7, 0.001],
        }
    )
    d = draft_learning(cases, labels, period_mask=pd.Series(True, index=cases.index), themes=themes, changes=changes)
    assert d.iloc[0]["theme"] == "Parking permits" and d.iloc[0]["kind"] == "rise"
    assert list(d["kind"][1:]) == ["largest", "largest"]
    assert d["next_step"].is_unique
    assert "inspection" in d.set_index("theme").loc["Damp and mould", "next_step"].lower()
    assert "information" in d.set_index("theme").loc["Parking permits", "next_step"].lower()
    assert "across all complaints" in d.iloc[0]["evidence"]


def test_the_lead_team_is_most_only_above_half():
    assert share_words(18) == "The largest share went to" and share_words(62) == "Most went to"
    cases = _cases()
    d = draft_learning(
        cases,
        cases["theme"],
        period_mask=pd.Series(True, index=cases.index),
        themes=pd.DataFrame({"theme": ["Bins", "Damp and mould", "Parking permits"]}),
    )
    what = d.set_index("theme")["what"]
    assert "Most went to Waste Collections (100%)" in what["Bins"]
    assert "The largest share went to" in what["Parking permits"] and "Most went to" not in what["Parking permits"]


def test_emerging_themes_come_before_the_largest_with_their_team():
    cases = _cases()
    em_labels = np.where(np.arange(len(cases)) % 10 == 0, "New permit portal", "")
    emerging = pd.DataFrame(
        {
            "name": ["New permit portal"],
            "context": ["Parking Permits"],
            "latest_share_pct": [6.0],
            "baseline_share_pct": [0.5],
            "q_value": [0.0001],
        }
    )
    d = draft_learning(
        cases,
        cases["theme"],
        period_mask=pd.Series(True, index=cases.index),
        themes=pd.DataFrame({"theme": ["Bins", "Damp and mould", "Parking permits"]}),
        emerging=emerging,
        emerging_labels=em_labels,
        emerging_window="Q4 against Q1 to Q3",
    )
    assert d.iloc[0]["kind"] == "emerging" and "Parking Permits" in d.iloc[0]["next_step"]
