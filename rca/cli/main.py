"""The root `rca` Typer app. Each command group lives in its own module and
registers itself with `register(app)`."""

from __future__ import annotations

import importlib
import sys
from typing import Annotated

import typer

from rca import __version__
from rca.errors import RcaError
from rca.cli.common import setup_logging

app = typer.Typer(
    name="rca",
    help="Root-cause analysis of council complaints: train, score, triage, report, review.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # complaint text is personal data
    add_completion=False,
)

# Command groups, in the order `rca --help` lists them.
COMMAND_MODULES = (
    "demo_cmd",  # rca demo
    "data_cmd",  # rca validate, rca demo-data
    "train_cmd",  # rca train, rca evaluate
    "score_cmd",  # rca score, rca triage, rca serve
    "report_cmd",  # rca report
    "themes_cmd",  # rca themes
    "governance_cmd",  # rca audit, rca suggest-labels, rca drift
    "store_cmd",  # rca store ...
    "embeddings_cmd",  # rca embeddings build (optional extra)
)


@app.callback()
def _root(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress to stderr.")] = False,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    setup_logging(verbose)
    if version:
        typer.echo(f"rca {__version__}")
        raise typer.Exit()


for _name in COMMAND_MODULES:
    try:
        _mod = importlib.import_module(f"{__package__}.{_name}")
    except ModuleNotFoundError as exc:  # a command group not built yet
        if exc.name != f"{__package__}.{_name}":
            raise
        continue
    _mod.register(app)


def main() -> None:
    try:
        app()
    except RcaError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
