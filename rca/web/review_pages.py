"""The review page (server-rendered, works without JavaScript; `review.js` only adds keystrokes).

GET /review signs an officer in with their name and personal token (from
`rca store officers add`), or takes the name from `[serve] trusted_user_header`
when a single-sign-on proxy sets it. The session is an HttpOnly,
SameSite=Strict cookie signed by the server, refused after `[serve]
session_hours` (default 8) or once the officer's token is revoked; forms also
carry a CSRF field. GET /review/work shows the officer's leased case, POST
/review/work/{item_id} records a decision, GET /review/audit lists decisions.

On the case form the first submit button, the one Enter presses, saves the
officer's correction (never the model's suggestion): a correction is a number
key then Enter. "Keep the council's code" (k) keeps the recorded code when the
model disagrees with it; "Confirm" (a) accepts the model's suggestion.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from rca.errors import RcaError
from rca.store.decisions import MAX_COMMENT, decide
from rca.store.officer_names import MAX_OFFICER
from rca.store.trail import decisions_frame
from rca.store.officer_names import officer_name
from rca.store.officers import check_officer_token, officer_active, officers_frame
from rca.store.queue import count_cases, get_item, next_item, queue_summary, release
from rca.web.auth import make_session, read_session, session_seconds, sign, trusted_user_header
from rca.web.review_store import get_store, http_error, records, store_config

HERE = Path(__file__).resolve().parent
COOKIE = "rca_review"
templates = Jinja2Templates(directory=str(HERE / "templates"))
page_router = APIRouter(prefix="/review", include_in_schema=False)
# a queue item number the database can hold (a larger one is a 422, not an overflow inside the store)
ItemId = Annotated[int, PathParam(ge=1, le=2**63 - 1)]


def _key(request: Request) -> str | None:
    return getattr(request.app.state, "token", None)


def _signed_in(request: Request) -> str | None:
    """The officer this request comes from: the trusted proxy header when configured and present, else a
    live, unexpired session cookie of an officer whose token is not revoked; None otherwise."""
    config = store_config(request)
    header = trusted_user_header(config)
    if header and request.headers.get(header):
        raw = request.headers[header]
        try:  # header bytes arrive as latin-1; a proxy sends a name outside ASCII as UTF-8
            raw = raw.encode("latin-1").decode("utf-8")
        except UnicodeError:
            pass
        try:
            return officer_name(raw)
        except RcaError:
            return None
    officer = read_session(_key(request), request.cookies.get(COOKIE), max_age=session_seconds(config))
    if officer is None:
        return None
    return officer if officer_active(get_store(request), officer) else None


def _same(given: str, expected: str) -> bool:
    """Constant-time comparison of two texts; any characters (compare_digest refuses non-ASCII str)."""
    import hmac

    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode("utf-8"))


def _csrf(request: Request, officer: str) -> str:
    return sign(_key(request), "csrf|" + officer)


def _render(request: Request, name: str, status: int = 200, **ctx) -> HTMLResponse:
    return templates.TemplateResponse(request, name, ctx, status_code=status)


def _to_signin() -> RedirectResponse:
    return RedirectResponse("/review", status_code=303)


def _no_store(request: Request, exc: HTTPException) -> HTMLResponse:
    """The page when the store cannot be opened: what is wrong and what to run, never an empty queue."""
    detail = exc.detail if isinstance(exc.detail, dict) else {"code": "", "message": str(exc.detail)}
    return _render(request, "review_nostore.html", exc.status_code, officer=None, code=detail.get("code"), message=detail.get("message"))


def _guarded(handler):
    """Run a page handler; a store that is missing or unreadable gives the honest 503 page."""
    import functools

    @functools.wraps(handler)
    def wrapper(request: Request, *args, **kwargs):
        try:
            return handler(request, *args, **kwargs)
        except HTTPException as exc:
            if exc.status_code == 503:
                return _no_store(request, exc)
            raise

    return wrapper


@page_router.get("")
@_guarded
def review_page(request: Request) -> Response:
    """Sign in (name and personal token), or go straight to the queue."""
    get_store(request)
    if _signed_in(request):
        return RedirectResponse("/review/work", status_code=303)
    return _render(request, "review_signin.html", error=None, officer="", hours=session_seconds(store_config(request)) // 3600)


@page_router.post("/signin")
@_guarded
def review_signin(request: Request, officer: str = Form("", max_length=MAX_OFFICER), token: str = Form("", max_length=500)) -> Response:
    store = get_store(request)
    hours = session_seconds(store_config(request)) // 3600
    try:
        name = officer_name(officer)
    except RcaError as exc:
        return _render(
            request, "review_signin.html", 400, error=f"{exc.detail[:1].upper()}{exc.detail[1:]}. {exc.hint}", officer="", hours=hours
        )
    found = check_officer_token(store, name, token.strip())
    if found is None:
        error = (
            "No officer can sign in yet: add one with `rca store officers add NAME`, which prints their token."
            if officers_frame(store).empty
            else "That name and token do not match a signed-up officer (ask for a new "
            "token with `rca store officers add` if yours was revoked)."
        )
        return _render(request, "review_signin.html", 401, error=error, officer=name, hours=hours)
    resp = RedirectResponse("/review/work", status_code=303)
    resp.set_cookie(
        COOKIE,
        make_session(_key(request), found),
        httponly=True,
        samesite="strict",
        path="/review",
        secure=request.url.scheme == "https",
        max_age=session_seconds(store_config(request)),
    )
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
@_guarded
def review_work(
    request: Request,
    target: Optional[str] = Query(None, max_length=100),
    service: Optional[str] = Query(None, max_length=200),
    saved: Optional[str] = Query(None, max_length=300),
) -> Response:
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
    if r["action"] == "corrected" and r["label"] == r["previous_label"]:
        return f"Kept the council's {what} for case {r['case_id']}: {r['label']}."
    return {
        "accepted": f"Confirmed {what} for case {r['case_id']}: {r['label']}.",
        "corrected": f"Corrected {what} for case {r['case_id']} to {r['label']}.",
    }.get(r["action"], f"Case {r['case_id']} marked not a complaint.")


def _why_empty(store, summary, n_open: int) -> str:
    """Why no case is shown: nothing imported, nothing queued, all decided, or the rest are with others."""
    if count_cases(store) == 0:
        return "nothing_imported"
    if summary.empty:
        return "nothing_queued"
    return "all_done" if n_open == 0 else "others"


def _work_page(request: Request, officer: str, *, target, service, saved=None, error=None, status=200) -> HTMLResponse:
    store = get_store(request)
    try:
        item = next_item(store, officer=officer, target=target, service=service, config=store_config(request))
        summary = queue_summary(store)
        mine = decisions_frame(store, officer=officer).iloc[::-1].head(5)
    except RcaError as exc:
        raise http_error(exc) from exc
    n_open = int(summary["open"].sum()) if len(summary) else 0
    keep = bool(item and item.recorded and item.recorded != item.suggested and item.recorded in item.options)
    return _render(
        request,
        "review_work.html",
        status,
        officer=officer,
        item=item,
        target=target or "",
        service=service or "",
        targets=sorted(set(summary["target"])),
        services=sorted({s for s in summary["service"] if s}),
        n_open=n_open,
        n_decided=int(summary["decided"].sum()) if len(summary) else 0,
        empty=None if item else _why_empty(store, summary, n_open),
        store_url=store.display_url,
        saved=saved,
        error=error,
        keep=keep,
        recent=records(mine),
        csrf=_csrf(request, officer),
    )


def _chosen_label(store, request: Request, item_id: int, action: str, label: list[str]) -> tuple[str, str | None]:
    """(action, code) as the store records them: "keep" is a correction to the council's recorded code."""
    if action == "keep":
        recorded = get_item(store, item_id, config=store_config(request)).recorded
        if not recorded:
            raise RcaError(
                "E503",
                "this case has no recorded code to keep",
                column="action",
                hint="Pick the code with its number key and press Enter, or confirm the suggestion.",
            )
        return "corrected", recorded
    chosen = ";".join(x for x in label if x.strip()) or None
    if action == "corrected" and chosen is None:
        raise RcaError(
            "E503",
            "no code was picked to correct to",
            column="label",
            hint="Press the number of the code (1-9), then Enter; or press a to confirm the suggestion.",
        )
    return action, chosen if action == "corrected" else None


