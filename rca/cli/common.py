"""Shared CLI helpers: error handling, config/column flags, output."""

from __future__ import annotations

import functools
import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import typer

from rca.config import Config, load_config
from rca.errors import RcaError

ConfigOpt = Annotated[Optional[Path], typer.Option("--config", "-c", help="rca.toml with column mapping, label spellings, calendar, seed.")]
TextColumnOpt = Annotated[Optional[str], typer.Option("--text-column", help="Column holding the complaint text (overrides the config).")]
IdColumnOpt = Annotated[Optional[str], typer.Option("--id-column", help="Column holding the case reference (row numbers when absent).")]
ReceivedColumnOpt = Annotated[Optional[str], typer.Option("--received-column", help="Column holding the date received.")]
SeedOpt = Annotated[Optional[int], typer.Option("--seed", help="Random seed (overrides the config's seed).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON instead of a summary.")]


def cli_errors(fn: Callable) -> Callable:
    """Turn RcaError into a one-line coded message and exit status 2; no tracebacks with locals."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except RcaError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(code=2) from None

    return wrapper


def build_config(
    config: Path | None,
    *,
    text_column: str | None = None,
    id_column: str | None = None,
    received_column: str | None = None,
    seed: int | None = None,
) -> Config:
    cfg = load_config(config)
    return cfg.with_overrides(columns={"text": text_column, "case_id": id_column, "received": received_column}, seed=seed)


def echo_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, default=str, ensure_ascii=False))


def setup_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


def say_warnings(warnings: list[str], *, limit: int = 20) -> None:
    """A loaded file's warnings (E114, E106, ...), on stderr: the library returns them rather than logging them."""
    for w in warnings[:limit]:
        typer.echo(f"warning: {w}", err=True)
    if len(warnings) > limit:
        typer.echo(f"... and {len(warnings) - limit:,} more warnings", err=True)
