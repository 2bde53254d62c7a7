"""`ComplaintClassifier`: rca's complaint model as a scikit-learn classifier over raw texts.

The same text preparation, features (`rca.text.features`) and calibrated classifier
(`rca.model.classifier.TargetModel`) that `rca train` saves, fitted in memory for one
label column: nothing is written to disk and nothing is tracked. `clone`,
`cross_val_score`, `GridSearchCV` and pickling work as for any scikit-learn classifier.
Saving a model folder (`rca.api.save_model`), the model card and MLflow tracking are
separate steps.

Every parameter defaults to the `[model]` setting of the same name
(`rca.model.classifier.ModelSettings`, docs/config.md); `random_state` defaults to the
config's seed.

>>> texts = ["bin not collected", "bins left out again", "missed bin collection",
...          "rude officer on the phone", "staff were rude to me", "the officer was rude"]
>>> clf = ComplaintClassifier(cv_folds=2).fit(texts, ["waste"] * 3 + ["conduct"] * 3)
>>> clf.classes_.tolist(), clf.predict(["my bin was not collected"]).tolist()
(['conduct', 'waste'], ['waste'])
>>> clf.predict_proba(["a rude officer"]).shape
(1, 2)
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import NotFittedError
from sklearn.utils.multiclass import check_classification_targets

from rca.config import Config
from rca.errors import RcaError
from rca.ingest.taxonomy import MULTI_SEP
from rca.model.bundle import ModelBundle
from rca.model.classifier import ModelSettings, TargetModel
from rca.text.features import build_featuriser, prepared, vectorise, word_columns

__all__ = ["ComplaintClassifier", "EstimatorInputError", "EstimatorNotFitted"]

_DEFAULTS = ModelSettings()
_SEED = Config().seed
# the estimator's parameters that are `[model]` settings, passed on to ModelSettings unchanged
SETTING_PARAMS = (
    "classifier",
    "C",
    "class_weight",
    "max_iter",
    "word_ngrams",
    "char_ngrams",
    "min_df",
    "max_df",
    "max_features",
    "char_max_features",
    "sublinear_tf",
    "lemmatise",
    "stop_words",
    "redact",
    "embeddings",
    "embeddings_weight",
    "word_view_C",
    "decision",
    "cv_folds",
    "target_precision",
    "n_jobs",
)


def _ngram_default(value: Any) -> tuple[int, int] | None:
    return tuple(value) if value else None  # an immutable default: get_params hands it out as it is


class EstimatorInputError(RcaError, ValueError):
    """A coded rca error that is also the ValueError scikit-learn's tools expect from bad input."""


class EstimatorNotFitted(RcaError, NotFittedError):
    """E232, raised as scikit-learn's NotFittedError."""


def _missing(value: Any) -> bool:
    """None, NaN, pd.NA, NaT: a blank cell."""
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def _texts(X: Any, *, where: str = "texts") -> list[str]:
    """The texts as a list of str; None and NaN (a blank cell) read as empty text."""
    if isinstance(X, (str, bytes)):
        raise EstimatorInputError("E231", f"{where} is one string ({X[:40]!r}); pass a list of texts, e.g. [text]", column=where)
    if isinstance(X, pd.DataFrame):
        raise EstimatorInputError(
            "E231", f"{where} is a table with columns {list(X.columns)[:10]}; pass the one text column, e.g. cases['text']", column=where
        )
    if not isinstance(X, (list, tuple, pd.Series)) and np.ndim(X) != 1:
        raise EstimatorInputError("E231", f"{where} has shape {np.shape(X)}; pass one text per row as a list or column", column=where)
    out = []
    for i, t in enumerate(X):
        if isinstance(t, str):
            out.append(t)
        elif _missing(t):
            out.append("")
        else:
            raise EstimatorInputError("E231", f"{where}[{i}] is a {type(t).__name__}, not text", row=i, column=where, value=t)
    return out


def _labels(y: Any, n: int) -> np.ndarray:
    if isinstance(y, pd.DataFrame) or np.ndim(y) != 1:
        raise EstimatorInputError("E231", f"labels have shape {np.shape(y)}; pass one label per text as a list or column", column="labels")
    y = np.asarray(y)
    if len(y) != n:
        raise EstimatorInputError("E231", f"{n} texts but {len(y)} labels", column="labels")
    blank = [i for i, v in enumerate(y) if (isinstance(v, str) and not v.strip()) or (not isinstance(v, str) and _missing(v))]
    if blank:
        raise EstimatorInputError(
            "E231",
            f"{len(blank)} label(s) are blank, first at position {blank[0]}; keep only "
            "labelled rows, e.g. cases[cases['root_cause'].notna()]",
            row=blank[0],
            column="labels",
        )
    return y


def data_sha256(texts: list[str], labels: list[str]) -> str:
    """sha256 of the texts and labels, in order: what a classifier learnt from (the model folder records it)."""
    h = hashlib.sha256()
    for t, y in zip(texts, labels):
        h.update(t.encode("utf-8", "surrogatepass") + b"\0" + y.encode("utf-8", "surrogatepass") + b"\0")
    return h.hexdigest()


