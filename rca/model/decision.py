"""Which label a single-label model tags: the decision rule on top of its scores.

Calibration (`rca.model.calibration`) says how likely each label is; the decision
rule says which one to tag. Three rules, chosen by `[model] decision`:

- ``"calibrated"``: the most probable label after calibration. Best for plain
  accuracy; the calibration biases follow the class sizes, so small classes
  are tagged less often and macro-F1 (every class counts the same) suffers.
- ``"scores"``: the label the class-weighted classifier scores highest, before
  calibration. Class weighting already gives small classes their share.
- ``"macro_f1"``: calibrated log-probability plus a per-class offset, the
  offsets fitted on out-of-fold scores to maximise macro-F1 by coordinate
  ascent on a bounded grid (bounds keep tiny classes from being pushed onto
  everything on the strength of a handful of cases).

Whatever the rule, the confidence reported is the calibrated probability of
the label actually tagged, so "confidence 0.8" still means right about 80% of
the time.

>>> y = np.array([0, 0, 0, 1]); logp = np.log(np.array([[.9, .1], [.8, .2], [.7, .3], [.6, .4]]))
>>> choose(logp, fit_offsets(logp, y)).tolist()
[0, 0, 0, 1]
"""
from __future__ import annotations

import numpy as np

DECISIONS = ("calibrated", "scores", "macro_f1")


def macro_f1_from_counts(tp: np.ndarray, predicted: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """Macro-F1 over the classes that occur (as truth or prediction); counts may carry a leading batch axis."""
    denom = predicted + actual
    f1 = np.divide(2.0 * tp, denom, out=np.zeros(np.broadcast(tp, denom).shape), where=denom > 0)
    present = denom > 0
    return f1.sum(axis=-1) / np.maximum(present.sum(axis=-1), 1)


def macro_f1(y: np.ndarray, pred: np.ndarray, k: int) -> float:
    """Macro-F1 of class indices `pred` against `y` (sklearn's "macro" over labels that occur)."""
    tp = np.bincount(y[pred == y], minlength=k)
    return float(macro_f1_from_counts(tp, np.bincount(pred, minlength=k), np.bincount(y, minlength=k)))


def _best_offset(z: np.ndarray, y: np.ndarray, j: int, grid: np.ndarray, actual: np.ndarray) -> tuple[float, float]:
    """Best offset change for class j (others fixed): (change, macro-F1), exact for every grid value.

    A row goes to j when z[j] + g beats its best other class, so sorting rows by
    that margin turns every grid value into a prefix, and cumulative counts give
    every class's F1 at once.
    """
    n, k = z.shape
    others = z.copy()
    others[:, j] = -np.inf
    comp = others.argmax(axis=1)
    margin = z[:, j] - others[np.arange(n), comp]
    order = np.argsort(-margin, kind="stable")
    m, comp, yy = margin[order], comp[order], y[order]
    # rows taken by j for offset change g: those with margin > -g (a prefix of the sorted rows)
    take = np.searchsorted(-m, grid, side="left")  # number of rows with -m < g  <=> m > -g
    onehot_comp = np.zeros((n + 1, k))
    onehot_comp[1:][np.arange(n), comp] = 1
    hit_comp = np.zeros((n + 1, k))
    hit_comp[1:][np.arange(n), comp] = comp == yy
    cum_comp, cum_hit = np.cumsum(onehot_comp, axis=0), np.cumsum(hit_comp, axis=0)
    cum_j = np.concatenate([[0], np.cumsum(yy == j)])
    # taken rows (prefix) are predicted j; the rest keep their best other class
    pred = cum_comp[-1] - cum_comp[take]
    tp = cum_hit[-1] - cum_hit[take]
    pred[:, j] = take
    tp[:, j] = cum_j[take]
    scores = macro_f1_from_counts(tp, pred, actual[None, :])
    best = int(np.argmax(scores - 1e-9 * np.abs(grid)))  # ties: the smallest change
    return float(grid[best]), float(scores[best])


def fit_offsets(logp: np.ndarray, y: np.ndarray, *, bound: float = 1.5, steps: int = 31, rounds: int = 3) -> np.ndarray:
    """Per-class offsets on `logp` (n x k, out-of-fold) that maximise macro-F1 of argmax(logp + offsets).

    Coordinate ascent: each round visits every class and moves its offset to the
    best value on a grid, the grid halving each round; offsets stay within
    +-`bound` (in log-probability units) so no class's share can move without limit.
    """
    logp = np.asarray(logp, dtype=float)
    n, k = logp.shape
    y = np.asarray(y)
    actual = np.bincount(y, minlength=k).astype(float)
    b = np.zeros(k)
    best = macro_f1(y, logp.argmax(axis=1), k)
    for r in range(rounds):
        step_grid = np.linspace(-bound, bound, steps) * 0.5 ** r
        for j in range(k):
            grid = np.clip(b[j] + step_grid, -bound, bound) - b[j]
            g, f = _best_offset(logp + b, y, j, grid, actual)
            if f > best + 1e-12:
                b[j] += g
                best = f
    return b


def choose(logp_or_scores: np.ndarray, offsets: np.ndarray | None = None) -> np.ndarray:
    """Index of the tagged label per row: argmax of the scores plus offsets (none for plain argmax)."""
    z = np.asarray(logp_or_scores, dtype=float)
    return (z if offsets is None else z + offsets).argmax(axis=1)
