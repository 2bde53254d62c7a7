"""Load test of the intake server: `rca serve` on a demo-trained model, driven by
`wrk` on loopback with POST /api/triage (JSON body, bearer token).

Records requests/s, latency percentiles (p50/p90/p99), errors and non-2xx
counts at each connection level, checks the server is still up afterwards, and
(with --profile) where the time of one request goes, in-process with cProfile.

    .venv/bin/python benchmarks/load_server.py --model-dir models/demo \
        --connections 1,10,50 --duration 20 --out benchmarks/results/load_server.json

Without --model-dir a small demo year is generated and trained first. Target
(issue 8): at 50 connections >= 200 req/s, p99 < 100 ms, no 5xx.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TOKEN = "load-test-token"
TEXTS = [
    "My bin was not collected again this week and nobody answered the phone when I rang.",
    "There is a huge pothole outside number 12 on the High Street; my car tyre burst.",
    "The council tax bill is wrong, I was charged twice for March and want a refund.",
    "I asked for a housing repair to my damp bedroom three months ago and nothing has happened.",
    "The planning officer never replied to my objection about the extension next door.",
]

LUA = """
local bodies = {%(bodies)s}
local i = 0
request = function()
  i = i %% #bodies + 1
  return wrk.format("POST", "/api/triage", {["Content-Type"] = "application/json",
                    ["Authorization"] = "Bearer %(token)s"}, bodies[i])
end
local statuses = {}
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
done = function(summary, latency, requests)
  local p = {}
  for _, q in ipairs({50, 75, 90, 99, 99.9}) do p[tostring(q)] = latency:percentile(q) / 1000 end
  io.write(string.format('RESULT {"requests": %%d, "duration_s": %%.3f, "errors": {"connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d}, "latency_ms": {"mean": %%.3f, "max": %%.3f, "p50": %%.3f, "p75": %%.3f, "p90": %%.3f, "p99": %%.3f, "p99.9": %%.3f}}\\n',
    summary.requests, summary.duration / 1e6, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout, latency.mean / 1000, latency.max / 1000,
    p["50"], p["75"], p["90"], p["99"], p["99.9"]))