class ComplaintClassifier(ClassifierMixin, BaseEstimator):
    """Learns one label column (root cause, service, any code) from raw complaint texts.

    Parameters are the `[model]` settings of docs/config.md: `classifier` ("svm",
    "logreg", "sgd"), `C`, `class_weight`, `max_iter`, `word_ngrams`, `char_ngrams`,
    `min_df`, `max_df`, `max_features`, `char_max_features`, `sublinear_tf`,
    `lemmatise`, `stop_words`, `redact` (personal data out before features; leave on),
    `embeddings`, `embeddings_weight`, `word_view_C`, `decision` (the single-label rule),
    `cv_folds` (out-of-fold scores for calibration), `target_precision` (review
    threshold), `n_jobs`; and:

    - `multi_label`: labels are `;`-joined sets ("Delay;Staff conduct"); `predict` then
      gives `;`-joined sets and `predict_proba` each label's own probability;
    - `target`: the column name the labels come from, used in scored columns
      (`root_cause_predicted`); default the labels' Series name, else "label";
    - `random_state`: the seed (folds, solvers); default the config's seed.

    Fitted attributes: `classes_`, `threshold_` (confidence below which a tag goes to
    review), `target_`, `featuriser_` (text preparation + TF-IDF), `model_` (the
    calibrated `TargetModel`), `n_rows_` and `data_sha256_` (what it learnt from).
    """

    def __init__(
        self,
        *,
        classifier: str = _DEFAULTS.classifier,
        C: float = _DEFAULTS.C,
        class_weight: str = _DEFAULTS.class_weight,
        max_iter: int = _DEFAULTS.max_iter,
        word_ngrams: tuple[int, int] | None = _ngram_default(_DEFAULTS.word_ngrams),
        char_ngrams: tuple[int, int] | None = _ngram_default(_DEFAULTS.char_ngrams),
        min_df: float = _DEFAULTS.min_df,
        max_df: float = _DEFAULTS.max_df,
        max_features: int | None = _DEFAULTS.max_features,
        char_max_features: int | None = _DEFAULTS.char_max_features,
        sublinear_tf: bool = _DEFAULTS.sublinear_tf,
        lemmatise: bool = _DEFAULTS.lemmatise,
        stop_words: bool = _DEFAULTS.stop_words,
        redact: bool = _DEFAULTS.redact,
        embeddings: str | None = _DEFAULTS.embeddings,
        embeddings_weight: float = _DEFAULTS.embeddings_weight,
        word_view_C: float | None = _DEFAULTS.word_view_C,
        decision: str = _DEFAULTS.decision,
        cv_folds: int = _DEFAULTS.cv_folds,
        target_precision: float = _DEFAULTS.target_precision,
        n_jobs: int = _DEFAULTS.n_jobs,
        multi_label: bool = False,
        target: str | None = None,
        random_state: int | None = _SEED,
    ) -> None:
        self.classifier = classifier
        self.C = C
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.char_max_features = char_max_features
        self.sublinear_tf = sublinear_tf
        self.lemmatise = lemmatise
        self.stop_words = stop_words
        self.redact = redact
        self.embeddings = embeddings
        self.embeddings_weight = embeddings_weight
        self.word_view_C = word_view_C
        self.decision = decision
        self.cv_folds = cv_folds
        self.target_precision = target_precision
        self.n_jobs = n_jobs
        self.multi_label = multi_label
        self.target = target
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False  # one text per row, not a feature matrix
        tags.input_tags.one_d_array = True
        tags.input_tags.string = True
        tags.input_tags.allow_nan = True  # a blank cell reads as empty text
        return tags

    # ------------------------------------------------------------------ fit
    def settings(self) -> ModelSettings:
        """The `[model]` settings these parameters make, checked as the config file's are (E230 naming the parameter)."""
        section = {k: (v.item() if isinstance(v, np.generic) else v) for k in SETTING_PARAMS for v in [getattr(self, k)]}
        for k in ("word_ngrams", "char_ngrams"):
            section[k] = list(section[k]) if section[k] else []
        try:
            return ModelSettings.from_config(section)
        except RcaError as exc:
            raise EstimatorInputError(
                "E230",
                exc.detail.replace("[model] ", "ComplaintClassifier "),
                column=exc.location.column.removeprefix("model.") if exc.location.column else None,
            ) from None
        except (TypeError, ValueError) as exc:
            raise EstimatorInputError("E230", f"ComplaintClassifier parameters {section}: {exc}") from None

    def _seed(self) -> int:
        rs = self.random_state
        if rs is None:
            return int(np.random.default_rng().integers(2**31 - 1))
        if isinstance(rs, (bool, np.bool_)) or not isinstance(rs, (int, np.integer)) or not 0 <= rs < 2**32:
            raise EstimatorInputError(
                "E230", f"random_state = {rs!r}; give a whole number from 0 to 2**32 - 1, or None", column="random_state"
            )
        return int(rs)

    def fit(self, X, y) -> "ComplaintClassifier":
        """Learn from texts `X` and their labels `y` (one per text; `;`-joined sets when `multi_label`)."""
        settings = self.settings()
        seed = self._seed()
        if self.multi_label not in (True, False):
            raise EstimatorInputError("E230", f"multi_label = {self.multi_label!r}; give True or False", column="multi_label")
        texts = _texts(X)
        y_in = _labels(y, len(texts))
        if self.multi_label:
            if not all(isinstance(v, str) for v in y_in):
                raise EstimatorInputError("E231", "multi_label needs text labels such as 'Delay;Staff conduct'", column="labels")
            cells = [MULTI_SEP.join(p.strip() for p in v.split(";") if p.strip()) for v in y_in]
        else:
            try:
                check_classification_targets(y_in)
                classes = np.unique(y_in)
            except (TypeError, ValueError) as exc:  # "Unknown label type" is what scikit-learn's checks look for
                raise EstimatorInputError("E231", f"labels cannot be classes: {exc}", column="labels") from None
            cells = [str(v) for v in y_in]
            if len(set(cells)) != len(classes):
                raise EstimatorInputError(
                    "E231",
                    f"labels {classes[:10].tolist()} are different values that read as the same text; give each class one spelling",
                    column="labels",
                )
        name = self.target if self.target is not None else getattr(y, "name", None)
        self.target_ = str(name) if name is not None and str(name).strip() else "label"
        featuriser = build_featuriser(settings.as_dict(), n_docs=len(texts))
        prep = prepared(featuriser, texts)
        featuriser.named_steps["union"].fit(prep)
        features = vectorise(featuriser, prep)
        try:
            model = TargetModel(
                self.target_, multi=bool(self.multi_label), settings=settings, seed=seed, word_columns=word_columns(featuriser)
            ).fit(features, cells)
        except ValueError as exc:  # e.g. one class only: scikit-learn's own message says which
            raise EstimatorInputError("E304", f"{self.target_!r}: {exc}", column=self.target_) from None
        self.featuriser_, self.model_ = featuriser, model
        self.n_rows_, self.data_sha256_ = len(texts), data_sha256(texts, cells)
        self.threshold_ = float(model.threshold_)
        if self.multi_label:
            self.classes_ = model.classes_.copy()
            self._order = np.arange(len(model.classes_))
        else:
            self.classes_ = classes
            column = {c: j for j, c in enumerate(model.classes_)}
            self._order = np.array([column[str(c)] for c in classes])  # classes_ order -> the model's columns
            self._from_text = {str(c): c for c in classes}
        return self

    # -------------------------------------------------------------- predict
    def _check_fitted(self) -> None:
        if not hasattr(self, "model_"):
            raise EstimatorNotFitted("E232", f"this {type(self).__name__} has not been fitted")

    def _features(self, X):
        self._check_fitted()
        return vectorise(self.featuriser_, prepared(self.featuriser_, _texts(X)))

    def predict_proba(self, X) -> np.ndarray:
        """Calibrated probabilities, one column per class in `classes_` order; rows sum to 1
        (multi-label: each label's own probability)."""
        features = self._features(X)
        return self.model_.predict_proba(features)[:, self._order]

    def decision_function(self, X) -> np.ndarray:
        """The linear classifier's scores before calibration (columns follow `classes_`; one column for two classes)."""
        features = self._features(X)
        scores = self.model_.decision_scores(features)[:, self._order]
        return scores[:, 1] - scores[:, 0] if scores.shape[1] == 2 and not self.multi_label else scores

    def predict(self, X) -> np.ndarray:
        """The tag of each text under the model's decision rule (`decision`), as a value of `classes_`
        (multi-label: the `;`-joined labels)."""
        features = self._features(X)
        labels = self.model_.predict(features).labels
        if self.multi_label:
            return np.array(labels, dtype=object)
        out = np.empty(len(labels), dtype=self.classes_.dtype)
        out[:] = [self._from_text[v] for v in labels]
        return out

    def predict_frame(self, X) -> pd.DataFrame:
        """`predicted`, `confidence` (calibrated probability of that tag) and `review` (confidence
        under `threshold_`: a person should check it) for each text, index 0..n-1."""
        features = self._features(X)
        p = self.model_.predict(features)
        predicted = p.labels if self.multi_label else [self._from_text[v] for v in p.labels]
        return pd.DataFrame({"predicted": predicted, "confidence": p.confidence, "review": p.review})

    def to_bundle(self) -> ModelBundle:
        """The fitted classifier as a one-target `ModelBundle`: what `score_frame`, `triage` and
        `build_report` take, and what `rca.api.save_model` writes as a model folder."""
        self._check_fitted()
        kind = "multi_label" if self.multi_label else "single_label"
        manifest = {
            "targets": [self.target_],
            "target_kinds": {self.target_: kind},
            "thresholds": {self.target_: self.threshold_},
            "seed": int(self.model_.seed),
            "settings": self.model_.settings.as_dict(),
        }
        return ModelBundle(featuriser=self.featuriser_, models={self.target_: self.model_}, manifest=manifest)
