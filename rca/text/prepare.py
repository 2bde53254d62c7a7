"""Text preparation before features: redact, normalise, optionally lemmatise.

Every text a model sees - in training and in scoring alike - passes through
`TextPreparer`, so personal data never becomes a feature and the two paths
cannot drift apart. Redaction placeholders (`[POSTCODE]`, `[NAME]`...) become
single tokens (`pii_postcode`) so "a postcode was mentioned" can still count
without the postcode itself.

Lemmatisation uses spaCy's English lookup table (spacy-lookups-data, no model
download) applied word by word with a cache: the same lemmas as
`spacy.blank("en")` + lookup lemmatizer, about 30x faster than running the
spaCy pipeline, which matters when scoring 10k cases.

>>> TextPreparer(lemmatise=True).transform(["Bins were NOT collected, ring 07700 900123"])
['bin be not collect, ring pii_phone']
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from sklearn.base import BaseEstimator, TransformerMixin

from rca.text.name_words import lemma_lookup, spacy_stop_words
from rca.text.redact import redact_many

_PLACEHOLDER = re.compile(r"\[(EMAIL|PHONE|POSTCODE|NINO|SORTCODE|ACCOUNT|DOB|ADDRESS|NAME)\]")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")  # letters only: numbers keep their own form


@functools.lru_cache(maxsize=200_000)
def _lemma(word: str) -> str:
    return lemma_lookup().get(word, word)


@functools.lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """spaCy's English stop words, less the negations that flip a complaint's meaning."""
    keep = {"not", "no", "never", "nothing", "none", "nobody", "without", "n't", "cannot"}
    return frozenset(w for w in spacy_stop_words() if w not in keep)


def normalise(text: str) -> str:
    """Lower case, placeholders as tokens, one space between words."""
    if "[" in text:
        text = _PLACEHOLDER.sub(lambda m: f" pii_{m.group(1).lower()} ", text)
    return " ".join(text.lower().split())  # str.split and regex \s agree on what is white space


def lemmatise(text: str) -> str:
    """Replace each word by its English lookup lemma ("were" -> "be")."""
    return _WORD.sub(lambda m: _lemma(m.group(0)), text)


def prepare(texts: Iterable[str], *, redact: bool = True, lemmas: bool = False) -> list[str]:
    """Redacted, normalised (and optionally lemmatised) copies of `texts`; None -> ""."""
    raw = ["" if t is None else str(t) for t in texts]
    if redact:
        raw = redact_many(raw)
    out = [normalise(t) for t in raw]
    if lemmas:
        out = [lemmatise(t) for t in out]
    return out


class TextPreparer(TransformerMixin, BaseEstimator):
    """scikit-learn step wrapping `prepare`; stateless, so `fit` only returns self."""

    def __init__(self, redact: bool = True, lemmatise: bool = False) -> None:
        self.redact = redact
        self.lemmatise = lemmatise

    def fit(self, X, y=None):  # noqa: D401 - sklearn signature
        return self

    def transform(self, X) -> list[str]:
        return prepare(X, redact=self.redact, lemmas=self.lemmatise)
