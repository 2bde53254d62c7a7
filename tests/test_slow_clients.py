"""`rca serve` as a real process times out slow clients: a body that stalls
after the headers gets 408 (E509) and the connection closed within
`[serve] body_timeout_seconds`; headers that never finish, and an idle
keep-alive connection, are closed too. `/api/model` shows no server paths."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

pytestmark = pytest.mark.model
TOKEN = "slow-clients-token"
LIMIT = 2  # seconds, for body and headers
KEEP_ALIVE = 1  # seconds; uvicorn's own default is 5


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(trained_model_dir, tmp_path_factory):
    cfg = tmp_path_factory.mktemp("slow") / "rca.toml"
    cfg.write_text(f"[serve]\nbody_timeout_seconds = {LIMIT}\nheader_timeout_seconds = {LIMIT}\nkeep_alive_seconds = {KEEP_ALIVE}\n")
    port = _port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "rca",
            "serve",
            "--model-dir",
            str(trained_model_dir),
            "--port",
            str(port),
            "--token",
            TOKEN,
            "--config",
            str(cfg),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "RCA_LOG_LEVEL": "warning"},
    )
    try:
        deadline = time.time() + 120
        while True:
            assert proc.poll() is None, proc.stderr.read()[-2000:]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=5) as r:  # loopback only
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert time.time() < deadline, "rca serve did not start"
            time.sleep(0.5)
        yield port, trained_model_dir
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def _until_closed(sock: socket.socket) -> tuple[bytes, float]:
    """Everything the server sends until it closes the connection, and how long that took."""
    start, got = time.monotonic(), b""
    sock.settimeout(LIMIT * 8)
    try:
        while chunk := sock.recv(65536):
            got += chunk
    except socket.timeout:
        pytest.fail(f"the server kept a stalled connection open for {LIMIT * 8} s")
    return got, time.monotonic() - start


def test_a_body_that_stalls_after_the_headers_is_cut_off(served):
    port, _ = served
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(
            b"POST /api/triage HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Authorization: Bearer " + TOKEN.encode() + b'\r\nContent-Length: 60\r\n\r\n{"text": '
        )
        got, took = _until_closed(sock)
    assert got.startswith(b"HTTP/1.1 408") and b"E509" in got
    assert LIMIT * 0.8 <= took <= LIMIT + 4, took


def test_headers_that_never_finish_are_cut_off(served):
    port, _ = served
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"POST /api/triage HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        got, took = _until_closed(sock)
    assert took <= LIMIT + 4, took


def _one_response(sock: socket.socket) -> bytes:
    """One whole HTTP response (headers and a Content-Length body) from a kept-alive connection."""
    sock.settimeout(10)
    got = b""
    while b"\r\n\r\n" not in got:
        got += sock.recv(65536)
    head, _, body = got.partition(b"\r\n\r\n")
    length = int(next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")))
    while len(body) < length:
        body += sock.recv(65536)
    return head


def test_headers_of_a_second_request_on_a_kept_alive_connection_that_never_finish_are_cut_off(served):
    port, _ = served
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert _one_response(sock).startswith(b"HTTP/1.1 200")
        sock.sendall(b"POST /api/triage HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and then nothing more
        got, took = _until_closed(sock)
    assert took <= LIMIT + 4, took


def test_an_idle_keep_alive_connection_is_closed(served):
    port, _ = served
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        got, took = _until_closed(sock)
    assert got.startswith(b"HTTP/1.1 200") and took < KEEP_ALIVE + 2.5, took  # the configured limit, not uvicorn's 5 s


def test_model_info_shows_no_server_paths(served):
    port, model_dir = served
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/model", headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(req, timeout=10) as r:  # loopback only
        body = json.loads(r.read())
    text = json.dumps(body)
    assert str(model_dir) not in text and str(model_dir.resolve()) not in text and "sqlite:" not in text

    def strings(v):
        if isinstance(v, dict):
            for x in v.values():
                yield from strings(x)
        elif isinstance(v, list):
            for x in v:
                yield from strings(x)
        elif isinstance(v, str):
            yield v

    assert not [s for s in strings(body) if s.startswith("/") or ":\\" in s]
    manifest = body["manifest"]
    assert manifest["name"] and manifest["version"] and len(manifest["data_sha256"]) == 64
