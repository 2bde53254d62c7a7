"""Honest evaluation: a held-out split nobody trained on, metrics, baselines.

The split keeps related cases together: a stage-2 record, its stage-1 parent
and every case from the same complainant fall on the same side, so a model is
never tested on text it effectively saw in training. When cases have dates,
the latest `test_size` share (by the first date of each group) is held out -
the model is judged on the months after its training data, as it will be
used. Otherwise the split is stratified on the first target, by group.

Every target is reported beside three baselines on the same split: the
majority class, a keyword lookup (the 10 words most particular to each
class in training), and a plain TF-IDF + logistic regression.

>>> m = single_label_metrics(["a", "a", "b"], ["a", "b", "b"], np.array([.9, .6, .8]), np.array([False, True, False]))
>>> round(m["accuracy"], 3), round(m["coverage"], 3)
(0.667, 0.667)
"""

from __future__ import annotations

import re
import warnings
from collections import Counter

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedGroupKFold, train_test_split

from rca.model.calibration import calibration_curve, expected_calibration_error
from rca.errors import RcaError
from rca.ingest.taxonomy import MULTI_SEP, split_labels


# ------------------------------------------------------------------ split
def case_groups(cases: pd.DataFrame) -> np.ndarray:
    """Group number per row: rows of one case id, rows linked by parent_case_id and rows sharing a
    complainant_id share a group (so no case is split between training and held-out rows)."""
    n = len(cases)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)

    if "case_id" in cases:
        pos: dict[str, int] = {}
        for i, c in enumerate(cases["case_id"].to_numpy()):
            if pd.notna(c):
                union(i, pos.setdefault(str(c), i))
    if "case_id" in cases and "parent_case_id" in cases:
        for i, p in enumerate(cases["parent_case_id"].to_numpy()):
            if pd.notna(p) and str(p) in pos:
                union(i, pos[str(p)])
    if "complainant_id" in cases:
        first: dict[str, int] = {}
        for i, c in enumerate(cases["complainant_id"].to_numpy()):
            if pd.notna(c):
                union(i, first.setdefault(str(c), i))
    return np.array([find(i) for i in range(n)])


def holdout_split(
    cases: pd.DataFrame, *, stratify: pd.Series | None = None, test_size: float = 0.2, how: str = "auto", seed: int = 0
) -> tuple[np.ndarray, str]:
    """Boolean test mask over `cases` rows and a one-line description of the split."""
    groups = case_groups(cases)
    n = len(cases)
    dated = bool("received" in cases and cases["received"].notna().mean() >= 0.5 and cases["received"].nunique() > 1)
    if how == "time" and not dated:
        raise RcaError(
            "E202",
            '[model] split = "time" needs a `received` column with dates on most rows',
            column="model.split",
            hint='Map the date column (--received-column) or use split = "grouped".',
        )
    if how == "time" or (how == "auto" and dated):
        first = pd.Series(pd.to_datetime(cases["received"]).to_numpy()).groupby(groups).transform("min")
        order = np.lexsort((groups, first.fillna(pd.Timestamp.min).to_numpy()))
        test = np.zeros(n, dtype=bool)
        want = int(round(test_size * n))
        taken = 0
        seen: set[int] = set()
        for i in order[::-1]:  # latest groups first
            if taken >= want:
                break
            g = groups[i]
            if g in seen:
                continue
            seen.add(g)
            members = groups == g
            test |= members
            taken += int(members.sum())
        cut = pd.to_datetime(cases["received"])[test].min()
        return test, f"time split: {test.sum()} latest cases held out (received from {cut:%Y-%m-%d}), related cases kept together"
    y = stratify.fillna("").astype(str).to_numpy() if stratify is not None else np.zeros(n, dtype=object)
    test = np.zeros(n, dtype=bool)
    if len(np.unique(groups)) == n:  # nothing links cases: a plain stratified split
        counts = pd.Series(y).value_counts()
        strat = np.where(pd.Series(y).map(counts).to_numpy() >= 2, y, "__rare__")
        n_test = int(np.ceil(test_size * n))
        n_strata = len(set(strat))
        # stratifying needs every class twice and a held-out share with room for one of each class
        can = (pd.Series(strat).value_counts() >= 2).all() and n_strata <= min(n_test, n - n_test)
        _, test_idx = train_test_split(np.arange(n), test_size=test_size, random_state=seed, stratify=strat if can else None)
        test[test_idx] = True
        if not can:
            return test, (
                f"random split: {test.sum()} cases held out ({test_size:.0%}); too few cases per label ({n_strata} labels) to stratify"
            )
        return test, f"stratified split: {test.sum()} cases held out ({test_size:.0%})"
    k = max(2, int(round(1 / test_size)))
    if len(np.unique(groups)) < k:  # too few separate cases for k folds: hold out a share of the groups
        from sklearn.model_selection import GroupShuffleSplit

        _, test_idx = next(GroupShuffleSplit(n_splits=1, test_size=test_size, random_state=seed).split(np.zeros(n), y, groups))
        test[test_idx] = True
        return test, f"random split by group: {test.sum()} cases held out, related cases kept together"
    splitter = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
    _, test_idx = next(splitter.split(np.zeros(n), y, groups))
    test[test_idx] = True
    return test, f"stratified split by group: {test.sum()} cases held out (1 fold of {k}), related cases kept together"


