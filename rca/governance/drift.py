"""Drift: has new complaint text moved away from what the model was trained on?

Each check compares the new batch with the training (reference) data, and
also a random reference sample of the same size with the rest of the
reference: that second figure is what chance alone gives for a batch of this
size, so small batches are not flagged for being small. A check's *excess* is
the new figure minus the chance figure; thresholds (config section
``[drift]``) apply to the excess.

Checks: word mix (Jensen-Shannon divergence of word frequencies), new words
(share of word tokens never seen in the reference), predicted-code mix per
target (PSI), recorded-code mix when the new batch has codes (PSI), and the
drop in coverage: the share of new cases the model is sure enough to tag
without review, against that share on the held-out test cases at training.
Both shares are taken over the kind of case the code is given to (root causes:
accepted stage-1 complaints; see `rca.governance.active_learning.target_population`), so
compliments or contacts not accepted in a batch do not look like drift; a
target no new case is given to (root causes in a file of stage-2 records) gets
no verdict, and the report says so. Cases the model learnt from (the same case
id and text as one of its past cases) are not new and are left out: a file of
nothing else gets no verdict either. A file of one kind of case (only stage-2
records, only compliments) is compared with the past cases of that kind
(`rca.governance.model_drift.same_kind`): their wording differs from first complaints, and
that is not drift.

>>> ref = ["bin not collected", "missed bin again", "parking fine unfair"] * 40
>>> check_drift(ref, ref[:60]).verdict
'no drift'
>>> check_drift(ref, ["the lift in my tower block is broken", "mould in the bathroom"] * 30).verdict
'retrain'
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from scipy.spatial.distance import jensenshannon
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from rca.text.redact import redact_many

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_THRESHOLDS",
    "DriftCheck",
    "DriftReport",
    "check_drift",
    "js_divergence",
    "psi",
    "thresholds_from_config",
    "NOTHING_NEW",
]

# warn / alert on the excess over chance. PSI 0.1 / 0.25 are the usual credit-risk bands.
DEFAULT_THRESHOLDS = {
    "words_js_warn": 0.02,
    "words_js_alert": 0.05,
    "new_words_warn": 0.02,
    "new_words_alert": 0.05,
    "psi_warn": 0.10,
    "psi_alert": 0.25,
    "coverage_drop_warn": 0.05,
    "coverage_drop_alert": 0.10,
    "min_rows": 30,
}
_TOKEN = re.compile(r"[a-z][a-z']+")
_STATUS_ORDER = {"ok": 0, "warn": 1, "drift": 2}
_MIN_DOCS = 5  # a word is named in the report only when this many new cases use it
NOTHING_NEW = "nothing new"  # the verdict when every case in the file is one the model learnt from


def thresholds_from_config(config=None) -> dict[str, float]:
    """The ``[drift]`` thresholds: the config's, else the defaults (keys, defaults, ranges: `rca.settings.DriftSection`)."""
    from rca.settings import DriftSection, defaults

    return defaults(DriftSection) if config is None else asdict(config.section_as(DriftSection, "drift"))


def psi(expected: Sequence[float], actual: Sequence[float], eps: float = 1e-4) -> float:
    """Population stability index between two count (or share) vectors over the same bins.

    >>> round(psi([50, 50], [50, 50]), 6)
    0.0
    >>> psi([90, 10], [50, 50]) > 0.25
    True
    """
    e = np.asarray(expected, float)
    a = np.asarray(actual, float)
    e = np.clip(e / e.sum(), eps, None)
    a = np.clip(a / a.sum(), eps, None)
    return float(np.sum((a - e) * np.log(a / e)))


def js_divergence(p: Sequence[float], q: Sequence[float]) -> float:
    """Jensen-Shannon divergence (base 2, 0..1) between two count vectors: the square of
    scipy's Jensen-Shannon distance.

    >>> js_divergence([1, 0], [0, 1])
    1.0
    """
    return float(jensenshannon(np.asarray(p, float), np.asarray(q, float), base=2) ** 2)


@dataclass
class DriftCheck:
    """One comparison: the new figure, what chance gives, and the verdict on the excess."""

    name: str
    value: float
    chance: float
    status: str  # ok | warn | drift
    message: str
    details: dict = field(default_factory=dict)

    @property
    def excess(self) -> float:
        return self.value - self.chance


