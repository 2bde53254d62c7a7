"""Answers like the data's own short answers join them, learnt from the texts: praise ("Excellent service") and
answers that use a content word to say there is nothing to say ("I wouldn't change anything")."""

from __future__ import annotations

import numpy as np
from test_themes_finder import corpus

from rca.reports.themes import ThemeFinder
from rca.reports.themes.short import short_answers
from rca.reports.themes.short_expand import more_short_answers, praise_answers
from rca.reports.themes.text import clauses, stop_words

STOP = stop_words()

PLAIN = ["nothing", "Nothing.", "nothing at all", "no", "can't think of anything", "nothing really", "all good", "none"]
OPENING = ["Nothing - the staff were great", "Nothing, all lovely", "Nothing. Staff were brilliant", "Nothing, great"]
SUBJECT = [
    "more staff on the ward at night",
    "the car parking is terrible",
    "shorter waiting times for appointments",
    "better food and more choice at meals",
    "the waiting room was too cold",
    "more information about my medication",
    "the nurses should explain things more",
    "quicker appointments with the doctor",
]


def _split(texts: list[str]) -> tuple[list[list[str]], list[list[str]]]:
    words = [[w for toks in clauses(t.lower()) for w in toks] for t in texts]
    return words, [[w for w in ws if len(w) > 1 and w not in STOP] for ws in words]


def _answers(extra: list[str]) -> list[str]:
    return PLAIN * 8 + OPENING * 3 + SUBJECT * 10 + extra


def test_praise_using_the_short_answers_adjectives_joins_them():
    extra = ["Great staff", "Brilliant", "the staff were great but the parking is terrible at night"]
    texts = _answers(extra)
    words, content = _split(texts)
    plain = short_answers(texts, STOP)
    assert not plain[-3:].any()  # the plain rules do not reach them
    got = praise_answers(content, plain)
    assert got[-3] and got[-2]
    assert not got[-1]  # mostly about parking: a subject, not praise
    assert not got[len(PLAIN) * 8 + len(OPENING) * 3 : -3].any()  # no subject answer joins


def test_answers_worded_like_the_short_answers_join_them():
    extra = ["I can't think of anything to improve", "nothing to change", "nothing really to improve at all"]
    texts = _answers(extra)
    words, content = _split(texts)
    plain = short_answers(texts, STOP)
    assert not plain[-3:].any()
    got = more_short_answers(words, content, plain, STOP, seed=42)
    assert got[-3:].all()
    assert not got[len(PLAIN) * 8 + len(OPENING) * 3 : -3].any()
    assert (got[plain]).all()  # the plain short answers stay


def test_nothing_is_learnt_from_too_few_short_answers():
    texts = ["nothing"] * 5 + SUBJECT * 10 + ["I can't think of anything to improve"]
    words, content = _split(texts)
    plain = short_answers(texts, STOP)
    got = more_short_answers(words, content, plain, STOP, seed=42)
    assert (got == plain).all()


def test_the_finder_puts_them_in_the_short_answers_theme():
    texts, _ = corpus()
    extra = ["Excellent service", "Great staff", "I can't think of anything to improve"] * 2
    answers = PLAIN * 4 + OPENING * 3 + extra
    tf = ThemeFinder(n_themes=5, random_state=3, n_quotes=0).fit(texts + answers)
    lab = tf.labels_[len(texts) :]
    assert all(x.startswith("Short answers") for x in lab), lab
    assert not any(x.startswith("Short answers") for x in tf.labels_[: len(texts)])
    assert np.isin(tf.assignment_, np.arange(1, 6)).all()
