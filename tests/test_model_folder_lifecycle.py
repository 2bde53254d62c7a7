"""The model folder's life cycle: one artefact file per target name, a
--model-dir checked before training, MLflow artefacts kept in the folder they belong to,
nothing stale left after a retraining with other targets, a data hash over every column
training reads, and a manifest that is checked too, not trusted."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from rca.model import store as model_store
from rca.config import config_from_dict
from rca.errors import RcaError
from rca.model.store import check_model_dir, load_model, target_file
from rca.model.train import data_sha256, train_models

from test_train_core import planted_frame

NO_TRACKING = config_from_dict({"seed": 5, "tracking": {"enabled": False}})
TRACKING = config_from_dict({"seed": 5})  # the default: the folder's own mlflow.db


def two_targets(n: int = 60, seed: int = 0) -> pd.DataFrame:
    df = planted_frame(n, seed=seed)
    df["label2"] = df["label"].map({"Fees": "Money", "Delay": "Other", "Conduct": "Other"})
    return df


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("lifecycle") / "m"
    train_models(two_targets(), targets=["label", "label2"], model_dir=folder, config=NO_TRACKING)
    return folder


def _manifests(folder: Path) -> list[Path]:
    version = json.loads((folder / "manifest.json").read_text("utf-8"))["version"]
    return [folder / "manifest.json", folder / "versions" / version / "manifest.json"]


def _edit_manifests(folder: Path, edit, *, both: bool = True) -> None:
    """Edit the top-level manifest, and its version copy too when `both` (as someone who knows the layout would)."""
    for path in _manifests(folder)[: 2 if both else 1]:
        manifest = json.loads(path.read_text("utf-8"))
        edit(manifest)
        path.write_text(json.dumps(manifest, indent=2), "utf-8")


# ------------------------------------------------------------ 1: one file per target name
def test_target_file_keeps_simple_names_and_separates_punctuation_variants():
    assert target_file("root_cause") == "target-root_cause.skops"
    assert target_file("service.v2") == "target-service.v2.skops"
    names = {target_file(t) for t in ("Dept/Area", "Dept_Area", "Dept Area", "Dept:Area")}
    assert len(names) == 4 and "target-Dept_Area.skops" in names
    assert len(model_store.target_files(["Service", "service"])) == 2
    assert len({f.casefold() for f in model_store.target_files(["Service", "service"]).values()}) == 2
    assert len(target_file("x" * 400)) < 130


@pytest.mark.model
def test_targets_differing_only_by_punctuation_keep_their_own_models_and_registry_names(tmp_path):
    from mlflow.tracking import MlflowClient

    df = planted_frame(60)
    df["Dept/Area"] = df["label"].map({"Fees": "North", "Delay": "South", "Conduct": "South"})
    df["Dept_Area"] = df["label"].map({"Fees": "Red", "Delay": "Red", "Conduct": "Blue"})
    folder = tmp_path / "m"
    res = train_models(df, targets=["Dept/Area", "Dept_Area"], model_dir=folder, config=TRACKING)
    files = res.manifest["target_files"]
    assert files["Dept_Area"] == "target-Dept_Area.skops" and files["Dept/Area"] != files["Dept_Area"]
    bundle = load_model(folder)
    assert set(bundle.models["Dept/Area"].classes_) == {"North", "South"}
    assert set(bundle.models["Dept_Area"].classes_) == {"Red", "Blue"}
    client = MlflowClient(tracking_uri=f"sqlite:///{folder / 'mlflow.db'}")
    assert client.get_run(res.run_id).info.status == "FINISHED"
    registered = {rm.name: rm for rm in client.search_registered_models()}
    assert "rca-Dept_Area" in registered
    slash = [rm for name, rm in registered.items() if name.startswith("rca-Dept_Area-")]
    assert len(slash) == 1 and slash[0].tags.get("target") == "Dept/Area"


# ------------------------------------------------------------ 4: --model-dir checked first
@pytest.fixture
def no_training(monkeypatch):
    import rca.model.train

    def refuse(*a, **k):
        raise AssertionError("training started")

    monkeypatch.setattr(rca.model.train, "redact_many", refuse)


@pytest.mark.parametrize("where", ["afile", "afile/sub"])
def test_model_dir_that_is_a_file_is_refused_before_training(tmp_path, no_training, where):
    (tmp_path / "afile").write_text("not a folder")
    with pytest.raises(RcaError) as e:
        train_models(planted_frame(30), targets=["label"], model_dir=tmp_path / where, config=NO_TRACKING)
    assert e.value.code == "E309" and "afile" in str(e.value) and "is a file" in str(e.value)


def test_folder_of_something_else_is_refused_and_left_alone(tmp_path, no_training):
    folder = tmp_path / "other"
    folder.mkdir()
    (folder / "manifest.json").write_text('{"name": "their project"}')
    (folder / "metrics.json").write_text('{"auc": 0.9}')
    with pytest.raises(RcaError) as e:
        train_models(planted_frame(30), targets=["label"], model_dir=folder, config=NO_TRACKING)
    assert e.value.code == "E309" and "manifest.json" in str(e.value) and "empty" in str(e.value)
    assert (folder / "manifest.json").read_text() == '{"name": "their project"}'
    assert sorted(p.name for p in folder.iterdir()) == ["manifest.json", "metrics.json"]


def test_new_empty_tracking_only_and_rca_folders_are_accepted(tmp_path, model_dir):
    check_model_dir(tmp_path / "new" / "deeper")
    (tmp_path / "empty").mkdir()
    check_model_dir(tmp_path / "empty")
    (tmp_path / "tracked").mkdir()
    (tmp_path / "tracked" / "mlflow.db").write_bytes(b"")
    check_model_dir(tmp_path / "tracked")
    check_model_dir(model_dir)
    stopped = tmp_path / "stopped"  # the first training stopped while writing its version
    (stopped / "versions" / "20240101-120000-0123abcd").mkdir(parents=True)
    check_model_dir(stopped)
    (stopped / "versions" / "notes").mkdir()
    with pytest.raises(RcaError):
        check_model_dir(stopped)
    damaged = tmp_path / "damaged"
    shutil.copytree(model_dir, damaged)
    (damaged / "manifest.json").write_text("{trunc")  # an rca folder still: its versions say so
    check_model_dir(damaged)


# ------------------------------------------------------------ 5: MLflow artefacts stay in the folder
def _runs(folder: Path):
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=f"sqlite:///{folder / 'mlflow.db'}")
    return client, {e.name: e for e in client.search_experiments()}


@pytest.mark.model
def test_copied_model_folder_logs_its_runs_into_itself(tmp_path, caplog):
    x, y = tmp_path / "mv_x", tmp_path / "mv_y"
    train_models(planted_frame(60), targets=["label"], model_dir=x, config=TRACKING)
    shutil.copytree(x, y)
    before = sorted(p.name for p in (x / "mlartifacts").iterdir())
    res = train_models(planted_frame(60), targets=["label"], model_dir=y, config=TRACKING)
    assert sorted(p.name for p in (x / "mlartifacts").iterdir()) == before  # nothing written into the original
    client, experiments = _runs(y)
    run = client.get_run(res.run_id)
    assert Path(run.info.artifact_uri.removeprefix("file://")).is_relative_to(y.resolve())
    assert (y / "mlartifacts" / res.run_id / "artifacts" / "model" / "manifest.json").is_file()
    moved = experiments[res.manifest["tracking"]["experiment"]]
    assert "moved from" in moved.name and str(x.resolve()) in moved.name
    assert any("outside this model folder" in r.getMessage() for r in caplog.records)
    assert experiments["Default"].artifact_location.startswith((y / "mlartifacts").resolve().as_uri())
    assert res.manifest["tracking"]["made_in"] == str(y.resolve()) and res.manifest["tracking"]["store"] == "mlflow.db"
    again = train_models(planted_frame(60, seed=2), targets=["label"], model_dir=y, config=TRACKING)
    assert again.manifest["tracking"]["experiment"] == moved.name  # reused, not one more experiment
    assert len(_runs(y)[1]) == len(experiments)


# ------------------------------------------------------------ 6: retraining with fewer targets
@pytest.mark.model
def test_retraining_without_a_target_leaves_no_stale_file_or_current_alias(tmp_path):
    from mlflow.tracking import MlflowClient

    folder = tmp_path / "m"
    first = train_models(two_targets(), targets=["label", "label2"], model_dir=folder, config=TRACKING)
    second = train_models(two_targets(seed=1), targets=["label"], model_dir=folder, config=TRACKING)
    assert not (folder / "target-label2.skops").exists()
    assert (folder / "versions" / first.version / "target-label2.skops").is_file()  # the old version keeps it
    assert sorted(p.name for p in folder.glob("target-*.skops")) == ["target-label.skops"]
    client = MlflowClient(tracking_uri=f"sqlite:///{folder / 'mlflow.db'}")
    assert "current" not in client.get_registered_model("rca-label2").aliases
    assert client.get_model_version_by_alias("rca-label", "current").run_id == second.run_id
    assert load_model(folder, alias="previous").targets == ["label", "label2"]


# ------------------------------------------------------------ 8: the data hash
@pytest.mark.parametrize("column", ["case_id", "parent_case_id", "complainant_id", "stage", "service", "outcome"])
def test_data_hash_changes_with_every_column_training_reads(column):
    df = planted_frame(30)
    df["parent_case_id"] = None
    df["complainant_id"] = [f"P{i % 7}" for i in range(30)]
    df["stage"] = "1"
    df["service"] = "Waste"
    df["outcome"] = "Upheld"
    used = ["text", "label", "received"]  # what training passes
    changed = df.copy()
    changed[column] = changed[column].astype(object)
    changed.loc[3, column] = "C0001" if column == "parent_case_id" else "changed"
    assert data_sha256(df, used) == data_sha256(df.copy(), used)
    assert data_sha256(changed, used) != data_sha256(df, used)


# ------------------------------------------------------------ 9: the manifest is checked too
@pytest.mark.parametrize("other", ["metrics.json", "cases.parquet"])
def test_target_listed_as_a_hashed_non_pickle_is_a_coded_error(copy, other):
    _edit_manifests(copy, lambda m: m["target_files"].update(label=other))
    with pytest.raises(RcaError) as e:
        load_model(copy)
    assert e.value.code == "E302" and other in str(e.value)


def test_target_listed_with_another_targets_pickle_is_refused(copy):
    _edit_manifests(copy, lambda m: m["target_files"].update(label=m["target_files"]["label2"]))
    with pytest.raises(RcaError) as e:
        load_model(copy)
    assert e.value.code == "E302" and "'label2'" in str(e.value) and "'label'" in str(e.value)


def test_featuriser_listed_as_a_target_is_refused(copy):
    _edit_manifests(copy, lambda m: m["target_files"].update(label="featuriser.skops"))
    with pytest.raises(RcaError) as e:
        load_model(copy)
    assert e.value.code == "E302" and "featuriser.skops" in str(e.value)


@pytest.mark.parametrize(
    "edit",
    [
        lambda m: m.update(applies_from_stage={"label": "2"}),
        lambda m: m["thresholds"].update(label=0.0),
        lambda m: m["target_files"].update(label="target-label2.skops"),
    ],
)
def test_top_manifest_edited_without_its_version_copy_is_refused_before_unpickling(copy, no_unpickle, edit):
    _edit_manifests(copy, edit, both=False)
    with pytest.raises(RcaError) as e:
        load_model(copy)
    assert e.value.code == "E302" and "versions/" in str(e.value)


def test_missing_version_copy_is_refused(copy, no_unpickle):
    shutil.rmtree(_manifests(copy)[1].parent)
    with pytest.raises(RcaError) as e:
        load_model(copy)
    assert e.value.code == "E302" and "missing" in str(e.value)


def test_version_folder_whose_manifest_names_another_version_is_refused(copy, no_unpickle):
    version_manifest = _manifests(copy)[1]
    manifest = json.loads(version_manifest.read_text("utf-8"))
    manifest["version"] = "19990101-000000-deadbeef"
    version_manifest.write_text(json.dumps(manifest), "utf-8")
    with pytest.raises(RcaError) as e:
        load_model(copy, alias="current")
    assert e.value.code == "E302"


def test_untouched_copy_still_loads_by_alias_and_version(copy):
    version = json.loads((copy / "manifest.json").read_text("utf-8"))["version"]
    assert load_model(copy).targets == ["label", "label2"]
    assert load_model(copy, alias="current").manifest["version"] == version
    assert load_model(copy, alias=version).manifest["version"] == version


def test_unknown_alias_says_so_and_lists_the_aliases(copy, no_unpickle):
    version = json.loads((copy / "manifest.json").read_text("utf-8"))["version"]
    with pytest.raises(RcaError) as e:
        load_model(copy, alias="nope")
    message = str(e.value)
    assert e.value.code == "E308" and "'nope'" in message and "current" in message and version in message
    assert "Train first" not in message


@pytest.mark.parametrize("alias", ["..", ".", "./", "current/..", "..\\..", "a/b"])
def test_alias_that_is_a_path_is_refused_not_the_top_level(copy, no_unpickle, alias):
    with pytest.raises(RcaError) as e:
        load_model(copy, alias=alias)
    assert e.value.code == "E308" and "not an alias" in str(e.value)


def test_aliases_file_that_is_not_a_table_is_E303(copy, no_unpickle):
    (copy / "aliases.json").write_text("[1, 2]", "utf-8")
    with pytest.raises(RcaError) as e:
        load_model(copy, alias="previous")
    assert e.value.code == "E303"


def test_loaded_pickles_are_the_ones_listed(model_dir):
    """The check that each model file says its target reads the object the file gives back."""
    from rca.model.safe_load import load_artefact

    bundle = load_model(model_dir)
    for target, name in bundle.manifest["target_files"].items():
        assert load_artefact((model_dir / name).read_bytes(), file=name).target == target
