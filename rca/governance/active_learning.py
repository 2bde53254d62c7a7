"""Active learning: which unlabelled cases should an officer code next?

The model is least sure about cases near the boundary between two codes
(small margin between its top two probabilities); coding those teaches it
most. Picking only the most uncertain cases tends to pick the same kind of
case many times over, so the choice is greedy: each pick trades uncertainty
against similarity to cases already picked (maximal marginal relevance), and
near-duplicates (cosine similarity of TF-IDF vectors above a cut-off) are
never picked twice.

>>> import numpy as np
>>> proba = np.array([[0.5, 0.5], [0.51, 0.49], [0.9, 0.1], [0.6, 0.4]])
>>> X = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
>>> select_for_labelling(proba, X, n=2).tolist()   # 1 duplicates 0, so 3 comes second
[0, 3]
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import normalize

from rca.scoring.case_kind import ESCALATION_BASIS, PRAISE_BASIS, TEXT_BASES, looks_like_escalation, looks_like_praise, normalised
from rca.errors import RcaError

log = logging.getLogger(__name__)

__all__ = [
    "looks_like_escalation",
    "uncertainty",
    "select_for_labelling",
    "learning_curve",
    "labels_to_reach",
    "suggest_labels",
    "target_population",
    "Population",
    "looks_like_praise",
]

ACCEPTED = "Complaint"  # the acceptability code of an accepted complaint (as rca.scoring.triage / rca.reports)
# Which records each default target is coded on (docs/CONTRACTS.md): root causes on
# accepted stage-1 complaints, escalation reasons on stage-2/3 records, acceptability
# on complaint records at stages 1-3; service on every record.
_RULES: dict[str, dict] = {
    "root_cause": {"complaint": True, "stages": ("1",), "accepted": True},
    "acceptability": {"complaint": True, "stages": ("1", "2", "3")},
    "escalation_reason": {"complaint": True, "stages": ("2", "3")},
}
_FILE_COLUMNS = ("case_type", "stage", "acceptability")
MODEL_TAG_BASIS = "the model's acceptability tag (no acceptability recorded)"


@dataclass
class Population:
    """The rows a target is coded on: `mask` over the frame's rows, and why the rest are out."""

    target: str
    mask: np.ndarray
    excluded: dict[str, int] = field(default_factory=dict)  # reason -> rows left out (first reason that applied)
    basis: list[str] = field(default_factory=list)  # what decided it: columns of the file, or the model's prediction

    @property
    def n(self) -> int:
        return int(self.mask.sum())

    @property
    def restricted(self) -> bool:
        """Whether the file (or the model's tag) says which rows take the code. Rules on the
        words alone (compliments, escalations left out) do not."""
        return any(b not in TEXT_BASES for b in self.basis)

    def describe(self) -> str:
        return "; ".join(f"{n:,} {why}" for why, n in self.excluded.items() if n) or "none left out"

    def chosen_by(self) -> str:
        """How the rows were chosen, in words: the file's columns, then the model's tag or the text.

        >>> Population("root_cause", np.ones(2, bool), basis=["stage", MODEL_TAG_BASIS]).chosen_by()
        "the file's stage column; the model's acceptability tag (no acceptability recorded)"
        """
        cols = [b for b in self.basis if b in _FILE_COLUMNS]
        parts = [f"the file's {', '.join(cols)} column{'s' if len(cols) > 1 else ''}"] if cols else []
        parts += [b for b in self.basis if b not in _FILE_COLUMNS]
        return "; ".join(parts) or "every row (nothing in the file says which rows take the code)"


_norm = normalised


