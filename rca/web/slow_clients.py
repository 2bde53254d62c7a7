"""Time limits for slow clients, so a few stalled connections cannot hold the server.

- `BodyDeadline` (ASGI): the whole request body must arrive within
  `[serve] body_timeout_seconds` of the headers; else 408 (E509)
  and the connection is closed. The body is read before the app runs (at most
  the size limit; a larger declared body is left for the 413 check).
- `HeaderTimeoutH11` (uvicorn protocol): a connection whose request headers
  are not complete within `[serve] header_timeout_seconds` of
  their first byte (or of the connection opening) is closed, for the first
  request and for every later one on a kept-alive connection (uvicorn itself
  only times out idle keep-alive connections, and stops that clock when a
  byte arrives).
- `uvicorn_settings(config)`: those and `timeout_keep_alive` (`[serve]
  keep_alive_seconds`) and a 64 KiB cap on an incomplete header
  block, for `uvicorn.run`.

Their defaults are `rca.settings.ServeSection`'s (docs/config.md).

>>> setting(None, "keep_alive_seconds")
5
"""

from __future__ import annotations

import asyncio
import json
import os

from uvicorn.protocols.http.h11_impl import H11Protocol

from rca.config import Config
from rca.settings import ServeSection

HEADER_ENV = "RCA_HEADER_TIMEOUT"  # the header limit for worker processes (set by `rca serve`)
MAX_HEADER_BYTES = 64 * 1024


def setting(config: Config | None, key: str) -> float:
    """A `[serve]` time limit in seconds (`key`: body_timeout_seconds, header_timeout_seconds or keep_alive_seconds);
    E202 (rca.settings.ServeSection) unless a number above 0, at most 3600."""
    return getattr((config or Config()).section_as(ServeSection, "serve"), key)


def uvicorn_settings(config: Config | None) -> dict:
    """Keyword arguments for `uvicorn.run`: keep-alive timeout, header-size cap, and the header-timeout protocol."""
    os.environ[HEADER_ENV] = str(setting(config, "header_timeout_seconds"))
    return {
        "timeout_keep_alive": setting(config, "keep_alive_seconds"),
        "h11_max_incomplete_event_size": MAX_HEADER_BYTES,
        "http": HeaderTimeoutH11,
    }


class HeaderTimeoutH11(H11Protocol):
    """uvicorn's h11 protocol, closing a connection whose request headers have not all arrived in time."""

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_limit = float(os.environ.get(HEADER_ENV) or ServeSection().header_timeout_seconds)
        self._header_timer = None
        self._arm(None)

    def _arm(self, waiting_after) -> None:
        """Close the connection unless a request newer than `waiting_after` (a finished cycle, or None) starts in time."""
        self._header_timer = self.loop.call_later(self._header_limit, self._headers_too_slow, waiting_after)

    def _headers_too_slow(self, waiting_after) -> None:
        self._header_timer = None
        if self.cycle is waiting_after and not self.transport.is_closing():  # no new request's headers in time
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        # bytes of a next request on a kept-alive connection: uvicorn has stopped its idle clock, so start ours
        between = self.cycle is not None and self.cycle.response_complete
        if between and self._header_timer is None and not self.transport.is_closing():
            self._arm(self.cycle)

    def on_response_complete(self) -> None:
        if self._header_timer is not None:  # the request it waited for has come; a later one gets its own clock
            self._header_timer.cancel()
            self._header_timer = None
        super().on_response_complete()

    def connection_lost(self, exc) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
        super().connection_lost(exc)


class BodyDeadline:
    """ASGI middleware: the request body within `seconds` of the headers, or 408 (E509) and the connection closed."""

    def __init__(self, app, seconds: float, limit: int) -> None:
        self.app, self.seconds, self.limit = app, seconds, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            return await self.app(scope, receive, send)  # refused by the size check without reading
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.seconds
        messages, seen = [], 0
        while True:
            try:
                msg = await asyncio.wait_for(receive(), timeout=max(deadline - loop.time(), 0.001))
            except asyncio.TimeoutError:
                return await self._too_slow(send)
            messages.append(msg)
            if msg["type"] != "http.request":
                break
            seen += len(msg.get("body", b""))
            if not msg.get("more_body", False) or seen > self.limit:
                break
        queue = list(messages)

        async def replay():
            return queue.pop(0) if queue else await receive()

        return await self.app(scope, replay, send)

    async def _too_slow(self, send) -> None:
        body = json.dumps(
            {
                "detail": {
                    "code": "E509",
                    "message": f"the request body did not arrive within {self.seconds:g} seconds; send the whole request at once",
                }
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 408,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


__all__ = ["BodyDeadline", "HeaderTimeoutH11", "uvicorn_settings", "setting"]
