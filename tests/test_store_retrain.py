"""Officers' corrections feed the next model: a group of parking-fine complaints
was recorded under the wrong root cause; after officers correct them in the
store, retraining from the store moves the model's predictions on those cases
to the corrected code."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from rca.config import Config
from rca.store import decisions_frame, import_frame, open_store, record_decision
from rca.store.training_data import cases_for_training, retrain_from_store

pytestmark = pytest.mark.model

FAILURE, DELAY, CHARGES, STAFF = (
    "Failure to do something",
    "Delay in doing something",
    "Charges and enforcement action",
    "Staff conduct and attitude",
)
PLACES = [
    "Mill Lane",
    "the high street",
    "Park Road",
    "the estate",
    "Church Street",
    "the station car park",
    "Elm Grove",
    "the market square",
    "Queens Road",
    "the retail park",
    "Victoria Street",
    "the library",
]
TEMPLATES = {
    FAILURE: "My green bin on {p} was not collected and the missed collection was never put right.",
    DELAY: "I have waited months for the repair at {p}; it keeps being delayed and rebooked.",
    STAFF: "The officer at {p} was rude, shouted at me and was unhelpful and dismissive.",
    CHARGES: "I got a parking fine penalty charge notice at {p} even though I had a valid permit ticket.",
}


def _corpus() -> pd.DataFrame:
    rows = []
    for cause, template in TEMPLATES.items():
        for i, place in enumerate(PLACES):
            rows.append({"case_id": f"{cause[:3].upper()}{i:02d}", "text": template.format(p=place), "root_cause": cause})
    frame = pd.DataFrame(rows)
    frame["received"] = pd.Timestamp("2024-04-02 10:00") + pd.to_timedelta(np.arange(len(frame)), unit="h")
    frame["service"] = "Parking"
    # the council recorded 8 of the 12 parking-fine complaints as staff conduct
    wrong = frame.index[(frame["root_cause"] == CHARGES)][:8]
    frame.loc[wrong, "root_cause"] = STAFF
    frame.attrs["miscoded"] = list(frame.loc[wrong, "case_id"])
    return frame


def _proba(model_dir, texts: list[str], label: str) -> np.ndarray:
    from rca.model.store import load_model

    pred = load_model(model_dir).predict(texts)["root_cause"]
    classes = list(pred.classes)
    return np.asarray(pred.proba)[:, classes.index(label)] if label in classes else np.zeros(len(texts))


def test_retraining_on_corrections_moves_predictions_to_the_corrected_code(tmp_path):
    pytest.importorskip("rca.model.train", reason="rca.model.train (training engineer) is not built yet")
    from rca.model.store import load_model

    corpus = _corpus()
    miscoded = corpus.attrs["miscoded"]
    store = open_store(f"sqlite:///{tmp_path / 'retrain.db'}")
    import_frame(store, corpus, source="inline")
    cfg = Config(seed=3)
    before_dir, after_dir = tmp_path / "before", tmp_path / "after"
    _, before_counts = retrain_from_store(store, model_dir=before_dir, config=cfg, targets=["root_cause"], seed=3)
    assert before_counts["rows_with_reviewed_labels"] == 0

    texts = list(corpus.set_index("case_id").loc[miscoded, "text"])
    p_before = _proba(before_dir, texts, CHARGES)
    for cid in miscoded:
        record_decision(store, cid, "root_cause", officer="Ann", action="corrected", label=CHARGES, comment="parking fine")
    frame = cases_for_training(store)
    assert set(frame.loc[frame["label_source"] == "review", "case_id"]) == set(miscoded)
    assert (frame.set_index("case_id").loc[miscoded, "root_cause"] == CHARGES).all()

    _, counts = retrain_from_store(store, model_dir=after_dir, config=cfg, targets=["root_cause"], seed=3)
    assert counts["rows_with_reviewed_labels"] == 8 and counts["by_target"]["root_cause"]["review"] == 8
    assert json.loads((after_dir / "review_labels.json").read_text())["rows_with_reviewed_labels"] == 8
    assert len(list(after_dir.glob("versions/*/review_labels.json"))) == 1
    p_after = _proba(after_dir, texts, CHARGES)
    assert (p_after > p_before).all(), (p_before, p_after)
    labels_after = load_model(after_dir).predict(texts)["root_cause"].labels
    labels_before = load_model(before_dir).predict(texts)["root_cause"].labels
    assert sum(lab == CHARGES for lab in labels_after) > sum(lab == CHARGES for lab in labels_before)
    assert sum(lab == CHARGES for lab in labels_after) >= 6
    assert len(decisions_frame(store)) == 8
    store.dispose()
