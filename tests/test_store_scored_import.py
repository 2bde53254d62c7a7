"""`rca score`'s own output file goes into the store unchanged: one suggestion
per scored target and row, every flagged suggestion queued, the model's columns
kept out of the council's case record."""

from __future__ import annotations

import pandas as pd
import pytest

from rca.scoring.score import output_columns
from rca.scoring.score_files import score_file
from rca.store import import_export, open_store, queue_frame
from rca.store.training_data import stored_cases

pytestmark = pytest.mark.model


def test_import_of_a_real_scored_file(trained_model_dir, demo_csv, tmp_path):
    sample = tmp_path / "sample.csv"
    pd.read_csv(demo_csv, dtype=str).head(120).to_csv(sample, index=False)
    scored = tmp_path / "scored.csv"
    summary = score_file(sample, scored, model_dir=trained_model_dir, progress=False, n_jobs=1)
    out = pd.read_csv(scored, dtype=str)
    targets = [c[: -len("_predicted")] for c in out.columns if c.endswith("_predicted")]
    assert set(output_columns(targets)) <= set(out.columns)

    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    res = import_export(store, scored, model_version="demo-model")
    assert res.kind == "scored" and sorted(res.targets) == sorted(targets)
    assert res.n_rows == summary.n_rows == 120 and res.n_new_cases + res.n_quarantined == 120
    n_pred = sum(int(out[f"{t}_predicted"].notna().sum() | out[f"{t}_confidence"].notna().sum()) for t in targets)
    assert res.n_suggestions == n_pred
    flagged = sum(int(out[f"{t}_review"].str.lower().eq("true").sum()) for t in targets)
    assert res.n_review_items >= flagged - res.n_quarantined * len(targets)
    queue = queue_frame(store, limit=None)
    assert len(queue) == res.n_review_items and set(queue["target"]) <= set(targets)
    kept = stored_cases(store)
    assert not any(c.endswith(("_predicted", "_confidence", "_review", "_evidence")) for c in kept.columns)
    assert "duplicate_of" not in kept.columns
    store.dispose()
