"""Personal-data redaction: one function used everywhere text leaves the model.

Rules, not a trained model (none is available offline, and rules can be
audited): precompiled regular expressions for structured identifiers
(`rca.text.redact_numbers`), and cue words plus a first-name list for names, each
cue tried only where its first word is (`rca.text.redact_scan`). Each hit becomes a
typed placeholder; titles and cue words stay so the text still reads naturally.

>>> redact("Call me on 07700 900123 or mail a.b@example.com, SW1A 1AA")
'Call me on [PHONE] or mail [EMAIL], [POSTCODE]'
>>> redact("Mr Henderson at 14 Acacia Avenue promised to call my son Jack.")
'Mr [NAME] at [ADDRESS] promised to call my son [NAME].'
>>> redact("Stage 2 reply due in 10 working days; band D; £150; Flat 3")
'Stage 2 reply due in 10 working days; band D; £150; Flat 3'

Measured precision / recall per type (`rca.text.redact_eval.evaluate`):
`benchmarks/bench_redact.py` over `tests/data/redaction_snippets.jsonl`.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from rca.text.name_words import (
    ALL_NAMES,
    AMBIGUOUS_NAMES,
    FIRST_NAMES,
    NOT_NAMES,
    PLACE_WORDS,
    english_words,
    misspelt,
    spacy_stop_words,
    verb_forms,
)
from rca.text import redact_memo
from rca.text.redact_case import ASKED_WORDS, CUE_WORDS, truecased
from rca.text.redact_numbers import NUMBER_WORDS, PiiSpan, structured_spans
from rca.text.redact_scan import anchored

__all__ = ["PLACEHOLDERS", "PiiSpan", "find_pii", "redact", "redact_many"]

PLACEHOLDERS = {t: f"[{t}]" for t in ("EMAIL", "PHONE", "POSTCODE", "NINO", "SORTCODE", "ACCOUNT", "DOB", "ADDRESS", "NAME")}
# When two hits overlap, the more specific type wins (lower number).
_PRIORITY = {"EMAIL": 0, "NINO": 1, "DOB": 2, "SORTCODE": 3, "ACCOUNT": 4, "PHONE": 5, "POSTCODE": 6, "ADDRESS": 7, "NAME": 8}


# ---------------------------------------------------------------- names
_NOT_SURNAME = NOT_NAMES - {"Ward", "Lord"}
_PLACE_AFTER = re.compile(
    r"\s+(?i:centre|center|house|road|street|hospital|school|ward|court|library|surgery|practice|"
    r"building|hall|unit|clinic|lane|avenue|close|way|park|estate)\b"
)
# Lower-case letters include Latin-1 and Latin Extended-A (Wiśniewski, Müller, Łukasz's surname).
_LO = "a-zß-öø-ÿĀ-ž"
_W_FIRST = rf"[A-ZÀ-ÖØ-ÞĀ-Ž][A-Za-z{_LO}]*(?:['’](?!s\b)[A-Z]?[{_LO}]+|-[A-Z][{_LO}]+)*"
_W_NEXT = rf"(?:[A-Z]['’])?[A-ZÀ-ÖØ-ÞĀ-Ž][{_LO}]*[A-Z]?[{_LO}]+(?:-[A-Z][{_LO}]+)*"
_INITIAL = r"[A-Z]\.?"
_NAME = rf"(?:{_INITIAL}\s?){{0,2}}{_W_FIRST}(?:\s+{_W_NEXT}){{0,2}}"
_TITLES = r"(?:(?i:mr|mrs|ms|mx|dr|prof|cllr)\.?|(?i:councillor)|Miss|MISS|miss|Dame|DAME|Rev\.?|REV|Nurse|NURSE)"
# Words that are never a name but after a title: Mrs Hill, Mr Ward
_TITLE_SURNAMES = frozenset("Hill Green Park Lane Ward Lord Lodge Grove House Street Way Court Tower".split())

_RELATIONS = (
    "son daughter husband wife partner mum mother mom dad father brother sister grandson granddaughter "
    "grandmother grandfather nan nana gran granny grandad grandma grandpa uncle aunt auntie nephew niece "
    "cousin neighbour neighbor carer friend boy girl child stepson stepdaughter fiance fiancee lodger "
    "flatmate colleague representative advocate"
).split()
_ROLES = (
    "officer worker caseworker manager advisor adviser engineer inspector assessor therapist supervisor coordinator agent surveyor "
    "nurse".split()
)
# who may be "called" or "named" something: a man called Amrit, my housing officer is called Tunde
_PEOPLE = "someone somebody man woman lady gentleman gent guy bloke chap fella fellow lad person".split() + _RELATIONS + _ROLES
_TITLE_WORDS = frozenset("mr mrs ms miss mx dr prof cllr councillor dame rev nurse".split())
_SIGNOFF_WORDS = frozenset("regards thanks thank sincerely faithfully wishes cheers love".split())
_FORM_WORDS = frozenset({"complainant", "applicant"})
# (pattern, words of which one must be in the text for the pattern to run, the words its matches
# begin with, and whether a match begins with one of those words whole: `rca.text.redact_scan.anchored`)
_NAME_CUES = (
    # Mr Henderson, Cllr Fiona Grant
    # (the name is looked at, not taken: "my councillor.\n\nDr Kowalski" leaves "Dr Kowalski" to its own match)
    (re.compile(rf"(?<![\w.]){_TITLES}\s+(?=({_NAME}))"), _TITLE_WORDS, _TITLE_WORDS, True),
    # my son Jack, my mum, Joan Pearce
    (
        re.compile(
            r"(?i:\b(?:my|our|his|her)\s+(?:little\s+|older\s+|younger\s+|elder\s+|late\s+)?"
            rf"(?:{'|'.join(_RELATIONS)}|ex-partner|social\s+worker))"
            rf",?\s+(?i:called\s+|named\s+)?(?:{_TITLES}\s+)?({_NAME})"
        ),
        frozenset(_RELATIONS),
        frozenset({"my", "our", "his", "her"}),
        True,
    ),
    # the housing officer, Fatima Hassan; social worker Hannah Price
    (
        re.compile(
            rf"(?i:\b(?:{'|'.join(_ROLES)}|co-ordinator))"
            rf",?\s+(?:{_TITLES}\s+)?({_NAME})"
        ),
        frozenset(_ROLES) | {"co"},
        frozenset(_ROLES) | {"co"},
        True,
    ),
    # someone called Mo; my housing officer is called Tunde; a lady named Pauline (not "I called Thames Water")
    (
        re.compile(rf"(?i:\b(?:{'|'.join(_PEOPLE)})(?:\s+(?:is|was))?\s+(?:called|named))\s+(?:{_TITLES}\s+)?({_NAME})"),
        frozenset({"called", "named"}),
        frozenset(_PEOPLE),
        True,
    ),
    # I spoke to Okonkwo; talked with Mrs Bello
    (
        re.compile(rf"(?i:\b(?:spoke|speak|spoken|talked|talking)\s+(?:to|with))\s+(?:{_TITLES}\s+)?({_NAME})"),
        frozenset({"spoke", "speak", "spoken", "talked", "talking"}),
        frozenset({"spoke", "speak", "spoken", "talked", "talking"}),
        True,
    ),
    # Dear Mrs Patel, Hi Lucy
    (
        re.compile(rf"(?i:\b(?:dear|hi|hello|hiya))\s+(?:{_TITLES}\s+)?({_NAME})"),
        frozenset({"dear", "hi", "hello", "hiya"}),
        frozenset({"dear", "hi", "hello", "hiya"}),
        True,
    ),
    # Kind regards, Helen Marsh   (name must close the text, the line or the clause)
    (
        re.compile(
            r"(?i:\b(?:kind\s+regards|best\s+regards|warm\s+regards|regards|many\s+thanks|thanks|thank\s+you|"
            r"yours\s+sincerely|yours\s+faithfully|sincerely|best\s+wishes|cheers|love))\s*[,.!-]*\s*"
            rf"(?:{_TITLES}\s+)?({_NAME})(?=\s*(?:$|\n|[(,&]|and\b|-))"
        ),
        _SIGNOFF_WORDS,
        # no space need follow ("cheersJo"): each first word is looked for inside longer words too
        ("kind", "best", "warm", "regards", "many", "thank", "yours", "sincerely", "cheers", "love"),
        False,
    ),
)
_MY_NAME = re.compile(
    r"(?i:\b(?:my\s+name\s+is|my\s+name's|name\s+is|name\s*:|full\s+name\s*:|complainant\s*:|applicant\s*:))"
    r"\s*(?:(?:mr|mrs|ms|miss|dr)\.?\s+)?([A-Za-z][A-Za-z'’-]*\.?(?:\s+[A-Za-z][A-Za-z'’-]+){0,2})"
)
_MY_NAME_STOP = frozenset(
    "and i im i'm from at in on the a an of but living live am is was have has my me to with calling "
    "writing here speaking also not so too really who please".split()
)
_MY_NAME_FIRST = frozenset({"my", "name", "full", "complainant", "applicant"})
_SIGNOFF_LOWER = re.compile(r"(?i:\b(?:thanks|regards|cheers))[,.!]?\s+([a-z]{2,})\s*[.!]?\s*$")
_SIGNOFF_LOWER_FIRST = frozenset({"thanks", "regards", "cheers"})
# `\b[A-Z]` written as a capital not preceded by a word character: a pattern that opens with a set
# of letters lets `re` skip straight to the next capital
_CAPS_RUN = re.compile(rf"[A-Z](?<!\w[A-Z])[a-z]+(?:\s+(?:{_INITIAL}\s+)?{_W_NEXT})?")
# A bare name closing the text: "... no reply. Bernadette" / "Kelly 07700 900330"
_TRAILING_NAME = r"\s*([A-Z][a-z]+(?:[ -][A-Z][a-z'’]+)?)\s*(?:\(?\+?\d[\d ()+-]{8,}\d\)?|<?[\w.%+'-]+@[\w.-]+>?)?\s*[.!]?\s*$"
_TRAILING = re.compile(r"(?:^|[.!?\n]|\s[-–—])" + _TRAILING_NAME)
# `_TRAILING` anywhere but at the text's start (where only it can use `^`), written to open with a set of
# characters so that `re` skips straight to the next stop, mark or space
_TRAILING_INNER = re.compile(r"[.!?\s](?:(?<=[.!?\n])|(?<=\s)[-–—])" + _TRAILING_NAME)
_TO_ASCII_LOWER = re.compile("[\u0130\u212a]")
_GLUED = re.compile(r"[A-Z](?<=[A-Za-z][A-Z])")  # a capital right after a letter: McKay, SarahJones
_WORD = re.compile(r"[a-z]+")
_NON_SPACE = re.compile(r"\S+")
_CAP_WORD = re.compile(r"[A-Z][a-z]+")
_LOWER_LETTERS = "abcdefghijklmnopqrstuvwxyz'’"  # what may follow a name's capital (`_TRAILING`)


_LOWER_ALL_NAMES = frozenset(n.lower() for n in ALL_NAMES)
_CUE_WORDS = frozenset().union(  # every word `_name_spans` looks for among a text's tokens
    _TITLE_WORDS,
    _SIGNOFF_WORDS,
    _FORM_WORDS,
    _MY_NAME_FIRST,
    _LOWER_ALL_NAMES,
    *(c | (f if whole else set()) for _, c, f, whole in _NAME_CUES),
)


def _clean_name(value: str, offset: int, *, allow_caps: bool) -> tuple[int, int] | None:
    """Trim a cue's captured words at the first stop word; None when nothing is left.
    `allow_caps`: the words follow a title (Mr BAKER, Mrs Ward)."""
    words = list(_NON_SPACE.finditer(value))
    keep = []
    for i, w in enumerate(words):
        token = w.group().rstrip(".,")
        if len(token) == 1 and token.isupper() and i < len(words) - 1:
            keep.append(w)  # an initial: Mr A Khan
            continue
        named = token if not token.isupper() else token.capitalize()
        if token.isupper() and token.lower() in verb_forms() and named not in ALL_NAMES:
            break  # THE DR SAID (but ROSE; and "My father Tuned" is a name)
        if (named in NOT_NAMES or named.rstrip("'’s") in NOT_NAMES) and not (allow_caps and not keep and named in _TITLE_SURNAMES):
            break
        if token.isupper() and len(token) > 1 and not (allow_caps and not [k for k in keep if len(k.group().rstrip(".")) > 1]):
            break
        keep.append(w)
    # a lone initial is not a name
    while keep and len(keep[-1].group().rstrip(".")) == 1:
        keep.pop()
    if not keep:
        return None
    return offset + keep[0].start(), offset + keep[-1].end()


def _looks_like_name(word: str) -> bool:
    if word in ALL_NAMES:
        return True
    if word in NOT_NAMES or word.isupper():
        return False
    english = english_words()
    low = word.lower()
    if not english or low in english or low in spacy_stop_words():
        return False  # "Anything", "Everything": stop words the lemma tables leave out
    return not misspelt(low, english)


def _name_spans(text: str, low: str, low_tokens: set[str], own: set[str] | None = None) -> list[PiiSpan]:
    """Names in `text`, `low` being `text.lower()`. Which cues are tried is decided by `low_tokens`, the
    words among `_CUE_WORDS` of the text as written (also when `text` is its cased copy); where they are
    looked for, by `own`, those of `text` itself (default `low_tokens`)."""
    own = low_tokens if own is None else own
    spans = []
    for pattern, cue_words, first_words, whole in _NAME_CUES:
        if low_tokens.isdisjoint(cue_words):
            continue
        # a first word met whole is one of the text's words: only those present are looked for
        for m in anchored(pattern, text, low, first_words & own if whole else first_words, whole=whole):
            hit = _clean_name(m.group(1), m.start(1), allow_caps=pattern is _NAME_CUES[0][0])
            if hit:
                spans.append(PiiSpan(hit[0], hit[1], "NAME"))
    if "name" in low_tokens or low_tokens & _FORM_WORDS:
        for m in anchored(_MY_NAME, text, low, _MY_NAME_FIRST & own):
            keep = []
            for w in _NON_SPACE.finditer(m.group(1)):
                if w.group().lower().strip(",.") in _MY_NAME_STOP or w.group() in NOT_NAMES:
                    break
                keep.append(w)
            if keep:
                spans.append(PiiSpan(m.start(1) + keep[0].start(), m.start(1) + keep[-1].end(), "NAME"))
    if low_tokens & _SIGNOFF_WORDS:
        m = next(anchored(_SIGNOFF_LOWER, text, low, _SIGNOFF_LOWER_FIRST & own), None)
        word = m.group(1).lower() if m else ""
        # "cheers mate", "thanks guys": an English word closing the text is a name only if it is a first name (thanks mark)
        if (
            m
            and word not in _MY_NAME_STOP
            and word not in ("all", "team", "again", "you")
            and (word.capitalize() in ALL_NAMES or word not in english_words())
        ):
            spans.append(PiiSpan(m.start(1), m.end(1), "NAME"))
    m = _trailing_name(text) if _may_end_with_name(text) else None
    # a text of one word is an answer ("Anything", "Parking"), not a signature, unless it is a known first name
    alone = m is not None and not text[: m.start(1)].strip() and m.group(1).split()[0] not in ALL_NAMES
    if m and not alone and _looks_like_name(m.group(1).split()[0]):
        spans.append(PiiSpan(m.start(1), m.end(1), "NAME"))
    # A capitalised first name is one of the text's words, unless a letter touches its capital or its
    # end (McKay, SarahJones) or the text has one of the two letters besides A-Z that lower-case to a-z
    # (the Kelvin sign; a dotted capital I, which lower-cases to two characters): only then is each
    # capitalised word looked at
    maybe = not _LOWER_ALL_NAMES.isdisjoint(own) or _GLUED.search(text) or (not text.isascii() and _TO_ASCII_LOWER.search(text))
    if maybe and not ALL_NAMES.isdisjoint(_CAP_WORD.findall(text)):
        for m in _CAPS_RUN.finditer(text):
            parts = m.group().split()
            first, rest = parts[0], parts[1:]
            if first not in ALL_NAMES or (rest and rest[-1] in PLACE_WORDS):
                continue  # not a first name; or Victoria Street, a place
            if (rest and rest[-1] == "Ward" and first in AMBIGUOUS_NAMES) or _PLACE_AFTER.match(text, m.end()):
                continue  # Amber Ward; the John Smith Centre
            if rest and rest[-1] not in _NOT_SURNAME:
                spans.append(PiiSpan(m.start(), m.end(), "NAME"))
            elif first in FIRST_NAMES:
                spans.append(PiiSpan(m.start(), m.start() + len(first), "NAME"))
    return spans


def _trailing_name(text: str) -> re.Match | None:
    """`_TRAILING.search(text, max(0, len(text) - 80))`."""
    start = max(0, len(text) - 80)
    if start == 0:
        m = _TRAILING.match(text)
        if m is not None:
            return m
        start = 1
    return _TRAILING_INNER.search(text, start)


def _may_end_with_name(text: str) -> bool:
    """False only when `_TRAILING` cannot match, which saves the regex on most texts: it needs the
    text, less trailing spaces and one full stop or exclamation mark, to end in a phone number or
    email address (a digit, `)` or an `@` near the end) or in a capitalised word (A-Z, then a-z)."""
    if "@" in text[-80:]:
        return True
    s = text.rstrip()
    if s[-1:] in (".", "!"):
        s = s[:-1].rstrip()
    if not s:
        return False
    if s[-1].isdigit() or s[-1] == ")":
        return True
    head = s.rstrip(_LOWER_LETTERS)
    return len(head) < len(s) and "A" <= head[-1:] <= "Z"


def find_pii(text: str) -> list[PiiSpan]:
    """Every piece of personal data found in `text`, sorted, not overlapping.

    >>> find_pii("NI number QQ 12 34 56 C please")
    [PiiSpan(start=10, end=23, kind='NINO')]
    """
    if not isinstance(text, str) or not text:
        return []
    low = text.lower()
    words = _ASKED.intersection(_WORD.findall(low))  # the only words asked about below
    found = structured_spans(text, low, words)
    found += _name_spans(text, low, words)
    # MY DAUGHTER ELLA, a man called dave: names the capitals do not show (only texts with a cue or a first name)
    cased = _case_blind_copy(text, low, words)
    if cased is not None:
        cased_low = cased.lower()
        own = _CUE_WORDS.intersection(_WORD.findall(cased_low))
        found += [s for s in _name_spans(cased, cased_low, words, own) if s.kind == "NAME"]
    return _resolve(found)


_NEVER_NAMES: frozenset[str] | None = None
_LOWER_NAMES = frozenset(n.lower() for n in FIRST_NAMES)
# every word `find_pii` asks a text's words about: only these are kept
_ASKED = _CUE_WORDS | NUMBER_WORDS | ASKED_WORDS | _LOWER_NAMES
# never the first word of a name after "Mr", "my son"... (with spaCy's stop words)
_FUNCTION_WORDS = frozenset(
    "has had have having said says will would can could did does do done who whom which what its him them were been "
    "being should shall may might must there their theirs our ours your yours mine hers himself herself themselves "
    "about after before again against over under into onto off out up down very too more most some any each every "
    "both either neither other another such than only own same".split()
)


def _case_blind_copy(text: str, low: str, words: set[str]) -> str | None:
    """`rca.text.redact_case.truecased` with this module's first names, English words and stop words."""
    global _NEVER_NAMES
    if _NEVER_NAMES is None:
        _NEVER_NAMES = NOT_NAMES | PLACE_WORDS | {w.capitalize() for w in _MY_NAME_STOP | _FUNCTION_WORDS | spacy_stop_words()}
    if CUE_WORDS.isdisjoint(words) and _LOWER_NAMES.isdisjoint(words):
        return None  # most texts: nothing to look at, and the word list is not loaded for them
    return truecased(
        text,
        names=FIRST_NAMES,
        cue_names=ALL_NAMES,
        english=english_words(),
        stop=_NEVER_NAMES,
        words=words,
        surnames=_TITLE_SURNAMES,
        verbs=verb_forms(),
        low=low,
    )


