"""Kind of contact at intake: complaint, service request, compliment, or a complaint the
council may not accept (a duplicate, not for this council, an appeal...).

The acceptability model learns it. A compliment has no acceptability code in an export
(it was never a complaint), so training reads a blank acceptability on a record whose
`case_type` is a compliment as the code `Compliment` (`training_labels`): the model then
knows compliments as well as the reasons a complaint is not accepted, with one calibrated
confidence and review threshold like every other target.

`decide` turns the model's suggestion into the kind an officer sees. The Complaint
Handling Code's definitions overrule the model where the words are plain: a text that
expresses dissatisfaction is a complaint, however it is worded (a compliment, or a service
request the model is unsure of); a text that only thanks or praises is a compliment when the
model is unsure. A service request the model is sure of (at or above the review threshold that
cross-validation chose on the council's own rows) whose only sign of dissatisfaction is the
word complaint itself ("Dear Complaints Team, can you send someone for my window") stays a
service request, flagged for a person to decide whether it is a complaint. Either way the
answer is flagged for a person to check when the model is below its threshold, a rule
overruled it, or the words and the model disagree.

>>> import pandas as pd
>>> training_labels(pd.DataFrame({"case_type": ["Compliment", "Complaint", "Complaint"],
...                               "acceptability": [None, "Complaint", None]})).tolist()
['Compliment', 'Complaint', None]
>>> kind_of("Duplicate complaint"), kind_of("Service request or enquiry - not a complaint"), kind_of("Compliment")
('duplicate', 'service request', 'compliment')
"""

from __future__ import annotations

import re

import pandas as pd

COMPLAINT = "complaint"
SERVICE_REQUEST = "service request"
COMPLIMENT = "compliment"
COMPLIMENT_CODE = "Compliment"  # the acceptability code training gives a compliment record
DEFINITIONS = {
    COMPLAINT: "an expression of dissatisfaction, however made, about the standard of service, actions or lack of action by the council",
    SERVICE_REQUEST: "a request to the council to provide or fix something (a new bin, a repair, information)",
    COMPLIMENT: "thanks or praise for the council's service; not a complaint and not a request",
}
# an acceptability code (any council's spelling) -> the kind of contact it means; first match wins
_CODE_KINDS = (
    (re.compile(r"compliment|praise|thank", re.I), COMPLIMENT),
    (re.compile(r"service request|enquiry|request for service|not a complaint - request", re.I), SERVICE_REQUEST),
    (re.compile(r"duplicate", re.I), "duplicate"),
    (
        re.compile(r"not for (?:this|the) (?:organisation|council)|other organisation|wrong (?:council|organisation)", re.I),
        "not for this council",
    ),
    (re.compile(r"appeal", re.I), "appeal"),
    (re.compile(r"legal|court|tribunal", re.I), "legal proceedings"),
    (re.compile(r"anonymous", re.I), "anonymous complaint"),
    (re.compile(r"out of time|time limit|too late", re.I), "out of time"),
)
# kinds that are complaints the council may decline to accept: the complaint procedure and its due date still
# apply until someone decides; the reason is shown for that decision
NOT_ACCEPTED_KINDS = ("duplicate", "not for this council", "appeal", "legal proceedings", "anonymous complaint", "out of time")
COMPLIMENT_NOTE = "a compliment is not a complaint: no due date, root cause or complaints procedure; pass the thanks on to the team"
SERVICE_REQUEST_NOTE = (
    "a service request has no complaint time limit: answer it to the service's own standard "
    "for that request; the due date shown applies only if it is logged as a stage 1 complaint"
)


def training_labels(cases: pd.DataFrame, column: str = "acceptability") -> pd.Series:
    """The acceptability codes training learns: the file's, and `Compliment` on compliment records that have none.

    A record keeps any acceptability code it has; rows with neither stay blank (not learnt from)."""
    values = cases[column] if column in cases else pd.Series(None, index=cases.index, dtype=object)
    if "case_type" not in cases:
        return values
    blank = values.isna() | values.astype("string").str.strip().fillna("").eq("")
    compliment = cases["case_type"].astype("string").str.strip().str.lower().eq("compliment").fillna(False).to_numpy()
    return values.astype(object).where(~(blank.to_numpy() & compliment), COMPLIMENT_CODE)


