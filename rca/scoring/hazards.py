"""Urgent and safeguarding flags at intake: hazards in the home (Awaab's Law) and a possible
risk to a child or a vulnerable adult, each with the rule and the words that raised it.

Rules on the words, not a model, so an officer sees exactly why a contact was flagged:

* **emergency hazard** (Awaab's Law, in force for social landlords since 27 October 2025):
  a gas smell or leak, exposed or sparking electrics, no heating or hot water in the cold
  months with a child, an older, disabled or ill resident, damp or mould with a child, a
  baby, a pregnancy or a health condition, a ceiling or structure collapsing, sewage in the
  home, water pouring into the home or the electrics, an external door that will not lock,
  a missing or broken smoke alarm, disturbed asbestos, no water at all: investigate and make
  safe within 24 hours.
* **significant hazard**: other damp and mould, leaks, no heating or hot water, pests,
  broken windows, stairs or handrails, large cracks: investigate within 10 working days,
  a written summary within 3 working days of the investigation, safety works within 5.
* **safeguarding**: a possible risk to a child or a vulnerable adult (abuse or neglect,
  domestic abuse, exploitation, self-harm or suicide, a vulnerable person left without care):
  a safeguarding referral today.

A match does not count when it is negated just before ("there is no smell of gas", "the
children are not at risk"), when the hazard is said to be fixed right after ("the gas leak
was fixed"), when the words are about something else ("the gas bill", "mould on the bread",
"safeguarding training"), or, for a hazard, when the text names a public place and no home
("a smell of gas outside the library"). A council adds its own terms in `[triage]`
(`emergency_terms`, `significant_terms`, `safeguarding_terms`; docs/triage.md).

Beside the rules a learnt model (`rca.scoring.flag_model`) raises a flag too: a contact is
flagged when either does, and each flag says which (`raised_by`, and each entry of `rules` has
its `source`). `learnt=False` gives the rules alone.

>>> [(f["flag"], f["raised_by"]) for f in flags("I can smell gas in my kitchen")]
[('emergency_hazard', 'rules and learnt model')]
>>> flags("The gas bill is wrong and there is no smell of gas anyway", learnt=False)
[]
"""

from __future__ import annotations

import re
from datetime import datetime

from rca.errors import RcaError
from rca.scoring import hazard_cues, hazard_forms, hazard_spelling, hazard_words
from rca.scoring.hazard_words import EMERGENCY, SAFEGUARDING, SIGNIFICANT
from rca.scoring.hazard_patterns import COLD_WORDS, HOME, NEGATED, PRIVATE, PUBLIC, RESOLVED, VULNERABLE, RULES, Rule, p

TITLES = {
    EMERGENCY: "Emergency hazard in the home (Awaab's Law)",
    SIGNIFICANT: "Significant hazard in the home (Awaab's Law)",
    SAFEGUARDING: "Possible risk to a child or vulnerable adult",
}
ACTIONS = {
    EMERGENCY: "today: arrange for the hazard to be investigated and made safe within 24 hours of receipt; if the "
    "resident smells gas, tell them to call the National Gas Emergency line (0800 111 999) now",
    SIGNIFICANT: "log it with repairs today: investigate within 10 working days, send the resident a written summary "
    "within 3 working days of the investigation, and start safety works within 5 working days",
    SAFEGUARDING: "today: make a safeguarding referral (children's or adults' front door) and follow the council's "
    "safeguarding procedure; if anyone is in immediate danger, call 999",
}
PRIVATE_NOTE = (
    "the text mentions a private landlord or an owner-occupied home: Awaab's Law binds social landlords; "
    "refer the hazard to private sector housing (HHSRS) the same day"
)

_ORDER = (EMERGENCY, SIGNIFICANT, SAFEGUARDING)


