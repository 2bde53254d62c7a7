"""The theme finder groups by subject, names themes as noun phrases, quotes without identifiers, and is stable
when a tenth of the texts changes."""

from __future__ import annotations

import re

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from rca.reports.themes import NO_TEXT, NoThemes, ThemeFinder
from rca.reports.themes.naming import is_noun_phrase
from rca.reports.themes.quotes import scrub
from rca.reports.themes.text import Analyzer, stop_words

SUBJECTS = {
    "bins": [
        "my bin was not collected again",
        "the recycling bin was missed on collection day",
        "missed bin collection for the third week",
        "the bin crew left rubbish all over the road",
        "garden waste bin not emptied",
        "our black bin has not been collected",
    ],
    "parking": [
        "I got a parking ticket outside my own house",
        "the parking permit I paid for never arrived",
        "unfair parking fine from the warden",
        "the parking warden gave me a ticket while loading",
        "my visitor parking permit was refused",
        "the parking meter was broken and I still got a fine",
    ],
    "damp": [
        "damp and mould in the bedroom is making my child ill",
        "black mould is growing on the bathroom wall",
        "the damp in the flat has not been repaired",
        "mould keeps coming back after the repair",
        "condensation and damp on every window",
        "the surveyor never came to look at the mould",
    ],
    "tax": [
        "my council tax bill is wrong",
        "I was charged council tax twice this month",
        "the council tax direct debit was taken early",
        "single person discount removed from my council tax",
        "council tax summons costs added unfairly",
        "the council tax refund never came",
    ],
}
TAILS = [
    "",
    " please sort it out",
    " this is the third time I have called",
    " I am very unhappy",
    " nobody called me back",
    " my mum is disabled",
    ", ref SR-6649610",
    ". I live at 14 Mill Lane",
    " and I want my £150 back",
]


def corpus(n_per: int = 30, seed: int = 0) -> tuple[list[str], list[str]]:
    rng = np.random.default_rng(seed)
    texts, y = [], []
    for subject, bank in SUBJECTS.items():
        for _ in range(n_per):
            texts.append(bank[rng.integers(len(bank))] + TAILS[rng.integers(len(TAILS))])
            y.append(subject)
    order = rng.permutation(len(texts))
    return [texts[i] for i in order], [y[i] for i in order]


def test_groups_a_small_corpus_by_subject_not_by_wording():
    texts, y = corpus()
    tf = ThemeFinder(n_themes=4, random_state=3).fit(texts)
    assert normalized_mutual_info_score(y, tf.assignment_) >= 0.8
    assert len(tf.labels_) == len(texts) and (tf.assignment_ >= 1).all()


@pytest.mark.model
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_two_overlapping_90_percent_subsamples_agree(seed):
    texts, _ = corpus(40, seed=seed)
    rng = np.random.default_rng(seed)
    n = len(texts)
    a = np.sort(rng.choice(n, int(0.9 * n), replace=False))
    b = np.sort(rng.choice(n, int(0.9 * n), replace=False))
    la = ThemeFinder(n_themes=4, random_state=42).fit([texts[i] for i in a]).assignment_
    lb = ThemeFinder(n_themes=4, random_state=42).fit([texts[i] for i in b]).assignment_
    both = np.intersect1d(a, b)
    ma, mb = dict(zip(a, la)), dict(zip(b, lb))
    assert adjusted_rand_score([ma[i] for i in both], [mb[i] for i in both]) >= 0.85


def test_names_are_noun_phrases_not_fragments():
    texts, _ = corpus()
    names = ThemeFinder(n_themes=4, random_state=3).fit(texts).themes_["theme"].tolist()
    assert len(set(names)) == 4
    for name in names:
        assert " / " not in name and len(name.split()) <= 5
        assert all(is_noun_phrase(part.lower()) for part in name.split(" and "))
    joined = " ".join(names).lower()
    assert "bin" in joined and "parking" in joined and ("mould" in joined or "damp" in joined) and "tax" in joined


def test_noun_phrase_check():
    assert is_noun_phrase("missed collection") and is_noun_phrase("parking permit")
    assert not is_noun_phrase("man called") and not is_noun_phrase("great")


def test_quotes_are_redacted_distinct_short_and_optional():
    texts, _ = corpus()
    tf = ThemeFinder(n_themes=4, random_state=3, n_quotes=3).fit(texts)
    assert len(tf.quotes_) >= 8
    for theme, g in tf.quotes_.groupby("theme"):
        assert g["quote"].is_unique
    for q in tf.quotes_["quote"]:
        assert not re.search(r"\d{4,}", q) and "£" not in q and "Mill Lane" not in q, q
        assert len(q) <= 162
    assert ThemeFinder(n_themes=4, random_state=3, n_quotes=0).fit(texts).quotes_.empty


def test_scrub_removes_references_amounts_dates_and_streets():
    out = scrub("Refund of £243.50 for SR-6649610 (REF 6083424, CRM6112850), sent 03/02/2024 to 12 Mill Lane")
    assert not re.search(r"\d{3,}", out) and "£" not in out and "Mill Lane" not in out
    assert scrub("band D, 10 working days") == "band D, 10 working days"
    assert "Mary" not in scrub("I received a parking ticket on St Mary's Road.")


def test_short_answers_are_one_honest_theme_and_no_text_is_not_a_theme():
    texts, _ = corpus()
    short = ["nothing", "all good", "no", "nothing at all", "n/a", "none", "nothing really", "it was all ok"] * 4
    tf = ThemeFinder(n_themes=5, random_state=3).fit(texts + short + ["", "   ", "12345"])
    lab = tf.labels_
    short_names = set(lab[len(texts) : len(texts) + len(short)])
    assert len(short_names) == 1 and next(iter(short_names)).startswith("Short answers")
    assert (lab[-3:] == NO_TEXT).all() and (tf.assignment_[-3:] == 0).all()
    assert NO_TEXT not in set(tf.themes_["theme"])
    biggest = tf.themes_.iloc[0]["theme"]
    assert not biggest.startswith("Other")


def test_phrases_stay_inside_a_clause_and_contractions_are_stop_words():
    terms = Analyzer(stop_words())("I raised it 2 weeks ago, ref CRM. I dont know, isnt it wrong? Missed bin collection")
    assert "ago ref" not in terms and "dont" not in terms and "isnt" not in terms
    assert "bin collection" in terms and "missed bin" in terms


def test_too_little_text_is_refused():
    with pytest.raises(NoThemes):
        ThemeFinder(n_themes=3).fit(["", "  "])
    with pytest.raises(NoThemes):
        ThemeFinder(n_themes=3).fit(["my bin was not collected"] * 40)
    with pytest.raises(ValueError):
        ThemeFinder(n_themes=0).fit(["a b c", "d e f"])


def test_scrub_removes_house_numbers_but_not_counts():
    assert scrub("i was never notified about the extension at number 21.") == "i was never notified about the extension at [ADDRESS]."
    assert scrub("Flat 3b is damp and No. 14 has rubbish") == "[ADDRESS] is damp and [ADDRESS] has rubbish"
    assert scrub("no 5 more days, I have 2 children") == "no 5 more days, I have 2 children"
