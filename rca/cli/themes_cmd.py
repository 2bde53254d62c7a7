"""`rca themes`: theme the free text of any export, without labels or a report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from rca.cli.common import ConfigOpt, SeedOpt, build_config, cli_errors


@cli_errors
def themes(
    data: Annotated[Path, typer.Argument(help="Any export with a free-text column: CSV, Excel or Parquet.")],
    text_column: Annotated[str, typer.Option("--text-column", help="Column holding the free text.")],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Every input row, in order, with theme_id and theme (.csv, .xlsx or .parquet); the theme table is written beside it as <name>_themes.<ext>.",
        ),
    ],
    n_themes: Annotated[int, typer.Option("--n-themes", help="How many themes (2-50).")] = 10,
    quotes: Annotated[int, typer.Option("--quotes", help="Redacted quotes per theme in the theme table (0 for none).", min=0, max=10)] = 3,
    config: ConfigOpt = None,
    seed: SeedOpt = None,
) -> None:
    """Find themes in a text column: each row's theme, and a table of themes with sizes, key terms and short redacted quotes."""
    from rca.reports.themes.naming_config import theme_renames
    from rca.reports.themes.run import theme_file

    cfg = build_config(config, seed=seed)
    res = theme_file(data, text_column=text_column, out=out, n_themes=n_themes, seed=cfg.seed, n_quotes=quotes, renames=theme_renames(cfg))
    for note in res["notes"]:
        typer.echo(f"note: {note}", err=True)
    for _, r in res["table"].iterrows():
        typer.echo(f"{r['theme_id']:>3}  {r['share_pct']:5.1f}%  {r['size']:>6,}  {r['theme']}")
    typer.echo(f"wrote {res['out']} ({res['rows']:,} rows) and {res['themes_path']} ({res['themes']} themes)")


def register(app: typer.Typer) -> None:
    app.command("themes")(themes)
