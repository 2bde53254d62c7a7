"""Cross-validated search for a recipe, on training rows only.

`search` is given the prepared texts of the rows a training run learns from
(the held-out evaluation rows are never passed in) and, per target, which of
those rows carry a label. It compares a small portfolio of recipes by
stratified k-fold cross-validation and macro-F1:

- feature views: word n-grams alone, word + character (within word) n-grams,
  and word n-grams + static sentence embeddings when the install has a model;
- a few C values for the linear classifier;
- the single-label decision rules of `rca.model.decision` (scored on the same
  out-of-fold scores, so they cost no extra fit).

Efficiency: every text is analysed once per block (word, char) into a count
matrix; each fold's TF-IDF matrix is then made from the counts by column
selection and re-weighting (the vocabulary and idf of that fold's training
part: the same matrix `TfidfVectorizer` fitted on it would give) and reused
by every classifier setting. Successive halving drops weak candidates after a
first round that fits on a subsample of each fold's training part; the
survivors are then fitted on the whole of it.

Calibration and decision offsets are cross-fitted: for each fold they are
fitted on the other folds' out-of-fold scores, so a rule's score is not
measured on the rows it was tuned on.
"""

from __future__ import annotations

import math
import sys
import time
import warnings
from dataclasses import dataclass, field, replace
from numbers import Integral
from typing import Any, Callable

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.model_selection import StratifiedKFold

from rca.model import calibration as cal
from rca.model import decision as dec
from rca.errors import RcaError
from rca.text.features import normalise_rows, build_featuriser
from rca.model.classifier import ModelSettings, make_classifier

SEARCH_FOLDS = 3
C_GRID = (0.1, 0.3, 1.0)
CHAR_NGRAMS = [2, 5]
ROUND1_VIEWS = 2  # feature views cross-validated on every row after the first round (each at its best C)
ROUND0_ROWS = 2000  # first-round subsample of each fold's training part (at least a quarter of it)
MIN_ROWS = 30  # a target with fewer training rows keeps the fixed recipe
MAX_ROWS = 40_000  # a target with more is searched on a stratified sample of this many (the model learns from all):
# below it every training row takes part, since a sample favours what helps with few rows (embeddings)
_TFIDF_ONLY = ("norm", "use_idf", "smooth_idf", "sublinear_tf")


@dataclass
class SearchSpace:
    """What the search may vary: feature views (name -> settings overrides), C values, decision rules."""

    views: dict[str, dict[str, Any]]
    C: list[float]
    rules: list[str]
    average: bool = True  # also try the average of a word-only and a word + character SVM (rca.model.view_ensemble)

    @property
    def size(self) -> int:
        return len(self.views) * len(self.C) * len(self.rules)


@dataclass
class Candidate:
    view: str
    C: float
    word_C: float | None = None  # set: the average with a word-only SVM of this C (rca.model.view_ensemble)
    round: int = 0
    status: str = "pending"  # evaluated | dropped | skipped (budget)
    seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)  # per target: rows each fold's classifier learnt from
    scores: dict[str, dict[str, float]] = field(default_factory=dict)  # target -> rule -> CV macro-F1
    score: float = float("nan")  # mean over targets of the best rule
    oof: dict[str, np.ndarray] = field(default_factory=dict, repr=False)  # full-row out-of-fold scores, per target

    def as_dict(self) -> dict[str, Any]:
        return {
            "view": self.view if self.word_C is None else f"{self.view} averaged with word",
            "C": self.C,
            "word_view_C": self.word_C,
            "round": self.round,
            "status": self.status,
            "seconds": round(self.seconds, 3),
            "rows": dict(self.rows),
            "cv_macro_f1": {t: {r: round(v, 4) for r, v in s.items()} for t, s in self.scores.items()},
            "score": None if math.isnan(self.score) else round(self.score, 4),
        }


