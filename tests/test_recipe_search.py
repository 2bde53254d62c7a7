"""The recipe search: chosen by cross-validation on training rows only, user settings respected, said honestly."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from rca.model import recipe_search as rs
from rca.cli.main import app
from rca.config import config_from_dict
from rca.errors import RcaError
from rca.model.classifier import ModelSettings
from rca.model.recipe import search_space
from rca.model.train import train_models

pytestmark = pytest.mark.model

runner = CliRunner()


@pytest.fixture(autouse=True)
def no_embedding_candidate(monkeypatch):
    """The portfolio without the sentence-embedding view, so counts of candidates are the same on every install."""
    monkeypatch.setattr("rca.model.recipe._static_model", lambda: None)


KEYWORDS = {"noise": "neighbourhood", "bins": "collection", "roads": "potholes", "rent": "arrears"}
FILLER = "the council said it would look into this matter soon please help me with it today".split()


def _typo(word: str, rng) -> str:
    """A one-letter slip (drop, double or swap), as typed in a hurry."""
    i = int(rng.integers(1, len(word) - 2))
    kind = rng.integers(3)
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i] + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def corpus(n: int, *, typos: bool, seed: int = 0) -> pd.DataFrame:
    """Texts whose class is told by one keyword; with `typos` the keyword is misspelt a different way in most rows,
    so each spelling is too rare for a word feature and only character n-grams see the word."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        label = list(KEYWORDS)[i % len(KEYWORDS)]
        word = KEYWORDS[label]
        if typos and rng.random() < 0.9:
            word = _typo(_typo(word, rng), rng)
        filler = list(rng.choice(FILLER, size=6))
        filler.insert(int(rng.integers(0, 6)), word)
        rows.append({"case_id": f"C{i}", "text": f"ref{i} " + " ".join(filler), "label": label})
    return pd.DataFrame(rows)


def _search(df: pd.DataFrame, **kw):
    y = pd.factorize(df["label"], sort=True)[0]
    space = rs.SearchSpace(views={"word": {"char_ngrams": []}, "word+char": {"char_ngrams": [2, 5]}}, C=[0.3], rules=["scores"])
    return rs.search(df["text"].str.lower().tolist(), {"label": (np.arange(len(df)), y)}, ModelSettings(), space, seed=3, **kw)


def test_search_picks_character_ngrams_where_typos_hide_the_words():
    res = _search(corpus(240, typos=True))
    scores = {c.view: c.score for c in res.candidates}
    assert res.view == "word+char", scores
    assert scores["word+char"] > scores["word"] + 0.1


def test_search_keeps_word_ngrams_where_they_suffice():
    res = _search(corpus(240, typos=False))
    assert res.view == "word", {c.view: c.score for c in res.candidates}


def test_a_static_embedding_model_adds_its_views_unless_embeddings_are_set(monkeypatch):
    monkeypatch.setattr("rca.model.recipe._static_model", lambda: "/models/static")
    space, _ = search_space({}, ModelSettings())
    assert space.views == {
        "word": {"char_ngrams": [], "embeddings": None},
        "word+char": {"char_ngrams": [2, 5], "embeddings": None},
        "word+embed": {"char_ngrams": [], "embeddings": "/models/static"},
        "word+char+embed": {"char_ngrams": [2, 5], "embeddings": "/models/static"},
    }
    space, _ = search_space({"char_ngrams": []}, ModelSettings(char_ngrams=[]))
    assert list(space.views) == ["word", "word+embed"]
    space, fixed = search_space({"embeddings": None}, ModelSettings())
    assert list(space.views) == ["word", "word+char"] and fixed == ["embeddings"]


