"""Accuracy and speed on real text: every set in ``../shared/data`` through rca's
own train / score path, beside two reference models on the same split.

    .venv/bin/python benchmarks/bench_real_sets.py            # every set present
    .venv/bin/python benchmarks/bench_real_sets.py nhs cfpb   # some of them
    .venv/bin/python benchmarks/bench_real_sets.py --no-refs  # product only
    .venv/bin/python benchmarks/bench_real_sets.py --no-config --no-refs  # the recipe rca train chooses itself

For each set (splits in ``real_data.py``) it

1. trains the product with ``rca.model.train.train_models`` on the train rows, with the
   set's ``[model]`` recipe below (the product does its own internal hold-out,
   calibration, thresholds and refit on every train row, as a council's run would),
   loads the saved folder with ``rca.model.store.load_model`` and scores the test
   rows with ``bundle.predict`` (what ``rca score`` does);
2. fits the two references the issue names on the same rows: TF-IDF + logistic
   regression, and word (1-2) + character (2-5) TF-IDF with a linear SVM, both
   class-balanced (that is what reproduces the issue's NHS figures; see
   ``reference_lr``);
3. prints a table and writes ``benchmarks/results/real_<set>.json`` and
   ``benchmarks/results/real_table.md``.

Sets absent from this machine are skipped (with a line saying so). Recipes were
chosen on a validation split carved from train (``RealSet.validation``), never on test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import threading
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.pipeline import make_pipeline, make_union
from sklearn.svm import LinearSVC

sys.path.insert(0, str(Path(__file__).resolve().parent))
import real_data  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"

# The `[model]` section each set is trained with (chosen on the validation split, and for the
# decision rule by nested cross-validation inside train: 5 outer folds, each tuning on its own
# out-of-fold scores; NHS: macro_f1 offsets 0.511 vs calibrated argmax 0.495 pooled macro-F1,
# CFPB: classifier scores 0.294 vs calibrated 0.283 vs offsets 0.289).
RECIPES: dict[str, dict] = {
    # NHS: separate word and character classifiers with averaged calibrated scores won on validation
    # (0.495 -> 0.509) and pooled nested CV (0.503 -> 0.519) but took 24.9 s to train (limit 20 s) and gave
    # 0.514 on test against this recipe's 0.520 (results/real_nhs_views_separate.json); not kept.
    "nhs": {
        "classifier": "svm",
        "C": 0.3,
        "class_weight": "balanced",
        "word_ngrams": [1, 2],
        "char_ngrams": [],
        "min_df": 1,
        "lemmatise": True,
        "cv_folds": 5,
        "decision": "macro_f1",
        "baselines": False,
    },
    "cfpb": {
        "classifier": "svm",
        "C": 0.3,
        "class_weight": "balanced",
        "word_ngrams": [1, 2],
        "char_ngrams": [3, 5],
        "min_df": 3,
        "char_max_features": 100000,
        "cv_folds": 3,
        "decision": "scores",
        "baselines": False,
    },
    "banking77": {
        "classifier": "svm",
        "C": 0.3,
        "class_weight": "balanced",
        "word_ngrams": [1, 2],
        "char_ngrams": [2, 5],
        "min_df": 1,
        "cv_folds": 3,
        "baselines": False,
        "decision": "calibrated",
    },  # accuracy is the goal here: the macro-F1 rule cost 0.007 on validation
}
# What the issue sets out to beat (issue 7 "Done when").
TARGETS = {"nhs": ("macro_f1", 0.54, 20.0), "cfpb": ("macro_f1", 0.40, None), "banking77": ("accuracy", 0.93, 60.0)}


def rss_bytes() -> int:
    """Resident memory of this process now (Linux /proc), else its peak so far."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class PeakRss:
    """Peak resident memory of this process while the block runs (sampled every 20 ms), in MiB."""

    def __enter__(self) -> "PeakRss":
        self.peak = rss_bytes()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def _watch(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, rss_bytes())

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes())

    @property
    def mib(self) -> float:
        return round(self.peak / 2**20, 1)


def reference_lr(balanced: bool = True):
    """Plain TF-IDF + logistic regression with balanced class weights (the analyst's afternoon).

    Balanced weights because that is what reproduces the issue's "measured on this
    machine" NHS figure (0.482; balanced gives 0.491, scikit-learn defaults 0.438).
    """
    return make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000, class_weight="balanced" if balanced else None))


