"""Redaction of this checkout against another one (an older commit): CPU seconds and identical output.

    mkdir -p /tmp/old && git archive REV | tar -x -C /tmp/old
    .venv/bin/python benchmarks/bench_redact_compare.py /tmp/old [--rounds 3]

Both redact the same texts: the demo year, and the real NHS feedback, Housing Ombudsman and CFPB
texts when ../shared/data is present (each also in capitals and in lower case for the demo year).
Each checkout runs in its own process (`PYTHONPATH` set to it), the two taking turns `--rounds`
times; a set's figure is its best CPU seconds of `redact_many` (on a shared machine CPU time is
the steadier measure, and turns spread the load evenly). Every run also gives the sha256 of its
outputs, so the table says whether the two redact every text to the same characters.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

from bench_redact import REAL as _REAL  # the real sets bench_redact.py times (this folder is on sys.path)
from bench_redact import ROOT, SHARED

REAL = (*_REAL, ("cfpb_payday", "cfpb/cfpb_2023_payday_loans_export.csv", "Consumer complaint narrative"))
# run inside each checkout: one timed pass of redact_many per set
_ONE_PASS = """
import hashlib, json, sys, time
from rca.text.redact import redact_many
sets = json.load(open(sys.argv[1], encoding="utf-8"))
redact_many(["my son jack called Mr Smith on 07700 900123"])  # the word lists load on first use
out = {}
for name, texts in sets.items():
    cpu = time.process_time()
    red = redact_many(texts)
    out[name] = [time.process_time() - cpu, hashlib.sha256("\\x1e".join(red).encode()).hexdigest()]
print(json.dumps(out))
"""


def _sets() -> dict[str, list[str]]:
    from rca.demo.data import generate_demo

    demo = generate_demo().cases["text"].fillna("").astype(str).tolist()
    sets = {"demo_year": demo, "demo_year_capitals": [t.upper() for t in demo], "demo_year_lower": [t.lower() for t in demo]}
    for name, path, column in REAL:
        if (SHARED / path).exists():
            sets[name] = pd.read_csv(SHARED / path, dtype=str, keep_default_na=False)[column].tolist()
    return sets


def _one_pass(tree: Path, texts_file: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, "-c", _ONE_PASS, texts_file], cwd=tempfile.gettempdir(), env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("other", type=Path, help="the other checkout (a folder holding its rca/)")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    sets = _sets()
    load = os.getloadavg()[0]
    best: dict[str, dict[str, list]] = {"other": {}, "this": {}}
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8", delete=False) as fh:
        json.dump(sets, fh)
    try:
        for _ in range(args.rounds):
            for who, tree in (("other", args.other.resolve()), ("this", ROOT)):
                for name, (cpu, digest) in _one_pass(tree, fh.name).items():
                    if name not in best[who] or cpu < best[who][name][0]:
                        best[who][name] = [cpu, digest]
    finally:
        os.unlink(fh.name)
    table = {
        name: {
            "texts": len(texts),
            "other_cpu_s": round(best["other"][name][0], 3),
            "this_cpu_s": round(best["this"][name][0], 3),
            "times_faster": round(best["other"][name][0] / best["this"][name][0], 2),
            "same_output": best["other"][name][1] == best["this"][name][1],
        }
        for name, texts in sets.items()
    }
    return {"sets": table, "load_average": [round(load, 2), round(os.getloadavg()[0], 2)], "rounds": args.rounds}


if __name__ == "__main__":
    print(json.dumps(main(), indent=1))
