"""Short answers are found from the data's own whole answers; re-weighting rounds refine one grouping."""

from __future__ import annotations

import numpy as np
from test_themes_finder import corpus

from rca.reports.themes import ThemeFinder
from rca.reports.themes import finder as finder_mod
from rca.reports.themes.short import short_answers
from rca.reports.themes.text import stop_words


def test_an_answer_opening_with_a_common_short_answer_is_short():
    texts = [
        "nothing",
        "Nothing.",
        "nothing!",
        "Nothing - the staff were great",
        "Nothing, all lovely",
        "Nothing, but parking at the hospital is a nightmare every night",
        "the bin was not collected",
    ]
    got = short_answers(texts, stop_words()).tolist()
    assert got == [True, True, True, True, True, False, False]


def test_an_opening_nobody_gives_as_a_whole_answer_is_not_short():
    # "Dear Sir," is all stop words, but no text is "Dear Sir" and nothing else
    texts = ["Dear Sir, my bin was missed", "Dear Sir, rent", "Dear sir, parking"] * 3 + ["nothing"] * 3
    got = short_answers(texts, stop_words())
    assert not got[:9].any() and got[9:].all()
    # the opening counts only when it is given as a whole answer at least min_repeats times
    assert not short_answers(["nothing", "nothing", "Nothing - lovely staff"], stop_words())[2]
    assert short_answers(["nothing", "nothing", "Nothing - lovely staff"], stop_words(), min_repeats=2)[2]


def test_praise_after_nothing_joins_the_short_answers_theme():
    texts, _ = corpus()
    short = ["nothing", "all good", "nothing at all", "n/a"] * 6
    praise = ["Nothing - the staff were lovely", "Nothing, excellent", "Nothing. Brilliant team"] * 3
    tf = ThemeFinder(n_themes=5, random_state=3).fit(texts + short + praise)
    lab = tf.labels_[len(texts) :]
    assert len(set(lab)) == 1 and lab[0].startswith("Short answers")


def test_each_reweighting_round_starts_from_the_previous_grouping(monkeypatch):
    inits = []

    class Recording(finder_mod.KMeans):
        def fit(self, X, y=None, sample_weight=None):
            inits.append(self.init if isinstance(self.init, np.ndarray) else None)
            return super().fit(X, y, sample_weight)

    monkeypatch.setattr(finder_mod, "KMeans", Recording)
    texts, _ = corpus()
    ThemeFinder(n_themes=4, random_state=3, rounds=3, n_quotes=0).fit(texts)
    assert len(inits) == 4 and inits[0] is None
    assert all(i is not None and i.shape[0] == 4 for i in inits[1:])
