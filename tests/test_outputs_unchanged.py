"""The demo's outputs stay what they are unless a change means to alter them.

A restructure (modules moved, functions split, settings re-typed) must not change a single
figure: this test fingerprints what the small demo year gives — each target's suggested codes,
confidences and review flags, every report table, the theme names and the learning drafts — and
compares each part with `tests/data/golden_outputs.json`. When a change is meant to alter an
output (a better recipe, better theme names), regenerate the file on purpose and say so in the
commit:

    RCA_UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q tests/test_outputs_unchanged.py
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pandas as pd
import pytest

GOLDEN = Path(__file__).parent / "data" / "golden_outputs.json"
CUR, PREV = "2024-25", "2023-24"


def _digest(frame: pd.DataFrame) -> str:
    text = frame.round(4).astype(str).to_csv(index=False, lineterminator="\n")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _scored_parts(demo_small, trained_model_dir) -> dict[str, str]:
    from rca.model.store import load_model
    from rca.scoring.score import score_frame

    scored = score_frame(demo_small.cases, load_model(trained_model_dir))
    parts = {}
    for target in ("root_cause", "escalation_reason", "acceptability", "service"):
        cols = [c for c in (f"{target}_predicted", f"{target}_confidence", f"{target}_review", f"{target}_evidence") if c in scored]
        assert cols, f"no scored columns for {target}: {list(scored.columns)}"
        parts[f"score:{target}"] = _digest(scored[cols])
    return parts


def _report_parts() -> dict[str, str]:
    from rca.demo.data import generate_demo, ward_population
    from rca.reports.build import build_report

    demo = generate_demo(seed=7, n_contacts=1500, years=2)
    report = build_report(demo.cases, period=CUR, compare=PREV, population=ward_population())
    parts = {f"table:{key}": (_digest(t.data) if t.ok else f"skipped: {t.skipped}") for key, t in sorted(report.tables.items())}
    parts["themes"] = _digest(report.themes.drop(columns=[c for c in report.themes if c.startswith("quote")], errors="ignore"))
    parts["learning"] = _digest(report.learning)
    return parts


@pytest.mark.model
def test_the_demo_outputs_match_the_golden_file(demo_small, trained_model_dir):
    parts = {**_scored_parts(demo_small, trained_model_dir), **_report_parts()}
    if os.environ.get("RCA_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(json.dumps(parts, indent=1, sort_keys=True) + "\n", "utf-8")
        pytest.skip(f"wrote {GOLDEN.name}: commit it with a message saying which outputs changed and why")
    golden = json.loads(GOLDEN.read_text("utf-8"))
    changed = sorted(k for k in golden.keys() | parts.keys() if golden.get(k) != parts.get(k))
    assert not changed, (
        f"{len(changed)} demo outputs changed: {changed[:12]}. If the change is meant, regenerate "
        "with RCA_UPDATE_GOLDEN=1 (see this file's docstring)."
    )
