"""Hazards and risks found by structure: two kinds of words in one sentence, compared as lemmas.

`rca.scoring.hazards` holds the phrase rules; this module adds the rules that do not depend on one
wording. A rule fires when a word of one kind (water) and a word of another kind (a light
fitting; `rca.scoring.hazard_kinds`) meet within a few words of each other in the same
sentence, neither negated ("no water near the sockets") nor said to be fixed ("the leak into
the light was repaired"). A resident whom a hazard endangers (a child, "my 2 year old", a
pregnancy, an older, disabled or ill person) is found the same way and may be anywhere in the
text.

>>> [(c.flag, c.words) for c in cues("Water has been dripping into the light fitting.")]
[('emergency_hazard', ['Water has been dripping into the light fitting'])]
>>> cues("The leak into the light fitting was fixed last week.")
[]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rca.scoring import hazard_forms as H
from rca.scoring import hazard_kinds as K
from rca.scoring.hazard_words import (
    CRACKS,
    EMERGENCY,
    FALL_HAZARD,
    INFORMATION,
    LEAK,
    SAFEGUARDING,
    SIGNIFICANT,
    TOILET_RULE,
    Kind,
    Token,
    dealt_with,
    find,
    tokens,
)

_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_AGE = re.compile(
    r"\b(?P<n>\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)[- ](?P<unit>year|yr|month|week|day)s?[- ]old\b"
    r"|\b\d{1,2}[- ]?(?:months?|weeks?) (?P<pregnant>pregnant)\b"
    r"|\b(?:son|daughter|boy|girl|child|baby|grandson|granddaughter|mum|mother|dad|father|nan|gran|grandma|grandad|husband|wife|"
    r"partner|neighbour|i|he|she)(?:'s| who is| who's|'m)? (?:is |am |turned |aged? )?(?P<n2>\d{1,3})\b"
    r"(?! ?(?:minutes|mins|days|hours|pounds|percent|%|weeks|months|times|am|pm|p\.m|a\.m))"
    r"|\baged? (?:over )?(?P<n3>\d{1,3})\b|\b(?:over|over the age of) (?P<n4>[6-9]\d)s?\b(?! ?(?:minutes|mins|days|hours|pounds|%))"
    r"|\bin (?:her|his|their) (?P<decade>\d)0s\b"
    r"|\b(?:mum|mother|dad|father|nan|gran|grandma|grandad|husband|wife|neighbour|aunt|uncle) ?\((?:aged? )?(?P<n6>\d{1,3})\)"
    r"|\b(?:mum|mother|dad|father|nan|nana|gran|granny|grandma|grandad|grandmother|grandfather|husband|wife|partner|neighbour|aunt|"
    r"uncle|brother|sister|son|daughter|lady|man|woman|gentleman|tenant|resident|he|she)\b(?: [\w']+){1,5}? (?:is|turned|aged?) "
    r"(?P<n5>\d{1,3})\b(?! ?(?:minutes|mins|days|hours|pounds|percent|%|weeks|months|times|am|pm|p\.m|a\.m|[a-z]+ (?:road|street|close|avenue|lane|court|house|drive|crescent|place)\b))",
    re.IGNORECASE,
)


_PIECES = frozenset({"lump", "chunk", "bit", "piece"})


@dataclass(frozen=True)
class Pair:
    """A rule: a word of kind `a` and one of kind `b` within `window` words of each other in one clause."""

    flag: str
    name: str
    a: Kind
    b: Kind | None  # None: a match of `a` alone fires
    window: int = 8
    unless: frozenset[str] = frozenset()  # lemmas that, in the clause, mean something else ("car" beside "hit")
    covers: tuple[str, ...] = ()  # significant rules this one explains in the same clause (the leak behind wet electrics)
    across_commas: bool = False  # the two words may be in parts of a sentence split by commas
    subject_first: bool = False  # `a` after `b` and a "from" or "off" between: not this ("fell off the wall")
    needs: str | None = None  # "vulnerable": only with a resident at risk; "vulnerable_cold": and in the cold months
    b_before: int | None = None  # `b` may come before `a` only this many words ahead of it ("loose handrail", not "split ... stairs")


PAIRS: tuple[Pair, ...] = (
    Pair(EMERGENCY, "water in the electrics", K.WATER, K.ELECTRICS, window=7, covers=(LEAK,)),
    Pair(EMERGENCY, "burning or sparking electrics", K.BURNING, K.ELECTRICS, window=8),
    Pair(EMERGENCY, "water pouring into the home", K.PIPE, K.BURST, window=6, covers=(LEAK,)),
    Pair(EMERGENCY, "ceiling or structure giving way", K.STRUCTURE, K.FAILING, window=10, covers=(LEAK, CRACKS), subject_first=True),
    Pair(EMERGENCY, "ceiling or structure giving way", K.STRUCTURE, K.FALLING_BITS, window=5, covers=(LEAK, CRACKS), subject_first=True),
    Pair(EMERGENCY, "gas smell or leak", K.GAS, K.GAS_SIGN, window=6, unless=K.NOT_GAS),
    Pair(EMERGENCY, "exposed or dangerous electrics", K.ELECTRICS, K.SHOCK, window=8),
    Pair(EMERGENCY, "gas smell or leak", K.GAS_APPLIANCE, K.CO_SIGN, window=10),
    Pair(EMERGENCY, "ceiling or structure giving way", K.FLOOR, K.FAILING, window=8, covers=(FALL_HAZARD,), subject_first=True),
    Pair(EMERGENCY, "asbestos disturbed", K.ASBESTOS, K.DISTURBED, window=14, unless=K.NOT_DISTURBED, across_commas=True),
    Pair(EMERGENCY, "ceiling or structure giving way", K.BALCONY, K.LOOSE, window=10, covers=(LEAK, CRACKS)),
    Pair(EMERGENCY, "ceiling or structure giving way", K.STAIRCASE, K.STAIRS_AWAY, window=8, unless=K.NOT_STAIRS, covers=(FALL_HAZARD,)),
    Pair(EMERGENCY, "ceiling or structure giving way", K.MASONRY, K.MASONRY_FALLS, window=6, covers=(CRACKS,)),
    Pair(EMERGENCY, "no working smoke alarm or fire door", K.SMOKE_ALARM, K.ALARM_GONE, window=14),
    Pair(EMERGENCY, "no working smoke alarm or fire door", K.NO_ALARM, None),
    Pair(EMERGENCY, "home cannot be secured", K.DOOR, K.INSECURE, window=10, covers=("broken window",)),
    Pair(EMERGENCY, "home cannot be secured", K.DOOR, K.LOCKS, window=10),
    Pair(
        EMERGENCY,
        "no heating or hot water with a vulnerable resident in the cold months",
        K.HEATING,
        K.HEAT_FAILED,
        window=7,
        needs="vulnerable_cold",
    ),
    Pair(
        EMERGENCY,
        "no heating or hot water with a vulnerable resident in the cold months",
        K.HEATING,
        K.HEAT_WORKS,
        window=6,
        needs="vulnerable_cold",
    ),
    Pair(EMERGENCY, "no heating or hot water with a vulnerable resident in the cold months", K.NO_HEATING, None, needs="vulnerable_cold"),
    Pair(
        EMERGENCY,
        "no heating or hot water with a vulnerable resident in the cold months",
        K.HOME_ROOM,
        K.TOO_COLD,
        window=5,
        needs="vulnerable_cold",
    ),
    Pair(SIGNIFICANT, "no heating or hot water", K.NO_HEATING, None),
    Pair(SIGNIFICANT, "no heating or hot water", K.HEATING, K.HEAT_FAILED, window=7),
    Pair(SIGNIFICANT, "no heating or hot water", K.HEATING, K.HEAT_WORKS, window=6),
    Pair(SIGNIFICANT, TOILET_RULE, K.TOILET, K.TOILET_BROKEN, window=8),
    Pair(SIGNIFICANT, CRACKS, H.CRACK, H.BUILDING, window=8, unless=H.NOT_CRACK),
    Pair(SIGNIFICANT, FALL_HAZARD, H.FALL_PART, H.FALL_BROKEN, window=12, unless=H.NOT_FALL, b_before=2),
    Pair(SIGNIFICANT, "broken window", H.WINDOW, H.WINDOW_BROKEN, window=8, unless=H.NOT_WINDOW, b_before=2),
    Pair(SAFEGUARDING, "possible risk to a vulnerable adult", H.CARE_SETTING, H.CARE_NEGLECT, window=30, across_commas=True),
    Pair(
        SAFEGUARDING, "possible harm or neglect of a child", H.GROOM_CHILD, H.GROOM_SIGN, window=30, unless=H.NOT_GROOM, across_commas=True
    ),
    Pair(SIGNIFICANT, TOILET_RULE, K.TOILET, K.TOILET_WORKS, window=6),
    Pair(SAFEGUARDING, "possible harm or neglect of a child", K.CHILD, K.CHILD_HARM, window=30, unless=K.OTHER_HARM, across_commas=True),
    Pair(SAFEGUARDING, "possible risk to a vulnerable adult", K.ADULT, K.ADULT_HARM, window=30, unless=K.OTHER_HARM, across_commas=True),
    Pair(SAFEGUARDING, "possible risk to a vulnerable adult", K.ADULT, K.UNSEEN, window=30, unless=K.OTHER_HARM, across_commas=True),
    Pair(SAFEGUARDING, "possible risk to a vulnerable adult", K.CARE_VISIT, K.NO_SHOW, window=10, unless=K.OTHER_HARM),
    Pair(SAFEGUARDING, "possible risk to a vulnerable adult", K.CARE_VISIT, K.CARE_MISSED, window=8, unless=K.OTHER_HARM),
    Pair(SAFEGUARDING, "possible risk to a vulnerable adult", K.ADULT, K.NOT_CARED, window=30, unless=K.OTHER_HARM, across_commas=True),
    Pair(SAFEGUARDING, "possible risk to a vulnerable adult", K.MONEY_TAKEN, None, unless=K.NOT_PERSONAL),
    Pair(SAFEGUARDING, "domestic abuse", K.PARTNER, K.UNSAFE, window=14, unless=K.OTHER_HARM, across_commas=True),
    Pair(SAFEGUARDING, "domestic abuse", K.PARTNER, K.PARTNER_HARM, window=14, unless=K.OTHER_HARM, across_commas=True),
    Pair(SAFEGUARDING, "self-harm or suicide", K.SELF_HARM, None, unless=K.NOT_PERSONAL),
    Pair(SAFEGUARDING, "threat to someone's life", K.THREAT_TO_LIFE, None, unless=K.NOT_PERSONAL),
    Pair(SAFEGUARDING, "self-harm or suicide", K.NO_POINT, None, unless=K.NOT_PERSONAL),
)


def _source(clause: tuple[Token, ...], a: tuple[int, int], b: tuple[int, int]) -> bool:
    """ "A picture fell off the wall": the thing (a) comes after the verb (b) and a "from" or "off": it is where it fell from."""
    between = clause[b[1] - 1 : a[0]]
    if clause[b[0]].lemma in _PIECES and between and between[-1].word == "of":  # "a lump of plaster": what fell
        return False
    return a[0] > b[0] and any(t.lemma in K.FROM for t in between)


@dataclass(frozen=True)
class Cue:
    flag: str
    name: str
    words: list[str]
    needs: str | None
    covers: tuple[str, ...]
    span: tuple[int, int]  # the clause, in characters


def _may_match(k: Kind, lemmas: set[str], words: set[str]) -> bool:
    """Some phrase of kind `k` starts at a word of the clause (its lemma, or a plural typed without an apostrophe)."""
    return not (k.by_first.keys().isdisjoint(lemmas) and k.by_plural.keys().isdisjoint(words))


def cues(text: str) -> list[Cue]:
    """The rules that fire on `text` (before any need for a vulnerable resident is checked), with the words."""
    out: list[Cue] = []
    clauses = tokens(text)
    for n, clause in enumerate(clauses):
        if dealt_with(clauses, n):
            continue
        information = bool(INFORMATION.search(text[clause[0].start : clause[-1].end]))
        lemmas = {t.lemma for t in clause}
        words = {t.word for t in clause}
        for rule in PAIRS:
            if rule.unless & lemmas or (information and rule.flag != SAFEGUARDING):
                continue
            if not (_may_match(rule.a, lemmas, words) and (rule.b is None or _may_match(rule.b, lemmas, words))):
                continue  # a kind with no first word in the clause finds nothing there
            a = find(rule.a, clause)
            b = [None] if rule.b is None else find(rule.b, clause)
            pair = next(
                (
                    (x, y)
                    for x in a
                    for y in b
                    if y is None
                    or (
                        x != y
                        and abs(x[0] - y[0]) <= rule.window
                        and not (rule.subject_first and _source(clause, x, y))
                        and not (rule.b_before is not None and y[0] < x[0] and x[0] - y[1] > rule.b_before)
                        and (rule.across_commas or "," not in text[clause[min(x, y)[1] - 1].end : clause[max(x, y)[0]].start])
                    )
                ),
                None,
            )
            if pair:
                spans = sorted(p for p in pair if p)
                if len(spans) == 2 and spans[1][1] - spans[0][0] <= 8:  # short enough to quote whole: "water dripping into the light"
                    spans = [(spans[0][0], spans[1][1])]
                words = [text[clause[s].start : clause[e - 1].end] for s, e in spans]
                out.append(Cue(rule.flag, rule.name, words, rule.needs, rule.covers, (clause[0].start, clause[-1].end)))
    return out


def vulnerable(text: str) -> str | None:
    """The words naming a resident whom a hazard endangers (a child, an age under 16 or from 65, a pregnancy,
    illness or disability), or None."""
    for m in _AGE.finditer(text):
        if m["pregnant"] or (m["unit"] and m["unit"].lower() != "year" and m["unit"].lower() != "yr"):
            return m.group(0)
        num = (m["n"] or m["n2"] or m["n3"] or m["n4"] or m["n5"] or m["n6"] or "").lower()
        age = int(m["decade"]) * 10 if m["decade"] else _NUMBERS.get(num, int(num) if num.isdigit() else None)
        if age is not None and (age < 16 or age >= 65):  # children, and older people the cold endangers
            return m.group(0)
    for clause in tokens(text):
        for s, e in find(K.VULNERABLE, clause):
            return text[clause[s].start : clause[e - 1].end]
    return None
