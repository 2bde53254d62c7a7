"""Names are redacted whatever their case: in capitals, in lower case, and in the shouted sentence of an
otherwise ordinary text; after relation, introducer and title cues; while ordinary words in capitals
stay. The same redaction feeds `rca redact`, the model's past cases and the evidence words."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from typer.testing import CliRunner

from rca.cli.main import app
from rca.text.redact import find_pii, redact
from rca.text.redact_case import truecased


@pytest.mark.parametrize(
    "text,names",
    [
        ("MY DAUGHTER ELLA WAS FRIGHTENED BY A MAN CALLED DAVE", ["ELLA", "DAVE"]),
        ("my daughter ella was frightened by a man called dave", ["ella", "dave"]),
        ("My daughter ella was frightened by a man called dave.", ["ella", "dave"]),
        ("I SPOKE TO MRS OKAFOR AND THEN OFFICER BRENNAN", ["OKAFOR", "BRENNAN"]),
        ("i spoke to okonkwo at the depot", ["okonkwo"]),
        ("my neighbour kwabena keeps dumping rubbish", ["kwabena"]),
        ("a lady named siobhan took my details", ["siobhan"]),
        ("mr adeyemi never rang back", ["adeyemi"]),
        ("The parking app failed. I WANT THIS SORTED NOW. MY DAD KWAME IS DISABLED.", ["KWAME"]),
        ("MY SON JACK AND MY HUSBAND TOMASZ CANNOT SLEEP FOR THE NOISE", ["JACK", "TOMASZ"]),
        ("LISA FROM THE COUNCIL SAID SOMEONE WOULD COME", ["LISA"]),
    ],
)
def test_names_in_capitals_or_lower_case_are_redacted(text, names):
    out = redact(text)
    for name in names:
        assert name not in out.split() and name not in out, (text, out)
    assert out.count("[NAME]") >= len(names)


@pytest.mark.parametrize(
    "text",
    [
        "THE BIN WAS NOT COLLECTED ON MONDAY",
        "THE STREET LIGHTS ON VICTORIA STREET HAVE BEEN OUT FOR WEEKS",
        "my heating has not ben working for months",
        "the stairwell on st anne's court estate is filthy",
        "my wife broke her leg on the pavement outside",
        "the officer said it would be done by friday",
        "my mum has ms and cannot manage the stairs",
        "I SPOKE TO THE MANAGER AND TO CUSTOMER SERVICES TWICE",
        "MY DAUGHTER IS SCARED OF THE DOG NEXT DOOR",
        "COULD SOMEONE CONTACT ME BACK. IF THIS ISNT SORTED I'LL GO TO MY COUNCILLOR.",
        "the rent is too high and the repairs never get done",
    ],
)
def test_ordinary_words_in_any_case_are_left_alone(text):
    assert redact(text) == text


@pytest.mark.parametrize(
    "text,names",
    [
        # names that are also English words, after a relation, title, "called" or "named"
        ("MY SON WILL WAS SCARED BY THE DOG", ["WILL"]),
        ("my son will was scared by the dog", ["will"]),
        ("a man called will came round and shouted", ["will"]),
        ("a lady called rose came round", ["rose"]),
        ("A LADY CALLED ROSE TOOK MY DETAILS", ["ROSE"]),
        ("a man named frank shouted at me", ["frank"]),
        ("I spoke to a man called Amrit and he said it would be sorted", ["Amrit"]),
        ("I was told by a man called Toy who said to wait", ["Toy"]),
        ("THE HOUSING OFFICER CALLED JADE SAID WE ARE BAND C", ["JADE"]),
        ("my housing officer is called tunde and he never rings back", ["tunde"]),
        ("mrs hill said it was my fault", ["hill"]),
        ("i spoke to mr green at the depot", ["green"]),
        ("Thanks, Mr Ward", ["Ward"]),
        ("MISS WARD RANG ME ON MONDAY", ["WARD"]),
        ("MR BAKER NEVER RANG BACK", ["BAKER"]),
        ("my husband mark cannot sleep", ["mark"]),
        ("nurse joy from the district team says the bed is unsafe", ["joy"]),
        ("i want to speak to mrs abbott's manager", ["abbott"]),
        ("my son kai's ehc plan review is overdue", ["kai"]),
        ("PLEASE PASS THIS TO CLLR HAMILTON", ["HAMILTON"]),
        ("MX TAYLOR FROM CUSTOMER SERVICES WAS LOVELY", ["TAYLOR"]),
        ("miss kowalczyk in revenues told me the arrears were cleared", ["kowalczyk"]),
        ("MR J. WALSH DID NOT TURN UP", ["WALSH"]),
        ("my dad (mr p hughes) is 92", ["hughes"]),
        ("If this isn't sorted I will go to my councillor.\n\nDr Kowalski", ["Kowalski"]),
        # a surname after a first name the capitals did not show
        ("YOUR OFFICER MRS SARAH JENKINS SAID SHE WOULD ESCALATE IT", ["SARAH", "JENKINS"]),
        ("my brother imran shah is the appointee", ["imran", "shah"]),
        ("THE MANAGER, MICHAEL BROWN, WOULD NOT SPEAK TO ME", ["MICHAEL", "BROWN"]),
        # a sign-off in capitals or lower case
        ("PLEASE SORT THIS OUT.\nREGARDS\nTOM", ["TOM"]),
        ("THE BINS WERE MISSED. CHEERS, MARK", ["MARK"]),
        ("thank you\nsam reid", ["sam", "reid"]),
        ("yours faithfully anne-marie doyle", ["anne-marie", "doyle"]),
    ],
)
def test_names_that_are_also_words_are_redacted_after_a_cue(text, names):
    out = redact(text)
    low = out.lower()
    for name in names:
        assert not re.search(rf"(?<![\w-]){re.escape(name.lower())}(?![\w-])", low), (text, out)


@pytest.mark.parametrize(
    "text",
    [
        "I will call you back tomorrow",
        "the rose bed in the park has been dug up",
        "there is a black mark on the wall where the pipe leaked",
        "the hill up to the estate is not gritted",
        "my son will be home at six",
        "MY SON WILL BE HOME AT SIX",
        "my wife will call you tomorrow",
        "MY HUSBAND WILL NOT BE ABLE TO ATTEND",
        "my neighbour will not stop parking across my drive",
        "someone called will ring you back they said",
        "I called several times and nobody answered",
        "I CALLED THE COUNCIL FOUR TIMES",
        "I called Thames Water and they said it is yours",
        "THE DR SAID THE DAMP IS MAKING HIM ILL",
        "the nurse came on monday",
        "I miss the old bin collection day",
        "you keep missing bins on our road",
        "MR BIN MAN, PLEASE STOP THROWING MY BIN INTO THE HEDGE.",
        "the ward was closed when we got to the hospital",
        "thanks for nothing",
        "THANKS AGAIN FOR YOUR HELP",
        "a road called Station Road has no lights",
        "the bins are still not collected, cheers mate",
    ],
)
def test_the_same_words_in_ordinary_use_stay(text):
    assert redact(text) == text


def test_only_the_name_goes_not_the_words_after_it():
    assert redact("MY DAUGHTER ELLA AGED 7 IS SCARED") == "MY DAUGHTER [NAME] AGED 7 IS SCARED"
    assert redact("my neighbour kwabena keeps dumping rubbish") == "my neighbour [NAME] keeps dumping rubbish"
    assert redact("MY SON JACK FELL ON THE STAIRS") == "MY SON [NAME] FELL ON THE STAIRS"
    assert redact("my brother imran shah is the appointee") == "my brother [NAME] is the appointee"


def test_the_cased_copy_keeps_every_offset():
    text = "MY DAUGHTER ELLA ßAW İT. a man called dave"
    cased = truecased(text, names=frozenset({"Ella", "Dave"}), english=frozenset(), stop=frozenset())
    assert cased is not None and len(cased) == len(text)
    for span in find_pii(text):
        assert span.kind == "NAME" and text[span.start : span.end].lower() in ("ella", "dave")


def test_rca_redact_command_redacts_capitals_and_lower_case(tmp_path):
    src = tmp_path / "cases.csv"
    pd.DataFrame(
        {
            "case_id": ["A1", "A2"],
            "text": ["MY DAUGHTER ELLA... A MAN CALLED DAVE", "my daughter ella... called dave"],
            "received": ["2024-04-02", "2024-04-03"],
        }
    ).to_csv(src, index=False)
    out = tmp_path / "redacted.csv"
    result = CliRunner().invoke(app, ["redact", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    texts = pd.read_csv(out)["text"].tolist()
    assert texts == ["MY DAUGHTER [NAME]... A MAN CALLED [NAME]", "my daughter [NAME]... called [NAME]"]


@pytest.mark.model
def test_past_cases_and_evidence_hold_no_name_in_capitals_or_lower_case(demo_small, tmp_path):
    from rca.config import Config
    from rca.model.store import load_model
    from rca.model.train import train_models

    cases = demo_small.cases.iloc[:400].copy()
    planted = [
        "MY DAUGHTER ZENOBIA WAS SCARED BY A MAN CALLED DAVE. MY SON WILL WAS TOO.",
        "my daughter zenobia... a man called dave, then a lady called rose and mrs hill",
    ]
    cases["text"] = [f"{t} {planted[i % 2]}" for i, t in enumerate(cases["text"].fillna(""))]
    model_dir = tmp_path / "model"
    train_models(cases, model_dir=model_dir, config=Config(seed=3), recipe="fast")
    past = pd.read_parquet(model_dir / "cases.parquet")["text_redacted"].str.lower()
    assert not past.str.contains(r"\b(?:zenobia|dave)\b").any()
    # names that are also words, after a cue: "will", "rose", "hill"
    assert not past.str.contains(r"\bson will was\b|\bcalled rose\b|\bmrs hill\b").any()
    assert (past.str.contains(r"my son \[name\] was too") | past.str.contains(r"a lady called \[name\] and mrs \[name\]")).all()
    bundle = load_model(model_dir)
    evidence = [
        w
        for t in bundle.targets
        for w in bundle.evidence(planted[0] + " " + planted[1], t, bundle.predict([planted[0]])[t].labels[0], k=20)
    ]
    assert not [w for w in evidence if "zenobia" in w.lower() or "dave" in w.lower()]
