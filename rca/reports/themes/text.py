"""Text preparation for the theme finder: the words and phrases themes are found by.

A phrase is two neighbouring content words inside one clause: phrases never
cross punctuation ("2 weeks ago, ref CRM…" gives no "ago ref") nor a removed
stop word ("bin was not collected" gives no "bin collected"). Stop words are
scikit-learn's English list, words every complaint uses, and contractions
written without their apostrophe ("dont", "isnt", "ill").

>>> Analyzer(stop_words())("The bin was missed again, ref said. Missed bin collection!")
['bin', 'missed', 'missed', 'bin', 'collection', 'missed bin', 'bin collection']
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# Words every complaint uses: they name no subject.
DOMAIN_STOP = frozenset(
    """
council complaint complaints complain complaining complained please thank thanks dear sir madam regards would could also
still like just get got one now since back told asked said really even yet want wanted need needs know make made time times
day days week weeks month months year years today yesterday last going go went come came take taken put way well much many
lot able let say says tell sure ve ll don didn doesn isn wasn can cannot mr mrs ms miss dr mx name email phone postcode
address nino dob account sortcode thing things nothing anything something everything good ok okay yes hi hello ref reference
number regarding behalf writing wrote write concern whom faithfully sincerely think feel felt seen see look looking
help helped use used given give keep kept done doing getting trying tried happened happen happening called spoke rang
phoned emailed contacted reported raised promised sorted dealt expect expected understand hear heard
""".split()
)
# Contractions with the apostrophe dropped (or lost to a typo): "dont", "isnt", "ill", "im".
CONTRACTIONS = frozenset(
    """
dont isnt ill im ive youre cant wont didnt doesnt wasnt arent couldnt shouldnt wouldnt hasnt havent hadnt theyre thats
theres whats id hes shes lets weve youve youll theyll theyve wed youd theyd itll aint werent mustnt neednt heres whos
wheres ive iam
""".split()
)
PLACEHOLDER = re.compile(r"\[[A-Z]+\]")
_CLAUSE = re.compile(r"[.,;:!?()\[\]{}\"“”«»\n\r\t/\\|&+=*#<>~_–—-]+")
_TOKEN = re.compile(r"[a-z]+")
_APOSTROPHE = re.compile(r"['’`´]")
_LOWER_WORD = re.compile(r"[a-z][a-z'’]+")
_CAP_WORD = re.compile(r"\b[A-Z][A-Za-z'’]+")
_HAS_DIGIT = re.compile(r"\S*\d\S*")


def stop_words(extra=()) -> frozenset[str]:
    return frozenset(ENGLISH_STOP_WORDS) | DOMAIN_STOP | CONTRACTIONS | frozenset(w.lower() for w in extra)


@lru_cache(maxsize=None)
def clauses(doc: str) -> tuple[tuple[str, ...], ...]:
    """Lower-case word tokens of each clause (text between punctuation marks); cached, as the finder reads each
    text's clauses four times (words, short answers, terms, names): `ThemeFinder.fit` empties the cache when done."""
    doc = _APOSTROPHE.sub("", doc.lower())
    return tuple(tuple(toks) for seg in _CLAUSE.split(doc) if (toks := _TOKEN.findall(seg)))


class Analyzer:
    """Content words and two-word phrases of content words within one clause (for TfidfVectorizer).

    `phrase_stop` (names only): a phrase may also pair a content word with a word of `stop` that is not in
    `phrase_stop`, so "council tax" is a phrase although "council" alone is a stop word."""

    def __init__(self, stop: frozenset[str], phrase_stop: frozenset[str] | None = None) -> None:
        self.stop = stop
        self.phrase_stop = stop if phrase_stop is None else phrase_stop

    def __call__(self, doc: str) -> list[str]:
        terms, extra = self.split(doc)
        return terms + extra

    def split(self, doc: str) -> tuple[list[str], list[str]]:
        """(words and phrases of content words, phrases pairing a content word with a `phrase_stop`-free stop word)."""
        words, pairs, extra = [], [], []
        for toks in clauses(doc):
            ok = [len(t) > 1 and t not in self.stop for t in toks]
            near = [len(t) > 1 and t not in self.phrase_stop for t in toks]
            for i, t in enumerate(toks):
                if ok[i]:
                    words.append(t)
                if i + 1 < len(toks) and (ok[i] or ok[i + 1]) and near[i] and near[i + 1]:
                    (pairs if ok[i] and ok[i + 1] else extra).append(f"{t} {toks[i + 1]}")
        return words + pairs, extra


def base_stop_words(extra=()) -> frozenset[str]:
    """`stop_words` without the words every complaint uses: what a name's phrase may pair with a content word."""
    return frozenset(ENGLISH_STOP_WORDS) | CONTRACTIONS | frozenset(w.lower() for w in extra)


def content_words(doc: str, stop: frozenset[str]) -> list[str]:
    return [t for toks in clauses(doc) for t in toks if len(t) > 1 and t not in stop]


def proper_nouns(texts, *, share: float = 0.7) -> set[str]:
    """Lower-cased words mostly written with a capital mid-sentence (names, places): never theme terms."""
    total: Counter = Counter()
    cap: Counter = Counter()
    for t in texts:
        total.update(_LOWER_WORD.findall(_APOSTROPHE.sub("", t.lower())))
        for m in _CAP_WORD.finditer(t):
            w = m.group(0)
            before = t[max(0, m.start() - 6) : m.start()].rstrip()
            if before and before[-1] not in '.!?\n:"“([-*' and not (w.isupper() and len(w) <= 5):
                cap[_APOSTROPHE.sub("", w.lower())] += 1
    return {w for w, n in cap.items() if total[w] and n / total[w] >= share}


def model_text(text: str, names: set[str]) -> str:
    """Lower-case text without placeholders, words holding digits, or proper nouns: what the features are computed from."""
    low = _HAS_DIGIT.sub(" ", PLACEHOLDER.sub(" ", text).lower())  # references, postcodes ("lb17"), amounts, dates
    if not names:
        return low
    return " ".join(w for w in low.split() if _APOSTROPHE.sub("", w.strip(".,;:!?()\"'")) not in names)
