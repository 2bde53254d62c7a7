"""Benchmark: build and write the annual report on the 10,000-contact demo year.

Target (issue 5): the demo year's report builds in <= 10 s. Run from the repo root:

    .venv/bin/python benchmarks/bench_report.py [--repeat 3] [--out benchmarks/results/bench_report.json]

Writes the median build time, the write time and the per-stage timings as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/bench_report.json"))
    args = ap.parse_args()

    from rca import __version__
    from rca.demo.data import generate_demo, ward_population
    from rca.ingest.io import atomic_path
    from rca.reports.build import build_report, write_report

    demo = generate_demo(n_contacts=10_000)
    cases = demo.cases
    builds, writes, stages = [], [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        report = build_report(cases, period="2023-24", population=ward_population())
        builds.append(time.perf_counter() - t0)
        stages.append(report.timings)
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            paths = write_report(report, tmp)
            writes.append(time.perf_counter() - t0)
    result = {
        "benchmark": "report build on the demo year (10,000 first contacts, 2023-24)",
        "rows": len(cases),
        "repeat": args.repeat,
        "build_seconds_median": round(statistics.median(builds), 2),
        "build_seconds": [round(b, 2) for b in builds],
        "write_seconds_median": round(statistics.median(writes), 2),
        "files_written": len(paths),
        "stage_seconds_cumulative_last_run": {k: round(v, 2) for k, v in stages[-1].items()},
        "target_seconds": 10,
        "meets_target": statistics.median(builds) <= 10,
        "tables": len(report.tables),
        "emerging_clusters": len(report.emerging),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "rca_version": __version__,
    }
    with atomic_path(args.out) as tmp:
        tmp.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
