"""The header time limit of `HeaderTimeoutH11` on a real uvicorn server in this process (a tiny app behind it):
the first request's headers and a later request's headers on a kept-alive connection must both arrive in time."""

from __future__ import annotations

import socket
import threading
import time

import pytest
import uvicorn

from rca.web.slow_clients import HEADER_ENV, HeaderTimeoutH11

pytestmark = pytest.mark.system
LIMIT = 1  # seconds for the headers
KEEP_ALIVE = 30  # long, so only the header limit can close the connection


async def _app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})


@pytest.fixture(scope="module")
def port(monkeypatch_module):
    monkeypatch_module.setenv(HEADER_ENV, str(LIMIT))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            _app, host="127.0.0.1", port=free, http=HeaderTimeoutH11, lifespan="off", timeout_keep_alive=KEEP_ALIVE, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield free
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def _closed_by_server(sock: socket.socket) -> bool:
    """True when the server closes the connection before the client gives up waiting (8 times the limit)."""
    sock.settimeout(LIMIT * 8)
    try:
        while sock.recv(65536):
            pass
    except socket.timeout:
        return False
    return True


def test_first_request_headers_that_never_finish_are_cut_off(port):
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        assert _closed_by_server(sock)


def test_second_request_headers_that_never_finish_are_cut_off(port):
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        sock.settimeout(10)
        got = b""
        while not got.endswith(b"ok"):
            got += sock.recv(65536)
        assert got.startswith(b"HTTP/1.1 200")
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # and then nothing more
        assert _closed_by_server(sock)


def test_a_second_request_that_arrives_whole_is_answered(port):
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.settimeout(10)
        for _ in range(2):
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            got = b""
            while not got.endswith(b"ok"):
                got += sock.recv(65536)
            assert got.startswith(b"HTTP/1.1 200")