def target_population(
    cases: pd.DataFrame,
    target: str,
    *,
    applies_from_stage: dict | None = None,
    predicted_acceptability: Sequence[str] | None = None,
    text_column: str = "text",
) -> Population:
    """The rows of `cases` that `target` is coded on, as training learnt it.

    Root cause: accepted stage-1 complaints (not compliments, later stages,
    Ombudsman records or contacts not accepted as complaints); escalation
    reason: stage 2 and 3 records; acceptability: complaint records. Each
    condition is applied where the file has the column (`case_type`, `stage`,
    `acceptability`); a blank cell is not held against a row. Where the file
    has no acceptability (or leaves it blank), `predicted_acceptability` (the
    model's own tag) decides. Where it records neither case_type nor
    acceptability, a text that only thanks or praises (`looks_like_praise`) is
    a compliment: an acceptability model never learnt compliments. Where it
    records no stage (or leaves it blank), a text that escalates a complaint or
    answers the first response (`looks_like_escalation`) is a later stage, so it
    takes no root cause. Other
    targets: the stages the model's manifest says the code starts at
    (`applies_from_stage`), else every row.

    >>> df = pd.DataFrame({"case_type": ["Complaint", "Compliment", "Complaint"], "stage": ["1", None, "2"],
    ...                    "acceptability": ["Complaint", None, "Complaint"]})
    >>> target_population(df, "root_cause").mask.tolist()
    [True, False, False]
    """
    n = len(cases)
    keep = np.ones(n, bool)
    excluded: dict[str, int] = {}
    basis: list[str] = []
    rule = _RULES.get(target, {})

    def drop(ok: np.ndarray, why: str, what: str) -> None:
        nonlocal keep
        out = keep & ~ok
        excluded[why] = excluded.get(why, 0) + int(out.sum())
        keep = keep & ok
        if what not in basis:
            basis.append(what)

    def by_words(unknown: np.ndarray, looks_like, what: str, why: str) -> None:
        """Leave out the rows, among those the file says nothing of, whose text `looks_like` another kind of case."""
        texts = cases[text_column].to_numpy(dtype=object)
        hit = np.zeros(n, bool)
        hit[unknown] = [looks_like(t) for t in texts[unknown]]
        if hit.any():
            drop(~hit, why, what)

    if rule.get("complaint") and "case_type" in cases.columns:
        ct = _norm(cases["case_type"])
        drop((ct.isna() | ct.eq(ACCEPTED.lower())).to_numpy(dtype=bool), "not complaints (e.g. compliments)", "case_type")
    if rule.get("complaint") and text_column in cases.columns:
        unknown = keep.copy()
        for col in ("case_type", "acceptability"):
            if col in cases.columns:
                unknown &= _norm(cases[col]).isna().to_numpy(dtype=bool)
        by_words(
            unknown,
            looks_like_praise,
            PRAISE_BASIS,
            "compliments (the text thanks or praises and shows no dissatisfaction; no case_type recorded)",
        )
    stages = rule.get("stages")
    first = (applies_from_stage or {}).get(target)
    if "stage" in cases.columns and (stages or first):
        st = _norm(cases["stage"])
        if stages:
            ok = st.isna() | st.isin(stages)
        else:
            from rca.schema import STAGE_RANK

            rank = st.map(STAGE_RANK)
            ok = st.isna() | (rank.astype(float) >= STAGE_RANK.get(str(first), 1))
        drop(ok.to_numpy(dtype=bool), f"at another stage (the code is given at stage {', '.join(stages or [str(first) + '+'])})", "stage")
    if stages and "2" not in stages and text_column in cases.columns:
        # no stage recorded: a text that escalates, or answers the first response, is a later stage
        unknown = keep & (_norm(cases["stage"]).isna().to_numpy(dtype=bool) if "stage" in cases.columns else True)
        by_words(
            unknown,
            looks_like_escalation,
            ESCALATION_BASIS,
            "stage-2 requests (the text escalates or answers the first response; no stage recorded)",
        )
    if rule.get("accepted"):
        has_col = "acceptability" in cases.columns
        recorded = _norm(cases["acceptability"]) if has_col else pd.Series(pd.NA, index=cases.index, dtype="string")
        blank = recorded.isna().to_numpy()
        if has_col:
            drop(
                blank | recorded.eq(ACCEPTED.lower()).fillna(False).to_numpy(dtype=bool),
                "not accepted as complaints (recorded acceptability)",
                "acceptability",
            )
        if predicted_acceptability is not None and (blank & keep).any():
            pred = np.asarray([str(v).strip().lower() == ACCEPTED.lower() for v in predicted_acceptability], bool)
            drop(~blank | pred, "not accepted as complaints (the model's acceptability tag; none recorded)", MODEL_TAG_BASIS)
    return Population(target=target, mask=keep, excluded={k: v for k, v in excluded.items() if v}, basis=basis)


