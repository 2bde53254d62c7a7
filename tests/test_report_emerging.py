"""Emerging themes and trend tests: a planted new theme is found, a stationary
stream gives none (for several seeds), and the text themes are stable per seed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rca.reports.themes import trends as tr
from rca.reports.themes.emerging import find_emerging
from rca.reports.themes.section import ThemeFinder

BASE = [
    "my bin was not collected again this week",
    "damp and mould in the bedroom has not been repaired",
    "the council tax bill is wrong and I was charged summons costs",
    "parking ticket issued unfairly outside my own house",
    "nobody got back to me about the leaking roof repair",
    "the housing officer was rude to me on the phone",
    "street lights have been broken on our road for weeks",
    "pothole on the road damaged my car tyre",
]
TAILS = ["please sort it out", "this is the third time", "I am very unhappy", "it is not good enough", "", "thank you"]
NEW = "the new garden waste subscription charge was taken twice from my account"


def stream(seed: int, n: int = 3000, planted: float = 0.0) -> tuple[list[str], np.ndarray]:
    """Texts from a fixed mix; the last quarter of them (the 'latest' period) may carry a planted new theme."""
    rng = np.random.default_rng(seed)
    texts = [f"{BASE[rng.integers(len(BASE))]} {TAILS[rng.integers(len(TAILS))]}" for _ in range(n)]
    latest = np.arange(n) >= 3 * n // 4
    for i in np.flatnonzero(latest):
        if rng.random() < planted:
            texts[i] = f"{NEW} {TAILS[rng.integers(len(TAILS))]}"
    return texts, latest


def test_planted_theme_is_found_with_its_phrases_and_counts():
    texts, latest = stream(0, planted=0.06)
    em = find_emerging(texts, latest=latest, baseline=~latest, min_count=10)
    assert len(em.clusters) == 1
    c = em.clusters.iloc[0]
    assert "garden waste" in c["terms"]
    planted = sum(t.startswith(NEW) for t in texts)
    assert c["latest_count"] == planted and c["baseline_count"] == 0
    assert c["q_value"] < 0.01
    assert len(em.quotes) >= 1 and all(q.startswith("the new garden waste") for q in em.quotes["quote"])
    assert (em.labels != "").sum() == planted


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_stationary_stream_has_no_emerging_theme(seed):
    texts, latest = stream(seed)
    em = find_emerging(texts, latest=latest, baseline=~latest, min_count=10)
    assert em.clusters.empty, em.terms
    assert em.n_tested > 20  # terms were tested, none passed


def test_minimum_count_stops_a_rare_new_phrase():
    texts, latest = stream(0)
    idx = np.flatnonzero(latest)[:6]
    for i in idx:
        texts[i] = NEW
    assert find_emerging(texts, latest=latest, baseline=~latest, min_count=10).clusters.empty
    assert not find_emerging(texts, latest=latest, baseline=~latest, min_count=5).clusters.empty


def test_a_theme_that_was_already_common_does_not_emerge_when_it_grows_a_little():
    texts, latest = stream(0)
    rng = np.random.default_rng(9)
    # garden waste is 5% of the baseline and 6% of the latest period: no real rise
    for i in range(len(texts)):
        if rng.random() < (0.06 if latest[i] else 0.05):
            texts[i] = NEW
    assert find_emerging(texts, latest=latest, baseline=~latest, min_count=10).clusters.empty


def test_names_in_text_never_become_emerging_terms():
    texts, latest = stream(0)
    for i in np.flatnonzero(latest)[::8]:
        texts[i] = f"I spoke to Mrs Okonkwo-Baptiste and then Okonkwo-Baptiste again, {texts[i]}"
    em = find_emerging(texts, latest=latest, baseline=~latest, min_count=10)
    assert not any("okonkwo" in t for t in em.terms["term"])


@pytest.mark.model
def test_theme_finder_is_stable_for_a_seed():
    texts, _ = stream(3, n=800, planted=0.0)
    a = ThemeFinder(n_themes=6, random_state=11).fit(texts)
    b = ThemeFinder(n_themes=6, random_state=11).fit(texts)
    pd.testing.assert_frame_equal(a.themes_, b.themes_)
    assert (a.labels_ == b.labels_).all()
    names = " ".join(a.themes_["theme"]).lower()
    assert "bin" in names and "roof" in names


@pytest.mark.model
def test_a_theme_is_named_by_its_problem_not_by_the_room():
    """Every word of "damp and mould in the bedroom" is equally common and specific in its theme: the name is the
    problem, not the room it is in, nor the street or the house where a ticket was issued."""
    texts, _ = stream(3, n=800, planted=0.0)
    names = " ".join(ThemeFinder(n_themes=6, random_state=11).fit(texts).themes_["theme"]).lower()
    assert "damp" in names or "mould" in names
    assert "bedroom" not in names and "house" not in names and "road" not in names


def test_share_change_test_flags_a_real_rise_and_not_noise():
    rng = np.random.default_rng(4)
    received = pd.Series(pd.date_range("2023-04-01", "2024-03-31", periods=4000))
    q4 = received >= "2024-01-01"
    labels = pd.Series(rng.choice(["A", "B", "C"], size=4000))
    labels[q4 & (rng.random(4000) < 0.3)] = "D"  # D only in the last quarter
    counts = tr.theme_counts(labels, received, by="quarter")
    ch = tr.share_changes(counts).set_index("theme")
    assert ch.loc["D", "direction"] == "rose" and ch.loc["D", "significant"]
    stationary = tr.share_changes(tr.theme_counts(pd.Series(rng.choice(["A", "B", "C"], size=4000)), received, by="quarter"))
    assert not stationary["significant"].any()


def test_count_change_uses_the_exact_poisson_test():
    out = tr.count_changes(pd.Series({"A": 60, "B": 21}), pd.Series({"A": 30, "B": 20})).set_index("theme")
    assert out.loc["A", "direction"] == "rose"  # 60 v 30: p ≈ 0.002
    assert out.loc["B", "direction"] == "steady"
    assert out.loc["A", "change_pct"] == 100.0


def test_phrasings_that_reach_one_team_are_one_theme():
    """A new problem told two ways that never share a complaint is two clusters by words alone; with
    each complaint's team it is one theme for that team, and another team's new problem stays apart."""
    rng = np.random.default_rng(3)
    texts, teams = [], []
    for i in range(4000):
        latest = i >= 3000
        r = rng.random()
        if latest and r < 0.03:
            texts.append("nobody told us about the new collection day")
            teams.append("Waste Collections")
        elif latest and r < 0.06:
            texts.append("the bin calendar is a shambles for our road")
            teams.append("Waste Collections")
        elif latest and r < 0.09:
            texts.append("the parking permit portal shows an error")
            teams.append("Parking Permits")
        else:
            k = rng.integers(len(BASE))
            texts.append(f"{BASE[k]} {TAILS[rng.integers(len(TAILS))]}")
            teams.append(f"team {k}")
    latest = np.arange(4000) >= 3000
    words_only = find_emerging(texts, latest=latest, baseline=~latest, min_count=10)
    assert len(words_only.clusters) == 3 and set(words_only.clusters["context"]) == {""}
    em = find_emerging(texts, latest=latest, baseline=~latest, min_count=10, context=teams)
    assert len(em.clusters) == 2
    waste = em.clusters[em.clusters["context"] == "Waste Collections"].iloc[0]
    assert "new collection" in waste["terms"] and "calendar" in waste["terms"]
    assert waste["latest_count"] == sum(t.startswith(("nobody told", "the bin calendar")) for t in texts)
    assert em.clusters[em.clusters["context"] == "Parking Permits"].iloc[0]["latest_count"] == sum("permit portal" in t for t in texts)
