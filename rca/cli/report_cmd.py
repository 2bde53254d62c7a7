"""`rca report`: the annual (or quarterly) complaints report as HTML, Word, Excel and PNG charts."""

from __future__ import annotations

import time
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from rca.cli.common import ConfigOpt, IdColumnOpt, JsonOpt, SeedOpt, TextColumnOpt, build_config, cli_errors, echo_json, say_warnings


class Audience(str, Enum):
    officers = "officers"
    members = "members"


class By(str, Enum):
    quarter = "quarter"
    month = "month"
    year = "year"


@cli_errors
def report(
    data: Annotated[Path, typer.Argument(help="Case export (labelled and/or scored): CSV, Excel or Parquet.")],
    period: Annotated[
        str,
        typer.Option(
            "--period",
            help="Financial year such as 2023-24, a quarter '2023-24 Q3', a half '2023-24 H1', a calendar year '2023', or FIRST..LAST dates.",
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder for report.html, report.docx, report.xlsx and charts/.")],
    compare: Annotated[Optional[str], typer.Option("--compare", help="Comparison period, e.g. 2022-23.")] = None,
    by: Annotated[By, typer.Option("--by", help="Bins for trends.")] = By.quarter,
    audience: Annotated[
        Audience, typer.Option("--audience", help="officers (full) or members (counts under 5 shown as <5, no case text).")
    ] = Audience.officers,
    model_dir: Annotated[
        Optional[Path],
        typer.Option("--model-dir", help="Trained model: adds predicted root causes (scores the file first when it has no predictions)."),
    ] = None,
    population: Annotated[
        Optional[Path],
        typer.Option(
            "--population",
            help="Ward population table (columns ward, population) for complaints per 1,000 residents; default: ward_population.csv beside DATA.",
        ),
    ] = None,
    title: Annotated[Optional[str], typer.Option("--title", help="Report title.")] = None,
    config: ConfigOpt = None,
    text_column: TextColumnOpt = None,
    id_column: IdColumnOpt = None,
    seed: SeedOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Write the complaints report for a period: every table the annual report needs, themes, trends and a drafted learning section."""
    from rca.reports.build import build_report, write_report
    from rca.reports.records import report_records
    from rca.ingest.validate import load_cases

    t0 = time.perf_counter()
    cfg = build_config(config, text_column=text_column, id_column=id_column, seed=seed)
    bundle = None
    if model_dir is not None:
        from rca.model.store import load_model

        bundle = load_model(model_dir)  # its column names are read where this file has them
        cfg = cfg.with_column_hints((bundle.manifest.get("data") or {}).get("columns"))
    res = load_cases(data, config=cfg, on_bad_rows="keep", require=("text",) if model_dir else ())
    say_warnings(res.warnings)
    cases, notes = report_records(res.cases, data.name)  # one record per case and stage; true repeats left out, said
    for note in notes:
        typer.echo(f"note: {note}", err=True)
    if population is None and (data.parent / "ward_population.csv").exists():
        population = data.parent / "ward_population.csv"  # the demo's bundled table sits beside its export
        notes.append(f"Ward populations read from {population}.")
    rep = build_report(
        cases,
        period=period,
        compare=compare,
        by=by.value,
        audience=audience.value,
        bundle=bundle,
        population=population,
        config=cfg,
        title=title,
        notes=notes,
    )
    paths = write_report(rep, out)
    elapsed = time.perf_counter() - t0
    say_alerts(rep, data.name)
    if json_out:
        echo_json(
            {
                "paths": {k: str(v) for k, v in paths.items()},
                "seconds": round(elapsed, 2),
                "rows": len(cases),
                "period": rep.period.label,
                "compare": rep.compare.label if rep.compare else None,
                "audience": rep.audience,
                "alerts": rep.alerts,
                "skipped": {k: t.skipped for k, t in rep.tables.items() if not t.ok},
            }
        )
        return
    typer.echo(
        f"report for {rep.period.label}"
        + (f" vs {rep.compare.label}" if rep.compare else "")
        + f" ({rep.audience}) from {len(cases):,} records"
    )
    for key in ("html", "docx", "xlsx"):
        typer.echo(f"  wrote {paths[key]}")
    n_charts = sum(1 for k in paths if k.startswith("chart_"))
    typer.echo(f"  wrote {n_charts} charts in {Path(out) / 'charts'}")
    say_skipped(rep, indent="  ")
    typer.echo(f"done in {elapsed:.1f} s")


def say_alerts(rep, source: str) -> None:
    """Undated data, a period the data does not (wholly) cover: said before anything else, on stderr."""
    for alert in rep.alerts:
        typer.echo(f"note: {source}: {alert}", err=True)


def say_skipped(rep, *, indent: str) -> None:
    """The tables the data could not fill, by title (the report's 'About this report' says why)."""
    skipped = [t for t in rep.tables.values() if not t.ok]
    if skipped:
        # titles hold commas ("Responses on time, by stage"): one title per quoted name, or the list reads as more tables
        typer.echo(
            f"{indent}{len(skipped)} table{'s' if len(skipped) > 1 else ''} skipped (see 'About this report'): "
            + "; ".join(f"'{t.title}'" for t in skipped)
        )


def register(app: typer.Typer) -> None:
    app.command("report")(report)
