"""`rca train` and `rca evaluate`: learn a council's coding and say how good it is."""

from __future__ import annotations

import math
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Annotated, Any, Optional

import typer

from rca.errors import RcaError
from rca.cli.common import ConfigOpt, IdColumnOpt, JsonOpt, ReceivedColumnOpt, SeedOpt, TextColumnOpt, build_config, cli_errors, echo_json

ModelDirOpt = Annotated[Path, typer.Option("--model-dir", "-m", help="Model folder to write (train) or read (evaluate).")]
TargetOpt = Annotated[
    Optional[list[str]],
    typer.Option(
        "--target",
        "-t",
        help="Label column to learn; repeat for several (default: root_cause, escalation_reason, acceptability, service where present).",
    ),
]
DEFAULT_MODEL_DIR = Path("models/current")
COLUMNS = (
    ("macro_f1", "macro-F1"),
    ("accuracy", "accuracy"),
    ("ece", "ECE"),
    ("coverage", "coverage"),
    ("precision_at_threshold", "precision"),
    ("baseline_majority_macro_f1", "majority"),
    ("baseline_keyword_macro_f1", "keywords"),
    ("baseline_tfidf_lr_macro_f1", "tfidf+LR"),
)


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return "-" if math.isnan(v) else f"{v:.3f}"
    return "-" if v is None else str(v)


def metrics_table(summary: dict[str, dict[str, Any]]) -> list[str]:
    """One line per target: rows, held-out scores and the baselines' macro-F1 on the same split."""
    head = f"{'target':<22}{'train':>7}{'test':>6}" + "".join(f"{label:>10}" for _, label in COLUMNS)
    lines = [head]
    for target, m in summary.items():
        lines.append(
            f"{target[:21]:<22}{_fmt(m.get('n_train')):>7}{_fmt(m.get('n_test')):>6}"
            + "".join(f"{_fmt(m.get(key)):>10}" for key, _ in COLUMNS)
        )
    return lines


def canonical_targets(targets: list[str] | None, mapping: dict[str, str]) -> list[str] | None:
    """Targets named by the export's own column name ("Department") under the canonical name that
    column was read as ("service"); other names unchanged."""
    if not targets:
        return targets
    canon_of = {src.strip().lower(): canon for canon, src in mapping.items()}
    return [t if t in mapping else canon_of.get(t.strip().lower(), t) for t in targets]


def model_codes(bundle) -> dict[str, list[str]]:
    """The codes each of the model's targets learnt, so a labelled file's codes are read as the model spells them."""
    out = {}
    for t in bundle.targets:
        classes = getattr(bundle.models.get(t), "classes_", None) if hasattr(bundle, "models") else None
        if classes is not None:
            out[t] = [str(c) for c in classes]
    return out


def _load(data: Path, cfg):
    from rca.ingest.validate import load_cases

    # a labelled row is worth learning from even when its case id repeats (one row per complaint point),
    # or when an optional field (a date) cannot be read: that cell is left blank, with a warning
    return load_cases(data, config=cfg, on_bad_rows="quarantine", require=("text",), duplicate_ids="same_case", bad_optional="blank")


def set_aside_counts(quarantine) -> dict[str, int]:
    """{"E102 empty text": 3, ...}: how many set-aside rows carry each coded reason."""
    from rca.errors import CATALOGUE

    counts: dict[str, int] = {}
    for reason in quarantine["reason"] if len(quarantine) else []:
        for code in dict.fromkeys(re.findall(r"(?:^|; )(E\d{3}) ", str(reason))):
            key = f"{code} {CATALOGUE[code][0]}" if code in CATALOGUE else code
            counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def _set_aside(res, data: Path, qpath: Path | None) -> tuple[dict[str, int], Path | None]:
    """Write the rows training cannot use (no text, blank rows) beside the input, with their
    reasons; refuse with the real reasons when no row is left."""
    from rca.ingest.io import not_the_input, write_table

    if qpath is not None:
        not_the_input(qpath, data, option="--quarantine")
    counts = set_aside_counts(res.quarantine)
    if not res.n_quarantined:
        return counts, None
    qpath = qpath or data.with_name(data.name + ".train-quarantine.csv")
    write_table(res.quarantine, qpath)
    if not res.n_valid:
        shown = ", ".join(f"{k} ×{n:,}" for k, n in counts.items())
        rows = res.quarantine["source_row"].tolist() if "source_row" in res.quarantine else []
        at = f" (rows {', '.join(map(str, rows[:5]))}{', ...' if len(rows) > 5 else ''})" if rows else ""
        raise RcaError(
            "E113", f"all {res.n_read:,} rows were set aside{at}: {shown}; each row is written with its reason to {qpath}", file=str(data)
        )
    return counts, qpath


