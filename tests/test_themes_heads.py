"""Words of place and time ("in the bedroom", "outside my house") are not what a theme is named by."""

from __future__ import annotations

from rca.reports.themes.heads import head_terms
from rca.reports.themes.text import Analyzer, base_stop_words, stop_words

A = Analyzer(stop_words(), base_stop_words())  # as the finder builds it


def test_the_object_of_a_preposition_of_place_is_not_a_head_term():
    doc = "damp and mould in the back bedroom has not been repaired"
    assert "bedroom" in A(doc)  # still a term the groups are found by
    heads = head_terms(doc, A)
    assert {"damp", "mould"} <= set(heads)
    assert "bedroom" not in heads and "back bedroom" not in heads


def test_a_word_counts_when_one_use_of_it_is_not_a_place():
    doc = "the bedroom window is broken, water comes in through the window in the bedroom"
    assert "bedroom" in head_terms(doc, A) and "bedroom window" in head_terms(doc, A)


def test_a_new_noun_phrase_after_a_verb_is_not_inside_the_place():
    heads = head_terms("pothole on the road damaged my car tyre", A)
    assert "road" not in heads
    assert {"pothole", "car tyre"} <= set(heads)
    assert "house" not in head_terms("parking ticket issued unfairly outside my own house", A)


def test_a_phrase_is_joined_rather_than_a_word_as_common():
    """Every roof text says 'leaking roof repair': 'repair' and 'leaking roof' are equally common; the name takes
    the phrase whatever the order of the vocabulary."""
    import numpy as np

    from rca.reports.themes.naming import pick_name

    for vocab in (["housing officer", "repair", "leaking roof"], ["housing officer", "leaking roof", "repair"]):
        scores = np.array([0.6, 0.5, 0.5])
        name = pick_name(np.argsort(-scores, kind="stable"), scores, np.array(vocab, dtype=object), set())
        assert name == "housing officer and leaking roof"


def test_known_terms_are_kept_when_no_place_is_said_and_recomputed_when_one_is():
    doc = "the bin was not collected"
    assert head_terms(doc, A, A(doc)) == A(doc)
    placed = "mould in the bedroom"
    assert "bedroom" not in head_terms(placed, A, A(placed))
