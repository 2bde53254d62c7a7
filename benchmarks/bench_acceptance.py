"""Rehearse issue 3's acceptance check: other people's CSVs through the default command line.

    .venv/bin/python benchmarks/bench_acceptance.py            # every set present (~8 minutes on 2 cores)
    .venv/bin/python benchmarks/bench_acceptance.py nhs_theme  # some of them

For each real labelled export in ``../shared/data`` (skipped when absent) and a
label column it carries, the rows are split stratified 80/20 (seed 0; labels
with a single row stay in train) and written as CSV files with **all the
export's own columns**. Then, exactly as a council would, with no config and no
recipe:

    rca train train.csv --text-column <its text column> --target <its label column> --model-dir D
    rca score test.csv --model-dir D --out scored.csv

and the macro-F1 of ``<target>_predicted`` on the test rows is set beside a
plain TF-IDF + logistic regression fitted on the same train rows, with
scikit-learn's defaults and with balanced class weights. Every test row must
come back scored, in order. Results: ``benchmarks/results/acceptance.json``
and ``acceptance_table.md``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

sys.path.insert(0, str(Path(__file__).resolve().parent))
import real_data  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"

# name: (file under ../shared/data, text column, label column, what the label is)
SETS = {
    "nhs_theme": ("nhs-feedback/nhs_feedback_2009_2019.csv", "text", "theme", "17 human-coded themes"),
    "nhs_criticality": (
        "nhs-feedback/nhs_feedback_2009_2019.csv",
        "text",
        "criticality",
        "criticality score; two big values and a tail of junk codes",
    ),
    "cfpb_product": ("cfpb/cfpb_2023_api_narratives.csv", "complaint_what_happened", "product", "11 products"),
    "cfpb_issue": ("cfpb/cfpb_2023_api_narratives.csv", "complaint_what_happened", "issue", "64 issues, long tail"),
    "payday_issue": ("cfpb/cfpb_2023_payday_loans_export.csv", "Consumer complaint narrative", "Issue", "24 issues"),
    "payday_sub_product": ("cfpb/cfpb_2023_payday_loans_export.csv", "Consumer complaint narrative", "Sub-product", "5 loan types"),
    "payday_company_response": (
        "cfpb/cfpb_2023_payday_loans_export.csv",
        "Consumer complaint narrative",
        "Company response to consumer",
        "how the company closed it; little of it is in the text",
    ),
    "ombudsman_category": (
        "housing-ombudsman/decisions_2020_2024.csv",
        "complaint",
        "category",
        "the scraper's keyword category (not a human label); one row per complaint point",
    ),
    "banking77": ("banking77", "text", "category", "77 intents, published train/test split"),
}


def split(name: str, root: Path) -> tuple[pd.DataFrame, pd.DataFrame, str, str]:
    path, text, target, _ = SETS[name]
    if name == "banking77":
        return (
            pd.read_csv(real_data._path(path, "train.csv", root=root)),
            pd.read_csv(real_data._path(path, "test.csv", root=root)),
            text,
            target,
        )
    df = pd.read_csv(real_data._path(*path.split("/"), root=root))
    df = df[df[text].notna() & df[target].notna() & df[text].astype(str).str.strip().ne("")]
    counts = df[target].value_counts()
    single = df[target].map(counts) < 2
    train, test = train_test_split(df[~single], test_size=0.2, random_state=0, stratify=df.loc[~single, target])
    return pd.concat([train, df[single]]), test, text, target


def macro_f1(y, pred) -> float:
    return round(float(f1_score(y, pred, average="macro", zero_division=0)), 4)


def rca_cli(*args: str) -> None:
    res = subprocess.run([sys.executable, "-m", "rca", *args], capture_output=True, text=True)
    if res.returncode:
        raise RuntimeError(f"rca {' '.join(args[:1])} failed ({res.returncode}):\n{(res.stdout + res.stderr)[-2000:]}")


def bench(name: str, root: Path) -> dict:
    train, test, text, target = split(name, root)
    y = test[target].astype(str).tolist()
    out = {
        "set": name,
        "label": SETS[name][3],
        "text_column": text,
        "target": target,
        "n_train": len(train),
        "n_test": len(test),
        "n_labels": int(train[target].nunique()),
    }
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        train.to_csv(tmp / "train.csv", index=False)
        test.to_csv(tmp / "test.csv", index=False)
        t = time.perf_counter()
        rca_cli("train", str(tmp / "train.csv"), "--text-column", text, "--target", target, "--model-dir", str(tmp / "m"))
        out["rca_train_seconds"] = round(time.perf_counter() - t, 1)
        rca_cli("score", str(tmp / "test.csv"), "--model-dir", str(tmp / "m"), "--out", str(tmp / "scored.csv"))
        scored = pd.read_csv(tmp / "scored.csv", dtype=str, keep_default_na=False)
        predicted = [c for c in scored.columns if c.endswith("_predicted")]
        if len(scored) != len(test) or len(predicted) != 1:
            raise RuntimeError(f"{name}: {len(scored)} rows scored of {len(test)}, prediction columns {predicted}")
        metrics = json.loads((tmp / "m" / "metrics.json").read_text(encoding="utf-8"))
    pred = scored[predicted[0]].tolist()
    out.update(
        {
            "rca_macro_f1": macro_f1(y, pred),
            "rca_accuracy": round(float(accuracy_score(y, pred)), 4),
            "rca_internal_holdout_macro_f1": round(next(iter(metrics.values()))["macro_f1"], 4),
        }
    )
    for key, weights in (("lr", None), ("lr_balanced", "balanced")):
        lr = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000, class_weight=weights))
        lr.fit(train[text].astype(str), train[target].astype(str))
        out[f"{key}_macro_f1"] = macro_f1(y, lr.predict(test[text].astype(str)))
    return out


def table(rows: list[dict]) -> str:
    lines = [
        "| export, label (train/test rows, labels) | rca defaults | TF-IDF + LR | TF-IDF + LR, balanced | rca train s |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        best = max(r["lr_macro_f1"], r["lr_balanced_macro_f1"])
        mark = "**" if r["rca_macro_f1"] > best else ""
        lines.append(
            f"| {r['set']}: {r['target']} ({r['n_train']:,}/{r['n_test']:,}, {r['n_labels']}) | "
            f"{mark}{r['rca_macro_f1']:.3f}{mark} | {r['lr_macro_f1']:.3f} | {r['lr_balanced_macro_f1']:.3f} | "
            f"{r['rca_train_seconds']:.0f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sets", nargs="*", help=f"of {', '.join(SETS)} (default: all present)")
    args = ap.parse_args(argv)
    unknown = sorted(set(args.sets) - set(SETS))
    if unknown:
        ap.error(f"unknown set(s) {unknown}")
    RESULTS.mkdir(exist_ok=True)
    saved = RESULTS / "acceptance.json"
    previous = {r["set"]: r for r in json.loads(saved.read_text(encoding="utf-8"))["sets"]} if saved.exists() else {}
    for name in args.sets or list(SETS):
        try:
            r = bench(name, real_data.SHARED_DATA)
        except real_data.DataMissing as exc:
            print(f"{name}: skipped ({exc} is absent)")
            continue
        print(json.dumps(r), flush=True)
        previous[name] = r
    rows = [previous[n] for n in SETS if n in previous]
    saved.write_text(
        json.dumps({"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "sets": rows}, indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    md = table(rows)
    (RESULTS / "acceptance_table.md").write_text(md + "\n", encoding="utf-8")
    print(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
