"""Where a complaint's words stand: the thing complained about, or where and when it happened.

In "damp and mould in the bedroom has not been repaired" the problem is "damp
and mould"; "bedroom" only says where. A word (or two-word phrase) is a word of
place or time in a text when every use of it there is the object of a
preposition of place or time ("in the bedroom", "outside my own house", "on our
road", "at night"): the preposition, then only determiners, possessives,
adjectives and nouns up to the word. Theme names count a text for a term only
when the text uses it at least once otherwise (`head_terms`), so a theme is named
by what went wrong, not by the room, street or time it went wrong in. The
prepositions are English grammar's closed class of place and time, not words
chosen on any data set.

>>> a = Analyzer(stop_words(), base_stop_words())
>>> head_terms("damp and mould in the bedroom has not been repaired", a)
['damp', 'mould', 'repaired']
"""

from __future__ import annotations

from rca.reports.themes.naming import adjectives, is_noun
from rca.reports.themes.text import Analyzer, base_stop_words, clauses, stop_words  # noqa: F401  (the doctest)

# English prepositions of place and time (a closed word class): their objects say where or when, not what.
PLACE_TIME = frozenset(
    """
in on at inside outside near behind beside beneath under underneath above below opposite during since until till
throughout around across along within upstairs downstairs overnight
""".split()
)
# Words that may stand between such a preposition and its object ("in the back bedroom", "outside my own house").
DETERMINERS = frozenset("the a an my our your his her their its this that these those own every each some any".split())
_REACH = 4  # words between the preposition and its object, at most


def _placed(toks: tuple[str, ...], ok: list[bool]) -> list[bool]:
    """Per token: True when it is the object of a preposition of place or time: the preposition, then determiners,
    then adjectives and nouns, the token one of them ("in the back bedroom"; not "car" in "on the road damaged my
    car"). `ok`: the token is a word and not a function word; an adjective may be either ("back")."""
    adjs = adjectives()
    out = [False] * len(toks)
    for j, t in enumerate(toks):
        if t not in PLACE_TIME:
            continue
        i = j + 1
        while i < len(toks) and i - j <= _REACH and toks[i] in DETERMINERS:
            i += 1
        while i < len(toks) and i - j <= _REACH and toks[i] not in PLACE_TIME and (toks[i] in adjs or (ok[i] and is_noun(toks[i]))):
            out[i] = True
            i += 1
    return out


def head_terms(doc: str, analyzer: Analyzer, terms: list[str] | None = None) -> list[str]:
    """The terms `analyzer` gives for `doc` (words, phrases, name phrases) that `doc` uses at least once other than
    as the object of a preposition of place or time; a phrase is placed where its first word is. `terms`: the
    analyser's terms of `doc` when already known, returned as they are when `doc` has no such preposition."""
    parts = clauses(doc)
    if terms is not None and not any(PLACE_TIME.intersection(toks) for toks in parts):
        return terms
    out: dict[str, None] = {}
    for toks in parts:
        ok = [len(t) > 1 and t not in analyzer.stop for t in toks]
        near = [len(t) > 1 and t not in analyzer.phrase_stop for t in toks]
        placed = _placed(toks, near) if PLACE_TIME.intersection(toks) else [False] * len(toks)
        for i, t in enumerate(toks):
            if placed[i]:
                continue
            if ok[i]:
                out[t] = None
            if i + 1 < len(toks) and (ok[i] or ok[i + 1]) and near[i] and near[i + 1]:
                out[f"{t} {toks[i + 1]}"] = None
    return list(out)
