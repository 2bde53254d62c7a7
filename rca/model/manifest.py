"""`manifest.json` of a model folder, typed: what a trained model is, what it learnt from, and the sha256 of
every artefact. The model store writes it (`rca.model.store.save_version`) and reads it back here, in one place.

`format_version` numbers this layout of keys; `format` numbers the folder's file layout (2: skops files,
1: joblib pickles). A manifest without `format_version` was written before the key existed (read as 0): it
loads when its keys have the types below, and is refused with E306 (retrain) when they do not. A manifest
from a later rca (a higher `format_version`) is refused with E306 too.

>>> m = parse_manifest({"format": 2, "targets": ["root_cause"], "artefacts": {"featuriser.skops": "ab"}})
>>> m.format_version, m.targets, m.data.n_rows is None
(0, ['root_cause'], True)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rca.errors import RcaError

__all__ = ["MANIFEST", "MANIFEST_VERSION", "DataInfo", "Manifest", "manifest_dict", "parse_manifest", "read_manifest_file"]

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1  # bump when a key changes meaning or type; add a key without bumping (older readers keep it as written)


class _Part(BaseModel):
    # keys a later rca of the same format_version adds are kept as written (and checked against the version copy)
    model_config = ConfigDict(extra="allow")


class DataInfo(_Part):
    """What the model learnt from."""

    sha256: str | None = Field(None, description="sha256 of the training columns (text, targets, received)")
    n_rows: int | None = Field(None, description="cases in the training file")
    source: str | None = Field(None, description="the config file the columns were mapped by")
    columns: dict[str, str] = Field(default_factory=dict, description="canonical name -> the export's column, reused by `rca score`")
    n_labelled: dict[str, int] = Field(default_factory=dict, description="per target: labelled cases with text")
    date_from: str | None = Field(None, description="earliest received date")
    date_to: str | None = Field(None, description="latest received date")


class Manifest(_Part):
    """manifest.json of one model version."""

    format_version: int = Field(0, description="this layout of keys (0: written before the key existed)")
    format: int | None = Field(None, description="the folder's file layout: 2 skops files, 1 joblib pickles")
    version: str | None = Field(None, description="the version id, also its folder name under versions/")
    name: str | None = Field(None, description="the model folder's name when trained")
    rca_version: str | None = None
    created: str | None = Field(None, description="when it was trained (ISO 8601, with the UTC offset)")
    run_id: str | None = Field(None, description="the MLflow run (or a local id when tracking is off)")
    targets: list[str] = Field(default_factory=list)
    target_kinds: dict[str, str] = Field(default_factory=dict, description="single_label or multi_label, per target")
    thresholds: dict[str, float | None] = Field(default_factory=dict, description="review threshold per target")
    taxonomy_version: str | None = None
    seed: int | None = None
    split: str | None = Field(None, description="how the held-out cases were chosen")
    settings: dict[str, Any] = Field(default_factory=dict, description="the [model] settings used (rca.settings.ModelSection)")
    git_commit: str | None = None
    model: str | None = Field(None, description="the recipe in words")
    recipe: dict[str, Any] | None = Field(None, description="the recipe search's choice and candidates")
    data: DataInfo = Field(default_factory=DataInfo)
    applies_from_stage: dict[str, Any] = Field(default_factory=dict)
    packages: dict[str, str] = Field(default_factory=dict, description="versions of the packages it was trained with")
    tracking: dict[str, Any] | None = None
    metrics: dict[str, dict[str, Any]] = Field(default_factory=dict, description="headline held-out figures per target")
    target_files: dict[str, str] = Field(default_factory=dict, description="target -> its artefact")
    artefacts: dict[str, str] = Field(default_factory=dict, description="file -> sha256, checked before loading")


def parse_manifest(data: Any, *, file: str | None = None) -> Manifest:
    """A manifest's JSON as a `Manifest`: E303 when it is not a table with an artefact list, E306 (retrain)
    when it comes from a later rca or its keys do not have the types this rca reads."""
    if not isinstance(data, dict) or not isinstance(data.get("artefacts"), dict):
        raise RcaError("E303", "manifest has no artefact list", file=file)
    written = data.get("format_version", 0)
    if isinstance(written, bool) or not isinstance(written, int) or written > MANIFEST_VERSION:
        raise RcaError("E306", f"manifest format_version {written!r}; this rca reads up to {MANIFEST_VERSION}", file=file)
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        said = f"manifest.json's {where} is {err['input']!r}, which this rca cannot read ({err['msg'].lower()})"
        if written == MANIFEST_VERSION:  # this rca's own layout, changed since: damaged or edited
            raise RcaError("E303", said, file=file) from None
        raise RcaError(
            "E306",
            said + "; the folder was saved by an older rca",
            file=file,
            hint="Retrain with `rca train`: this rca cannot read the folder's manifest.",
        ) from None


def manifest_dict(manifest: Manifest) -> dict[str, Any]:
    """The JSON a `Manifest` is written as (keys it was given beyond the typed ones kept)."""
    return manifest.model_dump(mode="json")


def read_manifest_file(folder: str | Path) -> tuple[dict[str, Any], Manifest]:
    """(the JSON as written, the typed manifest) of `folder/manifest.json`; E303 when missing or not JSON."""
    path = Path(folder) / MANIFEST
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise RcaError("E303", "no manifest.json", file=str(path)) from exc
    except (OSError, ValueError) as exc:
        raise RcaError("E303", str(exc), file=str(path)) from exc
    return data, parse_manifest(data, file=str(path))
