"""Write the reviewed cases back out for the council's case system.

Codes are the ones in force (officers' decisions beat the originals), columns
carry the council's own names (the inverse of the config's `[columns]`
mapping, else the names the imported file used), and label spellings are
turned back into the export's own where the config's `[labels]` gives exactly
one spelling for a code. Four `rca_` columns say which codes were reviewed,
by whom and when.

>>> # export_cases(open_store(), "reviewed.xlsx", config=load_config("rca.toml"))
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import select

from ..config import Config
from ..io import write_table
from ..schema import DATETIME_FIELDS, SOURCE_ROW
from ..taxonomy import MULTI_SEP, split_labels
from .db import Store
from .decisions import current_codes
from .models import Import
from .training_data import LABEL_SOURCE, cases_for_training

AUDIT_COLUMNS = ("rca_label_source", "rca_reviewed_by", "rca_reviewed_at", "rca_review_notes")


def _column_names(store: Store, config: Config) -> dict[str, str]:
    """canonical -> the council's column: earlier imports first, the config wins."""
    names: dict[str, str] = {}
    with store.session() as sess:
        for cols in sess.execute(select(Import.columns).order_by(Import.id)).scalars():
            names.update({k: v for k, v in (cols or {}).items() if v})
    names.update(config.columns)
    return names


def _inverse_spellings(store: Store, config: Config) -> dict[str, dict[str, str]]:
    """field -> {canonical code: the council's spelling}: as the imported files
    wrote it (later imports win), and the config's `[labels]` where it gives
    exactly one spelling for a code."""
    out: dict[str, dict[str, str]] = {}
    with store.session() as sess:
        for learned in sess.execute(select(Import.spellings).order_by(Import.id)).scalars():
            for field, table in (learned or {}).items():
                out.setdefault(field, {}).update(table)
    for field, table in config.labels.items():
        by_code: dict[str, list[str]] = {}
        for spelling, code in table.items():
            by_code.setdefault(code, []).append(spelling)
        out.setdefault(field, {}).update({code: sp[0] for code, sp in by_code.items() if len(sp) == 1})
    return out


def _respell(value, table: dict[str, str]):
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return value
    return MULTI_SEP.join(table.get(p, p) for p in split_labels(str(value)))


def export_frame(store: Store, *, config: Config | None = None, reviewed_only: bool = False) -> pd.DataFrame:
    """The cases with their codes in force, in the council's column names and spellings."""
    config = config or Config()
    frame = cases_for_training(store)
    codes = current_codes(store)
    reviewed = codes[codes["label_source"] == "review"]
    notes = pd.DataFrame(index=pd.Index([], name="case_id"), columns=list(AUDIT_COLUMNS[1:]))
    if len(reviewed):
        def _note(r) -> str:
            if r["action"] == "accepted":
                return f"{r['target']} confirmed by {r['decided_by']}"
            before = r["original_label"] if isinstance(r["original_label"], str) else "none"
            after = r["label"] if isinstance(r["label"], str) else "none"
            what = "marked not a complaint" if r["action"] == "not_complaint" else "corrected"
            return f"{r['target']} {what} by {r['decided_by']}: {before} -> {after}"

        reviewed = reviewed.assign(_note=reviewed.apply(_note, axis=1))
        notes = reviewed.groupby("case_id").agg(
            rca_reviewed_by=("decided_by", lambda s: "; ".join(dict.fromkeys(s))),
            rca_reviewed_at=("decided_at", "max"),
            rca_review_notes=("_note", lambda s: " | ".join(s)),
        )
    frame = frame.merge(notes, how="left", left_on="case_id", right_index=True)
    frame = frame.rename(columns={LABEL_SOURCE: "rca_label_source"})
    if reviewed_only:
        frame = frame[frame["rca_label_source"] == "review"]
    for field, table in _inverse_spellings(store, config).items():
        if field in frame.columns and table:
            frame[field] = frame[field].map(lambda v, t=table: _respell(v, t))
    if config.date_format:
        for col in DATETIME_FIELDS:
            if col in frame.columns:
                frame[col] = frame[col].dt.strftime(config.date_format).where(frame[col].notna(), None)
    names = _column_names(store, config)
    frame = frame.drop(columns=[SOURCE_ROW], errors="ignore")
    rename = {c: names[c] for c in frame.columns if c in names and names[c] not in frame.columns}
    return frame.rename(columns=rename).reset_index(drop=True)


def export_cases(store: Store, out: str | Path, *, config: Config | None = None, reviewed_only: bool = False) -> Path:
    """Write `export_frame` to CSV/XLSX/Parquet (by extension), atomically."""
    return write_table(export_frame(store, config=config, reviewed_only=reviewed_only), out)


__all__ = ["export_cases", "export_frame", "AUDIT_COLUMNS"]
