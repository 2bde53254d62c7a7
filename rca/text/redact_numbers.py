"""Structured personal data in a text: e-mail addresses and everything that starts with a digit
(phone numbers, National Insurance numbers, postcodes, dates of birth, sort codes, account numbers,
house numbers with their street), classified by its shape and the words before it.

Part of `rca.text.redact`, which adds names and settles overlaps.

>>> [s.kind for s in structured_spans("ring 020 7946 0958, SW1A 1AA", "ring 020 7946 0958, sw1a 1aa", {"ring", "sw"})]
['PHONE', 'POSTCODE']
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["NUMBER_WORDS", "PiiSpan", "structured_spans"]


class PiiSpan(NamedTuple):
    """One piece of personal data: `text[start:end]` is of type `kind`."""

    start: int
    end: int
    kind: str


# ---------------------------------------------------------------- structured
_EMAIL = re.compile(r"[\w.%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_SUFFIX = (
    r"(?:Road|Rd|Street|St|Avenue|Ave|Lane|Lanes|Ln|Close|Drive|Court|Ct|Crescent|Cres|Place|Pl|Way|"
    r"Gardens|Gdns|Grove|Terrace|Hill|Park|Square|Sq|Walk|Row|Mews|Rise|View|Green|Parade|Gate|Vale|"
    r"Heights|Approach|Wharf|Yard|Broadway|Boulevard|Embankment|Passage|Path|Hollow|Croft|Fields)"
)
_LOWER_STOP = r"(?:the|a|an|on|in|of|to|at|my|our|your|this|that|and|or|for|from|with|by|per|weeks?|days?|months?|years?|times?)\b"
# Everything that starts with a digit (or the + / ( of a phone number) is found
# in one scan. The first character is matched outside the branches so the scan
# skips from digit to digit; each branch then checks what precedes it with
# look-behinds. No branch matches right after a digit (each wants a space, a sign or a
# letter there), so a digit inside a number is passed over before any branch is tried.
_LEAD = r"(?<![\w/.,£$-]\d)(?<=\d)"  # a number that starts here, not inside another
_DIGITS = re.compile(
    r"[\d+(](?<!\d[\d+(])(?:"
    + "|".join(
        (
            r"(?P<phone>(?<![\w/+.£$-][+(0])(?:(?<=\+)\s?44\s?(?:\(0\)\s?)?|(?<=0)044\s?(?:\(0\)\s?)?|(?<=\()0|(?<=0)\s?)"
            r"\d(?:\s?[.\-)]?\s?\d){8,9}(?![\w/-]|[.,]\d))",
            r"(?P<nino>(?:(?<=\b[A-Za-z]{2}\d)|(?<=\b[A-Za-z]{2}[ -]\d))\d[ -]?\d{2}[ -]?\d{2}[ -]?[A-Da-d]\b)",
            r"(?P<postcode>(?:(?<=\b[A-Za-z]\d)|(?<=\b[A-Za-z]{2}\d))[A-Za-z\d]? {0,2}\d[ABD-HJLNP-UW-Zabd-hjlnp-uw-z]{2}\b)",
            rf"(?P<date>(?<![\w/.-]\d)(?<=\d)(?:\d{{3}}-\d{{2}}-\d{{2}}(?!\d)|\d?[/.-]\d{{1,2}}[/.-](?:\d{{4}}|\d{{2}})(?![\d/-])"
            rf"|\d?(?:st|nd|rd|th)?(?:\s+of)?\s+(?i:{_MONTH})\.?,?\s+\d{{2,4}}(?!\d)))",
            rf"(?P<eight>{_LEAD}\d{{7}}(?![\w/]|[.,]\d))",
            rf"(?P<six>{_LEAD}\d[ -]?\d{{2}}[ -]?\d{{2}}(?![\w-]|[.,]\d))",
            rf"(?P<digits>{_LEAD}\d{{5,9}}(?![\w/]|[.,]\d))",
            rf"(?P<address>{_LEAD}\d{{0,3}}[A-Za-z]?,?\s+(?:[A-Z][A-Za-z'’]*\.?\s+){{1,3}}(?i:{_SUFFIX})\b)",
            rf"(?P<street>{_LEAD}\d{{0,3}}[a-z]?\s+(?!{_LOWER_STOP})[a-z]{{3,}}(?:\s+(?!{_LOWER_STOP})[a-z]{{3,}})?\s+"
            r"(?:road|street|avenue|lane|crescent|terrace|gardens|grove|close|drive)\b)",
        )
    )
    + ")"
)
# Context just before a number that says what it is.
_BEFORE_DOB = re.compile(r"(?:date\s+of\s+birth|\bd\.?o\.?b\b\.?|\bborn\b)[^.!?\n]{0,45}$")
_BEFORE_SORT = re.compile(r"(?:\bsort[ -]?code|\bs/c|\bsort)\s*(?:is|no\.?|number)?\s*[:=]?\s*$")
_BEFORE_ACCOUNT = re.compile(r"(?:\baccount|\bacct|\bacc|\ba/c)(?:\s*(?:number|num|no\.?|#))?(?:\s*is)?\s*[:=]?\s*\(?$")
_BEFORE_UNIT = re.compile(r"(?:Flat|Apartment|Apt|Room|Unit|Maisonette)\s+\d{1,4}[A-Za-z]?,?\s+$")
_DOB_MONTH_FIRST = re.compile(
    rf"(?i:date\s+of\s+birth|\bd\.?o\.?b\b\.?|\bborn(?:\s+on)?)\s*(?i:is|was)?\s*[:=(-]?\s*"
    rf"((?i:{_MONTH})\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})(?!\d)"
)
_BUILDING = re.compile(
    r"(?:Flat|Apartment|Apt|Room|Unit)\s+\d{1,4}[A-Za-z]?,?\s+(?:[A-Z][a-z'’]+\s+){1,3}"
    r"(?:House|Court|Lodge|Tower|Point|Heights|Mansions|Building)\b"
)
_DOB_WORDS = frozenset({"birth", "born", "dob"})
_HAS_DIGIT = re.compile(r"\d")
_UNIT_WORDS = frozenset({"flat", "apartment", "apt", "room", "unit"})
NUMBER_WORDS = _DOB_WORDS | _UNIT_WORDS  # every word `structured_spans` asks `words` about


def _digit_spans(text: str) -> list[PiiSpan]:
    """Classify each digit-led match by its shape and the words before it."""
    out: list[PiiSpan] = []
    eights = []
    pending_six = []
    for m in _DIGITS.finditer(text):
        kind, start, end = m.lastgroup, m.start(), m.end()
        before = text[max(0, start - 40) : start].lower()
        if kind == "phone":
            start += text[start] == "(" and ")" not in m.group()  # "(0345 496 0303)"
            out.append(PiiSpan(start, end, "PHONE"))
        elif kind == "nino":
            lead = 3 if text[start - 1] in " -" else 2
            out.append(PiiSpan(start - lead, end, "NINO"))
        elif kind == "postcode":
            lead = 2 if start >= 2 and text[start - 2].isalpha() else 1
            out.append(PiiSpan(start - lead, end, "POSTCODE"))
        elif kind == "date":
            if _BEFORE_DOB.search(before):
                out.append(PiiSpan(start, end, "DOB"))
            elif _BEFORE_SORT.search(before):
                out.append(PiiSpan(start, end, "SORTCODE"))
            elif len(m.group()) == 8 and m.group()[2] == "-" == m.group()[5]:
                pending_six.append(m)  # 12-34-56: a sort code unless it reads as a date
        elif kind in ("eight", "six", "digits"):
            if _BEFORE_SORT.search(before) and kind == "six":
                out.append(PiiSpan(start, end, "SORTCODE"))
            elif _BEFORE_ACCOUNT.search(before) or kind == "eight":
                out.append(PiiSpan(start, end, "ACCOUNT"))
                eights.append(start)
        else:  # address, street
            unit = _BEFORE_UNIT.search(text[max(0, start - 20) : start])
            out.append(PiiSpan(start - (len(unit.group()) if unit else 0), end, "ADDRESS"))
    for m in pending_six:
        a, b = int(m.group()[:2]), int(m.group()[3:5])
        if any(0 <= s - m.end() <= 25 for s in eights) or not (1 <= a <= 31 and 1 <= b <= 12):
            out.append(PiiSpan(m.start(), m.end(), "SORTCODE"))
    return out


def structured_spans(text: str, low: str, words: set[str]) -> list[PiiSpan]:
    """E-mail addresses and digit-led identifiers in `text`, overlapping as found.

    `low` is `text.lower()`, `words` its words of a-z (`re.findall("[a-z]+", low)`)."""
    found: list[PiiSpan] = []
    if "@" in text:
        found += [PiiSpan(m.start(), m.end(), "EMAIL") for m in _EMAIL.finditer(text)]
    if _HAS_DIGIT.search(text):
        found += _digit_spans(text)
        if not _DOB_WORDS.isdisjoint(words) or "d.o.b" in low:
            found += [PiiSpan(m.start(1), m.end(1), "DOB") for m in _DOB_MONTH_FIRST.finditer(text)]
        if not _UNIT_WORDS.isdisjoint(words):
            found += [PiiSpan(m.start(), m.end(), "ADDRESS") for m in _BUILDING.finditer(text)]
    return found
