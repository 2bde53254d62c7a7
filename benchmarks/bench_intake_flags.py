"""Precision and recall of the intake's urgent and safeguarding flags on hand-labelled texts.

    .venv/bin/python benchmarks/bench_intake_flags.py                 # the development file
    .venv/bin/python benchmarks/bench_intake_flags.py --holdout       # the held-out file (scored once)

The texts are in tests/data/intake_flags.dev.jsonl (used to write the rules) and
tests/data/intake_flags.holdout.jsonl (written before the rules were tuned, not used to tune them).
Writes benchmarks/results/intake_flags.<dev|holdout>.json and prints the figures.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> dict:
    from rca.scoring.hazards import evaluate
    from rca.ingest.io import atomic_path

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--holdout", action="store_true", help="score the held-out file")
    args = ap.parse_args(argv)
    which = "holdout" if args.holdout else "dev"
    path = ROOT / "tests" / "data" / f"intake_flags.{which}.jsonl"
    records = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    res = {"file": str(path.relative_to(ROOT)), "n_texts": len(records), "flags": evaluate(records)}
    with atomic_path(ROOT / "benchmarks" / "results" / f"intake_flags.{which}.json") as tmp:
        tmp.write_text(json.dumps(res, indent=2, ensure_ascii=False), encoding="utf-8")
    for flag, m in res["flags"].items():
        print(f"{flag:<20} labelled {m['n_labelled']:>3}  raised {m['n_raised']:>3}  precision {m['precision']}  recall {m['recall']}")
        for t in m["missed"]:
            print(f"    missed: {t[:110]}")
        for t in m["false_positives"]:
            print(f"    wrongly raised: {t[:110]}")
    return res


if __name__ == "__main__":
    main()
