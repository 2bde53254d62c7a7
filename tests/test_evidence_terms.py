"""Evidence terms: whole words and phrases of the case's own text, found before punctuation
too, never across it, never stop words alone, never personal data."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from rca.scoring.evidence import spaced, top_contributions


def _evidence(text: str, names: list[str], weights: list[float], k: int = 5) -> list[str]:
    X = sp.csr_matrix(np.ones((1, len(names)), dtype=np.float32))
    coef = np.array([weights])
    return top_contributions(X, coef, np.array([0]), np.array(names, dtype=object), k=k, padded=[spaced(text)])[0]


def test_terms_before_a_full_stop_are_found():
    assert _evidence("My bin was not collected.", ["not collected", "bin"], [2.0, 1.0]) == ["not collected", "bin"]


def test_a_phrase_across_punctuation_is_not_shown():
    assert _evidence("It was not collected. Again, nothing", ["collected again", "nothing"], [2.0, 1.0]) == ["nothing"]


def test_stop_words_alone_and_placeholders_are_not_evidence():
    names = ["at the", "the", "pii_phone", "rude"]
    assert _evidence("he was rude at the desk, ring pii_phone", names, [5.0, 4.0, 3.0, 1.0]) == ["rude"]


def test_a_phrase_hides_the_words_inside_it_and_k_caps_the_list():
    names = ["collected", "not collected", "bin", "week"]
    got = _evidence("bin not collected this week", names, [4.0, 3.0, 2.0, 1.0], k=2)
    assert got == ["not collected", "bin"]
