"""Training benchmark on a generated demo year: fit time, held-out macro-F1, ECE
and coverage per target beside the baselines, then scoring throughput.

    .venv/bin/python benchmarks/bench_train_demo.py [--contacts 10000] [--seed 20240401] [--model '{"classifier": "svm"}']
        [--recipe fast|auto] [--out bench.json]

Reports wall and CPU seconds: on a shared machine CPU seconds say more. Training CPU counts the
worker processes that fit targets at once (`[model] n_jobs`, `rca.model.target_fits`) as well as
this one: the workers are shut down after training so their time is included.
Runs through the public API (`train_models`, `load_model(...).predict`) with
tracking off (MLflow's own cost is not the model's). Prints a table and
writes JSON when --out is given. Timings are wall clock on this machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from joblib.externals.loky import get_reusable_executor  # noqa: E402

from rca.config import config_from_dict  # noqa: E402
from rca.demo.data import generate_demo  # noqa: E402
from rca.model.store import load_model  # noqa: E402
from rca.model.train import summary_metrics, train_models  # noqa: E402


def _cpu() -> float:
    """User + system seconds of this process and of its finished child processes."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--contacts", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=20240401)
    ap.add_argument("--model", default="{}", help="[model] settings as JSON")
    ap.add_argument("--recipe", default="fast", choices=["fast", "auto"], help="fast: as rca demo trains; auto: with the recipe search")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()

    demo = generate_demo(seed=args.seed, n_contacts=args.contacts)
    cases = demo.cases
    cfg = config_from_dict({"seed": args.seed, "tracking": {"enabled": False}, "model": json.loads(args.model)})
    with tempfile.TemporaryDirectory() as tmp:
        t0, c0 = time.perf_counter(), _cpu()
        res = train_models(cases, model_dir=Path(tmp) / "m", config=cfg, recipe=args.recipe)
        get_reusable_executor().shutdown(wait=True)  # reaped, so their CPU time is counted
        train_s, train_cpu = time.perf_counter() - t0, _cpu() - c0
        bundle = load_model(Path(tmp) / "m")
        texts = (cases["text"].tolist() * (10_000 // len(cases) + 1))[:10_000]
        short = [t[:80] for t in texts]
        bundle.predict(texts[:100])  # warm caches (lemma table, feature names)
        t0, c0 = time.perf_counter(), time.process_time()
        bundle.predict(texts)
        demo_s, demo_cpu = time.perf_counter() - t0, time.process_time() - c0
        t0, c0 = time.perf_counter(), time.process_time()
        bundle.predict(short)
        short_s, short_cpu = time.perf_counter() - t0, time.process_time() - c0
    out = {
        "rows": len(cases),
        "seed": args.seed,
        "model": json.loads(args.model),
        "recipe": args.recipe,
        "cpu_count": os.cpu_count(),
        "load_average": os.getloadavg()[0],
        "train_seconds": round(train_s, 1),
        "train_cpu_seconds": round(train_cpu, 1),
        "split": res.split,
        "predict_10k_demo_texts_s": round(demo_s, 2),
        "predict_10k_short_texts_s": round(short_s, 2),
        "predict_10k_demo_texts_cpu_s": round(demo_cpu, 2),
        "predict_10k_short_texts_cpu_s": round(short_cpu, 2),
        "targets": {
            t: {
                **{k: (round(v, 3) if isinstance(v, float) else v) for k, v in summary_metrics(m).items()},
                "fit_seconds": m.get("fit_seconds"),
            }
            for t, m in res.metrics.items()
        },
    }
    cols = [
        "n_train",
        "n_test",
        "macro_f1",
        "accuracy",
        "ece",
        "coverage",
        "precision_at_threshold",
        "baseline_majority_macro_f1",
        "baseline_keyword_macro_f1",
        "baseline_tfidf_lr_macro_f1",
        "fit_seconds",
    ]
    print("target".ljust(20) + "".join(c.replace("baseline_", "b_").replace("_macro_f1", "")[:10].rjust(11) for c in cols))
    for t, m in out["targets"].items():
        print(t[:19].ljust(20) + "".join(str(m.get(c, "-")).rjust(11) for c in cols))
    print(
        f"train {train_s:.1f} s; predict 10k demo texts {demo_s:.2f} s ({demo_cpu:.2f} s CPU), "
        f"10k short texts {short_s:.2f} s ({short_cpu:.2f} s CPU) "
        f"(load average {out['load_average']:.1f} on {out['cpu_count']} cores)"
    )
    if args.out:
        args.out.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
