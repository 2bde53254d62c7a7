"""The tables of training: `[model]`, `[tracking]` (the MLflow run) and `[model_card]`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import BeforeValidator, StrictBool, StrictInt, StrictStr

from rca.settings.fields import FORBID, Number, key, ngram_range

Classifier = Literal["svm", "logreg", "sgd"]

Decision = Literal["macro_f1", "scores", "calibrated"]  # rca.model.decision.DECISIONS (a test keeps them equal)


@dataclass
class ModelSection:
    """[model]: what `rca train` fits. A key left out is chosen by the recipe search unless `--recipe fast`."""

    __pydantic_config__ = FORBID
    classifier: Annotated[
        Classifier,
        key(
            "`svm` (LinearSVC), `logreg` (LogisticRegression; try C = 10) or `sgd` "
            "(SGDClassifier, modified Huber); scores are calibrated either way"
        ),
    ] = "svm"
    C: Annotated[Number, key("inverse regularisation strength (svm, logreg); sgd uses alpha = 1 / (C x rows)", gt=0)] = 0.5
    class_weight: Annotated[Literal["balanced", "none"], key("`balanced` or `none`")] = "balanced"
    max_iter: Annotated[StrictInt, key("solver iterations", ge=1)] = 2000
    word_ngrams: Annotated[
        list[int] | None, BeforeValidator(ngram_range), key("TF-IDF word n-gram range [low, high]; [] turns words off")
    ] = field(default_factory=lambda: [1, 2])
    char_ngrams: Annotated[
        list[int] | None,
        BeforeValidator(ngram_range),
        key(
            "character n-gram range within words, e.g. [2, 5]; off by default (on the demo year: same macro-F1, "
            "7x slower training, 2x slower scoring)"
        ),
    ] = field(default_factory=list)
    min_df: Annotated[
        Number,
        key("a term must be in this many texts (a whole number) or this share of them (below 1); 1 for corpora under 100 texts", ge=0),
    ] = 2
    max_df: Annotated[Number, key("a term in more than this share of texts (or this many) is dropped", gt=0)] = 1.0
    max_features: Annotated[StrictInt | None, key("most word n-grams kept; none: all", ge=1)] = None
    char_max_features: Annotated[StrictInt | None, key("most character n-grams kept; none: all", ge=1)] = None
    sublinear_tf: Annotated[StrictBool, key("term frequency as 1 + log(tf)")] = True
    lemmatise: Annotated[StrictBool, key("spaCy lookup lemmas (bundled tables, nothing downloaded)")] = False
    stop_words: Annotated[StrictBool, key("drop spaCy stop words (negations kept)")] = False
    redact: Annotated[StrictBool, key("redact personal data before features are built (leave on)")] = True
    cv_folds: Annotated[StrictInt, key("folds for the out-of-fold scores calibration and thresholds are fitted on", ge=2)] = 5
    n_jobs: Annotated[
        StrictInt,
        key(
            "out-of-fold fits run at once, on threads, for logreg and sgd (same model whatever "
            "the value); svm folds run one at a time (liblinear shares one random generator)",
            ge=1,
        ),
    ] = 2
    target_precision: Annotated[Number, key("per-target abstention threshold: tags less sure than this go to review", gt=0, le=1)] = 0.9
    test_size: Annotated[Number, key("share of cases held out for evaluation", gt=0, lt=1)] = 0.2
    split: Annotated[
        Literal["auto", "time", "grouped"],
        key("`time` (latest cases held out), `grouped` (linked cases on one side) or `auto` (time when dates exist)"),
    ] = "auto"
    refit: Annotated[StrictBool, key("after evaluation the saved model learns from every labelled case")] = True
    baselines: Annotated[StrictBool, key("score majority / keyword / TF-IDF + LR baselines on the same split")] = True
    targets: Annotated[list[StrictStr], key("label columns to train besides the defaults", must="a list of column names")] = field(
        default_factory=list
    )
    embeddings: Annotated[
        StrictStr | None,
        key(
            'sentence embeddings beside TF-IDF: a static model folder (`rca embeddings build`) or "minilm"; none: off', must="a quoted text"
        ),
    ] = None
    embeddings_weight: Annotated[Number, key("scale of the L2-normalised embedding against the TF-IDF parts", ge=0)] = 2.0
    decision: Annotated[
        Decision,
        key(
            "which label a single-label target tags: `macro_f1` (calibrated log-probability plus per-class offsets fitted "
            "out-of-fold for macro-F1), `scores` (the classifier's top score) or `calibrated` (most probable label)"
        ),
    ] = "macro_f1"
    word_view_C: Annotated[
        Number | None,
        key(
            "svm with character n-grams: each classifier is the average of an SVM on the word n-grams alone (this C) and "
            "one on every feature (`C`); none: one SVM",
            gt=0,
        ),
    ] = None


@dataclass
class TrackingSection:
    """[tracking]: the MLflow run each training writes (offline)."""

    __pydantic_config__ = FORBID
    enabled: Annotated[StrictBool, key("log each training as an MLflow run")] = True
    uri: Annotated[StrictStr | None, key("tracking store; none: `sqlite:///<model_dir>/mlflow.db`", must="a quoted text")] = None
    experiment: Annotated[StrictStr, key("MLflow experiment name")] = "rca"
    register: Annotated[StrictBool, key("register each target as the model `rca-<target>` with alias `current`")] = True


@dataclass
class ModelCardSection:
    """[model_card]: who is accountable, printed on every model card ("not recorded" when left out)."""

    __pydantic_config__ = FORBID
    organisation: Annotated[StrictStr | None, key("the council", must="a quoted text")] = None
    team: Annotated[StrictStr | None, key("the team that runs the model", must="a quoted text")] = None
    contact: Annotated[StrictStr | None, key("where to ask or contest a tag", must="a quoted text")] = None
    senior_owner: Annotated[StrictStr | None, key("senior responsible owner", must="a quoted text")] = None
    website: Annotated[StrictStr | None, key("where the council publishes about the model", must="a quoted text")] = None
