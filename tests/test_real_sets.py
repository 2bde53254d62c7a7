"""Opt-in checks on the real sets in ../shared/data (skipped when absent).

The loaders must give the fixed, leak-free splits the benchmarks report on, and
rca's own train / score path must learn real text better than chance and not
worse than a plain TF-IDF + logistic regression on the same rows. The product
check trains on a 3,000-row sample of NHS feedback so it stays quick.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import real_data  # noqa: E402

pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def nhs(shared_data):
    return real_data.nhs_theme(shared_data)


def test_nhs_split_is_stratified_80_20_and_disjoint(nhs):
    n = len(nhs.train_text) + len(nhs.test_text)
    assert 51_000 < n <= 51_843
    assert abs(len(nhs.test_text) / n - 0.2) < 0.001
    assert len(set(nhs.train_y)) == 17 and set(nhs.test_y) <= set(nhs.train_y)
    tr, te = Counter(nhs.train_y), Counter(nhs.test_y)
    # stratified: each common class keeps its share within a row or two
    for label in ("Couldn't be improved", "Access to Services", "Communication"):
        assert abs(te[label] / len(nhs.test_y) - tr[label] / len(nhs.train_y)) < 0.002


def test_split_is_reproducible(nhs, shared_data):
    again = real_data.nhs_theme(shared_data)
    assert again.test_text[:50] == nhs.test_text[:50] and again.test_y == nhs.test_y


def test_validation_is_carved_from_train_only(nhs):
    v = nhs.validation()
    assert len(v.train_text) + len(v.test_text) == len(nhs.train_text)
    assert Counter(v.train_y) + Counter(v.test_y) == Counter(nhs.train_y)


def test_cfpb_keeps_every_labelled_row(shared_data):
    import pandas as pd

    s = real_data.cfpb_payday_issue(shared_data)
    raw = pd.read_csv(shared_data / "cfpb" / "cfpb_2023_payday_loans_export.csv")
    assert len(s.train_text) + len(s.test_text) == raw["Issue"].notna().sum()
    assert "singleton" in s.split  # the one single-row Issue stays in train
    assert len(set(s.train_y)) == 24


def test_banking77_uses_published_split(shared_data):
    s = real_data.banking77(shared_data)
    assert (len(s.train_text), len(s.test_text)) == (10_003, 3_080)
    assert len(set(s.test_y)) == 77


def test_missing_data_raises_datamissing(tmp_path):
    with pytest.raises(real_data.DataMissing):
        real_data.nhs_theme(tmp_path)
    assert real_data.available(tmp_path) == {}


@pytest.mark.model
def test_product_learns_nhs_themes_better_than_plain_baseline(nhs, tmp_path):
    """train_models + load_model on 3,000 NHS rows: macro-F1 on 1,500 held-out rows
    beats TF-IDF + LR on the same rows."""
    import pandas as pd
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score
    from sklearn.pipeline import make_pipeline

    from rca.config import config_from_dict
    from rca.model.store import load_model
    from rca.model.train import train_models

    rng = np.random.default_rng(0)
    tr = rng.choice(len(nhs.train_text), 3000, replace=False)
    te = rng.choice(len(nhs.test_text), 1500, replace=False)
    texts, y = [nhs.train_text[i] for i in tr], [nhs.train_y[i] for i in tr]
    test_texts, test_y = [nhs.test_text[i] for i in te], [nhs.test_y[i] for i in te]
    cases = pd.DataFrame({"case_id": [str(i) for i in range(len(texts))], "text": texts, "theme": y})
    recipe = {
        "classifier": "svm",
        "C": 1.0,
        "class_weight": "balanced",
        "word_ngrams": [1, 2],
        "char_ngrams": [],
        "cv_folds": 3,
        "baselines": False,
    }
    cfg = config_from_dict({"seed": 0, "model": recipe, "tracking": {"enabled": False}})
    train_models(cases, targets=["theme"], model_dir=tmp_path / "m", config=cfg, seed=0)
    pred = load_model(tmp_path / "m").predict(test_texts, targets=["theme"])["theme"]
    ours = f1_score(test_y, list(pred.labels), average="macro")
    plain = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000)).fit(texts, y)
    theirs = f1_score(test_y, plain.predict(test_texts), average="macro")
    assert len(pred.labels) == len(test_texts)
    assert ours > theirs + 0.03
    assert ours > 0.25
