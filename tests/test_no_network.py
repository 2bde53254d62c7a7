"""No network at run time: the main flows (demo data, train, score, triage,
report, serve start-up and a request) run under a socket/DNS audit hook and make
no connection attempt to anything but loopback or a local socket file
(MLflow telemetry included); and the package source has no download calls.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import rca

PACKAGE = Path(rca.__file__).resolve().parent
_ATTEMPTS: list[tuple[str, str]] = []
_ACTIVE = False


def _is_local(host) -> bool:
    if host in (None, "", "localhost") or isinstance(host, bytes):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _hook(event: str, args: tuple) -> None:
    """Record (and refuse) every outbound socket or DNS use while a test has the audit on."""
    if not _ACTIVE:
        return
    if event in ("socket.connect", "socket.sendto"):
        address = args[1]
        if isinstance(address, tuple) and not _is_local(address[0]):
            _ATTEMPTS.append((event, repr(address)))
            raise ConnectionRefusedError(f"network use in a test: {event} {address!r}")
    elif event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex", "socket.gethostbyaddr"):
        if not _is_local(args[0]):
            _ATTEMPTS.append((event, repr(args[0])))
            raise socket.gaierror(f"network use in a test: {event} {args[0]!r}")
    elif event == "urllib.Request":
        _ATTEMPTS.append((event, repr(args[0])))


sys.addaudithook(_hook)  # audit hooks cannot be removed; the flag scopes this one to the fixture


@pytest.fixture
def network_audit():
    """Turn the audit on for one test; fail it if anything tried to reach the network."""
    global _ACTIVE
    _ATTEMPTS.clear()
    _ACTIVE = True
    try:
        yield _ATTEMPTS
    finally:
        _ACTIVE = False
    assert not _ATTEMPTS, f"network attempts: {_ATTEMPTS}"


def test_the_audit_catches_a_connection_attempt(network_audit):
    """The hook must be able to fail: a real outbound connect and a DNS lookup are both seen."""
    with socket.socket() as raw, pytest.raises(OSError):
        raw.connect(("192.0.2.1", 80))  # TEST-NET-1, never routed; refused by the hook first
    with pytest.raises(OSError):
        socket.getaddrinfo("example.invalid", 443)
    assert [e for e, _ in network_audit] == ["socket.connect", "socket.getaddrinfo"]
    network_audit.clear()  # seen as intended; the fixture's own check must pass


def test_loopback_is_allowed(network_audit):
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    cli = socket.create_connection(srv.getsockname(), timeout=1)
    cli.close()
    srv.close()
    assert network_audit == []


@pytest.mark.model
def test_main_flows_make_no_network_attempt(network_audit, demo_small, trained_model_dir, tmp_path):
    from rca.cli.main import app
    from rca.config import Config
    from rca.demo.data import generate_demo, write_demo
    from rca.model.train import train_models
    from rca.web.app import create_app
    from fastapi.testclient import TestClient

    runner = CliRunner()
    # demo data
    demo = generate_demo(seed=3, n_contacts=300)
    paths = write_demo(demo, tmp_path / "demo")
    cases_csv = Path(paths.get("cases", tmp_path / "demo" / "demo_cases.csv"))
    # train on a small frame (one target keeps it quick), with the MLflow store it writes
    small = demo_small.cases.head(600)
    train_models(small, targets=["service"], model_dir=tmp_path / "m", config=Config(seed=1))
    assert (tmp_path / "m" / "manifest.json").exists()
    # score, triage, report through the CLI as a user would run them
    res = runner.invoke(
        app, ["score", str(cases_csv), "--model-dir", str(trained_model_dir), "--out", str(tmp_path / "scored.csv"), "--no-progress"]
    )
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["triage", "My bin has not been collected for three weeks", "--model-dir", str(trained_model_dir), "--json"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(
        app, ["report", str(cases_csv), "--period", "2023-24", "--out", str(tmp_path / "report"), "--model-dir", str(trained_model_dir)]
    )
    assert res.exit_code == 0, res.output
    # serve: build the app (model and similar-case index load) and answer one request
    client = TestClient(create_app(trained_model_dir, token="t0k3n"))
    reply = client.post("/api/triage", json={"text": "Pothole on the high street"}, headers={"Authorization": "Bearer t0k3n"})
    assert reply.status_code == 200, reply.text


# Calls that would fetch something at run time. `spacy.load("en_core_web_sm")` downloads
# nothing itself but needs a separately downloaded package; only blank pipelines are allowed.
FORBIDDEN = [
    (r"\bspacy\.load\(", "spacy.load of a packaged model"),
    (r"\bspacy\.cli\.download\b|\bspacy download\b", "spaCy model download"),
    (r"\burllib\.request\b|\burlopen\(", "urllib request"),
    (r"^\s*(import|from)\s+(requests|httpx|aiohttp|urllib3)\b", "HTTP client import"),
    (r"\bsocket\.(create_connection|socket)\(", "raw socket"),
    (r"\b(hf_hub_download|snapshot_download|from_pretrained)\(", "model hub download"),
    (r"\bnltk\.download\(|\bload_dataset\(", "data download"),
]


def test_package_source_has_no_runtime_download_calls():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for no, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            for pattern, what in FORBIDDEN:
                if re.search(pattern, code):
                    found.append(f"{path.relative_to(PACKAGE.parent)}:{no}: {what}: {line.strip()}")
    assert not found, "\n".join(found)


@pytest.mark.system
def test_mlflow_telemetry_is_off_when_a_training_run_imports_mlflow(tmp_path):
    """In a fresh process with no telemetry settings and no CI markers (which MLflow also obeys), a
    training run's first import of mlflow finds telemetry turned off, so no telemetry client exists."""
    import os
    import subprocess

    code = (
        "import os, sys\nfrom pathlib import Path\nfrom rca.model.tracking import TrainingRun\n"
        "with TrainingRun(Path(sys.argv[1]), {'register': False}) as run:\n    pass\n"
        "from mlflow.telemetry.client import get_telemetry_client\n"
        "print(os.environ.get('MLFLOW_DISABLE_TELEMETRY'), os.environ.get('DO_NOT_TRACK'), run.enabled,"
        " get_telemetry_client() is None)\n"
    )
    ci = {"MLFLOW_DISABLE_TELEMETRY", "DO_NOT_TRACK", "PYTEST_CURRENT_TEST", "CI", "GITHUB_ACTIONS", "GITLAB_CI"}
    env = {k: v for k, v in os.environ.items() if k not in ci}
    res = subprocess.run([sys.executable, "-c", code, str(tmp_path / "model")], env=env, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.split() == ["true", "true", "True", "True"]