def unlabelled_counts(manifest: dict) -> dict[str, int]:
    """{target: rows with text but no label for it}: rows the target did not learn from."""
    data = manifest.get("data") or {}
    n = int(data.get("n_rows") or 0)
    return {t: n - int(k) for t, k in (data.get("n_labelled") or {}).items()}


@cli_errors
def train(
    data: Annotated[Optional[Path], typer.Argument(help="Labelled case export: .csv, .xlsx or .parquet.")] = None,
    from_store: Annotated[
        Optional[str],
        typer.Option(
            "--from-store", help="Train on a case store's codes in force (officers' corrections beat the originals) instead of a file."
        ),
    ] = None,
    model_dir: ModelDirOpt = DEFAULT_MODEL_DIR,
    target: TargetOpt = None,
    config: ConfigOpt = None,
    text_column: TextColumnOpt = None,
    id_column: IdColumnOpt = None,
    received_column: ReceivedColumnOpt = None,
    seed: SeedOpt = None,
    quarantine: Annotated[
        Optional[Path],
        typer.Option(
            "--quarantine",
            "-q",
            help="Write rows set aside (no usable text) here, with a `reason` column (default: <DATA>.train-quarantine.csv).",
        ),
    ] = None,
    json_out: JsonOpt = False,
    recipe: Annotated[
        str,
        typer.Option(
            "--recipe",
            help="auto: choose what [model] leaves open (features, C, decision rule) by cross-validation on the training rows; fast: the [model] settings as written (word n-grams by default), no search.",
        ),
    ] = "auto",
    budget: Annotated[
        Optional[float],
        typer.Option("--budget", help="Seconds the recipe search may take (default: no limit); candidates that would not fit are skipped."),
    ] = None,
) -> None:
    """Learn each target from labelled cases; print held-out macro-F1, calibration and coverage beside baselines.

    Rows with no usable text are set aside and written, with the reason, beside the input; an
    unreadable optional cell (a date) is left blank with a warning and its row still learnt from."""
    from rca.model.recipe import MODES, describe
    from rca.model.train import summary_metrics, train_models
    from rca.settings import ModelSection

    cfg = build_config(config, text_column=text_column, id_column=id_column, received_column=received_column, seed=seed)
    if recipe not in MODES or (budget is not None and not budget > 0):
        raise RcaError(
            "E205",
            f"--recipe {recipe!r} --budget {budget!r}: --recipe takes {' or '.join(MODES)}, --budget a number of seconds above 0",
            column="recipe" if recipe not in MODES else "budget",
        )
    if (data is None) == (from_store is None):
        raise RcaError(
            "E204",
            "give either a DATA file or --from-store URL, not both or neither",
            hint="e.g. `rca train cases.csv` or `rca train --from-store sqlite:///rca_store.db`",
        )
    if from_store is not None:
        from rca.store import open_store
        from rca.store.training_data import retrain_from_store

        if recipe != "auto" or budget is not None:
            raise RcaError(
                "E204",
                "--recipe and --budget apply when training from a DATA file; --from-store runs the default search",
                hint="Leave --recipe and --budget out with --from-store.",
            )
        result, counts = retrain_from_store(open_store(from_store, config=cfg), model_dir=model_dir, config=cfg, targets=target, seed=seed)
        rows = counts["rows"]
        res = SimpleNamespace(n_read=rows, n_valid=rows, n_quarantined=0, warnings=[], mapping={})
        set_aside, qpath = {}, None
    else:
        res = _load(data, cfg)
        set_aside, qpath = _set_aside(res, data, quarantine)
        result = train_models(
            res.cases,
            targets=canonical_targets(target, res.mapping),
            model_dir=model_dir,
            config=cfg,
            recipe=recipe,
            budget=budget,
            progress=not json_out,
        )
    summary = {t: summary_metrics(m) for t, m in result.metrics.items()}
    unlabelled = unlabelled_counts(result.manifest)
    if json_out:
        echo_json(
            {
                "model_dir": str(result.model_dir),
                "version": result.version,
                "run_id": result.run_id,
                "split": result.split,
                "n_read": res.n_read,
                "n_valid": res.n_valid,
                "n_quarantined": res.n_quarantined,
                "set_aside": set_aside,
                "quarantine_file": str(qpath) if qpath else None,
                "unlabelled": unlabelled,
                "warnings": list(res.warnings),
                "seconds": round(result.seconds, 2),
                "metrics": summary,
                "recipe": {k: v for k, v in (result.manifest.get("recipe") or {}).items() if k != "candidates"},
            }
        )
        return
    typer.echo(f"read {res.n_read:,} rows: {res.n_valid:,} used, {res.n_quarantined:,} set aside; {result.split}")
    if set_aside:
        typer.echo(
            "set aside: " + ", ".join(f"{k} ×{n:,}" for k, n in set_aside.items()) + f"; written with the reason for each to {qpath}"
        )
    for w in res.warnings[:20]:
        typer.echo(f"warning: {w}")
    if len(res.warnings) > 20:
        typer.echo(f"... and {len(res.warnings) - 20:,} more warnings (--json lists them all)")
    for t, n in unlabelled.items():
        if n:
            own = res.mapping.get(t)
            typer.echo(
                f"{t}{f' ({own!r})' if own and own != t else ''}: {n:,} of {result.manifest['data']['n_rows']:,} rows "
                "have no label and were not learnt from"
            )
    rep = result.manifest.get("recipe") or {}
    typer.echo(describe(rep))
    for note in rep.get("notes", []):
        typer.echo(f"note: {note}")
    for line in metrics_table(summary):
        typer.echo(line)
    typer.echo(
        f"coverage = share of held-out cases confident enough to skip review; precision = how often those "
        f"tags were right (each target's threshold is set on its training folds to reach "
        f"{cfg.section_as(ModelSection, 'model').target_precision}; held-out cases can fall a little short)"
    )
    typer.echo(f"saved version {result.version} to {result.model_dir} in {result.seconds:.1f} s (run {result.run_id})")


