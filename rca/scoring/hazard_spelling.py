"""Spelling as residents type it, mended before the intake flags read a text.

Two repairs, both on single words: a contraction typed without its apostrophe ("dont",
"cant", "wont", "theres") gets it back, so a negation still reads as one; and a word no
English word list knows that is one typing slip (a letter missing, added, changed, or two
swapped) from exactly one word the rules look for becomes that word ("smel" -> "smell",
"heatin" -> "heating", "cockroches" -> "cockroaches", "moudl" -> "mould"). Known words are
never changed, so "fall" never becomes "fail" and "rates" never "rats". The word list is
the shipped embedding model's vocabulary (`rca.text.static_model`) and the inflected forms
of spaCy's English lemma table; the rule words come from `rca.scoring.hazard_kinds` and the
phrase rules' own words (`WORDS` below).

Searching nearby words in the shipped static embeddings (cosine similarity) was tried as a way
to widen the cue words, and not kept: a word's nearest neighbours mix synonyms with words that
would raise false flags ("gas" -> "petrol", "fuel", "air"; "heating" -> "cooling"; "sparks" ->
"sparkle"; "baby" -> "come", "stop"), and British words such as "mould", "electrics" and
"radiators" are not whole words of its vocabulary.

>>> normalise("THERES A GAS SMEL and the heatin dont work")
"THERE'S A GAS SMELL and the heating don't work"
>>> normalise("the rates fall due in April")
'the rates fall due in April'
"""

from __future__ import annotations

import functools
import re

from rca.scoring import hazard_kinds
from rca.scoring.hazard_words import Kind
from rca.text.prepare import lemmatise
from rca.text.static_model import SHIPPED, VOCAB

_WORD = re.compile(r"[A-Za-z]+")
_CONTRACTIONS = (
    {
        w: w[:-1] + "'" + w[-1]
        for w in "dont cant wont didnt doesnt isnt arent wasnt werent hasnt havent hadnt couldnt wouldnt shouldnt aint".split()
    }
    | {"theres": "there's", "ive": "i've", "im": "i'm", "hes": "he's", "shes": "she's", "theyre": "they're", "youre": "you're"}
    | {"lecky": "electric", "leccy": "electric", "elec": "electric"}
)
# words of the phrase rules (rca.scoring.hazard_patterns) a resident may mistype, beside the word kinds' own words
WORDS = (
    "smell smelling smells gas leaking leak leaks mould mouldy damp condensation heating boiler radiator radiators electrics "
    "electrical electricity socket sockets wiring wires sparking sparks ceiling collapsed collapsing sewage asbestos "
    "cockroaches cockroach infestation vermin rodents flooding flooded burst pouring pregnant asthma asthmatic elderly "
    "disabled dementia bronchitis pneumonia wheelchair pensioner carers suicide suicidal overdose abuse abused abusive "
    "neglect neglected exploited grooming violence violent domestic bruises bruised smoke alarm detector subsidence "
    "handrail banister staircase window windows toilet plaster crumbling sagging bulging shock shocks"
).split()


@functools.lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    """Whole words of the shipped embedding vocabulary (empty when this install lacks it)."""
    vocab = SHIPPED / VOCAB
    if not vocab.is_file():
        return frozenset()
    return frozenset(w for w in vocab.read_text("utf-8").split() if w.isalpha())


@functools.lru_cache(maxsize=1)
def _rule_words() -> frozenset[str]:
    """Every word of the word kinds and of `WORDS`: left as they are."""
    words = set(WORDS)
    for value in vars(hazard_kinds).values():
        if isinstance(value, Kind):
            words.update(w for phrase in value.phrases for w in phrase if w.isalpha())
    return frozenset(words)


@functools.lru_cache(maxsize=1)
def _targets() -> tuple[str, ...]:
    """The words a slip is mended to: `WORDS` and the word kinds' words of seven letters or more."""
    return tuple(sorted(w for w in _rule_words() if len(w) >= 7 or (w in WORDS and len(w) >= 5)))


def _one_slip(word: str, target: str) -> bool:
    """`word` is `target` typed with one slip: a letter missing, an extra letter (not at the end: "smoker" is no
    slip for "smoke"), two neighbours swapped, or, in a word of six letters or more, one letter changed. The first
    letter is never the slip ("hoist" is not "joist")."""
    if word == target or abs(len(word) - len(target)) > 1 or word[0] != target[0]:
        return False
    if len(word) == len(target):
        diff = [i for i in range(len(word)) if word[i] != target[i]]
        swapped = len(diff) == 2 and diff[1] == diff[0] + 1 and word[diff[0]] == target[diff[1]] and word[diff[1]] == target[diff[0]]
        return swapped or (len(diff) == 1 and len(word) >= 6)
    if len(word) > len(target) and word.startswith(target):
        return False
    short, long = (word, target) if len(word) < len(target) else (target, word)
    i = next((k for k in range(len(short)) if short[k] != long[k]), len(short))
    return short[i:] == long[i + 1 :]


@functools.lru_cache(maxsize=4096)
def _mend(word: str) -> str | None:
    """The rule word a lower-case word is a slip for, or None."""
    if word in _CONTRACTIONS:
        return _CONTRACTIONS[word]
    targets = _targets()
    if len(word) < 4 or word in _rule_words() or word in _known() or lemmatise(word) != word or not _known():
        return None
    near = {t for t in targets if _one_slip(word, t)}
    return near.pop() if len(near) == 1 else None


def normalise(text: str) -> str:
    """`text` with each mistyped rule word mended, in the case it was typed."""

    def fix(m: re.Match) -> str:
        word = m.group(0)
        new = _mend(word.lower())
        if new is None:
            return word
        return new.upper() if word.isupper() and len(word) > 1 else new.capitalize() if word[0].isupper() else new

    return _WORD.sub(fix, text)
