"""The recipe search's lemma step: lemmatised texts are kept only where cross-validation says they help."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rca.config import config_from_dict
from rca.model import recipe_search as rs
from rca.model.classifier import ModelSettings
from rca.model.recipe import search_space
from rca.model.train import train_models

pytestmark = pytest.mark.model

FORMS = {  # verb -> base, past, participle, third person, -ing: one lemma, five words
    "go": "go went gone goes going",
    "see": "see saw seen sees seeing",
    "take": "take took taken takes taking",
    "give": "give gave given gives giving",
    "write": "write wrote written writes writing",
    "eat": "eat ate eaten eats eating",
    "speak": "speak spoke spoken speaks speaking",
    "drive": "drive drove driven drives driving",
    "ride": "ride rode ridden rides riding",
    "swim": "swim swam swum swims swimming",
    "fly": "fly flew flown flies flying",
    "rise": "rise rose risen rises rising",
}
CLASSES = {"a": ["go", "see", "take", "give", "write", "eat"], "b": ["speak", "drive", "ride", "swim", "fly", "rise"]}
FILLER = "the council said it would look into this matter soon please help me with it today".split()


def verbs(n: int, *, by: str, seed: int = 0) -> pd.DataFrame:
    """Texts with one verb form each. by="lemma": the class is which verb (any of its forms, each rare);
    by="form": the class is the tense (past or -ing) of one shared set of verbs, which lemmas erase."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        label = "ab"[i % 2]
        if by == "lemma":
            word = str(rng.choice(FORMS[str(rng.choice(CLASSES[label]))].split()[1:]))  # never the base form
        else:
            word = FORMS[str(rng.choice(list(FORMS)))].split()[1 if label == "a" else 4]
        words = list(rng.choice(FILLER, size=6))
        words.insert(int(rng.integers(0, 6)), word)
        rows.append({"text": " ".join(words), "label": label})
    return pd.DataFrame(rows)


def _search(df: pd.DataFrame):
    y = pd.factorize(df["label"], sort=True)[0]
    space = rs.SearchSpace(views={"word": {"char_ngrams": []}}, C=[0.3], rules=["scores"], average=False, lemmas=True)
    return rs.search(df["text"].tolist(), {"label": (np.arange(len(df)), y)}, ModelSettings(), space, seed=1)


def test_lemmas_are_chosen_where_each_form_of_a_word_is_rare():
    res = _search(verbs(120, by="lemma"))
    plain, lemmas = res.candidates
    assert lemmas.view == "word (lemmas)" and lemmas.C == plain.C and lemmas.status == "evaluated"
    assert lemmas.score > plain.score + 0.1
    assert res.view == "word (lemmas)"


def test_lemmas_are_not_chosen_where_the_form_itself_tells_the_class():
    res = _search(verbs(120, by="form"))
    plain, lemmas = res.candidates
    assert plain.score > lemmas.score + 0.2
    assert res.view == "word"


def test_lemmatise_written_in_model_is_not_searched():
    space, fixed = search_space({}, ModelSettings())
    assert space.lemmas and "lemmatise" not in fixed
    for section in ({"lemmatise": False}, {"lemmatise": True}):
        space, fixed = search_space(section, ModelSettings(**section))
        assert not space.lemmas and "lemmatise" in fixed


def test_a_model_trained_with_lemmas_reads_lemmas_when_it_scores(tmp_path, monkeypatch):
    from rca.model.store import load_model

    monkeypatch.setattr("rca.model.recipe._static_model", lambda: None)
    df = verbs(160, by="lemma", seed=2)
    cfg = config_from_dict({"seed": 2, "tracking": {"enabled": False}, "model": {"baselines": False, "char_ngrams": []}})
    res = train_models(df, targets=["label"], model_dir=tmp_path / "m", config=cfg)
    rec = res.metrics["label"]["recipe"]
    assert rec["lemmatise"] is True and rec["view"] == "word (lemmas)"
    bundle = load_model(tmp_path / "m")
    # the saved featuriser lemmatises what it scores ("went" -> "go"), so its vocabulary must have been learnt
    # from lemmas too: the base forms never occur in the training texts
    pred = bundle.predict(["please help me it went wrong", "please help me it was flown today"], targets=["label"])["label"]
    assert pred.labels == ["a", "b"]
