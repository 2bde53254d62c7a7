"""The Python API: `import rca` is quick and side-effect free, its names resolve, and
`rca.ComplaintClassifier` behaves as a scikit-learn classifier over raw texts.

Tests that fit a classifier (on the inline corpus or the demo text) are the `model` tier."""

from __future__ import annotations

import doctest
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

import rca
from rca.errors import RcaError
from rca.model.estimator import ComplaintClassifier

REPO = Path(__file__).resolve().parents[1]

# a tiny inline corpus: two codes a word decides, one a phrase decides
WASTE = [
    "bin not collected again",
    "my bins were missed on collection day",
    "recycling bin left unemptied",
    "the bin men missed our street",
    "garden waste not collected",
    "missed bin for the third week",
]
CONDUCT = [
    "the officer was rude to me",
    "staff were rude and dismissive",
    "rude man on the phone",
    "your officer shouted at me",
    "staff member was rude at the desk",
    "rude and unhelpful staff",
]
DELAY = [
    "still waiting for a reply after weeks",
    "no response to my letter for months",
    "waiting weeks for an answer",
    "nobody has replied to my email",
    "still no reply after two months",
    "waiting for a response since march",
]
TEXTS = WASTE + CONDUCT + DELAY
LABELS = ["Waste"] * 6 + ["Conduct"] * 6 + ["Delay"] * 6


def small(**kw) -> ComplaintClassifier:
    return ComplaintClassifier(cv_folds=3, n_jobs=1, **kw)


@pytest.fixture(scope="module")
def fitted() -> ComplaintClassifier:
    return small().fit(TEXTS, LABELS)


# ------------------------------------------------------------------ import rca
def test_import_rca_changes_no_environment_and_imports_nothing_heavy():
    code = (
        "import os, sys, json\nbefore = dict(os.environ)\nimport rca\n"
        "print(json.dumps({'same': dict(os.environ) == before,"
        " 'heavy': sorted(m for m in ('sklearn', 'pandas', 'numpy', 'mlflow', 'rca.api') if m in sys.modules)}))"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("MLFLOW_DISABLE_TELEMETRY", "DO_NOT_TRACK", "HF_HUB_OFFLINE")}
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=REPO)
    assert res.returncode == 0, res.stderr[-2000:]
    assert json.loads(res.stdout) == {"same": True, "heavy": []}


def test_every_public_name_resolves_to_the_function_it_re_exports():
    import rca.api
    import rca.model.store
    import rca.scoring.score

    assert {"ComplaintClassifier", "load_cases", "train", "load_model", "score_frame", "triage", "build_report"} <= set(rca.__all__)
    for name in rca.__all__:
        assert callable(getattr(rca, name)), name
        assert name in dir(rca)
    assert rca.load_model is rca.model.store.load_model and rca.score_frame is rca.scoring.score.score_frame
    assert rca.train is rca.api.train and rca.ComplaintClassifier is ComplaintClassifier
    with pytest.raises(AttributeError, match="public names are"):
        rca.no_such_verb  # noqa: B018 - the attribute access is the test
    result = doctest.testmod(rca, verbose=False)  # the package docstring's example (the docstring test walks submodules)
    assert result.attempted >= 2 and result.failed == 0


# ------------------------------------------------------- scikit-learn contract
# estimator_checks skips every check for an estimator without 2-d input (text is 1-d); these run without data
# (named here, imported in the test: sklearn.utils.estimator_checks is a second of imports for every worker that collects)
API_CHECKS = [
    "check_estimator_cloneable",
    "check_estimator_repr",
    "check_no_attributes_set_in_init",
    "check_get_params_invariance",
    "check_set_params",
    "check_parameters_default_constructible",
    "check_do_not_raise_errors_in_init_or_set_params",
    "check_mixin_order",
    "check_estimator_tags_renamed",
    "check_valid_tag_types",
    "check_estimators_unfitted",
]


@pytest.mark.parametrize("check", API_CHECKS)
def test_scikit_learn_api_checks_that_apply_to_text(check):
    from sklearn.utils import estimator_checks

    getattr(estimator_checks, check)("ComplaintClassifier", ComplaintClassifier())


