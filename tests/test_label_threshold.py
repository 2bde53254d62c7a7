"""The per-label cut-off of multi-label targets (`rca.model.calibration.best_f1_threshold`)."""

import numpy as np
import pytest

from rca.model.calibration import best_f1_threshold


def _f1(p, y, t):
    pred = p >= t
    return 2 * (pred & (y == 1)).sum() / (pred.sum() + y.sum())


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_cut_off_has_the_best_f1_of_every_distinct_probability_within_the_cap(seed):
    rng = np.random.default_rng(seed)
    y = (rng.random(300) < 0.2).astype(int)
    p = np.clip(0.25 + 0.3 * y + rng.normal(0, 0.15, 300), 0, 1).round(3)  # ties included
    most = max(2 * y.mean(), y.mean() + 0.05)
    allowed = [t for t in np.unique(p) if (p >= t).mean() <= most]
    best = max(_f1(p, y, t) for t in allowed)
    t = best_f1_threshold(p, y)
    assert _f1(p, y, t) == pytest.approx(best)
    assert (p >= t).mean() <= most
    # not limited to a grid of 0.05 steps: the exact best cut-off is one of the probabilities
    assert t in set(p.tolist())


def test_a_label_the_scores_separate_is_cut_at_its_least_likely_case():
    p = np.array([0.1, 0.2, 0.6, 0.7, 0.9])
    y = np.array([0, 0, 1, 1, 1])
    assert best_f1_threshold(p, y) == 0.6  # a 0.05-step grid would say 0.25 (the first step above 0.2)


def test_a_label_with_no_positive_or_only_positives_gets_the_default():
    assert best_f1_threshold(np.array([0.2, 0.4]), np.array([0, 0])) == 0.5
    assert best_f1_threshold(np.array([0.2, 0.4]), np.array([1, 1])) == 0.5
