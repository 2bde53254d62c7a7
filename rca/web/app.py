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

Example::

    app = create_app("models/current", token="s3cret")
    uvicorn.run(app, host="127.0.0.1", port=8000)
"""

from __future__ import annotations

import gc
import importlib
import importlib.util
import json
import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from rca import __version__
from rca.config import Config
from rca.errors import RcaError
from rca.settings import ServeSection
from rca.web import routes_api, routes_pages
from rca.web.auth import resolve_token
from rca.web.batching import MicroBatcher
from rca.web.routes_api import MAX_TEXT_CHARS, Serving
from rca.web.routes_pages import render_intake

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
MAX_BODY_BYTES = ServeSection().max_body_bytes  # the default; `[serve] max_body_bytes` sets it


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
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})


def create_app(
    model_dir: str | Path | None, *, config: Config | None = None, token: str | None = None, bundle=None, similar=None
) -> FastAPI:
    """The web app over a trained model folder (or an already loaded `bundle` and `similar` index)."""
    config = config or Config()
    limit = config.section_as(ServeSection, "serve").max_body_bytes
    bundle, similar = _load(model_dir, bundle, similar)
    app = FastAPI(
        title="rca: complaint triage and scoring",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        description="Suggestions for council complaints teams. Send `Authorization: Bearer TOKEN` on every call but /api/health.",
    )
    app.state.token, app.state.token_generated = resolve_token(token, config)
    app.state.bundle, app.state.similar, app.state.config = bundle, similar, config
    app.state.serving = Serving(bundle=bundle, similar=similar, config=config, batcher=_batcher(bundle, similar, config))
    _add_limits(app, config, limit)
    app.add_exception_handler(RcaError, _rca_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(routes_api.router, prefix="/api")
    app.include_router(routes_api.router, include_in_schema=False)  # the same routes without the prefix
    app.include_router(routes_pages.router)
    # The loaded model, vocabulary and past cases are millions of long-lived objects: move them
    # out of the garbage collector's view, or every full collection walks them all (a pause of
    # tens of milliseconds that lands on whichever request is in flight).
    gc.collect()
    gc.freeze()
    _include_review(app)
    return app


def _load(model_dir: str | Path | None, bundle, similar) -> tuple:
    """The model and the similar-case index: those given, else loaded from `model_dir` (E301 if it is not a folder)."""
    from rca.scoring.similar import SimilarIndex

    if bundle is None:
        from rca.model.store import load_model

        if model_dir is None or not Path(model_dir).is_dir():
            raise RcaError("E301", file=str(model_dir))
        bundle = load_model(model_dir)
    if similar is None and model_dir is not None:
        similar = SimilarIndex.from_model_dir(model_dir)
    return bundle, similar


def _batcher(bundle, similar, config: Config) -> MicroBatcher:
    """Triage requests that arrive together served in one pass of the model."""
    from rca.scoring.triage import triage_many

    return MicroBatcher(
        lambda contacts: triage_many(contacts, bundle=bundle, config=config, similar=similar),
        max_batch=config.section_as(ServeSection, "serve").max_triage_batch,
    )


def _add_limits(app: FastAPI, config: Config, limit: int) -> None:
    """Bodies over `limit` bytes get 413; a body that stalls gets 408 (the outermost check)."""
    from rca.web.slow_clients import BodyDeadline, setting

    app.add_middleware(BodyLimit, limit=limit)
    app.add_middleware(BodyDeadline, seconds=setting(config, "body_timeout_seconds"), limit=limit)


async def _rca_error(request: Request, exc: RcaError) -> JSONResponse:
    return JSONResponse(status_code=400, content={"detail": {"code": exc.code, "message": exc.public()}})


async def _invalid(request: Request, exc: RequestValidationError):
    """422: the JSON API lists what is wrong (never echoing the input); the form gets the page again."""
    errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")} for e in exc.errors()]
    if request.url.path == "/" and request.method == "POST":  # the form: the page again, with what to fix
        fields = sorted({str(e["loc"][-1]) for e in errors if e["loc"]})
        try:  # the officer's typing is given back, cut to what fits, never lost (the token is not)
            raw = await request.form()
            form = {k: str(raw.get(k) or "")[:limit] for k, limit in (("text", MAX_TEXT_CHARS), ("received", 40), ("complainant_id", 100))}
        except Exception:  # noqa: BLE001 - an unreadable body: the empty form
            form = None
        return HTMLResponse(
            render_intake(
                form=form,
                error=f"Could not read the form ({', '.join(fields) or 'body'}): the "
                f"complaint can be at most {MAX_TEXT_CHARS:,} characters; it was cut "
                "to fit, check the end before sending it again.",
            ),
            status_code=422,
        )
    return JSONResponse(status_code=422, content={"detail": errors})  # never echo the input back


def _include_review(app: FastAPI) -> None:
    """The review queue's routes, when `rca.web.review` is installed (they carry require_token themselves)."""
    if importlib.util.find_spec(f"{__package__}.review") is not None:
        review = importlib.import_module(f"{__package__}.review")
        app.include_router(review.router)
        if hasattr(review, "page_router"):
            app.include_router(review.page_router)


def app_from_env() -> FastAPI:
    """App factory for `uvicorn --factory --workers N rca.web.app:app_from_env`: model folder from
    $RCA_MODEL_DIR, config from $RCA_CONFIG (each worker loads its own copy once)."""
    import os

    from rca.config import load_config

    config = load_config(os.environ.get("RCA_CONFIG") or None)
    return create_app(os.environ.get("RCA_MODEL_DIR", "models/current"), config=config)