def test_model_settings_written_are_fixed_and_the_rest_searched():
    space, fixed = search_space({"C": 0.7}, ModelSettings(C=0.7))
    assert space.C == [0.7] and "C" in fixed and len(space.views) >= 2 and len(space.rules) == 3
    space, fixed = search_space({"char_ngrams": [], "decision": "scores"}, ModelSettings(char_ngrams=[], decision="scores"))
    assert list(space.views) == ["word"] and space.rules == ["scores"] and space.C == list(rs.C_GRID)
    df = corpus(160, typos=True)
    cfg = config_from_dict({"seed": 2, "tracking": {"enabled": False}, "model": {"C": 0.7, "baselines": False}})
    res = train_models(df, targets=["label"], model_dir=_tmp() / "m", config=cfg)
    rec = res.metrics["label"]["recipe"]
    assert rec["C"] == 0.7 and {c["C"] for c in rec["candidates"]} == {0.7}
    assert res.manifest["recipe"]["fixed"] == ["C"]
    cfg = config_from_dict(
        {"seed": 2, "tracking": {"enabled": False}, "model": {"C": 0.7, "char_ngrams": [], "decision": "scores", "baselines": False}}
    )
    res = train_models(df, targets=["label"], model_dir=_tmp() / "m2", config=cfg)
    assert res.manifest["recipe"]["mode"] == "fixed" and res.metrics["label"]["recipe"]["candidates"] == []
    assert res.manifest["settings"]["C"] == 0.7 and res.manifest["settings"]["char_ngrams"] == []


def _tmp():
    import tempfile
    from pathlib import Path

    return Path(tempfile.mkdtemp(prefix="rca-recipe-"))


def test_held_out_rows_never_enter_the_search(monkeypatch):
    import rca.model.train as train_mod

    seen, split = {}, {}
    real_search, real_split = rs.search, train_mod.holdout_split

    def spy_search(texts, targets, *a, **kw):
        seen["ids"] = {int(m.group(1)) for t in texts for m in [re.search(r"ref(\d+)", t)] if m}
        seen["rows"] = {t: len(idx) for t, (idx, _) in targets.items()}
        return real_search(texts, targets, *a, **kw)

    def spy_split(*a, **kw):
        test, how = real_split(*a, **kw)
        split["test"] = set(np.flatnonzero(test).tolist())
        return test, how

    monkeypatch.setattr(rs, "search", spy_search)
    monkeypatch.setattr(train_mod, "holdout_split", spy_split)
    df = corpus(200, typos=True)
    cfg = config_from_dict({"seed": 5, "tracking": {"enabled": False}, "model": {"baselines": False}})
    res = train_models(df, targets=["label"], model_dir=_tmp() / "m", config=cfg)
    assert split["test"] and seen["ids"]
    assert seen["ids"].isdisjoint(split["test"])
    assert seen["ids"] == set(range(200)) - split["test"]
    assert seen["rows"]["label"] == res.metrics["label"]["n_train"]


def test_too_few_rows_keeps_the_fixed_recipe_and_says_so(tmp_path):
    df = corpus(24, typos=False)
    df.to_csv(tmp_path / "few.csv", index=False)
    (tmp_path / "rca.toml").write_text("[tracking]\nenabled = false\n")
    out = runner.invoke(
        app,
        [
            "train",
            str(tmp_path / "few.csv"),
            "--target",
            "label",
            "--model-dir",
            str(tmp_path / "m"),
            "--config",
            str(tmp_path / "rca.toml"),
        ],
    )
    assert out.exit_code == 0, out.output
    assert "too few to compare recipes" in out.stdout and "fixed recipe is used" in out.stdout
    rec = json.loads((tmp_path / "m" / "metrics.json").read_text())["label"]["recipe"]
    assert rec["chosen_by"] == "fixed" and rec["char_ngrams"] == []


def test_folds_shrink_when_classes_are_small():
    y = np.array([0] * 20 + [1] * 20 + [2] * 2)
    k, note = rs.search_folds(y)
    assert k == 3 and "fewer than 3 rows" in note
    y = np.array([0] * 30 + [1] * 2 + [2] * 2)
    k, note = rs.search_folds(y)
    assert k == 2 and "shrunk from 3 to 2" in note


def test_tiny_budget_is_a_coded_error_naming_a_workable_budget(tmp_path):
    df = corpus(120, typos=False)
    df.to_csv(tmp_path / "c.csv", index=False)
    (tmp_path / "rca.toml").write_text("[tracking]\nenabled = false\n")
    out = runner.invoke(
        app,
        [
            "train",
            str(tmp_path / "c.csv"),
            "--target",
            "label",
            "--model-dir",
            str(tmp_path / "m"),
            "--config",
            str(tmp_path / "rca.toml"),
            "--budget",
            "0.0001",
        ],
    )
    assert out.exit_code != 0
    assert "E320" in out.stderr and re.search(r"smallest workable budget is about \d+ s", out.stderr)
    assert not (tmp_path / "m" / "metrics.json").exists()
    with pytest.raises(RcaError) as err:
        _search(corpus(120, typos=False), budget=1e-6)
    assert err.value.code == "E320"


