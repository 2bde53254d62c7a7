"""Render a Report as one self-contained HTML file: inline CSS, charts as base64
PNG, no scripts or web fonts, A4 print styles. Jinja2 autoescapes every value."""

from __future__ import annotations

import base64
from pathlib import Path

from rca.reports.render.fmt import cell_text, is_numeric_col

TOTAL_LABELS = {"Total", "All services", "All Ombudsman enquiries"}


def _rows(table):
    first = table.data.columns[0]
    for _, row in table.data.iterrows():
        yield {
            "total": str(row[first]) in TOTAL_LABELS or str(row.get("Decision", "")) == "Total",
            "cells": [(c, cell_text(table, row, c)) for c in table.data.columns],
        }


def _env():
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("rca.reports", "templates"), autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True
    )
    return env


def render_html(report) -> str:
    """The report as an HTML string."""
    from rca import __version__

    from rca.reports.render.layout import contents

    tpl = _env().get_template("report.html.j2")
    return tpl.render(
        report=report,
        version=__version__,
        rows=_rows,
        numeric=is_numeric_col,
        toc=contents(report.sections),
        b64=lambda b: base64.b64encode(b).decode("ascii"),
    )


def write_html(report, path: str | Path) -> Path:
    from rca.ingest.io import atomic_path

    html = render_html(report)
    with atomic_path(path) as tmp:
        Path(tmp).write_text(html, encoding="utf-8")
    return Path(path)
