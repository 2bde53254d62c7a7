"""After a time split the saved model is calibrated on an out-of-sample score of every row, with no second CV."""

from __future__ import annotations

import pandas as pd
import pytest

from rca.model import classifier as rca_models
from rca.config import config_from_dict
from rca.model.store import load_model
from rca.model.train import train_models

from _builders import planted_frame, with_new_code


def frame(n: int = 180) -> pd.DataFrame:
    """Planted-phrase cases with a multi-label `tags` column, phrase first in every text."""
    return planted_frame(n, shuffle=False, tags=True)


def cfg(**model):
    return config_from_dict({"seed": 3, "tracking": {"enabled": False}, "multi_label": ["tags"], "model": {"baselines": False, **model}})


@pytest.fixture
def cv_calls(monkeypatch):
    """How many times a target was cross-validated (per label for a multi-label target)."""
    calls = []
    real = rca_models._oof_scores

    def counting(*a, **kw):
        calls.append(1)
        return real(*a, **kw)

    monkeypatch.setattr(rca_models, "_oof_scores", counting)
    return calls


@pytest.mark.model
@pytest.mark.parametrize("target", ["label", "tags"])
def test_time_split_final_model_reuses_out_of_sample_scores(tmp_path, cv_calls, target):
    res = train_models(frame(), targets=[target], model_dir=tmp_path / "m", config=cfg(), recipe="fast")
    m = res.metrics[target]
    assert "time split" in res.split and m["n_final"] == 180
    assert m["final_calibration"].startswith("out-of-fold scores of the training part")
    labels = 1 if target == "label" else len(load_model(tmp_path / "m").models[target].classes_)
    assert len(cv_calls) == labels  # the evaluated model's cross-validation only; none for the saved one
    bundle = load_model(tmp_path / "m")
    saved = bundle.models[target]
    assert "oof_" not in saved.__dict__  # training rows' scores are not stored in the model
    assert m["threshold"] == pytest.approx(float(saved.threshold_))
    assert bundle.predict(["the officer was rude to me"], targets=[target])[target].labels[0].startswith("Conduct")


@pytest.mark.model
def test_a_code_only_in_the_held_out_months_is_cross_validated_again(tmp_path, cv_calls):
    df = with_new_code(frame(150))
    res = train_models(df, targets=["label"], model_dir=tmp_path / "m", config=cfg(), recipe="fast")
    assert res.metrics["label"]["final_calibration"] == "a new cross-validation on every labelled row"
    assert len(cv_calls) == 2
    assert "Portal" in set(load_model(tmp_path / "m").models["label"].classes_)