@dataclass
class SearchResult:
    view: str
    per_target: dict[str, dict[str, Any]]  # target -> {"C", "decision", "cv_macro_f1"}
    candidates: list[Candidate]
    folds: dict[str, int]
    notes: list[str]
    seconds: float
    oof: dict[str, np.ndarray] = field(default_factory=dict)  # the chosen candidate's out-of-fold scores per target


# ------------------------------------------------------------------ features
class _Block:
    """One feature block (word or char TF-IDF, or an embedding) over every search text, made once."""

    def __init__(self, name: str, vec, texts: list[str]) -> None:
        self.name = name
        if isinstance(vec, TfidfVectorizer):
            params = {k: v for k, v in vec.get_params().items() if k not in _TFIDF_ONLY}
            self.min_df, self.max_df, self.max_features = vec.min_df, vec.max_df, vec.max_features
            self.sublinear, self.norm, self.smooth = vec.sublinear_tf, vec.norm, vec.smooth_idf
            cv = CountVectorizer(**{**params, "min_df": 1, "max_df": 1.0, "max_features": None, "dtype": np.float32})
            self.counts = cv.fit_transform(texts).tocsr()
            self.dense = None
        else:  # an embedding: no fitting on labels, the same for every fold
            self.counts = None
            self.dense = sp.csr_matrix(np.asarray(vec.fit(texts).transform(texts), dtype=np.float32))

    def fold_matrix(self, rows: np.ndarray, fit_rows: np.ndarray) -> sp.csr_matrix:
        """The block for `rows` as a vectoriser fitted on `fit_rows` would make it."""
        if self.dense is not None:
            return self.dense[rows]
        sub = self.counts[fit_rows]
        n = len(fit_rows)
        df = np.bincount(sub.indices, minlength=sub.shape[1])
        lo = self.min_df if isinstance(self.min_df, Integral) else math.ceil(self.min_df * n)
        hi = self.max_df if isinstance(self.max_df, Integral) else self.max_df * n
        keep = (df >= lo) & (df <= hi) & (df > 0)
        if self.max_features is not None and keep.sum() > self.max_features:
            tf = np.asarray(sub.sum(axis=0)).ravel()
            order = np.flatnonzero(keep)[np.argsort(-tf[keep], kind="mergesort")]
            keep = np.zeros_like(keep)
            keep[order[: self.max_features]] = True
        cols = np.flatnonzero(keep)
        X = self.counts[rows][:, cols].tocsr().astype(np.float32)
        idf = (np.log((1.0 + n) / (1.0 + df[cols])) + 1.0 if self.smooth else np.log(n / df[cols]) + 1.0).astype(np.float32)
        if self.sublinear:
            np.log(X.data, X.data)
            X.data += 1.0
        X.data *= idf[X.indices]
        return normalise_rows(X) if self.norm == "l2" else X


def _blocks_of(settings: ModelSettings, texts: list[str]) -> list[tuple[str, Any]]:
    featuriser = build_featuriser(settings.as_dict(), n_docs=len(texts))
    return list(featuriser.named_steps["union"].transformer_list)


def _block_key(name: str, vec) -> tuple:
    if isinstance(vec, TfidfVectorizer):
        return (name, tuple(sorted((k, repr(v)) for k, v in vec.get_params().items())))
    return (name, repr(vec.get_params()))


