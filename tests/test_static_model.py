"""The static embedding model shipped in the package: present, small, checksummed, licensed, numpy only."""

from __future__ import annotations

import hashlib
import json

import numpy as np

from rca.text.embeddings import default_static_model, embed_texts
from rca.text.static_model import StaticVectors, card


def test_the_packaged_model_is_there_small_and_matches_its_card():
    folder = default_static_model()
    assert folder is not None
    size = sum(f.stat().st_size for f in folder.iterdir())
    assert size <= 5_000_000
    info = card(folder)
    for name, sha in info["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == sha, name
    assert "Apache License" in (folder / "LICENSE").read_text()
    assert info["trimming_cost"]["similarity_spearman_vs_untrimmed"] >= 0.9
    json.dumps(info)


def test_embeddings_are_unit_length_and_put_like_with_like():
    E = embed_texts(["my bin was not collected", "missed bin collection", "my council tax bill is wrong", ""])
    assert E.shape[0] == 4 and E.dtype == np.float32
    assert np.allclose(np.linalg.norm(E[:3], axis=1), 1, atol=1e-4) and not E[3].any()
    assert E[0] @ E[1] > E[0] @ E[2]


def test_wordpiece_splits_unknown_words_into_known_pieces():
    m = StaticVectors.load(default_static_model())
    ids = m.token_ids("Unrepaired bins!")
    pieces = [m.vocab[i] for i in ids]
    assert pieces[0] == "un" and any(p.startswith("##") for p in pieces) and pieces[-1] == "!"
