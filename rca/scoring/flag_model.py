"""The learnt intake flags: one logistic regression per flag beside the rules (`rca.scoring.hazards`).

A contact is flagged when the rules OR the learnt model raise it; the flag names which did, the
model's score and the words that drove it, so an officer sees why. The model is plain data
shipped inside the package (`rca/resources/flag_model/`: `model.json` with the design, the
thresholds and what built it; `coef.npz` with the coefficients), built by
`python -m rca.demo.flag_model_build` from the hand-labelled texts in `tests/data` and the demo's ordinary contacts. Nothing
is unpickled and nothing is downloaded.

Features (`featurise`): word 1-2-grams and, as the design says, character 2-5-grams inside
words, each hashed (scikit-learn's `HashingVectorizer`: no vocabulary to store, the same
columns on every install) and scaled to unit length, and the shipped static sentence embedding
(`rca.text.static_model`) times a weight. The score is the logistic of the linear model;
the flag is raised at or above the flag's threshold, chosen by cross-validation when built.

>>> m = load()
>>> sorted(m.thresholds) == ["emergency_hazard", "safeguarding", "significant_hazard"]
True
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.special import expit

from rca.errors import RcaError

FOLDER = Path(__file__).resolve().parents[1] / "resources" / "flag_model"
CARD, COEF = "model.json", "coef.npz"
FLAGS = ("emergency_hazard", "significant_hazard", "safeguarding")
_EXPLAIN_WORDS = 5
_WORD = re.compile(r"[\w'’-]+")  # a word as the text writes it: "haven't", "half-term"
_KEEP = frozenset({"no", "not", "never", "nobody", "nothing", "cannot", "without", "alone", "off", "down", "fire", "hasn", "isn", "won"})


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    """Words too common to explain a score ("in", "of", "her"): left out of the words shown, never out of the score."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


@dataclass(frozen=True)
class Design:
    """What the features are: hashed word n-grams, optionally character n-grams and the static embedding."""

    char: bool = True
    embed_weight: float = 0.0  # 0: no embedding columns
    n_features: int = 2**18

    def to_dict(self) -> dict:
        return {"char": self.char, "embed_weight": self.embed_weight, "n_features": self.n_features}


@lru_cache(maxsize=4)
def _word_vectorizer(design: Design):
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(analyzer="word", ngram_range=(1, 2), n_features=design.n_features, alternate_sign=False, norm="l2")


@lru_cache(maxsize=4)
def _char_vectorizer(design: Design):
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5), n_features=design.n_features, alternate_sign=False, norm="l2")


@lru_cache(maxsize=1)
def _static():
    from rca.text.static_model import SHIPPED, load_cached

    return load_cached(str(SHIPPED))


def n_columns(design: Design) -> int:
    """How many feature columns the design makes."""
    return design.n_features * (2 if design.char else 1) + (_static().dim if design.embed_weight else 0)


def featurise(texts: list[str], design: Design) -> sparse.csr_matrix:
    """(n texts x n_columns) features of the design; the same function builds and scores the model."""
    texts = ["" if t is None else str(t) for t in texts]
    parts = [_word_vectorizer(design).transform(texts)]
    if design.char:
        parts.append(_char_vectorizer(design).transform(texts))
    if design.embed_weight:
        parts.append(sparse.csr_matrix(_static().encode(texts) * np.float32(design.embed_weight)))
    return sparse.hstack(parts, format="csr", dtype=np.float64)


class FlagModel:
    """The loaded model: the design, a coefficient vector and intercept per flag, and the thresholds."""

    def __init__(
        self, design: Design, coef: dict[str, np.ndarray], intercept: dict[str, float], thresholds: dict[str, float], card: dict
    ) -> None:
        self.design, self.coef, self.intercept, self.thresholds, self.card = design, coef, intercept, thresholds, card
        self._W = np.column_stack([coef[f] for f in FLAGS])
        self._b = np.array([intercept[f] for f in FLAGS])

    def scores(self, texts: list[str]) -> np.ndarray:
        """(n texts x 3) score of each flag, in the order of FLAGS."""
        return expit(np.asarray(featurise(texts, self.design) @ self._W) + self._b)  # as LogisticRegression.predict_proba

    def raised(self, text: str) -> list[dict]:
        """The flags the model raises on one text: each {flag, score, threshold, words that drove it}."""
        if not isinstance(text, str) or not text.strip():
            return []
        X = featurise([text], self.design)
        s = expit(np.asarray(X @ self._W)[0] + self._b)
        return [
            {"flag": f, "score": round(float(s[i]), 2), "threshold": self.thresholds[f], "words": self.words(text, f, X)}
            for i, f in enumerate(FLAGS)
            if s[i] >= self.thresholds[f]
        ]

    def words(self, text: str, flag: str, X: sparse.csr_matrix | None = None) -> list[str]:
        """The words of `text` that pushed `flag`'s score up most (each word's share of the linear score).

        A column a word makes (its unigram, its character n-grams, its tokens' embedding) counts
        for that word; a bigram's or a shared n-gram's weight is split between the words that make it."""
        X = featurise([text], self.design) if X is None else X
        row, w = X.getrow(0), self.coef[flag]
        contrib = dict(zip(row.indices.tolist(), (row.data * w[row.indices]).tolist()))
        d = self.design
        word_v = _word_vectorizer(d)
        tokens = word_v.build_analyzer()(text)
        unigrams = list(dict.fromkeys(t for t in tokens if " " not in t))
        bigrams = list(dict.fromkeys(t for t in tokens if " " in t))
        # one transform per vectorizer, a row per word (or bigram): which columns each makes
        W_uni = word_v.transform(unigrams) if unigrams else None
        C_uni = _char_vectorizer(d).transform(unigrams) if unigrams and d.char else None
        W_bi = word_v.transform(bigrams) if bigrams else None
        uni = {u: set(_row(W_uni, i)) for i, u in enumerate(unigrams)}
        owners: dict[int, list[str]] = {}
        for i, u in enumerate(unigrams):
            own = set(uni[u]) | ({d.n_features + j for j in _row(C_uni, i)} if C_uni is not None else set())
            for j in own:
                owners.setdefault(j, []).append(u)
        for i, b in enumerate(bigrams):
            a, c = b.split(" ")
            for j in set(_row(W_bi, i)) - uni[a] - uni[c]:
                owners.setdefault(j, []).extend((a, c))
        score = dict.fromkeys(unigrams, 0.0)
        for j, c in contrib.items():
            if j in owners:
                for u in owners[j]:
                    score[u] += c / len(owners[j])
        if d.embed_weight:
            start = d.n_features * (2 if d.char else 1)
            score_embed = self._embed_shares(text, tokens, w[start:], d.embed_weight)
            for u, c in score_embed.items():
                score[u] += c
        return whole_words(text, score, d)[:_EXPLAIN_WORDS]

    @staticmethod
    def _embed_shares(text: str, tokens: list[str], w: np.ndarray, weight: float) -> dict[str, float]:
        """Each word's part of the embedding columns' score: the embedding is a sum of token vectors, so it splits exactly."""
        st = _static()
        total = st.encode([text])[0]
        raw = np.asarray(st.counts([text]) @ st.vectors)[0]
        norm = float(np.linalg.norm(raw))
        if norm == 0 or not total.any():
            return {}
        from collections import Counter

        out = {}
        for u, n in Counter(t for t in tokens if " " not in t).items():
            ids = st.token_ids(u)
            if ids:
                out[u] = float(st.vectors[list(ids)].sum(axis=0) @ w) * weight / norm * n
        return out


