"""`rca validate` and `rca demo-data`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from rca.ingest.validate import load_cases
from rca.cli.common import ConfigOpt, IdColumnOpt, JsonOpt, ReceivedColumnOpt, TextColumnOpt, build_config, cli_errors, echo_json


@cli_errors
def validate(
    data: Annotated[Path, typer.Argument(help="Case export: .csv, .xlsx or .parquet.")],
    config: ConfigOpt = None,
    quarantine: Annotated[
        Optional[Path],
        typer.Option("--quarantine", "-q", help="Write unusable rows here, with a `reason` column (default: <DATA>.quarantine.csv)."),
    ] = None,
    text_column: TextColumnOpt = None,
    id_column: IdColumnOpt = None,
    received_column: ReceivedColumnOpt = None,
    require: Annotated[
        Optional[list[str]],
        typer.Option("--require", help="Canonical fields that must be present (default: text; e.g. --require received)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check an export: map its columns, parse every row, quarantine what cannot be used.

    Exits 0 when every row is usable, 1 when any row was quarantined, 2 when the
    file itself is unusable. Counts always reconcile: read = valid + quarantined.
    """
    cfg = build_config(config, text_column=text_column, id_column=id_column, received_column=received_column)
    required = tuple(require) if require else ("text",)  # a text column is all that scoring needs
    qpath = quarantine or data.with_name(data.name + ".quarantine.csv")
    res = load_cases(data, config=cfg, require=required, quarantine_path=qpath)
    assert res.n_read == res.n_valid + res.n_quarantined
    if "received" not in res.mapping:
        res.warnings.append(
            "no date-received column: scoring and training work, but due dates, trends by quarter and "
            "the time split need one (name it with --received-column)"
        )
    summary = {
        "file": str(data),
        "encoding": res.encoding,
        "read": res.n_read,
        "valid": res.n_valid,
        "quarantined": res.n_quarantined,
        "quarantine_file": str(qpath) if res.n_quarantined else None,
        "mapping": res.mapping,
        "warnings": res.warnings,
        "problems": res.quarantine["reason"].tolist()[:200] if res.n_quarantined else [],
    }
    if as_json:
        echo_json(summary)
    else:
        typer.echo(f"{data}: read {res.n_read:,} rows: {res.n_valid:,} valid, {res.n_quarantined:,} quarantined")
        typer.echo("columns: " + ", ".join(f"{k} <- {v!r}" for k, v in res.mapping.items()))
        for w in res.warnings[:20]:
            typer.echo(f"warning: {w}")
        for reason in summary["problems"][:50]:
            typer.echo(f"  {reason}")
        if res.n_quarantined > 50:
            typer.echo(f"  ... and {res.n_quarantined - 50:,} more")
        if res.n_quarantined:
            typer.echo(f"quarantined rows written to {qpath}")
    if res.n_quarantined:
        raise typer.Exit(code=1)


@cli_errors
def demo_data(
    out: Annotated[Path, typer.Option("--out", help="Folder to write demo_cases.csv, demo_truth.json, ward_population.csv.")] = Path(
        "data"
    ),
    seed: Annotated[int, typer.Option("--seed", help="Generator seed; the same seed gives byte-identical files.")] = 20240401,
    n_contacts: Annotated[int, typer.Option("--n-contacts", help="First contacts per financial year.")] = 10_000,
    first_year: Annotated[int, typer.Option("--first-year", help="Financial year to start (2023 = 2023-24).")] = 2023,
    years: Annotated[int, typer.Option("--years", help="Consecutive financial years to generate.")] = 1,
) -> None:
    """Generate a realistic, seeded demo year of council complaints with its ground truth."""
    from rca.demo.data import generate_demo, write_demo

    demo = generate_demo(seed=seed, n_contacts=n_contacts, first_year=first_year, years=years)
    paths = write_demo(demo, out)
    for p in paths.values():
        typer.echo(f"wrote {p}")


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
    app.command("demo-data")(demo_data)
