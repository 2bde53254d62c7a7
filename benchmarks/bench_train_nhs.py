"""NHS feedback themes (issue 3): `theme`, 17 classes, 52k rows, stratified 80/20 with seed 0.

    .venv/bin/python benchmarks/bench_train_nhs.py [--model '{"cv_folds": 3}'] [--out nhs.json]

Trains through the public API (`train_models` with `--target theme`, split
"grouped", which is a plain stratified split when nothing links rows) and
reports held-out macro-F1, the model's own fit time for that one target
(`fit_seconds`: out-of-fold calibration + final fit), the whole call's time,
and the plain TF-IDF + LR baseline on the same split. Skips when
../shared/data is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DATA = REPO.parent / "shared" / "data" / "nhs-feedback" / "nhs_feedback_2009_2019.csv"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="{}", help="[model] settings as JSON (split is forced to 'grouped')")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    if not DATA.exists():
        print(f"skipped: {DATA} is absent")
        return
    import pandas as pd

    from rca.config import config_from_dict
    from rca.model.train import summary_metrics, train_models

    df = pd.read_csv(DATA)
    df = df[df["text"].notna() & df["theme"].notna()].reset_index(drop=True)
    cases = pd.DataFrame({"text": df["text"].astype(str), "theme": df["theme"].astype(str)})
    model = {**json.loads(args.model), "split": "grouped"}
    cfg = config_from_dict({"seed": 0, "tracking": {"enabled": False}, "model": model})
    with tempfile.TemporaryDirectory() as tmp:
        t0, c0 = time.perf_counter(), time.process_time()
        res = train_models(cases, targets=["theme"], model_dir=Path(tmp) / "m", config=cfg, seed=0)
        total, cpu = time.perf_counter() - t0, time.process_time() - c0
    m = res.metrics["theme"]
    out = {
        "rows": len(cases),
        "model": model,
        "cpu_count": os.cpu_count(),
        "load_average": os.getloadavg()[0],
        "split": res.split,
        "fit_seconds": m["fit_seconds"],
        "train_models_seconds": round(total, 1),
        "train_models_cpu_seconds": round(cpu, 1),
        **{k: (round(v, 4) if isinstance(v, float) else v) for k, v in summary_metrics(m).items()},
    }
    print(json.dumps(out, indent=2))
    if args.out:
        args.out.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
