"""The intake page: `GET /` the form, `POST /` the form sent without JavaScript (the triage
rendered on the server), and `GET /docs`, the local API documentation."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse

from rca.errors import RcaError
from rca.web.auth import token_matches
from rca.web.routes_api import MAX_TEXT_CHARS, Served

HERE = Path(__file__).resolve().parent


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
        from rca.scoring.triage import other_suggestions

        rows = [("Service", "service", result.get("service")), ("Root cause", "root_cause", result.get("root_cause"))]
        rows += [(t.replace("_", " ").capitalize(), f"target-{i}", sug) for i, (t, sug) in enumerate(other_suggestions(result).items())]
    return _templates().get_template("index.html").render(form=form, result=result, error=error, segments=segments, suggestion_rows=rows)


def received_from_form(value: str) -> str | None:
    """The form's received time: a datetime-local picker sends 2024-03-28T15:30; typed text is kept as typed."""
    value = (value or "").strip()
    return re.sub(r"^(\d{4}-\d{2}-\d{2})T(\d)", r"\1 \2", value) or None


router = APIRouter(include_in_schema=False)


@router.get("/")
def index() -> HTMLResponse:
    return HTMLResponse(render_intake())


@router.post("/")
def intake(
    request: Request,
    s: Served,
    text: str = Form("", max_length=MAX_TEXT_CHARS),
    received: str = Form("", max_length=40),
    token: str = Form("", max_length=500),
    complainant_id: str = Form("", max_length=100),
) -> HTMLResponse:
    """The form without JavaScript: token, text, received and complainant id in, the triage rendered as HTML."""
    from rca.scoring.triage import triage

    form = {"text": text, "received": received, "complainant_id": complainant_id}
    if not token_matches(request, token):
        return HTMLResponse(
            render_intake(form=form, error="The API token is missing or wrong: paste the token rca serve printed."), status_code=401
        )
    if not text.strip():
        return HTMLResponse(render_intake(form=form, error="Type or paste the complaint first."), status_code=400)
    try:
        res = triage(
            text,
            bundle=s.bundle,
            received=received_from_form(received),
            config=s.config,
            similar=s.similar,
            complainant_id=complainant_id.strip() or None,
        )
    except RcaError as exc:
        return HTMLResponse(render_intake(form=form, error=str(exc)), status_code=400)
    return HTMLResponse(render_intake(form=form, result=res))


@router.get("/docs")
def docs() -> FileResponse:
    return FileResponse(HERE / "templates" / "docs.html", media_type="text/html")
