"""Review queue on the web app: the API officers' tools work through, and the page.

API (the shared API token, for machine clients; see `rca.web.auth`):
  GET  /review/next?target=&service=&officer=   lease the next case to this officer ({"item": null} when none)
  POST /review/{item_id}/decision               {"officer", "action": accepted|corrected|not_complaint, "label"?, "comment"?}
  POST /review/{item_id}/release                {"officer", "skip"?}: give a leased case back
  GET  /review/queue?target=&service=&limit=    open items, most useful first, and totals
  GET  /review/decisions?officer=&case_id=      the audit trail
The page, where officers sign in as themselves, is `rca.web.review_pages`
(`page_router`); the store is found by `rca.web.review_store`.

Example::

    app = FastAPI(); attach_store(app, open_store("sqlite:///reviews.db"), token="s3cret")
    app.include_router(router); app.include_router(page_router)
"""

from __future__ import annotations

from typing import Annotated, Literal, Optional

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi import Path as PathParam
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from rca.errors import RcaError
from rca.store.decisions import MAX_COMMENT, decide
from rca.store.officer_names import MAX_OFFICER
from rca.store.trail import decisions_frame
from rca.store.queue import next_item, queue_frame, queue_summary, release
from rca.web.api_contract import OFFICER_PATTERN, REVIEW_ERRORS, check_api_officer
from rca.web.review_store import attach_store, get_store, http_error as _http, records as _records, store_config as _config

try:
    from rca.web.auth import require_token
except ImportError:  # pragma: no cover - auth.py ships with the web app

    def require_token(request: Request) -> None:
        raise HTTPException(status_code=503, detail={"code": "E402", "message": "the web app's token check is not installed"})


router = APIRouter(prefix="/review", tags=["review"], dependencies=[Depends(require_token)], responses=REVIEW_ERRORS)
# the officer a machine client names: the names `rca.web.api_contract.OFFICER_PATTERN` describes (422 otherwise)
Officer = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_OFFICER,
        json_schema_extra={"pattern": OFFICER_PATTERN},
        description="Who is deciding (kept in the audit trail): letters of one script, digits, . ' _ @ -, single spaces.",
    ),
]


# a queue item number the database can hold (a larger one is a 422, not an overflow inside the store)
ItemId = Annotated[int, PathParam(ge=1, le=2**63 - 1)]


class DecisionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    officer: Officer
    action: Literal["accepted", "corrected", "not_complaint"]
    label: Optional[str] = Field(None, max_length=1000, description="The code to correct to (';'-separated for multi-label targets).")
    comment: Optional[str] = Field(None, max_length=MAX_COMMENT)
    suggestion_id: Optional[int] = Field(
        None,
        ge=1,
        le=2**63 - 1,
        description=(
            "The item's suggestion_id when the officer saw it: an acceptance is refused (409) if the case was scored "
            "again since, so nobody confirms a code they were not shown."
        ),
    )


class ReleaseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    officer: Officer
    skip: StrictBool = Field(False, description="Do not offer this case to me again for a while.")


@router.get("/next")
def review_next(
    request: Request,
    officer: str = Query(..., min_length=1, max_length=MAX_OFFICER, json_schema_extra={"pattern": OFFICER_PATTERN}),
    target: Optional[str] = Query(None, max_length=100),
    service: Optional[str] = Query(None, max_length=200),
) -> dict:
    """Lease the most useful open case to `officer` (the same one again if they already hold it)."""
    try:
        item = next_item(
            get_store(request), officer=check_api_officer(officer), target=target or None, service=service or None, config=_config(request)
        )
    except RcaError as exc:
        raise _http(exc) from exc
    return {"item": item.to_dict() if item else None}


@router.post("/{item_id}/decision", status_code=201)
def review_decision(item_id: ItemId, body: DecisionRequest, request: Request) -> dict:
    """Accept, correct or mark not a complaint; 409 (E502) when another officer holds the case or it is decided."""
    try:
        rec = decide(
            get_store(request),
            item_id,
            officer=check_api_officer(body.officer),
            action=body.action,
            label=body.label,
            comment=body.comment,
            config=_config(request),
            seen_suggestion=body.suggestion_id,
        )
    except RcaError as exc:
        raise _http(exc) from exc
    return {"decision": rec.to_dict()}


@router.post("/{item_id}/release")
def review_release(item_id: ItemId, body: ReleaseRequest, request: Request) -> dict:
    """Give a leased case back to the queue."""
    try:
        ok = release(get_store(request), item_id, officer=check_api_officer(body.officer), skip=body.skip)
    except RcaError as exc:
        raise _http(exc) from exc
    return {"released": ok}


@router.get("/queue")
def review_queue(
    request: Request,
    target: Optional[str] = Query(None, max_length=100),
    service: Optional[str] = Query(None, max_length=200),
    limit: int = Query(50, ge=1, le=1000),
) -> dict:
    """Open items, most useful first, and per target and service totals."""
    try:
        store = get_store(request)
        items = queue_frame(store, target=target or None, service=service or None, limit=limit)
        summary = queue_summary(store)
    except RcaError as exc:
        raise _http(exc) from exc
    return {"items": _records(items), "summary": _records(summary)}


@router.get("/decisions")
def review_decisions(
    request: Request,
    officer: Optional[str] = Query(None, max_length=MAX_OFFICER),
    case_id: Optional[str] = Query(None, max_length=200),
    limit: int = Query(200, ge=1, le=10_000),
) -> dict:
    """The audit trail, newest first: who decided what, when."""
    try:
        df = decisions_frame(get_store(request), officer=officer or None, case_id=case_id or None)
    except RcaError as exc:
        raise _http(exc) from exc
    return {"decisions": _records(df.iloc[::-1].head(limit))}


from rca.web.review_pages import page_router  # noqa: E402  (the page, after the API it sits beside)

__all__ = ["router", "page_router", "attach_store", "get_store"]
