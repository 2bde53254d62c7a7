"""Benchmark: does retraining on N reviewed corrections beat the model before review?

Issue 9. On the demo year (whose recorded root causes include a known ~4% of
deliberate miscodings), with a fixed test set scored against the *true* codes:

1. import the training cases (recorded labels) into a fresh case store and
   train `before` from the store;
2. score the training cases with `before` and import the scored file: the
   store queues the suggestions a person should check (disagreements with the
   recorded code first);
3. simulated officers work the queue in its order, deciding each item with the
   true code (confirm when the suggestion is right, else correct);
4. after N decisions, retrain from the store (corrections beat the originals)
   and measure macro-F1 on the test set.

Run from the repo root:

    .venv/bin/python benchmarks/bench_review_retrain.py [--contacts 10000] [--seeds 20240401,7] [--n 300,1000]

Each seed is a different demo year (and training seed). Writes macro-F1 and
accuracy per checkpoint to benchmarks/results/bench_review_retrain.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import tempfile
import time
from pathlib import Path

TARGET = "root_cause"


def _in_test(case_id: str, share: float) -> bool:
    return int(hashlib.sha256(case_id.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF < share


def run_one(seed: int, args) -> dict:
    """One demo year: train before review, work the queue, retrain at each checkpoint."""
    from sklearn.metrics import accuracy_score, f1_score

    from rca.config import Config
    from rca.demo.data import generate_demo
    from rca.model.store import load_model
    from rca.scoring.score import score_frame
    from rca.store import decide, import_frame, next_item, open_store
    from rca.store.training_data import retrain_from_store

    demo = generate_demo(seed=seed, n_contacts=args.contacts)
    truth = demo.hidden.set_index("case_id")[f"true_{TARGET}"]
    cases = demo.cases[demo.cases[TARGET].notna()].reset_index(drop=True)
    test_mask = cases["case_id"].map(lambda c: _in_test(str(c), args.test_share))
    train, test = cases[~test_mask].reset_index(drop=True), cases[test_mask].reset_index(drop=True)
    test_truth = truth.reindex(test["case_id"]).to_numpy()
    miscoded_train = int((train[TARGET].to_numpy() != truth.reindex(train["case_id"]).to_numpy()).sum())
    cfg = Config(seed=seed)
    checkpoints = sorted(int(x) for x in args.n.split(","))

    def scores(model_dir: Path) -> dict[str, float]:
        pred = list(load_model(model_dir).predict(list(test["text"]))[TARGET].labels)
        return {
            "macro_f1": round(float(f1_score(test_truth, pred, average="macro", zero_division=0)), 4),
            "accuracy": round(float(accuracy_score(test_truth, pred)), 4),
        }

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        store = open_store(f"sqlite:///{tmp / 'bench.db'}")
        import_frame(store, train, source="demo train", model_version=None)
        t0 = time.perf_counter()
        retrain_from_store(store, model_dir=tmp / "before", config=cfg, targets=[TARGET], seed=seed)
        train_s = time.perf_counter() - t0
        before = scores(tmp / "before")
        rows.append({"decisions": 0, "corrections": 0, "fixed_miscodings": 0, **before})

        scored = score_frame(train[["case_id", "received", "text", "service"]], load_model(tmp / "before"), config=cfg)
        scored = scored[["case_id"] + [c for c in scored.columns if c.startswith(f"{TARGET}_")]]
        queued = import_frame(store, train.merge(scored, on="case_id"), source="scored by before", model_version="before").n_review_items
        done = corrections = fixed = 0
        for n in checkpoints:
            while done < n:
                item = next_item(store, officer=f"officer {done % 3 + 1}", target=TARGET)
                if item is None:
                    break
                true = truth.get(item.case_id)
                if true == item.suggested:
                    decide(store, item.item_id, officer=item.officer, action="accepted")
                else:
                    decide(store, item.item_id, officer=item.officer, action="corrected", label=true)
                    corrections += 1
                fixed += int(item.recorded != true)
                done += 1
            model_dir = tmp / f"after_{done}"
            retrain_from_store(store, model_dir=model_dir, config=cfg, targets=[TARGET], seed=seed)
            rows.append({"decisions": done, "corrections": corrections, "fixed_miscodings": fixed, **scores(model_dir)})
            print(rows[-1], flush=True)
            if done < n:
                break  # the queue ran out
        store.dispose()

    return {
        "seed": seed,
        "train_rows": len(train),
        "test_rows": len(test),
        "miscoded_in_train": miscoded_train,
        "queued_for_review": int(queued),
        "train_seconds": round(train_s, 1),
        "results": rows,
        "gain_after_queue": round(rows[-1]["macro_f1"] - before["macro_f1"], 4),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--contacts", type=int, default=10_000)
    ap.add_argument("--seeds", default="20240401,7", help="Demo-year seeds, comma-separated.")
    ap.add_argument("--n", default="300,1000", help="Decisions after which to retrain, comma-separated.")
    ap.add_argument("--test-share", type=float, default=0.3)
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/bench_review_retrain.json"))
    args = ap.parse_args()

    runs = [run_one(int(seed), args) for seed in args.seeds.split(",")]
    from rca import __version__

    gains = [r["gain_after_queue"] for r in runs]
    result = {
        "benchmark": "review_retrain",
        "rca_version": __version__,
        "python": platform.python_version(),
        "contacts": args.contacts,
        "target": TARGET,
        "runs": runs,
        "mean_gain_after_queue": round(sum(gains) / len(gains), 4),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
