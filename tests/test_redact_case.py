"""Names are redacted whatever their case: in capitals, in lower case, and in the shouted sentence of an
otherwise ordinary text; after relation, introducer and title cues; while ordinary words in capitals
stay. The same redaction feeds `rca redact`, the model's past cases and the evidence words."""

from __future__ import annotations

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
    planted = ["MY DAUGHTER ZENOBIA WAS SCARED BY A MAN CALLED DAVE", "my daughter zenobia... a man called dave"]
    cases["text"] = [f"{t} {planted[i % 2]}" for i, t in enumerate(cases["text"].fillna(""))]
    model_dir = tmp_path / "model"
    train_models(cases, model_dir=model_dir, config=Config(seed=3), recipe="fast")
    past = pd.read_parquet(model_dir / "cases.parquet")["text_redacted"].str.lower()
    assert not past.str.contains(r"\b(?:zenobia|dave)\b").any()
    bundle = load_model(model_dir)
    evidence = [
        w
        for t in bundle.targets
        for w in bundle.evidence(planted[0] + " " + planted[1], t, bundle.predict([planted[0]])[t].labels[0], k=20)
    ]
    assert not [w for w in evidence if "zenobia" in w.lower() or "dave" in w.lower()]
