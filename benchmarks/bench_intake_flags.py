"""Precision and recall of the intake's urgent and safeguarding flags on hand-labelled texts.

    .venv/bin/python benchmarks/bench_intake_flags.py                                   # the development file
    .venv/bin/python benchmarks/bench_intake_flags.py --holdout                         # the first held-out file
    .venv/bin/python benchmarks/bench_intake_flags.py tests/data/intake_flags.holdout2.jsonl   # any labelled file
    .venv/bin/python benchmarks/bench_intake_flags.py --real     # flag counts and speed on unlabelled real text
    .venv/bin/python benchmarks/bench_intake_flags.py FILE --model DIR   # with a learnt model other than the shipped one

A labelled file has one JSON object a line: text, received, emergency_hazard, significant_hazard,
safeguarding. Scores the rules alone and the rules OR the learnt model (the shipped one,
`rca/resources/flag_model`, or `--model DIR` as `python -m rca.scoring.flag_model_build --out DIR`
writes it). Writes benchmarks/results/<file name without .jsonl>.json (`--out` for another name) and
prints the figures.

`--real` runs the flags over 4,000 NHS patient comments and 3,000 Housing Ombudsman decision
summaries (../shared/data, not in the project; sampled with seed 1), counts the flags of each kind
(they should not jump when the rules change: hazards are rarely the subject there) and times the
matching in CPU seconds per 1,000 texts. Writes benchmarks/results/intake_flags.real.json, with the
texts each flag was raised on.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


FLAGS = ("emergency_hazard", "significant_hazard", "safeguarding")
REAL = {  # name -> (file under ../shared/data, text column, sample size)
    "nhs": ("nhs-feedback/nhs_feedback_2009_2019.csv", "text", 4000),
    "ombudsman": ("housing-ombudsman/decisions_2020_2024.csv", "complaint", 3000),
}


def real(root: Path, learnt) -> dict:
    """Flag counts and CPU time per 1,000 texts on the unlabelled real sets (seed 1 samples), by the rules alone
    and by the rules OR the learnt model."""
    import time

    import pandas as pd

    from rca.scoring.hazards import flags

    flags("warm-up: the gas smell", learnt=learnt)  # load the lemma table, word list and model before timing
    out = {}
    for name, (rel, column, n) in REAL.items():
        path = root / rel
        if not path.is_file():
            sys.exit(f"{path} not found: --real needs the shared data sets (see ../shared/data/README.md)")
        texts = pd.read_csv(path)[column].dropna().astype(str)
        texts = texts[texts.str.strip() != ""].sample(n, random_state=1).tolist()
        out[name] = {"n_texts": n}
        for how, use in (("rules", False), ("rules_or_learnt", learnt)):
            start = time.process_time()
            raised = [[f["flag"] for f in flags(t, learnt=use)] for t in texts]
            cpu = time.process_time() - start
            counts = {flag: sum(flag in r for r in raised) for flag in FLAGS}
            out[name][how] = {
                "flags": counts,
                "cpu_seconds_per_1000_texts": round(cpu / n * 1000, 2),
                "raised_on": {flag: [t for t, r in zip(texts, raised) if flag in r] for flag in counts},
            }
            print(f"{name:<10} {how:<16} {n} texts  {counts}  {out[name][how]['cpu_seconds_per_1000_texts']} CPU s per 1,000 texts")
    return out


def report(res: dict) -> None:
    for how in ("rules", "rules_or_learnt"):
        print(f"-- {how.replace('_', ' ')}")
        for flag, m in res[how].items():
            print(f"{flag:<20} labelled {m['n_labelled']:>3}  raised {m['n_raised']:>3}  precision {m['precision']}  recall {m['recall']}")
            for t in m["missed"]:
                print(f"    missed: {t[:110]}")
            for t in m["false_positives"]:
                print(f"    wrongly raised: {t[:110]}")


def main(argv: list[str] | None = None) -> dict:
    from rca.ingest.io import atomic_path
    from rca.scoring import flag_model
    from rca.scoring.hazards import evaluate

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", nargs="?", type=Path, help="a labelled JSON-lines file (default: the development file)")
    ap.add_argument("--holdout", action="store_true", help="score tests/data/intake_flags.holdout.jsonl")
    ap.add_argument("--real", action="store_true", help="flag counts and speed on unlabelled NHS and Ombudsman text")
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data", help="where the real sets are (for --real)")
    ap.add_argument("--model", type=Path, help="a learnt flag model folder (default: the shipped one)")
    ap.add_argument("--out", type=Path, help="write the figures here (default: benchmarks/results/<file>.json, or intake_flags.real.json)")
    args = ap.parse_args(argv)
    model = flag_model.read(args.model) if args.model else flag_model.load()
    if args.real:
        res = real(args.data, model)
        with atomic_path(args.out or ROOT / "benchmarks" / "results" / "intake_flags.real.json") as tmp:
            tmp.write_text(json.dumps(res, indent=2, ensure_ascii=False), encoding="utf-8")
        return res
    path = (args.file or ROOT / "tests" / "data" / f"intake_flags.{'holdout' if args.holdout else 'dev'}.jsonl").resolve()
    records = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if line.strip():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                sys.exit(f"{path}: line {n} is not JSON ({exc.msg}); each line must be one labelled text")
    name = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
    res = {
        "file": name,
        "n_texts": len(records),
        "model": {"folder": str(args.model or "shipped"), "training_files": model.card["training_files"], "thresholds": model.thresholds},
        "rules": evaluate(records, learnt=False),
        "rules_or_learnt": evaluate(records, learnt=model),
    }
    with atomic_path(args.out or ROOT / "benchmarks" / "results" / f"{path.name.removesuffix('.jsonl')}.json") as tmp:
        tmp.write_text(json.dumps(res, indent=2, ensure_ascii=False), encoding="utf-8")
    report(res)
    trained_on = {f["file"] for f in model.card["training_files"]}
    if path.name in trained_on:
        print(f"note: the learnt model was trained on {path.name}: its rules-OR-model figures are not held-out figures")
    return res


if __name__ == "__main__":
    main()
