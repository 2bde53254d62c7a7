"""FastAPI app: the intake page (`GET /`, form `POST /`), the JSON API
(`POST /api/triage`, `POST /api/score`, `GET /api/health`, `GET /api/model`;
the same routes answer without the `/api` prefix too), the review queue when
`rca.web.review` is installed, and local API docs (`/docs`, `/openapi.json`).

The page works without JavaScript: the form posts to `/` and the answer is
rendered on the server (the small script only remembers the token for the
tab). Everything it needs is served from `rca/web/static` (no CDN). Every API
route but health needs the token (see `rca.web.auth`); bodies over the size
limit get 413 (E401), a missing or wrong token 401 (E402), malformed requests
422; errors are JSON `{"detail": {"code", "message"}}` and never echo input.

The model and the similar-case index are loaded once, when the app is made;
each worker process of `uvicorn --workers N` makes its own (see `app_from_env`).

>>> # app = create_app("models/current", token="s3cret")
>>> # uvicorn.run(app, host="127.0.0.1", port=8000)
"""
from __future__ import annotations

import gc
import importlib
import importlib.util
import json
import logging
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

import pandas as pd
from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field

from .. import __version__
from ..config import Config
from ..errors import RcaError
from .api_contract import ERRORS as API_ERRORS, RECEIVED_PATTERN, check_received
from .auth import require_token, resolve_token, token_matches
from .batching import MicroBatcher
from .triage_schema import TriageResponse

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
MAX_BODY_BYTES = 1_000_000
MAX_BATCH = 500
MAX_TEXT_CHARS = 100_000


class TriageRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(..., max_length=MAX_TEXT_CHARS, description="The complaint or request, as written.")
    received: Optional[str] = Field(None, max_length=40, json_schema_extra={"pattern": RECEIVED_PATTERN}, description=(
        "When it arrived (UK time): a date from 1990-01-01 to 2060-12-31, ISO or day first with a four-digit year, "
        "optionally with a time, e.g. '2024-03-28 15:30', '2024-03-28T15:30:00Z', '28/03/2024 15:30'; default now."))
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


def _replay(messages: list, receive):
    """An ASGI receive() that hands back already-read messages first, then the real ones."""
    queue = list(messages)

    async def replay():
        return queue.pop(0) if queue else await receive()

    return replay


class BodyLimit:
    """ASGI middleware: 413 for bodies over `limit` bytes (declared or streamed)."""

    def __init__(self, app, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            return await self._too_large(send)
        if declared is not None:  # the server stops reading at the declared length
            return await self.app(scope, receive, send)
        # streamed (chunked) body: read it here, up to the limit, then replay it to the app
        chunks, seen, more = [], 0, True
        while more:
            msg = await receive()
            if msg["type"] != "http.request":
                return await self.app(scope, _replay([msg], receive), send)
            chunks.append(msg)
            seen += len(msg.get("body", b""))
            if seen > self.limit:
                return await self._too_large(send)
            more = msg.get("more_body", False)
        return await self.app(scope, _replay(chunks, receive), send)

    async def _too_large(self, send) -> None:
        body = json.dumps({"detail": {"code": "E401", "message": f"request body over {self.limit:,} bytes; send smaller batches"}}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


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


def highlight_segments(text: str, phrases: list[str]) -> list[tuple[str, bool]]:
    """`text` cut into (piece, is_evidence) runs: every case-insensitive occurrence of a phrase that starts a
    word is marked ("collect" marks "collected", the lemma's word; "bin" does not mark "combine")."""
    spans = []
    for p in {str(p).lower().strip() for p in phrases if p and str(p).strip()}:
        spans += [m.span() for m in re.finditer(r"(?<!\w)" + re.escape(p), text, re.IGNORECASE)]
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    out, pos = [], 0
    for a, b in merged:
        if a > pos:
            out.append((text[pos:a], False))
        out.append((text[a:b], True))
        pos = b
    if pos < len(text):
        out.append((text[pos:], False))
    return out


@lru_cache(maxsize=1)
def _templates():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))


def render_intake(*, form: dict | None = None, result: dict | None = None, error: str | None = None) -> str:
    """The intake page: the form (refilled with `form`), and the triage `result` or an `error`."""
    form = form or {}
    segments = []
    if result is not None:
        phrases = [e for p in (result.get("predictions") or {}).values() if p for e in p.get("evidence") or []]
        segments = highlight_segments(form.get("text", ""), phrases)
    rows = []  # (heading, element id, suggestion): service and root cause, then a council's own targets
    if result is not None:
        from ..triage import other_suggestions

        rows = [("Service", "service", result.get("service")), ("Root cause", "root_cause", result.get("root_cause"))]
        rows += [(t.replace("_", " ").capitalize(), f"target-{i}", sug) for i, (t, sug) in enumerate(other_suggestions(result).items())]
    return _templates().get_template("index.html").render(form=form, result=result, error=error, segments=segments,
                                                          suggestion_rows=rows)


