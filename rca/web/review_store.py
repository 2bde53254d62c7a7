"""The case store behind the review API and page.

`app.state.review_store` when set (see `attach_store`), else opened on first
use from the URL the server was given (`rca serve --store`, `[store] url`,
$RCA_STORE_URL). The store must already exist: a missing SQLite file or an
empty database is E504 and no URL at all E505 (both 503), never a new empty
store that would look like finished work.

Example::

    app = FastAPI(); attach_store(app, open_store("sqlite:///reviews.db"), token="s3cret")
"""

from __future__ import annotations

import threading

from fastapi import FastAPI, HTTPException, Request

from rca.config import Config
from rca.errors import RcaError
from rca.store.db import Store, configured_url, open_store

_LOCK = threading.Lock()


def attach_store(app: FastAPI, store: Store, *, config: Config | None = None, token: str | None = None) -> FastAPI:
    """Give an app its case store (and, for a bare app, its config and token)."""
    app.state.review_store = store
    if config is not None or not hasattr(app.state, "config"):
        app.state.config = config or Config()
    if token is not None:
        app.state.token = token
    return app


def open_review_store(config: Config | None) -> Store:
    """The configured store, which must exist (E504) and be named (E505)."""
    url = configured_url(None, config=config)
    if url is None:
        raise RcaError("E505", "the review queue has no case store: rca serve was started without --store")
    return open_store(url, config=config, must_exist=True)


def get_store(request: Request) -> Store:
    """The app's store, opened once; 503 with E504/E505/E501 when it cannot be."""
    state = request.app.state
    store = getattr(state, "review_store", None)
    if store is None:
        with _LOCK:
            store = getattr(state, "review_store", None)
            if store is None:
                try:
                    store = open_review_store(getattr(state, "config", None))
                except RcaError as exc:
                    raise HTTPException(status_code=503, detail={"code": exc.code, "message": exc.public()}) from exc
                state.review_store = store
    return store


def store_config(request: Request) -> Config | None:
    return getattr(request.app.state, "config", None)


def http_error(exc: RcaError) -> HTTPException:
    """The HTTP answer for a store error: 404 no such item, 409 someone else's case, 503 the database, else 400."""
    if exc.code == "E502":
        status = 404 if "there is no review item" in exc.detail else 409
    elif exc.code == "E501":
        status = 503  # the database itself
    else:
        status = 400
    return HTTPException(status_code=status, detail={"code": exc.code, "message": exc.public()})


def records(df) -> list[dict]:
    """A frame as JSON-ready records (times as ISO text, blanks as None)."""
    out = df.astype(object).where(df.notna(), None).to_dict(orient="records")
    for rec in out:
        for k, v in rec.items():
            if hasattr(v, "isoformat"):
                rec[k] = v.isoformat()
    return out


__all__ = ["attach_store", "get_store", "open_review_store", "store_config", "http_error", "records"]
