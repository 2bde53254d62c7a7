"""Build the annual (or quarterly) complaints report and write it as HTML, Word,
Excel and PNG charts.

Example::

    report = build_report(cases, period="2023-24", compare="2022-23", bundle=load_model("models/demo"))
    paths = write_report(report, "out/report")   # {"html": ..., "docx": ..., "xlsx": ..., "chart_...": ...}
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from rca.config import Config
from rca.errors import RcaError
from rca.reports.render import charts as ch
from rca.reports.analysis import analyse_text
from rca.reports.themes.changes import key_figure_changes
from rca.reports.periods import Period, financial_year, fy_label, parse_period
from rca.reports.report_sections import Section, assemble
from rca.reports.settings import ReportSettings
from rca.reports.linked import suppress_report
from rca.reports.tables.catalogue import SECTIONS, annual_tables, prepare, suppress
from rca.reports.tables.common import Table

log = logging.getLogger(__name__)

AUDIENCES = ("officers", "members")
BY = ("quarter", "month", "year")


@dataclass
class Report:
    title: str
    period: Period
    compare: Period | None
    audience: str
    by: str
    sections: list[Section]
    tables: dict[str, Table]
    charts: dict[str, ch.Chart]
    themes: pd.DataFrame  # themes found in the text, one row per theme
    emerging: pd.DataFrame  # newly emerging themes (clusters of terms that rose beyond chance)
    theme_quotes: pd.DataFrame  # long: theme_id, theme, rank, case_id, quote (empty for members)
    theme_counts: pd.DataFrame  # tidy: theme, bin, count, total, share_pct
    trend_tests: pd.DataFrame  # share test per theme, latest bin vs earlier
    year_tests: pd.DataFrame  # count test per theme, period vs comparison
    watch: pd.DataFrame
    learning: pd.DataFrame
    notes: list[str]
    methods: list[str]
    suppress_below: int = 0  # counts 1..suppress_below-1 shown as "<n" (0: no suppression)
    generated: str = field(default_factory=lambda: date.today().isoformat())
    timings: dict[str, float] = field(default_factory=dict)
    alerts: list[str] = field(default_factory=list)  # what a reader must know first: undated data, periods the data does not wholly cover
    briefing: object = None  # rca.reports.briefing.Briefing: the two pages for a QA meeting and members

    def table(self, key: str) -> Table:
        return self.tables[key]


def _read_population(population) -> pd.DataFrame | None:
    """A population table given as a frame or a file (columns ward, population): rates per 1,000 residents by ward
    and the Ombudsman's upheld complaints per 100,000. A table without those columns is E710; a population that is
    not a positive number is E711, naming the row (a wrong rate would otherwise be printed, or none at all)."""
    if population is None:
        return None
    file = None
    if isinstance(population, pd.DataFrame):
        df = population.copy()
        rows = pd.Series(range(2, len(df) + 2), index=df.index)
    else:
        from rca.ingest.io import read_table

        file = str(population)
        df, _ = read_table(population)
        rows = df["source_row"]
        df = df.drop(columns=["source_row"])
    cols = {str(c).lower().strip(): c for c in df.columns}
    ward = next((cols[c] for c in ("ward", "ward_name", "name") if c in cols), None)
    pop = next((cols[c] for c in ("population", "residents", "pop", "usual_residents") if c in cols), None)
    if ward is None or pop is None:
        raise RcaError(
            "E710",
            f"the population table's columns are {', '.join(map(str, df.columns))}",
            file=file,
            column="population" if ward is not None else "ward",
        )
    values = pd.to_numeric(df[pop].astype(str).str.replace(",", "").str.strip(), errors="coerce")
    bad = df[pop].notna() & ~(values > 0)
    if bad.any():
        i = bad.idxmax()
        raise RcaError(
            "E711",
            f"{int(bad.sum())} ward(s) have a population that is not a positive number",
            file=file,
            row=int(rows[i]),
            column=str(pop),
            value=df.at[i, pop],
        )
    return df.assign(**{str(pop): values})


PREDICTED_TARGETS = ("root_cause",)


def _predict(cases: pd.DataFrame, bundle, period: Period, compare: Period | None) -> tuple[pd.DataFrame, list[str]]:
    """Add `<target>_predicted` columns from the model for records in the report window (when the frame
    has none from an earlier `rca score`). Recorded codes are never overwritten: predictions always sit
    in their own, labelled column."""
    targets = [t for t in PREDICTED_TARGETS if t in (getattr(bundle, "targets", None) or [])]
    todo = [t for t in targets if f"{t}_predicted" not in cases]
    if not todo:
        return cases, []
    if "text" not in cases:
        return cases, ["A model was given but the export has no text column, so nothing could be predicted."]
    start = min(period.start, compare.start) if compare is not None else period.start
    received = pd.to_datetime(cases["received"]) if "received" in cases else pd.Series(pd.NaT, index=cases.index)
    texts = cases["text"].fillna("").astype(str)
    in_window = (received >= start) & (received <= period.end) if received.notna().any() else True  # undated: every record
    rows = in_window & texts.str.strip().ne("")
    out = cases.copy()
    if rows.any():
        preds = bundle.predict(texts[rows].tolist())
    for t in todo:
        col = pd.Series(None, index=out.index, dtype=object)
        if rows.any():
            col[rows] = [lab if lab else None for lab in preds[t].labels]
        out[f"{t}_predicted"] = col
    return out, [
        f"Predicted {', '.join(todo)} for {int(rows.sum()):,} records with text in the report window, with the model; "
        "predictions are shown beside, never mixed with, the codes officers recorded."
    ]


def _title(period: Period) -> str:
    if period.kind == "undated":
        return "Complaints report: all records (undated)"
    return f"Annual complaints report {period.label}" if period.kind == "year" else f"Complaints report {period.label}"


def _check_period(prep, cases: pd.DataFrame) -> None:
    """A period the data holds no record in is refused: a report of zeros would read as a year without complaints."""
    from rca.reports.coverage import day

    cov = prep.coverage.get("cur")
    if prep.undated or cov is None or cov.status != "none":
        return
    first, last = prep.span
    suggest = parse_period(fy_label(financial_year(last))).label
    raise RcaError(
        "E205",
        f"no records were received in {prep.period.label} ({day(prep.period.start)} to {day(prep.period.end)}); "
        f"the {len(cases):,} records in this file were received from {day(first)} to {day(last)}",
        column="period",
        value=prep.period.label,
        hint=f"Choose a --period within those dates (for example --period {suggest}), or check that the file is the right export.",
    )


def build_report(
    cases: pd.DataFrame,
    *,
    period: str | Period,
    compare: str | Period | None = None,
    by: str = "quarter",
    bundle=None,
    config: Config | None = None,
    population=None,
    audience: str = "officers",
    title: str | None = None,
    notes: list[str] | None = None,
) -> Report:
    """Build every table, theme, trend, chart and the drafted learning section for `period`.

    `cases`: the canonical case frame (`rca.ingest.validate.load_cases(...).cases`), labelled and/or scored.
    `compare`: the comparison period (e.g. "2022-23"); `by`: trend bins (quarter, month, year).
    `bundle`: a ModelBundle; adds predicted root causes beside the recorded ones.
    `population`: DataFrame or file with ward, population (rates per 1,000 residents).
    `audience`: "officers" or "members" (small counts suppressed, no case text).
    Settings come from the config's [report] table (`rca.reports.settings`).
    """
    t0 = time.perf_counter()
    config = config or Config()
    settings = ReportSettings.from_config(config)
    if audience not in AUDIENCES:
        raise RcaError("E205", f"audience must be one of {AUDIENCES}, got {audience!r}", column="audience", value=audience)
    if by not in BY:
        raise RcaError("E205", f"by must be one of {BY}, got {by!r}", column="by", value=by)
    period = parse_period(period)
    compare = parse_period(compare) if compare else None
    members = audience == "members"
    small = settings.suppress_below if (members or settings.suppress_officers) else 0
    notes = list(notes or [])
    timings: dict[str, float] = {}
    if bundle is not None:
        cases, msg = _predict(cases, bundle, period, compare)
        notes += msg
    timings["predict"] = time.perf_counter() - t0
    prep = prepare(cases, period=period, compare=compare, config=config)
    _check_period(prep, cases)
    prep.small = small
    prep.notes = notes + prep.notes  # rows left out by the caller, predictions made: shown in the report's data notes
    compare = prep.compare  # dropped when the data holds no record in it (prep.alerts says so)
    pop = _read_population(population)
    groups = annual_tables(prep, population=pop)
    timings["tables"] = time.perf_counter() - t0
    text = analyse_text(prep, by=by, members=members, settings=settings, seed=config.seed, small=small)
    timings["themes"] = time.perf_counter() - t0
    if small > 1:  # each table, then the counts that two tables share or that add up across tables
        groups = suppress_report(groups, small=small)
    groups["summary"] = [key_figure_changes(prep, t) for t in groups["summary"]]  # from the figures as shown
    sections, charts, methods = assemble(prep, groups, text, members=members, by=by, small=small)
    timings["charts"] = time.perf_counter() - t0
    tables = {t.key: t for v in groups.values() for t in v}
    for t in text.tables:
        tables[t.key] = suppress(t, small=small)
    emerging = text.emerging.clusters if text.emerging is not None else pd.DataFrame()
    report = Report(
        title=title or _title(prep.period),
        period=prep.period,
        compare=compare,
        audience=audience,
        by=by,
        sections=sections,
        tables=tables,
        charts=charts,
        themes=text.themes,
        emerging=emerging,
        theme_quotes=text.quotes.iloc[0:0] if members else text.quotes,
        theme_counts=text.counts,
        trend_tests=text.changes,
        year_tests=text.year_changes,
        watch=text.watch,
        learning=text.learning,
        notes=prep.notes + text.coverage_notes + text.notes,
        methods=methods,
        suppress_below=small,
        timings=timings,
        alerts=list(prep.alerts),
    )
    from rca.reports.briefing import build_briefing

    report.briefing = build_briefing(prep, report, population=pop, small=settings.suppress_below or 5)
    report.timings["total"] = time.perf_counter() - t0
    log.info("report built in %.2f s", report.timings["total"])
    return report


def _csv_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A column mixing counts and rates (key figures), or numbers and "<5", keeps each value as it is written:
    a count 10000, not 10000.0 (pandas would turn a mixed column of numbers into floats)."""
    import math

    import numpy as np

    out = df.copy()
    for col in out.columns:
        if out[col].dtype.kind == "f" and np.isinf(out[col].to_numpy()).any():  # written "new", not "inf"
            out[col] = out[col].astype(object)
        if out[col].dtype != object:
            continue
        vals = out[col].tolist()
        if not any(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) for v in vals):
            continue

        def text(v):
            if isinstance(v, bool) or v is None:
                return v
            if isinstance(v, (int, np.integer)):
                return str(int(v))
            if isinstance(v, (float, np.floating)):
                if math.isinf(float(v)):  # a % change from none, as the page says it
                    return "new" if v > 0 else "–"
                return None if math.isnan(float(v)) else repr(float(v))
            return v

        out[col] = pd.Series([text(v) for v in vals], index=out.index, dtype=object)
    return out