@dataclass
class DriftReport:
    """All checks and one verdict: ``no drift``, ``watch`` or ``retrain``."""

    checks: list[DriftCheck]
    n_reference: int
    n_new: int
    n_learnt: int = 0  # rows of the file left out: cases the model learnt from
    not_compared: list[str] = field(default_factory=list)  # what was not compared, and why
    reference_kind: str = ""  # which training cases the file was compared with, when not all of them

    @property
    def verdict(self) -> str:
        if self.n_new == 0:
            return NOTHING_NEW
        worst = max((_STATUS_ORDER[c.status] for c in self.checks), default=0)
        return ("no drift", "watch", "retrain")[worst]

    @property
    def reasons(self) -> list[str]:
        return [c.message for c in self.checks if c.status != "ok"]

    def to_dict(self) -> dict:
        return {
            "verdict": self.verdict,
            "reasons": self.reasons,
            "n_reference": self.n_reference,
            "n_new": self.n_new,
            "n_learnt": self.n_learnt,
            "not_compared": list(self.not_compared),
            "reference_kind": self.reference_kind or None,
            "checks": [asdict(c) | {"excess": round(c.excess, 4)} for c in self.checks],
        }

    def to_text(self) -> str:
        if self.verdict == NOTHING_NEW:
            return (
                f"Nothing new to compare, so no verdict: all {self.n_learnt:,} cases in the file are cases the model "
                "learnt from (the same case id and text are among its past cases), and a model's own training cases "
                "say nothing about drift. Compare cases received since it was trained."
            )
        head = {
            "no drift": "No drift: the new cases look like the training data; no retraining needed.",
            "watch": "Watch: some signs of change; retraining is not yet due, check again with the next batch.",
            "retrain": "Retraining is due: the new cases differ from the training data.",
        }[self.verdict]
        learnt = (
            (
                f"; {self.n_learnt:,} cases of the file left out as already learnt from (the same case id and text are "
                "among the model's past cases)"
            )
            if self.n_learnt
            else ""
        )
        kind = f" {self.reference_kind}" if self.reference_kind else ""
        lines = [head, f"({self.n_new:,} new cases compared with {self.n_reference:,} training cases{kind}{learnt})"]
        lines += [f"- [{c.status}] {c.message}" for c in self.checks]
        lines += [f"- [not compared] {note}" for note in self.not_compared]
        return "\n".join(lines)


def _status(excess: float, warn: float, alert: float) -> str:
    return "drift" if excess >= alert else "warn" if excess >= warn else "ok"


def _tokens(texts: Sequence[str]) -> list[list[str]]:
    return [_TOKEN.findall(t.lower()) for t in texts]


