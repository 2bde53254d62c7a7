"""Hazards and risks found by structure: two kinds of words in one sentence, compared as lemmas.

`rca.scoring.hazards` holds the phrase rules; this module adds the rules that do not depend on one
wording. A sentence is split into words, each word is reduced to its lemma (spaCy's English
lookup table, as `rca.text.prepare` does: "dripping" -> "drip", "children" -> "child"), and a rule
fires when a word of one kind (water) and a word of another kind (a light fitting) meet within a
few words of each other in the same sentence, neither negated ("no water near the sockets") nor
said to be fixed ("the leak into the light was repaired"). A resident whom a hazard endangers
(a child, "my 2 year old", a pregnancy, an older, disabled or ill person) is found the same way
and may be anywhere in the text.

>>> [(c.flag, c.words) for c in cues("Water has been dripping into the light fitting.")]
[('emergency_hazard', ['Water has been dripping into the light fitting'])]
>>> cues("The leak into the light fitting was fixed last week.")
[]
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from rca.text.prepare import lemmatise

EMERGENCY, SIGNIFICANT, SAFEGUARDING = "emergency_hazard", "significant_hazard", "safeguarding"
LEAK, CRACKS, TOILET_RULE = "leak or water coming in", "cracks in walls or ceiling", "broken toilet or no washing facilities"

_TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*|\d+")
_CLAUSE_END = re.compile(r"[.!?;\n]+|\s[-–—]\s|,?\s+(?=but\b|although\b|though\b|however\b)", re.IGNORECASE)
_NEGATORS = frozenset({"no", "not", "never", "without", "nor", "cannot", "nobody", "nothing", "none", "neither", "noone"})
_MODAL_BEFORE_FIX = frozenset({"to", "will", "would", "should", "could", "must", "might", "may", "promise", "supposed", "try",
                               "come", "going", "need", "needs", "meant", "asked", "ask", "waiting", "wait", "get", "never",
                               "still", "yet", "nobody", "no", "not", "cannot", "before", "until", "if", "unless", "since", "after", "when",
                               "stop", "keep"})
_NOT_YET = frozenset({"to", "will", "would", "should", "must", "need", "needs", "please", "until", "before", "if"})
_FIXED = frozenset({"fixed", "repaired", "sorted", "resolved", "replaced", "restored", "mended", "cleared", "capped", "isolated",
                    "sealed"})
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
            "eleven": 11, "twelve": 12}
_AGE = re.compile(
    r"\b(?P<n>\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)[- ](?P<unit>year|yr|month|week|day)s?[- ]old\b"
    r"|\b\d{1,2}[- ]?(?:months?|weeks?) (?P<pregnant>pregnant)\b"
    r"|\b(?:son|daughter|boy|girl|child|baby|grandson|granddaughter|mum|mother|dad|father|nan|gran|grandma|grandad|husband|wife|"
    r"partner|neighbour|i|he|she)(?:'s| who is| who's|'m)? (?:is |am |turned |aged? )?(?P<n2>\d{1,3})\b"
    r"(?! ?(?:minutes|mins|days|hours|pounds|percent|%|weeks|months|times|am|pm|p\.m|a\.m))"
    r"|\baged? (?:over )?(?P<n3>\d{1,3})\b|\b(?:over|over the age of) (?P<n4>[6-9]\d)s?\b(?! ?(?:minutes|mins|days|hours|pounds|%))"
    r"|\bin (?:her|his|their) (?P<decade>\d)0s\b", re.IGNORECASE)


@dataclass(frozen=True)
class Token:
    word: str  # lower case
    lemma: str
    start: int
    end: int


_NOT_NEGATING = frozenset({"idea", "one", "doubt", "matter", "sooner", "longer", "only", "just", "sure", "wonder"})


def _negator(clause: tuple[Token, ...], i: int) -> bool:
    """Word i negates what follows ("no", "not", "won't"), unless it is "no idea", "not only"..."""
    tok = clause[i]
    if not (tok.lemma in _NEGATORS or tok.word.endswith("n't")):
        return False
    return i + 1 >= len(clause) or clause[i + 1].lemma not in _NOT_NEGATING


def _phrases(*items: str) -> tuple[tuple[str, ...], ...]:
    """Lemma sequences from space-separated words ("light fitting" -> ("light", "fitting"))."""
    return tuple(tuple(lemmatise(w.lower()) for w in item.split()) for item in items)


@dataclass(frozen=True)
class Kind:
    """A kind of word: lemma sequences, words that must not follow the match, and whether the match must be negated."""

    phrases: tuple[tuple[str, ...], ...]
    not_followed_by: frozenset[str] = frozenset()
    negated: bool | None = False  # True: only when negated ("not" ... "work"); None: either way


def kind(*items: str, not_followed_by: str = "", negated: bool | None = False) -> Kind:
    return Kind(_phrases(*items), frozenset(lemmatise(w) for w in not_followed_by.split()), negated)


WATER = kind("water", "leak", "drip", "pour", "flood", "rain", "rainwater", "wet", "soak", "soaking", "sodden", "seep", "gush",
             "trickle", "damp patch", "overflow")
ELECTRICS = kind("light fitting", "ceiling light", "ceiling rose", "light", "lights", "lighting", "bulb", "lamp", "spotlight",
                 "downlight", "socket", "plug socket", "plug", "switch", "light switch", "wiring", "wire", "cable", "electrics",
                 "electric", "electrical", "electricity", "fuse box", "fusebox", "fuse", "consumer unit", "trip switch",
                 "electric meter", "meter cupboard", not_followed_by="rain drizzle shower switch on off bill colour grey brown blue green")
BURNING = kind("burn", "burning", "scorch", "scorch mark", "scorch marks", "smoke", "smoking", "melt", "melted", "spark",
               "sparking", "fizz", "crackle", "char", "blackened", "too hot to touch")
STRUCTURE = kind("ceiling", "roof", "plaster", "plasterboard", "lath", "beam", "joist", "lintel", "chimney", "balcony", "wall")
FAILING = kind("sag", "sagging", "bow", "bowing", "bulge", "bulging", "collapse", "cave", "cave in", "crumble", "droop",
               "buckle", "give way", "come down", "fall down", "fall in", "fall off", "fall through", "come away",
               "coming away", "about to fall", "about to go", "hang down", "dip")
FALLING_BITS = kind("fall", "falling", "drop", "flake off", "lump", "lumps", "chunk", "chunks", "bits", "pieces")
_FROM = frozenset({"from", "off", "of", "onto", "on", "into"})  # "fell off the wall": the wall is where it fell from
HEATING = kind("heating", "central heating", "heat", "hot water", "boiler", "radiator", "radiators", "heater", "storage heater",
               negated=None)
HOME_ROOM = kind("flat", "house", "home", "room", "bedroom", "lounge", "living room", "bungalow", "maisonette", "property")
TOO_COLD = kind("freezing", "so cold", "very cold", "bitterly cold", "ice cold", "like a fridge", "can see my breath")
SMOKE_ALARM = kind("smoke alarm", "smoke alarms", "smoke detector", "smoke detectors", "heat alarm", "heat detector")
ALARM_GONE = kind("taken down", "take down", "removed", "remove", "missing", "disconnected", "ripped out", "not fitted", "never fitted")
NO_ALARM = kind("smoke alarm", "smoke alarms", "smoke detector", "alarm at all", negated=True)
PIPE = kind("pipe", "pipes", "water pipe", "water main", "tank", "water tank", "cylinder", "hot water cylinder")
BURST = kind("burst", "bust", "split", "snapped")
NO_HEATING = kind("heating", "central heating", "heat", "hot water", negated=True)
HEAT_FAILED = kind("break", "broken", "broke", "condemn", "condemned", "fail", "failed", "pack up", "cut off", "give up",
                   "stone cold", "freezing", "cold", "stop working", "stopped working", "out of order", "be off", "been off",
                   "turn off", "switch off", "cut out", "cuts out", "cutting out", "trip", "tripping",
                   "conk out", "die", "died", "dead", "kaput")
HEAT_WORKS = kind("work", "working", "come on", "fire", "fire up", "heat up", "warm up", "turn on", "switch on", "on", "have",
                  "had", "get", "got", "any", "hot", "warm", negated=True, not_followed_by="water")
TOILET = kind("toilet", "loo", "wc", "only toilet")
TOILET_BROKEN = kind("block", "blocked", "broken", "break", "out of order", "unusable", "leak")
TOILET_WORKS = kind("flush", "work", "working", "use", negated=True)
DOOR = kind("front door", "back door", "main door", "flat door", "external door", "entrance door", "my door", "our door",
            "door to my flat", "door to the flat", "door to the house", "patio door", "door frame")
INSECURE = kind("kick in", "kicked in", "smash", "smashed", "force", "forced", "forced open", "hang off", "hanging off",
                "snap", "snapped", "broken lock", "lock broken", "lock is broken", "jammed open", "bust", "busted",
                "break in", "broke in", "broken into", "kick", "kicked", "rotten")
LOCKS = kind("lock", "locked", "secure", "shut", "close", "closed", negated=True)

CHILD = kind("child", "children", "kid", "baby", "toddler", "infant", "newborn", "son", "daughter", "boy", "girl",
             "teenager", "teen", "grandchild", "grandson", "granddaughter", "stepson", "stepdaughter",
             "little one", "little ones", "pupil", "schoolgirl", "schoolboy", "youngster")
CHILD_HARM = kind(*(f"hit {who}" for who in ("him", "her", "them", "one of", "the child", "the kid", "the boy", "the girl")),
                  "being hit", "been hit", "was hit", "were hit", "got hit", "beat", "slap", "punch", "abuse", "neglect", "starve", "bruise", "bruised", "bruises",
                  "groom", "grooming", "exploit", "exploitation", "smack", "shake", "strangle", "assault", "molest",
                  "left alone", "leave alone", "home alone", "on their own", "on his own", "on her own", "unsupervised",
                  "locked in", "hungry", "unfed", "no adult", "without an adult", "till midnight", "until midnight", "all hours",
                  "out all night", "filthy", "dirty nappy", "no food", "not fed", "threaten",
                  "touch inappropriately", "touched inappropriately", "touching inappropriately", "older man", "older men",
                  "sexual", "sexually", "adult men", "grown men", "men coming and going", "ran away from home", "missing from home", "scared to go home", "afraid to go home",
                  "county lines")
ADULT = kind("elderly", "old lady", "old man", "old woman", "old gentleman", "alzheimer's", "older lady", "older man", "older woman", "pensioner",
             "lady downstairs", "lady upstairs", "lady next door", "man next door", "vulnerable", "disabled", "dementia",
             "alzheimer", "alzheimers", "learning disability", "learning disabilities", "learning difficulty",
             "learning difficulties", "mental health", "frail", "housebound", "bedbound",
             "bed bound", "wheelchair", "confused", "carers", "nan", "nana", "gran", "granny", "grandma", "grandad", "grandfather",
             "grandmother", "aunt", "aunty", "uncle", "carer")
ADULT_HARM = kind("financially abuse", "financial abuse", "abuse", "neglect", "exploit", "take her pension", "take his pension",
                  "take their pension", "take her money", "take his money", "steal", "stealing", "stole", "scam", "scammed",
                  "cuckoo", "cuckooing", "take over", "taken over", "moved into her flat", "moved into his flat", "dealing from",
                  "dealing drugs", "using her flat", "using his flat", "no food", "starve", "lie on the floor",
                  "lying on the floor", "soil", "soiled", "wander", "wandering", "bruise", "bruises", "hit",
                  "threaten", "lock in", "locked in", "left alone", "leave the gas on", "leaving the gas on", "no one looks after",
                  "nobody looks after", "anyone looks after", "no carer", "carer not", "not see", "not seen", "hoard")
# a person whom a hazard endangers: with no heating, or damp and mould, an emergency
VULNERABLE = kind("baby", "babies", "newborn", "new born", "infant", "toddler", "twins", "child", "children", "kid",
                  "grandchild", "pregnant", "pregnancy", "expecting", "elderly", "pensioner", "old man", "old lady", "old woman",
                  "old gentleman", "disabled", "disability",
                  "wheelchair", "ill", "sick", "poorly", "unwell", "illness", "asthma", "asthmatic", "copd", "bronchitis",
                  "bronchiolitis", "chest infection", "pneumonia", "lung", "lungs", "breathing problems", "respiratory", "heart condition",
                  "heart problem", "heart problems", "cancer", "chemo", "chemotherapy", "dementia", "sickle cell", "diabetes",
                  "diabetic", "immune", "immunocompromised", "epilepsy", "oxygen", "medical condition", "health condition",
                  "health problems", "frail", "vulnerable", "housebound", "bedbound", "arthritis", "carer", "mobility",
                  "stroke", "terminal", "terminally", "end of life", "palliative", "sheltered housing", "sheltered flat")


_NOT_PERSONAL = frozenset(lemmatise(w) for w in "training course policy workshop prevention leaflet poster campaign awareness".split())
_OTHER_HARM = frozenset(lemmatise(w) for w in (
    "car van lorry bus bike bicycle scooter ball football gate branch verbal training course policy workshop "
    "elearning allegation allegations false untrue parking badge").split())
UNSEEN = kind("see", "seen", "answer", "answered", "open the door", negated=True)
PARTNER = kind("partner", "husband", "wife", "boyfriend", "girlfriend", "ex", "ex partner", "ex husband", "ex wife",
               "ex boyfriend", "stepdad", "stepfather", "fiance")
PARTNER_HARM = kind(*(f"{verb} {who}" for verb in ("hit", "hits", "hurt", "hurts", "beat", "beats", "punch", "punched", "kick",
                                                   "kicked", "strangle", "strangled", "choke", "choked", "threaten", "threatened",
                                                   "threatening", "attack", "attacked", "assault", "assaulted", "slap", "slapped")
                      for who in ("me", "her", "him", "us", "them", "my")),
                    "rape", "raped", "scared of", "afraid of", "frightened of", "terrified of", "violent", "controlling", "stalk",
                    "stalking")
THREAT_TO_LIFE = kind("threaten to kill", "threatened to kill", "threatening to kill", "said he will kill", "said he would kill",
                      "said she would kill", "stab me", "threatened to stab", "threatening to stab", "burn the house down", "burn my flat")
SELF_HARM = kind("cut myself", "cutting myself", "hurt myself", "hurting myself", "harm myself", "harming myself",
                 "take my life", "taking my life", "take my own life", "about ending it", "of ending it", "end it all",
                 "ending it all", "end my life", "better off dead", "better off without me", "no point in living",
                 "no point living", "no reason to live", "want to die", "wish i was dead", "wish i were dead", "can't go on",
                 "cannot go on", "kill myself", "jump off", "overdose", "not to wake up", "not wake up", "too many tablets",
                 "too many pills",
                 not_followed_by="waiting paying chasing ringing phoning calling")
NO_POINT = kind("see the point", "see any point", "see a way out", negated=True, not_followed_by="in of")


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


PAIRS: tuple[Pair, ...] = (
    Pair(EMERGENCY, "water in the electrics", WATER, ELECTRICS, window=7, covers=(LEAK,)),
    Pair(EMERGENCY, "burning or sparking electrics", BURNING, ELECTRICS, window=6),
    Pair(EMERGENCY, "water pouring into the home", PIPE, BURST, window=4, covers=(LEAK,)),
    Pair(EMERGENCY, "ceiling or structure giving way", STRUCTURE, FAILING, window=8, covers=(LEAK, CRACKS), subject_first=True),
    Pair(EMERGENCY, "ceiling or structure giving way", STRUCTURE, FALLING_BITS, window=5, covers=(LEAK, CRACKS), subject_first=True),
    Pair(EMERGENCY, "no working smoke alarm or fire door", SMOKE_ALARM, ALARM_GONE, window=14),
    Pair(EMERGENCY, "no working smoke alarm or fire door", NO_ALARM, None),
    Pair(EMERGENCY, "home cannot be secured", DOOR, INSECURE, window=10),
    Pair(EMERGENCY, "home cannot be secured", DOOR, LOCKS, window=10),
    Pair(EMERGENCY, "no heating or hot water with a vulnerable resident in the cold months", HEATING, HEAT_FAILED, window=7,
         needs="vulnerable_cold"),
    Pair(EMERGENCY, "no heating or hot water with a vulnerable resident in the cold months", HEATING, HEAT_WORKS, window=6,
         needs="vulnerable_cold"),
    Pair(EMERGENCY, "no heating or hot water with a vulnerable resident in the cold months", NO_HEATING, None,
         needs="vulnerable_cold"),
    Pair(EMERGENCY, "no heating or hot water with a vulnerable resident in the cold months", HOME_ROOM, TOO_COLD, window=5,
         needs="vulnerable_cold"),
    Pair(SIGNIFICANT, "no heating or hot water", NO_HEATING, None),
    Pair(SIGNIFICANT, "no heating or hot water", HEATING, HEAT_FAILED, window=7),
    Pair(SIGNIFICANT, "no heating or hot water", HEATING, HEAT_WORKS, window=6),
    Pair(SIGNIFICANT, TOILET_RULE, TOILET, TOILET_BROKEN, window=8),
    Pair(SIGNIFICANT, TOILET_RULE, TOILET, TOILET_WORKS, window=6),
    Pair(SAFEGUARDING, "possible harm or neglect of a child", CHILD, CHILD_HARM, window=30, unless=_OTHER_HARM, across_commas=True),
    Pair(SAFEGUARDING, "possible risk to a vulnerable adult", ADULT, ADULT_HARM, window=30, unless=_OTHER_HARM, across_commas=True),
    Pair(SAFEGUARDING, "possible risk to a vulnerable adult", ADULT, UNSEEN, window=30, unless=_OTHER_HARM, across_commas=True),
    Pair(SAFEGUARDING, "domestic abuse", PARTNER, PARTNER_HARM, window=10, unless=_OTHER_HARM, across_commas=True),
    Pair(SAFEGUARDING, "self-harm or suicide", SELF_HARM, None, unless=_NOT_PERSONAL),
    Pair(SAFEGUARDING, "threat to someone's life", THREAT_TO_LIFE, None, unless=_NOT_PERSONAL),
    Pair(SAFEGUARDING, "self-harm or suicide", NO_POINT, None, unless=_NOT_PERSONAL),
)


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


def _negated_before(clause: tuple[Token, ...], i: int, reach: int = 4) -> bool:
    return any(_negator(clause, x) for x in range(max(0, i - reach), i))


def _fixed_in(clause: tuple[Token, ...]) -> bool:
    """The clause says the hazard was dealt with ("was fixed", "has been repaired"), not that it should be."""
    for i, t in enumerate(clause):
        again = i + 1 < len(clause) and clause[i + 1].word in {"again", "now", "fine"}
        made_safe = t.word == "made" and any(x.word == "safe" for x in clause[i + 1:i + 4])  # "made everything safe"
        if t.word in _FIXED or made_safe or (t.lemma in {"work", "working", "back"} and again and not (i and clause[i - 1].lemma in {"stop", "keep"})):
            before = {x.lemma for x in clause[max(0, i - 4):i]}
            stops = _NOT_YET if made_safe else _MODAL_BEFORE_FIX  # "came and made it safe": "came" is no modal here
            if not (before & stops) and not _negated_before(clause, i, reach=3):
                return True
    return False


def _find(k: Kind, clause: tuple[Token, ...]) -> list[tuple[int, int]]:
    """(first, last+1) word places of each match of kind `k` in the clause, longest first where two overlap."""
    found = []
    lemmas = [t.lemma for t in clause]
    for i in range(len(clause)):
        for seq in sorted(k.phrases, key=len, reverse=True):
            j = i + len(seq)
            plural = len(seq) == 1 and clause[i].word == seq[0] + "s"  # "babys room": no apostrophe, still the baby
            if (tuple(lemmas[i:j]) == seq or plural) and (j >= len(clause) or lemmas[j] not in k.not_followed_by):
                if k.negated is not None and k.negated != _negated_before(clause, i):
                    continue
                if k.negated:  # the words shown start at the negation ("not" ... "worked")
                    i = max(x for x in range(max(0, i - 4), i) if _negator(clause, x))
                if not found or i >= found[-1][1]:
                    found.append((i, j))
                break
    return found


def _source(clause: tuple[Token, ...], a: tuple[int, int], b: tuple[int, int]) -> bool:
    """"A picture fell off the wall": the thing (a) comes after the verb (b) and a "from" or "off": it is where it fell from."""
    return a[0] > b[0] and any(t.lemma in _FROM for t in clause[b[1] - 1:a[0]])


def dealt_with(clauses: tuple[tuple[Token, ...], ...], n: int) -> bool:
    """Clause n says its hazard was dealt with, or the next clause does ("the ceiling was bowing but they fixed it")."""
    nxt = clauses[n + 1] if n + 1 < len(clauses) else None
    joined = nxt and nxt[0].lemma in {"but", "although", "though", "however"} and nxt[0].start - clauses[n][-1].end < 4
    return _fixed_in(clauses[n]) or bool(joined and _fixed_in(nxt))


_INFORMATION = re.compile(r"\b(?:leaflets?|website'?s?|web ?pages?|newsletters?|posters?|adverts?|information pack|phone number|"
                          r"helpline number)\b", re.IGNORECASE)


def about_information(text: str, start: int) -> bool:
    """The sentence holding text[start] is about a leaflet, a web page or a phone number, not a hazard in the home."""
    clauses = tokens(text)
    n = next((i for i, c in enumerate(clauses) if c[0].start <= start <= c[-1].end), None)
    return n is not None and bool(_INFORMATION.search(text[clauses[n][0].start:clauses[n][-1].end]))


def resolved(text: str, start: int) -> bool:
    """The clause holding text[start] says its hazard was dealt with (for the phrase rules of `rca.scoring.hazards`)."""
    clauses = tokens(text)
    n = next((i for i, c in enumerate(clauses) if c[0].start <= start <= c[-1].end), None)
    return n is not None and dealt_with(clauses, n)


@dataclass(frozen=True)
class Cue:
    flag: str
    name: str
    words: list[str]
    needs: str | None
    covers: tuple[str, ...]
    span: tuple[int, int]  # the clause, in characters


def cues(text: str) -> list[Cue]:
    """The rules that fire on `text` (before any need for a vulnerable resident is checked), with the words."""
    out: list[Cue] = []
    clauses = tokens(text)
    for n, clause in enumerate(clauses):
        if dealt_with(clauses, n):
            continue
        information = bool(_INFORMATION.search(text[clause[0].start:clause[-1].end]))
        lemmas = {t.lemma for t in clause}
        for rule in PAIRS:
            if rule.unless & lemmas or (information and rule.flag != SAFEGUARDING):
                continue
            a = _find(rule.a, clause)
            b = [None] if rule.b is None else _find(rule.b, clause)
            pair = next(((x, y) for x in a for y in b if y is None or (
                x != y and abs(x[0] - y[0]) <= rule.window and not (rule.subject_first and _source(clause, x, y))
                and (rule.across_commas or "," not in text[clause[min(x, y)[1] - 1].end:clause[max(x, y)[0]].start]))), None)
            if pair:
                spans = sorted(p for p in pair if p)
                if len(spans) == 2 and spans[1][1] - spans[0][0] <= 8:  # short enough to quote whole: "water dripping into the light"
                    spans = [(spans[0][0], spans[1][1])]
                words = [text[clause[s].start:clause[e - 1].end] for s, e in spans]
                out.append(Cue(rule.flag, rule.name, words, rule.needs, rule.covers, (clause[0].start, clause[-1].end)))
    return out


def vulnerable(text: str) -> str | None:
    """The words naming a resident whom a hazard endangers (a child, an age under 16 or from 65, a pregnancy,
    illness or disability), or None."""
    for m in _AGE.finditer(text):
        if m["pregnant"] or (m["unit"] and m["unit"].lower() != "year" and m["unit"].lower() != "yr"):
            return m.group(0)
        num = (m["n"] or m["n2"] or m["n3"] or m["n4"] or "").lower()
        age = int(m["decade"]) * 10 if m["decade"] else _NUMBERS.get(num, int(num) if num.isdigit() else None)
        if age is not None and (age < 16 or age >= 65):  # children, and older people the cold endangers
            return m.group(0)
    for clause in tokens(text):
        for s, e in _find(VULNERABLE, clause):
            return text[clause[s].start:clause[e - 1].end]
    return None