def _sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the sentence holding text[start:end] begins and ends."""
    a = max(text.rfind(c, 0, start) for c in ".!?\n") + 1
    ends = [i for i in (text.find(c, end) for c in ".!?\n") if i >= 0]
    return a, min(ends) if ends else len(text)


def _sentence(text: str, start: int, end: int) -> str:
    a, b = _sentence_span(text, start, end)
    return text[a:b]


def _live(rule: Rule, text: str, m: re.Match) -> bool:
    """A match that counts: not negated just before, not said to be fixed just after, not about something else."""
    before = text[max(0, m.start() - 40) : m.start()]
    own_no = re.match(
        r"(?:no|without|not|haven'?t|hasn'?t|have not|has not)\b", m.group(0), re.IGNORECASE
    )  # "no heating": the rule's own negative words
    if not own_no and NEGATED.search(before):
        return False
    if rule.flag != SAFEGUARDING and (
        RESOLVED.search(text[m.end() : m.end() + 100])
        or hazard_words.resolved(text, m.start())
        or hazard_words.about_information(text, m.start())
    ):
        return False
    sentence = _sentence(text, m.start(), m.end())
    if hazard_forms.hypothetical(_question(text, m.start(), m.end())):
        return False
    return not (rule.unless and rule.unless.search(sentence))


def _question(text: str, start: int, end: int) -> str:
    """The sentence holding text[start:end] with its closing mark ("?" says it is a question)."""
    a, b = _sentence_span(text, start, end)
    return text[a : b + 1]


def _cold_months(received: datetime | None) -> bool:
    return received is None or received.month in (10, 11, 12, 1, 2, 3, 4)


def flags(text: str, *, received: datetime | None = None, extra: dict[str, list[str]] | None = None, learnt=True) -> list[dict]:
    """The urgent and safeguarding flags a text raises, most urgent first: each {flag, title, raised_by, rules:
    [{rule, words, source}], action}.

    `received` decides the cold months (October to April) for no heating; `extra` maps a flag to a council's own
    terms (`extra_terms(config)`); `learnt` adds the learnt model's flags (True: the shipped model, False: the rules
    alone, or a `rca.scoring.flag_model.FlagModel`)."""
    if not isinstance(text, str) or not text.strip():
        return []
    out = _rule_flags(text, received=received, extra=extra)
    if learnt is False:
        return out
    from rca.scoring import flag_model

    model = flag_model.load() if learnt is True else learnt
    return _with_learnt(out, model.raised(text), text)


def _with_learnt(out: list[dict], raised: list[dict], text: str) -> list[dict]:
    """The rules' flags OR the model's: a flag the model raises names it as its source, with its score and words."""
    by_flag = {item["flag"]: item for item in out}
    for m in raised:
        entry = {
            "rule": f"learnt model, score {m['score']:.2f} (raises at {m['threshold']:.2f})",
            "words": m["words"],
            "source": "learnt model",
        }
        item = by_flag.get(m["flag"])
        if item is not None:
            item["rules"].append(entry)
            item["raised_by"] = "rules and learnt model"
            continue
        item = {"flag": m["flag"], "title": TITLES[m["flag"]], "raised_by": "learnt model", "rules": [entry], "action": ACTIONS[m["flag"]]}
        if m["flag"] != SAFEGUARDING and PRIVATE.search(text):
            item["note"] = PRIVATE_NOTE
        by_flag[m["flag"]] = item
    return [by_flag[f] for f in _ORDER if f in by_flag]


def _rule_flags(text: str, *, received: datetime | None, extra: dict[str, list[str]] | None) -> list[dict]:
    """The flags the rules raise (`flags` without the learnt model)."""
    text = hazard_spelling.normalise(text)  # "smel" -> "smell", "dont" -> "don't": the words shown are the mended ones
    found = VULNERABLE.search(text)
    vulnerable = found.group(0) if found else hazard_cues.vulnerable(text)
    cold = _cold_months(received) or COLD_WORDS.search(text)
    away = PUBLIC.search(text) and not HOME.search(text)
    hits: dict[str, dict[str, list[str]]] = {}
    covered: dict[str, list[tuple[int, int]]] = {}  # significant rule -> sentences an emergency already explains
    found_cues = [
        c
        for c in hazard_cues.cues(text)
        if not (c.flag != SAFEGUARDING and away) and not hazard_forms.hypothetical(_question(text, *c.span))
    ]
    for cue in found_cues:
        for name in cue.covers:
            covered.setdefault(name, []).append(cue.span)
    for rule in sorted(RULES + hazard_forms.RULES + _extra_rules(extra), key=lambda r: r.flag != EMERGENCY):  # emergencies first
        if rule.home and away:
            continue
        found = [
            m
            for m in rule.pattern.finditer(text)
            if _live(rule, text, m) and not any(a <= m.start() < b for a, b in covered.get(rule.name, ()))
        ]
        if not found or (rule.needs == "vulnerable" and not vulnerable) or (rule.needs == "vulnerable_cold" and not (vulnerable and cold)):
            continue
        for name in rule.covers:
            covered.setdefault(name, []).extend(_sentence_span(text, m.start(), m.end()) for m in found)
        _add(hits, rule, [m.group(0) for m in found], vulnerable, text, received)
    for cue in found_cues:  # the rules on word pairs (rca.scoring.hazard_cues)
        if (cue.needs == "vulnerable" and not vulnerable) or (cue.needs == "vulnerable_cold" and not (vulnerable and cold)):
            continue
        if cue.flag == SIGNIFICANT and any(a < cue.span[1] and cue.span[0] < b for a, b in covered.get(cue.name, ())):
            continue  # the emergency in the same sentence explains it (the crack in a ceiling coming down)
        _add(hits, cue, cue.words, vulnerable, text, received)
    if EMERGENCY in hits and SIGNIFICANT in hits:  # the same hazard is not listed twice
        said = {w.lower() for ws in hits[EMERGENCY].values() for w in ws}
        hits[SIGNIFICANT] = {r: ws for r, ws in hits[SIGNIFICANT].items() if not {w.lower() for w in ws} <= said}
        if not hits[SIGNIFICANT]:
            del hits[SIGNIFICANT]
    out = []
    for flag in _ORDER:
        if flag in hits:
            item = {
                "flag": flag,
                "title": TITLES[flag],
                "raised_by": "rules",
                "rules": [{"rule": r, "words": ws, "source": "rule"} for r, ws in hits[flag].items()],
                "action": ACTIONS[flag],
            }
            if flag != SAFEGUARDING and PRIVATE.search(text):
                item["note"] = PRIVATE_NOTE
            out.append(item)
    return out


def _add(hits: dict, rule, words: list[str], vulnerable: str | None, text: str, received: datetime | None) -> None:
    """Record a rule's words under its flag, with the resident (and cold season) a rule that needs them relied on."""
    if rule.needs:
        words = [*words, vulnerable]
        if rule.needs == "vulnerable_cold" and not _cold_months(received):
            words.append(COLD_WORDS.search(text).group(0))
    said = hits.setdefault(rule.flag, {}).setdefault(rule.name, [])
    said += [w for w in words if w not in said]


