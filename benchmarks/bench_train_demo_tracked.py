"""Training as `rca demo` trains (fixed recipe, MLflow tracking and registration on), in CPU seconds.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_train_demo_tracked.py data/demo_cases.csv

Reads and validates the export as `rca demo` does, trains the default targets with `recipe="fast"` into a
temporary model folder (its own MLflow store), and prints wall and CPU seconds of the training (this process
and its worker processes, reaped before the clock stops), the load average and each target's held-out
macro-F1. Run it with `PYTHONPATH` at another checkout (`git archive COMMIT rca | tar -x -C DIR`) to compare
two versions on the same rows.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path


def _cpu() -> float:
    """User + system seconds of this process and of its finished child processes."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(__doc__)
        return 2
    t0, c0 = time.perf_counter(), _cpu()
    from joblib.externals.loky import get_reusable_executor

    import rca
    from rca.config import Config
    from rca.ingest.validate import load_cases
    from rca.model.train import train_models

    cfg = Config(seed=20240401)
    res = load_cases(Path(args[0]), config=cfg, require=("text", "received"))
    t1, c1, load = time.perf_counter(), _cpu(), os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        result = train_models(res.cases, targets=None, model_dir=Path(tmp) / "m", config=cfg, recipe="fast")
        get_reusable_executor().shutdown(wait=True)  # loky workers, where used, reaped so their CPU is counted
        t2, c2 = time.perf_counter(), _cpu()
    print(f"rca from {Path(rca.__file__).parent}")
    print(f"imports + validation: {t1 - t0:.1f} s wall, {c1 - c0:.1f} s CPU")
    print(f"training: {t2 - t1:.1f} s wall, {c2 - c1:.1f} s CPU; load average {load:.1f} -> {os.getloadavg()[0]:.1f}")
    print("held-out macro-F1:", {t: round(m["macro_f1"], 4) for t, m in result.metrics.items()})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
