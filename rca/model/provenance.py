"""What a trained model folder records about itself: the data it learnt from (a checksum, row counts,
dates), the packages and commit that trained it, the settings and recipe, and the headline metrics.

`build_manifest` assembles `manifest.json` (`rca.model.store` adds the files and their sha256);
`json_safe` makes any metrics dict strict JSON.
"""

from __future__ import annotations

import hashlib
import json
import math
import platform
import subprocess
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rca import __version__
from rca.model.targets import labelled

# kept in cases.parquet: similar-case search shows them; drift compares a file with past cases of its kind (case_type, stage)
PAST_CASE_COLUMNS = (
    "case_id",
    "received",
    "service",
    "team",
    "outcome",
    "corrective_action",
    "root_cause",
    "complainant_id",
    "case_type",
    "stage",
)
SUMMARY_KEYS = ("macro_f1", "accuracy", "ece", "validation_ece", "coverage", "precision_at_threshold", "threshold", "n_train", "n_test")


def summary_metrics(m: dict[str, Any]) -> dict[str, Any]:
    """The headline figures of one target, with the baselines flattened beside them."""
    out = {k: m[k] for k in SUMMARY_KEYS if k in m}
    for name, b in m.get("baselines", {}).items():
        for k, v in b.items():
            out[f"baseline_{name}_{k}"] = v
    return out


def data_sha256(cases: pd.DataFrame, columns: list[str]) -> str:
    """sha256 of `columns` and every other column training reads that the frame has: the ids and links
    that decide the split (case, parent case, complainant, received), the stage, and the past-case
    columns saved to cases.parquet. Column names are hashed with the values."""
    read = ("case_id", "parent_case_id", "complainant_id", "received", "stage", *PAST_CASE_COLUMNS)
    cols = list(dict.fromkeys([*columns, *(c for c in read if c in cases)]))
    h = hashlib.sha256(json.dumps([str(c) for c in cols]).encode("utf-8"))
    h.update(pd.util.hash_pandas_object(cases[cols].astype(str), index=False).to_numpy().tobytes())
    return h.hexdigest()


def packages() -> dict[str, str]:
    """The Python and package versions that trained the model."""
    out = {"python": platform.python_version(), "rca": __version__}
    for name in ("scikit-learn", "numpy", "scipy", "pandas", "spacy", "spacy-lookups-data", "skops", "joblib", "mlflow"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    return out


def git_commit() -> str | None:
    """The commit of the rca checkout that trained the model (None outside a git checkout)."""
    try:
        res = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, cwd=Path(__file__).parent)
    except (OSError, subprocess.SubprocessError):
        return None
    return res.stdout.strip() or None if res.returncode == 0 else None


def json_safe(value: Any) -> Any:
    """NaN -> null and numpy scalars -> Python, so metrics.json is strict JSON.

    >>> json_safe({"f1": float("nan"), "n": np.int64(3), "xs": (np.float64(0.5),)})
    {'f1': None, 'n': 3, 'xs': [0.5]}
    """
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def first_stages(cases: pd.DataFrame, targets: list[str], has_text: np.ndarray) -> dict[str, str]:
    """Targets coded only from a later stage on ({"escalation_reason": "2"}): scoring leaves them
    blank on earlier-stage records. Judged from the labelled rows with a known stage (at least 95 %
    of them must have one); the first stage holding 1 % of them counts, so a stray miscoding does not."""
    from rca.schema import STAGE_RANK

    if "stage" not in cases:
        return {}
    rank = cases["stage"].astype("string").str.strip().str.lower().map(STAGE_RANK)
    out = {}
    for t in targets:
        r = rank[labelled(cases[t]).to_numpy() & has_text]
        if len(r) == 0 or r.notna().mean() < 0.95:
            continue
        share = r.dropna().value_counts(normalize=True).sort_index()
        first = int(share.index[np.argmax(share.to_numpy() >= 0.01)])
        if first > 1:
            out[t] = {v: k for k, v in STAGE_RANK.items()}[first]
    return out


def build_manifest(
    *,
    cases: pd.DataFrame,
    targets: list[str],
    has_text: np.ndarray,
    metrics: dict[str, dict[str, Any]],
    model_dir: Path,
    created: datetime,
    run,
    taxonomy,
    settings,
    recipe_report: dict[str, Any],
    seed: int,
    split: str,
    config,
) -> dict[str, Any]:
    """`manifest.json` of a new version, before `rca.model.store.save_version` adds the files it holds."""
    received = pd.to_datetime(cases["received"]) if "received" in cases else pd.Series(dtype="datetime64[ns]")
    used_cols = ["text", *targets] + (["received"] if "received" in cases else [])
    dated = not received.dropna().empty
    return {
        "name": model_dir.name,
        "rca_version": __version__,
        "created": created.isoformat(timespec="seconds"),
        "run_id": run.run_id,
        "targets": targets,
        "target_kinds": {t: metrics[t]["kind"] for t in targets},
        "thresholds": {t: metrics[t]["threshold"] for t in targets},
        "taxonomy_version": taxonomy.version,
        "seed": seed,
        "split": split,
        "settings": settings.as_dict(),
        "git_commit": git_commit(),
        "model": f"TF-IDF ({settings.word_ngrams} words, {settings.char_ngrams} chars)"
        f"{' + sentence embeddings' if settings.embeddings else ''} + {settings.classifier}, calibrated",
        "recipe": json_safe(recipe_report),
        "data": {
            "sha256": data_sha256(cases, used_cols),
            "n_rows": len(cases),
            "source": config.source,
            "columns": dict(config.columns),  # the export's column names, reused by `rca score`
            "n_labelled": {t: int((labelled(cases[t]).to_numpy() & has_text).sum()) for t in targets},
            "date_from": str(received.min().date()) if dated else None,
            "date_to": str(received.max().date()) if dated else None,
        },
        "applies_from_stage": first_stages(cases, targets, has_text),
        "packages": packages(),
        "tracking": {"uri": run.uri if run.enabled else None, "experiment": run.experiment},
        "metrics": json_safe({t: summary_metrics(metrics[t]) for t in targets}),
    }