def test_tags_say_one_text_per_row():
    tags = ComplaintClassifier().__sklearn_tags__()
    assert tags.input_tags.string and not tags.input_tags.two_d_array and tags.estimator_type == "classifier"


@pytest.mark.model
def test_clone_keeps_parameters_and_drops_the_fit(fitted):
    copy = clone(fitted)
    assert copy.get_params() == fitted.get_params() and not hasattr(copy, "classes_")
    assert clone(small(C=2.0, word_ngrams=(1, 1))).get_params()["word_ngrams"] == (1, 1)


def test_defaults_are_the_model_settings_defaults():
    from rca.config import Config
    from rca.model.classifier import ModelSettings

    params, settings = ComplaintClassifier().get_params(), ModelSettings()
    assert params["C"] == settings.C and params["classifier"] == settings.classifier
    assert list(params["word_ngrams"]) == list(settings.word_ngrams) and params["random_state"] == Config().seed


@pytest.mark.model
def test_fit_returns_self_and_leaves_the_parameters_alone():
    clf = small(word_ngrams=(1, 2))
    before = clf.get_params()
    assert clf.fit(TEXTS, LABELS) is clf
    assert clf.get_params() == before
    public = {k for k in vars(clf) if not k.startswith("_")}
    assert {k for k in public - set(before)} == {k for k in public - set(before) if k.endswith("_")}


@pytest.mark.model
def test_predict_proba_rows_sum_to_one_in_classes_order(fitted):
    proba = fitted.predict_proba(["bins not collected", "a rude officer", "still no reply"])
    assert fitted.classes_.tolist() == ["Conduct", "Delay", "Waste"]
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert fitted.classes_[proba.argmax(axis=1)].tolist() == ["Waste", "Conduct", "Delay"]
    assert fitted.predict(["bins not collected", "a rude officer"]).tolist() == ["Waste", "Conduct"]


@pytest.mark.model
def test_number_labels_keep_their_type_and_numeric_order():
    """10 sorts before 2 as text: the columns must still follow classes_ (2, 10)."""
    y = [10] * 6 + [2] * 6
    clf = small().fit(WASTE + CONDUCT, y)
    assert clf.classes_.tolist() == [2, 10]
    proba = clf.predict_proba(["bin not collected", "rude officer"])
    assert proba.argmax(axis=1).tolist() == [1, 0]
    pred = clf.predict(["bin not collected", "rude officer"])
    assert pred.tolist() == [10, 2] and np.issubdtype(pred.dtype, np.integer)
    assert clf.decision_function(["bin not collected"]).shape == (1,)  # two classes: one score, as scikit-learn's
    assert clf.decision_function(["bin not collected"])[0] > clf.decision_function(["rude officer"])[0]


@pytest.mark.model
def test_predict_frame_gives_tag_confidence_and_review(fitted):
    frame = fitted.predict_frame(pd.Series(["bins missed", None, pd.NA, np.nan], dtype=object))  # blank cells: empty text
    assert list(frame.columns) == ["predicted", "confidence", "review"] and len(frame) == 4
    assert frame.loc[0, "predicted"] == "Waste"
    assert (frame["review"] == (frame["confidence"] < fitted.threshold_)).all()


@pytest.mark.model
def test_pickle_round_trip_predicts_the_same(fitted):
    again = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(again.predict_proba(TEXTS), fitted.predict_proba(TEXTS))


@pytest.mark.model
def test_same_seed_same_model_and_the_target_name_comes_from_the_series():
    a = small(random_state=3).fit(pd.Series(TEXTS), pd.Series(LABELS, name="root_cause"))
    b = small(random_state=3).fit(TEXTS, LABELS)
    np.testing.assert_array_equal(a.predict_proba(TEXTS), b.predict_proba(TEXTS))
    assert (a.target_, b.target_, small(target="theme").fit(TEXTS, LABELS).target_) == ("root_cause", "label", "theme")
    assert a.data_sha256_ == b.data_sha256_ and a.n_rows_ == 18


