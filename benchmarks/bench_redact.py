"""Redaction precision / recall per type on the labelled snippets, and speed on the demo year.

    .venv/bin/python benchmarks/bench_redact.py   # writes benchmarks/results/redaction.json

`labelled`: the 410 hand-labelled snippets the rules were developed against.
`holdout`: snippets written after the rules were frozen (one fix followed its first
scoring, for accented surnames; both figures are in the notes).
A found span counts when it overlaps a labelled span of the same type; `covered` is the
share of labelled spans whose every character ends up inside a placeholder.
`in_capitals` / `in_lower_case`: names in the same snippets written all in capitals or all in lower
case (the labels keep their offsets), as shouted complaints and phone notes are.
`speed`: `redact_many` over the demo year's texts and, when ../shared/data is present, the real NHS
feedback, Housing Ombudsman and CFPB texts: CPU seconds of this process (best of 3: on a shared
machine the wall clock is an upper bound) beside the wall seconds of that run and the load average.
"""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path

import pandas as pd

from rca.text.redact import redact_many
from rca.text.redact_eval import evaluate

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
REAL = (
    ("nhs_feedback", "nhs-feedback/nhs_feedback_2009_2019.csv", "text"),
    ("housing_ombudsman", "housing-ombudsman/decisions_2020_2024.csv", "complaint"),
    ("cfpb_narratives", "cfpb/cfpb_2023_api_narratives.csv", "complaint_what_happened"),
)


def _load(name: str) -> list[dict]:
    return [json.loads(line) for line in (ROOT / "tests" / "data" / name).read_text("utf-8").splitlines() if line.strip()]


def _rounded(d: dict) -> dict:
    return {m: round(v, 4) if isinstance(v, float) else v for m, v in d.items()}


def speed(texts: list[str], runs: int = 3) -> dict:
    """`redact_many(texts)`: the best CPU seconds of `runs`, with that run's wall seconds."""
    best = None
    for _ in range(runs):
        cpu, wall = time.process_time(), time.perf_counter()
        redact_many(texts)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        if best is None or cpu < best[0]:
            best = (cpu, wall)
    return {
        "texts": len(texts),
        "cpu_seconds": round(best[0], 3),
        "wall_seconds": round(best[1], 3),
        "texts_per_cpu_second": round(len(texts) / best[0]),
    }


def main() -> dict:
    from rca.demo.data import generate_demo

    result = {"machine": platform.processor() or platform.machine(), "python": platform.python_version()}
    for key, name in (("labelled", "redaction_snippets.jsonl"), ("holdout", "redaction_snippets.holdout.jsonl")):
        records = _load(name)
        result[key] = {
            "snippets": len(records),
            "per_type": {k: _rounded(d) for k, d in evaluate(records).items()},
        }
        for case, recase in (("in_capitals", str.upper), ("in_lower_case", str.lower)):
            same = [{**r, "text": recase(r["text"])} for r in records if len(recase(r["text"])) == len(r["text"])]
            result[key][case] = {"snippets": len(same), "NAME": _rounded(evaluate(same)["NAME"])}
    texts = generate_demo().cases["text"].fillna("").astype(str).tolist()
    redact_many(texts[:50])  # the word lists load on first use
    load = os.getloadavg()[0]
    result["speed"] = {"demo_year": speed(texts)}
    for key, path, column in REAL:
        if (SHARED / path).exists():
            result["speed"][key] = speed(pd.read_csv(SHARED / path, dtype=str, keep_default_na=False)[column].tolist())
    result["speed"]["load_average"] = [round(load, 2), round(os.getloadavg()[0], 2)]
    out = ROOT / "benchmarks" / "results" / "redaction.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    r = main()
    for key in ("labelled", "holdout"):
        print(f"{key} ({r[key]['snippets']} snippets)")
        for kind, m in r[key]["per_type"].items():
            print(f"  {kind:9} n={m['n']:4} precision={m['precision']:.3f} recall={m['recall']:.3f} covered={m['covered']:.3f}")
        for case in ("in_capitals", "in_lower_case"):
            m = r[key][case]["NAME"]
            print(f"  NAME {case:13} n={m['n']:4} precision={m['precision']:.3f} recall={m['recall']:.3f} covered={m['covered']:.3f}")
    print(r["speed"])
