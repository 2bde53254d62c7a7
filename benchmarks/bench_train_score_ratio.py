"""Scoring time of a model `rca train` chose, against a bare scikit-learn `transform` + `predict` of the same recipe.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_train_score_ratio.py MODEL_DIR TEXTS.csv

Trains nothing: give it the folder `rca train` wrote (for example with the recipe search's choice on
BANKING77) and a CSV with a `text` column. It times, three times each on the same rows, the bare
pipeline (`bench_score.bare_baseline`: the fitted vectorisers' `transform` + each classifier's
`predict`, no redaction or calibration) and rca's scorer in one process and split over two as
`rca score` runs it (`bench_score.scorer_in_process`), and prints the medians and the ratios with
the load average. The goal is a ratio within 2.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_score import bare_baseline, scorer_in_process  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    from rca.model.store import load_model

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        raise SystemExit(__doc__)
    bundle = load_model(args[0])
    texts = pd.read_csv(args[1], dtype=str, keep_default_na=False)["text"].tolist()
    runs: dict[str, list[float]] = {"bare": [], "rca_1_process": [], "rca_2_processes": []}
    for _ in range(3):
        runs["bare"].append(bare_baseline(bundle, texts))
        runs["rca_1_process"].append(scorer_in_process(bundle, texts, 1))
        runs["rca_2_processes"].append(scorer_in_process(bundle, texts, 2))
    med = {k: sorted(v)[1] for k, v in runs.items()}
    views = [name for name, _ in bundle.featuriser.named_steps["union"].transformer_list]
    print(
        json.dumps(
            {
                "rows": len(texts),
                "features": "+".join(views),
                **{k: round(v, 2) for k, v in med.items()},
                "ratio_1_process": round(med["rca_1_process"] / med["bare"], 2),
                "ratio_2_processes": round(med["rca_2_processes"] / med["bare"], 2),
                "load_average": round(os.getloadavg()[0], 2),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
