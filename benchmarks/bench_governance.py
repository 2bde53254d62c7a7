"""Label audit precision@100 and the active-learning curve on the demo year.

    .venv/bin/python benchmarks/bench_governance.py
    # writes benchmarks/results/audit.json, active_learning.json, active_learning.png

Audit: `audit_labels` on the default demo year (10,000 contacts, seed 20240401)
for each target with planted miscodings; precision@100 and recall@flagged
against `generate_demo().miscoded`.
Active learning: `learning_curve` for `service` and `root_cause`, 5 seeds,
50 random cases to start, batches of 50, up to 600 labels; suggested vs random.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

from rca.governance.active_learning import labels_to_reach, learning_curve
from rca.governance.audit import audit_labels, precision_at_k, text_features
from rca.demo.data import generate_demo
from rca.text.redact import redact_many

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "results"


def bench_audit(demo) -> dict:
    out = {}
    for target in ("root_cause", "service", "acceptability"):
        truth = set(demo.miscoded.loc[demo.miscoded["target"] == target, "case_id"])
        t0 = time.perf_counter()
        res = audit_labels(demo.cases, target, seed=0, top=100)
        flagged = set(res.scores.loc[res.scores["flagged"], "case_id"])
        hits = res.issues[res.issues["case_id"].isin(truth)]
        true_code = demo.miscoded[demo.miscoded["target"] == target].set_index("case_id")["true"]
        out[target] = {
            "audited": res.n_audited,
            "planted": len(truth),
            "base_rate": round(len(truth) / res.n_audited, 4),
            "precision_at_100": precision_at_k(res.issues["case_id"], truth, 100),
            "flagged": len(flagged),
            "recall_of_flagged": round(len(flagged & truth) / len(truth), 4),
            "precision_of_flagged": round(len(flagged & truth) / max(len(flagged), 1), 4),
            "suggestion_is_true_code": round(float((hits["suggested"].to_numpy() == true_code[hits["case_id"]].to_numpy()).mean()), 4),
            "seconds": round(time.perf_counter() - t0, 1),
        }
    return out


def bench_active(demo) -> tuple[dict, pd.DataFrame]:
    out, frames = {}, []
    for target in ("service", "root_cause"):
        cases = demo.cases[demo.cases[target].notna()].reset_index(drop=True)
        X, _ = text_features(redact_many(cases["text"].tolist()))
        y = cases[target].astype(str).to_numpy()
        curves = pd.concat(
            [
                learning_curve(X, y, strategy=s, seed=seed, initial=50, batch=50, max_labels=600)
                for seed in range(5)
                for s in ("suggested", "random")
            ]
        ).assign(target=target)
        frames.append(curves)
        mean = curves.groupby(["strategy", "n_labels"])["accuracy"].mean().unstack(0)
        goal = float(mean.loc[600, "random"])
        out[target] = {
            "cases": len(y),
            "curve": {int(n): {k: round(float(v), 4) for k, v in row.items()} for n, row in mean.iterrows()},
            "labels_to_reach_random_at_600": {"accuracy": round(goal, 4), **labels_to_reach(curves, goal)},
        }
    return out, pd.concat(frames)


def plot(curves: pd.DataFrame, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    targets = list(dict.fromkeys(curves["target"]))
    fig, axes = plt.subplots(1, len(targets), figsize=(5 * len(targets), 3.6))
    for ax, target in zip(np.atleast_1d(axes), targets):
        g = curves[curves["target"] == target]
        for strategy, colour in (("suggested", "#1b6ca8"), ("random", "#999999")):
            s = g[g["strategy"] == strategy].groupby("n_labels")["accuracy"]
            m, sd = s.mean(), s.std()
            ax.plot(m.index, m.values, label=strategy, color=colour)
            ax.fill_between(m.index, m - sd, m + sd, color=colour, alpha=0.2)
        ax.set_title(f"{target} (demo year, 5 seeds)")
        ax.set_xlabel("cases coded")
        ax.set_ylabel("held-out accuracy")
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    demo = generate_demo()
    audit = bench_audit(demo)
    (OUT / "audit.json").write_text(json.dumps(audit, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(audit, indent=2))
    active, curves = bench_active(demo)
    (OUT / "active_learning.json").write_text(json.dumps(active, indent=2) + "\n", encoding="utf-8")
    plot(curves, OUT / "active_learning.png")
    for target, r in active.items():
        print(target, r["labels_to_reach_random_at_600"])


if __name__ == "__main__":
    main()
