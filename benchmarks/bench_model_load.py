"""Seconds to load a trained model folder (checksums, allow-list walk and building every object).

    .venv/bin/python benchmarks/bench_model_load.py models/demo   # writes benchmarks/results/model_load.json

Loads the folder `--repeat` times (default 5) in one process after one warm-up load (imports and
spaCy's tables are not counted) and reports the median and the range. A folder of pickles
(format 1) needs RCA_TRUST_PICKLED_MODEL to name it.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path

from rca.model.store import load_model

ROOT = Path(__file__).resolve().parents[1]


def main(folder: str, repeat: int = 5, out: Path | None = None) -> dict:
    load_model(folder)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        bundle = load_model(folder)
        times.append(time.perf_counter() - t0)
    sizes = {p.name: p.stat().st_size for p in Path(folder).glob("*") if p.suffix in (".skops", ".joblib")}
    result = {
        "folder": str(folder),
        "format": bundle.manifest.get("format"),
        "targets": bundle.targets,
        "files_bytes": sizes,
        "repeat": repeat,
        "median_seconds": round(statistics.median(times), 4),
        "min_seconds": round(min(times), 4),
        "max_seconds": round(max(times), 4),
        "machine": platform.processor() or platform.machine(),
        "python": platform.python_version(),
    }
    out = out or ROOT / "benchmarks" / "results" / "model_load.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", type=Path, default=None, help="default benchmarks/results/model_load.json")
    args = ap.parse_args()
    print(json.dumps(main(args.folder, args.repeat, args.out), indent=1))
