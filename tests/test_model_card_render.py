"""Model card: ATRS headings, real figures from the model folder, missing facts said to be missing."""

from __future__ import annotations

import json

import pytest

from rca.config import config_from_dict
from rca.errors import RcaError
from rca.model.card import render_model_card, write_model_card

HEADINGS = [
    "## 1. Owner and responsibility",
    "## 2. Description and rationale",
    "## 3. Decision-making process and human oversight",
    "## 4. Tool and model specification",
    "## 5. Data specification",
    "## 6. Risks, limitations and mitigations",
]


def test_card_from_a_manifest_and_metrics():
    manifest = {
        "name": "m1",
        "targets": ["root_cause"],
        "seed": 7,
        "taxonomy_version": "2024.1",
        "data": {"sha256": "ab" * 32, "n_rows": 1234, "date_from": "2023-04-01", "date_to": "2024-03-31"},
        "artefacts": {"featuriser.joblib": "cd" * 32},
        "packages": {"scikit-learn": "1.9.1"},
    }
    metrics = {
        "root_cause": {
            "accuracy": 0.812,
            "macro_f1": 0.64,
            "coverage": 0.55,
            "ece": 0.031,
            "per_class": {
                "Delay in doing something": {"precision": 0.9, "recall": 0.8, "f1": 0.85, "support": 40},
                "Policy objection": {"precision": 0.5, "recall": 0.3, "f1": 0.375, "support": 8},
            },
        }
    }
    card = render_model_card(manifest, metrics, organisation={"organisation": "LB Example", "contact": "complaints@example.gov.uk"})
    for h in HEADINGS:
        assert h in card
    assert "0.812" in card and "2023-04-01" in card and "2024-03-31" in card and "ab" * 32 in card
    assert "| Delay in doing something | 0.900 | 0.800 | 0.850 | 40 |" in card
    assert "Policy objection (F1 0.38)" in card  # named as a weakness
    assert "LB Example" in card and "How to contest a tag" in card
    assert "Senior responsible owner: _not recorded_" in card


@pytest.mark.model
def test_card_written_for_a_trained_model(trained_model_dir, tmp_path):
    cfg = config_from_dict({"model_card": {"organisation": "Demo Borough Council"}})
    path = write_model_card(trained_model_dir, config=cfg, path=tmp_path / "card.md")
    card = path.read_text("utf-8")
    manifest = json.loads((trained_model_dir / "manifest.json").read_text("utf-8"))
    for h in HEADINGS:
        assert h in card
    for t in manifest["targets"]:
        assert f"### {t}" in card
    assert manifest["data"]["sha256"] in card and "Demo Borough Council" in card
    assert "Per code (held-out test cases)" in card


def test_missing_model_folder_is_a_coded_error(tmp_path):
    with pytest.raises(RcaError) as e:
        write_model_card(tmp_path / "nope")
    assert e.value.code == "E301"
    (tmp_path / "m").mkdir()
    with pytest.raises(RcaError) as e:
        write_model_card(tmp_path / "m")
    assert e.value.code == "E303"


def test_a_card_is_never_written_from_a_changed_folder(trained_model_dir, tmp_path):
    """metrics.json edited to flatter the model: the card is refused, as scoring would be."""
    import shutil

    from rca.errors import RcaError
    from rca.model.card import write_model_card

    folder = tmp_path / "m"
    shutil.copytree(trained_model_dir, folder)
    metrics = json.loads((folder / "metrics.json").read_text("utf-8"))
    first = next(iter(metrics))
    metrics[first]["macro_f1"] = 0.99
    (folder / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
    with pytest.raises(RcaError) as err:
        write_model_card(folder, path=tmp_path / "card.md")
    assert err.value.code == "E302" and "metrics.json" in str(err.value)
    assert not (tmp_path / "card.md").exists()


def test_a_card_is_never_written_from_an_edited_manifest(trained_model_dir, tmp_path):
    """The manifest edited (and its checksums with it) differs from its version copy: refused."""
    import shutil

    from rca.errors import RcaError
    from rca.model.card import write_model_card

    folder = tmp_path / "m"
    shutil.copytree(trained_model_dir, folder)
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    manifest["seed"] = 1
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(RcaError) as err:
        write_model_card(folder, path=tmp_path / "card.md")
    assert err.value.code == "E302"
