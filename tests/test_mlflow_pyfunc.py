"""The registered MLflow models: `rca-<target>@current` loads with mlflow.pyfunc, scores as `rca score`
does, and `mlflow models serve --env-manager local` answers it offline (docs/mlflow.md)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from rca.errors import RcaError
from rca.model.tracking import PYFUNC_ARTIFACT, PYFUNC_CODE, SCORED_SUFFIXES, pyfunc_signature, registered_name
from rca.scoring.score import SUFFIXES


def output_columns(target: str) -> list[str]:
    from rca.scoring.pyfunc import output_columns  # here, not at collection: it imports mlflow.pyfunc (seconds)

    return output_columns(target)


# ------------------------------------------------------------------ no model needed
def test_signature_names_the_columns_predict_returns():
    sig = pyfunc_signature("root_cause")
    assert PYFUNC_CODE.is_file() and "set_model(TargetScorer())" in PYFUNC_CODE.read_text("utf-8")
    assert SCORED_SUFFIXES == SUFFIXES
    assert sig.outputs.input_names() == output_columns("root_cause")
    assert sig.inputs.input_names() == ["text", "stage", "case_type"]
    assert [c.required for c in sig.inputs.inputs] == [True, False, False]


def test_input_without_a_text_column_is_a_coded_error():
    from rca.scoring.pyfunc import input_frame

    with pytest.raises(RcaError) as e:
        input_frame(pd.DataFrame({"words": ["bin not collected"]}))
    assert e.value.code == "E240" and "words" in str(e.value)
    with pytest.raises(RcaError) as e:
        input_frame(["bin not collected"])
    assert e.value.code == "E240" and "list" in str(e.value)
    assert list(input_frame(pd.Series(["a"], name="text")).columns) == ["text"]


def test_tracking_run_takes_its_defaults_from_the_settings_schema(tmp_path):
    from rca.config import config_from_dict
    from rca.model.tracking import TrainingRun
    from rca.settings import TrackingSection

    run = TrainingRun(tmp_path, None)
    want = TrackingSection()
    assert (run.enabled, run.experiment, run.register) == (want.enabled, want.experiment, want.register)
    assert run.uri == f"sqlite:///{(tmp_path / 'mlflow.db').resolve()}"
    cfg = config_from_dict({"tracking": {"experiment": "complaints", "register": False}})
    run = TrainingRun(tmp_path, cfg.section_as(TrackingSection, "tracking"))
    assert (run.experiment, run.register, run.enabled) == ("complaints", False, True)
    assert TrainingRun(tmp_path, {"enabled": False}).enabled is False
    with pytest.raises(RcaError) as e:  # a table as written is read against the schema, not with fallbacks of its own
        TrainingRun(tmp_path, {"enabled": "yes please"})
    assert e.value.code == "E202" and "enabled" in str(e.value)


# ------------------------------------------------------------------ a trained demo model
@pytest.fixture
def tracking_uri(trained_model_dir):
    """The demo model folder's own store as MLflow's tracking URI, put back afterwards."""
    import mlflow

    before = mlflow.get_tracking_uri()
    uri = f"sqlite:///{(trained_model_dir / 'mlflow.db').resolve()}"
    mlflow.set_tracking_uri(uri)
    yield uri
    mlflow.set_tracking_uri(before)


@pytest.fixture(scope="module")
def demo_frame(demo_small):
    """60 demo cases in shuffled order with an index that is not 0..n, one with an empty text."""
    cases = demo_small.cases.sample(60, random_state=3).copy()
    cases.index = range(1000, 1060)
    cases.iloc[5, cases.columns.get_loc("text")] = "   "
    return cases


@pytest.mark.model
def test_registered_model_scores_each_row_as_rca_score_does(tracking_uri, trained_model_dir, demo_frame):
    import mlflow

    from rca.model.store import load_model
    from rca.scoring.score import score_frame

    model = mlflow.pyfunc.load_model("models:/rca-root_cause@current")
    got = model.predict(demo_frame[["text", "stage", "case_type"]])
    want = score_frame(demo_frame.reset_index(drop=True), load_model(trained_model_dir))[output_columns("root_cause")]
    assert list(got.columns) == output_columns("root_cause")
    assert len(got) == len(demo_frame)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True), check_dtype=False)
    complaint = (demo_frame["case_type"] == "Complaint").to_numpy()
    complaint[5] = False
    assert got["root_cause_predicted"].notna().to_numpy().tolist() == complaint.tolist()  # compliments: no root cause
    assert got["root_cause_review"].iloc[5] and pd.isna(got["root_cause_confidence"].iloc[5])


@pytest.mark.model
def test_each_target_is_its_own_registered_pyfunc_model(tracking_uri, trained_model_dir):
    import mlflow
    from mlflow.tracking import MlflowClient

    manifest = json.loads((trained_model_dir / "manifest.json").read_text("utf-8"))
    client = MlflowClient(tracking_uri=tracking_uri)
    texts = pd.DataFrame({"text": ["The bin was not collected again", "Nobody called me back"], "stage": ["1", "1"]})
    for target in manifest["targets"]:
        uri = f"models:/{registered_name(target)}@current"
        mv = client.get_model_version_by_alias(registered_name(target), "current")
        assert mv.run_id == manifest["run_id"] and mv.tags["rca_version"] == manifest["version"]
        info = mlflow.models.get_model_info(uri)
        assert "python_function" in info.flavors and info.saved_input_example_info is not None
        assert info.signature.outputs.input_names() == output_columns(target)
        out = mlflow.pyfunc.load_model(uri).predict(texts)
        assert list(out.columns) == output_columns(target) and len(out) == 2
        assert (out["rca_model_version"] == manifest["version"]).all()
        if target in manifest["applies_from_stage"]:  # learnt from later stages: blank on a stage-1 record
            assert out[f"{target}_predicted"].isna().all() and not out[f"{target}_review"].any()


@pytest.mark.model
def test_the_targets_share_one_copy_of_the_model_folder_on_disk(tracking_uri, trained_model_dir):
    """Each target's pyfunc model holds the version folder at its own paths, but every file of it is
    the same file on disk (a hard link) as the run's `model` artefact: one copy, not one per target."""
    from mlflow.tracking import MlflowClient

    from rca.model.tracking import _local_path

    manifest = json.loads((trained_model_dir / "manifest.json").read_text("utf-8"))
    client = MlflowClient(tracking_uri=tracking_uri)
    run_copy = _local_path(client.get_run(manifest["run_id"]).info.artifact_uri) / "model"
    files = sorted(p.relative_to(run_copy) for p in run_copy.rglob("*") if p.is_file())
    assert "manifest.json" in {str(f) for f in files}
    for target in manifest["targets"]:
        mv = client.get_model_version_by_alias(registered_name(target), "current")
        model_id = mv.model_id or mv.source.removeprefix("models:/")  # the version's source: models:/<logged model id>
        logged = _local_path(client.get_logged_model(model_id).artifact_location)
        (folder,) = logged.glob(f"**/{PYFUNC_ARTIFACT}/versions/{manifest['version']}")
        assert sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file()) == files
        for f in files:
            assert os.path.samefile(folder / f, run_copy / f), (target, f)