def write_report(report: Report, out_dir: str | Path) -> dict[str, Path]:
    """Write report.html, report.docx, report.xlsx, briefing.html, briefing.docx, tables/<key>.csv (one per table)
    and charts/<key>.png into `out_dir`, each file atomically. Returns {"html": path, "docx": ..., "xlsx": ...,
    "briefing_html": ..., "briefing_docx": ..., "csv_<key>": ..., "chart_<key>": ...}."""
    from rca.ingest.io import atomic_path, write_table
    from rca.reports.render.fmt import with_unknown
    from rca.reports.render.docx import write_docx
    from rca.reports.render.html import write_html
    from rca.reports.render.xlsx import workbook_tables, write_xlsx

    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RcaError("E007", str(exc), file=str(out)) from exc
    paths: dict[str, Path] = {}
    try:
        paths["html"] = write_html(report, out / "report.html")
        paths["docx"] = write_docx(report, out / "report.docx")
        paths["xlsx"] = write_xlsx(report, out / "report.xlsx")
        if report.briefing is not None:
            from rca.reports.briefing import write_briefing

            paths.update(write_briefing(report.briefing, out))
        for t in workbook_tables(report):
            paths[f"csv_{t.key}"] = write_table(_csv_frame(with_unknown(t)), out / "tables" / f"{t.key}.csv")
        for key, c in report.charts.items():
            p = out / "charts" / f"{key}.png"
            with atomic_path(p) as tmp:
                tmp.write_bytes(c.png)
            paths[f"chart_{key}"] = p
        _remove_stale(out, paths)
    except OSError as exc:
        raise RcaError("E007", str(exc), file=str(out)) from exc
    return paths


def _remove_stale(out: Path, paths: dict[str, Path]) -> None:
    """Tables and charts an earlier report left in rca's own tables/ and charts/ folders that this one did
    not write (a comparison table from a run with --compare): gone, so no old figure sits beside new ones."""
    written = {Path(p).resolve() for p in paths.values()}
    for folder, pattern in (("tables", "*.csv"), ("charts", "*.png")):
        for f in (out / folder).glob(pattern):
            if f.resolve() not in written:
                f.unlink()
                log.info("removed %s, left by an earlier report", f)


__all__ = ["Report", "Section", "build_report", "write_report", "SECTIONS"]