@page_router.post("/work/{item_id}")
@_guarded
def review_work_decide(
    request: Request,
    item_id: ItemId,
    action: str = Form(..., max_length=20),
    label: list[str] = Form([]),
    comment: str = Form("", max_length=MAX_COMMENT),
    csrf: str = Form("", max_length=200),
    target: str = Form("", max_length=100),
    service: str = Form("", max_length=200),
    seen: str = Form("", max_length=30),
) -> Response:
    """Accept, correct, keep the council's code, mark not a complaint, or skip; then on to the next case."""
    officer = _signed_in(request)
    if officer is None:
        return _to_signin()
    number = item_id
    if not _same(csrf, _csrf(request, officer)):
        raise HTTPException(status_code=403, detail={"code": "E402", "message": "form check failed; reload the page"})
    store = get_store(request)
    try:
        if action == "skip":
            if not release(store, number, officer=officer, skip=True):
                raise RcaError(
                    "E502",
                    f"item {number} is not yours to skip: it was decided, or another officer holds it",
                    value=number,
                    hint="Take the case shown now.",
                )
            done = "skip"
        else:
            stored_action, code = _chosen_label(store, request, number, action, label)
            rec = decide(
                store,
                number,
                officer=officer,
                action=stored_action,
                label=code,
                comment=comment or None,
                config=store_config(request),
                seen_suggestion=int(seen) if seen.isdigit() else None,
            )
            done = str(rec.decision_id)
    except RcaError as exc:
        status = http_error(exc).status_code
        return _work_page(request, officer, target=target or None, service=service or None, error=exc.detail or str(exc), status=status)
    return RedirectResponse("/review/work" + _filters_query(target, service, saved=done), status_code=303)


@page_router.get("/audit")
@_guarded
def review_audit(
    request: Request, case_id: Optional[str] = Query(None, max_length=200), officer: Optional[str] = Query(None, max_length=MAX_OFFICER)
) -> Response:
    """Every decision, newest first: who decided what, when, and what it replaced."""
    me = _signed_in(request)
    if me is None:
        return _to_signin()
    try:
        df = decisions_frame(get_store(request), case_id=case_id or None, officer=officer or None)
    except RcaError as exc:
        raise http_error(exc) from exc
    return _render(
        request, "review_audit.html", officer=me, rows=records(df.iloc[::-1].head(500)), n=len(df), case_id=case_id or "", who=officer or ""
    )


@page_router.get("/review.js")
def review_script() -> FileResponse:
    return FileResponse(HERE / "static" / "review.js", media_type="text/javascript")


@page_router.get("/review.css")
def review_style() -> FileResponse:
    return FileResponse(HERE / "static" / "review.css", media_type="text/css")


__all__ = ["page_router", "COOKIE"]
