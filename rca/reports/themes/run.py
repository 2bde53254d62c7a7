"""Theme any export: read a file, find themes in one text column, write every row with its theme and
the theme table beside it (the library side of `rca themes`).

Example::

    summary = theme_file("export.csv", text_column="What went wrong", out="themed.csv", n_themes=10, seed=42)
    summary["themes_path"]   # themed_themes.csv: theme_id, theme, size, share_pct, terms, quote_1..3
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from rca.errors import RcaError
from rca.ingest.io import not_the_input, write_table
from rca.ingest.read_tables import read_table
from rca.reports.themes.finder import NO_TEXT, NoThemes, ThemeFinder
from rca.reports.themes.naming_config import apply_renames
from rca.reports.themes.text import clauses

MAX_THEMES = 50


def themes_path(out: str | Path) -> Path:
    """Where the theme table goes: beside `out`, `<name>_themes.<ext>`."""
    out = Path(out)
    return out.with_name(f"{out.stem}_themes{out.suffix}")


def theme_table(tf: ThemeFinder, n_quotes: int) -> pd.DataFrame:
    """One row per theme: theme_id, theme, size, share_pct, terms, quote_1..quote_n."""
    t = tf.themes_.copy()
    for r in range(1, n_quotes + 1):
        q = tf.quotes_[tf.quotes_["rank"].eq(r)].set_index("theme_id")["quote"]
        t[f"quote_{r}"] = t["theme_id"].map(q).fillna("")
    return t


def theme_file(
    path: str | Path,
    *,
    text_column: str,
    out: str | Path,
    n_themes: int = 10,
    seed: int = 42,
    n_quotes: int = 3,
    renames: dict[str, str] | None = None,
) -> dict:
    """Find `n_themes` themes in `text_column` of the file at `path`; write `out` (every row, in order, plus
    `theme_id` and `theme`) and the theme table beside it, atomically. Returns a summary."""
    path = Path(path)
    if isinstance(n_themes, bool) or not isinstance(n_themes, int) or not 2 <= n_themes <= MAX_THEMES:
        raise RcaError("E703", f"--n-themes was {n_themes!r}", column="--n-themes", value=str(n_themes))
    table_out = themes_path(out)
    not_the_input(out, path)
    not_the_input(table_out, path, option="the theme table")
    df, _info = read_table(path)
    df = df.drop(columns=["source_row"], errors="ignore")
    if text_column not in df.columns:
        cols = ", ".join(repr(c) for c in list(df.columns)[:30])
        raise RcaError("E700", f"no column {text_column!r}; the file's columns are {cols}", file=str(path), column=text_column)
    texts = df[text_column].fillna("").astype(str).tolist()
    with_words = [t for t in texts if any(clauses(t))]
    if len(with_words) < 2:
        raise RcaError(
            "E701", f"{len(texts):,} row(s), {len(with_words):,} with words in column {text_column!r}", file=str(path), column=text_column
        )
    distinct = len({" ".join(t.lower().split()) for t in with_words})
    if distinct < n_themes:
        raise RcaError(
            "E702",
            f"{n_themes} themes asked for, {distinct:,} different text(s) in column {text_column!r}",
            file=str(path),
            column=text_column,
        )
    try:
        tf = ThemeFinder(n_themes=n_themes, random_state=seed, n_quotes=n_quotes).fit(texts)
    except NoThemes as exc:
        raise RcaError("E701", str(exc), file=str(path), column=text_column) from None
    themes, quotes, labels = apply_renames(tf.themes_, tf.quotes_, tf.labels_, renames)
    tf.themes_, tf.quotes_ = themes, quotes
    rows = df.copy()
    rows["theme_id"] = tf.assignment_
    rows["theme"] = labels
    write_table(rows, out)
    table = theme_table(tf, n_quotes)
    write_table(table, table_out, sheet_name="themes")
    no_text = int((tf.labels_ == NO_TEXT).sum())
    notes = []
    if no_text:
        notes.append(f"{no_text:,} row(s) have no words in {text_column!r}: theme_id 0, theme {NO_TEXT!r} (not a theme).")
    if len(table) < n_themes:
        notes.append(f"{len(table)} themes found, not {n_themes}: the texts are too alike to split further.")
    return {"rows": len(rows), "themes": len(table), "out": str(out), "themes_path": str(table_out), "notes": notes, "table": table}
