"""Training on small inline corpora: planted signal learnt, baselines beaten,
determinism, multi-label thresholds, calibration and split arithmetic."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rca.model.calibration import choose_threshold, expected_calibration_error, fit_scaling, apply_scaling
from rca.config import config_from_dict
from rca.errors import RcaError
from rca.model.evaluate import case_groups, holdout_split
from rca.model.store import load_model
from rca.model.train import train_models

from _builders import FILLER, SIGNAL, planted_frame, with_new_code


def cfg(**model):
    return config_from_dict({"seed": 3, "tracking": {"enabled": False}, "model": model})


@pytest.mark.model
def test_learns_planted_signal_and_beats_majority(tmp_path):
    res = train_models(planted_frame(), targets=["label"], model_dir=tmp_path / "m", config=cfg())
    m = res.metrics["label"]
    assert m["n_train"] + m["n_test"] == 150
    assert m["macro_f1"] >= 0.95
    assert m["macro_f1"] > m["baselines"]["majority"]["macro_f1"] + 0.5
    bundle = load_model(tmp_path / "m")
    p = bundle.predict(["the officer was rude to me", "I was charged a fee twice"])["label"]
    assert p.labels == ["Conduct", "Fees"]
    assert p.proba.shape == (2, 3) and np.allclose(p.proba.sum(axis=1), 1)
    assert set(p.classes) == set(SIGNAL)
    empty = bundle.predict([])["label"]
    assert empty.labels == [] and empty.proba.shape == (0, 3)


@pytest.mark.model
def test_same_seed_same_model(tmp_path):
    a = train_models(planted_frame(seed=1), targets=["label"], model_dir=tmp_path / "a", config=cfg())
    b = train_models(planted_frame(seed=1), targets=["label"], model_dir=tmp_path / "b", config=cfg())
    assert a.metrics["label"]["macro_f1"] == b.metrics["label"]["macro_f1"]
    texts = ["rude staff", "slow reply and a wrong charge", "nothing to see"]
    pa = load_model(tmp_path / "a").predict(texts)["label"]
    pb = load_model(tmp_path / "b").predict(texts)["label"]
    np.testing.assert_array_equal(pa.proba, pb.proba)
    assert a.manifest["data"]["sha256"] == b.manifest["data"]["sha256"]


@pytest.mark.model
@pytest.mark.parametrize("classifier", ["logreg", "sgd"])
def test_every_classifier_setting_trains(tmp_path, classifier):
    res = train_models(
        planted_frame(90), targets=["label"], model_dir=tmp_path / "m", config=cfg(classifier=classifier, char_ngrams=[], C=5.0)
    )
    assert res.metrics["label"]["macro_f1"] >= 0.9
    assert res.manifest["settings"]["classifier"] == classifier


def test_unknown_model_setting_is_a_coded_error(tmp_path):
    with pytest.raises(RcaError) as e:
        train_models(planted_frame(30), targets=["label"], model_dir=tmp_path / "m", config=cfg(ngrams=3))
    assert e.value.code == "E202" and "ngrams" in str(e.value)


def test_target_without_enough_labels_is_e304(tmp_path):
    df = planted_frame(30)
    df["label"] = ["Fees"] * 29 + ["Delay"]
    with pytest.raises(RcaError) as e:
        train_models(df, targets=["label"], model_dir=tmp_path / "m", config=cfg())
    assert e.value.code == "E304"


def test_time_split_without_dates_is_e202(tmp_path):
    df = planted_frame(30).drop(columns=["received"])
    with pytest.raises(RcaError) as e:
        train_models(df, targets=["label"], model_dir=tmp_path / "m", config=cfg(split="time"))
    assert e.value.code == "E202"


def test_missing_target_column_is_e101(tmp_path):
    with pytest.raises(RcaError) as e:
        train_models(planted_frame(30), targets=["theme"], model_dir=tmp_path / "m", config=cfg())
    assert e.value.code == "E101" and "theme" in str(e.value)


@pytest.mark.model
def test_multi_label_uses_per_label_thresholds(tmp_path):
    rng = np.random.default_rng(4)
    rows = []
    for i in range(160):
        labs = [lab for lab in SIGNAL if rng.random() < 0.45] or ["Delay"]
        text = ". ".join([rng.choice(SIGNAL[lab]) for lab in labs] + [rng.choice(FILLER)])
        rows.append({"case_id": str(i), "text": text, "reasons": ";".join(labs)})
    df = pd.DataFrame(rows)
    res = train_models(df, targets=["reasons"], model_dir=tmp_path / "m", config=cfg())
    m = res.metrics["reasons"]
    assert m["kind"] == "multi_label"
    assert set(m["label_thresholds"]) == set(SIGNAL)
    assert all(0 < t < 1 for t in m["label_thresholds"].values())
    assert m["macro_f1"] >= 0.9
    p = load_model(tmp_path / "m").predict(["the officer was rude and I waited six weeks for a reply"])["reasons"]
    assert set(p.labels[0].split(";")) == {"Conduct", "Delay"}
    assert p.proba.shape == (1, 3)


def test_ece_by_hand():
    conf = np.array([0.95, 0.95, 0.95, 0.95, 0.55, 0.55])
    ok = np.array([1, 1, 1, 0, 1, 0])
    # bin 0.9-1.0: accuracy 0.75 vs 0.95 over 4 cases; bin 0.5-0.6: 0.5 vs 0.55 over 2
    expected = (abs(0.75 - 0.95) * 4 + abs(0.5 - 0.55) * 2) / 6
    assert expected_calibration_error(conf, ok, n_bins=10) == pytest.approx(expected)
    assert expected_calibration_error(np.array([1.0, 1.0]), np.array([1, 1])) == 0


def test_scaling_repairs_overconfident_scores():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 3000)
    true_logits = rng.normal(size=(3000, 3))
    true_logits[np.arange(3000), y] += 1.0
    scores = 4 * true_logits  # four times too sharp
    raw = apply_scaling(scores, 1.0, np.zeros(3))
    t, b = fit_scaling(scores, y)
    fixed = apply_scaling(scores, t, b)

    def ece(p):
        return expected_calibration_error(p.max(axis=1), p.argmax(axis=1) == y)

    assert t > 2
    assert ece(fixed) < 0.03 < ece(raw)


def test_threshold_meets_precision():
    conf = np.array([0.99, 0.95, 0.9, 0.8, 0.7, 0.6, 0.5])
    ok = np.array([1, 1, 1, 1, 0, 1, 0])
    assert choose_threshold(conf, ok, precision=0.8) == 0.6  # top 6: 5/6 right
    assert choose_threshold(conf, ok, precision=1.0) == 0.8
    assert choose_threshold(conf, np.zeros(7), precision=0.9) == 1.0


def test_split_keeps_related_cases_together():
    df = pd.DataFrame(
        {
            "case_id": [f"C{i}" for i in range(40)],
            "parent_case_id": [None] * 20 + [f"C{i}" for i in range(20)],  # C20..C39 escalate C0..C19
            "complainant_id": [f"P{i % 7}" if i < 10 else None for i in range(40)],
            "label": ["a", "b"] * 20,
            "received": [pd.Timestamp("2023-04-01") + pd.Timedelta(days=i * 5) for i in range(40)],
        }
    )
    groups = case_groups(df)
    assert groups[0] == groups[20] and groups[0] == groups[7]  # parent link and same complainant P0
    for how in ("time", "grouped"):
        test, desc = holdout_split(df, stratify=df["label"], test_size=0.25, how=how, seed=1)
        assert 0 < test.sum() < 40
        for g in np.unique(groups):
            assert len(set(test[groups == g])) == 1, f"{how}: group {g} split across train and test"
    test, _ = holdout_split(df, test_size=0.25, how="time")
    first = df.groupby(groups)["received"].transform("min")
    assert first[test].min() >= first[~test].max()


@pytest.mark.model
def test_frame_with_only_text_and_label(tmp_path):
    df = planted_frame(60)[["text", "label"]]
    res = train_models(df, targets=["label"], model_dir=tmp_path / "m", config=cfg())
    assert res.split.startswith("stratified split")
    past = pd.read_parquet(tmp_path / "m" / "cases.parquet")
    assert len(past) == 60 and past["case_id"].isna().all() and past["text_redacted"].notna().all()


# ---------------------------------------------------------------- decision rules
def imbalanced_blobs(n: int, seed: int):
    """Five overlapping Gaussian classes of very different sizes (a council-like long tail)."""
    rng = np.random.default_rng(seed)
    sizes = (np.array([0.62, 0.2, 0.1, 0.05, 0.03]) * n).astype(int)
    centres = np.random.default_rng(99).normal(scale=0.6, size=(5, 10))
    y = np.repeat(np.arange(5), sizes)
    X = centres[y] + rng.normal(size=(len(y), 10))
    return X, np.array([f"c{v}" for v in y], dtype=object)


def _model(decision, X, labels, **extra):
    from rca.model.classifier import ModelSettings, TargetModel

    s = ModelSettings.from_config({"decision": decision, "cv_folds": 3, **extra})
    return TargetModel("t", multi=False, settings=s, seed=0).fit(X, list(labels))


def test_macro_f1_rule_beats_argmax_on_imbalanced_classes_and_stays_calibrated():
    from sklearn.metrics import f1_score

    X, y = imbalanced_blobs(4000, seed=1)
    Xt, yt = imbalanced_blobs(20000, seed=2)
    f1, ece = {}, {}
    for rule in ("calibrated", "scores", "macro_f1"):
        m = _model(rule, X, y, class_weight="none")
        p = m.predict(Xt)
        f1[rule] = f1_score(yt, p.labels, average="macro")
        ece[rule] = expected_calibration_error(p.confidence, np.asarray(p.labels) == yt)
        # confidence is the calibrated probability of the label tagged, whichever rule chose it
        idx = {c: i for i, c in enumerate(p.classes)}
        assert np.allclose(p.confidence, p.proba[np.arange(len(yt)), [idx[v] for v in p.labels]])
        # the abstention threshold still keeps what it promises on new data
        kept = ~p.review
        assert kept.any() and np.mean(np.asarray(p.labels)[kept] == yt[kept]) >= 0.85
    assert f1["macro_f1"] > f1["calibrated"] + 0.02
    assert max(ece.values()) < 0.05


def test_offsets_are_exact_against_brute_force():
    from rca.model import decision as dec

    rng = np.random.default_rng(4)
    y = rng.integers(0, 6, 600)
    z = rng.normal(size=(600, 6))
    z[np.arange(600), y] += 1.0
    grid = np.linspace(-1, 1, 21)
    from sklearn.metrics import f1_score

    for j in range(6):
        g, f = dec._best_offset(z, y, j, grid, np.bincount(y, minlength=6).astype(float))
        brute = []
        for gg in grid:
            b = np.zeros(6)
            b[j] = gg
            brute.append(f1_score(y, (z + b).argmax(1), average="macro"))
        assert f == pytest.approx(max(brute)) and abs(g) <= 1
    b = dec.fit_offsets(z, y, bound=0.5)
    assert np.all(np.abs(b) <= 0.5 + 1e-12)
    assert dec.macro_f1(y, dec.choose(z, b), 6) >= dec.macro_f1(y, z.argmax(1), 6)


def test_unknown_decision_is_e202(tmp_path):
    with pytest.raises(RcaError) as e:
        train_models(planted_frame(), targets=["label"], model_dir=tmp_path / "m", config=cfg(decision="vote"))
    assert e.value.code == "E202" and "decision" in str(e.value)


def test_model_saved_before_decision_rule_predicts_calibrated_argmax():
    X, y = imbalanced_blobs(1500, seed=3)
    m = _model("macro_f1", X, y)
    del m.decision_, m.offsets_  # what an older pickle looks like
    p = m.predict(X[:200])
    assert list(p.labels) == [str(c) for c in m.classes_[p.proba.argmax(axis=1)]]


def test_split_with_more_labels_than_held_out_rows():
    """77 labels × 4 rows: a 20% hold-out cannot hold every label, so the split is random (and says so)
    instead of failing; with a few linked cases only, whole groups are held out."""
    df = pd.DataFrame({"label": [f"L{i // 4}" for i in range(308)]})
    test, desc = holdout_split(df, stratify=df["label"], test_size=0.2, how="grouped", seed=0)
    assert test.sum() == 62 and desc.startswith("random split") and "77 labels" in desc
    df = pd.DataFrame(
        {
            "case_id": [f"C{i}" for i in range(9)],
            "label": list("aabbaabba"),
            "complainant_id": ["P1", "P1", "P2", "P2", "P3", "P3", "P1", "P2", "P3"],
        }
    )
    test, desc = holdout_split(df, stratify=df["label"], test_size=0.2, how="grouped", seed=0)
    groups = case_groups(df)
    assert 0 < test.sum() < 9 and desc.startswith("random split by group")
    assert all(len(set(test[groups == g])) == 1 for g in np.unique(groups))


@pytest.mark.model
def test_train_with_many_labels_and_few_rows(tmp_path):
    """More labels than a 20% hold-out can stratify (a small export of a detailed code list) still trains."""
    df = planted_frame(60)[["text", "label"]]
    df["label"] = [f"{lab}-{i % 10}" for i, lab in enumerate(df["label"])]  # 30-ish labels, 2 rows each
    res = train_models(df, targets=["label"], model_dir=tmp_path / "m", config=cfg())
    assert res.metrics["label"]["n_test"] + res.metrics["label"]["n_train"] == 60


def test_multi_label_choice_order_fallback_and_confidence():
    """Labels over their own threshold, most likely first (ties in label order); none over: the best one;
    confidence = the least sure label chosen."""
    from rca.model.classifier import ModelSettings, TargetModel

    m = TargetModel("esc", multi=True, settings=ModelSettings(), seed=0)
    m.classes_ = np.array(["a", "b", "c", "d"])
    m.label_thresholds_ = np.array([0.5, 0.5, 0.3, 0.9])
    proba = np.array(
        [
            [0.6, 0.8, 0.1, 0.95],  # d, b, a
            [0.1, 0.2, 0.25, 0.5],  # none over: d, the most likely
            [0.7, 0.7, 0.0, 0.0],  # tie: a before b
            [0.0, 0.0, 0.35, 0.0],
        ]
    )  # c only
    chosen, conf = m._choose(proba)
    assert chosen == [["d", "b", "a"], ["d"], ["a", "b"], ["c"]]
    assert np.allclose(conf, [0.6, 0.5, 0.7, 0.35])
    assert m._choose(np.empty((0, 4)))[0] == []


@pytest.mark.model
@pytest.mark.parametrize("multi", [False, True])
@pytest.mark.parametrize("classifier", ["svm", "logreg", "sgd"])
def test_folds_on_threads_give_the_same_model_as_one_at_a_time(multi, classifier):
    """`n_jobs` only changes how many out-of-fold fits run at once, never the result."""
    from rca.model.classifier import ModelSettings, TargetModel

    X, labels = imbalanced_blobs(1500, seed=5)
    if multi:
        labels = [v if i % 3 else f"{v};c{(i // 3) % 2}" for i, v in enumerate(labels)]
    fitted = []
    for n_jobs in (1, 2):
        s = ModelSettings.from_config({"n_jobs": n_jobs, "cv_folds": 4, "classifier": classifier})
        fitted.append(TargetModel("t", multi=multi, settings=s, seed=0).fit(X, list(labels)))
    one, two = fitted
    assert np.array_equal(one.validation_["confidence"], two.validation_["confidence"])
    assert one.threshold_ == two.threshold_
    assert np.array_equal(one.predict(X[:300]).proba, two.predict(X[:300]).proba)
    with pytest.raises(RcaError):
        ModelSettings.from_config({"n_jobs": 0})


@pytest.mark.model
def test_saved_model_learns_from_the_held_out_latest_cases_too(tmp_path):
    # A new kind of complaint starts in the latest months, which the time split holds out to
    # evaluate. The saved model is fitted again on every row, so it knows the new label and
    # its words; the hold-out figures still come from the model that never saw those rows.
    frame = with_new_code(planted_frame(n=150))
    res = train_models(frame, targets=["label"], model_dir=tmp_path / "m", config=cfg())
    m = res.metrics["label"]
    assert "time split" in res.split and m["n_test"] >= 20  # the Portal rows were all held out
    bundle = load_model(tmp_path / "m")
    assert "Portal" in set(bundle.models["label"].classes_)
    assert bundle.predict(["the permit portal took the money"])["label"].labels == ["Portal"]
    assert m["n_train"] + m["n_test"] == m["n_final"] == 170
    assert m["threshold"] == pytest.approx(float(bundle.models["label"].threshold_))


def test_liblinear_folds_run_one_at_a_time():
    # liblinear reseeds one process-wide generator per fit: on threads, concurrent fits
    # interleave its draws and the same seed stops giving the same model
    from sklearn.linear_model import LogisticRegression, SGDClassifier
    from sklearn.svm import LinearSVC

    from rca.model.classifier import fold_jobs

    assert fold_jobs(LinearSVC(), 2) == 1
    assert fold_jobs(LogisticRegression(solver="liblinear"), 2) == 1
    assert fold_jobs(LogisticRegression(), 2) == 2 and fold_jobs(SGDClassifier(), 2) == 2


def test_a_code_the_model_cannot_tell_apart_is_not_given_to_everyone():
    from rca.model.calibration import best_f1_threshold as _best_f1_threshold

    rng = np.random.default_rng(0)
    y = (rng.random(1000) < 0.1).astype(int)  # a rare code
    p = np.clip(0.1 + rng.normal(0, 0.02, 1000), 0, 1)  # scores that do not separate it
    t = _best_f1_threshold(p, y)
    assert (p >= t).mean() <= 0.2
    good = np.where(y == 1, 0.8, 0.1) + rng.normal(0, 0.05, 1000)  # a code it can tell apart keeps its best cut-off
    assert 0.15 <= _best_f1_threshold(good, y) <= 0.8


def _probe(i: int):
    import os

    from rca.model import target_fits

    return i, os.getpid(), getattr(target_fits, "_test_probe", None)


def test_worker_processes_are_forked_with_this_process_memory(monkeypatch):
    """Target fits in workers start from this process's memory (forked: nothing re-imported, the feature matrix not
    sent), not from fresh interpreters; results come back in task order."""
    import multiprocessing as mp
    import os

    from rca.model import target_fits

    if "fork" not in mp.get_all_start_methods():
        pytest.skip("this platform cannot fork; workers are fresh loky processes")
    monkeypatch.setattr(target_fits, "_test_probe", "set after import", raising=False)
    out = target_fits.run_all([(_probe, (i,), {}) for i in range(4)], 2)
    assert [i for i, _, _ in out] == [0, 1, 2, 3]
    assert all(pid != os.getpid() for _, pid, _ in out)
    if target_fits.can_fork_workers():
        assert all(seen == "set after import" for _, _, seen in out)
