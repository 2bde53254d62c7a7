"""Faults around the model folder, seen from the command line: a missing or
damaged folder, or a corrupt MLflow store, ends in one coded line and exit
status 2 -- never a traceback.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

from rca.cli.main import app

runner = CliRunner()


def _coded(result, code: str) -> None:
    text = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert result.exit_code == 2, (result.exit_code, text[-2000:])
    assert code in text and "Traceback" not in text


@pytest.fixture
def cases_csv(tmp_path):
    path = tmp_path / "cases.csv"
    pd.DataFrame({"case_id": ["A", "B"], "text": ["bin not collected", "pothole on the road"]}).to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    "args",
    [
        ["score", "{cases}", "--model-dir", "{missing}", "--out", "{out}"],
        ["triage", "my bin was not collected", "--model-dir", "{missing}"],
        ["serve", "--model-dir", "{missing}", "--port", "1"],
    ],
    ids=["score", "triage", "serve"],
)
def test_missing_model_dir_is_E301(args, cases_csv, tmp_path):
    fill = {"cases": str(cases_csv), "missing": str(tmp_path / "no-model"), "out": str(tmp_path / "o.csv")}
    result = runner.invoke(app, [a.format(**fill) for a in args])
    _coded(result, "E301")
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.model
def test_tampered_model_stops_scoring_with_E302_and_no_output(trained_model_dir, cases_csv, tmp_path):
    model = tmp_path / "model"
    shutil.copytree(trained_model_dir, model, ignore=shutil.ignore_patterns("mlflow.db", "mlartifacts"))
    with open(model / "featuriser.skops", "ab") as fh:
        fh.write(b"\x00")
    result = runner.invoke(app, ["score", str(cases_csv), "--model-dir", str(model), "--out", str(tmp_path / "o.csv"), "--no-progress"])
    _coded(result, "E302")
    assert not (tmp_path / "o.csv").exists()
    result = runner.invoke(app, ["triage", "my bin was not collected", "--model-dir", str(model)])
    _coded(result, "E302")


@pytest.mark.model
def test_corrupt_mlflow_store_is_a_coded_error_or_ignored(demo_csv, tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    (model / "mlflow.db").write_bytes(b"this is not an sqlite database" * 100)
    # the fixed recipe: this is about the tracking store, not how a recipe is chosen (tests/test_recipe_search.py)
    result = runner.invoke(app, ["train", str(demo_csv), "--model-dir", str(model), "--target", "service", "--recipe", "fast"])
    text = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in text
    if result.exit_code != 0:
        assert result.exit_code == 2
