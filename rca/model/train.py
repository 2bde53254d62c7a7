"""`train_models`: learn every target from a labelled case frame, evaluate it
honestly, save one versioned model folder and log the run.

Steps: choose targets (the defaults present, or those named) -> redact every
text once -> hold out the latest 20% (related cases together; see
`rca.model.evaluate`) -> fit the shared featuriser on the training side -> per
target fit a calibrated classifier, pick its review threshold on out-of-fold
scores, score the held-out cases beside three baselines -> learn from every
labelled row for the saved model (after a time split the whole recipe again:
vocabulary, classifier, calibration, thresholds; after a random one the
classifier, keeping the out-of-fold calibration and thresholds) -> write
the folder (`rca.model.store`) and the MLflow run (`rca.model.tracking`).

A target learns from the rows where it has a label (root cause on accepted
complaints, escalation reason on stage-2 records...). Labelled rows with no
text cannot teach anything; they are counted in the metrics as `n_no_text`.

Example::

    result = train_models(cases, model_dir="models/demo", config=load_config("rca.toml"))
    result.metrics["root_cause"]["macro_f1"], result.metrics["root_cause"]["coverage"]
"""
from __future__ import annotations

import hashlib
import json
import math
import logging
import platform
import shlex
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from rca import __version__
from rca.model.calibration import expected_calibration_error
from rca.config import Config
from rca.errors import RcaError
from rca.model.evaluate import baselines, holdout_split, score_predictions
from rca.text.features import build_featuriser, word_columns
from rca.ingest.io import write_table
from rca.model.card import write_model_card
from rca.model.store import save_version
from rca.model.classifier import ModelSettings, TargetModel
from rca.model.recipe import Recipe, choose_recipe, describe
from rca.text.redact import redact_many
from rca.schema import BY_NAME, DEFAULT_TARGETS
from rca.ingest.codes import fold_spellings
from rca.ingest.taxonomy import load_taxonomy, split_labels
from rca.text.prepare import prepare
from rca.model.tracking import TrainingRun

log = logging.getLogger(__name__)

# kept in cases.parquet: similar-case search shows them; drift compares a file with past cases of its kind (case_type, stage)
PAST_CASE_COLUMNS = ("case_id", "received", "service", "team", "outcome", "corrective_action", "root_cause", "complainant_id",
                     "case_type", "stage")
SUMMARY_KEYS = ("macro_f1", "accuracy", "ece", "validation_ece", "coverage", "precision_at_threshold", "threshold",
                "n_train", "n_test")


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


def _labelled(values: pd.Series) -> pd.Series:
    return values.notna() & values.astype(str).str.strip().ne("")


def resolve_targets(cases: pd.DataFrame, targets: list[str] | None, settings: ModelSettings) -> list[str]:
    """The targets to train: those named, else the default targets present plus `[model] targets`.

    Messages name the file and its own column names where the frame says them
    (`attrs` set by `rca.ingest.validate.load_cases`)."""
    source = cases.attrs.get("source")
    names = dict(cases.attrs.get("columns") or {})
    own = lambda t: names.get(t, t)  # noqa: E731 - the column's name in the file
    if targets:
        named = list(dict.fromkeys(targets))
    else:
        named = [t for t in DEFAULT_TARGETS if t in cases and _labelled(cases[t]).any()]
        named += [t for t in settings.targets if t not in named]
    for i, t in enumerate(named):
        if t not in cases:  # --target theme for a column headed "Theme": the one column it can mean
            same = [c for c in cases.columns if c != "source_row" and str(c).strip().casefold() == str(t).strip().casefold()]
            if len(same) == 1:
                named[i] = t = same[0]
        if t not in cases:
            cols = list(names.values()) if names else [c for c in cases.columns if c != "source_row"]
            said = "--target names" if targets else "the config's [model] targets names"
            where = f"a column of {source}" if source else "a column of the data"
            example = _label_like(cases)
            raise RcaError("E101", f"{said} {t!r}, which is not {where}; its columns are {cols[:30]}", file=source, column=t,
                           hint="Name the label column to learn with --target, as the file's header spells it"
                                + (f" (e.g. --target {shlex.quote(str(own(example)))})." if example else "."))
        if t == "text":
            raise RcaError("E202", "the text column cannot also be a target", file=source, column=own(t))
        if not _labelled(cases[t]).any():
            raise RcaError("E111", f"column {own(t)!r} has no labels: it is blank on all {len(cases):,} usable rows",
                           file=source, column=own(t))
    if not named:
        raise RcaError("E111", f"none of the default targets {list(DEFAULT_TARGETS)} has labels; name one with --target",
                       file=source)
    return named


