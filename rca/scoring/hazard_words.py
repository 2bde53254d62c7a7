"""Words as the intake flags compare them: a text's clauses, each word with its lemma, and the kinds
of words the rules look for (`rca.scoring.hazard_kinds`, `rca.scoring.hazard_cues`).

A sentence is split into clauses and words; each word is reduced to its lemma (spaCy's English
lookup table, as `rca.text.prepare` does: "dripping" -> "drip", "children" -> "child"). A kind of
word matches a lemma sequence ("light fitting") unless it is followed by a word that makes it
something else ("light rain"), and, as the kind asks, only when negated ("not" ... "working") or
only when not. A clause says its hazard was dealt with when it says "fixed", "repaired", "made
safe" and not "to be fixed" or "nobody has fixed it".

>>> [t.lemma for t in tokens("The children were dripping")[0]]
['the', 'child', 'be', 'drip']
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from rca.text.prepare import lemmatise

EMERGENCY, SIGNIFICANT, SAFEGUARDING = "emergency_hazard", "significant_hazard", "safeguarding"
LEAK, CRACKS, TOILET_RULE = "leak or water coming in", "cracks in walls or ceiling", "broken toilet or no washing facilities"
FALL_HAZARD = "fall hazard: stairs, steps, handrail or floor"

_TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*|\d+")
_CLAUSE_END = re.compile(r"[.!?;\n]+|\s[-–—]\s|,?\s+(?=but\b|although\b|though\b|however\b)", re.IGNORECASE)
_NEGATORS = frozenset({"no", "not", "never", "without", "nor", "cannot", "nobody", "nothing", "none", "neither", "noone"})
_NOT_NEGATING = frozenset({"idea", "one", "doubt", "matter", "sooner", "longer", "only", "just", "sure", "wonder"})
_MODAL_BEFORE_FIX = frozenset(
    "to will would should could must might may promise supposed try come going need needs meant asked ask waiting wait get "
    "never still yet nobody no not cannot before until if unless since after when stop keep want wanted like hope expect".split()
)
_NOT_YET = frozenset({"to", "will", "would", "should", "must", "need", "needs", "please", "until", "before", "if"})
_FIXED = frozenset(
    {
        "fixed",
        "repaired",
        "sorted",
        "resolved",
        "replaced",
        "restored",
        "mended",
        "cleared",
        "capped",
        "isolated",
        "sealed",
        "cleaned",
        "treated",
        "filled",
        "patched",
        "repointed",
    }
)


@dataclass(frozen=True)
class Token:
    word: str  # lower case
    lemma: str
    start: int
    end: int


def _negator(clause: tuple[Token, ...], i: int) -> bool:
    """Word i negates what follows ("no", "not", "won't"), unless it is "no idea", "not only"..."""
    tok = clause[i]
    if not (tok.lemma in _NEGATORS or tok.word.endswith("n't")):
        return False
    return i + 1 >= len(clause) or clause[i + 1].lemma not in _NOT_NEGATING


def _phrases(items: str) -> tuple[tuple[str, ...], ...]:
    """Lemma sequences from comma-separated phrases ("light fitting, bulb" -> (("light", "fitting"), ("bulb",)))."""
    return tuple(tuple(lemmatise(w.lower()) for w in item.split()) for item in items.split(",") if item.strip())


@dataclass(frozen=True)
class Kind:
    """A kind of word: lemma sequences, words that must not follow the match, and whether the match must be negated."""

    phrases: tuple[tuple[str, ...], ...]
    not_followed_by: frozenset[str] = frozenset()
    negated: bool | None = False  # True: only when negated ("not" ... "work"); None: either way
    # the phrases by their first lemma, and the one-word phrases by their plural typed without an apostrophe ("babys"),
    # each with its place in the longest-first order `find_reference` tries them in
    by_first: dict = field(init=False, repr=False, compare=False, hash=False)
    by_plural: dict = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        by_first: dict[str, list] = {}
        by_plural: dict[str, list] = {}
        for rank, seq in enumerate(sorted(self.phrases, key=len, reverse=True)):
            by_first.setdefault(seq[0], []).append((rank, seq))
            if len(seq) == 1:
                by_plural.setdefault(seq[0] + "s", []).append((rank, seq))
        object.__setattr__(self, "by_first", {w: tuple(v) for w, v in by_first.items()})
        object.__setattr__(self, "by_plural", {w: tuple(v) for w, v in by_plural.items()})


def kind(*items: str, not_followed_by: str = "", negated: bool | None = False) -> Kind:
    """A kind from comma-separated phrases (several strings are joined)."""
    return Kind(_phrases(",".join(items)), frozenset(lemmatise(w) for w in not_followed_by.split()), negated)


@functools.lru_cache(maxsize=64)
def tokens(text: str) -> tuple[tuple[Token, ...], ...]:
    """The text's clauses, each its words with their lemmas and places (cached: the phrase rules ask per match)."""
    out, start = [], 0
    for m in list(_CLAUSE_END.finditer(text)) + [None]:
        end = m.start() if m else len(text)
        words = []
        for w in _TOKEN.finditer(text[start:end]):
            low = w.group(0).lower().replace("’", "'")
            bare = low[:-2] if low.endswith("'s") and len(low) > 3 else low  # "my baby's room": the baby
            words.append(Token(low, lemmatise(bare), start + w.start(), start + w.end()))
        if words:
            out.append(tuple(words))
        start = m.end() if m else len(text)
    return tuple(out)


def negated_before(clause: tuple[Token, ...], i: int, reach: int = 4) -> bool:
    return any(_negator(clause, x) for x in range(max(0, i - reach), i))


_FINE_SINCE = re.compile(r"\b(?:no (?:more )?(?:issues|problems?|trouble) since|been fine (?:ever )?since|nothing to worry about)\b")


