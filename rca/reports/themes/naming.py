"""Theme names: the commonest noun phrase specific to a theme.

A theme's name is chosen among the words and two-word phrases that the theme
holds more of than any other theme does and uses at least twice as often as
all texts do, by how many of its texts use them; a two-word phrase wins over a
single word when at least half as many texts use it, and "council tax" counts
as a phrase although "council" alone is a stop word. A second phrase is joined
with "and" only when it is nearly as common (three quarters) and mostly used by
other texts of the theme ("Bin and collection"; never "Planning and
application"). A name must read as a noun phrase: its last word is an English
noun (WordNet's noun list from `spacy-lookups-data`) and no word is only a verb
form ("called", "spoke"). Top terms are listed by p_in * log(lift). Names are
unique across themes.

Example::

    name_themes(X_binary, vocab, labels, k)   # ["Missed bin collection", "Parking permit", ...]
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache

import numpy as np
from scipy import sparse


@lru_cache(maxsize=1)
def _lexicon() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(nouns, verbs, adjectives) base forms; empty when spacy-lookups-data is missing (names then skip the noun check)."""
    try:
        from importlib.resources import files

        raw = (files("spacy_lookups_data") / "data" / "en_lemma_index.json.gz").read_bytes()
        index = json.loads(gzip.decompress(raw))
    except (ModuleNotFoundError, FileNotFoundError, OSError, ValueError):
        return frozenset(), frozenset(), frozenset()
    return frozenset(index.get("noun", ())), frozenset(index.get("verb", ())), frozenset(index.get("adj", ()))


def adjectives() -> frozenset[str]:
    """English adjectives (WordNet's list in `spacy-lookups-data`; empty when it is missing)."""
    return _lexicon()[2]


def _base(word: str, lex: frozenset[str]) -> bool:
    if word in lex:
        return True
    for suffix, repl in (("ies", "y"), ("es", ""), ("s", "")):
        if word.endswith(suffix) and word[: -len(suffix)] + repl in lex:
            return True
    return False


@lru_cache(maxsize=1 << 16)
def is_noun(word: str) -> bool:
    """True when `word` (or its singular) is an English noun in WordNet's list; True for every word when the list is
    missing, so nothing is lost without `spacy-lookups-data`."""
    nouns = _lexicon()[0]
    return not nouns or _base(word, nouns)


# Who a complaint is about or from ("my little boy", "my mum"): circumstance, never the subject of a theme.
PEOPLE = frozenset(
    """
boy boys girl girls son sons daughter daughters mum mom mother dad father wife husband partner child children kid kids baby
babies grandson granddaughter grandchildren aunt uncle nan gran grandmother grandfather little elderly pensioner
""".split()
)


def is_noun_phrase(term: str) -> bool:
    """True when `term` can be read as a noun phrase (its last word a noun; no word only a verb form; a single word
    that is not also an adjective; no word for a family member)."""
    nouns, verbs, adjs = _lexicon()
    if not nouns:
        return True
    words = term.split()
    if PEOPLE & set(words):
        return False
    if len(words) == 1 and words[0] in adjs:  # "great", "long", "little": a quality, not a subject
        return False
    if not _base(words[-1], nouns) or (words[-1].endswith("ed") and words[-1] not in nouns):
        return False
    for w in words[:-1]:
        if not (_base(w, nouns) or w in adjs or w.endswith("ed") or w.endswith("ing")):
            return False
    return True