def reference_svm(balanced: bool = True):
    """Word (1-2) + character (2-5, within words) TF-IDF + class-balanced LinearSVC (the strong reference).

    Balanced for the same reason as `reference_lr`: the issue's NHS 0.508 is matched by
    balanced weights (0.510), not by defaults (0.490).
    """
    return make_pipeline(
        make_union(
            TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2)),
            TfidfVectorizer(sublinear_tf=True, analyzer="char_wb", ngram_range=(2, 5)),
        ),
        LinearSVC(class_weight="balanced" if balanced else None),
    )


def scores(y_true: list[str], y_pred: list[str]) -> dict[str, float]:
    return {
        "macro_f1": round(float(f1_score(y_true, y_pred, average="macro", zero_division=0)), 4),
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
    }


def run_reference(name: str, make, s: real_data.RealSet) -> dict:
    """Fit and score one reference model on the set's split."""
    model = make()
    with warnings.catch_warnings(), PeakRss() as mem:
        warnings.simplefilter("ignore")
        t = time.perf_counter()
        model.fit(s.train_text, s.train_y)
        fit_s = time.perf_counter() - t
        t = time.perf_counter()
        pred = model.predict(s.test_text)
        pred_s = time.perf_counter() - t
    return {
        "model": name,
        **scores(s.test_y, list(pred)),
        "fit_seconds": round(fit_s, 2),
        "predict_seconds": round(pred_s, 3),
        "texts_per_second": round(len(s.test_text) / pred_s, 1),
        "peak_rss_mib": mem.mib,
    }


def run_product(s: real_data.RealSet, recipe: dict, *, seed: int = 0) -> dict:
    """Train with rca.model.train.train_models on the train rows, score the test rows with the saved bundle."""
    from rca.config import config_from_dict
    from rca.model.store import load_model
    from rca.model.train import train_models

    cases = pd.DataFrame({"case_id": [str(i) for i in range(len(s.train_text))], "text": s.train_text, s.target: s.train_y})
    config = config_from_dict({"seed": seed, "model": recipe, "tracking": {"enabled": False}})
    with tempfile.TemporaryDirectory() as tmp, PeakRss() as mem:
        t = time.perf_counter()
        result = train_models(cases, targets=[s.target], model_dir=Path(tmp) / "model", config=config, seed=seed)
        train_s = time.perf_counter() - t
        t = time.perf_counter()
        bundle = load_model(Path(tmp) / "model")
        load_s = time.perf_counter() - t
        t = time.perf_counter()
        pred = bundle.predict(s.test_text, targets=[s.target])[s.target]
        pred_s = time.perf_counter() - t
    inner = result.metrics[s.target]
    review = np.asarray(pred.review, dtype=bool)
    kept = ~review
    return {
        "model": "rca",
        "recipe": recipe,
        **scores(s.test_y, list(pred.labels)),
        "train_models_seconds": round(train_s, 2),
        "classifier_fit_seconds": inner.get("fit_seconds"),
        "load_seconds": round(load_s, 2),
        "predict_seconds": round(pred_s, 3),
        "texts_per_second": round(len(s.test_text) / pred_s, 1),
        "peak_rss_mib": mem.mib,
        "coverage_at_threshold": round(float(kept.mean()), 4),
        "accuracy_above_threshold": (
            round(float(np.mean(np.asarray(pred.labels)[kept] == np.asarray(s.test_y)[kept])), 4) if kept.any() else None
        ),
        "internal_holdout": {k: inner.get(k) for k in ("macro_f1", "accuracy", "ece", "n_train", "n_test")},
    }


def machine() -> dict:
    return {"cores": os.cpu_count(), "python": platform.python_version(), "sklearn": sklearn.__version__, "platform": platform.platform()}


