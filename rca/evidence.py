"""Evidence: the few words or phrases of a case's own text that drove a tag.

Computed for a whole batch at once. For a linear model over sparse features the
contribution of feature j to label c in row i is X[i, j] * coef[c, j]; the top-k
positive contributions are the evidence. A term is shown only when it occurs as
whole words in the row's redacted text, is not a character n-gram or a
redaction placeholder, and `redact` leaves it alone, so no personal data leaves
this way; a phrase hides the words inside it ("not collected" over "collected").

`predict_with_evidence` prepares and featurises each text once and shares that
between every target's prediction and evidence (the dominant cost of scoring
is redaction and featurising, not the classifiers).

>>> # preds, ev = predict_with_evidence(load_model("models/current"), ["my bin was not collected"], k=3)
>>> # ev["service"][0]
>>> # ['not collected', 'bin']
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache

import numpy as np

from .redact import redact, redact_many

log = logging.getLogger(__name__)

_WORD = re.compile(r"\w")
_SPACES = re.compile(r"\s+")
CHAR_PREFIX = "char:"  # rca.features names character n-grams so
PLACEHOLDER_PREFIX = "pii_"  # rca.text_prep turns [NAME] into the token pii_name


@lru_cache(maxsize=200_000)
def _safe_term(term: str) -> bool:
    """A feature name that can be shown: words, no placeholder, nothing `redact` would hide."""
    if term.startswith(CHAR_PREFIX) or PLACEHOLDER_PREFIX in term or not _WORD.search(term):
        return False
    return redact(term) == term


def padded_redacted(texts: list[str]) -> list[str]:
    """Lower-cased, redacted, single-spaced texts with a space either side (for whole-word checks)."""
    return [f" {_SPACES.sub(' ', t.lower()).strip()} " for t in redact_many(texts)]


_MASK: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def showable_mask(feature_names: np.ndarray) -> np.ndarray:
    """Which features could ever be shown as evidence (words, no placeholders), cached per names array,
    so that character n-grams never reach the per-row loop."""
    key = id(feature_names)
    hit = _MASK.get(key)
    if hit is None or hit[0] is not feature_names:
        mask = np.fromiter((not n.startswith(CHAR_PREFIX) and PLACEHOLDER_PREFIX not in n and _WORD.search(n) is not None
                            for n in map(str, feature_names)), dtype=bool, count=len(feature_names))
        _MASK.clear()
        _MASK[key] = hit = (feature_names, mask)
    return hit[1]


def top_contributions(X, coef: np.ndarray, label_index: np.ndarray, feature_names: np.ndarray, *, k: int = 5,
                      padded: list[str] | None = None) -> list[list[str]]:
    """Top-k positively contributing, showable feature names per row.

    X: (n x F) sparse CSR features; coef: (C x F) linear weights; label_index:
    (n,) the class row of `coef` to explain for each row (-1 = none); padded:
    the rows' texts as `padded_redacted` (or the model's own prepared texts,
    space-padded): a term must occur there as whole words.
    """
    X = X.tocsr()
    n = X.shape[0]
    out: list[list[str]] = [[] for _ in range(n)]
    if n == 0 or k <= 0:
        return out
    rows = np.repeat(np.arange(n), np.diff(X.indptr))
    lab = label_index[rows]
    ok = (lab >= 0) & showable_mask(feature_names)[X.indices]
    contrib = np.zeros(len(X.data))
    contrib[ok] = X.data[ok] * coef[lab[ok], X.indices[ok]]
    keep = contrib > 0
    r, c, v = rows[keep], X.indices[keep], contrib[keep]
    order = np.lexsort((-v, r))  # by row, strongest first
    r, c = r[order], c[order]
    starts = np.searchsorted(r, np.arange(n), side="left")
    ends = np.searchsorted(r, np.arange(n), side="right")
    for i in range(n):
        picked: list[str] = []
        for j in c[starts[i]:ends[i]]:
            term = str(feature_names[j])
            if not _safe_term(term):
                continue
            if padded is not None and f" {term} " not in padded[i]:
                continue
            if any(term in p for p in picked):
                continue
            picked = [p for p in picked if p not in term] + [term]
            if len(picked) == k:
                break
        out[i] = picked
    return out


def _label_index(classes, labels: list[str]) -> np.ndarray:
    index = {str(c): i for i, c in enumerate(classes)}
    return np.array([index.get(str(lab).split(";")[0].strip() if lab else "", -1) for lab in labels], dtype=np.int64)


def _shared_features(bundle) -> bool:
    """Whether the bundle exposes one featurisation for all targets (rca.model_store.ModelBundle does)."""
    return all(hasattr(bundle, a) for a in ("features", "models", "feature_names"))


def predict_with_evidence(bundle, texts: list[str], *, k: int = 5, targets: list[str] | None = None) -> tuple[dict, dict]:
    """(predictions per target, evidence per target: one list of terms per text).

    With a `ModelBundle` the texts are prepared and featurised once for all
    targets; any other object with the contract's `predict` / `evidence` works too.
    """
    targets = list(targets or bundle.targets)
    if _shared_features(bundle):
        prep, X = bundle.features(list(texts))
        preds = {t: bundle.models[t].predict(X) for t in targets}
        if k <= 0:
            return preds, {t: [[] for _ in texts] for t in targets}
        padded = [f" {p} " for p in prep]
        names = bundle.feature_names()
        evidence = {t: top_contributions(X, bundle.models[t].coef(), _label_index(bundle.models[t].classes_, preds[t].labels),
                                         names, k=k, padded=padded) for t in targets}
        return preds, evidence
    preds = bundle.predict(list(texts))
    padded = padded_redacted(list(texts)) if k > 0 else None
    evidence = {t: batch_evidence(bundle, t, list(texts), list(preds[t].labels), k=k, padded=padded) for t in targets}
    return preds, evidence


def batch_evidence(bundle, target: str, texts: list[str], labels: list[str], *, k: int = 5,
                   padded: list[str] | None = None) -> list[list[str]]:
    """Evidence for each (text, predicted label) pair of one target.

    Uses the bundle's `evidence_batch` when it has one, else the linear parts it
    exposes (`linear_parts(target) -> (transform, coef, classes, names)`), else
    its per-row `evidence` (slow on big files).
    """
    if k <= 0:
        return [[] for _ in texts]
    fast = getattr(bundle, "evidence_batch", None)
    if fast is not None:
        return fast(texts, target, labels, k=k)
    parts = getattr(bundle, "linear_parts", None)
    if parts is not None and (lp := parts(target)) is not None:
        transform, coef, classes, names = lp
        padded = padded if padded is not None else padded_redacted(texts)
        return top_contributions(transform(texts), coef, _label_index(classes, labels), names, k=k, padded=padded)
    return [bundle.evidence(t, target, str(lab).split(";")[0], k=k) if lab else [] for t, lab in zip(texts, labels)]