def test_recipe_recorded_in_metrics_card_and_mlflow(tmp_path):
    df = corpus(160, typos=True)
    df.to_csv(tmp_path / "c.csv", index=False)
    out = runner.invoke(app, ["train", str(tmp_path / "c.csv"), "--target", "label", "--model-dir", str(tmp_path / "m")])
    assert out.exit_code == 0, out.output
    assert "recipe chosen by 3-fold cross-validation on the training rows" in out.stdout
    m = json.loads((tmp_path / "m" / "metrics.json").read_text())["label"]
    rec = m["recipe"]
    assert rec["chosen_by"] == "cross-validation" and rec["holdout_macro_f1"] == m["macro_f1"]
    assert all(c["seconds"] > 0 and c["cv_macro_f1"] for c in rec["candidates"])
    # 2 views x 3 C, then each word+char one averaged with the best word-only SVM
    assert [c["word_view_C"] is None for c in rec["candidates"]] == [True] * 6 + [False] * 3
    assert rec["view"] == "word+char" and rec["char_ngrams"] == [2, 5]
    card = (tmp_path / "m" / "MODEL_CARD.md").read_text()
    assert "How the recipe was chosen" in card and f"held-out macro-F1 {m['macro_f1']:.3f}" in card
    assert card.count("| word+char |") == 3 and card.count("| word |") == 3
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=f"sqlite:///{(tmp_path / 'm' / 'mlflow.db').resolve()}")
    runs = client.search_runs([e.experiment_id for e in client.search_experiments()])
    parent = [r for r in runs if "mlflow.parentRunId" not in r.data.tags]
    children = [r for r in runs if r.data.tags.get("mlflow.parentRunId") == parent[0].info.run_id]
    assert len(parent) == 1 and len(children) == 9
    assert parent[0].data.tags["recipe.view"] == "word+char"
    assert all("label.cv_macro_f1.scores" in r.data.metrics and "seconds" in r.data.metrics for r in children)


def test_fast_recipe_skips_the_search(tmp_path):
    df = corpus(160, typos=True)
    cfg = config_from_dict({"seed": 2, "tracking": {"enabled": False}, "model": {"baselines": False}})
    res = train_models(df, targets=["label"], model_dir=tmp_path / "m", config=cfg, recipe="fast")
    rec = res.metrics["label"]["recipe"]
    assert rec["mode"] == "fast" and rec["candidates"] == [] and rec["char_ngrams"] == [] and rec["C"] == 0.5
    out = runner.invoke(app, ["train", "x.csv", "--recipe", "slow", "--model-dir", str(tmp_path / "m2")])
    assert out.exit_code != 0 and "E205" in out.stderr


def test_an_averaged_word_and_character_model_is_saved_and_scores(tmp_path):
    from rca.model.store import load_model
    from rca.model.view_ensemble import ViewAverage

    df = corpus(200, typos=True)
    cfg = config_from_dict(
        {"seed": 4, "tracking": {"enabled": False}, "model": {"word_view_C": 0.3, "char_ngrams": [2, 5], "baselines": False}}
    )
    res = train_models(df, targets=["label"], model_dir=tmp_path / "m", config=cfg)
    assert res.manifest["recipe"]["fixed"][:2] == ["char_ngrams", "word_view_C"]
    bundle = load_model(tmp_path / "m")
    est = bundle.models["label"].estimator_
    assert isinstance(est, ViewAverage) and est.C_first == 0.3 and est.first_columns < est.coef_.shape[1]
    pred = bundle.predict(df["text"].tolist()[:40], targets=["label"])["label"]
    assert np.mean(np.array(pred.labels) == df["label"].to_numpy()[:40]) >= 0.8


def test_a_budget_skips_the_candidates_it_cannot_afford():
    import itertools

    tick = itertools.count()  # a clock that advances one second per reading: the search's own costs, made fixed
    res = _search(corpus(120, typos=True), budget=8, clock=lambda: float(next(tick)))
    assert [(c.view, c.status) for c in res.candidates] == [("word", "evaluated"), ("word+char", "skipped (budget)")]
    assert res.view == "word"  # the better char view was never scored, so it cannot be chosen
    tick = itertools.count()
    res = _search(corpus(120, typos=True), budget=100, clock=lambda: float(next(tick)))
    assert res.view == "word+char" and all(c.status == "evaluated" for c in res.candidates)