def uncertainty(proba: np.ndarray, *, method: str = "margin") -> np.ndarray:
    """How unsure the model is about each row, 0 (sure) to 1.

    ``margin``: 1 - (top probability - second); ``entropy``: normalised entropy;
    ``least_confident``: 1 - top probability.

    >>> uncertainty(np.array([[0.5, 0.5], [1.0, 0.0]])).tolist()
    [1.0, 0.0]
    """
    p = np.asarray(proba, float)
    if p.ndim != 2 or p.shape[1] == 0:
        raise ValueError(f"proba must be a 2-d array with one column per class, got shape {p.shape}")
    if p.shape[1] == 1:
        return np.zeros(len(p))
    if method == "margin":
        top2 = -np.partition(-p, 1, axis=1)[:, :2]
        return 1.0 - (top2[:, 0] - top2[:, 1])
    if method == "entropy":
        q = np.clip(p, 1e-12, 1)
        return -(q * np.log(q)).sum(axis=1) / np.log(p.shape[1])
    if method == "least_confident":
        return 1.0 - p.max(axis=1)
    raise ValueError(f"method must be 'margin', 'entropy' or 'least_confident', got {method!r}")


def select_for_labelling(
    proba: np.ndarray, X, *, n: int, method: str = "margin", diversity: float = 0.5, duplicate_similarity: float = 0.9, pool: int = 10
) -> np.ndarray:
    """Row indices of the `n` cases to label next, best first.

    `X`: one feature row per case (TF-IDF or embeddings); rows are
    L2-normalised here so dot products are cosine similarities. Only the
    ``pool * n`` most uncertain rows are considered.
    """
    u = uncertainty(proba, method=method)
    n = min(n, len(u))
    if n <= 0:
        return np.array([], dtype=int)
    cand = np.argsort(-u, kind="stable")[: max(n * pool, n)]
    Xc = normalize(X[cand])
    sims = Xc @ Xc.T
    sims = sims.toarray() if hasattr(sims, "toarray") else np.asarray(sims)
    max_sim = np.zeros(len(cand))
    alive = np.ones(len(cand), bool)
    picked: list[int] = []
    while len(picked) < n and alive.any():
        score = np.where(alive, u[cand] - diversity * max_sim, -np.inf)
        best = int(np.argmax(score))
        picked.append(best)
        alive[best] = False
        max_sim = np.maximum(max_sim, sims[best])
        alive &= max_sim < duplicate_similarity
    return cand[picked]


def _fit(X, y: np.ndarray, seed: int):
    from rca.governance.audit import text_classifier

    return text_classifier(seed).fit(X, y)


def learning_curve(
    X,
    y: Sequence[str],
    *,
    strategy: str = "suggested",
    initial: int = 50,
    batch: int = 50,
    max_labels: int = 600,
    test_size: float = 0.25,
    seed: int = 42,
    **select_options,
) -> pd.DataFrame:
    """Simulate an officer coding cases in batches, chosen by `strategy` (``suggested`` or ``random``).

    The cases are split into a pool and a held-out test set (the same split
    for every strategy with the same seed). Starting from `initial` random
    cases, each round retrains a classifier, scores the test set and adds
    `batch` more cases from the pool. Returns a tidy frame: strategy, seed,
    n_labels, accuracy.
    """
    y = np.asarray(y).astype(str)
    idx = np.arange(len(y))
    strat = y if pd.Series(y).value_counts().min() >= 2 else None
    pool, test = train_test_split(idx, test_size=test_size, random_state=seed, stratify=strat)
    rng = np.random.default_rng(seed)
    labelled = list(rng.choice(pool, size=min(initial, len(pool)), replace=False))
    rows = []
    while True:
        clf = _fit(X[labelled], y[labelled], seed) if len(set(y[labelled])) > 1 else None
        acc = float(np.mean(clf.predict(X[test]) == y[test])) if clf is not None else float(np.mean(y[test] == y[labelled[0]]))
        rows.append({"strategy": strategy, "seed": seed, "n_labels": len(labelled), "accuracy": acc})
        rest = np.setdiff1d(pool, labelled)
        if len(labelled) >= max_labels or not len(rest):
            break
        k = min(batch, len(rest), max_labels - len(labelled))
        if strategy == "random" or clf is None:
            new = rng.choice(rest, size=k, replace=False)
        elif strategy == "suggested":
            new = rest[select_for_labelling(clf.predict_proba(X[rest]), X[rest], n=k, **select_options)]
        else:
            raise ValueError(f"strategy must be 'suggested' or 'random', got {strategy!r}")
        labelled += list(new)
    return pd.DataFrame(rows)


