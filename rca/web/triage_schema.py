"""The answer of `POST /api/triage`, typed, so the OpenAPI document describes every field
(kind of contact, urgent and safeguarding flags with their deadlines, the due date...).

The route still sends the dict `rca.scoring.triage.triage` builds (the models document it and a test
checks the two agree), so the encoder's cost stays off the hot path.
"""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, Field


class Alternative(BaseModel):
    label: str
    probability: float


class Suggestion(BaseModel):
    label: Optional[str] = Field(None, description="The suggested code (none for an empty text).")
    confidence: float = Field(..., description="Calibrated probability that the code is right.")
    review: bool = Field(..., description="Below the review threshold (or no learnt word): a person should check.")
    threshold: float
    evidence: list[str] = Field(default_factory=list, description="Words of the text that drove the suggestion.")
    alternatives: list[Alternative] = Field(default_factory=list)


class Ombudsman(BaseModel):
    name: str
    reason: str


class Deadline(BaseModel):
    what: str = Field(..., description="What must be done, e.g. 'investigate and make safe'.")
    due: str = Field(..., description="Latest date (YYYY-MM-DD), or date and time for the 24-hour emergency deadline.")
    basis: str = Field(..., description="How it is counted, e.g. 'within 10 working days of receipt'.")


class FlagRule(BaseModel):
    rule: str = Field(
        ..., description="The rule that raised the flag, e.g. 'gas smell or leak', or 'learnt model, score 0.87 (raises at 0.55)'."
    )
    words: list[str] = Field(
        ..., description="The words of the text that matched it (for the learnt model: the words that drove its score)."
    )
    source: Literal["rule", "learnt model"] = Field("rule", description="A rule on the words, or the learnt flag model.")


class UrgentFlag(BaseModel):
    flag: Literal["emergency_hazard", "significant_hazard", "safeguarding"]
    title: str
    raised_by: Literal["rules", "learnt model", "rules and learnt model"] = Field(
        "rules", description="Which raised the flag: the rules, the learnt model, or both (a contact is flagged when either does)."
    )
    rules: list[FlagRule]
    action: str = Field(..., description="What to do today.")
    note: Optional[str] = Field(None, description="E.g. a private landlord: Awaab's Law deadlines do not apply.")
    deadlines: list[Deadline] = Field(default_factory=list, description="Awaab's Law deadlines for a hazard in the home.")


class TriageResponse(BaseModel):
    kind: Optional[Literal["complaint", "service request", "compliment"]] = Field(
        ..., description="Kind of contact: decides the procedure and the due date (none for an empty text)."
    )
    contact_kind: Optional[str] = Field(
        ..., description="The finer kind: complaint, service request, compliment, duplicate, not for this council, appeal..."
    )
    kind_confidence: Optional[float] = Field(..., description="The acceptability model's calibrated confidence.")
    kind_check: bool = Field(
        ..., description="True when a person should confirm the kind (below threshold, or a rule overruled the model)."
    )
    kind_reason: str
    service_level: Optional[str] = Field(..., description="A service request's or a compliment's handling note (no complaint time limit).")
    definitions: dict[str, str]
    service: Optional[Suggestion]
    team: Optional[str]
    route: Optional[str] = Field(..., description="corporate, adult_social_care or childrens_social_care; none for a compliment.")
    route_reason: str
    statutory: bool
    ombudsman: Optional[Ombudsman]
    root_cause: Optional[Suggestion]
    acceptability: Optional[Suggestion]
    predictions: dict[str, Optional[Suggestion]]
    received: str
    effective_received: str
    due: Optional[str] = Field(..., description="Stage 1 response due date; none for a compliment.")
    working_days: Optional[int]
    similar: list[dict[str, Any]]
    duplicate: Optional[dict[str, Any]]
    urgent: list[UrgentFlag] = Field(
        ...,
        description="Emergency or significant hazards in the home (Awaab's Law) and "
        "safeguarding flags, most urgent first, each with its rule and words.",
    )
    issues: list[str] = Field(..., description="Every warning about this answer; show them all to the officer.")
    text_length: int
