"""`train_models`: learn every target from a labelled case frame, evaluate it
honestly, save one versioned model folder and log the run.

Steps: choose targets (the defaults present, or those named; `rca.model.targets`) -> redact every
text once -> hold out the latest 20% (related cases together; see `rca.model.evaluate`) -> fit the
shared featuriser on the training side -> per target fit a calibrated classifier, pick its review
threshold on out-of-fold scores, score the held-out cases beside three baselines
(`rca.model.target_fits`) -> learn from every labelled row for the saved model (after a time split
the whole recipe again: vocabulary, classifier, calibration, thresholds; after a random one the
classifier, keeping the out-of-fold calibration and thresholds) -> write the folder
(`rca.model.store`, manifest from `rca.model.provenance`) and the MLflow run (`rca.model.tracking`).

A target learns from the rows where it has a label (root cause on accepted
complaints, escalation reason on stage-2 records...). Labelled rows with no
text cannot teach anything; they are counted in the metrics as `n_no_text`.

Example::

    result = train_models(cases, model_dir="models/demo", config=load_config("rca.toml"))
    result.metrics["root_cause"]["macro_f1"], result.metrics["root_cause"]["coverage"]
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

from rca.config import Config
from rca.errors import RcaError
from rca.ingest.io import write_table
from rca.ingest.taxonomy import load_taxonomy
from rca.model.card import write_model_card
from rca.model.classifier import ModelSettings
from rca.model.evaluate import holdout_split
from rca.model.provenance import PAST_CASE_COLUMNS, build_manifest, data_sha256, json_safe, summary_metrics
from rca.model.recipe import Recipe, choose_recipe, describe
from rca.model.store import save_version
from rca.model.target_fits import evaluate_targets, final_models, refit_models, worker_count
from rca.model.targets import labelled, prepare_targets, resolve_targets
from rca.model.tracking import TrainingRun
from rca.settings import TrackingSection
from rca.text.features import build_featuriser, word_columns
from rca.text.prepare import prepare
from rca.text.redact import redact_many

__all__ = ["PAST_CASE_COLUMNS", "TrainResult", "data_sha256", "summary_metrics", "train_models"]

log = logging.getLogger(__name__)


@dataclass
class TrainResult:
    """What a training run produced: per-target held-out metrics, where it was saved, the run id."""

    metrics: dict[str, dict[str, Any]]
    model_dir: Path
    run_id: str
    version: str
    split: str
    manifest: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class _Data:
    """The training rows as every step reads them."""

    cases: pd.DataFrame
    targets: list[str]
    multi: dict[str, bool]
    has_text: np.ndarray  # rows with text: the only ones a model learns from
    redacted: list[str]  # every text redacted (cases.parquet and the baselines use these)
    prepped: list[str]  # what the featuriser reads
    y: dict[str, np.ndarray]  # each target's cells as stripped strings
    has_label: dict[str, np.ndarray]  # each target's rows with a label, text or not

    def rows(self, target: str) -> np.ndarray:
        """Indices of the rows with text and a label for `target`."""
        return np.flatnonzero(self.has_label[target] & self.has_text)


def train_models(
    cases: pd.DataFrame,
    *,
    targets: list[str] | None = None,
    model_dir: str | Path,
    config: Config,
    seed: int | None = None,
    recipe: str = "auto",
    budget: float | None = None,
    progress: bool = False,
) -> TrainResult:
    """Train, evaluate, save and track one model per target. See the module doc for the steps; `recipe`
    "auto" chooses what `[model]` leaves open by cross-validation on the training rows (`rca.model.recipe`),
    "fast" uses the settings as written; `budget` bounds that search in seconds."""
    # The solvers make many small dense BLAS calls; handing each to a thread pool
    # costs more than it saves, and on a busy 2-core machine it made L-BFGS 70x slower.
    with threadpool_limits(limits=1, user_api="blas"):
        return _train(
            cases, targets=targets, model_dir=model_dir, config=config, seed=seed, how=dict(mode=recipe, budget=budget, progress=progress)
        )


def _train(
    cases: pd.DataFrame, *, targets: list[str] | None, model_dir: str | Path, config: Config, seed: int | None, how: dict
) -> TrainResult:
    from rca.model.store import check_model_dir

    check_model_dir(model_dir)  # a file or another project's folder: refused now, not after the training
    t0 = time.perf_counter()
    settings = ModelSettings.from_config(config.section("model"), source=config.source)
    seed = config.seed if seed is None else seed
    taxonomy = load_taxonomy(config.taxonomy)
    model_dir = Path(model_dir)
    data = _read(cases, targets, settings, config, taxonomy)
    test, split = holdout_split(
        data.cases, stratify=data.cases[data.targets[0]], test_size=settings.test_size, how=settings.split, seed=seed
    )
    train = ~test & data.has_text
    has_label = {t: data.has_label[t] & data.has_text for t in data.targets}
    recipe = choose_recipe(
        data.prepped, data.cases, data.targets, train, has_label, data.multi, settings, config.section("model"), seed=seed, **how
    )  # only training rows: the held-out ones never take part in the choice
    log.info("%s", describe(recipe.report))
    settings = recipe.settings
    featuriser, X = _features(settings, data.prepped, train)
    log.info("%s; %d features", split, X.shape[1])
    n_jobs = worker_count(settings.n_jobs, sum(int(v.sum()) for v in has_label.values()))

    with TrainingRun(model_dir, config.section_as(TrackingSection, "tracking"), run_name=f"train {', '.join(data.targets)}") as run:
        models, metrics = _evaluate(data, featuriser, X, test, recipe, seed=seed, n_jobs=n_jobs)
        if settings.refit and test.any():
            featuriser = _final(data, models, metrics, X, test, recipe, split=split, seed=seed, n_jobs=n_jobs) or featuriser
        created = datetime.now().astimezone()
        version = f"{created:%Y%m%d-%H%M%S}-{run.run_id[:8]}"
        manifest = build_manifest(
            cases=data.cases, targets=data.targets, has_text=data.has_text, metrics=metrics, model_dir=model_dir, created=created,
            run=run, taxonomy=taxonomy, settings=settings, recipe_report=recipe.report, seed=seed, split=split, config=config,
        )  # fmt: skip
        vdir, manifest = _save(model_dir, version, data, featuriser, models, metrics, manifest, config)
        _track(
            run, data, metrics, manifest, vdir, recipe, settings, version=version, seed=seed, split=split, taxonomy_version=taxonomy.version
        )
    return TrainResult(
        metrics=metrics, model_dir=model_dir, run_id=run.run_id, version=version, split=split, manifest=manifest,
        seconds=time.perf_counter() - t0,
    )  # fmt: skip


def _read(cases: pd.DataFrame, targets: list[str] | None, settings: ModelSettings, config: Config, taxonomy) -> _Data:
    """The targets, their labels as training reads them, and every text redacted and prepared once."""
    if "text" not in cases:
        raise RcaError("E101", "no 'text' column to learn from; name it with --text-column", column="text")
    targets = resolve_targets(cases, targets, settings)
    cases = cases.reset_index(drop=True)
    has_text = labelled(cases["text"]).to_numpy()
    multi = prepare_targets(cases, targets, has_text, config, taxonomy)
    log.info("redacting %d texts", len(cases))
    raw = cases["text"].where(cases["text"].notna(), "").astype(str).tolist()
    redacted = redact_many(raw)  # cases.parquet and baselines always get redacted text
    # the same preparation the saved featuriser applies when scoring, redaction done once above
    prepped = prepare(redacted if settings.redact else raw, redact=False, lemmas=settings.lemmatise)
    y = {t: cases[t].astype(str).str.strip().to_numpy() for t in targets}
    return _Data(cases, targets, multi, has_text, redacted, prepped, y, {t: labelled(cases[t]).to_numpy() for t in targets})


def _features(settings: ModelSettings, prepped: list[str], rows: np.ndarray):
    """(featuriser with its vocabulary learnt from the texts of `rows`, every text's feature matrix).

    Each text is analysed once: the rows the vocabulary is learnt from get their matrix from that same pass
    (`fit_transform`), the others from `transform`. The matrix equals `fit(rows).transform(every text)`
    value for value, in the same order, at about half the cost."""
    featuriser = build_featuriser(settings.as_dict(), n_docs=int(rows.sum()))
    union = featuriser.named_steps["union"]
    fit_rows, other = np.flatnonzero(rows), np.flatnonzero(~rows)
    parts = [sp.csr_matrix(union.fit_transform([prepped[i] for i in fit_rows]))]
    if len(other):
        parts.append(sp.csr_matrix(union.transform([prepped[i] for i in other])))
    where = np.empty(len(prepped), dtype=np.int64)
    where[np.r_[fit_rows, other]] = np.arange(len(prepped))
    X = sp.vstack(parts, format="csr")[where]
    X.sort_indices()
    return featuriser, X


def _evaluate(data: _Data, featuriser, X, test: np.ndarray, recipe: Recipe, *, seed: int, n_jobs: int):
    """Every target fitted on the training part and scored on the held-out part, with its recipe report."""
    rows = {}
    for t in data.targets:
        idx = data.rows(t)
        rows[t] = (idx[~test[idx]], idx[test[idx]])
    models, fitted = evaluate_targets(
        X, data.y, rows, multi=data.multi, recipe=recipe, seed=seed, word_cols=word_columns(featuriser), redacted=data.redacted,
        with_baselines=recipe.settings.baselines, n_jobs=n_jobs,
    )  # fmt: skip
    metrics = {}
    for t in data.targets:
        n_no_text = int((data.has_label[t] & ~data.has_text).sum())
        m = {"kind": "multi_label" if data.multi[t] else "single_label", "n_train": len(rows[t][0]), "n_no_text": n_no_text}
        m.update({**fitted[t], "recipe": recipe.target_report(t)})
        m["recipe"]["holdout_macro_f1"] = m.get("macro_f1")
        metrics[t] = m
        log.info("%s: macro-F1 %.3f, coverage %.2f", t, m.get("macro_f1", float("nan")), m.get("coverage", float("nan")))
    return models, metrics


def _final(data: _Data, models: dict, metrics: dict, X, test: np.ndarray, recipe: Recipe, *, split: str, seed: int, n_jobs: int):
    """The saved models, learnt from every labelled row; the new featuriser after a time split (None after a random one).

    After a time split the same recipe is fitted again on every labelled row - vocabulary, classifier,
    calibration, decision offsets and review threshold. The latest cases were held out to evaluate, so a
    code or a word that first appears in recent months (a new service, a new root-cause code) would
    otherwise be unknown to the saved model, and its calibration would describe older cases. Calibration,
    offsets and the threshold are fitted on an out-of-sample score for every labelled row, with no second
    cross-validation: the training part's out-of-fold scores and the held-out part's scores from the
    evaluated model (`rca.model.target_fits.every_row_scores`). When the held-out months bring a code the
    training part lacked, those scores have no column for it and the target is cross-validated again on
    every row. After a random hold-out, which looks like the rest, refitting only the classifier on every
    row is as good and cheaper (NHS themes, 3 splits x 2 seeds: 0.513 against 0.509 from scratch, 9.5 s
    against 16 s). The metrics keep the evaluated model's hold-out figures and record the saved model's threshold."""
    rows = {t: data.rows(t) for t in data.targets}
    if not split.startswith("time split"):
        refit_models(models, X, rows, data.y, n_jobs)
        return None
    featuriser, X_all = _features(recipe.settings, data.prepped, data.has_text)
    final_models(
        models, metrics, X_all, X, rows, data.y, test, multi=data.multi, recipe=recipe, seed=seed, word_cols=word_columns(featuriser),
        n_jobs=n_jobs,
    )  # fmt: skip
    return featuriser


def _save(model_dir: Path, version: str, data: _Data, featuriser, models: dict, metrics: dict, manifest: dict, config: Config):
    """Write the version folder (models, metrics.json, the past cases for similar-case search) and its model card."""
    with tempfile.TemporaryDirectory() as tmp:
        extra = {"metrics.json": Path(tmp) / "metrics.json", "cases.parquet": Path(tmp) / "cases.parquet"}
        extra["metrics.json"].write_text(json.dumps(json_safe(metrics), indent=2, ensure_ascii=False), encoding="utf-8")
        past = pd.DataFrame(index=data.cases.index)
        for c in PAST_CASE_COLUMNS:
            past[c] = data.cases[c] if c in data.cases else None
        past["text_redacted"] = data.redacted
        write_table(past, extra["cases.parquet"], neutralise=False)
        vdir, manifest = save_version(
            model_dir, version=version, featuriser=featuriser, models=models, manifest=manifest, extra_files=extra
        )
    for folder in (vdir, model_dir):  # every trained model says what it is for and how well it did
        write_model_card(folder, config=config)
    return vdir, manifest


def _track(
    run: TrainingRun,
    data: _Data,
    metrics: dict,
    manifest: dict,
    vdir: Path,
    recipe: Recipe,
    settings: ModelSettings,
    *,
    version: str,
    seed: int,
    split: str,
    taxonomy_version,
) -> None:
    """The MLflow record: parameters, metrics, the recipe search, the folder, figures and the registered pyfunc models."""
    targets = data.targets
    run.log_params({"seed": seed, "targets": ",".join(targets), "n_rows": len(data.cases), "split": split,
                    "taxonomy_version": taxonomy_version, **settings.as_dict()})  # fmt: skip
    run.log_metrics({f"{t}.{k}": v for t in targets for k, v in summary_metrics(metrics[t]).items() if isinstance(v, (int, float))})
    run.set_tags({"version": version, "data_sha256": manifest["data"]["sha256"], "model_dir": str(run.model_dir.resolve())})
    run.log_candidates(recipe.report, {t: metrics[t].get("macro_f1") for t in targets})
    run.log_artifacts(vdir)
    run.log_figures(metrics)
    run.register_models(manifest["target_files"])
