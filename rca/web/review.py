"""Review queue on the web app: the API officers work through, and the page.

API (token required, see `rca.web.auth`):
  GET  /review/next?target=&service=&officer=   lease the next case to this officer ({"item": null} when none)
  POST /review/{item_id}/decision               {"officer", "action": accepted|corrected|not_complaint, "label"?, "comment"?}
  POST /review/{item_id}/release                {"officer", "skip"?}: give a leased case back
  GET  /review/queue?target=&service=&limit=    open items, most useful first, and totals
  GET  /review/decisions?officer=&case_id=      the audit trail
Page (server-rendered, works without JavaScript): GET /review signs an officer
in with their name and the app's token (kept in an HttpOnly, SameSite=Strict
cookie signed with the token; forms also carry a CSRF field), GET /review/work
shows the officer's leased case, POST /review/work/{item_id} records a decision,
GET /review/audit lists decisions. `review.js` only adds keystrokes.

`router` holds the API, `page_router` the page. The store is `app.state.review_store`
when set (see `attach_store`), else opened on first use from the app's config
(`[store] url`), $RCA_STORE_URL, or sqlite:///rca_store.db.

>>> # app = FastAPI(); attach_store(app, open_store("sqlite:///reviews.db"), token="s3cret")
>>> # app.include_router(router); app.include_router(page_router)
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import threading
from pathlib import Path
from typing import Annotated, Literal, Optional
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, Form, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ConfigDict, Field

from ..config import Config
from ..errors import RcaError
from ..store.db import Store, open_store
from ..store.decisions import MAX_COMMENT, MAX_OFFICER, check_officer, decide, decisions_frame
from ..store.queue import next_item, queue_frame, queue_summary, release

try:
    from .auth import require_token
except ImportError:  # pragma: no cover - auth.py ships with the web app
    def require_token(request: Request) -> None:
        raise HTTPException(status_code=503, detail={"code": "E402", "message": "the web app's token check is not installed"})

HERE = Path(__file__).resolve().parent
_LOCK = threading.Lock()
COOKIE = "rca_review"
templates = Jinja2Templates(directory=str(HERE / "templates"))

router = APIRouter(prefix="/review", tags=["review"], dependencies=[Depends(require_token)])
page_router = APIRouter(prefix="/review", include_in_schema=False)


# a queue item number the database can hold (a larger one is a 422, not an overflow inside the store)
ItemId = Annotated[int, PathParam(ge=1, le=2**63 - 1)]


class DecisionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    officer: str = Field(..., min_length=1, max_length=MAX_OFFICER, description="Who is deciding (kept in the audit trail).")
    action: Literal["accepted", "corrected", "not_complaint"]
    label: Optional[str] = Field(None, max_length=1000, description="The code to correct to (';'-separated for multi-label targets).")
    comment: Optional[str] = Field(None, max_length=MAX_COMMENT)
    suggestion_id: Optional[int] = Field(None, ge=1, le=2**63 - 1, description=(
        "The item's suggestion_id when the officer saw it: an acceptance is refused (409) if the case was scored "
        "again since, so nobody confirms a code they were not shown."))


class ReleaseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    officer: str = Field(..., min_length=1, max_length=MAX_OFFICER)
    skip: bool = Field(False, description="Do not offer this case to me again for a while.")


def attach_store(app: FastAPI, store: Store, *, config: Config | None = None, token: str | None = None) -> FastAPI:
    """Give an app its case store (and, for a bare app, its config and token)."""
    app.state.review_store = store
    if config is not None or not hasattr(app.state, "config"):
        app.state.config = config or Config()
    if token is not None:
        app.state.token = token
    return app


def get_store(request: Request) -> Store:
    state = request.app.state
    store = getattr(state, "review_store", None)
    if store is None:
        with _LOCK:
            store = getattr(state, "review_store", None)
            if store is None:
                try:
                    store = open_store(None, config=getattr(state, "config", None))
                except RcaError as exc:
                    raise HTTPException(status_code=503, detail={"code": exc.code, "message": str(exc)}) from exc
                state.review_store = store
    return store


def _config(request: Request) -> Config | None:
    return getattr(request.app.state, "config", None)


def _http(exc: RcaError) -> HTTPException:
    if exc.code == "E502":
        status = 404 if "there is no review item" in exc.detail else 409
    elif exc.code == "E501":
        status = 503  # the database itself
    else:
        status = 400
    return HTTPException(status_code=status, detail={"code": exc.code, "message": exc.public()})


def _records(df) -> list[dict]:
    out = df.astype(object).where(df.notna(), None).to_dict(orient="records")
    for rec in out:
        for k, v in rec.items():
            if hasattr(v, "isoformat"):
                rec[k] = v.isoformat()
    return out


@router.get("/next")
def review_next(request: Request, officer: str = Query(..., min_length=1, max_length=MAX_OFFICER),
                target: Optional[str] = Query(None, max_length=100), service: Optional[str] = Query(None, max_length=200)) -> dict:
    """Lease the most useful open case to `officer` (the same one again if they already hold it)."""
    try:
        item = next_item(get_store(request), officer=officer, target=target or None, service=service or None, config=_config(request))
    except RcaError as exc:
        raise _http(exc) from exc
    return {"item": item.to_dict() if item else None}


@router.post("/{item_id}/decision", status_code=201)
def review_decision(item_id: ItemId, body: DecisionRequest, request: Request) -> dict:
    """Accept, correct or mark not a complaint; 409 (E502) when another officer holds the case or it is decided."""
    try:
        rec = decide(get_store(request), item_id, officer=body.officer, action=body.action, label=body.label,
                     comment=body.comment, config=_config(request), seen_suggestion=body.suggestion_id)
    except RcaError as exc:
        raise _http(exc) from exc
    return {"decision": rec.to_dict()}


@router.post("/{item_id}/release")
def review_release(item_id: ItemId, body: ReleaseRequest, request: Request) -> dict:
    """Give a leased case back to the queue."""
    try:
        ok = release(get_store(request), item_id, officer=body.officer, skip=body.skip)
    except RcaError as exc:
        raise _http(exc) from exc
    return {"released": ok}


@router.get("/queue")
def review_queue(request: Request, target: Optional[str] = Query(None, max_length=100), service: Optional[str] = Query(None, max_length=200),
                 limit: int = Query(50, ge=1, le=1000)) -> dict:
    """Open items, most useful first, and per target and service totals."""
    try:
        store = get_store(request)
        items = queue_frame(store, target=target or None, service=service or None, limit=limit)
        summary = queue_summary(store)
    except RcaError as exc:
        raise _http(exc) from exc
    return {"items": _records(items), "summary": _records(summary)}


@router.get("/decisions")
def review_decisions(request: Request, officer: Optional[str] = Query(None, max_length=MAX_OFFICER),
                     case_id: Optional[str] = Query(None, max_length=200), limit: int = Query(200, ge=1, le=10_000)) -> dict:
    """The audit trail, newest first: who decided what, when."""
    try:
        df = decisions_frame(get_store(request), officer=officer or None, case_id=case_id or None)
    except RcaError as exc:
        raise _http(exc) from exc
    return {"decisions": _records(df.iloc[::-1].head(limit))}


# --------------------------------------------------------------------------- page
def _sign(token: str, text: str) -> str:
    return hmac.new(str(token).encode(), text.encode(), hashlib.sha256).hexdigest()


def _signed_in(request: Request) -> str | None:
    """The officer named by a valid sign-in cookie, else None."""
    token = getattr(request.app.state, "token", None)
    raw = request.cookies.get(COOKIE, "")
    name_b64, _, sig = raw.partition(".")
    if not token or not sig:
        return None
    try:
        officer = base64.urlsafe_b64decode(name_b64.encode()).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    return officer if _same(sig, _sign(token, "officer|" + officer)) else None


def _same(given: str, expected: str) -> bool:
    """Constant-time comparison of two texts; any characters (compare_digest refuses non-ASCII str)."""
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode("utf-8"))


def _csrf(request: Request, officer: str) -> str:
    return _sign(request.app.state.token, "csrf|" + officer)


def _render(request: Request, name: str, status: int = 200, **ctx) -> HTMLResponse:
    return templates.TemplateResponse(request, name, ctx, status_code=status)


def _to_signin() -> RedirectResponse:
    return RedirectResponse("/review", status_code=303)


@page_router.get("")
def review_page(request: Request) -> Response:
    """Sign in (name and the app's token), or go straight to the queue."""
    if _signed_in(request):
        return RedirectResponse("/review/work", status_code=303)
    return _render(request, "review_signin.html", error=None, officer="")


@page_router.post("/signin")
def review_signin(request: Request, officer: str = Form("", max_length=MAX_OFFICER),
                  token: str = Form("", max_length=500)) -> Response:
    expected = getattr(request.app.state, "token", None)
    try:
        name = check_officer(officer)
    except RcaError:
        return _render(request, "review_signin.html", 400, error="Enter your name: the audit trail records who decided each code.", officer=officer)
    if not expected or not hmac.compare_digest(token.strip().encode(), str(expected).encode()):
        return _render(request, "review_signin.html", 401, error="That token is not this server's token (rca serve prints it).", officer=name)
    resp = RedirectResponse("/review/work", status_code=303)
    value = base64.urlsafe_b64encode(name.encode()).decode() + "." + _sign(expected, "officer|" + name)
    resp.set_cookie(COOKIE, value, httponly=True, samesite="strict", path="/review",
                    secure=request.url.scheme == "https")
    return resp


@page_router.post("/signout")
def review_signout() -> Response:
    resp = _to_signin()
    resp.delete_cookie(COOKIE, path="/review")
    return resp


def _filters_query(target: str | None, service: str | None, **extra) -> str:
    q = {k: v for k, v in {"target": target, "service": service, **extra}.items() if v not in (None, "")}
    return ("?" + urlencode(q)) if q else ""


@page_router.get("/work")
def review_work(request: Request, target: Optional[str] = Query(None, max_length=100),
                service: Optional[str] = Query(None, max_length=200), saved: Optional[str] = Query(None, max_length=300)) -> Response:
    """Lease this officer's next case (the same one on a reload) and show it."""
    officer = _signed_in(request)
    if officer is None:
        return _to_signin()
    return _work_page(request, officer, target=target or None, service=service or None, saved=_saved_message(request, officer, saved))


_SKIPPED = "Skipped: the case goes back to the queue for someone else."


def _saved_message(request: Request, officer: str, saved: str | None) -> str | None:
    """What the status box says after a decision: composed here from the officer's own decision
    (`saved` carries its number, or "skip"), never text from the address bar."""
    if saved == "skip":
        return _SKIPPED
    if not saved or not saved.isdigit():
        return None
    trail = decisions_frame(get_store(request), officer=officer)
    rec = trail[trail["decision_id"] == int(saved)]
    if rec.empty:
        return None
    r = rec.iloc[0]
    what = str(r["target"]).replace("_", " ")
    return {"accepted": f"Confirmed {what} for case {r['case_id']}: {r['label']}.",
            "corrected": f"Corrected {what} for case {r['case_id']} to {r['label']}.",
            }.get(r["action"], f"Case {r['case_id']} marked not a complaint.")


def _work_page(request: Request, officer: str, *, target, service, saved=None, error=None, status=200) -> HTMLResponse:
    store = get_store(request)
    try:
        item = next_item(store, officer=officer, target=target, service=service, config=_config(request))
        summary = queue_summary(store)
        mine = decisions_frame(store, officer=officer).iloc[::-1].head(5)
    except RcaError as exc:
        raise _http(exc) from exc
    return _render(request, "review_work.html", status, officer=officer, item=item, target=target or "", service=service or "",
                   targets=sorted(set(summary["target"])), services=sorted({s for s in summary["service"] if s}),
                   n_open=int(summary["open"].sum()) if len(summary) else 0, saved=saved, error=error,
                   recent=_records(mine), csrf=_csrf(request, officer))


@page_router.post("/work/{item_id}")
def review_work_decide(request: Request, item_id: ItemId, action: str = Form(..., max_length=20),
                       label: list[str] = Form([]), comment: str = Form("", max_length=MAX_COMMENT),
                       csrf: str = Form("", max_length=200), target: str = Form("", max_length=100),
                       service: str = Form("", max_length=200), seen: str = Form("", max_length=30)) -> Response:
    """Accept, correct, mark not a complaint, or skip; then on to the next case."""
    officer = _signed_in(request)
    if officer is None:
        return _to_signin()
    if not _same(csrf, _csrf(request, officer)):
        raise HTTPException(status_code=403, detail={"code": "E402", "message": "form check failed; reload the page"})
    store = get_store(request)
    try:
        if action == "skip":
            if not release(store, item_id, officer=officer, skip=True):
                raise RcaError("E502", f"item {item_id} is not yours to skip: it was decided, or another officer holds it",
                               value=item_id, hint="Take the case shown now.")
            done = "skip"
        else:
            chosen = ";".join(x for x in label if x.strip()) or None
            rec = decide(store, item_id, officer=officer, action=action, label=chosen if action == "corrected" else None,
                         comment=comment or None, config=_config(request),
                         seen_suggestion=int(seen) if seen.isdigit() else None)
            done = str(rec.decision_id)
    except RcaError as exc:
        status = _http(exc).status_code
        return _work_page(request, officer, target=target or None, service=service or None, error=exc.detail or str(exc), status=status)
    return RedirectResponse("/review/work" + _filters_query(target, service, saved=done), status_code=303)


@page_router.get("/audit")
def review_audit(request: Request, case_id: Optional[str] = Query(None, max_length=200),
                 officer: Optional[str] = Query(None, max_length=MAX_OFFICER)) -> Response:
    """Every decision, newest first: who decided what, when, and what it replaced."""
    me = _signed_in(request)
    if me is None:
        return _to_signin()
    try:
        df = decisions_frame(get_store(request), case_id=case_id or None, officer=officer or None)
    except RcaError as exc:
        raise _http(exc) from exc
    return _render(request, "review_audit.html", officer=me, rows=_records(df.iloc[::-1].head(500)), n=len(df),
                   case_id=case_id or "", who=officer or "")


@page_router.get("/review.js")
def review_script() -> FileResponse:
    return FileResponse(HERE / "static" / "review.js", media_type="text/javascript")


@page_router.get("/review.css")
def review_style() -> FileResponse:
    return FileResponse(HERE / "static" / "review.css", media_type="text/css")


__all__ = ["router", "page_router", "attach_store", "get_store"]
