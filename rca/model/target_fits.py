"""The per-target fits of a training: the evaluated model of each target with its held-out metrics and
baselines (`evaluate_targets`), then the saved model (`final_models`).

Targets are independent once the features are built, so with `[model] n_jobs` above 1 and enough rows
their fits run in worker processes at once (forked where the platform allows, else joblib's loky backend), each target one task and each
target's baselines another. Processes, not threads: liblinear reseeds one process-wide random generator
at the start of every fit, so fits on threads would interleave draws (`rca.model.classifier.fold_jobs`),
while a fit in its own process gives the same model as one run alone. Small trainings stay in this
process, where starting workers would cost more than it saves.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
from joblib import Parallel, delayed

from rca.forking import can_fork, start_forked
from rca.model.calibration import expected_calibration_error
from rca.model.classifier import ModelSettings, TargetModel
from rca.model.evaluate import baselines, score_predictions
from rca.model.targets import check_trainable

# below this many labelled rows over all targets, fits run in this process: starting a worker (~2-3 s of
# imports on an idle machine, far more on a busy one) costs more than it saves
PARALLEL_MIN_ROWS = 20_000


def worker_count(n_jobs: int, n_rows: int) -> int:
    """How many processes fit targets at once: `n_jobs` for a training of `n_rows` labelled rows or more, else 1.

    >>> worker_count(2, 50_000), worker_count(2, 5_000), worker_count(1, 50_000)
    (2, 1, 1)
    """
    return max(1, int(n_jobs)) if n_rows >= PARALLEL_MIN_ROWS else 1


def can_fork_workers() -> bool:
    """Whether workers may be forked from this process: the platform forks, and no loky executor runs here (a forked
    child would inherit a copy of it without its threads, and a fit that splits itself over processes would use it)."""
    if not can_fork():
        return False
    try:
        from joblib.externals.loky import reusable_executor
    except ImportError:
        return False
    return getattr(reusable_executor, "_executor", object()) is None


def run_all(tasks: list[tuple[Callable, tuple, dict]], n_jobs: int) -> list:
    """`fn(*args, **kwargs)` of each task, in order; on `n_jobs` worker processes when more than 1.

    Workers are forked where the platform allows it (`rca.forking`): they start with every module and the feature
    matrix already in memory, where a fresh (loky) worker imports scikit-learn and rca and is sent its rows, a few
    CPU seconds per worker. Only the results travel back. Each task runs in a process of its own either way,
    so the models equal those fitted one at a time in this process."""
    if n_jobs <= 1 or len(tasks) <= 1:
        return [fn(*a, **k) for fn, a, k in tasks]
    n = min(n_jobs, len(tasks))
    if can_fork_workers():
        return start_forked(tasks, n).results()
    return Parallel(n_jobs=n, backend="loky")(delayed(fn)(*a, **k) for fn, a, k in tasks)


def fit_summary(model: TargetModel) -> dict[str, Any]:
    """Review threshold and out-of-fold coverage / calibration error of a fitted target model."""
    v = model.validation_
    if model.multi:
        ece = expected_calibration_error(v["proba"].ravel(), v["Y"].ravel())
    else:
        ece = expected_calibration_error(v["confidence"], v["correct"])
    out = {
        "threshold": float(model.threshold_),
        "validation_coverage": float((v["confidence"] >= model.threshold_).mean()),
        "validation_ece": ece,
    }
    if model.multi:
        out["label_thresholds"] = dict(zip(map(str, model.classes_), map(float, model.label_thresholds_)))
        out["skipped_labels"] = model.skipped_labels_
    return out


def _fit_evaluated(
    target: str,
    X_tr,
    y_tr: list[str],
    X_te,
    y_te: list[str],
    *,
    multi: bool,
    settings: ModelSettings,
    seed: int,
    word_cols: int | None,
    oof,
) -> tuple[TargetModel, Any, dict[str, Any], dict[str, Any]]:
    """(model fitted on the training part, its out-of-fold scores, its metrics on the held-out part, its fit summary)."""
    tf = time.perf_counter()
    model = TargetModel(target, multi=multi, settings=settings, seed=seed, word_columns=word_cols).fit(X_tr, y_tr, oof=oof)
    fit = {"fit_seconds": round(time.perf_counter() - tf, 3), **fit_summary(model)}
    if len(y_te):
        held = score_predictions(y_te, model.predict(X_te), multi=multi)
    else:
        held = {"n_test": 0, "macro_f1": float("nan"), "accuracy": float("nan"), "coverage": float("nan")}
    return model, model.__dict__.get("oof_"), held, fit


def evaluate_targets(
    X,
    cases_y: dict[str, np.ndarray],
    rows: dict[str, tuple[np.ndarray, np.ndarray]],
    *,
    multi: dict[str, bool],
    recipe,
    seed: int,
    word_cols: int | None,
    redacted: list[str],
    with_baselines: bool,
    n_jobs: int,
):
    """Per target: the model fitted on its training rows and its held-out metrics, with the baselines on the same split.

    `cases_y[t]`: every row's label cell (stripped strings); `rows[t]`: (training rows, held-out rows) among
    its labelled rows with text. Returns ({target: model}, {target: metrics}); each model keeps its
    out-of-fold scores as `oof_`, as an in-process fit does."""
    tasks, base_tasks = [], []
    for t, (tr, te) in rows.items():
        y = cases_y[t]
        check_trainable(t, list(y[tr]), multi=multi[t], where="in the training part of the split")
        kw = dict(multi=multi[t], settings=recipe.for_target(t), seed=seed, word_cols=word_cols, oof=recipe.oof.get(t))
        tasks.append((_fit_evaluated, (t, X[tr], list(y[tr]), X[te], list(y[te])), kw))
        if with_baselines and len(te):
            texts_tr, texts_te = [redacted[i] for i in tr], [redacted[i] for i in te]
            base_tasks.append((baselines, (texts_tr, list(y[tr]), texts_te, list(y[te])), dict(multi=multi[t], seed=seed)))
    done = run_all(tasks + base_tasks, n_jobs)
    models, metrics, base = {}, {}, iter(done[len(tasks) :])
    for (t, (tr, te)), (model, oof, held, fit) in zip(rows.items(), done[: len(tasks)]):
        model.__dict__["oof_"] = oof  # dropped when a worker process sent the model back
        extra = {"baselines": next(base)} if with_baselines and len(te) else {}
        models[t], metrics[t] = model, {**held, **extra, **fit}
    return models, metrics


def every_row_scores(model: TargetModel, X: Any, rows: np.ndarray, test: np.ndarray):
    """(scores, classes) of every labelled row `rows` by the evaluated model, each out of sample: the training
    part's out-of-fold scores (`model.oof_`) and the held-out part scored by the model fitted on the training
    part, which never saw it. (None, None) when the model kept no out-of-fold scores."""
    oof = model.__dict__.get("oof_")
    held = test[rows]
    if oof is None or len(oof) != int((~held).sum()):
        return None, None
    S = np.empty((len(rows), np.shape(oof)[1]))
    S[~held] = oof
    if held.any():
        S[held] = model.decision_scores(X[rows[held]])
    return S, model.classes_


def _fit_saved(
    target: str, X, y: list[str], *, multi: bool, settings: ModelSettings, seed: int, word_cols: int | None, oof, oof_classes
) -> tuple[TargetModel, dict[str, Any]]:
    """The saved model of one target fitted on every labelled row, and what to add to its metrics."""
    tf = time.perf_counter()
    model = TargetModel(target, multi=multi, settings=settings, seed=seed, word_columns=word_cols)
    model.fit(X, y, oof=oof, oof_classes=oof_classes)
    kept = model.__dict__.get("oof_")  # the given scores when they were used (a worker may hold them as a memory map)
    reused = oof is not None and kept is not None and (kept is oof or np.shares_memory(kept, oof))
    how = (
        "out-of-fold scores of the training part + the evaluated model's scores of the held-out part"
        if reused
        else "a new cross-validation on every labelled row"
    )
    return model, {
        "n_final": len(y),
        "final_fit_seconds": round(time.perf_counter() - tf, 3),
        "final_calibration": how,
        **fit_summary(model),
    }


def final_models(
    models: dict[str, TargetModel],
    metrics: dict[str, dict],
    X_all,
    X_eval,
    labelled_rows: dict[str, np.ndarray],
    cases_y: dict[str, np.ndarray],
    test: np.ndarray,
    *,
    multi: dict[str, bool],
    recipe,
    seed: int,
    word_cols: int | None,
    n_jobs: int,
) -> None:
    """After a time split: each target fitted again on every labelled row (`X_all`, features learnt from every row),
    calibrated on an out-of-sample score of every row (`every_row_scores`). `models` and `metrics` are updated in
    place; the metrics keep the evaluated model's hold-out figures and record the saved model's threshold."""
    tasks = []
    for t, rows in labelled_rows.items():
        oof, oof_classes = every_row_scores(models[t], X_eval, rows, test)
        kw = dict(multi=multi[t], settings=recipe.for_target(t), seed=seed, word_cols=word_cols, oof=oof, oof_classes=oof_classes)
        tasks.append((_fit_saved, (t, X_all[rows], list(cases_y[t][rows])), kw))
    for t, (model, extra) in zip(labelled_rows, run_all(tasks, n_jobs)):
        metrics[t].update({"holdout_threshold": metrics[t]["threshold"], **extra})
        models[t] = model


def refit_models(
    models: dict[str, TargetModel], X, labelled_rows: dict[str, np.ndarray], cases_y: dict[str, np.ndarray], n_jobs: int
) -> None:
    """After a random hold-out: each target's classifier refitted on every labelled row, keeping its out-of-fold
    calibration and thresholds (`TargetModel.refit`)."""
    tasks = [(_refit, (models[t], X[rows], list(cases_y[t][rows])), {}) for t, rows in labelled_rows.items()]
    for t, model in zip(labelled_rows, run_all(tasks, n_jobs)):
        models[t] = model


def _refit(model: TargetModel, X, y: list[str]) -> TargetModel:
    return model.refit(X, y)
