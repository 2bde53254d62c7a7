"""Kind of contact at intake on the demo year's held-out cases.

Trains the acceptability target exactly as `rca train` / `rca demo` do (same seed, same
time split: the latest 20 % of cases held out), but without the final refit on every row,
so the saved model has never seen the held-out cases. Then triages every held-out case and
counts, per recorded kind (compliment, service request, complaint...), how often triage
gives that kind, how often it flags the answer for a person to check, and how many
compliments still get a due date.

    .venv/bin/python benchmarks/bench_contact_kind.py [--data data/demo_cases.csv] [--seed 20240401]

Writes benchmarks/results/contact_kind.json and prints the figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> dict:
    from rca.config import Config
    from rca.ingest.contact_kind import kind_of, training_labels
    from rca.model.evaluate import holdout_split
    from rca.ingest.io import atomic_path
    from rca.model.store import load_model
    from rca.model.classifier import ModelSettings
    from rca.text.redact import redact
    from rca.model.train import train_models
    from rca.scoring.triage import triage_many
    from rca.ingest.validate import load_cases

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT / "data" / "demo_cases.csv"))
    ap.add_argument("--seed", type=int, default=20240401)  # rca demo's seed
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "contact_kind.json"))
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    cfg = Config(seed=args.seed, sections={"model": {"refit": False, "baselines": False}})
    cases = load_cases(args.data, config=cfg, require=("text", "received")).cases.reset_index(drop=True)
    settings = ModelSettings.from_config(cfg.section("model"))
    test, split = holdout_split(cases, test_size=settings.test_size, how=settings.split, seed=args.seed)
    truth = training_labels(cases)
    with tempfile.TemporaryDirectory() as tmp:
        train_models(cases, targets=["acceptability"], model_dir=Path(tmp) / "m", config=cfg)
        bundle = load_model(Path(tmp) / "m")
        t1 = time.perf_counter()
        rows = [i for i in range(len(cases)) if test[i] and isinstance(truth[i], str) and truth[i].strip()]
        res = triage_many([{"text": cases.at[i, "text"], "received": cases.at[i, "received"]} for i in rows], bundle=bundle, config=cfg)
    per: dict[str, Counter] = {}
    missed: list[dict] = []  # held-out compliments triaged as something else (redacted, for the log)
    for i, r in zip(rows, res):
        want = kind_of(truth[i])
        if want == "compliment" and r["kind"] != "compliment" and len(missed) < 20:
            missed.append({"text": redact(str(cases.at[i, "text"]))[:200], "kind": r["kind"], "reason": r["kind_reason"]})
        c = per.setdefault(want, Counter())
        c["n"] += 1
        c["same_kind"] += r["kind"] == ("complaint" if want not in ("service request", "compliment") else want)
        c["same_detail"] += r["contact_kind"] == want
        c["check"] += bool(r["kind_check"])
        c["due_date"] += r["due"] is not None
        c[f"as {r['kind']}"] += 1
    said_compliment = sum(r["kind"] == "compliment" for r in res)
    true_compliment = per.get("compliment", Counter())["same_kind"]
    out = {
        "data": str(Path(args.data).name),
        "seed": args.seed,
        "split": split,
        "held_out_rows_triaged": len(rows),
        "per_recorded_kind": {k: dict(v) for k, v in sorted(per.items())},
        "compliment_recall": round(true_compliment / max(1, per.get("compliment", Counter())["n"]), 4),
        "compliment_precision": round(true_compliment / max(1, said_compliment), 4),
        "compliments_with_a_due_date": per.get("compliment", Counter())["due_date"],
        "service_request_recall": round(
            per.get("service request", Counter())["same_kind"] / max(1, per.get("service request", Counter())["n"]), 4
        ),
        "compliments_missed": missed,
        "train_seconds": round(t1 - t0, 1),
        "triage_seconds": round(time.perf_counter() - t1, 1),
    }
    with atomic_path(args.out) as tmp:
        tmp.write_text(json.dumps(out, indent=2), encoding="utf-8")
    print(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    main()
