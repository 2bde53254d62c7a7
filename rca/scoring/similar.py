"""Similar past cases: TF-IDF cosine over the redacted text of past cases.

The index is built from `cases.parquet` in a model folder (columns `case_id,
received, service, team, outcome, corrective_action, root_cause,
complainant_id, text_redacted`); only redacted text is indexed or returned.

>>> import pandas as pd
>>> past = pd.DataFrame({"case_id": ["C1", "C2"], "outcome": ["Upheld", "Not upheld"],
...     "text_redacted": ["my bin was not collected again", "parking fine was unfair"]})
>>> SimilarIndex(past).query(["the bin was not collected"], k=1)[0][0]["case_id"]
'C1'
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from rca.text.features import tfidf_transform
from rca.text.redact import redact

log = logging.getLogger(__name__)

PAST_CASES = "cases.parquet"
RESULT_FIELDS = ("case_id", "received", "service", "team", "outcome", "corrective_action", "root_cause")
EXCERPT_CHARS = 280


def _clean(value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.isoformat(sep=" ", timespec="minutes")
    return value if isinstance(value, (int, float, bool)) else str(value)


class SimilarIndex:
    """Nearest past cases by TF-IDF cosine of redacted text.

    Parameters: cases (frame with `text_redacted`, or `text`, which is redacted
    first), text_column, max_features.
    """

    def __init__(self, cases: pd.DataFrame, *, text_column: str = "text_redacted", max_features: int = 50_000) -> None:
        if text_column not in cases.columns:
            if "text" not in cases.columns:
                raise ValueError(f"cases needs a {text_column!r} or 'text' column; it has {list(cases.columns)[:20]}")
            cases = cases.assign(**{text_column: [redact(str(t)) for t in cases["text"].fillna("")]})
        self.cases = cases.reset_index(drop=True)
        texts = self.cases[text_column].fillna("").astype(str)
        self.texts = texts.to_numpy()
        self.vectorizer_ = TfidfVectorizer(
            sublinear_tf=True, ngram_range=(1, 2), min_df=1, max_features=max_features, stop_words="english", dtype=np.float32
        )
        if texts.str.strip().ne("").any():
            self.matrix_ = self.vectorizer_.fit_transform(texts)
        else:
            self.matrix_ = None
        if "received" in self.cases:
            self.received_ = pd.to_datetime(self.cases["received"], errors="coerce")
        else:
            self.received_ = pd.Series(pd.NaT, index=self.cases.index)

    def _received_ns(self) -> np.ndarray:
        """Received times as int64 nanoseconds (NaT as the smallest value), computed once."""
        if getattr(self, "_received_cache", None) is None:
            self._received_cache = self.received_.to_numpy(dtype="datetime64[ns]").astype(np.int64)
        return self._received_cache

    def __len__(self) -> int:
        return len(self.cases)

    def scores(self, texts: list[str]) -> np.ndarray:
        """Cosine similarity (len(texts) x len(index)) of the redacted `texts` to every past case."""
        if self.matrix_ is None:
            return np.zeros((len(texts), len(self.cases)), np.float32)
        q = tfidf_transform(self.vectorizer_, [redact(str(t or "")) for t in texts])
        if getattr(self, "_matrix_t", None) is None:
            self._matrix_t = self.matrix_.T.tocsr()  # transposed once, not per query
        return (q @ self._matrix_t).toarray()

    def query(self, texts: list[str], k: int = 3, *, before: pd.Timestamp | None = None, min_similarity: float = 0.05) -> list[list[dict]]:
        """Top-k past cases for each text, best first: the result fields, `similarity`, `text` excerpt."""
        return [self.top(row, k, before=before, min_similarity=min_similarity) for row in self.scores(texts)]

    def top(self, sims: np.ndarray, k: int = 3, *, before: pd.Timestamp | None = None, min_similarity: float = 0.05) -> list[dict]:
        """The k best past cases for one row of `scores` (received no later than `before`, when given)."""
        row = np.array(sims, dtype=np.float32, copy=True)
        if before is not None:
            row[self._received_ns() > pd.Timestamp(before).value] = 0.0  # the past only (NaT never counts as later)
        top = np.argpartition(-row, min(k, len(row) - 1))[:k] if len(row) > k else np.arange(len(row))
        hits = []
        for j in sorted(top, key=lambda j: (-row[j], j)):
            if row[j] < min_similarity:
                break
            hits.append({**self.record(int(j)), "similarity": round(float(row[j]), 3)})
        return hits

    def record(self, j: int) -> dict:
        """Past case `j` as returned in results: its result fields and a redacted excerpt (built once, then cached)."""
        cache = self.__dict__.setdefault("_records", {})
        rec = cache.get(j)
        if rec is None:
            rec = {f: _clean(self.cases.at[j, f]) for f in RESULT_FIELDS if f in self.cases.columns}
            rec["text"] = redact(self.texts[j][:EXCERPT_CHARS])
            cache[j] = rec
        return dict(rec)

    def complainants(self) -> np.ndarray | None:
        """Complainant ids as strings, "" where a case has none (None when the index has no such column), computed once."""
        if "complainant_id" not in self.cases:
            return None
        if getattr(self, "_complainants", None) is None:
            ids = self.cases["complainant_id"]
            # a case with no complainant id matches nobody (not the text "None" or "nan")
            self._complainants = ids.where(ids.notna(), "").astype(str).str.strip().to_numpy()
        return self._complainants

    @classmethod
    def from_model_dir(cls, model_dir: str | Path) -> "SimilarIndex | None":
        """The index over a model folder's `cases.parquet`; None (and a log line) when it is absent."""
        path = Path(model_dir) / PAST_CASES
        if not path.exists():
            log.warning("%s not found: no similar cases or duplicate warnings against past cases", path)
            return None
        return cls(pd.read_parquet(path))
