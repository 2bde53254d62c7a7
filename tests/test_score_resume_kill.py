"""Kill `rca score` (SIGKILL) mid-run on a larger file, resume: the result equals an
uninterrupted run's byte for byte, and no partial file ever sits under the final name."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

pytestmark = pytest.mark.model


def _cmd(src, out, model_dir, *extra):
    return [
        sys.executable,
        "-m",
        "rca",
        "score",
        str(src),
        "--out",
        str(out),
        "--model-dir",
        str(model_dir),
        "--chunksize",
        "250",
        "--jobs",
        "1",
        "--no-progress",
        *extra,
    ]


def test_killed_run_resumes_to_identical_bytes(trained_model_dir, demo_csv, tmp_path):
    demo = pd.read_csv(demo_csv, dtype=str, keep_default_na=False)
    big = pd.concat([demo] * 2, ignore_index=True)
    big["case_id"] = [f"K{i:06d}" for i in range(len(big))]
    src = tmp_path / "big.csv"
    big.to_csv(src, index=False)
    whole = tmp_path / "whole.csv"
    subprocess.run(_cmd(src, whole, trained_model_dir), check=True, capture_output=True)

    out = tmp_path / "killed.csv"
    ckpt = tmp_path / ".killed.csv.rca-work" / "checkpoint.json"
    proc = subprocess.Popen(_cmd(src, out, trained_model_dir), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    done = 0
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            done = len(json.loads(ckpt.read_text("utf-8"))["done"])
        except (OSError, ValueError, KeyError):
            done = 0
        if done >= 3:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be killed; use a bigger file"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not out.exists()
    r = subprocess.run(_cmd(src, out, trained_model_dir, "--resume", "--json"), check=True, capture_output=True, text=True)
    summary = json.loads(r.stdout)
    assert summary["n_chunks_resumed"] >= 3 and summary["n_rows"] == len(big)
    assert out.read_bytes() == whole.read_bytes()
    assert not ckpt.parent.exists()