def _fixed_in(clause: tuple[Token, ...]) -> bool:
    """The clause says the hazard was dealt with ("was fixed", "has been repaired"), not that it should be."""
    if _FINE_SINCE.search(" ".join(t.word for t in clause)):  # "we had a gas leak last year, no issues since"
        return True
    for i, t in enumerate(clause):
        again = i + 1 < len(clause) and clause[i + 1].word in {"again", "now", "fine"}
        made_safe = t.word == "made" and any(x.word == "safe" for x in clause[i + 1 : i + 4])  # "made everything safe"
        again = again or (t.word == "back" and i + 1 < len(clause) and clause[i + 1].word == "on")  # "the water is back on"
        back = t.lemma in {"work", "working", "back"} and again and not (i and clause[i - 1].lemma in {"stop", "keep"})
        safe_now = t.word == "safe" and i and clause[i - 1].word in {"all", "now", "completely"} or (t.word == "safe" and again)
        safe_now = safe_now or (
            t.word in {"fine", "dry", "ok", "okay"} and again and i and clause[i - 1].lemma in {"be", "all"}
        )  # "are fine now"
        which_is_fine = t.word in {"fine", "ok", "okay"} and " ".join(x.word for x in clause[max(0, i - 2) : i]) in {
            "which is",
            "that is",
            "that's",
        }
        safe_now = safe_now or which_is_fine  # "the heating is off, which is fine (in summer)"
        filled_up = t.word == "filled" and i + 1 < len(clause) and clause[i + 1].word in {"up", "with"}  # "filled up with water"
        if (t.word in _FIXED and not filled_up) or made_safe or back or safe_now:
            before = {x.lemma for x in clause[max(0, i - 4) : i] if x.word != "came"}  # "came and fixed it": done
            stops = _NOT_YET if made_safe else _MODAL_BEFORE_FIX  # "came and made it safe": "came" is no modal here
            if not (before & stops) and not negated_before(clause, i, reach=3):
                return True
    return False


def find(k: Kind, clause: tuple[Token, ...]) -> list[tuple[int, int]]:
    """(first, last+1) word places of each match of kind `k` in the clause, longest first where two overlap.

    Only the phrases that start with a word's lemma (or whose plural the word is) are tried there, in the order
    `find_reference` tries every phrase: the same matches, without comparing each phrase at each word."""
    found = []
    lemmas = [t.lemma for t in clause]
    by_first, by_plural = k.by_first, k.by_plural
    for i in range(len(clause)):
        cands = by_first.get(lemmas[i], ())
        more = by_plural.get(clause[i].word)
        if more:
            cands = sorted(set(cands) | set(more))
        for _, seq in cands:
            j = i + len(seq)
            plural = len(seq) == 1 and clause[i].word == seq[0] + "s"
            if (tuple(lemmas[i:j]) == seq or plural) and (j >= len(clause) or lemmas[j] not in k.not_followed_by):
                if k.negated is not None and k.negated != negated_before(clause, i):
                    continue
                if k.negated:  # the words shown start at the negation ("not" ... "worked")
                    i = max(x for x in range(max(0, i - 4), i) if _negator(clause, x))
                if not found or i >= found[-1][1]:
                    found.append((i, j))
                break
    return found


def find_reference(k: Kind, clause: tuple[Token, ...]) -> list[tuple[int, int]]:
    """`find` by trying every phrase at every word: the plain statement of what `find` does, which tests compare it with."""
    found = []
    lemmas = [t.lemma for t in clause]
    for i in range(len(clause)):
        for seq in sorted(k.phrases, key=len, reverse=True):
            j = i + len(seq)
            plural = len(seq) == 1 and clause[i].word == seq[0] + "s"  # "babys room": no apostrophe, still the baby
            if (tuple(lemmas[i:j]) == seq or plural) and (j >= len(clause) or lemmas[j] not in k.not_followed_by):
                if k.negated is not None and k.negated != negated_before(clause, i):
                    continue
                if k.negated:  # the words shown start at the negation ("not" ... "worked")
                    i = max(x for x in range(max(0, i - 4), i) if _negator(clause, x))
                if not found or i >= found[-1][1]:
                    found.append((i, j))
                break
    return found


def dealt_with(clauses: tuple[tuple[Token, ...], ...], n: int) -> bool:
    """Clause n says its hazard was dealt with, or the next clause does ("the ceiling was bowing but they fixed it")."""
    nxt = clauses[n + 1] if n + 1 < len(clauses) else None
    joined = nxt and nxt[0].lemma in {"but", "although", "though", "however"} and nxt[0].start - clauses[n][-1].end < 4
    return _fixed_in(clauses[n]) or bool(joined and _fixed_in(nxt))


INFORMATION = re.compile(
    r"\b(?:leaflets?|website'?s?|web ?pages?|newsletters?|posters?|adverts?|information (?:pack|about|on|regarding)|phone number|"
    r"helpline number)\b",
    re.IGNORECASE,
)


def _clause_at(text: str, start: int) -> int | None:
    return next((i for i, c in enumerate(tokens(text)) if c[0].start <= start <= c[-1].end), None)


def about_information(text: str, start: int) -> bool:
    """The sentence holding text[start] is about a leaflet, a web page or a phone number, not a hazard in the home."""
    n = _clause_at(text, start)
    clause = tokens(text)[n] if n is not None else None
    return clause is not None and bool(INFORMATION.search(text[clause[0].start : clause[-1].end]))


def resolved(text: str, start: int) -> bool:
    """The clause holding text[start] says its hazard was dealt with (for the phrase rules of `rca.scoring.hazards`)."""
    n = _clause_at(text, start)
    return n is not None and dealt_with(tokens(text), n)
