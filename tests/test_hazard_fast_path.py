"""The intake flags' fast matching (phrases looked up by their first word, kinds skipped in a clause that has none of
their first words) flags exactly what trying every phrase at every word does, on every labelled text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rca.scoring import hazard_cues, hazard_kinds, hazard_spelling, hazard_words
from rca.scoring.hazards import flags

DATA = Path(__file__).parent / "data"
FILES = sorted(DATA.glob("intake_flags.*.jsonl"))


def _texts(files=FILES) -> list[dict]:
    return [json.loads(line) for f in files for line in f.read_text("utf-8").splitlines() if line.strip()]


def _kinds() -> list[hazard_words.Kind]:
    return [v for v in vars(hazard_kinds).values() if isinstance(v, hazard_words.Kind)]


def test_there_are_labelled_files_to_compare_on():
    assert len(FILES) >= 4 and len(_texts()) > 1000


def _compare_clauses(name: str) -> tuple[int, int]:
    kinds = _kinds()
    compared = differ = 0
    for rec in _texts([DATA / name]):
        for clause in hazard_words.tokens(hazard_spelling.normalise(rec["text"])):
            for k in kinds:
                fast, full = hazard_words.find(k, clause), hazard_words.find_reference(k, clause)
                assert fast == full, (rec["text"], [t.word for t in clause], k.phrases[:3])
                compared += 1
                differ += bool(full)
    return compared, differ


def test_find_matches_what_trying_every_phrase_finds_in_every_clause():
    compared, differ = _compare_clauses("intake_flags.holdout.jsonl")  # every kind in every clause: slow, one small file
    assert compared > 4_000 and differ > 200  # the comparison saw many matches, not only empty ones


@pytest.mark.fuzz
def test_find_matches_what_trying_every_phrase_finds_in_every_clause_of_a_larger_file():
    compared, differ = _compare_clauses("intake_flags.holdout3.jsonl")
    assert compared > 10_000 and differ > 200


def _same_flags_both_ways(monkeypatch, records: list[dict]) -> int:
    from rca.ingest.received import parse_received

    fast = [flags(r["text"], received=parse_received(r.get("received")), learnt=False) for r in records]
    monkeypatch.setattr(hazard_cues, "find", hazard_words.find_reference)
    monkeypatch.setattr(hazard_cues, "_may_match", lambda k, lemmas, words: True)
    full = [flags(r["text"], received=parse_received(r.get("received")), learnt=False) for r in records]
    for r, a, b in zip(records, fast, full):
        assert a == b, r["text"]
    return sum(bool(f) for f in full)


def test_flags_are_the_same_with_the_full_matching(monkeypatch):
    # the fast tier compares on one file; the fuzz tier below compares on every labelled text
    assert _same_flags_both_ways(monkeypatch, _texts([DATA / "intake_flags.holdout4.jsonl"])) > 100


@pytest.mark.fuzz
def test_flags_are_the_same_with_the_full_matching_on_every_labelled_text(monkeypatch):
    assert _same_flags_both_ways(monkeypatch, _texts()) > 500


@pytest.mark.parametrize(
    "words",
    [["the", "babys", "room"], ["no", "heating", "at", "all"], ["water", "drip", "into", "the", "light", "fitting"]],
)
def test_a_plural_typed_without_an_apostrophe_is_found_as_the_full_path_finds_it(words):
    clause = hazard_words.tokens(" ".join(words))[0]
    for k in _kinds():
        assert hazard_words.find(k, clause) == hazard_words.find_reference(k, clause)
