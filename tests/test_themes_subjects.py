"""Themes are found by what texts are about (their nouns), and named by the phrase most specific to each theme."""

from __future__ import annotations

import numpy as np
from scipy import sparse

from rca.reports.themes import ThemeFinder
from rca.reports.themes.naming import name_scores, pick_name
from rca.reports.themes.text import Analyzer, base_stop_words, stop_words


def test_the_subject_vector_reads_nouns_not_the_way_a_complaint_is_written():
    subjects = ["bin", "parking permit", "mould", "pothole"]
    manner = ["nobody called me back", "I was spoken to rudely", "it keeps happening and I am furious", "I waited in all day"]
    texts = [f"the {s} again, {m}" for s in subjects for m in manner for _ in range(3)]
    tf = ThemeFinder(n_themes=4, random_state=1, n_quotes=0).fit(texts)
    assert {"bin", "parking", "permit", "mould", "pothole"} <= set(tf.nouns_)
    assert not {"called", "spoken", "rudely", "furious", "waited", "happening"} & set(tf.nouns_)
    # every text of a subject lands in one theme, however it is written
    by_subject = {s: set(tf.assignment_[i * 12 : (i + 1) * 12]) for i, s in enumerate(subjects)}
    assert all(len(v) == 1 for v in by_subject.values()) and len(set.union(*by_subject.values())) == 4


def test_a_name_phrase_may_pair_a_subject_word_with_a_word_every_complaint_uses():
    plain = Analyzer(stop_words())("My council tax bill is wrong. Dear Sir, thank you")
    named = Analyzer(stop_words(), base_stop_words())("My council tax bill is wrong. Dear Sir, thank you")
    assert "council tax" not in plain and "council tax" in named
    assert "council" not in named  # alone, still a stop word
    assert "dear sir" not in named and "thank" not in named  # two such words make no phrase


def test_a_term_names_the_theme_that_holds_most_of_its_texts():
    labels = np.repeat([0, 1, 2], 6)
    B = np.zeros((18, 3))
    B[[0, 1, 2, 3, 6], 0] = 1  # term 0: 4 texts of theme 0, 1 of theme 1
    B[12:18, 1] = 1  # term 1: every text of theme 2, no other
    B[:, 2] = 1  # term 2: every text: specific to no theme
    N = name_scores(sparse.csr_matrix(B), labels, 3)
    assert N[0, 0] == 4 / 6 and N[1, 0] == 0 and N[2, 0] == 0
    assert N[2, 1] == 1.0 and N[0, 1] == N[1, 1] == 0
    assert N[:, 2].max() == 0


def test_and_joins_two_parts_of_a_theme_never_one_phrase_split_in_two():
    vocab = np.array(["planning", "application", "noise"], dtype=object)
    scores = np.array([0.30, 0.25, 0.24])
    order = np.argsort(-scores)
    assert pick_name(order, scores, vocab, set(), lambda a, b: b != "application") == "planning and noise"
    assert pick_name(order, scores, vocab, set(), lambda a, b: False) == "planning"
    assert pick_name(order, scores, vocab, set()) == "planning and application"


def test_the_finder_runs_on_one_blas_thread_and_keeps_no_text_after_a_fit(monkeypatch):
    from threadpoolctl import threadpool_info

    from rca.reports.themes.text import clauses

    seen = []
    cluster = ThemeFinder._cluster

    def spy(self, X, k):
        seen.extend(p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas")
        return cluster(self, X, k)

    monkeypatch.setattr(ThemeFinder, "_cluster", spy)
    texts = [
        f"the {s} again, {m}" for s in ["bin", "parking permit", "mould"] for m in ["nobody rang", "so rude", "again"] for _ in range(3)
    ]
    ThemeFinder(n_themes=3, random_state=1, n_quotes=0).fit(texts)
    assert seen and set(seen) == {1}
    assert clauses.cache_info().currsize == 0