_NOT_LABELS = {"source_row", "text", "case_id", "parent_case_id", "complainant_id", "received", "responded", "due"}


def _label_like(cases: pd.DataFrame) -> str | None:
    """The first column that looks like codes (a few values, each on several rows), for an example.

    >>> _label_like(pd.DataFrame({"ref": ["A1", "A2", "A3", "A4"], "comment": list("wxyz"), "theme": list("ppqq")}))
    'theme'
    """
    for c in cases.columns:
        if c in _NOT_LABELS:
            continue
        values = cases[c].dropna().astype(str).str.strip()
        values = values[values != ""]
        if len(values) >= 2 and 2 <= values.nunique() <= max(2, min(200, len(values) // 2)):
            return str(c)
    return None


def is_multi_label(target: str, values: pd.Series, config: Config, taxonomy) -> bool:
    """Declared multi-label (schema, taxonomy, config) or `;` in at least 5% of labelled cells."""
    field_ = BY_NAME.get(target)
    if (field_ and field_.kind == "multi_label") or taxonomy.is_multi_label(target) or target in config.multi_label:
        return True
    labelled = values[_labelled(values)].astype(str)
    return bool(len(labelled)) and labelled.str.contains(";", regex=False).mean() >= 0.05


def check_trainable(target: str, labels: list[str], *, multi: bool, where: str) -> None:
    """E304 unless at least 2 classes (labels) have 2 or more examples."""
    counts: dict[str, int] = {}
    for v in labels:
        for lab in (split_labels(v) if multi else [v]):
            counts[lab] = counts.get(lab, 0) + 1
    if multi:  # one label with 2+ cases that have it and 2+ that do not is enough
        ok = any(2 <= k <= len(labels) - 2 for k in counts.values())
    else:
        ok = sum(k >= 2 for k in counts.values()) >= 2
    if not ok:
        raise RcaError("E304", f"{target!r} {where}: {len(labels)} labelled rows, class counts {dict(sorted(counts.items())[:10])}", column=target)


def data_sha256(cases: pd.DataFrame, columns: list[str]) -> str:
    """sha256 of `columns` and every other column training reads that the frame has: the ids and links
    that decide the split (case, parent case, complainant, received), the stage, and the past-case
    columns saved to cases.parquet. Column names are hashed with the values."""
    read = ("case_id", "parent_case_id", "complainant_id", "received", "stage", *PAST_CASE_COLUMNS)
    cols = list(dict.fromkeys([*columns, *(c for c in read if c in cases)]))
    h = hashlib.sha256(json.dumps([str(c) for c in cols]).encode("utf-8"))
    h.update(pd.util.hash_pandas_object(cases[cols].astype(str), index=False).to_numpy().tobytes())
    return h.hexdigest()


def _packages() -> dict[str, str]:
    out = {"python": platform.python_version(), "rca": __version__}
    for name in ("scikit-learn", "numpy", "scipy", "pandas", "spacy", "spacy-lookups-data", "skops", "joblib", "mlflow"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    return out


def _git_commit() -> str | None:
    try:
        res = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, cwd=Path(__file__).parent)
    except (OSError, subprocess.SubprocessError):
        return None
    return res.stdout.strip() or None if res.returncode == 0 else None


def _json_safe(value: Any) -> Any:
    """NaN -> null and numpy scalars -> Python, so metrics.json is strict JSON."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
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
        r = rank[_labelled(cases[t]).to_numpy() & has_text]
        if len(r) == 0 or r.notna().mean() < 0.95:
            continue
        share = r.dropna().value_counts(normalize=True).sort_index()
        first = int(share.index[np.argmax(share.to_numpy() >= 0.01)])
        if first > 1:
            out[t] = {v: k for k, v in STAGE_RANK.items()}[first]
    return out


def summary_metrics(m: dict[str, Any]) -> dict[str, Any]:
    """The headline figures of one target, with the baselines flattened beside them."""
    out = {k: m[k] for k in SUMMARY_KEYS if k in m}
    for name, b in m.get("baselines", {}).items():
        for k, v in b.items():
            out[f"baseline_{name}_{k}"] = v
    return out


def train_models(cases: pd.DataFrame, *, targets: list[str] | None = None, model_dir: str | Path, config: Config,
                 seed: int | None = None, recipe: str = "auto", budget: float | None = None,
                 progress: bool = False) -> TrainResult:
    """Train, evaluate, save and track one model per target. See the module doc for the steps; `recipe`
    "auto" chooses what `[model]` leaves open by cross-validation on the training rows (`rca.model.recipe`),
    "fast" uses the settings as written; `budget` bounds that search in seconds."""
    # The solvers make many small dense BLAS calls; handing each to a thread pool
    # costs more than it saves, and on a busy 2-core machine it made L-BFGS 70x slower.
    with threadpool_limits(limits=1, user_api="blas"):
        return _train(cases, targets=targets, model_dir=model_dir, config=config, seed=seed,
                      how=dict(mode=recipe, budget=budget, progress=progress))


def _fit_summary(model: TargetModel) -> dict[str, Any]:
    """Review threshold and out-of-fold coverage / calibration error of a fitted target model."""
    v = model.validation_
    out = {"threshold": float(model.threshold_),
           "validation_coverage": float((v["confidence"] >= model.threshold_).mean()),
           "validation_ece": (expected_calibration_error(v["proba"].ravel(), v["Y"].ravel()) if model.multi
                              else expected_calibration_error(v["confidence"], v["correct"]))}
    if model.multi:
        out["label_thresholds"] = dict(zip(map(str, model.classes_), map(float, model.label_thresholds_)))
        out["skipped_labels"] = model.skipped_labels_
    return out


def _fit_final(models: dict, metrics: dict, cases: pd.DataFrame, targets: list[str], prepped: list[str],
               has_text: np.ndarray, recipe: Recipe, multi: dict, seed: int):
    """The saved model after a time split: the same recipe fitted again on every labelled row -
    vocabulary, classifier, calibration, decision offsets and review threshold.

    The latest cases were held out to evaluate, so a code or a word that first appears in
    recent months (a new service, a new root-cause code) would otherwise be unknown to the
    saved model, and its calibration would describe older cases. After a random hold-out,
    which looks like the rest, refitting only the classifier on every row is as good and
    cheaper (NHS themes, 3 splits x 2 seeds: 0.513 against 0.509 from scratch, 9.5 s against
    16 s). `models` and `metrics` are updated in place; the metrics keep the evaluated
    model's hold-out figures and record the saved model's threshold."""
    featuriser = build_featuriser(recipe.settings.as_dict(), n_docs=int(has_text.sum()))
    union = featuriser.named_steps["union"].fit([prepped[i] for i in np.flatnonzero(has_text)])
    X = union.transform(prepped).tocsr()
    for t in targets:
        labelled = np.flatnonzero(_labelled(cases[t]).to_numpy() & has_text)
        y = cases[t].astype(str).str.strip().to_numpy()[labelled]
        tf = time.perf_counter()
        model = TargetModel(t, multi=multi[t], settings=recipe.for_target(t), seed=seed,
                            word_columns=word_columns(featuriser)).fit(X[labelled], list(y))
        m = metrics[t]
        m.update({"holdout_threshold": m["threshold"], "n_final": len(labelled),
                  "final_fit_seconds": round(time.perf_counter() - tf, 3), **_fit_summary(model)})
        models[t] = model
    return featuriser


def _train(cases: pd.DataFrame, *, targets: list[str] | None, model_dir: str | Path, config: Config,
           seed: int | None, how: dict) -> TrainResult:
    from rca.model.store import check_model_dir

    check_model_dir(model_dir)  # a file or another project's folder: refused now, not after the training
    t0 = time.perf_counter()
    settings = ModelSettings.from_config(config.section("model"), source=config.source)
    seed = config.seed if seed is None else seed
    taxonomy = load_taxonomy(config.taxonomy)
    model_dir = Path(model_dir)
    if "text" not in cases:
        raise RcaError("E101", "no 'text' column to learn from; name it with --text-column", column="text")
    targets = resolve_targets(cases, targets, settings)
    cases = cases.reset_index(drop=True)
    if "acceptability" in targets:  # compliments are a kind of contact too (rca.ingest.contact_kind)
        from rca.ingest.contact_kind import training_labels

        cases["acceptability"] = training_labels(cases)
    has_text = _labelled(cases["text"]).to_numpy()
    multi = {t: is_multi_label(t, cases[t], config, taxonomy) for t in targets}
    for t in targets:
        # "Noise", "NOISE" and "noise " are one code, not three classes with a third of the examples each
        cases[t], folded = fold_spellings(cases[t], multi=multi[t])
        if folded:
            shown = "; ".join(f"{', '.join(repr(v) for v in variants)} as {read!r}" for variants, read in folded[:5])
            log.warning("%s: codes that differ only in capital letters or spaces are read as one, as the file spells "
                        "them most: %s%s", t, shown, f" and {len(folded) - 5} more" if len(folded) > 5 else "")
        rows = _labelled(cases[t]).to_numpy() & has_text
        check_trainable(t, cases.loc[rows, t].astype(str).tolist(), multi=multi[t], where="in the data")

    log.info("redacting %d texts", len(cases))
    raw = cases["text"].where(cases["text"].notna(), "").astype(str).tolist()
    redacted = redact_many(raw)  # cases.parquet and baselines always get redacted text
    test, split = holdout_split(cases, stratify=cases[targets[0]], test_size=settings.test_size, how=settings.split, seed=seed)
    train = ~test & has_text
    # the same preparation the saved featuriser applies when scoring, redaction done once above
    prepped = prepare(redacted if settings.redact else raw, redact=False, lemmas=settings.lemmatise)
    has_label = {t: _labelled(cases[t]).to_numpy() & has_text for t in targets}
    recipe = choose_recipe(prepped, cases, targets, train, has_label, multi, settings, config.section("model"),
                           seed=seed, **how)  # only training rows: the held-out ones never take part in the choice
    log.info("%s", describe(recipe.report))
    settings = recipe.settings
    featuriser = build_featuriser(settings.as_dict(), n_docs=int(train.sum()))
    union = featuriser.named_steps["union"].fit([prepped[i] for i in np.flatnonzero(train)])
    X = union.transform(prepped).tocsr()
    log.info("%s; %d features", split, X.shape[1])

    tracking_settings = config.section("tracking")
    with TrainingRun(model_dir, tracking_settings, run_name=f"train {', '.join(targets)}") as run:
        models, metrics = {}, {}
        for t in targets:
            labelled = _labelled(cases[t]).to_numpy() & has_text
            tr, te = np.flatnonzero(labelled & ~test), np.flatnonzero(labelled & test)
            y = cases[t].astype(str).str.strip().to_numpy()
            check_trainable(t, list(y[tr]), multi=multi[t], where="in the training part of the split")
            tf = time.perf_counter()
            model = TargetModel(t, multi=multi[t], settings=recipe.for_target(t), seed=seed,
                                word_columns=word_columns(featuriser)).fit(X[tr], list(y[tr]), oof=recipe.oof.get(t))
            fit_s = time.perf_counter() - tf
            m: dict[str, Any] = {"kind": "multi_label" if multi[t] else "single_label", "n_train": len(tr),
                                 "n_no_text": int((_labelled(cases[t]).to_numpy() & ~has_text).sum())}
            if len(te):
                m.update(score_predictions(list(y[te]), model.predict(X[te]), multi=multi[t]))
                if settings.baselines:
                    m["baselines"] = baselines([redacted[i] for i in tr], list(y[tr]), [redacted[i] for i in te],
                                               list(y[te]), multi=multi[t], seed=seed)
            else:
                m.update({"n_test": 0, "macro_f1": float("nan"), "accuracy": float("nan"), "coverage": float("nan")})
            m.update({"fit_seconds": round(fit_s, 3), **_fit_summary(model), "recipe": recipe.target_report(t)})
            m["recipe"]["holdout_macro_f1"] = m.get("macro_f1")
            models[t], metrics[t] = model, m
            log.info("%s: macro-F1 %.3f, coverage %.2f", t, m.get("macro_f1", float("nan")), m.get("coverage", float("nan")))
        if settings.refit and test.any():
            if split.startswith("time split"):
                featuriser = _fit_final(models, metrics, cases, targets, prepped, has_text, recipe, multi, seed)
            else:
                for t in targets:
                    labelled = _labelled(cases[t]).to_numpy() & has_text
                    models[t].refit(X[np.flatnonzero(labelled)], list(cases[t].astype(str).str.strip().to_numpy()[labelled]))

        created = datetime.now().astimezone()
        version = f"{created:%Y%m%d-%H%M%S}-{run.run_id[:8]}"
        received = pd.to_datetime(cases["received"]) if "received" in cases else pd.Series(dtype="datetime64[ns]")
        used_cols = ["text", *targets] + (["received"] if "received" in cases else [])
        manifest = {
            "name": model_dir.name, "rca_version": __version__, "created": created.isoformat(timespec="seconds"),
            "run_id": run.run_id, "targets": targets, "target_kinds": {t: metrics[t]["kind"] for t in targets},
            "thresholds": {t: metrics[t]["threshold"] for t in targets}, "taxonomy_version": taxonomy.version,
            "seed": seed, "split": split, "settings": settings.as_dict(), "git_commit": _git_commit(),
            "model": f"TF-IDF ({settings.word_ngrams} words, {settings.char_ngrams} chars)"
                     f"{' + sentence embeddings' if settings.embeddings else ''} + {settings.classifier}, calibrated",
            "recipe": _json_safe(recipe.report),
            "data": {"sha256": data_sha256(cases, used_cols), "n_rows": len(cases), "source": config.source,
                     "columns": dict(config.columns),  # the export's column names, reused by `rca score`
                     "n_labelled": {t: int((_labelled(cases[t]).to_numpy() & has_text).sum()) for t in targets},
                     "date_from": None if received.dropna().empty else str(received.min().date()),
                     "date_to": None if received.dropna().empty else str(received.max().date())},
            "applies_from_stage": first_stages(cases, targets, has_text),
            "packages": _packages(),
            "tracking": {"uri": run.uri if run.enabled else None, "experiment": run.experiment},
            "metrics": _json_safe({t: summary_metrics(metrics[t]) for t in targets}),
        }
        with tempfile.TemporaryDirectory() as tmp:
            extra = {"metrics.json": Path(tmp) / "metrics.json", "cases.parquet": Path(tmp) / "cases.parquet"}
            extra["metrics.json"].write_text(json.dumps(_json_safe(metrics), indent=2, ensure_ascii=False), encoding="utf-8")
            past = pd.DataFrame(index=cases.index)
            for c in PAST_CASE_COLUMNS:
                past[c] = cases[c] if c in cases else None
            past["text_redacted"] = redacted
            write_table(past, extra["cases.parquet"], neutralise=False)
            vdir, manifest = save_version(model_dir, version=version, featuriser=featuriser, models=models, manifest=manifest, extra_files=extra)
        for folder in (vdir, model_dir):  # every trained model says what it is for and how well it did
            write_model_card(folder, config=config)
        run.log_params({"seed": seed, "targets": ",".join(targets), "n_rows": len(cases), "split": split,
                        "taxonomy_version": taxonomy.version, **settings.as_dict()})
        run.log_metrics({f"{t}.{k}": v for t in targets for k, v in summary_metrics(metrics[t]).items() if isinstance(v, (int, float))})
        run.set_tags({"version": version, "data_sha256": manifest["data"]["sha256"], "model_dir": str(model_dir.resolve())})
        run.log_candidates(recipe.report, {t: metrics[t].get("macro_f1") for t in targets})
        run.log_artifacts(vdir)
        run.log_figures(metrics)
        run.register_models(manifest["target_files"])
    seconds = time.perf_counter() - t0
    return TrainResult(metrics=metrics, model_dir=model_dir, run_id=run.run_id, version=version, split=split,
                       manifest=manifest, seconds=seconds)
