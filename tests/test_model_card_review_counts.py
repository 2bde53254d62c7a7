"""The model card says what review does, what the saved model learnt from, how many codes came from
review, and when a target was not evaluated."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from rca.cli.main import app
from rca.errors import RcaError
from rca.model.card import render_model_card, write_model_card
from rca.store import import_frame, open_store, record_decision

runner = CliRunner()


# --------------------------------------------------------------------------- model card
MANIFEST = {
    "name": "m1",
    "targets": ["root_cause"],
    "seed": 20240401,
    "taxonomy_version": "2024.1",
    "settings": {"refit": True},
    "data": {"sha256": "ab" * 32, "n_rows": 2500, "n_labelled": {"root_cause": 1442}},
}
METRICS = {"root_cause": {"n_train": 1149, "n_test": 293, "accuracy": 0.741, "coverage": 0.526, "threshold": 0.718}}


def test_model_card_says_what_review_does_and_what_the_saved_model_learnt_from():
    card = render_model_card(MANIFEST, METRICS)
    assert "Every suggested code is shown to an officer" not in card
    assert "used as it is, without an officer checking it" in card and "queued for an officer" in card
    assert "root_cause 53%" in card  # the coverage, in the oversight section
    assert "| training cases of the evaluated model | 1,149 |" in card
    assert "| cases the saved model learnt from (every labelled case) | 1,442 |" in card
    assert "Seed: 20240401;" in card
    assert "none recorded" in card  # no review_labels.json: said, not invented


def test_model_card_counts_the_codes_that_came_from_review(tmp_path, trained_model_dir):
    import shutil

    folder = tmp_path / "model"
    shutil.copytree(trained_model_dir, folder)
    version = json.loads((folder / "manifest.json").read_text("utf-8"))["version"]
    counts = {"rows": 2500, "rows_with_reviewed_labels": 12, "by_target": {"root_cause": {"review": 12, "import": 1430}}}
    (folder / "review_labels.json").write_text(json.dumps({**counts, "version": version}), encoding="utf-8")
    card = write_model_card(folder).read_text("utf-8")
    assert "12 of 2,500 cases carry a code an officer decided" in card
    assert "root_cause 12 of 1,442" in card and "learnt from 12 cases with a code decided in review" in card
    # counts left by an earlier model trained from the store are not this model's
    (folder / "review_labels.json").write_text(json.dumps({**counts, "version": "older"}), encoding="utf-8")
    assert "12 of 2,500 cases" not in write_model_card(folder).read_text("utf-8")
    (folder / "review_labels.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(RcaError) as exc:
        write_model_card(folder)
    assert exc.value.code == "E303" and "review_labels.json" in str(exc.value)


@pytest.mark.model
def test_retraining_from_the_store_writes_the_review_counts_into_the_card(tmp_path):
    pytest.importorskip("rca.model.train")
    from rca.config import Config
    from rca.store.training_data import retrain_from_store
    from test_store_retrain import CHARGES, _corpus

    corpus = _corpus()
    s = open_store(f"sqlite:///{tmp_path / 'r.db'}")
    import_frame(s, corpus, source="inline")
    for cid in corpus.attrs["miscoded"][:3]:
        record_decision(s, cid, "root_cause", officer="Ann", action="corrected", label=CHARGES)
    retrain_from_store(s, model_dir=tmp_path / "m", config=Config(seed=3), targets=["root_cause"], seed=3)
    for card in [tmp_path / "m" / "MODEL_CARD.md", *(tmp_path / "m").glob("versions/*/MODEL_CARD.md")]:
        assert f"3 of {len(corpus)} cases carry a code an officer decided" in card.read_text("utf-8"), card


# --------------------------------------------------------------------------- a target with no held-out cases
def test_model_card_says_a_target_was_not_evaluated():
    manifest = MANIFEST | {"targets": ["root_cause", "escalation_reason"]}
    metrics = METRICS | {"escalation_reason": {"n_train": 110, "n_test": 0, "accuracy": None, "coverage": None, "threshold": 0.36}}
    card = render_model_card(manifest, metrics)
    flat = " ".join(card.split())
    assert "escalation_reason not evaluated (no held-out cases)" in flat and "escalation_reason _not recorded_" not in flat
    assert "That threshold was not measured for escalation_reason" in flat
    assert flat.count("Review every escalation_reason tag, whatever its confidence") == 2  # oversight and its own section
    assert "an officer reviews every escalation_reason tag" in flat
    assert "root_cause 53%" in flat and "Review every root_cause tag" not in flat


@pytest.mark.model
def test_retraining_from_the_store_warns_of_a_target_with_no_held_out_cases(tmp_path, caplog):
    """escalation_reason coded only on the earliest cases: the time split holds none of them out."""
    import logging

    from rca.config import Config
    from rca.store.training_data import retrain_from_store
    from test_store_retrain import _corpus

    corpus = _corpus()
    early = corpus.index[:24]
    corpus["escalation_reason"] = None
    corpus.loc[early, "escalation_reason"] = ["Disagree with decision", "Delay in responding to complaint"] * 12
    db = f"sqlite:///{tmp_path / 'e.db'}"
    s = open_store(db)
    import_frame(s, corpus, source="inline")
    with caplog.at_level(logging.WARNING, logger="rca.store.training_data"):
        result, _ = retrain_from_store(
            s, model_dir=tmp_path / "m", config=Config(seed=3), targets=["root_cause", "escalation_reason"], seed=3
        )
    s.dispose()
    assert result.metrics["escalation_reason"]["n_test"] == 0
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(m.startswith("escalation_reason was not evaluated") for m in warned), warned
    assert not any(m.startswith("root_cause was not evaluated") for m in warned)
    assert "escalation_reason not evaluated (no held-out cases)" in (tmp_path / "m" / "MODEL_CARD.md").read_text("utf-8")
    r = runner.invoke(
        app,
        [
            "store",
            "retrain",
            "--db",
            db,
            "--model-dir",
            str(tmp_path / "m2"),
            "--target",
            "root_cause",
            "--target",
            "escalation_reason",
            "--seed",
            "3",
            "--json",
        ],
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.output[r.output.index("{") :])["not_evaluated"] == ["escalation_reason"]