def _term_shares(B: sparse.csr_matrix, labels: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(k x terms) each theme's count of texts using each term, that count as a share of the theme's texts, and
    that share over the term's share of all texts (its lift; 0 for a term no text uses)."""
    n = B.shape[0]
    member = sparse.csr_matrix((np.ones(n), (labels, np.arange(n))), shape=(k, n))
    inside = np.asarray((member @ B).todense(), dtype=np.float64)
    sizes = np.bincount(labels, minlength=k).astype(np.float64)[:, None]
    p_in = inside / np.maximum(sizes, 1)
    p_all = np.asarray(B.sum(axis=0), dtype=np.float64) / max(n, 1)
    lift = np.divide(p_in, p_all, out=np.zeros_like(p_in), where=p_all > 0)
    return inside, p_in, lift


def lift_scores(B: sparse.csr_matrix, labels: np.ndarray, k: int) -> np.ndarray:
    """(k x terms) p_in * log(lift) from a binary text x term matrix; 0 where the term is rarer in the theme."""
    _, p_in, lift = _term_shares(B, labels, k)
    return np.where(lift > 1, p_in * np.log(np.maximum(lift, 1e-12)), 0.0)


def name_scores(B: sparse.csr_matrix, labels: np.ndarray, k: int, *, min_lift: float = 2.0, heads=None) -> np.ndarray:
    """(k x terms) the share of a theme's texts using a term, where the theme holds more of the term's texts than any
    other theme and uses it at least `min_lift` times as often as all texts do; 0 elsewhere. A name is then the
    commonest phrase specific to its theme: "Council tax" for the theme that holds most of the texts about it.

    `heads` (same shape as `B`): the texts that use each term other than to say where or when
    (`rca.reports.themes.heads`); when given, a term's share counts only those texts, so "damp and mould in the
    bedroom" is named by "damp", not "bedroom"."""
    inside, p_in, lift = _term_shares(B, labels, k)
    owner = inside == inside.max(axis=0, keepdims=True)
    if heads is not None:
        p_in = _term_shares(heads, labels, k)[1]
    return np.where(owner & (lift >= min_lift), p_in, 0.0)


def pick_name(order: np.ndarray, scores: np.ndarray, vocab: np.ndarray, used: set[str], apart=None) -> str | None:
    """The best noun phrase not yet used (a phrase if it scores at least half the best single word), joined by
    "and" to the commonest one (a phrase among equals) that shares no word with it, scores at least three quarters as well and, when
    `apart(a, b)` is given, is mostly used by other texts than the first (`apart` is False when at least half of
    b's texts also use a: "planning application" is one subject, not "Planning and application")."""
    cands = []
    for i in order[:60]:
        if scores[i] <= 0:
            break
        t = vocab[i]
        if t not in used and is_noun_phrase(t):
            cands.append((float(scores[i]), t))
    if not cands:
        return None
    best = _phrase_first(cands)
    taken = set(best[1].split())
    second = [
        (sc, t)
        for sc, t in cands
        if sc >= 0.75 * best[0]
        and not taken & set(t.split())
        and best[1] not in t
        and t not in best[1]
        and (apart is None or apart(best[1], t))
    ]
    # the commonest; of those as common, a phrase ("roof repair", not "repair" beside it in every text)
    return f"{best[1]} and {max(second, key=lambda c: (c[0], ' ' in c[1]))[1]}" if second else best[1]


def _phrase_first(cands: list[tuple[float, str]]) -> tuple[float, str]:
    """The best phrase when it scores at least half the best single word ("leaking roof" over "roof"), else that word."""
    words = [c for c in cands if " " not in c[1]]
    phrases = [c for c in cands if " " in c[1]]
    return phrases[0] if phrases and (not words or phrases[0][0] >= 0.5 * words[0][0]) else (words or phrases)[0]


def top_terms(scores: np.ndarray, vocab: np.ndarray, n: int = 8) -> list[str]:
    order = np.argsort(-scores)
    return [vocab[i] for i in order[:n] if scores[i] > 0]


def name_themes(
    B: sparse.csr_matrix, vocab: np.ndarray, labels: np.ndarray, k: int, heads=None
) -> tuple[list[str], list[list[str]], list[float]]:
    """(a unique readable name per theme, its top terms by lift, the share of its texts using a phrase of its name);
    themes ordered as their ids 0..k-1. `heads`: see `name_scores`."""
    S = lift_scores(B, labels, k)
    N = name_scores(B, labels, k, heads=heads)
    names: list[str] = [""] * k
    used: set[str] = set()
    # the most distinctive themes choose first, so a shared phrase goes where it says most
    where = {t: i for i, t in enumerate(vocab)}
    B = sparse.csc_matrix(B)
    for j in sorted(range(k), key=lambda j: -S[j].max(initial=0)):
        order = np.argsort(-S[j])
        rows = labels == j

        def apart(a: str, b: str, rows=rows) -> bool:
            ua, ub = B[:, where[a]].toarray().ravel()[rows] > 0, B[:, where[b]].toarray().ravel()[rows] > 0
            return (ua & ub).sum() < 0.5 * max(ub.sum(), 1)

        name = pick_name(np.argsort(-N[j]), N[j], vocab, used, apart)
        name = name or next((vocab[i] for i in order[:20] if vocab[i] not in used and S[j][i] > 0), None)
        name = name or f"theme {j + 1}"
        used.update({name, *name.split(" and ")})
        names[j] = name[:1].upper() + name[1:]
    return names, [top_terms(S[j], vocab) for j in range(k)], name_cover(B, vocab, labels, names)


def name_cover(B: sparse.csr_matrix, vocab: np.ndarray, labels: np.ndarray, names: list[str]) -> list[float]:
    """Per theme, the share of its texts that use a phrase of its name ("Parking and blue badge": parking or blue badge)."""
    where = {t: i for i, t in enumerate(vocab)}
    B = sparse.csr_matrix(B)
    out = []
    for j, name in enumerate(names):
        cols = [where[p] for p in name.lower().split(" and ") if p in where]
        rows = np.flatnonzero(labels == j)
        if not cols or not len(rows):
            out.append(0.0)
            continue
        used = np.asarray(B[rows][:, cols].sum(axis=1)).ravel() > 0
        out.append(float(used.mean()))
    return out