def whole_words(text: str, score: dict[str, float], design: Design) -> list[str]:
    """The words of `text` as it writes them ("haven't", "Friday"), highest share first, each scored by its tokens'
    shares (the vectorizer cuts "haven't" to "haven" and lower-cases); a word whose tokens are all very common is
    left out unless one of them is a negation or the like (`_KEEP`), and a word made of no token (a single letter)."""
    analyzer = _word_vectorizer(design).build_analyzer()
    best: dict[str, tuple[float, str]] = {}
    for m in _WORD.finditer(text):
        word = m.group(0).strip("'’-")
        tokens = [t for t in dict.fromkeys(analyzer(word)) if " " not in t]
        if not tokens or all(t in _stop_words() and t not in _KEEP for t in tokens):
            continue
        share = sum(score.get(t, 0.0) for t in tokens)
        key = word.lower()
        if share > 0 and key not in best:
            best[key] = (share, word)
    return [w for _, w in sorted(best.values(), key=lambda cw: -cw[0])]


def _row(m: sparse.csr_matrix, i: int) -> list[int]:
    return m.indices[m.indptr[i] : m.indptr[i + 1]].tolist()


def write(
    folder: Path, *, design: Design, coef: dict[str, np.ndarray], intercept: dict[str, float], thresholds: dict[str, float], card: dict
) -> None:
    """Save a model as plain data: the card (JSON) and the coefficients (numpy, compressed, no pickles)."""
    from rca.ingest.io import atomic_path

    folder.mkdir(parents=True, exist_ok=True)
    W = np.column_stack([coef[f] for f in FLAGS]).astype(np.float32)
    nz = np.flatnonzero(np.any(W != 0, axis=1)).astype(np.int32)
    with atomic_path(folder / COEF) as tmp:
        with open(tmp, "wb") as fh:
            np.savez_compressed(fh, index=nz, values=W[nz], intercept=np.array([intercept[f] for f in FLAGS]))
    body = {**card, "design": design.to_dict(), "flags": list(FLAGS), "thresholds": thresholds, "n_columns": int(W.shape[0])}
    with atomic_path(folder / CARD) as tmp:
        tmp.write_text(json.dumps(body, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def read(folder: str | Path = FOLDER) -> FlagModel:
    """Load a model written by `write`; E312 naming the file when it is missing, damaged or not this format."""
    folder = Path(folder)
    try:
        card = json.loads((folder / CARD).read_text(encoding="utf-8"))
        design = Design(**card["design"])
        with np.load(folder / COEF, allow_pickle=False) as z:
            index, values, intercept = z["index"], z["values"], z["intercept"]
        n = int(card["n_columns"])
        if values.shape != (len(index), len(FLAGS)) or n != n_columns(design) or (len(index) and index.max() >= n):
            raise ValueError(f"coefficients of shape {values.shape} do not fit {n} columns")
        coef = {}
        for i, f in enumerate(FLAGS):
            v = np.zeros(n, dtype=np.float64)
            v[index] = values[:, i]
            coef[f] = v
        thresholds = {f: float(card["thresholds"][f]) for f in FLAGS}
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise RcaError(
            "E312",
            f"cannot read the learnt intake flag model: {type(exc).__name__}: {exc}",
            file=str(folder),
        ) from None
    return FlagModel(design, coef, {f: float(intercept[i]) for i, f in enumerate(FLAGS)}, thresholds, card)


@lru_cache(maxsize=2)
def load(folder: str | None = None) -> FlagModel:
    """The shipped model (or the one in `folder`), read once per process."""
    return read(FOLDER if folder is None else folder)