end
"""


def sample_bodies(n: int, seed: int = 0) -> list[str]:
    """`n` request bodies: real-looking contacts (text and received time) drawn from the bundled demo
    year, so that every request is different work (no cache can help); the five TEXTS when n <= 5."""
    demo = REPO / "data" / "demo_cases.csv"
    if n <= len(TEXTS) or not demo.exists():
        return [json.dumps({"text": t}) for t in TEXTS[: max(n, 1)]]
    import pandas as pd

    cases = pd.read_csv(demo, usecols=["text", "received"]).dropna(subset=["text"]).sample(n=n, random_state=seed)
    return [json.dumps({"text": str(t), "received": str(r)[:16]}, ensure_ascii=False) for t, r in zip(cases["text"], cases["received"])]


def lua_string(value: str) -> str:
    """A Lua long-bracket literal that cannot be closed early by the value itself."""
    level = 0
    while f"]{'=' * level}]" in value:
        level += 1
    return f"[{'=' * level}[{value}]{'=' * level}]"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, timeout: float = 2.0) -> int:
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:  # loopback only
        return resp.status


def demo_model(folder: Path, n_contacts: int) -> Path:
    from rca.config import Config
    from rca.demo.data import generate_demo
    from rca.model.train import train_models

    demo = generate_demo(seed=20240401, n_contacts=n_contacts)
    train_models(demo.cases, targets=None, model_dir=folder, config=Config(seed=20240401))
    return folder


def start_server(model_dir: Path, port: int, workers: int) -> subprocess.Popen:
    cmd = [
        sys.executable,
        "-m",
        "rca",
        "serve",
        "--model-dir",
        str(model_dir),
        "--port",
        str(port),
        "--token",
        TOKEN,
        "--workers",
        str(workers),
    ]
    proc = subprocess.Popen(
        cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env={**os.environ, "RCA_LOG_LEVEL": "warning"}
    )
    deadline = time.time() + 300
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"rca serve exited ({proc.returncode}): {proc.stderr.read()[-2000:]}")
        try:
            if get(f"http://127.0.0.1:{port}/api/health") == 200:
                return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("rca serve did not answer /api/health within 300 s")


def run_wrk(port: int, connections: int, duration: int, script: Path) -> dict:
    threads = max(1, min(connections, 2))
    cmd = [
        "wrk",
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{duration}s",
        "--latency",
        "--timeout",
        "10s",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}/api/triage",
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    found = re.search(r"^RESULT (\{.*\})$", out, re.M)
    if not found:
        raise SystemExit(f"no RESULT line from wrk:\n{out}")
    res = json.loads(found.group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    res["non_2xx"] = int(non2xx.group(1)) if non2xx else 0
    res["connections"], res["threads"] = connections, threads
    res["requests_per_s"] = round(res["requests"] / res["duration_s"], 1)
    return res


def profile_request(model_dir: Path, n: int = 200) -> dict:
    """Where one /api/triage request spends its time (in-process, cProfile, top functions by own+callee time)."""
    import cProfile
    import pstats

    from fastapi.testclient import TestClient

    from rca.web.app import create_app

    client = TestClient(create_app(model_dir, token=TOKEN))
    headers = {"Authorization": f"Bearer {TOKEN}"}
    for i in range(10):
        client.post("/api/triage", json={"text": TEXTS[i % len(TEXTS)]}, headers=headers)
    from rca.config import Config
    from rca.scoring.triage import triage

    app = client.app
    started = time.perf_counter()
    for i in range(n):
        client.post("/api/triage", json={"text": TEXTS[i % len(TEXTS)]}, headers=headers)
    http_ms = (time.perf_counter() - started) / n * 1000
    prof = cProfile.Profile()
    started = time.perf_counter()
    prof.enable()
    for i in range(n):
        triage(TEXTS[i % len(TEXTS)], bundle=app.state.bundle, config=Config(), similar=app.state.similar)
    prof.disable()
    triage_ms = (time.perf_counter() - started) / n * 1000
    stats = pstats.Stats(prof)
    rows = []
    for (file, line, func), (cc, nc, tt, ct, callers) in stats.stats.items():
        rows.append(
            {
                "function": f"{Path(file).name}:{line}({func})",
                "ms_per_request": round(ct / n * 1000, 2),
                "own_ms_per_request": round(tt / n * 1000, 2),
            }
        )
    rows.sort(key=lambda r: -r["ms_per_request"])
    return {
        "http_ms_per_request_in_process": round(http_ms, 2),
        "triage_ms_per_request_profiled": round(triage_ms, 2),
        "top_cumulative": rows[:30],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model-dir", type=Path)
    ap.add_argument("--n-contacts", type=int, default=1500, help="demo size when training a model here")
    ap.add_argument("--connections", default="1,10,50")
    ap.add_argument("--duration", type=int, default=20, help="seconds per connection level")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--texts", type=int, default=500, help="distinct request bodies, drawn from the demo year (5: the fixed TEXTS)")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "load_server.json")
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    tmp = None
    model_dir = args.model_dir
    if model_dir is None:
        tmp = tempfile.TemporaryDirectory()
        model_dir = demo_model(Path(tmp.name) / "model", args.n_contacts)
    script = Path(tempfile.mkdtemp()) / "triage.lua"
    bodies = ", ".join(lua_string(b) for b in sample_bodies(args.texts))
    script.write_text(LUA % {"bodies": bodies, "token": TOKEN})
    port = free_port()
    load_before = os.getloadavg()
    proc = start_server(model_dir, port, args.workers)
    levels = []
    try:
        get(f"http://127.0.0.1:{port}/api/health")
        for c in [int(x) for x in args.connections.split(",")]:
            res = run_wrk(port, c, args.duration, script)
            levels.append(res)
            print(
                f"{c:>3} connections: {res['requests_per_s']:>7} req/s  p50 {res['latency_ms']['p50']:.1f} ms  "
                f"p99 {res['latency_ms']['p99']:.1f} ms  non-2xx {res['non_2xx']}  errors {res['errors']}",
                flush=True,
            )
        alive = proc.poll() is None and get(f"http://127.0.0.1:{port}/api/health") == 200
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    at50 = next((r for r in levels if r["connections"] == 50), None)
    result = {
        "benchmark": "rca serve POST /api/triage under wrk (loopback)",
        "model_dir": str(model_dir),
        "workers": args.workers,
        "distinct_bodies": args.texts,
        "duration_s_per_level": args.duration,
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        },
        "levels": levels,
        "server_alive_after": alive,
        "target": {"connections": 50, "min_requests_per_s": 200, "max_p99_ms": 100, "no_5xx": True},
        "target_met": bool(at50 and at50["requests_per_s"] >= 200 and at50["latency_ms"]["p99"] < 100 and at50["non_2xx"] == 0),
    }
    if args.profile:
        result["profile"] = profile_request(model_dir)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(f"target met: {result['target_met']}; written {args.out}")
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
