"""Calibrated confidence and the abstention threshold.

A classifier's raw scores are turned into probabilities by a small map fitted
on out-of-fold scores (never on the rows the classifier was fitted on):

- one label per case: `softmax(scores / T + b)` - a temperature and a bias per
  class (the bias undoes the prior shift that class weighting introduces);
- several labels per case: Platt's `sigmoid(a * s + c)` per label.

Expected calibration error (ECE) measures the result: the gap between stated
confidence and observed accuracy, averaged over equal-width confidence bins
weighted by how many cases fall in each. The abstention threshold is the
lowest confidence at which the cases at or above it still reach the target
precision on validation data; cases below it go to a person.

>>> expected_calibration_error(np.array([0.9, 0.9, 0.6, 0.6]), np.array([1, 1, 1, 0]), n_bins=10)
0.1
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, log_softmax, softmax
from sklearn.calibration import calibration_curve as sk_calibration_curve
from sklearn.metrics import precision_recall_curve

_CLIP = 50.0  # cross_val_predict marks classes absent from a fold with float min


def as_scores(raw: np.ndarray) -> np.ndarray:
    """Decision scores as an (n x k) array: binary 1-d scores become [0, s]."""
    raw = np.asarray(raw, dtype=float)
    if raw.ndim == 1:
        raw = np.column_stack([np.zeros_like(raw), raw])
    return np.clip(raw, -_CLIP, _CLIP)


def fit_scaling(scores: np.ndarray, y: np.ndarray, *, l2: float = 1e-2) -> tuple[float, np.ndarray]:
    """Temperature T and class biases b minimising the log loss of softmax(scores / T + b).

    `y` holds class indices (0..k-1). A light L2 penalty keeps b finite for classes
    with very few cases.
    """
    s = as_scores(scores)
    n, k = s.shape
    onehot = np.zeros((n, k))
    onehot[np.arange(n), y] = 1.0

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        inv_t, b = np.exp(theta[0]), theta[1:]
        z = s * inv_t + b
        logp = log_softmax(z, axis=1)
        p = np.exp(logp)
        nll = -(onehot * logp).sum() / n + l2 * (b @ b)
        diff = (p - onehot) / n
        grad_b = diff.sum(axis=0) + 2 * l2 * b
        grad_t = (diff * s).sum() * inv_t
        return nll, np.concatenate([[grad_t], grad_b])

    res = minimize(loss, np.zeros(k + 1), jac=True, method="L-BFGS-B")
    return float(np.exp(-res.x[0])), res.x[1:].copy()


def apply_scaling(scores: np.ndarray, temperature: float, bias: np.ndarray) -> np.ndarray:
    return softmax(as_scores(scores) / temperature + bias, axis=1)


def fit_platt(scores: np.ndarray, y01: np.ndarray, *, l2: float = 1e-3) -> tuple[float, float]:
    """Slope and intercept of sigmoid(a * s + c) for one binary label (Platt scaling with Platt's smoothed targets)."""
    s = np.clip(np.asarray(scores, dtype=float), -_CLIP, _CLIP)
    y = np.asarray(y01, dtype=float)
    n_pos, n_neg = y.sum(), len(y) - y.sum()
    t = np.where(y > 0, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        p = expit(theta[0] * s + theta[1])
        eps = 1e-12
        nll = -np.mean(t * np.log(p + eps) + (1 - t) * np.log(1 - p + eps)) + l2 * theta[0] ** 2
        d = (p - t) / len(s)
        return nll, np.array([(d * s).sum() + 2 * l2 * theta[0], d.sum()])

    res = minimize(loss, np.array([1.0, 0.0]), jac=True, method="L-BFGS-B")
    return float(res.x[0]), float(res.x[1])


def apply_platt(scores: np.ndarray, slope: float, intercept: float) -> np.ndarray:
    return expit(slope * np.clip(np.asarray(scores, dtype=float), -_CLIP, _CLIP) + intercept)


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, *, n_bins: int = 15) -> float:
    """ECE: sum over equal-width bins of |accuracy - mean confidence| x share of cases in the bin."""
    conf = np.asarray(confidence, dtype=float)
    ok = np.asarray(correct, dtype=float)
    if conf.size == 0:
        return float("nan")
    bins = np.minimum((conf * n_bins).astype(int), n_bins - 1)
    total = 0.0
    for b in np.unique(bins):
        m = bins == b
        total += abs(ok[m].mean() - conf[m].mean()) * m.sum()
    return round(float(total / conf.size), 10)


def calibration_curve(confidence: np.ndarray, correct: np.ndarray, *, n_bins: int = 10) -> list[dict]:
    """Per non-empty confidence bin: its range, count, mean confidence and observed accuracy (for the report and plot).

    The means are scikit-learn's `calibration_curve` (equal-width bins); a confidence exactly on a bin's upper
    edge counts in that bin, as there.

    >>> [(b["high"], b["count"], b["accuracy"]) for b in calibration_curve(np.array([0.1, 0.15, 0.95]), np.array([0, 1, 1]))]
    [(0.1, 1, 0.0), (0.2, 1, 1.0), (1.0, 1, 1.0)]
    """
    conf = np.asarray(confidence, dtype=float)
    ok = np.asarray(correct, dtype=float)
    if conf.size == 0:
        return []
    accuracy, mean_confidence = sk_calibration_curve(ok, conf, n_bins=n_bins, strategy="uniform")
    counts = np.bincount(np.searchsorted(np.linspace(0.0, 1.0, n_bins + 1)[1:-1], conf), minlength=n_bins)  # the same bins
    return [
        {"low": b / n_bins, "high": (b + 1) / n_bins, "count": int(counts[b]), "confidence": float(c), "accuracy": float(a)}
        for b, c, a in zip(np.flatnonzero(counts).tolist(), mean_confidence, accuracy)
    ]


def choose_threshold(confidence: np.ndarray, correct: np.ndarray, *, precision: float = 0.9) -> float:
    """Lowest confidence t such that cases with confidence >= t are right at least `precision` of the time.

    Picks the largest coverage that meets the precision; 1.0 (review everything
    below certainty) when no cut-off does.
    """
    conf = np.asarray(confidence, dtype=float)
    ok = np.asarray(correct, dtype=float)
    if conf.size == 0:
        return 1.0
    order = np.argsort(-conf, kind="stable")
    c, hits = conf[order], np.cumsum(ok[order])
    # only cut between distinct confidences: ties are all in or all out
    last_of_tie = np.r_[c[1:] != c[:-1], True]
    k = np.flatnonzero(last_of_tie)
    prec = hits[k] / (k + 1)
    feasible = k[prec >= precision]
    if feasible.size == 0:
        return 1.0
    return float(c[feasible.max()])


def best_f1_threshold(p: np.ndarray, y: np.ndarray) -> float:
    """The cut-off on one label's calibrated probability (given when `p >= cut-off`) with the best F1 on validation scores.

    Every distinct probability is a candidate cut-off (scikit-learn's `precision_recall_curve`). A cut-off
    that would give the label to far more cases than carry it (over twice as many, and 5 points more) is
    not considered: for a label the model cannot tell apart, "give it to everyone" can have the best F1,
    and then every case gets every rare label. 0.5 when no cut-off qualifies or `y` has no positive.

    >>> best_f1_threshold(np.array([0.1, 0.3, 0.35, 0.8]), np.array([0, 0, 1, 1]))
    0.35
    """
    p = np.asarray(p, dtype=float)
    y = np.asarray(y).astype(int)
    n_pos = int(y.sum())
    if n_pos == 0 or n_pos == len(y):
        return 0.5
    precision, recall, cuts = precision_recall_curve(y, p)
    precision, recall = precision[:-1], recall[:-1]  # the last point (recall 0) has no cut-off
    tp = recall * n_pos
    given = np.divide(tp, precision, out=np.zeros_like(tp), where=precision > 0)  # cases at or above each cut-off
    f1 = np.divide(2 * tp, given + n_pos, out=np.zeros_like(tp), where=(given + n_pos) > 0)
    most = max(2 * n_pos / len(y), n_pos / len(y) + 0.05) * len(y)
    f1[given > most + 1e-9] = -1.0
    if f1.max() <= 0:
        return 0.5
    best = len(f1) - 1 - int(np.argmax(f1[::-1]))  # cut-offs ascend: ties go to the highest
    return float(cuts[best])
