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


def _top_two(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the best class, and the best class once that one is left out (ties: the lowest index)."""
    first = z.argmax(axis=1)
    rest = z.copy()
    rest[np.arange(len(z)), first] = -np.inf
    return first, rest.argmax(axis=1)


def _best_offset(
    z: np.ndarray, y: np.ndarray, j: int, grid: np.ndarray, actual: np.ndarray, top: tuple[np.ndarray, np.ndarray] | None = None
) -> tuple[float, float]:
    """Best offset change for class j (others fixed): (change, macro-F1), exact for every grid value.

    A row goes to j when z[j] + g beats its best other class, so sorting rows by
    that margin turns every grid value (ascending) into a prefix of the rows; each
    row is counted once, in the first grid value that takes it, and cumulative
    sums over the grid give every class's F1 at once (O(n + grid x k) per class).
    `top`: `_top_two(z)`, when the caller already has it.
    """
    n, k = z.shape
    first, second = _top_two(z) if top is None else top
    comp = np.where(first == j, second, first)  # each row's best class other than j
    rows = np.arange(n)
    margin = z[:, j] - z[rows, comp]
    order = np.argsort(-margin, kind="stable")
    m, comp, yy = margin[order], comp[order], y[order]
    # rows taken by j for offset change g: those with margin > -g (a prefix of the sorted rows)
    take = np.searchsorted(-m, grid, side="left")  # number of rows with -m < g  <=> m > -g
    G = len(grid)
    bucket = np.searchsorted(take, np.arange(n), side="right")  # first grid value whose prefix holds the row (G: none)
    in_comp = np.bincount(bucket * k + comp, minlength=(G + 1) * k).reshape(G + 1, k)
    hit = comp == yy
    hit_comp = np.bincount(bucket[hit] * k + comp[hit], minlength=(G + 1) * k).reshape(G + 1, k)
    hit_j = np.bincount(bucket[yy == j], minlength=G + 1)
    cum_comp, cum_hit, cum_j = (np.cumsum(a, axis=0)[:G] for a in (in_comp, hit_comp, hit_j))
    # taken rows (prefix) are predicted j; the rest keep their best other class
    pred = (in_comp.sum(axis=0) - cum_comp).astype(float)
    tp = (hit_comp.sum(axis=0) - cum_hit).astype(float)
    pred[:, j] = take
    tp[:, j] = cum_j
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
    z = logp.copy()
    top = _top_two(z)
    best = macro_f1(y, top[0], k)
    for r in range(rounds):
        step_grid = np.linspace(-bound, bound, steps) * 0.5**r
        for j in range(k):
            grid = np.clip(b[j] + step_grid, -bound, bound) - b[j]
            g, f = _best_offset(z, y, j, grid, actual, top)
            if f > best + 1e-12:
                b[j] += g
                z[:, j] = logp[:, j] + b[j]
                top = _top_two(z)
                best = f
    return b


def choose(logp_or_scores: np.ndarray, offsets: np.ndarray | None = None) -> np.ndarray:
    """Index of the tagged label per row: argmax of the scores plus offsets (none for plain argmax)."""
    z = np.asarray(logp_or_scores, dtype=float)
    return (z if offsets is None else z + offsets).argmax(axis=1)