def labels_to_reach(curves: pd.DataFrame, accuracy: float) -> dict[str, float]:
    """Per strategy: the fewest labels at which the mean accuracy over seeds reaches `accuracy` (inf if never).

    >>> c = pd.DataFrame({"strategy": ["a", "a", "b", "b"], "seed": 0, "n_labels": [10, 20, 10, 20], "accuracy": [.5, .8, .4, .6]})
    >>> labels_to_reach(c, 0.75)
    {'a': 20.0, 'b': inf}
    """
    mean = curves.groupby(["strategy", "n_labels"])["accuracy"].mean().reset_index()
    out = {}
    for strategy, g in mean.groupby("strategy"):
        ok = g.loc[g["accuracy"] >= accuracy, "n_labels"]
        out[strategy] = float(ok.min()) if len(ok) else float("inf")
    return out


def suggest_labels(
    cases: pd.DataFrame,
    predictions,
    *,
    target: str,
    n: int = 50,
    text_column: str = "text",
    id_column: str = "case_id",
    method: str = "margin",
    diversity: float = 0.5,
    duplicate_similarity: float = 0.9,
    redact_text: bool = True,
) -> pd.DataFrame:
    """The `n` cases worth coding next, as a frame ready to label.

    `predictions`: the model's prediction for `target` on these cases (an
    object with ``.proba``, ``.classes``, ``.labels``, ``.confidence``, as
    `ModelBundle.predict` returns). Pass only cases the target is coded on
    (`target_population`). Diversity uses TF-IDF of the redacted texts of this
    batch. The text written out is redacted too (the case id finds the case
    itself), unless `redact_text=False`; the frame has an empty `target`
    column to fill.
    """
    from rca.governance.audit import text_features
    from rca.text.redact import redact_many

    if text_column not in cases.columns:
        raise RcaError("E101", f"no column {text_column!r}; columns are {list(cases.columns)[:30]}", column=text_column)
    proba = np.asarray(predictions.proba, float)
    if len(proba) != len(cases):
        raise ValueError(f"predictions cover {len(proba)} cases but there are {len(cases)}")
    texts = cases[text_column].fillna("").astype(str).tolist()
    redacted = redact_many(texts)
    X, _ = text_features(redacted)
    pick = select_for_labelling(proba, X, n=n, method=method, diversity=diversity, duplicate_similarity=duplicate_similarity)
    ids = cases[id_column].to_numpy() if id_column in cases.columns else np.arange(1, len(cases) + 1)
    u = uncertainty(proba, method=method)
    shown = redacted if redact_text else texts
    out = pd.DataFrame(
        {
            "rank": np.arange(1, len(pick) + 1),
            "case_id": ids[pick],
            "text": [shown[i] for i in pick],
            f"predicted_{target}": np.asarray(predictions.labels, dtype=object)[pick],
            "confidence": np.round(np.asarray(predictions.confidence, float)[pick], 4),
            "uncertainty": np.round(u[pick], 4),
            target: "",
        }
    )
    log.info("suggested %d of %d cases for coding %s", len(out), len(cases), target)
    return out