def _health(bundle, similar, batcher: MicroBatcher | None = None) -> dict:
    manifest = getattr(bundle, "manifest", {}) or {}
    out = {"status": "ok", "version": __version__, "targets": list(bundle.targets),
           "taxonomy": manifest.get("taxonomy_version") or manifest.get("taxonomy"),
           "past_cases": len(similar) if similar is not None else 0}
    if batcher is not None:  # this worker process's triage requests and the passes that served them
        out["triage"] = {"requests": batcher.items, "batches": batcher.batches}
    return out


def _score_items(items: list[ScoreItem], bundle, config: Config) -> list[dict]:
    """Score a small batch like `rca score` does a file; rows in order."""
    from ..score import score_frame

    received = pd.to_datetime(pd.Series([it.received for it in items], dtype=object), errors="coerce",
                              format="mixed", dayfirst=True)
    frame = pd.DataFrame({
        "case_id": [it.case_id if it.case_id is not None else str(i + 1) for i, it in enumerate(items)],
        "text": [it.text for it in items],
        "received": received,
        "complainant_id": [it.complainant_id for it in items],
    })
    frame["rca_issues"] = ["E103 unparseable date: received left blank" if it.received and pd.isna(frame.at[i, "received"]) else ""
                           for i, it in enumerate(items)]
    scored = score_frame(frame, bundle, config=config).drop(columns=["text", "received"])
    return [{k: _jsonable(v) for k, v in rec.items()} for rec in scored.to_dict(orient="records")]


def _received_from_form(value: str) -> str | None:
    """The form's received time: a datetime-local picker sends 2024-03-28T15:30; typed text is kept as typed."""
    value = (value or "").strip()
    return re.sub(r"^(\d{4}-\d{2}-\d{2})T(\d)", r"\1 \2", value) or None


