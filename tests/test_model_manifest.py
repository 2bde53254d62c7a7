"""A model folder's manifest.json is typed and versioned (rca.model.manifest): the store writes `format_version`,
folders saved before it keep loading when their keys read as the typed manifest, and are refused with the
coded retrain error (E306) when they do not; the model card is rendered from the typed manifest."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from rca.config import config_from_dict
from rca.errors import RcaError
from rca.model.card import render_model_card, write_model_card
from rca.model.manifest import MANIFEST_VERSION, Manifest, parse_manifest
from rca.model.store import load_model, verify_folder
from rca.model.train import train_models

from test_train_core import planted_frame

NO_TRACKING = config_from_dict({"seed": 5, "tracking": {"enabled": False}})


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("manifest") / "m"
    train_models(planted_frame(60), targets=["label"], model_dir=folder, config=NO_TRACKING, recipe="fast")
    return folder


@pytest.fixture
def copy(model_dir, tmp_path) -> Path:
    dst = tmp_path / "copy"
    shutil.copytree(model_dir, dst)
    return dst


def _edit_both(folder: Path, edit) -> None:
    """Edit the top-level manifest and its version copy alike (as an older rca would have written both)."""
    version = json.loads((folder / "manifest.json").read_text("utf-8"))["version"]
    for path in (folder / "manifest.json", folder / "versions" / version / "manifest.json"):
        manifest = json.loads(path.read_text("utf-8"))
        edit(manifest)
        path.write_text(json.dumps(manifest, indent=2), "utf-8")


def test_the_store_writes_a_versioned_manifest_that_reads_back_typed(model_dir):
    raw = json.loads((model_dir / "manifest.json").read_text("utf-8"))
    assert raw["format_version"] == MANIFEST_VERSION
    bundle = load_model(model_dir)
    typed = bundle.typed_manifest
    assert isinstance(typed, Manifest) and typed.format_version == MANIFEST_VERSION
    assert typed.targets == ["label"] and typed.data.n_rows == 60 and typed.data.sha256 == raw["data"]["sha256"]
    assert typed.target_files == raw["target_files"] and set(typed.artefacts) == set(raw["artefacts"])
    assert bundle.metrics == raw["metrics"] and bundle.manifest == raw  # the JSON as written stays available


def test_a_folder_saved_before_format_version_still_loads(copy):
    _edit_both(copy, lambda m: m.pop("format_version"))
    bundle = load_model(copy)
    assert bundle.typed_manifest.format_version == 0 and bundle.targets == ["label"]
    assert len(bundle.predict(["refund of the fee please"])["label"].labels) == 1
    assert "## 5. Data specification" in write_model_card(copy).read_text("utf-8")


@pytest.mark.parametrize(
    "edit, said",
    [
        (lambda m: m.update(targets="label"), "targets"),
        (lambda m: m.update(data={"n_rows": "sixty"}), "data.n_rows"),
        (lambda m: m.update(target_files=["target-label.skops"]), "target_files"),
    ],
)
def test_an_older_folder_whose_keys_this_rca_cannot_read_is_the_retrain_error(copy, edit, said):
    def older(m):
        m.pop("format_version")
        edit(m)

    _edit_both(copy, older)
    with pytest.raises(RcaError) as e:
        load_model(copy)
    assert e.value.code == "E306" and said in str(e.value) and "rca train" in str(e.value)
    with pytest.raises(RcaError) as e:
        verify_folder(copy)
    assert e.value.code == "E306"


def test_a_manifest_from_a_later_rca_is_the_retrain_error(copy):
    _edit_both(copy, lambda m: m.update(format_version=MANIFEST_VERSION + 1))
    with pytest.raises(RcaError) as e:
        load_model(copy)
    assert e.value.code == "E306" and f"format_version {MANIFEST_VERSION + 1}" in str(e.value)


def test_a_damaged_current_manifest_is_e303(copy):
    _edit_both(copy, lambda m: m.update(seed="five"))
    with pytest.raises(RcaError) as e:
        load_model(copy)
    assert e.value.code == "E303" and "seed" in str(e.value)


def test_keys_a_later_rca_adds_are_kept_as_written():
    m = parse_manifest({"format_version": MANIFEST_VERSION, "artefacts": {}, "new_key": [1, 2], "data": {"rows_kept": 5}})
    assert m.model_extra == {"new_key": [1, 2]} and m.data.model_extra == {"rows_kept": 5}


def test_the_card_reads_only_the_manifest_spelling_of_each_fact():
    """The card is the template over the typed manifest: no second spelling of a key is read."""
    typed = Manifest(
        name="m1",
        created="2024-04-01T09:00:00+01:00",
        targets=["root_cause"],
        seed=7,
        data={"n_rows": 1234, "date_from": "2023-04-01", "date_to": "2024-03-31", "sha256": "ab" * 32},
    )
    card = render_model_card(typed, {"root_cause": {"accuracy": 0.8}})
    assert "(m1)" in card and "Trained: 2024-04-01T09:00:00+01:00" in card and "1,234" in card and "2023-04-01" in card
    other = render_model_card(
        {"model_id": "m1", "created_at": "2024-04-01", "date_from": "2023-04-01", "data_sha256": "ab" * 32, "targets": ["root_cause"]},
        {"root_cause": {"accuracy": 0.8}},
    )
    assert "(rca)" in other and "Trained: _not recorded_" in other and "2023-04-01" not in other and "ab" * 32 not in other
