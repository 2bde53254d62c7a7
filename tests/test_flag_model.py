"""The learnt intake flags beside the rules: the source shown, the shipped file's provenance, thresholds from cross-validation."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

import numpy as np
import pytest

from rca.config import config_from_dict, load_config
from rca.errors import RcaError
from rca.scoring import flag_model
from rca.scoring.flag_model_build import DATA, FILES, NEVER, choose_threshold, fit_final, labelled, read_labelled, with_background
from rca.scoring.hazards import EMERGENCY, SAFEGUARDING, extra_terms, flags, urgent
from rca.settings import TriageSection

WINTER = datetime(2025, 11, 20, 10, 0)
# a possible risk the rules have no words for (nobody is named as at risk, nothing is said to be wrong) and the model raises
UNSEEN = "my neighbour hasn't been seen for a week and her post is piling up, she is 90"


def test_a_contact_the_rules_miss_but_the_model_raises_names_the_learnt_model():
    assert flags(UNSEEN, received=WINTER, learnt=False) == []
    (item,) = flags(UNSEEN, received=WINTER)
    assert item["flag"] == SAFEGUARDING and item["raised_by"] == "learnt model"
    (entry,) = item["rules"]
    assert entry["source"] == "learnt model" and entry["rule"].startswith("learnt model, score ")
    score = float(entry["rule"].split("score ")[1].split(" ")[0])
    assert score >= flag_model.load().thresholds[SAFEGUARDING]
    assert entry["words"] and all(w in UNSEEN.lower() for w in entry["words"])
    assert "safeguarding referral" in item["action"]


def test_the_words_that_drove_a_learnt_flag_are_whole_words_as_the_text_writes_them():
    text = "Mum won't eat and the carers haven't come since Friday, she isn't herself"
    (item,) = flags(text, received=WINTER, learnt=flag_model.load())
    words = item["rules"][-1]["words"]
    whole = {w.strip(",.") for w in text.split()}
    assert words and set(words) <= whole, words  # never a piece of a word ("haven" of "haven't") nor lower-cased ("friday")
    assert "haven't" in words or "Friday" in words or "won't" in words or "isn't" in words
    model = flag_model.load()
    share = {"haven": 2.0, "friday": 1.0, "the": 5.0, "mum": -1.0}
    assert flag_model.whole_words(text, share, model.design) == ["haven't", "Friday"]  # "the" too common, "Mum" pulled down


def test_a_flag_both_raise_lists_the_rule_and_the_model():
    (item,) = flags("There's a strong smell of gas in my kitchen", received=WINTER)
    assert item["flag"] == EMERGENCY and item["raised_by"] == "rules and learnt model"
    assert [r["source"] for r in item["rules"]] == ["rule", "learnt model"]
    assert "gas" in item["rules"][1]["words"]


def test_the_learnt_flag_gets_the_hazard_deadlines_and_never_clears_a_contact():
    model = flag_model.load()
    low = flag_model.FlagModel(model.design, model.coef, model.intercept, {f: 0.0 for f in flag_model.FLAGS}, model.card)
    high = flag_model.FlagModel(model.design, model.coef, model.intercept, {f: NEVER for f in flag_model.FLAGS}, model.card)
    text = "There's a strong smell of gas in my kitchen"
    every = urgent(text, received=WINTER, learnt=low)  # threshold 0: the model raises every flag
    assert {u["flag"] for u in every} == set(flag_model.FLAGS)
    assert all(u["deadlines"] for u in every if u["flag"] != SAFEGUARDING)
    assert [u["raised_by"] for u in urgent(text, received=WINTER, learnt=high)] == ["rules"]  # the rules' flag stays


def test_the_shipped_model_records_what_built_it():
    card = flag_model.load().card
    assert card["built_by"] == "python -m rca.demo.flag_model_build"
    assert card["background"]["source"] == "rca.demo.data.generate_demo" and card["background"]["seed"] == card["seed"]
    assert card["background"]["n_texts"] > 2000
    # short texts with no flag: single sentences of the ordinary contacts, about one per contact
    assert card["background"]["n_sentences"] > card["background"]["n_contacts"] // 2
    # and the short answers, thanks and remarks of feedback forms
    assert card["background"]["n_feedback"] > 500 and card["background"]["feedback"].startswith("rca.demo.feedback_text")

    assert [f["file"] for f in card["training_files"]] == list(FILES)
    for f in card["training_files"]:  # the shipped model was built from the labelled files as they are
        assert f["sha256"] == hashlib.sha256((DATA / f["file"]).read_bytes()).hexdigest(), f["file"]
        assert f["n_texts"] == len(read_labelled(DATA / f["file"]))
    assert card["seed"] == load_config(None).seed
    assert card["learnt_precision"] == TriageSection().learnt_precision
    assert set(card["versions"]) == {"scikit-learn", "numpy", "scipy"}


def test_the_background_holds_short_feedback_answers_with_no_flag():
    from rca.demo.feedback_text import feedback_texts

    texts = feedback_texts(7, 500)
    assert len(texts) > 300 and texts == feedback_texts(7, 500) and texts != feedback_texts(8, 500)  # seeded
    assert sum(len(t.split()) <= 6 for t in texts) > 100  # most feedback answers are a few words
    assert not any(flags(t, learnt=False) for t in texts)


def test_short_ordinary_answers_raise_no_learnt_flag():
    # answers to "what could we do better?" that speak of nothing, care or feelings, not of a risk
    for text in ("I can't think of anything", "i dont think so", "Honestly nothing!", "The carers are lovely with my mum"):
        assert flags(text, received=WINTER) == [], text


def test_a_contact_is_cut_into_its_sentences_and_lines_of_two_words_or_more():
    from rca.demo.flag_model_build import _sentences

    text = "I paid the fine on Monday. Why is it still showing?\nRegards\nJo Bloggs"
    assert _sentences(text) == ["I paid the fine on Monday.", "Why is it still showing?", "Jo Bloggs"]


def test_each_threshold_is_the_cross_validated_one_not_a_constant():
    model = flag_model.load()
    with np.load(flag_model.FOLDER / "oof.npz", allow_pickle=False) as z:
        scores, labels = z["scores"], z["labels"]
    for i, flag in enumerate(flag_model.FLAGS):
        t = choose_threshold(scores[:, i], labels[:, i], precision=model.card["learnt_precision"])
        assert model.thresholds[flag] == t
        raised = scores[:, i] >= t
        assert (labels[raised, i] == 1).mean() >= model.card["learnt_precision"]
        assert choose_threshold(scores[:, i], labels[:, i], precision=0.99) > t  # a stricter target moves it


def test_choose_threshold_is_the_lowest_score_that_keeps_the_precision():
    s, y = np.array([0.95, 0.9, 0.8, 0.7, 0.6, 0.5]), np.array([1, 1, 0, 1, 0, 1])
    assert choose_threshold(s, y, precision=0.75) == 0.7
    assert choose_threshold(s, y, precision=0.6) == 0.5
    assert choose_threshold(s, y, precision=1.0) == 0.9
    assert choose_threshold(np.array([0.9, 0.1]), np.array([0, 1]), precision=0.9) == NEVER


@pytest.mark.model
def test_the_shipped_coefficients_are_what_the_build_fits():
    from rca.demo.flag_model_build import background
    from rca.scoring.flag_model_build import texts_sha256

    model = flag_model.load()
    texts, Y, files = labelled([DATA / f for f in FILES])
    assert files == model.card["training_files"]
    ordinary, _ = background(model.card["seed"])
    assert texts_sha256(ordinary) == model.card["background"]["sha256"]  # the same demo contacts, the same rules
    texts, Y = with_background(texts, Y, ordinary)
    cs = {f: model.card["cv"]["chosen"][f]["C"] for f in flag_model.FLAGS}
    coef, intercept = fit_final(texts, Y, model.design, cs, seed=model.card["seed"])
    for f in flag_model.FLAGS:
        assert np.allclose(coef[f], model.coef[f], atol=1e-5), f  # stored as float32
        assert intercept[f] == pytest.approx(model.intercept[f], abs=1e-6)


def test_a_damaged_or_pickled_model_file_is_refused_with_E312(tmp_path):
    src = flag_model.FOLDER
    for name in (flag_model.CARD, flag_model.COEF):
        (tmp_path / name).write_bytes((src / name).read_bytes())
    assert flag_model.read(tmp_path).thresholds == flag_model.load().thresholds
    np.save(tmp_path / "x.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with open(tmp_path / flag_model.COEF, "wb") as fh:  # an object array: loading it would unpickle
        np.savez(fh, index=np.array([{"a": 1}], dtype=object), values=np.zeros((1, 3)), intercept=np.zeros(3))
    with pytest.raises(RcaError) as e:
        flag_model.read(tmp_path)
    assert e.value.code == "E312" and str(tmp_path) in str(e.value)
    (tmp_path / flag_model.CARD).write_text("{}", encoding="utf-8")
    with pytest.raises(RcaError, match="E312"):
        flag_model.read(tmp_path)


def test_a_bad_labelled_line_names_the_file_and_row(tmp_path):
    p = tmp_path / "x.jsonl"
    good = {"text": "gas leak", "emergency_hazard": True, "significant_hazard": False, "safeguarding": False}
    p.write_text(json.dumps(good) + "\n" + json.dumps({**good, "safeguarding": "yes"}) + "\n", encoding="utf-8")
    with pytest.raises(RcaError) as e:
        read_labelled(p)
    assert e.value.code == "E313" and e.value.location.row == 2 and e.value.location.column == "safeguarding"


def test_the_config_turns_the_learnt_flags_off_and_its_keys_are_not_terms():
    section = {"learnt_flags": False, "emergency_terms": ["stuck between floors"]}
    assert config_from_dict({"triage": section}).section_as(TriageSection, "triage").learnt_flags is False
    assert extra_terms(section) == {EMERGENCY: ["stuck between floors"]}
    with pytest.raises(RcaError, match="E202"):
        config_from_dict({"triage": {"learnt_precision": 1.5}}).section_as(TriageSection, "triage")


@pytest.mark.model
def test_the_page_and_the_api_say_the_learnt_model_raised_the_flag(trained_model_dir):
    from fastapi.testclient import TestClient

    from rca.web.app import create_app

    client = TestClient(create_app(trained_model_dir, token="flag-model-token"))
    api = client.post(
        "/api/triage", json={"text": UNSEEN, "received": "2025-12-01 10:00"}, headers={"Authorization": "Bearer flag-model-token"}
    )
    (item,) = api.json()["urgent"]
    assert item["raised_by"] == "learnt model" and item["rules"][0]["source"] == "learnt model"
    html = client.post("/", data={"token": "flag-model-token", "text": UNSEEN, "received": "2025-12-01T10:00"}).text
    block = html[html.index('id="urgent-safeguarding"') :]
    assert "raised by learnt model" in block and "learnt model, score" in block and "words that drove it" in block