@pytest.mark.model
def test_multi_label_tags_sets_and_gives_each_label_a_probability():
    y = ["Waste"] * 5 + ["Waste;Delay"] + ["Conduct"] * 6 + ["Delay"] * 5 + ["Delay;Conduct"]
    clf = small(multi_label=True).fit(TEXTS, y)
    assert clf.classes_.tolist() == ["Conduct", "Delay", "Waste"]
    proba = clf.predict_proba(["bin not collected"])
    assert proba.shape == (1, 3) and proba[0].argmax() == 2
    assert clf.predict(["bin not collected"])[0].split(";")[0] == "Waste"


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "X, y, match",
    [
        ("bin not collected", LABELS, "one string"),
        (pd.DataFrame({"text": TEXTS}), LABELS, "the one text column"),
        (TEXTS, LABELS[:-1], "18 texts but 17 labels"),
        (TEXTS[:-1] + [3], LABELS, r"texts\[17\] is a int"),
        (TEXTS, LABELS[:-1] + [None], "1 label\\(s\\) are blank, first at position 17"),
        (TEXTS, np.linspace(0, 1, 18), "Unknown label type"),
    ],
)
def test_bad_input_is_a_coded_value_error(X, y, match):
    with pytest.raises(ValueError, match=match) as info:
        small().fit(X, y)
    assert info.value.code == "E231"


def test_bad_parameter_is_refused_at_fit_naming_it():
    clf = small(C=-1.0)  # scikit-learn's rule: __init__ and set_params never check
    clf.set_params(classifier="tree")
    with pytest.raises(ValueError, match="classifier must be 'svm', 'logreg' or 'sgd', got 'tree'"):
        clf.fit(TEXTS, LABELS)
    with pytest.raises(ValueError, match="C must be greater than 0, got -1") as info:
        clf.set_params(classifier="svm").fit(TEXTS, LABELS)
    assert info.value.code == "E230" and info.value.location.column == "C"


@pytest.mark.model
def test_one_class_is_a_coded_error():
    with pytest.raises(ValueError) as info:
        small().fit(TEXTS, ["Waste"] * 18)
    assert info.value.code == "E304"


def test_unfitted_classifier_says_fit_first():
    with pytest.raises(NotFittedError, match="E232 classifier not fitted"):
        small().predict(TEXTS)
    with pytest.raises(NotFittedError):
        rca.save_model(small(), "unused")


# ------------------------------------------------------- model folder and verbs
@pytest.mark.model
def test_save_model_writes_a_folder_load_model_scores_and_the_card_reads(fitted, tmp_path):
    cases = pd.DataFrame(
        {"case_id": [f"C{i}" for i in range(18)], "text": TEXTS, "received": pd.date_range("2024-04-01", periods=18, freq="D")}
    )
    folder = rca.save_model(small(target="root_cause").fit(TEXTS, LABELS), tmp_path / "model", past_cases=cases)
    bundle = rca.load_model(folder)  # checksums, skops types, manifest copy: as for a trained folder
    assert bundle.targets == ["root_cause"]
    assert bundle.predict(["bins not collected"])["root_cause"].labels == ["Waste"]
    scored = rca.score_frame(cases, bundle)
    assert scored["root_cause_predicted"].tolist() == fitted.predict(TEXTS).tolist()
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert manifest["data"]["n_rows"] == 18 and "not evaluated" in manifest["split"]
    assert pd.read_parquet(folder / "cases.parquet")["case_id"].tolist() == cases["case_id"].tolist()
    card = rca.write_model_card(folder).read_text("utf-8")
    assert "root_cause" in card
    assert rca.triage("my bin was not collected again", bundle=bundle)["root_cause"]["label"] == "Waste"


@pytest.mark.model
def test_rca_score_command_reads_a_saved_classifier(fitted, tmp_path):
    from typer.testing import CliRunner

    from rca.cli.main import app

    folder = rca.save_model(fitted, tmp_path / "model")
    pd.DataFrame({"case_id": [f"C{i}" for i in range(18)], "text": TEXTS}).to_csv(tmp_path / "cases.csv", index=False)
    res = CliRunner().invoke(
        app, ["score", str(tmp_path / "cases.csv"), "--model-dir", str(folder), "--out", str(tmp_path / "scored.csv"), "--no-progress"]
    )
    assert res.exit_code == 0, res.output
    scored = pd.read_csv(tmp_path / "scored.csv")
    assert scored["label_predicted"].tolist() == fitted.predict(TEXTS).tolist()


