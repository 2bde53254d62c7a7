"""Sentence-embedding features from the static model shipped inside rca (numpy only, every install).

`[model] embeddings = "static"` (or the path of a folder in the same format:
`vocab.txt` + `vectors.npz`, as `rca embeddings build --ship` writes) adds,
beside the TF-IDF parts, each text's unit-length sum of WordPiece token vectors
(`rca.text.static_model.StaticVectors`) times `weight`. The recipe search
(`rca.model.recipe_search`) offers it as one more candidate in a default install.

On `fit` the embedder copies the vocabulary and the int8 vectors with their
scales *into itself* (about 3.5 MB), so a trained model is self-contained:
scoring never reads the package's folder again, the model's checksums cover
the vectors, and a model keeps working when rca is upgraded with another
shipped model. `source_sha256_` records the files it was read from.

>>> e = ShippedEmbedder("static", weight=1.0).fit(["x"])
>>> v = e.transform(["the bin was not collected", ""])
>>> v.shape[1] == e.n_features_out_, round(float((v[0] ** 2).sum()), 3), float(abs(v[1]).sum())
(True, 1.0, 0.0)
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from rca.errors import RcaError
from rca.text.static_model import SHIPPED, VECTORS, VOCAB, StaticVectors

SHIPPED_NAME = "static"  # `[model] embeddings = "static"`: the model shipped inside the package
EMBED_PREFIX = "embed:"


def shipped_folder() -> Path | None:
    """The shipped model's folder, or None when this install lacks it."""
    return SHIPPED if (SHIPPED / VECTORS).is_file() and (SHIPPED / VOCAB).is_file() else None


def is_numpy_static(setting: str) -> bool:
    """True for "static" and for a folder holding the numpy static format (`vocab.txt` + `vectors.npz`)."""
    s = str(setting).strip()
    if s.lower() == SHIPPED_NAME:
        return True
    folder = Path(s).expanduser()
    return (folder / VOCAB).is_file() and (folder / VECTORS).is_file()


class ShippedEmbedder(TransformerMixin, BaseEstimator):
    """Unit-length summed static token vectors (`rca.text.static_model`), times `weight`, kept inside the model."""

    def __init__(self, path: str = SHIPPED_NAME, weight: float = 2.0) -> None:
        self.path = path
        self.weight = weight

    def _folder(self) -> Path:
        if str(self.path).strip().lower() == SHIPPED_NAME:
            folder = shipped_folder()
            if folder is None:
                raise RcaError(
                    "E307",
                    "the static embedding model shipped with rca is missing from this install",
                    column="model.embeddings",
                    hint="Reinstall rca, or remove [model] embeddings.",
                )
            return folder
        return Path(self.path).expanduser()

    def fit(self, texts=None, y=None) -> "ShippedEmbedder":
        folder = self._folder()
        model = StaticVectors.load(folder)  # E307 when missing or unreadable
        with np.load(folder / VECTORS, allow_pickle=False) as z:
            self.q_, self.scale_ = np.asarray(z["q"], dtype=np.int8), np.asarray(z["scale"], dtype=np.float32)
        self.vocab_ = "\n".join(model.vocab)  # one string: stored as one JSON value, not 28k nodes
        h = hashlib.sha256()
        for name in (VOCAB, VECTORS):
            h.update(name.encode())
            h.update((folder / name).read_bytes())
        self.source_sha256_ = h.hexdigest()
        self.n_features_out_ = int(model.dim)
        self.__dict__["_model"] = model
        return self

    def _vectors(self) -> StaticVectors:
        model = self.__dict__.get("_model")
        if model is None:
            vectors = self.q_.astype(np.float32) * self.scale_[:, None]
            model = self.__dict__["_model"] = StaticVectors(self.vocab_.split("\n"), vectors)
        return model

    def transform(self, texts) -> np.ndarray:
        """(n x dim) float32: each text's unit-length vector times weight (zeros when no token is known)."""
        X = self._vectors().encode(["" if t is None else str(t) for t in texts])
        X *= np.float32(self.weight)
        return X

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.array([f"{EMBED_PREFIX}{j}" for j in range(self.n_features_out_)], dtype=object)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_model", None)  # rebuilt from q_, scale_ and vocab_ on first use
        return state
