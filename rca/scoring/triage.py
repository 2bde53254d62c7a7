"""Triage one contact at intake: complaint or service request, service and
team, statutory route, likely root cause (with confidence and evidence), the
response due date in working days, similar past cases and a duplicate warning.

Complaint or service request follows the Complaint Handling Code: a service
request asks the council to provide or fix something; a complaint is an
expression of dissatisfaction, however made. The acceptability model decides
when it is confident; otherwise, and when its answer contradicts plain
dissatisfaction, the definitions decide.

Example (with a trained model)::

    triage("My bin has not been collected for three weeks", bundle=load_model("models/current"),
           received="2024-03-28 14:30")["due"]     # before the 3 pm cut-off; Good Friday and Easter Monday
    # -> '2024-04-15'
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime

import numpy as np
import pandas as pd

from rca.config import Config
from rca.ingest.received import parse_received
from rca.ingest.contact_kind import COMPLIMENT, COMPLIMENT_NOTE, DEFINITIONS, SERVICE_REQUEST, SERVICE_REQUEST_NOTE, decide
from rca.scoring.evidence import predict_with_evidence
from rca.scoring.case_kind import REQUEST, dissatisfaction, looks_like_praise
from rca.scoring.hazards import extra_terms, urgent
from rca.settings import TriageSection
from rca.text.redact import redact
from rca.scoring.similar import SimilarIndex
from rca.ingest.working_days import due_date, effective_received, target_days

ACCEPTED = "Complaint"
REQUEST_LABEL = "Service request or enquiry - not a complaint"

# words that put a complaint in a statutory social-care procedure whatever service the model suggests
_CHILDRENS_SOCIAL_CARE = re.compile(
    r"\b(child protection|looked[- ]after (?:child|children)|care leavers?|leaving care (?:team|service|grant)|"
    r"fostering|foster (?:carers?|care|placements?|parents?|child|children|famil(?:y|ies)|allowances?)|"
    r"children'?s social care|(?:taken|went|was put|were put|placed) into care|in (?:foster|local authority) care|"
    r"care orders?|child in need|special guardianship|adoption (?:team|agency|order|placement|support)|"
    r"adopted (?:son|daughter|child))\b",
    re.IGNORECASE,
)
# with a Children's Services suggestion, a social worker also means social care (not SEND or admissions)
_CHILDRENS_SOCIAL_WORK = re.compile(
    r"\b(social workers?|family support|child'?s plan|"
    r"contact with my (?:son|daughter|child|children))\b",
    re.IGNORECASE,
)
_ADULT_SOCIAL_CARE = re.compile(
    r"\b(adult social care|care package|package of care|care home|nursing home|home care|carers?'? assessment|"
    r"care assessment|direct payments? for (?:my|his|her|their|our) care|reablement|domiciliary care|care workers?|carers? (?:did not|didn't|never) (?:come|turn up|arrive))\b",
    re.IGNORECASE,
)
# landlord matters go to the Housing Ombudsman, everything else to the LGSCO (DOMAIN.md, step 6)
_LANDLORD = re.compile(
    r"\b(council (?:flat|house|home|property|tenant)|my tenancy|tenancy|tenants?|landlord|repairs?|damp|mould|"
    r"leak\w*|estate (?:office|officer)|housing officer|rent account|service charges?)\b",
    re.IGNORECASE,
)
HOUSING_OMBUDSMAN = "Housing Ombudsman"
LGSCO = "Local Government and Social Care Ombudsman"

CHILDRENS_WHY = "Children's social care: statutory complaint (Children Act 1989, three stages)"
ADULTS_WHY = "Adult Social Care: statutory complaint (2009 regulations, single stage)"


def route_for(service: str | None, text: str, team: str | None = None) -> tuple[str, str]:
    """Statutory route by service, team and the words of the complaint; (route, why).

    Plain social-care words ("foster carer", "care package") put a complaint in its
    statutory procedure even where the suggested service is another one: the
    procedure follows what the complaint is about, and a person checks the reason."""
    s = (service or "").lower()
    if "adult social care" in s:
        return "adult_social_care", ADULTS_WHY
    social_team = any(w in (team or "").lower() for w in ("social care", "leaving care", "social work"))
    children = _CHILDRENS_SOCIAL_CARE.search(text)
    if "children" in s and (social_team or children or _CHILDRENS_SOCIAL_WORK.search(text)):
        return "childrens_social_care", CHILDRENS_WHY
    if children:
        return "childrens_social_care", (
            f"{CHILDRENS_WHY}: the text mentions {children.group(0)!r}, although the service suggested is {service or 'none'}; check"
        )
    if "children" in s:
        return "corporate", "Children's Services, not social care (e.g. SEND, admissions): corporate procedure"
    adults = _ADULT_SOCIAL_CARE.search(text)
    if adults:
        return "adult_social_care", (
            f"{ADULTS_WHY}: the text mentions {adults.group(0)!r}, although the service suggested is {service or 'none'}; check"
        )
    return "corporate", "corporate complaints procedure"


_LANDLORD_SERVICES = ("housing management", "repairs", "tenancy", "tenant", "estate", "landlord", "leasehold")
_NOT_LANDLORD = ("homeless", "options", "needs", "benefit", "allocation", "register", "advice", "standards")


def ombudsman_for(route: str, service: str | None, text: str, team: str | None = None) -> dict:
    """Which Ombudsman the complainant can go to once the council's procedure is finished.

    The Housing Ombudsman for the council's landlord services (repairs, tenancy and
    estate management), the Local Government and Social Care Ombudsman for everything
    else, social care, homelessness and housing allocations included."""
    s = " ".join(x for x in (service, team) if x).lower()
    if route == "corporate":
        landlord_service = any(w in s for w in _LANDLORD_SERVICES) or ("housing" in s and not any(w in s for w in _NOT_LANDLORD))
        if landlord_service or (not s and _LANDLORD.search(text)):
            return {
                "name": HOUSING_OMBUDSMAN,
                "reason": "a complaint about the council as landlord (if it is the tenant's landlord); "
                "the final response must give the Housing Ombudsman's details",
            }
    return {
        "name": LGSCO,
        "reason": "the final response (or a refusal to accept the complaint) must give the "
        "Local Government and Social Care Ombudsman's details",
    }


_COMPLAINT_WORD = re.compile(r"\bcomplain\w*", re.IGNORECASE)


def contact_kind(text: str, acceptability: dict | None) -> dict:
    """Kind of contact (complaint, service request, compliment; the finer kind; confidence; check flag; reason)
    from the acceptability suggestion and the Code's definitions (`rca.ingest.contact_kind.decide`)."""
    unhappy = dissatisfaction(text)
    return decide(
        text,
        acceptability,
        unhappy=unhappy,
        asks=bool(REQUEST.search(text)),
        praise=looks_like_praise(text),
        framing=bool(unhappy) and not dissatisfaction(_COMPLAINT_WORD.sub(" ", text)),
    )


