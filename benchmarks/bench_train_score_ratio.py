"""Scoring time of a model `rca train` chose, against a bare scikit-learn `transform` + `predict` of the same recipe.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_train_score_ratio.py MODEL_DIR TEXTS.csv

Trains nothing: give it the folder `rca train` wrote (for example with the recipe search's choice on
BANKING77) and a CSV with a `text` column. It times, three times each on the same rows, the bare
pipeline (`bench_score.bare_baseline`: the fitted vectorisers' `transform` + each classifier's
`predict`, no redaction or calibration) and rca's scorer in one process and split over two as
`rca score` runs it (`bench_score.scorer_in_process`), and prints the medians and the ratios with
the load average. The goal is a ratio within 2. Beside the wall-clock seconds it prints CPU seconds
(user + system of this process and its reaped helpers): on a shared machine the wall clock is an
upper bound, the CPU seconds say what the work costs.
"""

from __future__ import annotations

import json
import os
import resource
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_score import bare_baseline, scorer_in_process  # noqa: E402


def _cpu() -> float:
    """CPU seconds (user + system) of this process and its reaped children so far."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _timed(fn, *args) -> tuple[float, float]:
    """(wall seconds as `fn` reports them, CPU seconds of this process and its helpers)."""
    cpu = _cpu()
    wall = fn(*args)
    return wall, _cpu() - cpu


def main(argv: list[str] | None = None) -> int:
    from rca.model.store import load_model

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        raise SystemExit(__doc__)
    bundle = load_model(args[0])
    texts = pd.read_csv(args[1], dtype=str, keep_default_na=False)["text"].tolist()
    load_start = os.getloadavg()[0]
    scorer_in_process(bundle, texts[:200])  # warm caches (feature names, evidence tables) as a long run would
    runs: dict[str, list[tuple[float, float]]] = {"bare": [], "rca_1_process": [], "rca_2_processes": []}
    for _ in range(3):
        runs["bare"].append(_timed(bare_baseline, bundle, texts))
        runs["rca_1_process"].append(_timed(scorer_in_process, bundle, texts, 1))
        runs["rca_2_processes"].append(_timed(scorer_in_process, bundle, texts, 2))
    med = {k: sorted(w for w, _ in v)[1] for k, v in runs.items()}
    cpu = {k: sorted(c for _, c in v)[1] for k, v in runs.items()}
    views = [name for name, _ in bundle.featuriser.named_steps["union"].transformer_list]
    print(
        json.dumps(
            {
                "rows": len(texts),
                "features": "+".join(views),
                **{k: round(v, 2) for k, v in med.items()},
                "ratio_1_process": round(med["rca_1_process"] / med["bare"], 2),
                "ratio_2_processes": round(med["rca_2_processes"] / med["bare"], 2),
                **{f"{k}_cpu": round(v, 2) for k, v in cpu.items()},
                "cpu_ratio_1_process": round(cpu["rca_1_process"] / cpu["bare"], 2),
                "load_average": [round(load_start, 2), round(os.getloadavg()[0], 2)],
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
