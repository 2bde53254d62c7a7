"""`rca redact`, `rca audit`, `rca suggest-labels`, `rca drift`, `rca model-card`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from rca.errors import RcaError
from rca.cli.common import ConfigOpt, IdColumnOpt, JsonOpt, SeedOpt, TextColumnOpt, build_config, cli_errors, echo_json, say_warnings

ModelDirOpt = Annotated[Path, typer.Option("--model-dir", "-m", help="Trained model folder (from `rca train`).")]
OutOpt = Annotated[Optional[Path], typer.Option("--out", "-o", help="Output file (.csv, .xlsx or .parquet).")]


def _a(word: str) -> str:
    """The article for a word: "an escalation_reason code", "a root_cause code"."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def _need_model(model_dir: Path) -> None:
    if not model_dir.is_dir():
        raise RcaError("E301", "no such folder", file=str(model_dir))


@cli_errors
def redact_cmd(
    data: Annotated[Path, typer.Argument(help="Table with a text column: .csv, .xlsx or .parquet.")],
    out: OutOpt = None,
    columns: Annotated[
        Optional[list[str]], typer.Option("--column", help="Redact this column too (repeatable); the text column always.")
    ] = None,
    config: ConfigOpt = None,
    text_column: TextColumnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Copy a table with personal data in its text replaced by placeholders ([NAME], [PHONE], ...).

    Every row and column is kept as it was, apart from the redacted text.
    """
    from rca.ingest.io import not_the_input, read_table, write_table
    from rca.text.redact import find_pii, redact_many
    from rca.ingest.column_map import resolve_mapping

    cfg = build_config(config, text_column=text_column)
    raw, info = read_table(data, sheet=cfg.sheet, encoding=cfg.encoding)
    mapping = resolve_mapping(list(raw.columns), cfg, source=str(data), required=("text",))
    if "text" not in mapping:
        raise RcaError(
            "E101",
            f"no text column; the file's columns are {list(raw.columns)[:30]}; name it with --text-column",
            file=str(data),
            column="text",
        )
    targets = [mapping["text"], *(columns or [])]
    counts: dict[str, int] = {}
    for col in targets:
        if col not in raw.columns:
            raise RcaError("E101", f"no column {col!r}; the file's columns are {list(raw.columns)[:30]}", file=str(data), column=col)
        values = raw[col].where(raw[col].notna(), None).tolist()
        for v in values:
            for span in find_pii(v) if isinstance(v, str) else ():
                counts[span.kind] = counts.get(span.kind, 0) + 1
        raw[col] = redact_many(values)
    target = out or data.with_name(
        data.stem + ".redacted" + (data.suffix if data.suffix.lower() in (".csv", ".xlsx", ".parquet") else ".csv")
    )
    not_the_input(target, data)
    write_table(raw.drop(columns=[c for c in raw.columns if c == "source_row"]), target)
    summary = {"file": str(data), "out": str(target), "rows": len(raw), "columns": targets, "replaced": counts}
    if as_json:
        echo_json(summary)
    else:
        typer.echo(f"{data}: {len(raw):,} rows, redacted {', '.join(targets)} -> {target}")
        typer.echo("replaced: " + (", ".join(f"{k} {v:,}" for k, v in sorted(counts.items())) or "nothing"))


@cli_errors
def audit_cmd(
    data: Annotated[Path, typer.Argument(help="Coded case export: .csv, .xlsx or .parquet.")],
    target: Annotated[str, typer.Option("--target", "-t", help="Code column to audit (canonical name, e.g. root_cause).")] = "root_cause",
    top: Annotated[
        Optional[int], typer.Option("--top", min=1, help="List this many cases (default: those confident learning flags).")
    ] = None,
    folds: Annotated[int, typer.Option("--folds", min=2, max=20, help="Cross-validation folds for out-of-fold probabilities.")] = 5,
    out: OutOpt = None,
    config: ConfigOpt = None,
    text_column: TextColumnOpt = None,
    id_column: IdColumnOpt = None,
    seed: SeedOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Rank cases whose recorded code is probably wrong, with the suggested code and the words behind it."""
    from rca.governance.audit import audit_labels
    from rca.ingest.io import not_the_input, write_table
    from rca.ingest.validate import load_cases

    cfg = build_config(config, text_column=text_column, id_column=id_column, seed=seed)
    res = load_cases(data, config=cfg, require=("text", target))
    say_warnings(res.warnings)
    result = audit_labels(res.cases, target, n_splits=folds, seed=cfg.seed, top=top, source=str(data))
    target_path = out or data.with_name(f"{data.stem}.audit-{target}.csv")
    not_the_input(target_path, data)
    write_table(result.issues, target_path)
    summary = result.summary() | {"file": str(data), "quarantined": res.n_quarantined, "out": str(target_path)}
    if as_json:
        echo_json(summary | {"issues": result.issues.head(20).to_dict(orient="records")})
        return
    typer.echo(
        f"{data}: audited {result.n_audited:,} of {result.n_rows:,} cases for {target}; "
        f"{summary['flagged']:,} look miscoded; {len(result.issues):,} listed in {target_path}"
    )
    for reason, n in result.skipped.items():
        if n:
            typer.echo(f"not audited: {n:,} ({reason})")
    if res.n_quarantined:
        typer.echo(f"not audited: {res.n_quarantined:,} rows quarantined as unusable (run `rca validate {data}`)")
    for row in result.issues.head(10).itertuples():
        typer.echo(
            f"  {row.rank:>3}. {row.case_id}: recorded {row.recorded!r}, suggest {row.suggested!r} "
            f"(p {row.p_recorded:.2f} vs {row.p_suggested:.2f}; {row.evidence})"
        )


@cli_errors
def suggest_labels_cmd(
    data: Annotated[Path, typer.Argument(help="Cases to choose from: .csv, .xlsx or .parquet.")],
    model_dir: ModelDirOpt,
    n: Annotated[int, typer.Option("--n", min=1, help="How many cases to suggest.")] = 50,
    target: Annotated[str, typer.Option("--target", "-t", help="Code the officer will add (a target of the model).")] = "root_cause",
    include_labelled: Annotated[bool, typer.Option("--include-labelled", help="Also consider cases that already have a code.")] = False,
    keep_personal_data: Annotated[
        bool,
        typer.Option(
            "--keep-personal-data", help="Write the texts as they are (default: personal data replaced by placeholders such as [PHONE])."
        ),
    ] = False,
    out: OutOpt = None,
    config: ConfigOpt = None,
    text_column: TextColumnOpt = None,
    id_column: IdColumnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Pick the cases whose codes would teach the model most (uncertain, varied, no near-duplicates), ready to code.

    Only cases the code is given to are candidates: for root_cause, accepted
    stage-1 complaints (by the file's case_type, stage and acceptability
    columns, else the model's own acceptability tag, and with no case_type,
    contacts that only thank or praise are compliments). The output says how
    the rows were chosen.
    """
    from types import SimpleNamespace

    import numpy as np

    from rca.governance.active_learning import suggest_labels, target_population
    from rca.ingest.io import not_the_input, write_table
    from rca.model.store import load_model
    from rca.ingest.validate import load_cases

    _need_model(model_dir)
    cfg = build_config(config, text_column=text_column, id_column=id_column)
    res = load_cases(data, config=cfg, require=("text",))
    say_warnings(res.warnings)
    bundle = load_model(model_dir)
    if target not in bundle.targets:
        raise RcaError("E305", f"{target!r}; this model has {bundle.targets}", column=target)
    cases = res.cases.reset_index(drop=True)
    wanted = [target] + (["acceptability"] if "acceptability" in bundle.targets and target != "acceptability" else [])
    preds = bundle.predict(cases["text"].fillna("").astype(str).tolist(), targets=wanted)
    pop = target_population(
        cases,
        target,
        applies_from_stage=bundle.manifest.get("applies_from_stage"),
        predicted_acceptability=preds["acceptability"].labels if "acceptability" in preds and target != "acceptability" else None,
    )
    mask = pop.mask.copy()
    n_coded = 0
    if not include_labelled and target in cases.columns:
        coded = cases[target].notna().to_numpy()
        n_coded = int((mask & coded).sum())
        mask &= ~coded
    left_out = "; ".join(f"{k:,} {why}" for why, k in list(pop.excluded.items()) + [("already coded", n_coded)] if k)
    if not mask.any():
        what = "uncoded cases" if not include_labelled else "cases"
        raise RcaError(
            "E304",
            f"no {what} in the file take {_a(target)} code"
            + (f" (left out: {left_out})" if left_out else "")
            + f"; rows chosen by {pop.chosen_by()}",
            file=str(data),
            column=target,
            hint=(
                "Give a file of uncoded cases of the kind the code is given to"
                + ("; pass --include-labelled to choose among coded cases." if n_coded else ".")
            ),
        )
    rows = np.flatnonzero(mask)
    p = preds[target]
    chosen = SimpleNamespace(
        proba=np.asarray(p.proba)[rows],
        classes=p.classes,
        labels=np.asarray(p.labels, dtype=object)[rows],
        confidence=np.asarray(p.confidence, float)[rows],
    )
    table = suggest_labels(cases.iloc[rows].reset_index(drop=True), chosen, target=target, n=n, redact_text=not keep_personal_data)
    target_path = out or data.with_name(f"{data.stem}.to-label-{target}.csv")
    not_the_input(target_path, data)
    write_table(table, target_path)
    kind = "uncoded cases" if not include_labelled else "cases"
    if as_json:
        echo_json(
            {
                "file": str(data),
                "rows": len(cases),
                "candidates": int(mask.sum()),
                "suggested": len(table),
                "left_out": dict(pop.excluded) | ({"already coded": n_coded} if n_coded else {}),
                "chosen_by": pop.chosen_by(),
                "redacted": not keep_personal_data,
                "out": str(target_path),
            }
        )
    else:
        typer.echo(f"{len(table)} of {int(mask.sum()):,} {kind} that take {_a(target)} code suggested for coding -> {target_path}")
        typer.echo(f"candidates chosen by: {pop.chosen_by()}")
        if left_out:
            typer.echo(f"not candidates, of {len(cases):,} rows: {left_out}")


@cli_errors
def drift_cmd(
    new: Annotated[Path, typer.Argument(help="New cases: .csv, .xlsx or .parquet.")],
    model_dir: ModelDirOpt,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 when retraining is due (for scheduled checks).")] = False,
    config: ConfigOpt = None,
    text_column: TextColumnOpt = None,
    id_column: IdColumnOpt = None,
    seed: SeedOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Compare new cases with the model's training data and say whether, and why, retraining is due.

    Cases the model learnt from (the same case id and text as one of its past cases) are not new
    and are left out; the report says how many, and what it could not compare.
    """
    from rca.governance.model_drift import drift_for_model
    from rca.ingest.validate import load_cases

    _need_model(model_dir)
    cfg = build_config(config, text_column=text_column, id_column=id_column, seed=seed)
    res = load_cases(new, config=cfg, require=("text",))
    say_warnings(res.warnings)
    report = drift_for_model(res.cases, model_dir, config=cfg)
    if as_json:
        echo_json(report.to_dict() | {"file": str(new), "quarantined": res.n_quarantined})
    else:
        typer.echo(report.to_text())
        if res.n_quarantined:
            typer.echo(f"not compared: {res.n_quarantined:,} rows quarantined as unusable (run `rca validate {new}`)")
    if strict and report.verdict == "retrain":
        raise typer.Exit(code=1)


@cli_errors
def model_card_cmd(
    model_dir: ModelDirOpt,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Where to write the card (default: DIR/MODEL_CARD.md).")] = None,
    config: ConfigOpt = None,
) -> None:
    """Write a plain-English model card (UK Algorithmic Transparency Recording Standard headings)."""
    from rca.model.card import write_model_card

    cfg = build_config(config)
    path = write_model_card(model_dir, config=cfg, path=out)
    typer.echo(f"wrote {path}")


def register(app: typer.Typer) -> None:
    app.command("redact")(redact_cmd)
    app.command("audit")(audit_cmd)
    app.command("suggest-labels")(suggest_labels_cmd)
    app.command("drift")(drift_cmd)
    app.command("model-card")(model_card_cmd)