def kind_of(code: str | None) -> str | None:
    """The kind of contact an acceptability code means (`Complaint` and unknown codes: complaint)."""
    if code is None or not str(code).strip():
        return None
    for pattern, kind in _CODE_KINDS:
        if pattern.search(str(code)):
            return kind
    return COMPLAINT


def coarse(kind: str | None) -> str | None:
    """complaint, service request or compliment: what decides the due date and the procedure."""
    return kind if kind in (None, SERVICE_REQUEST, COMPLIMENT) else COMPLAINT


def decide(text: str, suggestion: dict | None, *, unhappy: int, asks: bool, praise: bool, framing: bool = False) -> dict:
    """The kind of contact from the acceptability `suggestion` and the plain signs in the text.

    `unhappy`: how many signs of dissatisfaction the text shows (`rca.scoring.triage.dissatisfaction`);
    `asks`: it asks for something; `praise`: it only thanks or praises (`rca.scoring.case_kind.looks_like_praise`);
    `framing`: the only sign of dissatisfaction is the word complaint itself ("I am writing to make a complaint:
    please pass on my thanks..."), which does not overrule the model's compliment, or a service request it is
    sure of, but asks a person to check.
    Returns {kind, detail, confidence, check, reason}: `kind` complaint / service request / compliment,
    `detail` the finer kind (duplicate, not for this council...), `check` True when a person should confirm."""
    if suggestion and suggestion.get("label"):
        label, conf = suggestion["label"], suggestion.get("confidence")
        unsure = bool(suggestion.get("review"))
        detail = kind_of(label)
        model = coarse(detail)
        said = f"acceptability model: {label}"
        if model == COMPLIMENT and unhappy and framing:
            return _out(
                COMPLIMENT,
                COMPLIMENT,
                conf,
                True,
                f"the text calls itself a complaint but only thanks or praises; please check: {DEFINITIONS[COMPLIMENT]}",
            )
        if model == SERVICE_REQUEST and framing and not unsure:
            # sure by the threshold cross-validation chose on the council's own rows, and the only sign of
            # dissatisfaction is the word complaint itself ("Dear Complaints Team, can you send someone..."): a request
            return _out(
                SERVICE_REQUEST,
                SERVICE_REQUEST,
                conf,
                True,
                f"{said}, above its review threshold; the text calls "
                "itself a complaint but only asks for something: please "
                "check, and log it as a complaint if the resident is "
                f"unhappy with the service: {DEFINITIONS[COMPLAINT]}",
            )
        if model != COMPLAINT and unhappy and not (model == COMPLIMENT and praise):
            return _out(
                COMPLAINT,
                COMPLAINT,
                conf,
                True,
                f"the model suggested a {model}, but the text expresses dissatisfaction, so it is a complaint: {DEFINITIONS[COMPLAINT]}",
            )
        if model == COMPLAINT and unsure and praise:
            return _out(
                COMPLIMENT, COMPLIMENT, conf, True, f"the model was unsure and the text only thanks or praises: {DEFINITIONS[COMPLIMENT]}"
            )
        if model == COMPLAINT and unsure and asks and not unhappy:
            return _out(
                SERVICE_REQUEST,
                SERVICE_REQUEST,
                conf,
                True,
                f"the model was unsure and the text asks for something without expressing dissatisfaction: {DEFINITIONS[SERVICE_REQUEST]}",
            )
        if detail in NOT_ACCEPTED_KINDS:
            said += " (the council may not accept it as a complaint for this reason)"
        return _out(model, detail, conf, unsure, said + ("; below the review threshold: please check" if unsure else ""))
    if unhappy:
        return _out(COMPLAINT, COMPLAINT, None, True, f"the text expresses dissatisfaction: {DEFINITIONS[COMPLAINT]}")
    if praise:
        return _out(COMPLIMENT, COMPLIMENT, None, True, f"the text only thanks or praises: {DEFINITIONS[COMPLIMENT]}")
    if asks:
        return _out(SERVICE_REQUEST, SERVICE_REQUEST, None, True, f"the text asks for something: {DEFINITIONS[SERVICE_REQUEST]}")
    return _out(COMPLAINT, COMPLAINT, None, True, "no acceptability model; treated as a complaint until a person checks")


def _out(kind: str, detail: str, confidence, check: bool, reason: str) -> dict:
    return {"kind": kind, "detail": detail, "confidence": confidence, "check": bool(check), "reason": reason}
