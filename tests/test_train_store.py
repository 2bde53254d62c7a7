"""The model folder: integrity checks before unpickling, versions and aliases,
evidence, and the MLflow run."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from rca.config import config_from_dict
from rca.errors import RcaError
from rca.model.store import load_model, target_file
from rca.model.train import train_models

from test_train_core import planted_frame

NO_TRACKING = config_from_dict({"seed": 5, "tracking": {"enabled": False}})


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("store") / "m"
    df = planted_frame(90)
    df.loc[0, "text"] = "Mr Henderson (j.henderson@example.com, 07700 900123) was charged a fee twice. SW1A 1AA"
    train_models(df, targets=["label"], model_dir=folder, config=NO_TRACKING)
    return folder


def test_tampered_artefact_refused_before_unpickling(copy, no_unpickle):
    path = copy / target_file("label")
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(RcaError) as e:
        load_model(copy)
    assert e.value.code == "E302" and "target-label.skops" in str(e.value)


def test_missing_artefact_refused(copy, no_unpickle):
    (copy / "featuriser.skops").unlink()
    with pytest.raises(RcaError) as e:
        load_model(copy)
    assert e.value.code == "E302" and "missing" in str(e.value)


def test_manifest_problems_are_coded(copy, tmp_path):
    with pytest.raises(RcaError) as e:
        load_model(tmp_path / "nowhere")
    assert e.value.code == "E301"
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["packages"]["scikit-learn"] = "0.24.2"
    (copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(RcaError) as e:
        load_model(copy)
    assert e.value.code == "E306"
    (copy / "manifest.json").write_text("{not json")
    with pytest.raises(RcaError) as e:
        load_model(copy)
    assert e.value.code == "E303"


def test_manifest_records_provenance(model_dir):
    m = load_model(model_dir).manifest
    for key in ("taxonomy_version", "seed", "run_id", "created", "version", "packages", "artefacts", "data"):
        assert key in m, key
    assert m["seed"] == 5 and m["data"]["n_rows"] == 90 and len(m["data"]["sha256"]) == 64
    assert set(m["artefacts"]) == {"featuriser.skops", "target-label.skops", "metrics.json", "cases.parquet"}
    assert m["packages"]["scikit-learn"]


def test_cases_parquet_is_redacted(model_dir):
    past = pd.read_parquet(model_dir / "cases.parquet")
    assert len(past) == 90
    assert {"case_id", "received", "root_cause", "complainant_id", "text_redacted"} <= set(past.columns)
    first = past.loc[past["case_id"] == "C0000", "text_redacted"].iloc[0]
    assert "example.com" not in first and "07700" not in first and "SW1A" not in first and "Henderson" not in first
    assert "[EMAIL]" in first


def test_evidence_is_redacted_words_of_the_text(model_dir):
    bundle = load_model(model_dir)
    text = "Ms Okonkwo at 12 Mill Lane says the officer was rude. Email okonkwo@example.org"
    ev = bundle.evidence(text, "label", "Conduct", k=3)
    assert ev and len(ev) <= 3
    assert any("rude" in e for e in ev)
    lowered = text.lower()
    for e in ev:
        assert e in lowered
        assert "okonkwo" not in e and "mill" not in e and "example" not in e
    assert bundle.evidence(text, "label", "No such label") == []
    with pytest.raises(RcaError) as err:
        bundle.evidence(text, "nonexistent", "Conduct")
    assert err.value.code == "E305"


@pytest.mark.model  # trains twice
def test_retraining_keeps_versions_and_aliases(tmp_path):
    folder = tmp_path / "m"
    first = train_models(planted_frame(60), targets=["label"], model_dir=folder, config=NO_TRACKING)
    second = train_models(planted_frame(60, seed=9), targets=["label"], model_dir=folder, config=NO_TRACKING)
    aliases = json.loads((folder / "aliases.json").read_text())
    assert aliases == {"current": second.version, "previous": first.version}
    assert load_model(folder).manifest["version"] == second.version
    assert load_model(folder, alias="previous").manifest["version"] == first.version
    assert load_model(folder, alias=first.version).manifest["version"] == first.version
    with pytest.raises(RcaError) as e:
        load_model(folder, alias="../../etc")
    assert e.value.code == "E308"


@pytest.mark.model
def test_mlflow_run_and_registered_models(tmp_path):
    from mlflow.tracking import MlflowClient

    uri = f"sqlite:///{tmp_path / 'track.db'}"
    cfg = config_from_dict({"seed": 2, "tracking": {"uri": uri}, "model": {"C": 0.7}})
    res = train_models(planted_frame(60), targets=["label"], model_dir=tmp_path / "m", config=cfg)
    client = MlflowClient(tracking_uri=uri)
    run = client.get_run(res.run_id)
    assert run.info.status == "FINISHED"
    assert run.data.params["seed"] == "2" and run.data.params["C"] == "0.7"
    assert run.data.metrics["label.macro_f1"] == pytest.approx(res.metrics["label"]["macro_f1"])
    arts = {a.path for a in client.list_artifacts(res.run_id, "model")}
    assert "model/manifest.json" in arts and "model/target-label.skops" in arts
    figures = {a.path for a in client.list_artifacts(res.run_id, "evaluation")}
    assert figures == {"evaluation/confusion_label.png", "evaluation/calibration_label.png"}
    mv = client.get_model_version_by_alias("rca-label", "current")
    assert mv.run_id == res.run_id
    assert res.manifest["run_id"] == res.run_id


@pytest.mark.model  # trains
def test_broken_tracking_store_does_not_stop_training(tmp_path, caplog):
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "mlflow.db").write_bytes(b"not an sqlite database" * 50)
    res = train_models(planted_frame(60), targets=["label"], model_dir=folder, config=config_from_dict({"seed": 1}))
    assert load_model(folder).targets == ["label"] and res.metrics["label"]["macro_f1"] >= 0.9
    assert any("tracking turned off" in r.getMessage() for r in caplog.records)


def test_model_file_not_listed_in_artefacts_is_refused(copy, no_unpickle):
    manifest = json.loads((copy / "manifest.json").read_text())
    del manifest["artefacts"]["featuriser.skops"]
    (copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(RcaError) as e:
        load_model(copy)
    assert e.value.code == "E302" and "featuriser.skops" in str(e.value)


@pytest.mark.model
def test_loading_some_targets_builds_only_those_and_still_checks_every_file(trained_model_dir, tmp_path):
    import shutil

    texts = ["my bin was not collected again", "the officer was rude to me on the phone"]
    full = load_model(trained_model_dir)
    one = load_model(trained_model_dir, targets=["service"])
    assert one.targets == ["service"] and len(full.targets) > 1
    assert one.predict(texts)["service"].labels == full.predict(texts, targets=["service"])["service"].labels
    with pytest.raises(RcaError) as e:
        load_model(trained_model_dir, targets=["no_such_target"])
    assert e.value.code == "E305" and "no_such_target" in str(e.value)
    copy = tmp_path / "m"
    shutil.copytree(trained_model_dir, copy)
    other = copy / target_file("root_cause")
    other.write_bytes(other.read_bytes()[:-10])  # a target that is not loaded is still checked
    with pytest.raises(RcaError) as e:
        load_model(copy, targets=["service"])
    assert e.value.code == "E302" and "target-root_cause.skops" in str(e.value)