@cli_errors
def evaluate(
    data: Annotated[Path, typer.Argument(help="Labelled case export to score against its recorded labels.")],
    model_dir: ModelDirOpt = DEFAULT_MODEL_DIR,
    target: TargetOpt = None,
    alias: Annotated[Optional[str], typer.Option("--alias", help="Model version or alias to load (default: current).")] = None,
    config: ConfigOpt = None,
    text_column: TextColumnOpt = None,
    id_column: IdColumnOpt = None,
    received_column: ReceivedColumnOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Score a labelled file with a trained model and report the training metrics for it."""
    from rca.model.evaluate import evaluate_cases
    from rca.model.store import load_model

    cfg = build_config(config, text_column=text_column, id_column=id_column, received_column=received_column)
    bundle = load_model(model_dir, alias=alias)
    res = _load(data, cfg.with_column_hints((bundle.manifest.get("data") or {}).get("columns")).with_model_codes(model_codes(bundle)))
    metrics = evaluate_cases(res.cases, bundle, targets=canonical_targets(target, res.mapping))
    if json_out:
        echo_json(
            {
                "model_dir": str(model_dir),
                "version": bundle.manifest.get("version"),
                "n_read": res.n_read,
                "n_quarantined": res.n_quarantined,
                "set_aside": set_aside_counts(res.quarantine),
                "warnings": list(res.warnings),
                "metrics": metrics,
            }
        )
        return
    set_aside = ", ".join(f"{k} ×{n:,}" for k, n in set_aside_counts(res.quarantine).items())
    typer.echo(
        f"read {res.n_read:,} rows: {res.n_valid:,} used, {res.n_quarantined:,} set aside{f' ({set_aside})' if set_aside else ''}; "
        f"model version {bundle.manifest.get('version')}"
    )
    for line in metrics_table(metrics):
        typer.echo(line)
    for t, m in metrics.items():
        if m.get("unseen_codes"):
            shown = ", ".join(f"{k!r} ×{n:,}" for k, n in list(m["unseen_codes"].items())[:5])
            typer.echo(
                f"note: {t}: {sum(m['unseen_codes'].values()):,} labelled rows carry codes the model never learnt "
                f"({shown}); they count as misses. Retrain on data with these codes to learn them.",
                err=True,
            )


def register(app: typer.Typer) -> None:
    app.command("train")(train)
    app.command("evaluate")(evaluate)