def _chance_split(n_ref: int, n_new: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A same-size random sample of the reference, and the rest of it."""
    size = min(n_new, n_ref // 2)
    perm = rng.permutation(n_ref)
    return perm[size:], perm[:size]


def _word_checks(ref_tok, new_tok, splits, th) -> list[DriftCheck]:
    def counts(rows):
        return Counter(w for r in rows for w in r)

    def measure(ref_c: Counter, new_c: Counter) -> tuple[float, float]:
        vocab = sorted(set(ref_c) | set(new_c))
        js = js_divergence([ref_c[w] for w in vocab], [new_c[w] for w in vocab])
        total = sum(new_c.values()) or 1
        oov = sum(c for w, c in new_c.items() if w not in ref_c) / total
        return js, oov

    # Both the chance sample and the new batch are measured against the same
    # remainder of the reference, so the two figures are like for like.
    new_c = counts(new_tok)
    pairs = [(counts(ref_tok[i] for i in rest), counts(ref_tok[i] for i in samp)) for rest, samp in splits]
    js_chance, oov_chance = np.mean([measure(rest_c, samp_c) for rest_c, samp_c in pairs], axis=0)
    js, oov = np.mean([measure(rest_c, new_c) for rest_c, _ in pairs], axis=0)
    ref_c = counts(ref_tok)
    ref_total, new_total = sum(ref_c.values()) or 1, sum(new_c.values()) or 1
    # Only words used in several new cases are named in the report: a word from one
    # case can be a name or address the redaction missed.
    docs = Counter(w for r in new_tok for w in set(r))
    min_docs = max(_MIN_DOCS, int(0.01 * len(new_tok)))
    content = [w for w in new_c if w not in ENGLISH_STOP_WORDS and docs[w] >= min_docs]
    rising = sorted(content, key=lambda w: new_c[w] / new_total - ref_c[w] / ref_total, reverse=True)[:10]
    unseen = [w for w, _ in new_c.most_common() if w not in ref_c and docs[w] >= min_docs][:10]
    js_status = _status(js - js_chance, th["words_js_warn"], th["words_js_alert"])
    oov_status = _status(oov - oov_chance, th["new_words_warn"], th["new_words_alert"])
    return [
        DriftCheck(
            "word_mix",
            round(float(js), 4),
            round(float(js_chance), 4),
            js_status,
            ("The words in the new cases are used in different proportions" if js_status != "ok" else "The word mix is as expected")
            + f" (divergence {js:.3f}, {js_chance:.3f} expected by chance); most increased: {', '.join(rising[:6])}",
            {"rising_words": rising},
        ),
        DriftCheck(
            "new_words",
            round(float(oov), 4),
            round(float(oov_chance), 4),
            oov_status,
            f"{oov:.1%} of words in the new cases never appear in the training data ({oov_chance:.1%} expected)"
            + (f"; most common: {', '.join(unseen[:6])}" if unseen else ""),
            {"unseen_words": unseen},
        ),
    ]


def _mix_check(name: str, what: str, ref: pd.Series, new: pd.Series, rng: np.random.Generator, repeats: int, th) -> DriftCheck:
    ref, new = ref.astype(str).reset_index(drop=True), new.astype(str).reset_index(drop=True)
    splits = [_chance_split(len(ref), len(new), rng) for _ in range(repeats)]
    cats = sorted(set(ref) | set(new))

    def dist(values: pd.Series) -> np.ndarray:
        return values.value_counts().reindex(cats, fill_value=0).to_numpy()

    chance = float(np.mean([psi(dist(ref.iloc[rest]), dist(ref.iloc[samp])) for rest, samp in splits]))
    value = float(np.mean([psi(dist(ref.iloc[rest]), dist(new)) for rest, _ in splits]))
    status = _status(value - chance, th["psi_warn"], th["psi_alert"])
    ref_share = ref.value_counts(normalize=True).reindex(cats, fill_value=0)
    new_share = new.value_counts(normalize=True).reindex(cats, fill_value=0)
    change = (new_share - ref_share).sort_values()
    moves = [
        f"{c} {ref_share[c]:.0%}→{new_share[c]:.0%}"
        for c in list(change.index[-2:][::-1]) + list(change.index[:2])
        if abs(change[c]) >= 0.01
    ]
    msg = (
        f"The mix of {what} has {'changed' if status != 'ok' else 'not changed much'} "
        f"(PSI {value:.3f}, {chance:.3f} expected by chance)" + (f"; biggest moves: {', '.join(moves)}" if moves else "")
    )
    return DriftCheck(
        name,
        round(value, 4),
        round(chance, 4),
        status,
        msg,
        {"reference_share": ref_share.round(4).to_dict(), "new_share": new_share.round(4).to_dict()},
    )


def _coverage_check(
    target: str, ref_coverage: float, review: np.ndarray, th, *, n_reference: int | None = None, population: str | None = None
) -> DriftCheck:
    """Coverage now against coverage on the held-out cases at training. Both are shares of
    finite samples, so the drop counts only beyond two standard errors of their difference
    (the chance level, as the other checks subtract theirs)."""
    new_cov = float(1.0 - np.mean(review))
    drop = ref_coverage - new_cov
    p = min(max(ref_coverage, 0.0), 1.0)
    inv_n = 1.0 / max(len(review), 1) + (1.0 / n_reference if n_reference else 0.0)
    chance = 2.0 * float(np.sqrt(p * (1 - p) * inv_n))
    status = _status(drop - chance, th["coverage_drop_warn"], th["coverage_drop_alert"])
    msg = (
        f"The model is sure enough to tag {target} without review on {new_cov:.0%} of {population or 'the new cases'} "
        f"against {ref_coverage:.0%} of held-out cases at training (a drop of up to {chance:.0%} is chance)"
    )
    return DriftCheck(
        f"coverage:{target}",
        round(drop, 4),
        round(chance, 4),
        status,
        msg,
        {
            "reference_coverage": round(ref_coverage, 4),
            "new_coverage": round(new_cov, 4),
            "reference_cases": n_reference,
            "new_cases": int(len(review)),
        },
    )


def check_drift(
    reference_texts: Sequence[str],
    new_texts: Sequence[str],
    *,
    reference_predictions: dict[str, Sequence[str]] | None = None,
    new_predictions: dict[str, Sequence[str]] | None = None,
    reference_coverage: dict[str, float] | None = None,
    reference_coverage_n: dict[str, int] | None = None,
    new_review: dict[str, Sequence[bool]] | None = None,
    coverage_population: dict[str, str] | None = None,
    reference_labels: dict[str, Sequence[str]] | None = None,
    new_labels: dict[str, Sequence[str]] | None = None,
    thresholds: dict[str, float] | None = None,
    seed: int = 42,
    repeats: int = 3,
) -> DriftReport:
    """Compare a new batch of complaint texts (and optionally predictions and codes) with the reference.

    Predictions, review flags and labels are dicts keyed by target.
    `reference_coverage` must come from cases the model did not train on (the
    held-out test at training): on its own training data a model is surer than
    on any new batch; `reference_coverage_n` is how many cases it was measured on.
    `new_review` must cover the same kind of case as that held-out figure (the
    cases the code is given to); `coverage_population` says which, for the report.
    Texts are redacted before counting words, so no personal data reaches the report.
    """
    th = dict(DEFAULT_THRESHOLDS) | (thresholds or {})
    ref_texts = redact_many(["" if not isinstance(t, str) else t for t in reference_texts])
    new_texts_r = redact_many(["" if not isinstance(t, str) else t for t in new_texts])
    n_ref, n_new = len(ref_texts), len(new_texts_r)
    from rca.errors import RcaError

    if n_new < th["min_rows"] or n_ref < 2 * th["min_rows"]:
        raise RcaError(
            "E304",
            f"drift needs at least {int(th['min_rows'])} new and {2 * int(th['min_rows'])} reference cases; "
            f"got {n_new} new and {n_ref} reference",
            hint="Compare a larger batch (set [drift] min_rows to change the minimum).",
        )
    rng = np.random.default_rng(seed)
    splits = [_chance_split(n_ref, n_new, rng) for _ in range(repeats)]
    checks = _word_checks(_tokens(ref_texts), _tokens(new_texts_r), splits, th)
    for target, new_pred in (new_predictions or {}).items():
        ref_pred = (reference_predictions or {}).get(target)
        if ref_pred is not None:
            checks.append(
                _mix_check(
                    f"predicted:{target}", f"predicted {target}", pd.Series(list(ref_pred)), pd.Series(list(new_pred)), rng, repeats, th
                )
            )
    for target, review in (new_review or {}).items():
        ref_cov = (reference_coverage or {}).get(target)
        if ref_cov is not None and np.isfinite(ref_cov) and len(review):
            checks.append(
                _coverage_check(
                    target,
                    float(ref_cov),
                    np.asarray(review, bool),
                    th,
                    n_reference=(reference_coverage_n or {}).get(target),
                    population=(coverage_population or {}).get(target),
                )
            )
    for target, new_lab in (new_labels or {}).items():
        ref_lab = pd.Series(list((reference_labels or {}).get(target, [])))
        new_lab = pd.Series(list(new_lab))
        ref_lab, new_lab = ref_lab[ref_lab.notna()], new_lab[new_lab.notna()]
        if len(ref_lab) >= 2 * th["min_rows"] and len(new_lab) >= th["min_rows"]:
            checks.append(_mix_check(f"recorded:{target}", f"recorded {target}", ref_lab, new_lab, rng, repeats, th))
    report = DriftReport(checks=checks, n_reference=n_ref, n_new=n_new)
    log.info("drift: %s", report.verdict)
    return report
