"""Scoring speed and memory: `rca score` end to end (a fresh process, model load
included) on the demo year, a synthetic 1,000,000-row file, and the real NHS
feedback (short) and CFPB narrative (long) texts from ../shared/data, next to a
bare scikit-learn `transform` + `predict` on the same rows in the same run (the scorer
timed in one process and spread over `--jobs` processes as `rca score` runs it).

    .venv/bin/python benchmarks/bench_score.py [--model-dir DIR] [--skip-1m] [--jobs 2]

Peak memory is the largest sum of resident memory (RSS, and PSS, which splits
shared pages between the processes sharing them) over the `rca score` process and
its forked helpers, sampled every 50 ms (PSS every 0.5 s). Results: benchmarks/results/bench_score.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd
import psutil

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo_cases.csv"
SHARED = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "benchmarks" / "results" / "bench_score.json"


def run_measured(cmd: list[str]) -> dict:
    """Run a command; wall seconds and peak memory of its process tree: summed RSS (counts pages
    that forked helpers share with the main process once per process) and summed PSS (each shared
    page split between its sharers: the physical memory the run needs)."""
    peak = peak_pss = 0
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ps = psutil.Process(proc.pid)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_pss
        tick = 0
        while not done.is_set():
            try:
                procs = [ps, *ps.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in procs))
                if tick % 10 == 0:  # PSS reads /proc/*/smaps: costly enough to slow the measured run if done often
                    peak_pss = max(peak_pss, sum(p.memory_full_info().pss for p in procs))
            except psutil.Error:
                pass
            tick += 1
            time.sleep(0.05)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    done.set()
    t.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-2000:]}")
    return {
        "wall_s": round(wall, 2),
        "peak_rss_mib": round(peak / 2**20, 1),
        "peak_pss_mib": round(peak_pss / 2**20, 1),
        "summary": json.loads(out),
    }


def score_cli(data: Path, out: Path, model_dir: Path, *, jobs: int, extra: list[str] = ()) -> dict:
    cmd = [
        sys.executable,
        "-m",
        "rca",
        "score",
        str(data),
        "--out",
        str(out),
        "--model-dir",
        str(model_dir),
        "--json",
        "--no-progress",
        "--jobs",
        str(jobs),
        *extra,
    ]
    res = run_measured(cmd)
    n = res["summary"]["n_rows"]
    res["rows"] = n
    res["rows_per_s"] = round(n / res["wall_s"], 1)
    return res


def bare_baseline(bundle, texts: list[str]) -> float:
    """Seconds for scikit-learn's own `transform` of the fitted vectorisers + each classifier's `predict`
    on raw lower-cased texts (no redaction, no calibration, no evidence): what a plain pipeline costs."""
    union = bundle.featuriser.named_steps["union"]
    started = time.perf_counter()
    X = union.transform([t.lower() for t in texts])
    for m in bundle.models.values():
        for est in m.estimators_ if m.multi else [m.estimator_]:
            est.predict(X)
    return time.perf_counter() - started


def scorer_in_process(bundle, texts: list[str], split: int = 1) -> float:
    """Seconds for rca's scoring of the same texts (redaction, calibrated predictions, review flags,
    evidence) in this process (`split` 1) or spread as `rca score` does (`split` 2: a forked helper)."""
    from rca.scoring.score import prediction_columns

    started = time.perf_counter()
    prediction_columns(pd.Series(texts), bundle, split=split)
    return time.perf_counter() - started


def write_rows(path: Path, texts: list[str], n: int) -> None:
    """A synthetic export of n rows cycling through `texts`, written in a stream."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["case_id", "received", "text", "complainant_id"])
        for i in range(n):
            day = 1 + (i // 3000) % 28
            w.writerow([f"S{i:07d}", f"2024-{1 + (i // 84000) % 12:02d}-{day:02d} 10:00", texts[i % len(texts)], f"P{i % 400_000}"])


def real_texts() -> dict[str, list[str]]:
    sets = {}
    nhs = SHARED / "nhs-feedback" / "nhs_feedback_2009_2019.csv"
    cfpb = SHARED / "cfpb" / "cfpb_2023_api_narratives.csv"
    if nhs.exists():
        df = pd.read_csv(nhs, dtype=str, keep_default_na=False)
        col = (
            next(c for c in ("feedback", "text", "comment") if c in df.columns)
            if any(c in df.columns for c in ("feedback", "text", "comment"))
            else df.columns[0]
        )
        sets["nhs_feedback_short"] = [t for t in df[col].tolist() if t.strip()]
    if cfpb.exists():
        df = pd.read_csv(cfpb, dtype=str, keep_default_na=False)
        col = next(c for c in df.columns if c in ("complaint_what_happened", "narrative", "text"))
        sets["cfpb_narratives_long"] = [t for t in df[col].tolist() if t.strip()]
    return sets


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model-dir", type=Path, help="trained model folder (default: train one on the demo year)")
    ap.add_argument("--skip-1m", action="store_true")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    from rca.model.store import load_model

    results: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}, "runs": {}}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        model_dir = args.model_dir
        if model_dir is None:
            from rca.config import Config
            from rca.model.train import train_models
            from rca.ingest.validate import load_cases

            model_dir = tmp / "model"
            t0 = time.perf_counter()
            train_models(load_cases(DEMO).cases, model_dir=model_dir, config=Config())
            results["train_demo_s"] = round(time.perf_counter() - t0, 1)
        demo = pd.read_csv(DEMO, dtype=str, keep_default_na=False)
        ten_k = tmp / "demo_10k.csv"
        demo.head(10_000).to_csv(ten_k, index=False)
        for name, path, jobs in (
            ("demo_10k_rows_1job", ten_k, 1),
            ("demo_10k_rows", ten_k, args.jobs),
            ("demo_year_all_rows", DEMO, args.jobs),
        ):
            results["runs"][name] = score_cli(path, tmp / f"{name}.csv", model_dir, jobs=jobs)
            print(name, results["runs"][name], flush=True)
        if not args.skip_1m:
            big = tmp / "rows_1m.csv"
            write_rows(big, demo["text"].tolist(), 1_000_000)
            results["runs"]["synthetic_1m_rows"] = score_cli(big, tmp / "rows_1m_scored.parquet", model_dir, jobs=args.jobs)
            print("1m", results["runs"]["synthetic_1m_rows"], flush=True)
        bundle = load_model(model_dir)
        sets = {"demo_year": demo["text"].tolist(), **real_texts()}
        results["in_process"] = {}
        for name, texts in sets.items():
            texts = texts[:20_000]
            scorer_in_process(bundle, texts[:200])  # warm caches
            bare, full = bare_baseline(bundle, texts), scorer_in_process(bundle, texts)
            both = scorer_in_process(bundle, texts, split=args.jobs)
            results["in_process"][name] = {
                "rows": len(texts),
                "median_chars": int(pd.Series(texts).str.len().median()),
                "bare_transform_predict_s": round(bare, 2),
                "rca_scorer_s": round(full, 2),
                f"rca_scorer_{args.jobs}_processes_s": round(both, 2),
                "bare_rows_per_s": round(len(texts) / bare, 1),
                "rca_rows_per_s": round(len(texts) / full, 1),
                "ratio": round(full / bare, 2),
                f"ratio_{args.jobs}_processes": round(both / bare, 2),
            }
            print(name, results["in_process"][name], flush=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1), "utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