@pytest.mark.model
def test_track_model_logs_a_run_and_registers_a_pyfunc_model_that_predicts(tmp_path):
    import mlflow
    from mlflow.tracking import MlflowClient

    folder = rca.save_model(small(target="root_cause").fit(TEXTS, LABELS), tmp_path / "model")
    run_id = rca.track_model(folder, metrics={"cv_macro_f1": 0.75})
    client = MlflowClient(tracking_uri=f"sqlite:///{folder.resolve() / 'mlflow.db'}")
    run = client.get_run(run_id)
    assert run.data.params["C"] == str(small().C) and run.data.metrics == {"cv_macro_f1": 0.75}
    assert client.get_model_version_by_alias("rca-root_cause", "current").run_id == run_id
    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(f"sqlite:///{folder.resolve() / 'mlflow.db'}")
    try:
        model = mlflow.pyfunc.load_model("models:/rca-root_cause@current")
    finally:
        mlflow.set_tracking_uri(previous)
    assert model.predict(pd.DataFrame({"text": ["bins not collected"]}))["root_cause_predicted"].tolist() == ["Waste"]


@pytest.mark.model
def test_train_is_rca_train_with_a_config_file(tmp_path):
    (tmp_path / "rca.toml").write_text("seed = 5\n[tracking]\nenabled = false\n", encoding="utf-8")
    cases = pd.DataFrame(
        {
            "case_id": [f"C{i}" for i in range(36)],
            "text": TEXTS * 2,
            "root_cause": LABELS * 2,
            "received": pd.date_range("2024-04-01", periods=36, freq="D"),
        }
    )
    result = rca.train(cases, model_dir=tmp_path / "model", config=tmp_path / "rca.toml", recipe="fast")
    assert result.manifest["seed"] == 5 and result.manifest["targets"] == ["root_cause"]
    assert result.metrics["root_cause"]["n_test"] > 0 and (tmp_path / "model" / "MODEL_CARD.md").exists()
    assert rca.load_model(tmp_path / "model").predict(["bins not collected"])["root_cause"].labels == ["Waste"]


@pytest.mark.model
def test_save_model_refuses_a_folder_of_other_files(fitted, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(RcaError, match="E309"):
        rca.save_model(fitted, tmp_path)


@pytest.mark.model
def test_docs_python_examples_run():
    result = doctest.testfile(
        str(REPO / "docs" / "python.md"), module_relative=False, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    )
    assert result.attempted >= 5 and result.failed == 0


# ------------------------------------------------------------ on the demo year
@pytest.fixture(scope="module")
def demo_root_causes():
    from rca.demo.data import generate_demo

    cases = generate_demo(seed=11, n_contacts=400).cases
    labelled = cases[cases["root_cause"].notna()]
    return labelled["text"].reset_index(drop=True), labelled["root_cause"].reset_index(drop=True)


@pytest.mark.model
def test_three_fold_cross_val_score_on_demo_text_beats_the_majority_class(demo_root_causes):
    from sklearn.dummy import DummyClassifier
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    texts, labels = demo_root_causes
    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    ours = cross_val_score(ComplaintClassifier(n_jobs=1), texts, labels, cv=folds, scoring="f1_macro")
    dummy = cross_val_score(DummyClassifier(), np.zeros((len(texts), 1)), labels, cv=folds, scoring="f1_macro")
    assert ours.shape == (3,) and np.isfinite(ours).all()
    assert ours.mean() > dummy.mean() + 0.1


@pytest.mark.model
def test_grid_search_over_c_and_decision_on_demo_text(demo_root_causes):
    from sklearn.model_selection import GridSearchCV

    texts, labels = demo_root_causes
    grid = {"C": [0.1, 1.0], "decision": ["macro_f1", "calibrated"]}
    search = GridSearchCV(ComplaintClassifier(cv_folds=3, n_jobs=1), grid, cv=3, scoring="f1_macro").fit(texts, labels)
    assert len(search.cv_results_["params"]) == 4 and np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_params_["C"] in grid["C"] and search.best_estimator_.C == search.best_params_["C"]
    assert set(search.predict(texts[:20])) <= set(labels)
    assert 0 < search.score(texts, labels) <= 1  # ClassifierMixin.score: accuracy over raw texts
