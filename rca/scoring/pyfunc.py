"""One target of a trained rca model as an MLflow pyfunc model.

Training logs, for each target, an MLflow model whose artefacts are the model
folder (in the layout `rca.model.store` writes, loaded by its `load_model` with
every sha256 check) and a note of the target, and whose code is `TargetScorer`;
it is registered as `rca-<target>` with the alias `current`
(`rca.model.tracking`). `predict` takes a DataFrame with a `text` column (and
optionally `stage` and `case_type`) and returns that target's columns of
`rca score`, one row per input row, in order: `root_cause_predicted`,
`root_cause_confidence`, `root_cause_review`, `root_cause_evidence`,
`rca_model_version`. Example::

    mlflow.set_tracking_uri("sqlite:///models/demo/mlflow.db")
    model = mlflow.pyfunc.load_model("models:/rca-root_cause@current")
    model.predict(pd.DataFrame({"text": ["My bin was not collected"]}))

This is the scoring side of the MLflow model, so it sits in the scoring stage;
MLflow runs it through `pyfunc_code.py`, the code file each logged model holds.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import mlflow.pyfunc
import pandas as pd

from rca.errors import RcaError
from rca.model.bundle import ModelBundle
from rca.model.store import load_model
from rca.model.tracking import PYFUNC_ARTIFACT, PYFUNC_TARGET
from rca.scoring.score import MODEL_VERSION, SUFFIXES, ScoreSettings, blank_not_coded, prediction_columns

__all__ = ["INPUT_COLUMNS", "TargetScorer", "input_frame", "output_columns"]

INPUT_COLUMNS = ("text", "stage", "case_type")  # text is required; stage and case_type blank codes a record does not take


def output_columns(target: str) -> list[str]:
    """The columns `predict` returns for `target`, in order."""
    return [*(f"{target}_{s}" for s in SUFFIXES), MODEL_VERSION]


def _one_target(bundle: ModelBundle, target: str) -> ModelBundle:
    if target not in bundle.models:
        raise RcaError(
            "E305",
            f"the MLflow model is set up for {target!r}, but its model folder has {bundle.targets}",
            file=str(bundle.path),
            column=target,
        )
    return replace(bundle, models={target: bundle.models[target]})


def _which(path: str | None) -> dict[str, str]:
    try:
        which = json.loads(Path(path).read_text("utf-8")) if path else None
    except (OSError, ValueError) as exc:
        raise RcaError("E241", f"its {PYFUNC_TARGET} artefact cannot be read: {exc}", file=path) from exc
    if not isinstance(which, dict) or not all(isinstance(which.get(k), str) for k in ("target", "version")):
        raise RcaError("E241", f"it has no {PYFUNC_TARGET} artefact naming a target and a version", file=path)
    return which


def input_frame(model_input: Any) -> pd.DataFrame:
    """The request as a DataFrame with a `text` column (E240 naming what came instead)."""
    if isinstance(model_input, pd.Series) and model_input.name == "text":
        model_input = model_input.to_frame()
    elif isinstance(model_input, dict):
        model_input = pd.DataFrame(model_input)
    if not isinstance(model_input, pd.DataFrame):
        raise RcaError("E240", f"got a {type(model_input).__name__}", value=None)
    if "text" not in model_input.columns:
        shown = [str(c) for c in model_input.columns][:20]
        raise RcaError("E240", f"no 'text' column; the input has {shown}", column="text")
    return model_input


class TargetScorer(mlflow.pyfunc.PythonModel):
    """`rca score`'s columns for one target, as an MLflow pyfunc model.

    Its artefacts: `rca_model`, a model folder, and `rca_target`, a JSON file naming the target
    and the version of that folder it scores."""

    def load_context(self, context) -> None:
        which = _which(context.artifacts.get(PYFUNC_TARGET))
        self.target_ = which["target"]
        # rca's own loader: every artefact's sha256 against the manifest, allowed types only
        # only this target's classifier is built; the other targets' files are checked, not loaded
        bundle = load_model(context.artifacts[PYFUNC_ARTIFACT], alias=which["version"], targets=[self.target_])
        self.bundle_ = _one_target(bundle, self.target_)
        self.settings_ = ScoreSettings()

    def predict(self, context, model_input: pd.DataFrame, params: dict[str, Any] | None = None) -> pd.DataFrame:
        """`<target>_predicted / _confidence / _review / _evidence` and `rca_model_version`, one row per input row."""
        frame = input_frame(model_input).reset_index(drop=True)
        preds = prediction_columns(frame["text"], self.bundle_, settings=self.settings_)
        preds = blank_not_coded(preds, frame, self.bundle_)
        return preds[output_columns(self.target_)]