def classify_kind(text: str, acceptability: dict | None) -> tuple[str, float | None, str]:
    """Complaint, service request or compliment from the acceptability prediction and the Code's definitions."""
    out = contact_kind(text, acceptability)
    return out["kind"], out["confidence"], out["reason"]


def _suggestion(bundle, preds: dict, evidence: dict, target: str, i: int | None) -> dict | None:
    """Target `target`'s suggestion for row `i` of a batch's predictions (None: no text, or no such target)."""
    if target not in preds or i is None:
        return None
    p = preds[target]
    label = p.labels[i] or None
    alternatives = []
    if getattr(p, "proba", None) is not None and getattr(p, "classes", None) is not None:
        row = p.proba[i]
        for j in sorted(range(len(row)), key=lambda j: -row[j])[:3]:
            alternatives.append({"label": str(p.classes[j]), "probability": round(float(row[j]), 3)})
    return {
        "label": label,
        "confidence": round(float(p.confidence[i]), 3),
        "review": bool(p.review[i]),
        "threshold": round(float(bundle.threshold(target)), 3),
        "evidence": list(evidence[target][i]) if label else [],
        "alternatives": alternatives,
    }


_SHINGLES = None


def _shingles(text: str) -> set[str]:
    """Words and word pairs, as `rca score`'s duplicate finder compares them (lower case, same tokens)."""
    global _SHINGLES
    if _SHINGLES is None:
        from sklearn.feature_extraction.text import CountVectorizer

        _SHINGLES = CountVectorizer(ngram_range=(1, 2), lowercase=True).build_analyzer()
    return set(_SHINGLES(text))


def text_overlap(a: str, b: str) -> float:
    """Jaccard similarity of two texts' words and word pairs (what `[score] duplicate_threshold` is a bound on)."""
    sa, sb = _shingles(a), _shingles(b)
    return len(sa & sb) / len(sa | sb) if sa or sb else 0.0


