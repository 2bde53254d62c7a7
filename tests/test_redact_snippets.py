"""Redaction measured on the hand-labelled snippets (tests/data/redaction_snippets.jsonl):
recall of structured identifiers >= 0.95, names and addresses reported and held to
their measured level, and behaviour a caller relies on."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from rca.text.redact import PLACEHOLDERS, find_pii, redact, redact_many
from rca.text.redact_eval import evaluate

DATA = Path(__file__).parent / "data"
STRUCTURED = ("EMAIL", "PHONE", "POSTCODE", "NINO", "SORTCODE", "ACCOUNT", "DOB")


def _load(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text("utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def snippets() -> list[dict]:
    return _load("redaction_snippets.jsonl")


def test_the_labelled_set_is_big_varied_and_consistent(snippets):
    assert len(snippets) >= 300
    assert len({r["text"] for r in snippets}) == len(snippets)
    kinds = Counter(s["type"] for r in snippets for s in r["spans"])
    assert set(kinds) == set(PLACEHOLDERS)
    assert all(n >= 20 for n in kinds.values()), kinds
    assert sum(1 for r in snippets if not r["spans"]) >= 50  # text with numbers and capitals but no personal data
    for r in snippets:
        for s in r["spans"]:
            assert r["text"][s["start"] : s["end"]] == s["value"], r["id"]


@pytest.mark.parametrize("kind", STRUCTURED)
def test_structured_identifiers_recall_at_least_095(snippets, kind):
    m = evaluate(snippets)[kind]
    assert m["recall"] >= 0.95, m
    assert m["covered"] >= 0.95, m  # every character of the identifier is inside a placeholder
    assert m["precision"] >= 0.9, m


def test_names_and_addresses_hold_their_measured_level(snippets):
    m = evaluate(snippets)
    assert m["NAME"]["recall"] >= 0.9 and m["NAME"]["precision"] >= 0.9, m["NAME"]
    assert m["ADDRESS"]["recall"] >= 0.9 and m["ADDRESS"]["precision"] >= 0.9, m["ADDRESS"]


def test_unseen_holdout_snippets(snippets):
    """Written after the rules were frozen: the honest figure for text the rules never saw."""
    holdout = _load("redaction_snippets.holdout.jsonl")
    assert len(holdout) >= 60
    m = evaluate(holdout)
    for kind in STRUCTURED:
        if m[kind]["n"]:
            assert m[kind]["recall"] >= 0.9, (kind, m[kind])
    assert m["NAME"]["recall"] >= 0.7, m["NAME"]


def test_structured_values_never_survive_redaction(snippets):
    for r in snippets:
        out = redact(r["text"])
        for s in r["spans"]:
            if s["type"] in STRUCTURED:
                assert s["value"] not in out, (r["id"], out)


def test_placeholders_are_typed_and_text_around_them_kept():
    out = redact("Mr Henderson rang 07700 900123 about 14 Acacia Avenue, SW1A 1AA; NI QQ 12 34 56 C")
    assert out == "Mr [NAME] rang [PHONE] about [ADDRESS], [POSTCODE]; NI [NINO]"


def test_ordinary_complaint_text_is_left_alone():
    text = "Stage 2 reply due in 10 working days; band D; £150 refund; 3 missed collections since 12 May."
    assert redact(text) == text


def test_redaction_is_idempotent_and_safe_on_odd_input(snippets):
    for r in snippets[:200]:
        once = redact(r["text"])
        assert redact(once) == once
    assert redact("") == "" and redact(None) is None
    assert redact_many(["ring 020 7946 0958", float("nan")])[0] == "ring [PHONE]"
    assert find_pii("x" * 10_000) == []


@pytest.mark.parametrize(
    "text", ["Anything", "Everything.", "Comunication", "Nothiing", "Poor service. Comunication", "Nothing! Everything Ok", "Reponse times"]
)
def test_one_word_answers_and_misspelt_words_are_not_names(text):
    """Survey answers of one word, or a misspelt last word, were redacted as a name: 429 of 51,843 NHS comments
    held a [NAME], 96 of them from these (every one a false hit)."""
    assert redact(text) == text


@pytest.mark.parametrize(
    "text, name",
    [
        ("No reply. Bernadette", "Bernadette"),
        ("Bernadette", "Bernadette"),
        ("nobody rang back. Zorbulon", "Zorbulon"),
        ("Kind regards, Helen Marsh", "Helen Marsh"),
    ],
)
def test_a_name_closing_the_text_is_still_a_name(text, name):
    assert name not in redact(text) and "[NAME]" in redact(text)
