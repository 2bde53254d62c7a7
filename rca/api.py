"""The glue behind `rca`'s public verbs (docs/python.md): train a model folder, save a
`ComplaintClassifier` as one, track a saved folder in MLflow.

`train` is `rca train` from Python: every target, the held-out evaluation, the model
folder, the model card and the MLflow run. `save_model` writes a classifier fitted in
memory as a model folder that `rca score --model-dir DIR`, `rca triage`, `rca serve` and
`rca.load_model` read; `rca.write_model_card(DIR)` then writes its card and `track_model`
logs it as an MLflow run with each target registered as a pyfunc model.

Example::

    clf = rca.ComplaintClassifier().fit(cases["text"], cases["root_cause"])
    rca.save_model(clf, "models/root-cause", past_cases=cases)
    scored = rca.score_frame(new_cases, rca.load_model("models/root-cause"))
"""

from __future__ import annotations

import platform
import tempfile
import uuid
from datetime import datetime
from importlib import metadata
from pathlib import Path

import pandas as pd

from rca import __version__
from rca.config import Config, load_config
from rca.errors import RcaError
from rca.ingest.io import write_table
from rca.model.estimator import ComplaintClassifier
from rca.model.store import VERSIONS, check_model_dir, read_manifest, save_version
from rca.model.tracking import TrainingRun
from rca.model.train import PAST_CASE_COLUMNS, TrainResult, train_models
from rca.text.features import without_caches
from rca.text.redact import redact_many

__all__ = ["train", "save_model", "track_model"]

PAST_CASES = "cases.parquet"
_PACKAGES = ("scikit-learn", "numpy", "scipy", "pandas", "spacy", "skops", "joblib")


def _config(config: Config | str | Path | None) -> Config:
    return config if isinstance(config, Config) else load_config(config)


def train(
    cases: pd.DataFrame,
    *,
    model_dir: str | Path,
    config: Config | str | Path | None = None,
    targets: list[str] | None = None,
    seed: int | None = None,
    recipe: str = "auto",
    budget: float | None = None,
    progress: bool = False,
) -> TrainResult:
    """Train, evaluate, save and track one model per target, as `rca train` does.

    `cases`: a canonical case frame (`rca.load_cases(path).cases`); `config`: a `Config`
    or the path of an rca.toml (default: every setting at its default); the other options
    are `rca train`'s (`rca.model.train.train_models`)."""
    return train_models(
        cases, targets=targets, model_dir=model_dir, config=_config(config), seed=seed, recipe=recipe, budget=budget, progress=progress
    )


def _packages() -> dict[str, str]:
    out = {"python": platform.python_version(), "rca": __version__}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    return out


def _past_cases(cases: pd.DataFrame, folder: Path) -> Path:
    """The past cases similar-case search and duplicate warnings read, text redacted (as `rca train` writes them)."""
    if "text" not in cases:
        raise RcaError("E101", f"past_cases has no 'text' column; its columns are {list(cases.columns)[:30]}", column="text")
    past = pd.DataFrame(index=range(len(cases)))
    for c in PAST_CASE_COLUMNS:
        past[c] = cases[c].to_numpy() if c in cases else None
    past["text_redacted"] = redact_many(cases["text"].where(cases["text"].notna(), "").astype(str).tolist())
    write_table(past, folder / PAST_CASES, neutralise=False)
    return folder / PAST_CASES


def save_model(classifier: ComplaintClassifier, model_dir: str | Path, *, past_cases: pd.DataFrame | None = None) -> Path:
    """Write a fitted `ComplaintClassifier` as a new version of the model folder `model_dir`; returns the folder.

    The folder is the one `rca train` makes (checksummed skops files, manifest.json,
    versions/, aliases.json) with one target, named by the classifier's `target_`, and
    no held-out evaluation (the classifier was fitted in memory; the model card says so).
    `past_cases`: a case frame saved, redacted, as the past cases that triage's similar
    cases and duplicate warnings search.
    """
    bundle = classifier.to_bundle()  # E232 when not fitted
    model_dir = Path(model_dir)
    check_model_dir(model_dir)
    created = datetime.now().astimezone()
    run_id = uuid.uuid4().hex
    settings = classifier.model_.settings
    manifest = {
        **bundle.manifest,
        "name": model_dir.name,
        "rca_version": __version__,
        "created": created.isoformat(timespec="seconds"),
        "run_id": None,
        "taxonomy_version": None,
        "split": "none: fitted in memory by rca.ComplaintClassifier, not evaluated on held-out cases",
        "git_commit": None,
        "recipe": None,
        "applies_from_stage": {},
        "packages": _packages(),
        "metrics": {},
        "model": f"TF-IDF ({settings.word_ngrams} words, {settings.char_ngrams} chars)"
        f"{' + sentence embeddings' if settings.embeddings else ''} + {settings.classifier}, calibrated",
        "data": {
            "sha256": classifier.data_sha256_,
            "n_rows": classifier.n_rows_,
            "source": None,
            "columns": {},
            "n_labelled": {classifier.target_: classifier.n_rows_},
        },
        "tracking": {"uri": None, "experiment": None},
    }
    with tempfile.TemporaryDirectory() as tmp:
        extra = {PAST_CASES: _past_cases(past_cases, Path(tmp))} if past_cases is not None else {}
        save_version(
            model_dir,
            version=f"{created:%Y%m%d-%H%M%S}-{run_id[:8]}",
            featuriser=without_caches(bundle.featuriser),
            models=bundle.models,
            manifest=manifest,
            extra_files=extra,
        )
    return model_dir


def track_model(model_dir: str | Path, *, metrics: dict[str, float] | None = None, config: Config | str | Path | None = None) -> str | None:
    """Log the current version of a model folder as one MLflow run; returns the run id (None when tracking is
    off or the store cannot be used, which is logged and does not stop anything).

    The store is the config's `[tracking]` one, by default `DIR/mlflow.db`. The run holds the `[model]`
    settings and seed as parameters, `metrics` (e.g. cross-validated scores) as metrics, the version's
    files as artefacts, and registers each target as the pyfunc model `rca-<target>` with alias `current`,
    as `rca train` does."""
    model_dir = Path(model_dir)
    manifest = read_manifest(model_dir)
    targets = list(manifest.get("target_files") or {})
    with TrainingRun(model_dir, _config(config).section("tracking"), run_name=f"track {', '.join(targets)}") as run:
        run.log_params(
            {"seed": manifest.get("seed"), "targets": ",".join(targets), "split": manifest.get("split"), **(manifest.get("settings") or {})}
        )
        run.log_metrics(dict(metrics or {}))
        run.set_tags(
            {
                "version": manifest.get("version"),
                "data_sha256": (manifest.get("data") or {}).get("sha256"),
                "model_dir": str(model_dir.resolve()),
            }
        )
        run.log_artifacts(model_dir / VERSIONS / str(manifest.get("version")))
        run.register_models(manifest.get("target_files") or {})
    return run.run_id if run.enabled else None
