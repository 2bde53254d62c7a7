"""API token: required on every API route except /health.

The token comes from `create_app(token=...)`, else env `RCA_API_TOKEN`, else
config `[serve] token`; when none is set a random one is made for the session
(and `rca serve` prints it). Comparison is constant-time (`hmac.compare_digest`). Clients send `Authorization: Bearer TOKEN` (or
`X-API-Token: TOKEN`). Other routers (e.g. `rca.web.review`) protect their
routes with `Depends(require_token)`.
"""
from __future__ import annotations

import hmac
import os
import secrets

from fastapi import HTTPException, Request

from ..config import Config

ENV_VAR = "RCA_API_TOKEN"


def resolve_token(token: str | None = None, config: Config | None = None) -> tuple[str, bool]:
    """(token, generated): the configured token, or a fresh random one."""
    for candidate in (token, os.environ.get(ENV_VAR), (config or Config()).section("serve").get("token")):
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
        raise HTTPException(status_code=401, headers={"WWW-Authenticate": "Bearer"},
                            detail={"code": "E402", "message": "missing or wrong API token; send Authorization: Bearer TOKEN"})
