"""Active learning: uncertainty, diversity, no near-duplicates, and a simulated
labelling run on the demo year where suggested order beats random order."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from rca.governance.active_learning import labels_to_reach, learning_curve, select_for_labelling, suggest_labels, uncertainty
from rca.governance.audit import text_features
from rca.text.redact import redact_many


def test_uncertainty_measures_agree_on_order():
    p = np.array([[0.34, 0.33, 0.33], [0.6, 0.3, 0.1], [0.98, 0.01, 0.01]])
    for method in ("margin", "entropy", "least_confident"):
        u = uncertainty(p, method=method)
        assert u[0] > u[1] > u[2], method
        assert ((0 <= u) & (u <= 1)).all()
    with pytest.raises(ValueError, match="method"):
        uncertainty(p, method="vibes")


def test_selection_skips_near_duplicates_and_spreads_over_topics():
    texts = (
        ["bin not collected on our road"] * 5
        + ["bins not collected on our road"]
        + ["parking ticket unfair", "damp and mould in flat", "council tax bill wrong", "rude officer on phone"]
    )
    X, _ = text_features(texts)
    proba = np.tile([0.5, 0.5], (len(texts), 1))  # all equally uncertain
    proba[6:] = [0.55, 0.45]  # the varied ones a little less so
    pick = select_for_labelling(proba, X, n=5).tolist()
    assert len(pick) == 5
    assert sum(i < 6 for i in pick) == 1  # one of the six near-identical bin cases, not five
    assert len(set(pick)) == 5


def test_selection_without_diversity_is_pure_uncertainty():
    proba = np.array([[0.9, 0.1], [0.5, 0.5], [0.7, 0.3], [0.55, 0.45]])
    X = sparse.identity(4, format="csr")
    assert select_for_labelling(proba, X, n=3, diversity=0.0).tolist() == [1, 3, 2]


@pytest.mark.model
def test_suggested_order_beats_random_on_the_demo_year(demo_small):
    cases = demo_small.cases[demo_small.cases["service"].notna()].reset_index(drop=True)
    X, _ = text_features(redact_many(cases["text"].tolist()))
    y = cases["service"].astype(str).to_numpy()
    curves = pd.concat(
        [
            learning_curve(X, y, strategy=s, seed=seed, initial=50, batch=50, max_labels=400)
            for seed in (0, 1, 2)
            for s in ("suggested", "random")
        ]
    )
    mean = curves.groupby(["strategy", "n_labels"])["accuracy"].mean().unstack(0)
    assert (mean.loc[100:, "suggested"] > mean.loc[100:, "random"]).all()
    target = mean.loc[400, "random"]  # what random labelling reaches with 400 labels
    need = labels_to_reach(curves, target)
    assert need["suggested"] <= 0.75 * need["random"], need


def test_suggest_labels_builds_a_file_ready_to_code():
    class Pred:
        pass

    cases = pd.DataFrame(
        {"case_id": ["a", "b", "c", "d"], "text": ["bin not collected, ring 07700 900461", "bin not collected", "parking fine", "mould"]}
    )
    pred = Pred()
    pred.proba = np.array([[0.5, 0.5], [0.52, 0.48], [0.9, 0.1], [0.6, 0.4]])
    pred.classes = np.array(["Waste", "Parking"])
    pred.labels = ["Waste", "Waste", "Waste", "Waste"]
    pred.confidence = pred.proba.max(axis=1)
    out = suggest_labels(cases, pred, target="service", n=3)
    assert list(out.columns) == ["rank", "case_id", "text", "predicted_service", "confidence", "uncertainty", "service"]
    assert out["case_id"].tolist()[0] == "a" and len(out) == 3
    assert (out["service"] == "").all()
