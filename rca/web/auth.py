"""API token: required on every API route except /health.

The token comes from `create_app(token=...)`, else env `RCA_API_TOKEN`, else
config `[serve] token`; when none is set a random one is made for the session
(and `rca serve` prints it). Comparison is constant-time (`hmac.compare_digest`). Clients send `Authorization: Bearer TOKEN` (or
`X-API-Token: TOKEN`). Other routers (e.g. `rca.web.review`) protect their
routes with `Depends(require_token)`: the shared token is for machine clients.

Officers sign in to the review page as themselves (a personal token from
`rca store officers add`); their session cookie is made and read here
(`make_session`, `read_session`), lasting `[serve] session_hours`. With
`[serve] trusted_user_header` set, a single-sign-on proxy's header names them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time

from fastapi import HTTPException, Request

from rca.config import Config
from rca.errors import RcaError
from rca.settings import ServeSection

ENV_VAR = "RCA_API_TOKEN"


def _serve(config: Config | None) -> ServeSection:
    """The `[serve]` table, validated, its defaults filled in from the schema."""
    return (config or Config()).section_as(ServeSection, "serve")


def resolve_token(token: str | None = None, config: Config | None = None) -> tuple[str, bool]:
    """(token, generated): the configured token, or a fresh random one."""
    for candidate in (token, os.environ.get(ENV_VAR), _serve(config).token):
        if candidate is not None and str(candidate).strip():
            return str(candidate).strip(), False
    return secrets.token_urlsafe(24), True


def _presented(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    scheme, _, value = auth.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.headers.get("x-api-token")


def token_matches(request: Request, presented: str | None) -> bool:
    """Whether `presented` is the app's token (constant-time comparison)."""
    expected = getattr(request.app.state, "token", None)
    if not expected or not presented:
        return False
    return hmac.compare_digest(str(presented).strip().encode(), str(expected).encode())


async def require_token(request: Request) -> None:
    """FastAPI dependency (async: a check this cheap should not hop to a thread): 401 (E402) unless the request carries the app's token."""
    if not token_matches(request, _presented(request)):
        raise HTTPException(
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
            detail={"code": "E402", "message": "missing or wrong API token; send Authorization: Bearer TOKEN"},
        )


# --------------------------------------------------------------------------- officers' sessions
# The review page's sign-in cookie: the officer's name and when the session began, signed (HMAC-SHA256)
# with the server's key; it is refused once `[serve] session_hours` have passed.
def session_seconds(config: Config | None) -> int:
    """`[serve] session_hours` as seconds; E202 (rca.settings.ServeSection) unless a positive number."""
    return int(_serve(config).session_hours * 3600)


def trusted_user_header(config: Config | None) -> str | None:
    """`[serve] trusted_user_header`: the header a single-sign-on proxy puts the signed-in user's name in
    (off unless set; only safe behind a proxy that removes the header from clients' requests)."""
    raw = _serve(config).trusted_user_header
    if raw is None or raw == "" or raw is False:
        return None
    if not isinstance(raw, str) or not raw.strip() or not all(c.isalnum() or c == "-" for c in raw.strip()):
        raise RcaError(
            "E202",
            f'[serve] trusted_user_header must be a header name such as "X-Remote-User", got {raw!r}',
            file=(config.source if config else None),
            column="trusted_user_header",
            value=raw,
        )
    return raw.strip().lower()


def sign(key: str, text: str) -> str:
    return hmac.new(str(key).encode(), text.encode("utf-8"), hashlib.sha256).hexdigest()


def make_session(key: str, officer: str, *, now: float | None = None) -> str:
    """The cookie value for `officer`, issued `now` (seconds since the epoch)."""
    issued = int(now if now is not None else time.time())
    name = base64.urlsafe_b64encode(officer.encode("utf-8")).decode()
    return f"{name}.{issued}.{sign(key, f'officer|{officer}|{issued}')}"


def read_session(key: str | None, raw: str | None, *, max_age: int, now: float | None = None) -> str | None:
    """The officer a cookie names when its signature is right and it is under `max_age` seconds old, else None."""
    parts = (raw or "").split(".")
    if not key or len(parts) != 3 or not parts[1].isdigit():
        return None
    try:
        officer = base64.urlsafe_b64decode(parts[0].encode()).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    issued = int(parts[1])
    if not hmac.compare_digest(parts[2].encode("utf-8", "surrogatepass"), sign(key, f"officer|{officer}|{issued}").encode()):
        return None
    age = (now if now is not None else time.time()) - issued
    return officer if 0 <= age < max_age else None