@pytest.mark.model
def test_logged_model_is_checked_by_rcas_loader(tracking_uri, tmp_path):
    """The MLflow model's copy of the folder goes through rca's sha256 checks: a changed file is refused."""
    import mlflow

    local = Path(mlflow.artifacts.download_artifacts("models:/rca-service@current", dst_path=str(tmp_path / "m")))
    version_dir = next((local / "artifacts" / PYFUNC_ARTIFACT / "versions").iterdir())
    target = version_dir / "target-service.skops"
    target.write_bytes(target.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(Exception) as e:
        mlflow.pyfunc.load_model(str(local))
    assert "E302" in str(e.value) or "E302" in repr(e.value.__cause__)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _post(url: str, body: dict) -> dict:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as resp:
        return json.loads(resp.read())


@pytest.mark.model
def test_mlflow_models_serve_answers_offline(tracking_uri, tmp_path):
    bin_dir = Path(sys.executable).parent
    if shutil.which("mlflow", path=str(bin_dir)) is None or shutil.which("uvicorn", path=str(bin_dir)) is None:
        pytest.skip(f"no `mlflow` or `uvicorn` entry point beside {sys.executable}")
    port = _free_port()
    env = {
        **os.environ,
        "MLFLOW_TRACKING_URI": tracking_uri,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "MLFLOW_DISABLE_TELEMETRY": "true",
        "DO_NOT_TRACK": "true",
        # any attempt to reach the internet goes to a closed port and fails
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "NO_PROXY": "127.0.0.1,localhost",
    }
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [
                str(bin_dir / "mlflow"),
                "models",
                "serve",
                "-m",
                "models:/rca-root_cause@current",
                "--env-manager",
                "local",
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 300  # a busy machine starts it slowly; this only bounds a hang
        while True:
            try:
                with urllib.request.urlopen(f"{base}/ping", timeout=5):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the server did not start:\n{log.read_text(errors='replace')[-3000:]}")
                time.sleep(1)
        body = {
            "dataframe_split": {
                "columns": ["text", "stage"],
                "data": [["The bin was not collected again", "1"], ["", None], ["The officer was rude to me on the phone", "2"]],
            }
        }
        preds = _post(f"{base}/invocations", body)["predictions"]
        assert len(preds) == 3 and all(set(p) == set(output_columns("root_cause")) for p in preds)
        assert preds[0]["root_cause_predicted"] and preds[2]["root_cause_predicted"]
        assert preds[1]["root_cause_predicted"] is None and preds[1]["root_cause_review"] is True
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