def _duplicate(
    similar: SimilarIndex,
    sims: np.ndarray | None,
    received: datetime,
    *,
    window_days: int,
    threshold: float,
    complainant_id: str | None,
    text: str = "",
    candidates: int = 5,
) -> dict | None:
    """The latest past case in the window from the same complainant, else the past case in the window whose
    words and word pairs overlap the text's by at least `threshold` (as `rca score` decides; the TF-IDF
    similarity only picks the few past cases to compare)."""
    end = pd.Timestamp(received)
    times = similar._received_ns()
    in_window = (times >= (end - pd.Timedelta(days=window_days)).value) & (times <= end.value)
    ids = similar.complainants() if complainant_id and str(complainant_id).strip() else None
    if ids is not None:
        same = (ids == str(complainant_id).strip()) & in_window
        if same.any():
            j = int(np.flatnonzero(same)[np.argmax(times[same])])
            return {"case_id": str(similar.cases.at[j, "case_id"]), "reason": "same complainant", "received": str(similar.received_[j])}
    if sims is None or not len(sims):
        return None
    sims = np.where(in_window, sims, 0.0)
    # word-overlap above the threshold goes with a TF-IDF cosine well above half of it: the few past cases
    # below that cannot be duplicates, and most contacts have none above it (no redaction or shingling then)
    floor = 0.5 * threshold
    near = [j for j in np.argsort(-sims)[:candidates] if sims[j] >= floor]
    if not near:
        return None
    mine = redact(text)
    overlaps = [(text_overlap(mine, str(similar.texts[j])), j) for j in near]
    best, j = max(overlaps, key=lambda o: (o[0], sims[o[1]]))
    if best >= threshold:
        return {
            "case_id": str(similar.cases.at[j, "case_id"]),
            "reason": "near-identical text",
            "similarity": round(float(best), 3),
            "received": str(similar.received_[j]),
        }
    return None


def triage(
    text: str,
    *,
    bundle,
    received: str | datetime | None = None,
    config: Config | None = None,
    similar: SimilarIndex | None = None,
    complainant_id: str | None = None,
    k_similar: int = 3,
) -> dict:
    """Everything an intake officer needs for one contact, as a JSON-ready dict.

    `similar` is the past-case index (`SimilarIndex.from_model_dir(model_dir)`);
    without it there are no similar cases, team suggestion or duplicate warning.
    """
    return triage_many(
        [{"text": text, "received": received, "complainant_id": complainant_id}],
        bundle=bundle,
        config=config,
        similar=similar,
        k_similar=k_similar,
    )[0]


def triage_many(
    contacts: list[dict], *, bundle, config: Config | None = None, similar: SimilarIndex | None = None, k_similar: int = 3
) -> list[dict]:
    """`triage` for several contacts at once (dicts with `text` and optional `received`,
    `complainant_id`): each result is what `triage` gives for that contact alone.

    The texts are prepared, featurised, predicted and searched against past
    cases together, so a server can serve the requests that queued while it
    was busy in one pass. A bad `received` raises RcaError (E103) before any work.
    """
    from rca.scoring.score import ScoreSettings

    config = config or Config()
    settings = ScoreSettings.from_config(config)
    texts = [str(c.get("text") or "") for c in contacts]
    whens = [parse_received(c.get("received"), dayfirst=config.dayfirst) for c in contacts]
    live = [i for i, t in enumerate(texts) if t.strip()]
    preds, evidence = ({}, {})
    if live:
        preds, evidence = predict_with_evidence(bundle, [texts[i][: settings.max_text_chars] for i in live], k=settings.evidence_terms)
    have_past = similar is not None and len(similar) > 0
    sims = similar.scores([texts[i] for i in live]) if have_past and live else None
    row_of = {i: r for r, i in enumerate(live)}
    return [
        _triage_one(
            texts[i],
            whens[i],
            contacts[i].get("complainant_id"),
            row_of.get(i),
            preds,
            evidence,
            sims,
            bundle=bundle,
            config=config,
            settings=settings,
            similar=similar if have_past else None,
            k_similar=k_similar,
        )
        for i in range(len(contacts))
    ]


def other_suggestions(result: dict) -> dict:
    """A triage result's suggestions for targets beyond the ones it names (service, root cause,
    acceptability): a council's own targets, such as a theme or category column."""
    named = {"service", "root_cause", "acceptability"}
    return {t: s for t, s in (result.get("predictions") or {}).items() if t not in named}


