"""The recipe search's last step, lemmas, and its time estimate (`rca.model.recipe_search` runs them).

After successive halving has chosen the best feature view and C on every training row, the search
tries that one candidate once more on lemmatised texts (spaCy's English lookup lemmas,
`rca.text.prepare.lemmatise`: "bins were not collected" reads "bin be not collect"). Lemmas pool
the inflections of a word, which helps where the rows are few for the words used (long narratives
in many codes) and costs a little where the words already repeat; the cross-validation on the
same folds decides, and the simpler recipe (no lemmas) wins ties. One extra candidate, not a
doubled portfolio: the view and C are those already chosen.

>>> space = type("S", (), {"views": {"word": {"char_ngrams": []}}, "lemmas": True})()
>>> lemma_view(space, "word"), space.views["word (lemmas)"]
('word (lemmas)', {'char_ngrams': [], 'lemmatise': True})
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

LEMMAS = " (lemmas)"


def lemma_view(space: Any, view: str) -> str:
    """Add `view` read on lemmatised texts to the search space (last, so ties go to the plain view); its name."""
    name = view + LEMMAS
    space.views.setdefault(name, {**space.views[view], "lemmatise": True})
    return name


def lemma_candidates(cands: list, space: Any, r: int, evaluate: Callable, affordable: Callable) -> list:
    """The best single-classifier candidate of round `r`, cross-validated again on lemmatised texts."""
    final = [c for c in cands if c.status == "evaluated" and c.round == r and c.word_C is None]
    if not getattr(space, "lemmas", False) or not final:
        return []
    best = max(final, key=lambda c: c.score)
    if space.views[best.view].get("lemmatise"):
        return []
    c = type(best)(lemma_view(space, best.view), best.C)
    if affordable(c, r):
        evaluate(c, r, space.rules)
    return [c]


def estimate_seconds(c: Any, cands: list, r: int, feature_seconds: dict[str, float]) -> float:
    """Seconds a candidate should take, from those already measured (same view and round first)."""
    same = [x.seconds for x in cands if x.status == "evaluated" and x.round == r and x.view == c.view]
    if same:
        return float(np.mean(same))
    anyr = [x.seconds for x in cands if x.status == "evaluated" and x.round == r]
    prev = [x.seconds for x in cands if x.view == c.view and x.status in ("evaluated", "dropped") and x.round < r]
    est = float(np.mean(anyr)) * 2 if anyr else (float(np.mean(prev)) * 4 if prev else 0.0)
    if c.view not in feature_seconds:
        est += 2 * max(feature_seconds.values(), default=0.0)
    return est
