"""A copy of a text cased as a name finder expects, for texts whose capitals say nothing.

`rca.text.redact` finds names by their capitals: after a cue ("my daughter Ella", "a man called Dave",
"Mr Okafor") or as a known first name. In a text written in capitals ("MY DAUGHTER ELLA") or
without any ("my daughter ella... called dave") that fails, so `truecased` returns a copy of the
same length, letter for letter, in which

* in each sentence (or line) mostly in capitals, or with no capital letters at all, and in each run
  of three or more words in capitals, each known first
  name is written Capitalised ("ELLA" -> "Ella"; "the bin was not collected on monday" keeps every
  word: nothing there is a name; nor "st anne's court");
* in any text, the lower-case words right after a cue are capitalised when they can be a name: a
  known first name, or any word but a stop word after a title (Mr, Mrs, Dr...); after a relation,
  role, "called"/"named" or "spoke to", a word that is no English word (spaCy's lemma tables), no
  contraction ("didnt", "hasn't") and no slip of the keyboard (one letter from an English word:
  "jsut", "reected").

Offsets in the copy are offsets in the text, so spans found in it redact the original.

>>> names = frozenset({"Ella", "Dave"})
>>> truecased("MY DAUGHTER ELLA SAW A MAN CALLED DAVE", names=names, english=frozenset({"man", "saw"}), stop=frozenset())
'MY DAUGHTER Ella SAW A MAN CALLED Dave'
>>> truecased("Mr Smith came", names=names, english=frozenset({"came"}), stop=frozenset()) is None
True
"""

from __future__ import annotations

import re

__all__ = ["CUE_WORDS", "truecased"]

_TITLE = r"(?:mr|mrs|ms|miss|mx|dr|cllr|councillor)\.?"
_RELATION = (
    r"(?:my|our|his|her|their)\s+(?:little\s+|older\s+|younger\s+|elder\s+|late\s+)?"
    r"(?:son|daughter|husband|wife|partner|ex-partner|mum|mother|mom|dad|father|brother|sister|grandson|"
    r"granddaughter|grandmother|grandfather|nan|nana|gran|granny|grandad|grandma|grandpa|uncle|aunt|auntie|"
    r"nephew|niece|cousin|neighbour|neighbor|carer|friend|child|stepson|stepdaughter|fiance|fiancee|lodger|"
    r"social\s+worker)"
    r",?\s+(?:(?:is\s+)?(?:called|named)\s+)?"
)
_OTHER = (
    r"(?:\b(?:called|named)|\b(?:officer|caseworker|manager|advisor|adviser|engineer|inspector|surveyor|"
    r"supervisor|councillor|cllr)|\b(?:spoke|speak|spoken|talked|talking|talk)\s+(?:to|with))"
    r",?\s+"
)
# every word that starts a cue below: a text without one (or a first name) needs no copy
CUE_WORDS = frozenset(
    "mr mrs ms miss mx dr cllr councillor son daughter husband wife partner mum mother mom dad father brother "
    "sister grandson granddaughter grandmother grandfather nan nana gran granny grandad grandma grandpa uncle aunt "
    "auntie nephew niece cousin neighbour neighbor carer friend child stepson stepdaughter fiance fiancee lodger "
    "worker called named officer caseworker manager advisor adviser engineer inspector surveyor supervisor spoke "
    "speak spoken talked talking talk".split()
)
# matched on the lower-cased text (same length): far quicker than a case-insensitive scan
_STRONG = re.compile(rf"\b{_TITLE}\s+")
_WEAK = re.compile(rf"\b{_RELATION}|{_OTHER}")
_STRONG_I = re.compile(_STRONG.pattern, re.IGNORECASE)
_WEAK_I = re.compile(_WEAK.pattern, re.IGNORECASE)
_UPPER = re.compile(r"[A-ZÀ-ÖØ-Þ]")
_LOWERS = re.compile(r"[a-zß-öø-ÿ]")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# First names that are also everyday words in lower case: not names without a cue.
_EVERYDAY = frozenset("dale fay lance rosemary sally sandy sherry heather jasmine jean mo lee sultana ruth ben".split())
_SEGMENT = re.compile(r"[^.!?\n]+[.!?\n]*|[.!?\n]+")
_SHOUT = re.compile(r"\b[A-Z][A-Z'’-]*\b(?:[ \t,]+[A-Z][A-Z'’-]*\b){2,}")
_CONTRACTION = re.compile(r"['’](?:t|ve|ll|re|d|m|s)$|n['’]?t$")
_SAINT = re.compile(r"(?i:\b(?:st|saint)\.?\s+)$")


