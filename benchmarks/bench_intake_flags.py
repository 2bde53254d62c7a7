"""Precision and recall of the intake's urgent and safeguarding flags on hand-labelled texts.

    .venv/bin/python benchmarks/bench_intake_flags.py                                   # the development file
    .venv/bin/python benchmarks/bench_intake_flags.py --holdout                         # the first held-out file
    .venv/bin/python benchmarks/bench_intake_flags.py tests/data/intake_flags.holdout2.jsonl   # any labelled file

A labelled file has one JSON object a line: text, received, emergency_hazard, significant_hazard,
safeguarding. Writes benchmarks/results/<file name without .jsonl>.json and prints the figures.
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
    ap.add_argument("file", nargs="?", type=Path, help="a labelled JSON-lines file (default: the development file)")
    ap.add_argument("--holdout", action="store_true", help="score tests/data/intake_flags.holdout.jsonl")
    args = ap.parse_args(argv)
    path = (args.file or ROOT / "tests" / "data" / f"intake_flags.{'holdout' if args.holdout else 'dev'}.jsonl").resolve()
    records = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if line.strip():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                sys.exit(f"{path}: line {n} is not JSON ({exc.msg}); each line must be one labelled text")
    name = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
    res = {"file": name, "n_texts": len(records), "flags": evaluate(records)}
    with atomic_path(ROOT / "benchmarks" / "results" / f"{path.name.removesuffix('.jsonl')}.json") as tmp:
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
