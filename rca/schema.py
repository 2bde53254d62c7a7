"""The canonical case record: field names, kinds and what each one unlocks.

Every loader produces a DataFrame with these column names (those the export
has), plus `source_row`: the 1-based line/row number in the original file
(the header is row 1, so the first case is row 2 in a CSV or spreadsheet).
Columns the mapping does not name are kept unchanged after the canonical ones,
so any labelled column can still be a training target.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # "id", "text", "datetime", "label", "multi_label", "number", "int", "str"
    description: str
    required: bool = False


FIELDS: tuple[Field, ...] = (
    Field("case_id", "id", "Case reference; row numbers serve when the export has none", required=True),
    Field("received", "datetime", "When the contact was received (3 pm cut-off applies)", required=True),
    Field("text", "text", "Free-text description of the complaint", required=True),
    Field("case_type", "label", "Complaint (the default when absent) or Compliment"),
    Field("channel", "label", "Web form, Email, Phone, Letter, In person"),
    Field("service", "label", "Service / department the case belongs to"),
    Field("team", "str", "Team within the service"),
    Field("stage", "label", "1, 2, 3 or ombudsman"),
    Field("route", "label", "corporate, adult_social_care or childrens_social_care"),
    Field("parent_case_id", "str", "For a stage 2/3 record: the case id of the stage it escalated from"),
    Field("acceptability", "label", "Complaint, or the reason it was not accepted"),
    Field("outcome", "label", "Upheld, Partly upheld, Not upheld, Resolved on receipt, Withdrawn"),
    Field("root_cause", "label", "What went wrong"),
    Field("escalation_reason", "multi_label", "Why a stage 2 complaint came back; several per case, ';'-separated"),
    Field("corrective_action", "multi_label", "Actions recorded on upheld cases, ';'-separated"),
    Field("compensation", "number", "Compensation paid, in pounds"),
    Field("responded", "datetime", "When the response was sent"),
    Field("due", "datetime", "Response due date as recorded by the case system"),
    Field("extension_days", "int", "Working days of agreed extension"),
    Field("delay_reason", "label", "Why a late response was late"),
    Field("ward", "str", "Electoral ward"),
    Field("postcode", "str", "Postcode of the complainant or location"),
    Field("complainant_id", "str", "Identifier of the complainant, when the system has one"),
)

BY_NAME = {f.name: f for f in FIELDS}
CANONICAL = tuple(f.name for f in FIELDS)
REQUIRED_TO_SCORE = ("text",)  # id and received are filled in (row numbers / absent) when missing
DATETIME_FIELDS = tuple(f.name for f in FIELDS if f.kind == "datetime")
LABEL_FIELDS = tuple(f.name for f in FIELDS if f.kind in ("label", "multi_label"))
SOURCE_ROW = "source_row"

# The targets `rca train` learns when given no --target and the columns exist.
STAGE_RANK = {"1": 1, "2": 2, "3": 3, "ombudsman": 4}  # complaint stages in the order a case goes through them

DEFAULT_TARGETS = ("root_cause", "escalation_reason", "acceptability", "service")