def _extra_rules(extra: dict[str, list[str]] | None) -> tuple[Rule, ...]:
    rules = []
    for flag, terms in (extra or {}).items():
        if terms:
            alt = "|".join(re.escape(t.strip()) for t in terms if t.strip())
            rules.append(Rule(flag, "the council's own terms", p(rf"(?<!\w)(?:{alt})(?!\w)"), home=flag != SAFEGUARDING))
    return tuple(rules)


CONFIG_KEYS = {"emergency_terms": EMERGENCY, "significant_terms": SIGNIFICANT, "safeguarding_terms": SAFEGUARDING}


def extra_terms(section: dict | None, *, source: str | None = None) -> dict[str, list[str]]:
    """A council's own terms from the config's `[triage]` table, by flag; E410 for a value that is not a list of words.

    >>> extra_terms({"emergency_terms": ["boiler flue hanging off"]})
    {'emergency_hazard': ['boiler flue hanging off']}
    """
    out: dict[str, list[str]] = {}
    for key in section or {}:
        if key not in CONFIG_KEYS and key not in ("learnt_flags", "learnt_precision"):  # the learnt model's settings
            raise RcaError(
                "E410", f"[triage] has no setting {key!r}; its settings are {', '.join(CONFIG_KEYS)}", file=source, column=f"triage.{key}"
            )
    for key, flag in CONFIG_KEYS.items():
        value = (section or {}).get(key)
        if value is None:
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise RcaError(
                "E410",
                f'[triage] {key} must be a list of words or phrases, such as ["boiler flue hanging off"]; got {value!r}',
                file=source,
                column=f"triage.{key}",
            )
        out[flag] = [v.strip() for v in value]
    return out