# ---------------------------------------------------------------- metrics
def _confusion(y_true: list[str], y_pred: list[str], labels: list[str]) -> list[list[int]]:
    """The confusion matrix over `labels` (one label only, as a file of one code gives, is a 1 x 1 matrix)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="A single label was found", category=UserWarning)
        return confusion_matrix(y_true, y_pred, labels=labels).tolist()


def single_label_metrics(y_true: list[str], y_pred: list[str], confidence: np.ndarray, review: np.ndarray) -> dict:
    """Accuracy, macro-F1, per class P/R/F1, confusion matrix, ECE and coverage for one-label targets."""
    y_true = [str(v) for v in y_true]
    y_pred = [str(v) for v in y_pred]
    labels = sorted(set(y_true) | set(y_pred))
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    correct = np.array([a == b for a, b in zip(y_true, y_pred)])
    kept = ~np.asarray(review, dtype=bool)
    return {
        "n_test": len(y_true),
        "accuracy": float(correct.mean()) if len(correct) else float("nan"),
        "macro_f1": float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)),
        "ece": expected_calibration_error(confidence, correct),
        "coverage": float(kept.mean()) if len(kept) else float("nan"),
        "precision_at_threshold": float(correct[kept].mean()) if kept.any() else float("nan"),
        "per_class": {
            lab: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])} for i, lab in enumerate(labels)
        },
        "confusion": {"labels": labels, "matrix": _confusion(y_true, y_pred, labels)},
        "calibration_curve": calibration_curve(confidence, correct),
    }


def multi_label_metrics(
    y_true: list[str],
    y_pred: list[str],
    confidence: np.ndarray,
    review: np.ndarray,
    proba: np.ndarray | None = None,
    classes: np.ndarray | None = None,
) -> dict:
    """Macro-F1 over labels, exact-match accuracy, per label P/R/F1, ECE over per-label probabilities."""
    t_sets = [set(split_labels(v)) for v in y_true]
    p_sets = [set(split_labels(v)) for v in y_pred]
    labels = sorted(set().union(*t_sets, *p_sets)) if t_sets else []
    T = np.array([[lab in s for lab in labels] for s in t_sets], dtype=int).reshape(len(t_sets), len(labels))
    P = np.array([[lab in s for lab in labels] for s in p_sets], dtype=int).reshape(len(p_sets), len(labels))
    p, r, f, s = precision_recall_fscore_support(T, P, zero_division=0) if labels else ([], [], [], [])
    exact = np.array([a == b for a, b in zip(t_sets, p_sets)])
    correct = np.array([bool(b) and b <= a for a, b in zip(t_sets, p_sets)])
    kept = ~np.asarray(review, dtype=bool)
    if proba is not None and classes is not None and len(t_sets):
        truth = np.array([[c in s for c in classes] for s in t_sets], dtype=float)
        ece = expected_calibration_error(np.asarray(proba).ravel(), truth.ravel())
        curve = calibration_curve(np.asarray(proba).ravel(), truth.ravel())
    else:
        ece, curve = float("nan"), []
    return {
        "n_test": len(t_sets),
        "accuracy": float(exact.mean()) if len(exact) else float("nan"),
        "macro_f1": float(f1_score(T, P, average="macro", zero_division=0)) if labels else float("nan"),
        "ece": ece,
        "coverage": float(kept.mean()) if len(kept) else float("nan"),
        "precision_at_threshold": float(correct[kept].mean()) if kept.any() else float("nan"),
        "per_class": {
            lab: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])} for i, lab in enumerate(labels)
        },
        "calibration_curve": curve,
    }


def score_predictions(y_true: list[str], pred, *, multi: bool) -> dict:
    """Metrics for a `TargetPrediction` against the recorded labels."""
    if multi:
        return multi_label_metrics(y_true, pred.labels, pred.confidence, pred.review, pred.proba, pred.classes)
    return single_label_metrics(y_true, pred.labels, pred.confidence, pred.review)


# -------------------------------------------------------------- baselines
_TOKEN = re.compile(r"[a-z']{3,}")


def _first_label(v: str, multi: bool) -> str:
    return (split_labels(v) or [""])[0] if multi else str(v)


def keyword_baseline(train_texts: list[str], train_labels: list[str], test_texts: list[str], *, n_words: int = 10) -> list[str]:
    """Predict the class whose 10 most particular training words occur most often (ties: the commoner class)."""
    counts: dict[str, Counter] = {}
    total: Counter = Counter()
    for text, lab in zip(train_texts, train_labels):
        words = set(_TOKEN.findall(text.lower()))
        counts.setdefault(lab, Counter()).update(words)
        total.update(words)
    freq = Counter(train_labels)
    n = len(train_labels)
    keywords = {}
    for lab, c in counts.items():
        rest = n - freq[lab]
        ratio = {w: ((k + 1) / (freq[lab] + 2)) / ((total[w] - k + 1) / (rest + 2)) for w, k in c.items() if k >= 2}
        keywords[lab] = set(sorted(ratio, key=lambda w: (-ratio[w], w))[:n_words])
    order = [lab for lab, _ in freq.most_common()]
    out = []
    for text in test_texts:
        words = set(_TOKEN.findall(text.lower()))
        out.append(max(order, key=lambda lab: len(words & keywords.get(lab, set()))))
    return out


def baselines(
    train_texts: list[str], train_labels: list[str], test_texts: list[str], test_labels: list[str], *, multi: bool, seed: int = 0
) -> dict[str, dict[str, float]]:
    """Majority class, keyword lookup and plain TF-IDF + logistic regression on the same split.

    Multi-label targets are scored on their first recorded label for the baselines
    (each baseline predicts one label), so read those figures as a floor.
    """
    y_tr = [_first_label(v, multi) for v in train_labels]
    majority = Counter(y_tr).most_common(1)[0][0]
    preds = {"majority": [majority] * len(test_texts), "keyword": keyword_baseline(train_texts, y_tr, test_texts)}
    vec = TfidfVectorizer()
    try:
        X_tr = vec.fit_transform(train_texts) if len(set(y_tr)) > 1 else None
    except ValueError:  # no word of two letters in any training text ("n/a"): the plain baseline has nothing to learn
        X_tr = None
    if X_tr is not None:
        lr = LogisticRegression(max_iter=1000, random_state=seed).fit(X_tr, y_tr)
        preds["tfidf_lr"] = [str(v) for v in lr.predict(vec.transform(test_texts))]
    out = {}
    for name, pred in preds.items():
        if multi:
            m = multi_label_metrics(test_labels, pred, np.ones(len(pred)), np.zeros(len(pred), bool))
        else:
            m = single_label_metrics(test_labels, pred, np.ones(len(pred)), np.zeros(len(pred), bool))
        out[name] = {"macro_f1": m["macro_f1"], "accuracy": m["accuracy"]}
    return out


def evaluate_cases(cases: pd.DataFrame, bundle, *, targets: list[str] | None = None) -> dict[str, dict]:
    """Score a labelled case frame with a trained bundle: the same metrics as training, per target.

    Targets default to those the model has and the frame labels; rows without a
    label (or text) for a target are not counted for it.
    """
    wanted = targets or [t for t in bundle.targets if t in cases]
    if not wanted:
        raise RcaError("E111", f"the data has none of the model's targets {bundle.targets} as a column")
    texts = cases["text"].where(cases["text"].notna(), "").astype(str)
    has_text = texts.str.strip().ne("").to_numpy()
    preds = bundle.predict(texts[has_text].tolist(), targets=wanted)
    out = {}
    for t in wanted:
        if t not in cases:
            raise RcaError("E101", f"target column {t!r} is not in the data", column=t)
        labels = cases[t][has_text]
        ok = (labels.notna() & labels.astype(str).str.strip().ne("")).to_numpy()
        if not ok.any():
            raise RcaError("E111", f"column {t!r} has no labels on rows with text", column=t)
        p = preds[t]
        sub = type(p)([p.labels[i] for i in np.flatnonzero(ok)], p.confidence[ok], p.review[ok], p.proba[ok], p.classes)
        multi = bundle.manifest.get("target_kinds", {}).get(t) == "multi_label"
        # a code the model learnt, in other capitals or spacing ("NOISE" for "Noise"), is that code
        learnt = {" ".join(str(c).split()).casefold(): str(c) for c in p.classes}
        truth = [
            MULTI_SEP.join(learnt.get(" ".join(c.split()).casefold(), " ".join(c.split())) for c in (v.split(MULTI_SEP) if multi else [v]))
            for v in labels[ok].astype(str).str.strip()
        ]
        out[t] = {
            "kind": "multi_label" if multi else "single_label",
            **score_predictions(truth, sub, multi=multi),
            "unseen_codes": unseen_codes(truth, p.classes, multi=multi),
        }
    return out


def unseen_codes(truth: list[str], classes, *, multi: bool) -> dict[str, int]:
    """Codes in the labelled file the model never learnt, with how many rows carry each (most first):
    every such row counts as a miss, whatever the model does."""
    from rca.ingest.taxonomy import split_labels

    known = {str(c) for c in classes}
    seen = Counter(code for v in truth for code in (split_labels(v) if multi else [v]) if code not in known)
    return dict(seen.most_common())
