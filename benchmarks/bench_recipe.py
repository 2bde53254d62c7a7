"""`rca train` with no config on the public real sets, as a new user meets it, beside two references.

    .venv/bin/python benchmarks/bench_recipe.py                 # every set present
    .venv/bin/python benchmarks/bench_recipe.py cfpb banking77  # some of them
    .venv/bin/python benchmarks/bench_recipe.py --refs          # fit the references again too
    .venv/bin/python benchmarks/bench_recipe.py --search-cpu banking77  # the search alone, CPU seconds

For each set of ``real_data.py`` (fixed splits) it writes the training rows to a
CSV in a temporary folder and runs, from that folder (so no ``rca.toml`` is
read), exactly what a council would type:

    rca train train.csv --target TARGET --model-dir model --json
    rca score test.csv --model-dir model --out scored.csv

then reads ``TARGET_predicted`` from the scored file and computes macro-F1 and
accuracy on the test rows. The recipe is the one ``rca train`` chose itself by
cross-validation on its own training rows (nothing here sets it); the chosen
recipe, every candidate's CV score and time are copied from the model's
``metrics.json``. The references are those of ``bench_real_sets.py``: plain
TF-IDF + logistic regression and word (1-2) + char (2-5) TF-IDF + LinearSVC,
both class-balanced, on the same rows.

Writes ``benchmarks/results/recipe_<set>.json`` and ``benchmarks/results/recipe_table.md``.
Timings are wall-clock on whatever else the machine is doing (the JSON keeps the load average).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import real_data  # noqa: E402
from bench_real_sets import machine, reference_lr, reference_svm, run_reference, scores  # noqa: E402

RESULTS = HERE / "results"
ROOT = HERE.parent
RCA = [sys.executable, "-m", "rca"]  # this checkout's rca (PYTHONPATH set below), not whichever one is installed
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
GOALS = {"nhs": ("macro_f1", 0.520), "cfpb": ("macro_f1", 0.313), "banking77": ("accuracy", 0.915)}


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _run(args: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess, float, float]:
    """(result, wall seconds, CPU seconds of the command and the worker processes it waited for)."""
    t, c = time.perf_counter(), _cpu()
    res = subprocess.run([*RCA, *args], cwd=cwd, capture_output=True, text=True, env=ENV)
    if res.returncode:
        raise SystemExit(f"{' '.join(args)} failed ({res.returncode}):\n{res.stderr[-3000:]}")
    return res, time.perf_counter() - t, _cpu() - c


def run_cli(s: real_data.RealSet) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        pd.DataFrame({"text": s.train_text, s.target: s.train_y}).to_csv(d / "train.csv", index=False)
        pd.DataFrame({"text": s.test_text}).to_csv(d / "test.csv", index=False)
        load0 = os.getloadavg()[0]
        train, train_s, train_cpu = _run(["train", "train.csv", "--target", s.target, "--model-dir", "model", "--json"], d)
        _, score_s, _ = _run(["score", "test.csv", "--model-dir", "model", "--out", "scored.csv"], d)
        pred = pd.read_csv(d / "scored.csv", dtype=str, keep_default_na=False)[f"{s.target}_predicted"].tolist()
        metrics = json.loads((d / "model" / "metrics.json").read_text(encoding="utf-8"))[s.target]
    out = json.loads(train.stdout)
    return {
        "model": "rca train (no config)",
        **scores(s.test_y, pred),
        "train_seconds": round(train_s, 1),
        "train_cpu_seconds": round(train_cpu, 1),
        "score_seconds": round(score_s, 1),
        "load_average_at_start": round(load0, 2),
        "load_average_at_end": round(os.getloadavg()[0], 2),
        "command": f"rca train train.csv --target {s.target} --model-dir model; rca score test.csv --model-dir model --out scored.csv",
        "internal_holdout": out["metrics"][s.target],
        "recipe": metrics.get("recipe"),
    }


def bench_set(key: str, s: real_data.RealSet, *, refs: bool) -> dict:
    metric, goal = GOALS[key]
    out = {
        "dataset": s.name,
        "task": s.target,
        "split": s.split,
        "n_train": len(s.train_text),
        "n_test": len(s.test_text),
        "n_classes": len(set(s.train_y)),
        "goal": {metric: goal},
        "machine": machine(),
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    out["rca"] = run_cli(s)
    rec = out["rca"]["recipe"] or {}
    print(
        f"  rca: macro-F1 {out['rca']['macro_f1']:.3f}, accuracy {out['rca']['accuracy']:.3f}, train "
        f"{out['rca']['train_seconds']:.0f} s; recipe {rec.get('view')} C={rec.get('C')} {rec.get('decision')}",
        flush=True,
    )
    saved = RESULTS / f"real_{key}.json"
    if not refs and saved.exists():  # the same split and reference models, measured by bench_real_sets.py
        out["references"] = json.loads(saved.read_text(encoding="utf-8")).get("references", [])
        out["references_from"] = f"benchmarks/results/{saved.name}"
    elif refs:
        out["references"] = [run_reference("tfidf+logreg", reference_lr, s), run_reference("word+char tfidf+linearsvc", reference_svm, s)]
    for r in out.get("references", []):
        print(f"  {r['model']}: macro-F1 {r['macro_f1']:.3f}, accuracy {r['accuracy']:.3f}", flush=True)
    return out


def table(results: list[dict]) -> str:
    lines = [
        "| set (train/test) | rca train, no config: macro-F1 | accuracy | recipe it chose | train s wall (CPU) | TF-IDF + LR | word+char SVM | goal |",
        "|---|---:|---:|---|---:|---:|---:|---|",
    ]
    for r in results:
        x, rec = r["rca"], r["rca"].get("recipe") or {}
        refs = {ref["model"]: ref for ref in r.get("references", [])}
        m = next(iter(r["goal"]))
        avg = f" averaged with a word SVM (C={rec['word_view_C']})" if rec.get("word_view_C") else ""
        ref = lambda name: f"{refs[name]['macro_f1']:.3f} / {refs[name]['accuracy']:.3f}" if name in refs else "-"  # noqa: E731
        lines.append(
            f"| {r['dataset']} {r['task']} ({r['n_train']:,}/{r['n_test']:,}) | {x['macro_f1']:.3f} | {x['accuracy']:.3f} | "
            f"{rec.get('view')}, C={rec.get('C')}{avg}, "
            f"{rec.get('decision')} | {x['train_seconds']:.0f} ({x.get('train_cpu_seconds', '-')} CPU) | {ref('tfidf+logreg')} | "
            f"{ref('word+char tfidf+linearsvc')} | {m.replace('_', '-')} ≥ {r['goal'][m]} |"
        )
    return "\n".join(lines)


def search_cpu(s: real_data.RealSet) -> None:
    """The recipe search alone on the training rows, in this process with `n_jobs = 1` and a CPU-time clock, so
    every candidate's seconds are CPU seconds whatever else the machine is doing (the 80 % `rca train` keeps)."""
    import functools

    import numpy as np
    from sklearn.model_selection import train_test_split

    from rca.model import recipe_search as rs
    from rca.model.classifier import ModelSettings
    from rca.model.recipe import choose_recipe, describe
    from rca.text.prepare import prepare
    from rca.text.redact import redact_many

    cases = pd.DataFrame({"text": s.train_text, s.target: s.train_y})
    prepped = prepare(redact_many(s.train_text), redact=False, lemmas=False)
    train = np.zeros(len(cases), dtype=bool)
    labels = cases[s.target].to_numpy()
    names, counts = np.unique(labels, return_counts=True)
    strata = np.where(np.isin(labels, names[counts < 2]), names[counts.argmax()], labels)  # a single-row class cannot be split
    train[train_test_split(np.arange(len(cases)), test_size=0.2, random_state=0, stratify=strata)[0]] = True
    search, c0 = rs.search, time.process_time()
    rs.search = functools.partial(search, clock=time.process_time)
    try:
        r = choose_recipe(
            prepped,
            cases,
            [s.target],
            train,
            {s.target: np.ones(len(cases), dtype=bool)},
            {s.target: False},
            ModelSettings(n_jobs=1),
            {},
            seed=0,
        )
    finally:
        rs.search = search
    print(describe(r.report))
    for c in r.report["candidates"]:
        print(f"  {c['view']:32s} C={c['C']:<4} round {c['round']} {c['status']:10s} {c['seconds']:6.1f} CPU s  {c['cv_macro_f1']}")
    print(f"search: {time.process_time() - c0:.1f} CPU s; load average {os.getloadavg()[0]:.2f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sets", nargs="*", help=f"of {', '.join(real_data.LOADERS)} (default: every one present)")
    ap.add_argument(
        "--refs",
        action="store_true",
        help="fit the two reference models again (default: take them from "
        "results/real_<set>.json, where bench_real_sets.py measured them on the same split)",
    )
    ap.add_argument("--search-cpu", action="store_true", help="time the recipe search alone, in CPU seconds (writes nothing)")
    args = ap.parse_args(argv)
    if args.search_cpu:
        for key in args.sets or ["banking77"]:
            search_cpu(real_data.LOADERS[key]())
        return 0
    RESULTS.mkdir(exist_ok=True)
    for key in args.sets or list(real_data.LOADERS):
        try:
            s = real_data.LOADERS[key]()
        except real_data.DataMissing as exc:
            print(f"{key}: skipped ({exc} is absent)")
            continue
        print(f"{key}: {s.name} {s.target}, {len(s.train_text):,} train / {len(s.test_text):,} test", flush=True)
        r = bench_set(key, s, refs=args.refs)
        (RESULTS / f"recipe_{key}.json").write_text(json.dumps(r, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    saved = [
        json.loads((RESULTS / f"recipe_{k}.json").read_text(encoding="utf-8"))
        for k in real_data.LOADERS
        if (RESULTS / f"recipe_{k}.json").exists()
    ]
    if saved:
        md = table(saved)
        (RESULTS / "recipe_table.md").write_text(md + "\n", encoding="utf-8")
        print(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
