"""Scoring one chunk across forked helpers gives exactly what one process gives."""

import pandas as pd
import pytest

import rca.scoring.score as score
import rca.scoring.score_files as score_files
from rca.model.store import load_model


@pytest.mark.model
def test_split_prediction_equals_single_process(trained_model_dir, demo_small, monkeypatch):
    monkeypatch.setattr(score, "MIN_SPLIT_ROWS", 10)  # split even a small batch
    monkeypatch.setattr(score.os, "cpu_count", lambda: 3)
    bundle = load_model(trained_model_dir)
    texts = pd.concat([demo_small.cases["text"].head(60), pd.Series(["", None, "   "])], ignore_index=True)
    one = score.prediction_columns(texts, bundle, split=1)
    three = score.prediction_columns(texts, bundle, split=3)
    pd.testing.assert_frame_equal(one, three)
    assert one.filter(like="_evidence").notna().any().any()  # evidence really compared, not all blank
    assert one[f"{bundle.targets[0]}_review"].iloc[-3:].all()  # empty texts still flagged


@pytest.mark.model
def test_score_file_same_bytes_with_one_or_two_jobs(trained_model_dir, demo_csv, tmp_path, monkeypatch):
    monkeypatch.setattr(score, "MIN_SPLIT_ROWS", 10)
    monkeypatch.setattr(score.os, "cpu_count", lambda: 2)
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    score_files.score_file(demo_csv, a, model_dir=trained_model_dir, progress=False, n_jobs=1)
    score_files.score_file(demo_csv, b, model_dir=trained_model_dir, progress=False, n_jobs=2)
    assert a.read_bytes() == b.read_bytes()
