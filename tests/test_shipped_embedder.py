"""The static model shipped inside rca is a sentence-embedding candidate in a default install."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rca.config import config_from_dict
from rca.text.embeddings import StaticEmbedder, make_embedder
from rca.model.classifier import ModelSettings
from rca.model.recipe import _static_model, search_space
from rca.text.shipped_embedder import ShippedEmbedder, shipped_folder
from rca.text.static_model import StaticVectors

pytestmark = pytest.mark.skipif(shipped_folder() is None, reason="this install lacks the shipped static model")

TEXTS = ["the bin was not collected again", "missed bin collection on tuesday", "noisy neighbours every night", ""]


def test_the_shipped_model_is_an_embedding_candidate_without_extras():
    assert _static_model() == "static"
    space, fixed = search_space({}, ModelSettings())
    assert space.views["word+embed"] == {"char_ngrams": [], "embeddings": "static"} and "embeddings" not in fixed


def test_static_names_the_numpy_model_and_vectors_match_it():
    assert isinstance(make_embedder("static", 2.0), ShippedEmbedder)
    assert isinstance(make_embedder(str(shipped_folder()), 2.0), ShippedEmbedder)  # a folder in the numpy format
    assert isinstance(make_embedder("/nowhere/model2vec", 2.0), StaticEmbedder)
    e = ShippedEmbedder("static", weight=3.0).fit(TEXTS)
    want = StaticVectors.load(shipped_folder()).encode(TEXTS) * 3.0
    np.testing.assert_allclose(e.transform(TEXTS), want, rtol=1e-5, atol=1e-6)
    near = e.transform(TEXTS[:3])
    assert near[0] @ near[1] > near[0] @ near[2]  # two ways of saying the bin was missed sit closer


@pytest.mark.model  # trains
def test_a_model_trained_with_the_shipped_embeddings_is_saved_self_contained_and_scores(tmp_path, monkeypatch):
    from rca.model.store import load_model

    rng = np.random.default_rng(0)
    words = {"bins": ["bin", "collection", "rubbish", "recycling"], "noise": ["noise", "loud", "music", "party"]}
    rows = [{"text": " ".join(rng.choice(words[lab], size=3)) + f" case {i}", "label": lab} for i, lab in enumerate(["bins", "noise"] * 60)]
    cfg = config_from_dict(
        {"seed": 1, "tracking": {"enabled": False}, "model": {"embeddings": "static", "baselines": False, "C": 0.5, "decision": "scores"}}
    )
    from rca.model.train import train_models

    res = train_models(pd.DataFrame(rows), targets=["label"], model_dir=tmp_path / "m", config=cfg)
    assert res.metrics["label"]["macro_f1"] >= 0.9 and res.manifest["settings"]["embeddings"] == "static"
    # scoring reads the vectors kept in the model, not the package's folder
    monkeypatch.setattr("rca.text.shipped_embedder.shipped_folder", lambda: None)
    bundle = load_model(tmp_path / "m")
    embed = dict(bundle.featuriser.named_steps["union"].transformer_list)["embed"]
    assert isinstance(embed, ShippedEmbedder) and embed.q_.dtype == np.int8
    pred = bundle.predict(["loud music party all night", "the recycling bin was missed"], targets=["label"])["label"]
    assert pred.labels == ["noise", "bins"]


def test_no_word_view_average_is_proposed_beside_embeddings():
    # the averaged model's first SVM reads the word columns alone, so it cannot stand for a word+embed classifier
    from rca.model import recipe_search as rs

    views = {"word+embed": {"char_ngrams": [], "embeddings": "static"}, "word+char+embed": {"char_ngrams": [2, 5], "embeddings": "static"}}
    space = rs.SearchSpace(views=views, C=[0.3], rules=["scores"], average=True)
    cands = [
        rs.Candidate("word+embed", 0.3, status="evaluated", score=0.5),
        rs.Candidate("word+char+embed", 0.3, status="evaluated", score=0.6),
    ]
    asked = []
    out = rs._averages(cands, space, 0, lambda *a, **k: asked.append(a), lambda *a: True)
    assert out == [] and asked == []
    # without embeddings the same two views are paired (the check above is not vacuous)
    space = rs.SearchSpace(
        views={"word": {"char_ngrams": []}, "word+char": {"char_ngrams": [2, 5]}}, C=[0.3], rules=["scores"], average=True
    )
    cands = [rs.Candidate("word", 0.3, status="evaluated", score=0.5), rs.Candidate("word+char", 0.3, status="evaluated", score=0.6)]
    out = rs._averages(cands, space, 0, lambda *a, **k: asked.append(a), lambda *a: True)
    assert [(c.view, c.word_C) for c in out] == [("word+char", 0.3)] and len(asked) == 1