def _resolve(found: list[PiiSpan]) -> list[PiiSpan]:
    """Keep the most specific hit where hits overlap; merge overlapping names.

    The kept spans never overlap, so they stay sorted by start (and so by end) and
    the ones a new hit clashes with are found by bisection: a text with thousands
    of hits takes n log n, not n squared."""
    if len(found) < 2:
        return found
    found.sort(key=lambda s: (_PRIORITY[s.kind], -(s.end - s.start), s.start))
    kept: list[PiiSpan] = []
    starts: list[int] = []
    ends: list[int] = []
    for s in found:
        lo = bisect_right(ends, s.start)  # first kept span ending after s starts
        hi = bisect_left(starts, s.end)  # first kept span starting at or after s ends
        if lo >= hi:
            kept.insert(lo, s)
            starts.insert(lo, s.start)
            ends.insert(lo, s.end)
        elif all(k.kind == s.kind for k in kept[lo:hi]):
            merged = PiiSpan(min(s.start, starts[lo]), max(s.end, ends[hi - 1]), s.kind)
            kept[lo:hi], starts[lo:hi], ends[lo:hi] = [merged], [merged.start], [merged.end]
    return kept


def redact(text: str) -> str:
    """Replace personal data in `text` with typed placeholders such as `[PHONE]`.

    Non-string input (None, NaN) is returned unchanged.

    >>> redact("Kind regards,\\nHelen Marsh")
    'Kind regards,\\n[NAME]'
    """
    memo = redact_memo.active
    if memo is None or type(text) is not str:
        return _replaced(text)
    out = memo.get(text)
    if out is None:
        out = _replaced(text)
        if len(memo) < redact_memo.MAX_TEXTS:
            memo[text] = out
    return out


def _replaced(text: str) -> str:
    """`redact` itself, nothing remembered."""
    spans = find_pii(text)
    if not spans:
        return text
    out, last = [], 0
    for s in spans:
        out.append(text[last : s.start])
        out.append(PLACEHOLDERS[s.kind])
        last = s.end
    out.append(text[last:])
    return "".join(out)


def redact_many(texts: Iterable[str]) -> list[str]:
    """`redact` over many texts, in order; each distinct text redacted once.

    >>> redact_many(["ring 020 7946 0958", "no personal data"])
    ['ring [PHONE]', 'no personal data']
    """
    if redact_memo.active is not None:
        return [redact(t) for t in texts]
    seen: dict[str, str] = {}  # a text that comes again (an export's repeated short answers) is redacted once
    out = []
    for t in texts:
        if type(t) is str:
            r = seen.get(t)
            if r is None:
                r = seen[t] = _replaced(t)
            out.append(r)
        else:
            out.append(_replaced(t))
    return out
