"""Text features shared by every target: TF-IDF over word n-grams (and
character n-grams within word boundaries), after `TextPreparer`.

One featuriser is fitted per training run and the matrix it makes is shared
by all targets, so scoring 10k cases prepares and vectorises each text once.
Word features are named by their n-gram ("not collected"); character features
are prefixed `char:` so evidence can skip them (fragments explain nothing).

Settings come from the `[model]` config section (see `rca.model.classifier.ModelSettings`):
`word_ngrams`, `char_ngrams`, `min_df`, `max_df`, `max_features`,
`char_max_features`, `sublinear_tf`, `lemmatise`, `stop_words`, `redact`, and the
opt-in `embeddings` ("static": the model shipped in rca; a static model folder; or "minilm") / `embeddings_weight` (see `rca.text.embeddings`).

>>> f = build_featuriser({"char_ngrams": None, "min_df": 1}).fit(["bin not collected", "rude staff"])
>>> sorted(f.transform(["bin collected"]).nonzero()[1].tolist()) == sorted(f.transform(["collected bin"]).nonzero()[1].tolist())
True
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline

from rca.text.prepare import TextPreparer, stop_words

CHAR_PREFIX = "char:"


def _ngrams(value: Any, name: str) -> tuple[int, int] | None:
    if value in (None, False, [], 0):
        return None
    lo, hi = (int(value), int(value)) if isinstance(value, int) else (int(value[0]), int(value[1]))
    if not 1 <= lo <= hi:
        raise ValueError(f"{name} must be [low, high] with 1 <= low <= high, got {value!r}")
    return lo, hi


def build_featuriser(settings: dict[str, Any], *, n_docs: int | None = None) -> Pipeline:
    """An unfitted Pipeline(prepare -> FeatureUnion(word, char)) from `[model]` settings.

    `min_df` is capped at 1 for corpora under 100 texts, where a term seen once
    is all the evidence there is.
    """
    from rca.settings import ModelSection, defaults

    settings = {**defaults(ModelSection), **settings}  # a key left out takes its [model] default
    min_df = settings["min_df"]
    if n_docs is not None and n_docs < 100:
        min_df = 1
    common = dict(sublinear_tf=bool(settings["sublinear_tf"]), min_df=min_df, max_df=settings["max_df"], dtype=np.float32)
    parts = []
    word = _ngrams(settings["word_ngrams"], "word_ngrams")
    if word:
        parts.append(
            (
                "word",
                TfidfVectorizer(
                    ngram_range=word,
                    token_pattern=r"(?u)\b\w+\b|n't",
                    max_features=settings["max_features"],
                    stop_words=sorted(stop_words()) if settings["stop_words"] else None,
                    **common,
                ),
            )
        )
    char = _ngrams(settings["char_ngrams"], "char_ngrams")
    if char:
        parts.append(("char", TfidfVectorizer(analyzer="char_wb", ngram_range=char, max_features=settings["char_max_features"], **common)))
    if not parts:
        raise ValueError("[model] needs word_ngrams or char_ngrams; both are off")
    if settings.get("embeddings"):  # sentence embeddings: "static" (shipped), a model folder, or "minilm"
        from rca.text.embeddings import make_embedder

        parts.append(("embed", make_embedder(settings["embeddings"], float(settings["embeddings_weight"]))))
    prep = TextPreparer(redact=bool(settings["redact"]), lemmatise=bool(settings["lemmatise"]))
    return Pipeline([("prep", prep), ("union", FeatureUnion(parts))])


def feature_names(featuriser: Pipeline) -> np.ndarray:
    """Names of the columns `featuriser` makes: word n-grams plain, character n-grams prefixed `char:`,
    embedding dimensions `embed:0..` (already prefixed by `StaticEmbedder`)."""
    names = []
    for name, vec in featuriser.named_steps["union"].transformer_list:
        vocab = vec.get_feature_names_out()
        names.append(vocab if name in ("word", "embed") else np.array([CHAR_PREFIX + v for v in vocab], dtype=object))
    return np.concatenate(names).astype(object)


def word_columns(featuriser: Pipeline) -> int | None:
    """How many leading columns are word n-grams, when other blocks (characters, embeddings) follow them."""
    parts = featuriser.named_steps["union"].transformer_list
    if len(parts) < 2 or parts[0][0] != "word":
        return None
    return len(parts[0][1].vocabulary_)


def prepared(featuriser: Pipeline, texts: list[str]) -> list[str]:
    """The texts as the vectorisers see them (redacted, normalised)."""
    return featuriser.named_steps["prep"].transform(texts)


def tfidf_transform(vec: TfidfVectorizer, texts: list[str]) -> sp.csr_matrix:
    """`vec.transform(texts)` by the same arithmetic, without scikit-learn's per-call checks.

    Counting n-grams is a Python loop either way; what this saves is the
    parameter validation and array checks around it, which cost more than the
    counting when triage featurises one short text. Vectorisers with settings
    this does not reproduce (other norms, binary, no idf) use `vec.transform`.
    """
    if vec.norm not in ("l2", None) or vec.binary or not vec.use_idf or not hasattr(vec, "idf_"):
        return vec.transform(texts).tocsr()
    vocab = vec.vocabulary_
    cache = vec.__dict__.get("_rca_cache")
    if cache is None or cache[0] is not vocab:  # built once per fitted vocabulary
        cache = vec.__dict__["_rca_cache"] = (vocab, vec.build_analyzer(), np.asarray(vec.idf_))
    _, analyze, idf = cache
    indices: list[int] = []
    counts: list[int] = []
    indptr = [0]
    for text in texts:
        seen: dict[int, int] = {}
        for term in analyze(text):
            j = vocab.get(term)
            if j is not None:
                seen[j] = seen.get(j, 0) + 1
        indices.extend(seen)
        counts.extend(seen.values())
        indptr.append(len(indices))
    X = sp.csr_matrix(
        (
            np.asarray(counts, dtype=vec.dtype),
            np.asarray(indices, dtype=np.int32),
            np.asarray(indptr, dtype=np.int64 if len(indices) > 2**31 - 1 else np.int32),
        ),
        shape=(len(texts), len(vocab)),
        dtype=vec.dtype,
    )
    X.sort_indices()
    if vec.sublinear_tf:
        np.log(X.data, X.data)
        X.data += 1.0
    X.data *= idf[X.indices]
    return normalise_rows(X) if vec.norm == "l2" else X


def normalise_rows(X: sp.csr_matrix) -> sp.csr_matrix:
    try:  # the routine sklearn.preprocessing.normalize itself uses
        from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2
    except ImportError:  # pragma: no cover - a future scikit-learn may move it
        from sklearn.preprocessing import normalize

        return normalize(X, copy=False).tocsr()
    inplace_csr_row_normalize_l2(X)
    return X


def vectorise(featuriser: Pipeline, prepared_texts: list[str]):
    """Features from already-prepared texts (CSR float32), skipping a second redaction pass."""
    parts = [
        tfidf_transform(vec, prepared_texts) if isinstance(vec, TfidfVectorizer) else sp.csr_matrix(vec.transform(prepared_texts))
        for _, vec in featuriser.named_steps["union"].transformer_list
    ]
    return parts[0] if len(parts) == 1 else sp.hstack(parts, format="csr")


def without_caches(featuriser: Pipeline) -> Pipeline:
    """`featuriser` with the look-ups `tfidf_transform` keeps on its vectorisers dropped (they are rebuilt
    on the next call): what is saved is the fitted featuriser alone, as training saves it."""
    for _, vec in featuriser.named_steps["union"].transformer_list:
        vec.__dict__.pop("_rca_cache", None)
    return featuriser