def _recase(word: str, *, cap: bool) -> str:
    """`word` lower-cased (its first letter upper when `cap`), one character for one character."""
    out = [c.lower() if len(c.lower()) == 1 else c for c in word]
    if cap and len(out[0].upper()) == 1:
        out[0] = out[0].upper()
    return "".join(out)


def _unreliable(text: str) -> bool:
    """Whether the capitals in `text` (a sentence) say nothing: mostly capitals, or none at all."""
    upper = len(_UPPER.findall(text))
    lower = len(_LOWERS.findall(text))
    if upper + lower < 6:
        return False
    return upper == 0 or upper > 2 * lower


def _unreliable_spans(text: str) -> list[tuple[int, int]]:
    """Sentences whose capitals say nothing, and runs of three or more words in capitals inside others."""
    spans = [(m.start(), m.end()) for m in _SEGMENT.finditer(text) if _unreliable(m.group())]
    if any(c.isupper() for c in text):
        spans += [(m.start(), m.end()) for m in _SHOUT.finditer(text)]
    return spans


def truecased(
    text: str,
    *,
    names: frozenset[str],
    english: frozenset[str],
    stop: frozenset[str],
    words: set[str] | None = None,
    cue_names: frozenset[str] | None = None,
) -> str | None:
    """The cased copy described in the module docstring; None when it would equal `text`.

    `names`: known first names, capitalised; `english`: lower-case English words; `stop`: capitalised
    words never taken as a name; `words`: the text's lower-case words, when the caller has them;
    `cue_names`: first names taken after a cue though they are also words (Jack, Pat), default `names`.
    """
    cue_names = names if cue_names is None else cue_names
    if not isinstance(text, str) or not text:
        return None
    if words is None:
        words = set(re.findall(r"[a-z]+", text.lower()))
    present = _lower(names) & words
    # a first name written other than Capitalised somewhere (a quick substring test; a false hit costs time only)
    has_name = any(n.upper() in text or n in text for n in present)
    has_cue = not CUE_WORDS.isdisjoint(words)
    if not (has_name or has_cue):
        return None
    chars = list(text)
    spans: list[list[tuple[int, int]]] = []

    def blind() -> list[tuple[int, int]]:
        if not spans:
            spans.append(_unreliable_spans(text))
        return spans[0]

    def put(m: re.Match) -> None:
        chars[m.start() : m.end()] = _recase(m.group(), cap=True)

    def can_be_name(word: str, *, strong: bool, first: bool) -> bool:
        cap = word[:1].upper() + word[1:].lower()
        if cap in stop:
            return False
        if cap in cue_names:
            return True
        low = word.lower()
        if strong and first:
            return len(word) > 1 and not _CONTRACTION.search(low)
        return (
            len(word) > 2 and low not in english and cap not in stop and not _CONTRACTION.search(low) and not _near_word(low, english, stop)
        )

    if has_name:
        for start, end in blind():
            for m in _WORD.finditer(text, start, end):
                word = m.group()
                if (
                    word[:1].upper() + word[1:].lower() in names
                    and word.lower() not in _EVERYDAY
                    and not _SAINT.search(text, max(0, m.start() - 7), m.start())
                ):
                    put(m)
    if has_cue:
        low = text.lower()
        same = len(low) == len(text)
        for cue, strong in ((_STRONG, True), (_WEAK, False)) if same else ((_STRONG_I, True), (_WEAK_I, False)):
            for c in cue.finditer(low if same else text):
                pos = c.end()
                for i in range(3):  # a name of up to three words
                    m = _WORD.match(text, pos)
                    if not m or not can_be_name(m.group(), strong=strong, first=i == 0):
                        break
                    if m.group()[:1].islower() or (m.group().isupper() and any(a <= m.start() < b for a, b in blind())):
                        put(m)
                    nxt = re.match(r"[ \t]+", text[m.end() : m.end() + 20])
                    if not nxt:
                        break
                    pos = m.end() + nxt.end()
    out = "".join(chars)
    return None if out == text else out


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _near_word(low: str, english: frozenset[str], stop: frozenset[str]) -> bool:
    """Whether `low` is one letter (added, dropped, changed or two swapped) from an English word:
    a typo ("jsut", "somene"), not a name ("okonkwo", "kwame")."""
    splits = [(low[:i], low[i:]) for i in range(len(low) + 1)]
    near = (
        {a + b[1:] for a, b in splits if b}
        | {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
        | {a + c + b for a, b in splits for c in _LETTERS}
        | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    )
    near.discard(low)
    return any(len(w) >= 3 and (w in english or w.capitalize() in stop) for w in near)


_LOWERED: dict[int, frozenset[str]] = {}


def _lower(names: frozenset[str]) -> frozenset[str]:
    if id(names) not in _LOWERED:
        _LOWERED[id(names)] = frozenset(n.lower() for n in names)
    return _LOWERED[id(names)]