def deadlines(flag: str, received: datetime, *, calendar=None) -> list[dict]:
    """The Awaab's Law deadlines for a hazard flag received at `received` (UK time), latest dates.

    Emergency: investigated and made safe within 24 hours. Significant: investigated within 10
    working days; the written summary within 3 working days, and safety works begun within 5
    working days, of the investigation concluding (dates shown if it takes the full 10 days).

    >>> [d["due"] for d in deadlines("significant_hazard", datetime(2025, 12, 19, 10, 0))]
    ['2026-01-07', '2026-01-12', '2026-01-14']
    """
    from datetime import timedelta

    from rca.ingest.working_days import add_working_days

    if flag == EMERGENCY:
        return [
            {
                "what": "investigate and make safe",
                "due": (received + timedelta(hours=24)).isoformat(sep=" ", timespec="minutes"),
                "basis": "within 24 hours of receipt",
            }
        ]
    if flag != SIGNIFICANT:
        return []
    investigate = add_working_days(received.date(), 10, calendar=calendar)
    return [
        {"what": "investigate", "due": investigate.isoformat(), "basis": "within 10 working days of receipt"},
        {
            "what": "written summary to the resident",
            "due": add_working_days(investigate, 3, calendar=calendar).isoformat(),
            "basis": "within 3 working days of the investigation",
        },
        {
            "what": "start safety works",
            "due": add_working_days(investigate, 5, calendar=calendar).isoformat(),
            "basis": "within 5 working days of the investigation",
        },
    ]


def urgent(text: str, *, received: datetime, calendar=None, extra: dict[str, list[str]] | None = None, learnt=True) -> list[dict]:
    """`flags` with each hazard's deadlines (none where the text names a private landlord: the law does not bind one)."""
    out = flags(text, received=received, extra=extra, learnt=learnt)
    for item in out:
        item["deadlines"] = [] if item.get("note") else deadlines(item["flag"], received, calendar=calendar)
    return out


def evaluate(records: list[dict], *, extra: dict[str, list[str]] | None = None, learnt=False) -> dict:
    """Precision and recall of each flag on hand-labelled records ({text, received, emergency_hazard,
    significant_hazard, safeguarding}), with the texts each flag missed or raised wrongly; `learnt` as in `flags`
    (the rules alone by default)."""
    from rca.ingest.received import parse_received

    out = {}
    raised = [
        {f["flag"] for f in flags(r["text"], received=parse_received(r.get("received")), extra=extra, learnt=learnt)} for r in records
    ]
    for flag in _ORDER:
        tp = sum(bool(r[flag]) and flag in got for r, got in zip(records, raised))
        fp = [r["text"] for r, got in zip(records, raised) if not r[flag] and flag in got]
        fn = [r["text"] for r, got in zip(records, raised) if r[flag] and flag not in got]
        out[flag] = {
            "n_labelled": sum(bool(r[flag]) for r in records),
            "n_raised": tp + len(fp),
            "precision": round(tp / (tp + len(fp)), 4) if tp + len(fp) else None,
            "recall": round(tp / (tp + len(fn)), 4) if tp + len(fn) else None,
            "false_positives": fp,
            "missed": fn,
        }
    return out