def _triage_one(
    text: str,
    when: datetime,
    complainant_id: str | None,
    row: int | None,
    preds: dict,
    evidence: dict,
    sims: np.ndarray | None,
    *,
    bundle,
    config: Config,
    settings,
    similar: SimilarIndex | None,
    k_similar: int,
) -> dict:
    """One contact's result from the batch's predictions (`row` is its row in them; None when its text is empty)."""
    issues: list[str] = []
    result: dict = {"kind": None, "received": when.isoformat(sep=" ", timespec="minutes")}
    if row is None:
        issues.append("empty text: nothing to suggest; a person should look")
    later = (getattr(bundle, "manifest", None) or {}).get("applies_from_stage") or {}
    # a new contact is at stage 1: codes the model only learnt from later stages (escalation reasons) do not apply
    suggestions = {t: _suggestion(bundle, preds, evidence, t, row) for t in bundle.targets if t not in later}
    if row is not None and settings.evidence_terms > 0 and not any(evidence[t][row] for t in evidence):
        # "!!!", emoji, a string of one letter: no word the model learnt from, so its tags are only its priors
        issues.append("none of the text's words is one the model learnt from: the suggestions are guesses; a person should look")
        for sug in suggestions.values():
            if sug:
                sug["review"] = True
    acc = suggestions.get("acceptability")
    contact = contact_kind(text, acc)
    kind, kind_conf, why = contact["kind"], contact["confidence"], contact["reason"]
    service = suggestions.get("service")
    service_label = service["label"] if service else None
    own = sims[row] if sims is not None and row is not None else None
    hits = similar.top(own, k=max(k_similar, 10), before=pd.Timestamp(when)) if own is not None else []
    teams = Counter(h.get("team") for h in hits if h.get("team") and h.get("service") == service_label)
    team = teams.most_common(1)[0][0] if teams else None
    route, route_why = route_for(service_label, text, team)
    ombudsman = ombudsman_for(route, service_label, text, team)
    start = effective_received(when, calendar=config.calendar)
    due = due_date(when, stage="1", route=route, calendar=config.calendar)
    long_enough = len(text.split()) >= 5  # "More staff" twice is not a duplicate
    result.update(
        {
            "kind": kind,
            "kind_confidence": kind_conf,
            "kind_reason": why,
            "kind_check": contact["check"],
            "contact_kind": contact["detail"],
            "service_level": None,
            "definitions": DEFINITIONS,
            "service": service,
            "team": team,
            "route": route,
            "route_reason": route_why,
            "statutory": route != "corporate",
            "ombudsman": ombudsman,
            "root_cause": suggestions.get("root_cause"),
            "acceptability": acc,
            "predictions": suggestions,
            "effective_received": start.isoformat(),
            "due": due.isoformat(),
            "working_days": target_days("1", route, calendar=config.calendar),
            "similar": hits[:k_similar],
            "duplicate": _duplicate(
                similar,
                own if long_enough else None,
                when,
                window_days=settings.duplicate_window_days,
                threshold=settings.duplicate_threshold,
                complainant_id=complainant_id,
                text=text,
            )
            if similar is not None
            else None,
            "urgent": urgent(
                text,
                received=when,
                calendar=config.calendar,
                extra=extra_terms(config.section("triage"), source=config.source),
                learnt=config.section_as(TriageSection, "triage").learnt_flags,  # rules OR the learnt model
            ),
            "issues": issues,
        }
    )
    if row is None:
        result.update({"kind": None, "contact_kind": None, "kind_check": True, "kind_reason": "empty text"})
    elif kind == SERVICE_REQUEST:
        result["service_level"] = SERVICE_REQUEST_NOTE
        issues.append(SERVICE_REQUEST_NOTE)
    elif kind == COMPLIMENT:  # not a complaint: no complaint procedure, code, due date or Ombudsman
        result.update(
            {
                "service_level": COMPLIMENT_NOTE,
                "route": None,
                "route_reason": COMPLIMENT_NOTE,
                "statutory": False,
                "ombudsman": None,
                "root_cause": None,
                "due": None,
                "working_days": None,
            }
        )
        result["predictions"] = {t: s for t, s in suggestions.items() if t not in ("root_cause", "escalation_reason")}
        issues.append(COMPLIMENT_NOTE)
    if row is not None and contact["check"]:
        issues.append(f"kind of contact ({kind}) is uncertain: please check before acting on it")
    return result
