"""CPU and wall time of the report step of `rca demo` on the committed demo data (the latest year against the one
before, with a trained model's predicted root causes), and the length of what it writes.

    .venv/bin/python benchmarks/bench_report_demo.py --model-dir models/demo --out /tmp/report

Needs a model trained on the demo data (`rca demo` writes one into models/demo). CPU time is what the report costs
on an idle machine; wall time depends on what else runs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_report_length import measure  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="data/demo_cases.csv")
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    from rca.cli.demo_cmd import _periods_of
    from rca.config import Config
    from rca.model.store import load_model
    from rca.reports.build import build_report, write_report
    from rca.ingest.validate import load_cases

    cfg = Config(seed=20240401)
    cases = load_cases(a.data, config=cfg, require=("text", "received")).cases
    bundle = load_model(a.model_dir)
    period, compare = _periods_of(cases["received"])
    c0, w0 = time.process_time(), time.perf_counter()
    rep = build_report(
        cases, period=period, compare=compare, bundle=bundle, config=cfg, population=Path(a.data).parent / "ward_population.csv"
    )
    paths = write_report(rep, a.out)
    out = {
        "period": period,
        "compare": compare,
        "cpu_s": round(time.process_time() - c0, 1),
        "wall_s": round(time.perf_counter() - w0, 1),
        "timings": {k: round(v, 1) for k, v in rep.timings.items()},
        "report": measure(paths["html"]),
        "briefing": measure(paths["briefing_html"]),
    }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
