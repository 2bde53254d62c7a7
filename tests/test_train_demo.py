"""The model trained on the small demo year (session fixture): contract shape and behaviour."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from rca.model.store import load_model
from rca.schema import DEFAULT_TARGETS

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def bundle(trained_model_dir):
    return load_model(trained_model_dir)


def test_default_targets_and_contract(bundle, demo_small):
    assert bundle.targets == list(DEFAULT_TARGETS)
    texts = demo_small.cases["text"].head(50).tolist()
    preds = bundle.predict(texts)
    for t in DEFAULT_TARGETS:
        p = preds[t]
        assert len(p.labels) == 50 and p.confidence.shape == (50,) and p.review.dtype == bool
        assert p.proba.shape == (50, len(p.classes))
        assert ((p.confidence >= 0) & (p.confidence <= 1)).all()
        assert np.array_equal(p.review, p.confidence < bundle.threshold(t))
    assert all(lab for lab in preds["escalation_reason"].labels)
    assert bundle.manifest["target_kinds"]["escalation_reason"] == "multi_label"


def test_beats_baselines_on_held_out_demo(trained_model_dir):
    metrics = json.loads((trained_model_dir / "metrics.json").read_text())
    for t in ("root_cause", "service", "acceptability"):
        m = metrics[t]
        assert m["macro_f1"] > m["baselines"]["majority"]["macro_f1"], t
        assert m["macro_f1"] > m["baselines"]["tfidf_lr"]["macro_f1"], t
        assert 0 <= m["coverage"] <= 1 and m["n_test"] > 0


def test_behaviour_on_plain_sentences(bundle):
    preds = bundle.predict(
        [
            "My bin has not been collected for three weeks and the recycling is overflowing.",
            "I got a parking ticket (penalty charge notice) although I had a valid permit.",
        ]
    )
    assert preds["service"].labels == ["Waste and Street Cleansing", "Parking"]


def test_street_name_does_not_change_the_tag(bundle):
    a = "The bin collection at 14 Mill Lane was missed again, the crew never came."
    b = "The bin collection at 3 Acacia Avenue was missed again, the crew never came."
    pa, pb = bundle.predict([a, b])["service"].proba
    np.testing.assert_allclose(pa, pb, atol=1e-9)  # addresses are redacted before features


def test_past_cases_for_similar_search(trained_model_dir, demo_small):
    past = pd.read_parquet(trained_model_dir / "cases.parquet")
    assert len(past) == len(demo_small.cases)
    assert list(past.columns) == [
        "case_id",
        "received",
        "service",
        "team",
        "outcome",
        "corrective_action",
        "root_cause",
        "complainant_id",
        "case_type",
        "stage",
        "text_redacted",
    ]
    assert not past["text_redacted"].str.contains(r"\b[A-Z]{1,2}\d{1,2}[A-Z]? \d[A-Z]{2}\b", regex=True).any()


def _without_timings(metrics: dict) -> dict:
    return {t: {k: v for k, v in m.items() if "seconds" not in k} for t, m in metrics.items()}


def test_targets_fitted_in_worker_processes_give_the_same_models(trained_model_dir, demo_small, bundle, tmp_path, monkeypatch):
    """With `n_jobs` 2 and the row floor lowered, every target (and each one's baselines) is fitted in a
    worker process; the saved models, their metrics and their predictions are those of the in-process fits."""
    from rca.config import Config
    from rca.model import target_fits
    from rca.model.train import train_models

    used = []
    real = target_fits.run_all
    monkeypatch.setattr(target_fits, "PARALLEL_MIN_ROWS", 0)
    monkeypatch.setattr(target_fits, "run_all", lambda tasks, n_jobs: used.append(n_jobs) or real(tasks, n_jobs))
    res = train_models(demo_small.cases, model_dir=tmp_path / "m", config=Config(seed=7), recipe="fast")
    assert used and all(n == 2 for n in used)  # the evaluated fits and the final fits both went to workers
    alone = json.loads((trained_model_dir / "metrics.json").read_text())
    assert json.loads(json.dumps(_without_timings(res.metrics), default=str)) == json.loads(
        json.dumps(_without_timings(alone), default=str)
    )
    texts = demo_small.cases["text"].head(200).tolist()
    parallel, serial = load_model(tmp_path / "m").predict(texts), bundle.predict(texts)
    for t in DEFAULT_TARGETS:
        assert parallel[t].labels == serial[t].labels
        np.testing.assert_array_equal(parallel[t].proba, serial[t].proba)
