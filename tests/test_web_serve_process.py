"""`rca serve` as a real process with its default workers: the API answers triage with
the token, refuses without it, and the batched path gives the same answer as `rca triage`."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

pytestmark = pytest.mark.model
TOKEN = "serve-process-test-token"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _call(url: str, body: dict | None = None, token: str | None = TOKEN) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=json.dumps(body).encode() if body is not None else None, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:  # loopback only
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


def test_served_triage_matches_the_library_and_needs_the_token(trained_model_dir):
    from rca.config import Config
    from rca.model.store import load_model
    from rca.scoring.similar import SimilarIndex
    from rca.scoring.triage import triage

    port = _port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "rca", "serve", "--model-dir", str(trained_model_dir), "--port", str(port), "--token", TOKEN],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "RCA_LOG_LEVEL": "warning"},
    )
    base = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.time() + 120
        while True:
            assert proc.poll() is None, proc.stderr.read()[-2000:]
            try:
                if _call(f"{base}/health", token=None)[0] == 200:
                    break
            except OSError:
                pass
            assert time.time() < deadline, "rca serve did not start"
            time.sleep(0.5)
        text = "My bin has not been collected for three weeks and nobody answers the phone."
        body = {"text": text, "received": "2024-03-28 15:30"}
        assert _call(f"{base}/triage", body, token=None)[0] == 401
        answers = [_call(f"{base}/triage", body) for _ in range(6)]  # spread over the workers
        assert all(status == 200 for status, _ in answers)
        expected = triage(
            text,
            bundle=load_model(trained_model_dir),
            received="2024-03-28 15:30",
            config=Config(),
            similar=SimilarIndex.from_model_dir(trained_model_dir),
        )
        for _, got in answers:
            assert got["due"] == expected["due"] == "2024-04-16"
            assert got["root_cause"]["label"] == expected["root_cause"]["label"]
            assert got["root_cause"]["evidence"] == expected["root_cause"]["evidence"]
            assert [h["case_id"] for h in got["similar"]] == [h["case_id"] for h in expected["similar"]]
        assert _call(f"{base}/triage", {"text": text, "received": "soon"})[0] == 400  # E103, not a 5xx
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
