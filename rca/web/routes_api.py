"""The JSON API's routes: `GET /api/health`, `GET /api/model`, `POST /api/triage`, `POST /api/score`
(`rca.web.app` also serves them without the `/api` prefix). What they serve (the loaded model,
the similar-case index, the config and the triage batcher) is the app's `Serving`, on `app.state`."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Any, Optional

import pandas as pd
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from rca import __version__
from rca.config import Config
from rca.web.api_contract import ERRORS as API_ERRORS, RECEIVED_PATTERN, check_received
from rca.web.auth import require_token
from rca.web.batching import MicroBatcher
from rca.web.triage_schema import TriageResponse

MAX_BATCH = 500
MAX_TEXT_CHARS = 100_000


@dataclass
class Serving:
    """What the routes answer from, loaded once when the app is made."""

    bundle: Any
    similar: Any  # rca.scoring.similar.SimilarIndex, or None
    config: Config
    batcher: MicroBatcher


def serving(request: Request) -> Serving:
    """The app's `Serving` (a route dependency)."""
    return request.app.state.serving


Served = Annotated[Serving, Depends(serving)]


class TriageRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(..., max_length=MAX_TEXT_CHARS, description="The complaint or request, as written.")
    received: Optional[str] = Field(
        None,
        max_length=40,
        json_schema_extra={"pattern": RECEIVED_PATTERN},
        description=(
            "When it arrived (UK time): a date from 1990-01-01 to 2060-12-31, ISO or day first with a four-digit year, "
            "optionally with a time, e.g. '2024-03-28 15:30', '2024-03-28T15:30:00Z', '28/03/2024 15:30'; default now."
        ),
    )
    complainant_id: Optional[str] = Field(None, max_length=200, description="For the duplicate check.")


class ScoreItem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    case_id: Optional[str] = Field(None, max_length=200)
    text: str = Field(..., max_length=MAX_TEXT_CHARS)
    received: Optional[str] = Field(None, max_length=40)
    complainant_id: Optional[str] = Field(None, max_length=200)


class ScoreRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[ScoreItem] = Field(..., min_length=1, max_length=MAX_BATCH)


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return _jsonable(value.item())
    if value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat(sep=" ")
    return value


def _health(bundle, similar, batcher: MicroBatcher | None = None) -> dict:
    manifest = getattr(bundle, "manifest", {}) or {}
    out = {
        "status": "ok",
        "version": __version__,
        "targets": list(bundle.targets),
        "taxonomy": manifest.get("taxonomy_version") or manifest.get("taxonomy"),
        "past_cases": len(similar) if similar is not None else 0,
    }
    if batcher is not None:  # this worker process's triage requests and the passes that served them
        out["triage"] = {"requests": batcher.items, "batches": batcher.batches}
    return out


def _score_items(items: list[ScoreItem], bundle, config: Config) -> list[dict]:
    """Score a small batch like `rca score` does a file; rows in order."""
    from rca.scoring.score import score_frame

    received = pd.to_datetime(pd.Series([it.received for it in items], dtype=object), errors="coerce", format="mixed", dayfirst=True)
    frame = pd.DataFrame(
        {
            "case_id": [it.case_id if it.case_id is not None else str(i + 1) for i, it in enumerate(items)],
            "text": [it.text for it in items],
            "received": received,
            "complainant_id": [it.complainant_id for it in items],
        }
    )
    frame["rca_issues"] = [
        "E103 unparseable date: received left blank" if it.received and pd.isna(frame.at[i, "received"]) else ""
        for i, it in enumerate(items)
    ]
    scored = score_frame(frame, bundle, config=config).drop(columns=["text", "received"])
    return [{k: _jsonable(v) for k, v in rec.items()} for rec in scored.to_dict(orient="records")]


router = APIRouter()
auth = [Depends(require_token)]


@router.get("/health", tags=["service"])
def health(s: Served) -> dict:
    """Liveness and what is loaded; no token needed."""
    return _health(s.bundle, s.similar, s.batcher)


@router.get("/model", dependencies=auth, tags=["service"], responses=API_ERRORS)
def model_info(s: Served) -> dict:
    """The loaded model: name, version, training-data hash, taxonomy version, package versions, seed and thresholds
    (never a path on the server)."""
    from rca.web.model_summary import model_summary

    bundle = s.bundle
    return {
        "targets": list(bundle.targets),
        "thresholds": {t: float(bundle.threshold(t)) for t in bundle.targets},
        "manifest": model_summary(getattr(bundle, "manifest", {}) or {}),
    }


@router.post(
    "/triage",
    dependencies=auth,
    tags=["triage"],
    response_model=None,
    responses={200: {"model": TriageResponse, "description": "The triage of one contact"}, **API_ERRORS},
)
async def triage_one(req: TriageRequest, s: Served) -> JSONResponse:
    """Kind of contact (complaint, service request, compliment...), urgent and safeguarding flags with their
    deadlines, service, team, route, root cause, due date, similar cases, duplicate warning."""
    # run on the event loop: a triage is ~2 ms of CPU that holds the GIL anyway, and a hop to the
    # thread pool (plus FastAPI's generic encoder on the way out) cost as much again under load
    res = await s.batcher.submit({"text": req.text, "received": check_received(req.received), "complainant_id": req.complainant_id})
    res["text_length"] = len(req.text)
    return JSONResponse(content=res)


@router.post("/score", dependencies=auth, tags=["score"], responses=API_ERRORS)
def score_batch(req: ScoreRequest, s: Served) -> dict:
    """Score a small batch (at most 500 items) like `rca score` does a file."""
    return {"items": _score_items(req.items, s.bundle, s.config), "targets": list(s.bundle.targets)}
