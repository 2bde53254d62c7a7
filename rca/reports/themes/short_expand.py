"""More short answers, learnt from the short answers the data already has.

`short.short_answers` finds the answers that name no subject by their form
("nothing", "all good", "Nothing - the staff were great"). Many answers of the
same kind use a content word: "Excellent service", "No improvement required",
"I wouldn't change anything", "Can't fault it". They are found in two steps,
both read from the texts themselves, with no list of phrases:

1. praise: the adjectives the data's own short answers add after their
   opening ("Nothing - staff were **great**", in at least `min_repeats`
   texts) mark an answer as short when at least half of its content words
   are words those answers use and one is such an adjective
   ("Excellent service", "Staff were brilliant");
2. wording: a logistic regression learns short answers from the rest,
   first by their function words alone ("nothing", "can't", "think",
   "anything"; content words would tell it only that short answers have
   none), then by all their words, each round from the short answers found
   so far. The known short answers are a sample of all of them, so a text's
   chance of being one is its predicted chance divided by the mean predicted
   chance of the known ones (Elkan & Noto, 2008, learning from positive and
   unlabelled data, out-of-fold); a text joins when that is above one half
   and it has at most `max_words` content words (the common short answer's
   own limit). Rounds stop when one adds nothing, or after `rounds`.

An answer that names a subject stays with its subject ("Nothing, but parking
at the hospital is a nightmare at night" has more than `max_words` content
words). The step runs only when the plain short answers are numerous enough
to be a theme of their own, so complaint letters, which hardly ever say just
"nothing", are left alone.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from rca.reports.themes.naming import adjectives


def _given(terms: list[str]) -> list[str]:
    return terms


def praise_answers(content: list[list[str]], short: np.ndarray, *, min_repeats: int = 3) -> np.ndarray:
    """Texts (not yet short) whose content words are mostly words the short answers use, one of them an adjective."""
    with_words = [set(content[i]) for i in np.flatnonzero(short) if content[i]]
    used = Counter(w for ws in with_words for w in ws)
    said = {w for w, n in used.items() if n >= min_repeats}
    praise = said & adjectives()
    out = np.zeros(len(content), dtype=bool)
    if not praise:
        return out
    for i, c in enumerate(content):
        if not short[i] and c and sum(w in said for w in c) >= 0.5 * len(c) and any(w in praise for w in c):
            out[i] = True
    return out


def _chance(docs: list[list[str]], known: np.ndarray, seed: int) -> np.ndarray:
    """Out-of-fold P(short | words) / mean over the known short answers (positive-unlabelled calibration)."""
    try:
        X = CountVectorizer(analyzer=_given, binary=True, min_df=3).fit_transform(docs)
    except ValueError:  # no word in 3 texts
        return np.zeros(len(docs))
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    g = cross_val_predict(LogisticRegression(solver="liblinear", random_state=seed), X, known, cv=folds, method="predict_proba")[:, 1]
    c = g[known].mean()
    return g / c if c > 0 else np.zeros(len(docs))


def more_short_answers(
    words: list[list[str]],
    content: list[list[str]],
    short: np.ndarray,
    stop: frozenset[str],
    *,
    min_repeats: int = 3,
    max_words: int = 3,
    rounds: int = 5,
    seed: int = 42,
) -> np.ndarray:
    """The short answers `short` plus those found like them (see the module's docstring).

    `words`: each text's word tokens (all of them); `content`: its content words; `short`: the plain short answers."""
    short = np.asarray(short, dtype=bool)
    has = np.array([bool(w) for w in words])
    idx = np.flatnonzero(has)
    if short[idx].sum() < 10 or (~short[idx]).sum() < 10:  # too few of either to learn from
        return short.copy()
    cur = short | praise_answers(content, short, min_repeats=min_repeats)
    few = np.array([len(c) <= max_words for c in content])
    function = [[w for w in words[i] if w in stop or len(w) <= 1] for i in idx]
    every = [words[i] for i in idx]
    for r in range(rounds):
        p = np.zeros(len(words))
        p[idx] = _chance(function if r == 0 else every, cur[idx], seed)
        new = has & ~cur & few & (p > 0.5)
        if not new.any():
            break
        cur |= new
    return cur
