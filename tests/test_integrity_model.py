"""Model integrity: a model folder whose files differ from its manifest is refused
(E302/E303) *before* anything in it is loaded, and a missing folder is E301.

Every test copies the session's trained model and damages the copy; loading is
trapped so that a test fails if `load_model` reaches the skops loader or `joblib.load`
on a bad folder.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from rca.model import store as model_store
from rca.errors import RcaError
from rca.model.store import load_model

pytestmark = pytest.mark.model


class Unpickled(AssertionError):
    pass


@pytest.fixture
def model_copy(trained_model_dir, tmp_path) -> Path:
    dest = tmp_path / "model"
    shutil.copytree(trained_model_dir, dest, ignore=shutil.ignore_patterns("mlflow.db", "mlartifacts"))
    return dest


@pytest.fixture
def no_unpickling(monkeypatch):
    """Make any loading of a model file inside rca.model.store a test failure."""
    import joblib

    def refuse(*args, **kwargs):
        raise Unpickled(f"a model file was loaded: {args[:1]}")

    monkeypatch.setattr(model_store, "load_artefact", refuse)
    monkeypatch.setattr(joblib, "load", refuse)


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text("utf-8"))


def _write_manifest(folder: Path, manifest: dict) -> None:
    (folder / "manifest.json").write_text(json.dumps(manifest), "utf-8")


def test_untouched_copy_loads_and_predicts(model_copy):
    bundle = load_model(model_copy)
    preds = bundle.predict(["The bin was not collected again this week"])
    assert set(preds) == set(bundle.targets)


@pytest.mark.parametrize("artefact", ["featuriser.skops", "target-root_cause.skops"])
@pytest.mark.parametrize("damage", ["flip", "truncate", "replace"])
def test_tampered_or_truncated_artefact_is_refused_before_loading(model_copy, no_unpickling, artefact, damage):
    path = model_copy / artefact
    data = bytearray(path.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0x01
    elif damage == "truncate":
        data = data[: len(data) // 3]
    else:  # a well-formed pickle that would run code when loaded
        import pickle

        data = bytearray(pickle.dumps(__import__("os").system))
    path.write_bytes(bytes(data))
    with pytest.raises(RcaError) as err:
        load_model(model_copy)
    assert err.value.code == "E302" and artefact in str(err.value)


def test_missing_artefact_is_refused(model_copy, no_unpickling):
    (model_copy / "target-service.skops").unlink()
    with pytest.raises(RcaError) as err:
        load_model(model_copy)
    assert err.value.code == "E302" and "missing" in str(err.value)


def test_past_cases_file_is_covered_by_the_manifest(model_copy):
    """cases.parquet feeds the similar-case search; the contract says the manifest hashes it."""
    assert "cases.parquet" in _manifest(model_copy)["artefacts"]


@pytest.mark.parametrize("content", ["", "{not json", "[]", '{"artefacts": "x"}'])
def test_unreadable_manifest_is_E303(model_copy, no_unpickling, content):
    (model_copy / "manifest.json").write_text(content, "utf-8")
    with pytest.raises(RcaError) as err:
        load_model(model_copy)
    assert err.value.code == "E303"


def test_missing_model_dir_is_E301(tmp_path):
    with pytest.raises(RcaError) as err:
        load_model(tmp_path / "nowhere")
    assert err.value.code == "E301" and "nowhere" in str(err.value)


@pytest.mark.parametrize("alias", ["../..", "../model", "/etc", "current/../../x"])
def test_alias_cannot_walk_out_of_the_versions_folder(model_copy, no_unpickling, alias):
    with pytest.raises(RcaError) as err:
        load_model(model_copy, alias=alias)
    assert err.value.code == "E308" and "not an alias or version id" in str(err.value)
    assert "Train first" not in str(err.value)  # E301's advice: the folder is there, the alias is wrong


def test_aliases_file_pointing_outside_is_refused(model_copy, tmp_path, no_unpickling):
    (model_copy / "aliases.json").write_text(json.dumps({"previous": "../../elsewhere"}), "utf-8")
    with pytest.raises(RcaError) as err:
        load_model(model_copy, alias="previous")
    assert err.value.code == "E302" and "which is not a version id" in str(err.value)  # a tampered aliases.json


def test_target_file_not_listed_in_the_artefacts_is_refused(model_copy, no_unpickling):
    """An extra model file dropped in the folder and named only in target_files must not be loaded unchecked."""
    shutil.copy(model_copy / "target-service.skops", model_copy / "target-extra.skops")
    manifest = _manifest(model_copy)
    manifest["target_files"]["extra"] = "target-extra.skops"
    _write_manifest(model_copy, manifest)
    with pytest.raises(RcaError) as err:
        load_model(model_copy)
    assert err.value.code == "E302"


def test_manifest_with_an_emptied_artefact_table_is_refused(model_copy, no_unpickling):
    manifest = _manifest(model_copy)
    manifest["artefacts"] = {}
    _write_manifest(model_copy, manifest)
    with pytest.raises(RcaError) as err:
        load_model(model_copy)
    assert err.value.code in {"E302", "E303"}


def test_manifest_path_outside_the_folder_is_refused(model_copy, no_unpickling):
    manifest = _manifest(model_copy)
    manifest["artefacts"]["../manifest.json"] = "0" * 64
    _write_manifest(model_copy, manifest)
    with pytest.raises(RcaError) as err:
        load_model(model_copy)
    assert err.value.code == "E302" and "outside" in str(err.value)