def bench_set(key: str, s: real_data.RealSet, *, refs: bool = True, no_config: bool = False) -> dict:
    metric, goal, max_fit = TARGETS[key]
    out = {
        "dataset": s.name,
        "task": s.target,
        "split": s.split,
        "n_train": len(s.train_text),
        "n_test": len(s.test_text),
        "n_classes": len(set(s.train_y)),
        "target_metric": metric,
        "target_value": goal,
        "target_fit_seconds": max_fit,
        "machine": machine(),
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    out["rca"] = run_product(s, {} if no_config else RECIPES[key])  # {}: the recipe rca train chooses itself
    print(f"  rca: {metric} {out['rca'][metric]:.3f}, train {out['rca']['train_models_seconds']:.1f} s", flush=True)
    if refs:
        out["references"] = [run_reference("tfidf+logreg", reference_lr, s), run_reference("word+char tfidf+linearsvc", reference_svm, s)]
        # the same two with scikit-learn's default (unweighted) classes, for the record
        out["references_unbalanced"] = [
            run_reference("tfidf+logreg", lambda: reference_lr(balanced=False), s),
            run_reference("word+char tfidf+linearsvc", lambda: reference_svm(balanced=False), s),
        ]
        for r in out["references"]:
            print(f"  {r['model']}: {metric} {r[metric]:.3f}, fit {r['fit_seconds']:.1f} s", flush=True)
    return out


def table(results: list[dict]) -> str:
    """The README table: per set, rca and the two references from the same run, with the set's goal."""
    lines = [
        "| dataset (train/test) | model | macro-F1 | accuracy | fit s | scores/s | peak MiB | goal |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        m = r["target_metric"]
        goal = f"{m.replace('_', '-')} ≥ {r['target_value']}" + (
            f", fit ≤ {r['target_fit_seconds']:.0f} s" if r["target_fit_seconds"] else ""
        )
        rca = {**r["rca"], "model": "**rca**", "fit_seconds": r["rca"]["train_models_seconds"]}
        rows = [rca] + [
            {**x, "model": {"tfidf+logreg": "TF-IDF + LR", "word+char tfidf+linearsvc": "word+char SVM"}.get(x["model"], x["model"])}
            for x in r.get("references", [])
        ]
        for i, x in enumerate(rows):
            first = f"{r['dataset']} {r['task']} ({r['n_train']:,}/{r['n_test']:,})" if i == 0 else ""
            f1, acc = (f"{x[k]:.3f}" if i or k != m else f"**{x[k]:.3f}**" for k in ("macro_f1", "accuracy"))
            lines.append(
                f"| {first} | {x['model']} | {f1} | {acc} | {x['fit_seconds']:.1f} | {x['texts_per_second']:,.0f} | "
                f"{x['peak_rss_mib']:,.0f} | {goal if i == 0 else ''} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sets", nargs="*", help=f"sets to run, of {', '.join(real_data.LOADERS)} (default: every one present)")
    ap.add_argument("--no-refs", action="store_true", help="skip the two reference models")
    ap.add_argument(
        "--no-config",
        action="store_true",
        help="train with no [model] section: the recipe rca train chooses by cross-validation (results/real_<set>_noconfig.json)",
    )
    args = ap.parse_args(argv)
    unknown = sorted(set(args.sets) - set(real_data.LOADERS))
    if unknown:
        ap.error(f"unknown set(s) {unknown}; known: {', '.join(real_data.LOADERS)}")
    RESULTS.mkdir(exist_ok=True)
    results = []
    for key in args.sets or list(real_data.LOADERS):
        try:
            s = real_data.LOADERS[key]()
        except real_data.DataMissing as exc:
            print(f"{key}: skipped ({exc} is absent)")
            continue
        print(f"{key}: {s.name} {s.target}, {len(s.train_text):,} train / {len(s.test_text):,} test", flush=True)
        r = bench_set(key, s, refs=not args.no_refs, no_config=args.no_config)
        if args.no_config:
            (RESULTS / f"real_{key}_noconfig.json").write_text(json.dumps(r, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            continue
        (RESULTS / f"real_{key}.json").write_text(json.dumps(r, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        results.append(r)
    if results:
        # the table keeps the latest saved result of every set, so a run of some sets leaves the others' rows
        saved = [
            json.loads((RESULTS / f"real_{k}.json").read_text(encoding="utf-8"))
            for k in real_data.LOADERS
            if (RESULTS / f"real_{k}.json").exists()
        ]
        md = table(saved)
        (RESULTS / "real_table.md").write_text(md + "\n", encoding="utf-8")
        print(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
