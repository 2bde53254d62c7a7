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
>>> verbs = frozenset({"saw", "came"})
>>> truecased("MY DAUGHTER ELLA SAW A MAN CALLED DAVE", names=names, english=frozenset({"man", "saw"}), stop=frozenset(), verbs=verbs)
'MY DAUGHTER Ella SAW A MAN CALLED Dave'
>>> truecased("Mr Smith came", names=names, english=frozenset({"came"}), stop=frozenset(), verbs=verbs) is None
True
"""

from __future__ import annotations

import re
from functools import lru_cache

from rca.text.name_words import one_edit
from rca.text.redact_scan import anchored

__all__ = ["ASKED_WORDS", "CUE_WORDS", "EVERYDAY_NAMES", "truecased"]

_TITLE = r"(?:(?:mr|mrs|ms|mx|dr|cllr)\.?|miss|councillor)"
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
    r"supervisor|councillor|cllr|nurse)|\b(?:spoke|speak|spoken|talked|talking|talk)\s+(?:to|with)"
    r"|\b(?:regards|thanks|thank\s+you|cheers|sincerely|faithfully|wishes)[,.!-]*)"
    r",?\s+"
)
# every word that starts a cue below: a text without one (or a first name) needs no copy
CUE_WORDS = frozenset(
    "mr mrs ms miss mx dr cllr councillor son daughter husband wife partner mum mother mom dad father brother "
    "sister grandson granddaughter grandmother grandfather nan nana gran granny grandad grandma grandpa uncle aunt "
    "auntie nephew niece cousin neighbour neighbor carer friend child stepson stepdaughter fiance fiancee lodger "
    "worker called named officer caseworker manager advisor adviser engineer inspector surveyor supervisor spoke "
    "speak spoken talked talking talk nurse regards thanks thank cheers sincerely faithfully wishes".split()
)
# matched on the lower-cased text (same length): far quicker than a case-insensitive scan
_STRONG = re.compile(rf"\b{_TITLE}\s+")
_WEAK = re.compile(rf"\b{_RELATION}|{_OTHER}")
_STRONG_I = re.compile(_STRONG.pattern, re.IGNORECASE)
# the words a match of each begins with, whole (`rca.text.redact_scan.anchored`)
_STRONG_FIRST = frozenset("mr mrs ms mx dr cllr miss councillor".split())
_WEAK_FIRST = frozenset(
    "my our his her their called named officer caseworker manager advisor adviser engineer inspector surveyor "
    "supervisor councillor cllr nurse spoke speak spoken talked talking talk regards thanks thank cheers sincerely "
    "faithfully wishes".split()
)
ASKED_WORDS = CUE_WORDS | _STRONG_FIRST | _WEAK_FIRST  # with the lower-cased `names`, every word `truecased` asks `words` about
_WEAK_I = re.compile(_WEAK.pattern, re.IGNORECASE)
_UPPER = re.compile(r"[A-ZÀ-ÖØ-Þ]")
_LOWERS = re.compile(r"[a-zß-öø-ÿ]")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# First names that are also everyday words in lower case: not names without a cue.
EVERYDAY_NAMES = frozenset("dale fay lance rosemary sally sandy sherry heather jasmine jean mo lee sultana ruth ben".split())
_SEGMENT = re.compile(r"[^.!?\n]+[.!?\n]*|[.!?\n]+")
_SHOUT = re.compile(r"\b[A-Z][A-Z'’-]*\b(?:[ \t,]+[A-Z][A-Z'’-]*\b){2,}")
_POSSESSIVE = re.compile(r"['’]s$")
_SPACES = re.compile(r"[ \t]+")
_CONTRACTION = re.compile(r"['’](?:t|ve|ll|re|d|m|s)$|n['’]?t$")
_SAINT = re.compile(r"(?i:\b(?:st|saint)\.?\s+)$")
_NEXT = re.compile(r"[ \t]+([^\W\d_]+(?:['’-][^\W\d_]+)*)")
_INITIAL_END = re.compile(r"\.?[ \t]+")
# Names that are also verbs of the kind that follows a subject ("my son will be home"): a name only
# when the next word cannot follow the verb (`_reads_as_name`).
_VERB_NAMES = frozenset({"will"})
_AFTER_NAME = frozenset(
    "and or but who whose is was has had does did says said isnt wasnt hasnt doesnt didnt at in on from of with for aged".split()
)
# Never a surname after a first name (besides stop words and verb forms): when, not who.
_NOT_SURNAME = frozenset(
    "today tomorrow yesterday tonight morning afternoon evening night week weekend year years month months day days age aged old".split()
)


def _recase(word: str, *, cap: bool) -> str:
    """`word` lower-cased (its first letter, and one after a hyphen, upper when `cap`: "Anne-Marie"),
    one character for one character."""
    out = [c.lower() if len(c.lower()) == 1 else c for c in word]
    if cap:
        for i in [0] + [i + 1 for i, c in enumerate(out[:-1]) if c == "-"]:
            if len(out[i].upper()) == 1:
                out[i] = out[i].upper()
    return "".join(out)


def _unreliable(text: str, *, short: bool = False) -> bool:
    """Whether the capitals in `text` (a sentence) say nothing: mostly capitals, or none at all.
    A sentence of fewer than six letters ("REGARDS", "TOM") says too little: `short` is the answer."""
    upper = len(_UPPER.findall(text))
    lower = len(_LOWERS.findall(text))
    if upper + lower < 6:
        return short
    return upper == 0 or upper > 2 * lower


def _unreliable_spans(text: str) -> list[tuple[int, int]]:
    """Sentences whose capitals say nothing (a short one as the whole text), and runs of three or
    more words in capitals inside others."""
    whole = _unreliable(text)
    spans = [(m.start(), m.end()) for m in _SEGMENT.finditer(text) if _unreliable(m.group(), short=whole)]
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
    surnames: frozenset[str] = frozenset(),
    verbs: frozenset[str] = frozenset(),
    low: str | None = None,
) -> str | None:
    """The cased copy described in the module docstring; None when it would equal `text`.

    `names`: known first names, capitalised; `english`: lower-case English words; `stop`: capitalised
    words never taken as a name; `words`: the text's lower-case words (at least those among `ASKED_WORDS`
    and the lower-cased `names`), when the caller has them; `low`: `text.lower()`, likewise;
    `cue_names`: first names taken after a cue though they are also words (Jack, Pat), default `names`;
    `surnames`: words of `stop` taken after a title (Mrs Hill, Mr Ward); `verbs`: lower-case past
    tenses ("said", "rang"), never a name after a title nor a surname after a first name.
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
    chars: list[str] = []  # the copy, made at the first change (most texts with a cue have none)
    spans: list[list[tuple[int, int]]] = []

    def blind() -> list[tuple[int, int]]:
        if not spans:
            spans.append(_unreliable_spans(text))
        return spans[0]

    def put(m: re.Match) -> None:
        if not chars:
            chars.extend(text)
        chars[m.start() : m.end()] = _recase(m.group(), cap=True)

    def next_word(end: int) -> str | None:
        m = _NEXT.match(text, end)
        return m.group(1).lower() if m else None

    def reads_as_name(nxt: str | None) -> bool:
        """After "my son will": a name when what follows cannot follow the verb "will"."""
        if nxt is None or nxt in _AFTER_NAME or nxt in verbs:
            return True
        stem = nxt[:-1]
        return nxt.endswith("s") and not nxt.endswith(("ss", "us")) and stem in english and stem.capitalize() not in stop

    def can_be_name(m: re.Match, *, strong: bool) -> bool:
        word = _POSSESSIVE.sub("", m.group())  # Abbott's
        cap = word[:1].upper() + word[1:].lower()
        low = word.lower()
        if cap in stop:
            if strong and cap in surnames:
                return True
            return not strong and low in _VERB_NAMES and cap in cue_names and reads_as_name(next_word(m.end()))
        if cap in cue_names:
            return True
        if strong:
            return len(word) > 1 and low not in verbs and not _CONTRACTION.search(low)
        return len(word) > 2 and low not in english and not _CONTRACTION.search(low) and not _near_word(low, english, stop)

    def can_be_surname(m: re.Match) -> bool:
        """A word after a first name: a surname unless a stop word, a verb form ("rang", "needs") or a time."""
        word = _POSSESSIVE.sub("", m.group())
        low = word.lower()
        if len(word) < 2 or word[:1].upper() + word[1:].lower() in stop or low in verbs or low in _NOT_SURNAME:
            return False
        if _CONTRACTION.search(low):
            return False
        if low.endswith("ly") and low in english:
            return False  # an adverb: "my mum rose early"
        return not (low.endswith("s") and not low.endswith(("ss", "us")) and low[:-1] in english)

    def surname_after(m: re.Match) -> None:
        """Recase the word after the first name `m` when written in the same case and it can be a surname."""
        nxt = _NEXT.match(text, m.end())
        if not nxt:
            return
        same_case = nxt.group(1).isupper() if m.group().isupper() else nxt.group(1).islower()
        hit = _WORD.match(text, nxt.start(1))
        if same_case and hit and can_be_surname(hit):
            put(hit)

    if has_name:
        for start, end in blind():
            for m in _WORD.finditer(text, start, end):
                word = m.group()
                if (
                    word[:1].upper() + word[1:].lower() in names
                    and word.lower() not in EVERYDAY_NAMES
                    and not _SAINT.search(text, max(0, m.start() - 7), m.start())
                ):
                    put(m)
                    surname_after(m)
    if has_cue:
        low = text.lower() if low is None else low
        same = len(low) == len(text)
        for cue, strong, first in (
            ((_STRONG, True, _STRONG_FIRST), (_WEAK, False, _WEAK_FIRST))
            if same
            else ((_STRONG_I, True, _STRONG_FIRST), (_WEAK_I, False, _WEAK_FIRST))
        ):
            for c in anchored(cue, low if same else text, low, first & words):
                pos = c.end()
                # "miss" in lower case is as likely the verb: only a word that can be nothing else follows it
                title = strong and not text.startswith("miss", c.start())
                initials = 0
                for i in range(3):  # a name of up to three words
                    m = _WORD.match(text, pos)
                    if m and title and i == 0 and len(m.group()) == 1 and initials < 2:
                        initials += 1  # an initial: Mr J. Walsh, mr p hughes
                        if m.group().islower():
                            put(m)
                        gap = _INITIAL_END.match(text, m.end())
                        if not gap:
                            break
                        pos = gap.end()
                        m = _WORD.match(text, pos)
                    if not m or not (can_be_name(m, strong=title) if i == 0 else can_be_surname(m)):
                        break
                    if m.group()[:1].islower() or (m.group().isupper() and any(a <= m.start() < b for a, b in blind())):
                        put(m)
                    nxt = _SPACES.match(text, m.end(), m.end() + 20)
                    if not nxt:
                        break
                    pos = nxt.end()
    if not chars:
        return None
    out = "".join(chars)
    return None if out == text else out


@lru_cache(maxsize=100_000)
def _near_word(low: str, english: frozenset[str], stop: frozenset[str]) -> bool:
    """Whether `low` is one letter (added, dropped, changed or two swapped) from an English word:
    a typo ("jsut", "somene"), not a name ("okonkwo", "kwame"). Remembered per word (a frozenset keeps its hash)."""
    near = one_edit(low)
    near.discard(low)
    return any(len(w) >= 3 and (w in english or w.capitalize() in stop) for w in near)


_LOWERED: dict[int, frozenset[str]] = {}


def _lower(names: frozenset[str]) -> frozenset[str]:
    if id(names) not in _LOWERED:
        _LOWERED[id(names)] = frozenset(n.lower() for n in names)
    return _LOWERED[id(names)]
