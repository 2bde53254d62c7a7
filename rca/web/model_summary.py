"""What `/api/model` says about the loaded model: what it is, never where it is.

The manifest also records tracking URIs and folders on the server; only
these named, path-free fields are served.

>>> model_summary({"name": "model", "version": "v1", "data": {"sha256": "ab", "source": "/srv/x.csv"},
...                "tracking": {"uri": "sqlite:////srv/m/mlflow.db"}})
{'name': 'model', 'version': 'v1', 'data_sha256': 'ab'}
"""

from __future__ import annotations

import json

FIELDS = ("name", "version", "rca_version", "created", "model", "taxonomy_version", "seed", "run_id")


def model_summary(manifest: dict) -> dict:
    """Name, version, data hash and the other path-free facts of a model manifest."""
    out = {k: manifest[k] for k in FIELDS if manifest.get(k) is not None}
    data = manifest.get("data") or {}
    if data.get("sha256"):
        out["data_sha256"] = data["sha256"]
    for k in ("n_rows", "date_from", "date_to"):
        if data.get(k) is not None:
            out[f"data_{k}"] = data[k]
    if isinstance(manifest.get("packages"), dict):
        out["packages"] = {str(k): str(v) for k, v in manifest["packages"].items()}
    return json.loads(json.dumps(out, default=str))


__all__ = ["model_summary"]
