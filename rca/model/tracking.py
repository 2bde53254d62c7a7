"""Experiment tracking: each training is one MLflow run. Every MLflow call rca makes is here; the only other
modules importing mlflow are `rca/scoring/pyfunc.py` and `pyfunc_code.py`, the scoring code MLflow runs.

The tracking store defaults to `sqlite:///DIR/mlflow.db` inside the model
folder, so no server is needed and nothing leaves the machine; view it with
`mlflow ui --backend-store-uri sqlite:///DIR/mlflow.db`. Settings, all optional,
in the `[tracking]` config section: `enabled` (true), `uri` (that sqlite
file), `experiment` ("rca"), `register` (true: each target's model becomes a
registered model `rca-<target>` with a new version and the alias `current`).

What each registered version holds is an MLflow pyfunc model (`log_pyfunc_model`):
the current version of the model folder as artefacts, the scoring code
`rca/scoring/pyfunc.py`, a signature and an input example, so
`mlflow.pyfunc.load_model("models:/rca-<target>@current")` and
`mlflow models serve` work on it (docs/mlflow.md).

A fresh MLflow sqlite store takes ~15 s to create (schema migrations), so an
empty, migrated store is kept in `$RCA_CACHE_DIR` (default `~/.cache/rca`) and
copied for each new model folder.

MLflow stores each experiment's artefact folder as an absolute path. A store
inside a model folder travels with it when the folder is copied or moved, so a
run is only logged to an experiment whose artefacts lie in *this* folder: when
the configured one's lie elsewhere, an experiment named "rca (moved from OLD)"
is made (or reused) here, with a log line saying so. The store's built-in
"Default" experiment, which rca never uses, is pointed inside the folder too.

Example::

    with TrainingRun(Path("models/demo"), config.section_as(TrackingSection, "tracking")) as run:
        run.log_metrics({"root_cause.macro_f1": 0.8})
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import posixpath
import re
import shutil
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from rca.model.store import ALIASES, VERSIONS, read_manifest
from rca.settings import TrackingSection, section_settings

log = logging.getLogger(__name__)


def _cache_dir() -> Path:
    return Path(os.environ.get("RCA_CACHE_DIR") or Path.home() / ".cache" / "rca")


def _sqlite_file(uri: str) -> Path | None:
    return Path(uri[len("sqlite:///") :]) if uri.startswith("sqlite:///") else None


def _local_path(location: str) -> Path | None:
    """The folder an artefact location names on this machine (None for s3://, mlflow-artifacts:...)."""
    if location.startswith("file:"):
        return Path(unquote(urlparse(location).path))
    return None if "://" in location or not location else Path(location)


def _inside(location: str, folder: Path) -> bool:
    path = _local_path(location)
    try:
        return path is not None and path.resolve().is_relative_to(folder.resolve())
    except (OSError, ValueError):
        return False


def registered_name(target: str) -> str:
    """`rca-<target>`; a target MLflow's registry refuses as a name ('/' or ':' in it) gets `_` for
    them and the first 8 hex digits of the sha256 of the exact name, as its artefact file does."""
    name = f"rca-{target}"
    if re.search(r"[/:]", target) or posixpath.normpath(name) != name:
        digest = hashlib.sha256(target.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        name = f"rca-{re.sub(r'[/:]+', '_', target)}-{digest}"
    return name


# The scoring code of the MLflow models rca logs: MLflow runs this file when it loads one (a "model from
# code"). It is named by its path, not imported: the model stage does not depend on the scoring stage.
PYFUNC_CODE = Path(__file__).resolve().parents[1] / "scoring" / "pyfunc_code.py"
PYFUNC_ARTIFACT = "rca_model"  # the logged model's artefact: a model folder holding one version
PYFUNC_TARGET = "rca_target"  # and this one: {"target": ..., "version": ...}, which target of which version it scores
SCORED_SUFFIXES = ("predicted", "confidence", "review", "evidence")  # rca.scoring.score.SUFFIXES, checked by a test
EXAMPLE_TEXTS = (
    "The bin on our road was not collected on Tuesday and nobody came back for it.",
    "I was promised a call back about the repair to my kitchen ceiling and never heard anything.",
)
_PROGRESS_BAR = "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"
_REQUIREMENTS = ("rca", "mlflow", "scikit-learn", "skops", "spacy", "spacy-lookups-data", "numpy", "scipy", "pandas", "pyarrow")


@contextmanager
def staged_model_folder(model_dir: Path) -> Iterator[tuple[Path, str]]:
    """(a temporary model folder holding only the current version of `model_dir`, that version's id): what each
    logged MLflow model carries, in the layout `rca.model.store.load_model(folder, alias=version)` checks and loads."""
    version = read_manifest(model_dir)["version"]
    with tempfile.TemporaryDirectory(prefix="rca-mlflow-") as tmp:
        folder = Path(tmp) / PYFUNC_ARTIFACT
        shutil.copytree(Path(model_dir) / VERSIONS / version, folder / VERSIONS / version)
        (folder / ALIASES).write_text(json.dumps({"current": version}), encoding="utf-8")
        yield folder, version


@contextmanager
def _no_progress_bars() -> Iterator[None]:
    """MLflow draws a bar each time it reads a model back (to check its input example); training has its own output."""
    before = os.environ.get(_PROGRESS_BAR)
    os.environ[_PROGRESS_BAR] = "false"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(_PROGRESS_BAR, None)
        else:
            os.environ[_PROGRESS_BAR] = before


def pyfunc_signature(target: str):
    """A `text` column in (and optionally `stage` and `case_type`); the target's scored columns out."""
    from mlflow.models import ModelSignature
    from mlflow.types import ColSpec, Schema

    inputs = Schema([ColSpec("string", "text"), ColSpec("string", "stage", required=False), ColSpec("string", "case_type", required=False)])
    kinds = {"predicted": "string", "confidence": "double", "review": "boolean", "evidence": "string"}
    outputs = Schema([*(ColSpec(kinds[s], f"{target}_{s}") for s in SCORED_SUFFIXES), ColSpec("string", "rca_model_version")])
    return ModelSignature(inputs=inputs, outputs=outputs)


def pyfunc_requirements() -> list[str]:
    """The installed versions of what scoring needs, so `mlflow` can say when an environment differs."""
    out = []
    for name in _REQUIREMENTS:
        try:
            out.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return out


def log_pyfunc_model(mlflow, folder: Path, *, target: str, version: str, name: str):
    """Log one target of the staged model folder as an MLflow pyfunc model in the active run; its ModelInfo.

    Which target it scores is an artefact, not `model_config`, which MLflow would also log as parameters of
    the run, where each target's value would clash with the one before."""
    import pandas as pd

    with tempfile.TemporaryDirectory(prefix="rca-mlflow-") as tmp:
        which = Path(tmp) / f"{PYFUNC_TARGET}.json"
        which.write_text(json.dumps({"target": target, "version": version}, ensure_ascii=False), encoding="utf-8")
        return mlflow.pyfunc.log_model(
            name=name,
            python_model=str(PYFUNC_CODE),
            artifacts={PYFUNC_ARTIFACT: str(folder), PYFUNC_TARGET: str(which)},
            signature=pyfunc_signature(target),
            input_example=pd.DataFrame({"text": list(EXAMPLE_TEXTS)}),
            pip_requirements=pyfunc_requirements(),
            tags={"target": target, "rca_version": version},
        )


class TrainingRun:
    """Context manager around one MLflow run; a no-op with a local id when tracking is off."""

    def __init__(self, model_dir: Path, settings: TrackingSection | Mapping[str, Any] | None, *, run_name: str | None = None) -> None:
        """`settings`: the `[tracking]` table, as `TrackingSection` or as written (read against the schema, E202)."""
        if not isinstance(settings, TrackingSection):
            settings = section_settings(TrackingSection, settings, section="tracking")
        self.model_dir = Path(model_dir)
        self.enabled = settings.enabled
        self.uri = settings.uri or f"sqlite:///{(self.model_dir / 'mlflow.db').resolve()}"
        self.experiment = settings.experiment
        self.register = settings.register
        self.run_name = run_name
        self.run_id = uuid.uuid4().hex
        self._mlflow = None

    def __enter__(self) -> "TrainingRun":
        if not self.enabled:
            return self
        try:
            self._start()
        except Exception as exc:  # noqa: BLE001 - a broken store must not stop training
            self._give_up(exc)
        return self

    def _give_up(self, exc: Exception) -> None:
        """Tracking is a record, not the product: warn and carry on without it."""
        log.warning(
            "MLflow tracking turned off for this run (%s: %s); the model folder is still written",
            type(exc).__name__,
            str(exc).splitlines()[0][:200] if str(exc) else "",
        )
        self.enabled = False
        if self._mlflow is not None:
            try:  # leave no half-open run behind for the next training in this process
                self._mlflow.end_run(status="FAILED")
            except Exception:  # noqa: BLE001 - the store is already known to be broken
                log.debug("could not close the MLflow run", exc_info=True)
        self._mlflow = None

    def _guard(self, fn, *args) -> Any:
        if self._mlflow is None:
            return None
        try:
            return fn(*args)
        except Exception as exc:  # noqa: BLE001
            self._give_up(exc)
            return None

    def _start(self) -> None:
        # rca never touches the network: MLflow's telemetry is turned off before its first import (it reads these then)
        os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
        os.environ.setdefault("DO_NOT_TRACK", "true")
        import mlflow

        self._prepare_store()
        mlflow.set_tracking_uri(self.uri)
        if self._own_store():
            self._keep_default_here()
        exp_id = self._experiment_id(mlflow)
        run = mlflow.start_run(experiment_id=exp_id, run_name=self.run_name)
        self.run_id = run.info.run_id
        self._mlflow = mlflow

    def _own_store(self) -> bool:
        """Whether the tracking store is the model folder's own sqlite file (the default)."""
        db = _sqlite_file(self.uri)
        try:
            return db is not None and db.resolve().parent == self.model_dir.resolve()
        except OSError:
            return False

    def _experiment_id(self, mlflow) -> str:
        """The experiment to log to: the configured one, unless the folder's own store keeps its
        artefacts in another folder (the model folder was copied or moved): then one made here."""
        here = (self.model_dir / "mlartifacts").resolve()
        exp = mlflow.get_experiment_by_name(self.experiment)
        if exp is None:
            return mlflow.create_experiment(self.experiment, artifact_location=here.as_uri())
        if not self._own_store() or _inside(exp.artifact_location, self.model_dir):
            return exp.experiment_id
        for other in mlflow.search_experiments():
            if other.name.startswith(f"{self.experiment} (") and _inside(other.artifact_location, self.model_dir):
                log.info(
                    "MLflow experiment %r keeps its artefacts in %s, outside %s; this run goes to %r, made here",
                    self.experiment,
                    exp.artifact_location,
                    self.model_dir,
                    other.name,
                )
                self.experiment = other.name
                return other.experiment_id
        old = _local_path(exp.artifact_location)
        was = str(old.parent if old is not None and old.name == "mlartifacts" else exp.artifact_location)
        for name in (
            f"{self.experiment} (moved from {was})",
            f"{self.experiment} ({self.model_dir.resolve()})",
            f"{self.experiment} ({uuid.uuid4().hex[:8]})",
        ):
            if mlflow.get_experiment_by_name(name) is None:
                exp_id = mlflow.create_experiment(name, artifact_location=here.as_uri())
                log.warning(
                    "MLflow experiment %r keeps its artefacts in %s, outside this model folder (was the folder "
                    "copied or moved?); this run and the next go to a new experiment %r with artefacts in %s",
                    self.experiment,
                    exp.artifact_location,
                    name,
                    here,
                )
                self.experiment = name
                return exp_id
        raise RuntimeError(f"no free experiment name for {self.model_dir}")

    def _keep_default_here(self) -> None:
        """Point the store's "Default" experiment (id 0) inside this folder. The cached template made it
        wherever rca first ran (e.g. /work/main/mlruns/0); rca never logs to it, but `mlflow` pointed at
        this store without an experiment would. MLflow has no call to move an experiment, hence SQL."""
        db, loc = _sqlite_file(self.uri), (self.model_dir / "mlartifacts" / "0").resolve().as_uri()
        try:
            with closing(sqlite3.connect(db, timeout=30)) as con, con:
                con.execute(
                    "UPDATE experiments SET artifact_location = ? WHERE experiment_id = 0 AND name = 'Default' AND artifact_location != ?",
                    (loc, loc),
                )
        except sqlite3.Error as exc:  # a broken store is dealt with (and reported) by the MLflow calls next
            log.debug("could not move the Default experiment of %s: %s", db, exc)

    def __exit__(self, exc_type, exc, tb) -> None:
        self._guard(lambda: self._mlflow.end_run(status="FAILED" if exc_type else "FINISHED"))

    def _prepare_store(self) -> None:
        """Copy the cached empty store into place instead of migrating a new one (see module doc)."""
        db = _sqlite_file(self.uri)
        if db is None or db.exists():
            return
        import mlflow

        template = _cache_dir() / f"mlflow-{mlflow.__version__}-empty.db"
        db.parent.mkdir(parents=True, exist_ok=True)
        if template.is_file():
            shutil.copyfile(template, db)
            return
        from mlflow.tracking import MlflowClient

        MlflowClient(tracking_uri=self.uri).search_experiments()  # creates and migrates the schema
        try:
            template.parent.mkdir(parents=True, exist_ok=True)
            tmp = template.with_suffix(f".{os.getpid()}.part")
            shutil.copyfile(db, tmp)
            os.replace(tmp, template)
        except OSError as exc:  # a read-only home only costs time
            log.info("could not cache the empty MLflow store: %s", exc)

    def log_params(self, params: dict[str, Any]) -> None:
        clean = {k: (str(v)[:5000] if v is not None else "none") for k, v in params.items()}
        self._guard(lambda: self._mlflow.log_params(clean))

    def log_metrics(self, metrics: dict[str, float]) -> None:
        clean = {k: float(v) for k, v in metrics.items() if v is not None and v == v}
        self._guard(lambda: self._mlflow.log_metrics(clean))

    def set_tags(self, tags: dict[str, Any]) -> None:
        self._guard(lambda: self._mlflow.set_tags({k: str(v) for k, v in tags.items()}))

    def log_candidates(self, report: dict[str, Any], holdout: dict[str, Any]) -> None:
        """The recipe search: the chosen recipe on this run, and one child run per candidate with its
        cross-validated macro-F1 per target and decision rule, its time and status."""
        self._guard(self._log_candidates, report, holdout)

    def _log_candidates(self, report: dict[str, Any], holdout: dict[str, Any]) -> None:
        mlflow = self._mlflow
        chosen = {"recipe.mode": report.get("mode"), "recipe.view": report.get("view")}
        for t, p in (report.get("targets") or {}).items():
            chosen.update({f"recipe.{t}.C": p.get("C"), f"recipe.{t}.decision": p.get("decision")})
        mlflow.set_tags({k: str(v) for k, v in chosen.items()})
        mlflow.log_metrics(
            {f"{t}.cv_macro_f1_chosen": float(p["cv_macro_f1"]) for t, p in (report.get("targets") or {}).items()}
            | {f"{t}.holdout_macro_f1_chosen": float(v) for t, v in holdout.items() if v is not None and v == v}
        )
        for i, c in enumerate(report.get("candidates") or []):
            with mlflow.start_run(run_name=f"candidate {i}: {c['view']} C={c['C']:g}", nested=True):
                mlflow.log_params({"view": c["view"], "C": c["C"], "round": c["round"], "status": c["status"]})
                metrics = {"seconds": float(c["seconds"])}
                for t, rules in (c.get("cv_macro_f1") or {}).items():
                    metrics.update({f"{t}.cv_macro_f1.{r}": float(v) for r, v in rules.items()})
                    metrics.update({f"{t}.rows_per_fold": float(c["rows"][t])} if t in c.get("rows", {}) else {})
                mlflow.log_metrics(metrics)

    def log_artifacts(self, folder: Path, artifact_path: str = "model") -> None:
        self._guard(lambda: self._mlflow.log_artifacts(str(folder), artifact_path=artifact_path))

    def log_figures(self, metrics: dict[str, dict[str, Any]]) -> None:
        """A confusion-matrix and a calibration-curve PNG per target, under `evaluation/`."""
        self._guard(self._log_figures, metrics)

    def _log_figures(self, metrics: dict[str, dict[str, Any]]) -> None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        for target, m in metrics.items():
            if m.get("confusion"):
                labels, matrix = m["confusion"]["labels"], m["confusion"]["matrix"]
                fig, ax = plt.subplots(figsize=(2 + 0.45 * len(labels), 1.5 + 0.45 * len(labels)))
                ax.imshow(matrix, cmap="Blues")
                ax.set_xticks(range(len(labels)), [lab[:28] for lab in labels], rotation=90, fontsize=7)
                ax.set_yticks(range(len(labels)), [lab[:28] for lab in labels], fontsize=7)
                ax.set_xlabel("predicted")
                ax.set_ylabel("recorded")
                ax.set_title(f"{target}: held-out confusion matrix", fontsize=9)
                fig.tight_layout()
                self._mlflow.log_figure(fig, f"evaluation/confusion_{target}.png")
                plt.close(fig)
            if m.get("calibration_curve"):
                curve = m["calibration_curve"]
                fig, ax = plt.subplots(figsize=(4, 4))
                ax.plot([0, 1], [0, 1], ls=":", color="grey")
                ax.plot([b["confidence"] for b in curve], [b["accuracy"] for b in curve], marker="o")
                ax.set_xlabel("stated confidence")
                ax.set_ylabel("observed accuracy")
                ax.set_title(f"{target}: ECE {m.get('ece', float('nan')):.3f}", fontsize=9)
                fig.tight_layout()
                self._mlflow.log_figure(fig, f"evaluation/calibration_{target}.png")
                plt.close(fig)

    def register_models(self, target_files: dict[str, str], artifact_path: str = "model") -> dict[str, str]:
        """Log each target of the current version of the model folder as an MLflow pyfunc model and register it
        as a new version of `rca-<target>` with alias `current` (see `log_pyfunc_model`). `artifact_path` is
        unused: each target is its own logged model."""
        if not self.register:
            return {}
        return self._guard(self._register, list(target_files)) or {}

    def _register(self, targets: list[str]) -> dict[str, str]:
        from mlflow.exceptions import MlflowException
        from mlflow.tracking import MlflowClient

        client = MlflowClient(tracking_uri=self.uri)
        versions, started, logged = {}, time.perf_counter(), []
        with staged_model_folder(self.model_dir) as (folder, version), _no_progress_bars():
            for target in targets:
                name = registered_name(target)
                try:
                    client.get_registered_model(name)
                except MlflowException:
                    client.create_registered_model(name, tags={"target": target}, description=f"rca classifier for {target}")
                info = log_pyfunc_model(self._mlflow, folder, target=target, version=version, name=name)
                logged.append(info.model_id)
                mv = client.create_model_version(
                    name, source=info.model_uri, run_id=self.run_id, model_id=info.model_id, tags={"target": target, "rca_version": version}
                )
                client.set_registered_model_alias(name, "current", mv.version)
                versions[target] = str(mv.version)
        saved = self._link_copies(client, logged, version)
        log.info(
            "logged and registered %d MLflow pyfunc models (%s) in %.1f s; %.1f MB of copies of the model folder linked to one",
            len(versions),
            ", ".join(registered_name(t) for t in targets),
            time.perf_counter() - started,
            saved / 1e6,
        )
        self._retire_aliases(client, {registered_name(t) for t in targets})
        return versions

    def _link_copies(self, client, model_ids: list[str], version: str, artifact_path: str = "model") -> int:
        """Hard-link each logged pyfunc model's copy of the version folder to the run's `artifact_path` copy
        (`rca.model.artifact_links`); bytes saved."""
        from rca.model.artifact_links import link_identical

        original = _local_path(self._mlflow.get_artifact_uri(artifact_path))
        where = [_local_path(client.get_logged_model(m).artifact_location) for m in model_ids]
        if original is None or not original.is_dir() or None in where:
            return 0
        # where in its model MLflow puts a pyfunc artefact (artifacts/rca_model today) is MLflow's choice: found, not assumed
        copies = [p for w in where for p in w.glob(f"**/{PYFUNC_ARTIFACT}/{VERSIONS}/{version}") if p.is_dir()]
        return link_identical(copies, original)

    def _retire_aliases(self, client, keep: set[str]) -> None:
        """Drop `current` from registered targets this model no longer has. In a store shared by several
        model folders, only from those whose current version was trained into this folder."""
        here, token = str(self.model_dir.resolve()), None
        while True:
            page = client.search_registered_models(filter_string="name LIKE 'rca-%'", max_results=100, page_token=token)
            for rm in page:
                version = (rm.aliases or {}).get("current")
                if rm.name in keep or version is None:
                    continue
                if not self._own_store():
                    run_id = client.get_model_version(rm.name, version).run_id
                    if not run_id or client.get_run(run_id).data.tags.get("model_dir") != here:
                        continue
                client.delete_registered_model_alias(rm.name, "current")
                log.info("registered model %s: alias current dropped, the model now in %s has no such target", rm.name, self.model_dir)
            token = page.token
            if not token:
                return