# ------------------------------------------------------------------ scoring
def fold_ids(y: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Fold number (0..k-1) of every row, stratified on `y` (classes rarer than k spread as they fall)."""
    folds = np.empty(len(y), dtype=int)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The least populated class", category=UserWarning)
        for f, (_, va) in enumerate(StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(np.zeros(len(y)), y)):
            folds[va] = f
    return folds


def search_folds(y: np.ndarray, wanted: int = SEARCH_FOLDS) -> tuple[int, str | None]:
    """(folds, note): `wanted` folds when two or more classes have that many rows, fewer when they have
    not, 0 (keep the fixed recipe) below MIN_ROWS rows or without two classes of 2+ rows."""
    counts = np.bincount(y)
    if len(y) < MIN_ROWS or (counts >= 2).sum() < 2:
        return 0, (
            f"{len(y)} training rows, class sizes {sorted(counts.tolist(), reverse=True)[:10]}: too few to compare "
            f"recipes by cross-validation (needs {MIN_ROWS}+ rows and 2+ classes with 2+ rows); the fixed recipe is used"
        )
    for k in range(wanted, 1, -1):
        if (counts >= k).sum() >= 2:
            rare = int(((counts > 0) & (counts < k)).sum())
            note = None if k == wanted else (f"folds shrunk from {wanted} to {k}: too few classes have {wanted} or more rows")
            if rare and note is None:
                note = f"{rare} class(es) have fewer than {k} rows: they cannot be in every fold"
            return k, note
    return 0, "too few rows per class for cross-validation; the fixed recipe is used"  # pragma: no cover


def _sample(y: np.ndarray, n: int, seed: int) -> np.ndarray:
    """Positions of `n` rows drawn without replacement, each class keeping its share (at least one row, and
    every row of classes with 3 or fewer)."""
    rng = np.random.default_rng(seed)
    counts = np.bincount(y)
    take = np.minimum(counts, np.maximum(np.minimum(counts, 3), np.floor(counts * n / len(y)).astype(int)))
    return np.concatenate([rng.choice(np.flatnonzero(y == c), size=int(k), replace=False) for c, k in enumerate(take) if k])


def _subsample(folds: np.ndarray, y: np.ndarray, frac: float, seed: int) -> np.ndarray:
    """Mask of the rows a first-round classifier may learn from: a random `frac` of each fold, every class kept."""
    if frac >= 1:
        return np.ones(len(y), dtype=bool)
    rng = np.random.default_rng(seed)
    mask = rng.random(len(y)) < frac
    for f in np.unique(folds):
        inside = folds == f
        present = set(y[inside & mask].tolist())
        for c in set(y[inside].tolist()) - present:
            mask[np.flatnonzero(inside & (y == c))[0]] = True
    return mask


def _fold_scores(
    X: sp.csr_matrix, y: np.ndarray, tr: np.ndarray, va: np.ndarray, settings: ModelSettings, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """(classes, decision scores of the `va` rows) of one classifier fitted on the `tr` rows."""
    est = make_classifier(settings, seed=seed, n_rows=len(tr))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence notes on a subsample are expected
        est.fit(X[tr], y[tr])
    return est.classes_, cal.as_scores(est.decision_function(X[va]))


def oof_scores(
    mats: list[sp.csr_matrix], y: np.ndarray, folds: np.ndarray, k: int, settings: ModelSettings, seed: int, learn: np.ndarray
) -> np.ndarray:
    """Out-of-fold decision scores (n x k): fold f scored by a classifier fitted on the other folds' `learn` rows.

    A fit big enough to split its classes over `settings.n_jobs` processes (`rca.model.ovr_svm`) does so, fold
    after fold; smaller ones run up to `n_jobs` folds at once in processes (liblinear cannot share a process
    between threads without changing its result, see `rca.model.classifier.fold_jobs`). The result is the
    same either way."""
    from joblib import Parallel, delayed

    jobs = [(X, np.flatnonzero((folds != f) & learn), np.flatnonzero(folds == f)) for f, X in enumerate(mats)]
    est = make_classifier(settings, seed=seed, n_rows=len(jobs[0][1]))
    split = hasattr(est, "splits") and est.splits(mats[0][jobs[0][1]], len(np.unique(y[jobs[0][1]])))
    if split or sum(X.nnz for X in mats) <= 200_000:
        out = [_fold_scores(X, y, tr, va, settings, seed) for X, tr, va in jobs]
    else:
        one = replace(settings, n_jobs=1)  # one process per fold already
        n_jobs = min(settings.n_jobs, len(jobs))
        out = Parallel(n_jobs=n_jobs, backend="loky")(delayed(_fold_scores)(X, y, tr, va, one, seed) for X, tr, va in jobs)
    S = np.full((len(y), k), -cal._CLIP)
    for (_, _, va), (classes, raw) in zip(jobs, out):
        S[np.ix_(va, classes)] = raw
    return S


def rule_scores(S: np.ndarray, y: np.ndarray, folds: np.ndarray, rules: list[str]) -> dict[str, float]:
    """Macro-F1 of each decision rule on out-of-fold scores, calibration and offsets cross-fitted by fold."""
    k = S.shape[1]
    out: dict[str, float] = {}
    if "scores" in rules:
        out["scores"] = dec.macro_f1(y, S.argmax(axis=1), k)
    if not {"calibrated", "macro_f1"} & set(rules):
        return out
    pred = {r: np.zeros(len(y), dtype=int) for r in ("calibrated", "macro_f1") if r in rules}
    for f in np.unique(folds):
        a, b = folds != f, folds == f
        T, bias = cal.fit_scaling(S[a], y[a])
        z = S / T + bias
        if "calibrated" in pred:
            pred["calibrated"][b] = z[b].argmax(axis=1)
        if "macro_f1" in pred:
            pred["macro_f1"][b] = dec.choose(z[b], dec.fit_offsets(z[a], y[a]))
    out.update({r: dec.macro_f1(y, p, k) for r, p in pred.items()})
    return out


# ------------------------------------------------------------------ search
def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="candidate", desc="recipe search", disable=not enabled, file=sys.stderr, leave=False)


def search(
    texts: list[str],
    targets: dict[str, tuple[np.ndarray, np.ndarray]],
    base: ModelSettings,
    space: SearchSpace,
    *,
    seed: int,
    budget: float | None = None,
    progress: bool = False,
    clock: Callable[[], float] = time.perf_counter,
) -> SearchResult:
    """Compare the recipes of `space` by cross-validation on `texts` (training rows only).

    `targets`: name -> (row indices into `texts`, class index per row) for single-label targets.
    """
    t0 = clock()
    notes: list[str] = []
    folds_of: dict[str, np.ndarray] = {}
    k_of: dict[str, int] = {}
    targets = dict(targets)
    full = {t for t, (idx, _) in targets.items() if len(idx) <= MAX_ROWS}
    for t in set(targets) - full:
        idx, y = targets[t]
        keep = np.sort(_sample(y, MAX_ROWS, seed))
        targets[t] = (idx[keep], y[keep])
        notes.append(
            f"{t}: searched on a stratified sample of {MAX_ROWS:,} of its {len(idx):,} training rows; "
            "the model then learns from all of them"
        )
    for t, (idx, y) in targets.items():
        k, note = search_folds(y)
        if note:
            notes.append(f"{t}: {note}")
        if k:
            k_of[t], folds_of[t] = k, fold_ids(y, k, seed)
    if not k_of:
        raise _NoSearch("; ".join(notes) or "no single-label target to search")
    cands = [Candidate(v, C) for v in space.views for C in space.C]
    n_max = max(len(targets[t][0]) for t in k_of)
    frac0 = 1.0 if len(cands) <= 2 or n_max <= ROUND0_ROWS // 2 else min(0.5, max(ROUND0_ROWS / n_max, 0.25))
    rounds = [frac0, 1.0] if frac0 < 1 else [1.0]
    keep = min(ROUND1_VIEWS, len(space.views))
    rank_rule = "scores" if "scores" in space.rules else space.rules[0]
    blocks: dict[tuple, _Block] = {}
    mats: dict[tuple[str, str], list[sp.csr_matrix]] = {}  # (view, target) -> per-fold matrices
    learn = {(t, r): _subsample(folds_of[t], targets[t][1], frac, seed + r) for t in k_of for r, frac in enumerate(rounds)}
    feature_seconds = {}

    def view_mats(view: str, t: str) -> list[sp.csr_matrix]:
        if (view, t) not in mats:
            ts = clock()
            vs = replace(base, **space.views[view])
            parts = []
            for name, vec in _blocks_of(vs, texts):
                key = _block_key(name, vec)
                if key not in blocks:
                    blocks[key] = _Block(name, vec, texts)
                parts.append(blocks[key])
            idx = targets[t][0]
            out = []
            for f in range(k_of[t]):
                fit_rows = idx[folds_of[t] != f]
                ms = [b.fold_matrix(idx, fit_rows) for b in parts]
                out.append(ms[0] if len(ms) == 1 else sp.hstack(ms, format="csr"))
            mats[(view, t)] = out
            feature_seconds[view] = feature_seconds.get(view, 0.0) + clock() - ts
        return mats[(view, t)]

    def evaluate(c: Candidate, r: int, rules: list[str], pair: tuple[Candidate, Candidate] | None = None) -> None:
        """Cross-validate `c` on round `r`'s rows; with `pair`, score the average of their out-of-fold scores."""
        ts = clock()
        for t in k_of:
            idx, y = targets[t]
            if pair is None:
                S = oof_scores(view_mats(c.view, t), y, folds_of[t], int(y.max()) + 1, replace(base, C=c.C), seed, learn[(t, r)])
            else:
                S = (pair[0].oof[t] + pair[1].oof[t]) / 2.0
            c.scores[t] = rule_scores(S, y, folds_of[t], rules)
            c.rows[t] = int(np.round(np.mean([((folds_of[t] != f) & learn[(t, r)]).sum() for f in range(k_of[t])])))
            if rules is space.rules:
                c.oof[t] = S
            if budget is not None and c is cands[0] and r == 0 and clock() - t0 > budget:
                need = math.ceil(1.2 * (clock() - t0) * len(k_of) / len(c.scores))
                raise RcaError(
                    "E320",
                    f"a search budget of {budget:g} s is too small for any candidate recipe: "
                    f"the cheapest, with its features, took {clock() - t0:.1f} s on "
                    f"{len(c.scores)} of {len(k_of)} target(s); the smallest workable budget "
                    f"is about {need} s",
                    hint=f"Give --budget {need} or more, or --recipe fast to skip the search.",
                )
        c.round, c.status = r, "evaluated"
        c.seconds += clock() - ts if pair is None else 0.0
        c.score = float(np.mean([max(v.values()) for v in c.scores.values()]))

    def affordable(c: Candidate, r: int) -> bool:
        if budget is None or (r == 0 and c is cands[0]):
            return True
        if clock() - t0 + _estimate(c, cands, r, feature_seconds) <= budget:
            return True
        c.round, c.status = r, "skipped (budget)"
        return False

    n_steps = len(cands) + (keep if len(rounds) > 1 else 0) + 1
    bar = _progress(n_steps, progress)
    try:
        alive = cands
        for r in range(len(rounds)):
            final = r == len(rounds) - 1
            for c in alive:
                if affordable(c, r):
                    evaluate(c, r, space.rules if final else [rank_rule])
                bar.update(1)
            done = sorted((c for c in alive if c.status == "evaluated" and c.round == r), key=lambda c: -c.score)
            if not final:
                if not done:
                    break
                alive = _survivors(done, keep)
                for c in done:
                    if c not in alive:
                        c.status = "dropped"
        cands += _averages(cands, space, len(rounds) - 1, evaluate, affordable)
        bar.update(1)
    finally:
        bar.close()
    return _choose(cands, k_of, full, notes, clock() - t0, space)


def _survivors(ranked: list[Candidate], views: int) -> list[Candidate]:
    """The best candidate of each of the `views` best feature views (ranked best first).

    The first round learns from a subsample, where the best C is not the one every row would choose and
    views that help with few rows (embeddings) look better than they will; what matters most is which
    views reach the full round, so each surviving view keeps one slot, at its best C."""
    out: list[Candidate] = []
    for c in ranked:
        if len(out) < views and all(c.view != o.view for o in out):
            out.append(c)
    return out


def _averages(cands: list[Candidate], space: SearchSpace, r: int, evaluate, affordable) -> list[Candidate]:
    """The deeper lever: for the best character view, the average of each of its final candidates with the best
    word-only classifier (`rca.model.view_ensemble`), scored on the same folds. Kept by `_choose` only if it wins."""
    final = [c for c in cands if c.status == "evaluated" and c.round == r and c.word_C is None]
    if not final or not space.average:
        return []
    best = max(final, key=lambda c: c.score)
    spec = space.views[best.view]
    words = [v for v, s in space.views.items() if not s.get("char_ngrams") and s.get("embeddings") == spec.get("embeddings")]
    if not spec.get("char_ngrams") or spec.get("embeddings") or not words:
        return []  # the averaged model's first SVM reads the word columns alone: no embedding view to pair with
    pool = [c for c in cands if c.view == words[0] and c.status in ("evaluated", "dropped")]
    if not pool:
        return []
    w = max(pool, key=lambda c: (c.round, c.score))
    if not (w.status == "evaluated" and w.round == r):  # dropped after the first round: now on every row
        if not affordable(w, r):
            return []
        w.scores = {}
        evaluate(w, r, space.rules)
    out = []
    for c in [c for c in final if c.view == best.view]:
        avg = Candidate(best.view, c.C, word_C=w.C)
        evaluate(avg, r, space.rules, pair=(c, w))
        avg.seconds = round(c.seconds + w.seconds, 3)
        out.append(avg)
    return out


def _estimate(c: Candidate, cands: list[Candidate], r: int, feature_seconds: dict[str, float]) -> float:
    """Seconds a candidate should take, from those already measured (same view and round first)."""
    same = [x.seconds for x in cands if x.status == "evaluated" and x.round == r and x.view == c.view]
    if same:
        return float(np.mean(same))
    anyr = [x.seconds for x in cands if x.status == "evaluated" and x.round == r]
    prev = [x.seconds for x in cands if x.view == c.view and x.status in ("evaluated", "dropped") and x.round < r]
    est = float(np.mean(anyr)) * 2 if anyr else (float(np.mean(prev)) * 4 if prev else 0.0)
    if c.view not in feature_seconds:
        est += 2 * max(feature_seconds.values(), default=0.0)
    return est


class _NoSearch(Exception):
    """No target can be searched (too few rows): the caller keeps the fixed recipe and says why."""


def _choose(cands, k_of, full, notes, seconds, space) -> SearchResult:
    last = max((c.round for c in cands if c.status == "evaluated"), default=None)
    if last is None:
        raise _NoSearch("no candidate finished within the budget")
    final = [c for c in cands if c.status == "evaluated" and c.round == last]
    order = list(space.views)
    pref = lambda c: (-order.index(c.view), c.word_C is None, -abs(math.log(c.C / 0.3)))  # noqa: E731 - ties: simpler
    best = max(final, key=lambda c: (round(c.score, 6), *pref(c)))
    per_target, oof = {}, {}
    for t in k_of:
        options = [
            (round(s, 6), *pref(c), -space.rules.index(rule), c, rule)
            for c in final
            if c.view == best.view
            for rule, s in c.scores[t].items()
        ]
        *_, c, rule = max(options, key=lambda o: o[:-2])
        per_target[t] = {"C": c.C, "word_view_C": c.word_C, "decision": rule, "cv_macro_f1": round(c.scores[t][rule], 4)}
        if t in full and t in c.oof:
            oof[t] = c.oof[t]
    return SearchResult(view=best.view, per_target=per_target, candidates=cands, folds=dict(k_of), notes=notes, seconds=seconds, oof=oof)
