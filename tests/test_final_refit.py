"""After a time split the saved model is calibrated on an out-of-sample score of every row, with no second CV."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rca.model import classifier as rca_models
from rca.config import config_from_dict
from rca.model.store import load_model
from rca.model.train import train_models

SIGNAL = {
    "Fees": ["charged a fee twice", "the charge on my bill is wrong", "refund the overcharge"],
    "Delay": ["waited six weeks for a reply", "still waiting, very slow", "no answer after a month"],
    "Conduct": ["the officer was rude", "staff shouted at me", "rude and dismissive manner"],
}
FILLER = ["about my flat", "this is the third time", "please sort it", "on the high street", "I am upset", "thank you"]


def frame(n: int = 180, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        lab = list(SIGNAL)[i % 3]
        words = [rng.choice(SIGNAL[lab]), rng.choice(FILLER), rng.choice(FILLER)]
        extra = "Fees" if "charge" in words[0] or i % 5 == 0 else "None"
        rows.append(
            {
                "case_id": f"C{i:04d}",
                "text": ". ".join(words),
                "label": lab,
                "tags": f"{lab};{extra}",
                "received": pd.Timestamp("2023-04-03") + pd.Timedelta(days=i),
            }
        )
    return pd.DataFrame(rows)


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


def test_a_code_only_in_the_held_out_months_is_cross_validated_again(tmp_path, cv_calls):
    df = frame(150)
    new = [
        {
            "case_id": f"N{i:03d}",
            "text": f"the new permit portal took my money. {FILLER[i % 6]}",
            "label": "Portal",
            "received": pd.Timestamp("2023-09-01") + pd.Timedelta(days=i),
        }
        for i in range(20)
    ]
    df = pd.concat([df, pd.DataFrame(new)], ignore_index=True)
    res = train_models(df, targets=["label"], model_dir=tmp_path / "m", config=cfg(), recipe="fast")
    assert res.metrics["label"]["final_calibration"] == "a new cross-validation on every labelled row"
    assert len(cv_calls) == 2
    assert "Portal" in set(load_model(tmp_path / "m").models["label"].classes_)