def create_app(model_dir: str | Path | None, *, config: Config | None = None, token: str | None = None,
               bundle=None, similar=None) -> FastAPI:
    """The web app over a trained model folder (or an already loaded `bundle` and `similar` index)."""
    from ..similar import SimilarIndex
    from ..triage import triage, triage_many

    config = config or Config()
    serve_cfg = config.section("serve")
    if bundle is None:
        from ..model_store import load_model

        if model_dir is None or not Path(model_dir).is_dir():
            raise RcaError("E301", file=str(model_dir))
        bundle = load_model(model_dir)
    if similar is None and model_dir is not None:
        similar = SimilarIndex.from_model_dir(model_dir)
    limit = int(serve_cfg.get("max_body_bytes", MAX_BODY_BYTES))
    batcher = MicroBatcher(lambda contacts: triage_many(contacts, bundle=bundle, config=config, similar=similar),
                           max_batch=int(serve_cfg.get("max_triage_batch", 32)))

    app = FastAPI(title="rca: complaint triage and scoring", version=__version__, docs_url=None, redoc_url=None,
                  description="Suggestions for council complaints teams. Send `Authorization: Bearer TOKEN` on every call but /api/health.")
    app.state.token, app.state.token_generated = resolve_token(token, config)
    app.state.bundle, app.state.similar, app.state.config = bundle, similar, config
    app.add_middleware(BodyLimit, limit=limit)
    from .slow_clients import BodyDeadline, setting

    app.add_middleware(BodyDeadline, seconds=setting(config, "body_timeout_seconds"), limit=limit)  # outermost: a stalled body is 408
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    auth = [Depends(require_token)]

    @app.exception_handler(RcaError)
    async def _rca_error(request: Request, exc: RcaError):
        return JSONResponse(status_code=400, content={"detail": {"code": exc.code, "message": exc.public()}})

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")} for e in exc.errors()]
        if request.url.path == "/" and request.method == "POST":  # the form: the page again, with what to fix
            fields = sorted({str(e["loc"][-1]) for e in errors if e["loc"]})
            try:  # the officer's typing is given back, cut to what fits, never lost (the token is not)
                raw = await request.form()
                form = {k: str(raw.get(k) or "")[:limit] for k, limit in (("text", MAX_TEXT_CHARS), ("received", 40),
                                                                             ("complainant_id", 100))}
            except Exception:  # noqa: BLE001 - an unreadable body: the empty form, as before
                form = None
            return HTMLResponse(render_intake(form=form, error=f"Could not read the form ({', '.join(fields) or 'body'}): the "
                                                         f"complaint can be at most {MAX_TEXT_CHARS:,} characters; it was cut "
                                                         "to fit, check the end before sending it again."), status_code=422)
        return JSONResponse(status_code=422, content={"detail": errors})  # never echo the input back

    api = APIRouter()

    @api.get("/health", tags=["service"])
    def health() -> dict:
        """Liveness and what is loaded; no token needed."""
        return _health(bundle, similar, batcher)

    @api.get("/model", dependencies=auth, tags=["service"], responses=API_ERRORS)
    def model_info() -> dict:
        """The loaded model: name, version, training-data hash, taxonomy version, package versions, seed and thresholds
        (never a path on the server)."""
        from .model_summary import model_summary

        return {"targets": list(bundle.targets), "thresholds": {t: float(bundle.threshold(t)) for t in bundle.targets},
                "manifest": model_summary(getattr(bundle, "manifest", {}) or {})}

    @api.post("/triage", dependencies=auth, tags=["triage"], response_model=None,
              responses={200: {"model": TriageResponse, "description": "The triage of one contact"}, **API_ERRORS})
    async def triage_one(req: TriageRequest) -> JSONResponse:
        """Kind of contact (complaint, service request, compliment...), urgent and safeguarding flags with their
        deadlines, service, team, route, root cause, due date, similar cases, duplicate warning."""
        # run on the event loop: a triage is ~2 ms of CPU that holds the GIL anyway, and a hop to the
        # thread pool (plus FastAPI's generic encoder on the way out) cost as much again under load
        res = await batcher.submit({"text": req.text, "received": check_received(req.received), "complainant_id": req.complainant_id})
        res["text_length"] = len(req.text)
        return JSONResponse(content=res)

    @api.post("/score", dependencies=auth, tags=["score"], responses=API_ERRORS)
    def score_batch(req: ScoreRequest) -> dict:
        """Score a small batch (at most 500 items) like `rca score` does a file."""
        return {"items": _score_items(req.items, bundle, config), "targets": list(bundle.targets)}

    app.include_router(api, prefix="/api")
    app.include_router(api, include_in_schema=False)  # the same routes without the prefix

    @app.get("/", include_in_schema=False)
    def index() -> HTMLResponse:
        return HTMLResponse(render_intake())

    @app.post("/", include_in_schema=False)
    def intake(request: Request, text: str = Form("", max_length=MAX_TEXT_CHARS), received: str = Form("", max_length=40),
               token: str = Form("", max_length=500), complainant_id: str = Form("", max_length=100)) -> HTMLResponse:
        """The form without JavaScript: token, text, received and complainant id in, the triage rendered as HTML."""
        form = {"text": text, "received": received, "complainant_id": complainant_id}
        if not token_matches(request, token):
            return HTMLResponse(render_intake(form=form, error="The API token is missing or wrong: paste the token rca serve printed."), status_code=401)
        if not text.strip():
            return HTMLResponse(render_intake(form=form, error="Type or paste the complaint first."), status_code=400)
        try:
            res = triage(text, bundle=bundle, received=_received_from_form(received), config=config, similar=similar,
                         complainant_id=complainant_id.strip() or None)
        except RcaError as exc:
            return HTMLResponse(render_intake(form=form, error=str(exc)), status_code=400)
        return HTMLResponse(render_intake(form=form, result=res))

    @app.get("/docs", include_in_schema=False)
    def docs() -> FileResponse:
        return FileResponse(HERE / "templates" / "docs.html", media_type="text/html")

    # The loaded model, vocabulary and past cases are millions of long-lived objects: move them
    # out of the garbage collector's view, or every full collection walks them all (a pause of
    # tens of milliseconds that lands on whichever request is in flight).
    gc.collect()
    gc.freeze()
    if importlib.util.find_spec(f"{__package__}.review") is not None:
        review = importlib.import_module(f"{__package__}.review")
        app.include_router(review.router)  # its routes carry require_token themselves
        if hasattr(review, "page_router"):
            app.include_router(review.page_router)
    return app


def app_from_env() -> FastAPI:
    """App factory for `uvicorn --factory --workers N rca.web.app:app_from_env`: model folder from
    $RCA_MODEL_DIR, config from $RCA_CONFIG (each worker loads its own copy once)."""
    import os

    from ..config import load_config

    config = load_config(os.environ.get("RCA_CONFIG") or None)
    return create_app(os.environ.get("RCA_MODEL_DIR", "models/current"), config=config)
