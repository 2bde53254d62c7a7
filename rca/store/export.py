"""Write the reviewed cases back out for the council's case system.

Codes are the ones in force (officers' decisions beat the originals), columns
carry the council's own names (the inverse of the config's `[columns]`
mapping, else the names the imported file used), and label spellings are
turned back into the export's own where the config's `[labels]` gives exactly
one spelling for a code. Five `rca_` columns say which codes were reviewed,
by whom and when, what changed, and the officers' comments
(`rca_review_comments`: "target (officer): comment", oldest first). A team
follows a corrected service (see `derived.follow_service`).

Example::

    export_cases(open_store(), "reviewed.xlsx", config=load_config("rca.toml"))
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import select

from rca.config import Config
from rca.ingest.io import write_table
from rca.schema import DATETIME_FIELDS, SOURCE_ROW
from rca.ingest.taxonomy import MULTI_SEP, split_labels
from rca.store.db import Store
from rca.store.trail import current_codes, decisions_frame
from rca.store.models import Import
from rca.store.training_data import LABEL_SOURCE, cases_for_training

AUDIT_COLUMNS = ("rca_label_source", "rca_reviewed_by", "rca_reviewed_at", "rca_review_notes", "rca_review_comments")


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


def _same(a: str, b: str) -> bool:
    """The same codes, in any order (multi-label codes are ';'-joined)."""
    return set(split_labels(a)) == set(split_labels(b))


def _first_previous(store: Store) -> dict[tuple[str, str], str | None]:
    """(case_id, target) -> the code in force before the first officer decision on it.

    The review note says what the officers changed: from the code the case had
    before anyone reviewed it. (The latest imported code is not that: an export of
    this store, imported again, carries the officers' codes.)"""
    from rca.store.models import Case, Decision

    out: dict[tuple[str, str], str | None] = {}
    with store.session() as sess:
        rows = sess.execute(
            select(Case.case_id, Decision.target, Decision.previous_label).join(Case, Case.id == Decision.case_pk).order_by(Decision.id)
        ).all()
    for cid, target, previous in rows:
        out.setdefault((str(cid), str(target)), previous)
    return out


def _comments(trail: pd.DataFrame) -> pd.Series:
    """case_id -> every officer comment on the case, oldest first: "target (officer): comment" joined with ' | '."""
    said = trail[trail["comment"].notna() & trail["comment"].astype(str).str.strip().ne("")]
    if said.empty:
        return pd.Series(dtype=object)
    # a '|' inside a comment would read as a separator: shown as '/'
    text = (
        said["target"].astype(str)
        + " ("
        + said["officer"].astype(str)
        + "): "
        + said["comment"].astype(str).str.replace("|", "/", regex=False).str.split().str.join(" ")
    )
    return text.groupby(said["case_id"].astype(str)).agg(" | ".join)


def _blank(value) -> bool:
    return (
        value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT or (isinstance(value, str) and not value.strip())
    )


def _joined(parts, sep: str) -> str | None:
    """Non-blank parts, each once, in order; pieces already joined with `sep` are split first."""
    seen: dict[str, None] = {}
    for p in parts:
        if _blank(p):
            continue
        for piece in str(p).split(sep.strip()):
            if piece.strip():
                seen.setdefault(piece.strip(), None)
    return sep.join(seen) if seen else None


def _trail(frame: pd.DataFrame, notes: pd.DataFrame) -> pd.DataFrame:
    """The four `rca_` columns: this store's reviews, after any trail the cases were
    imported with (an earlier export of rca, perhaps from another store), so that
    export -> import -> export gives the same trail."""
    earlier = {c: frame.pop(c) if c in frame.columns else pd.Series(None, index=frame.index, dtype=object) for c in AUDIT_COLUMNS}
    source = frame.pop(LABEL_SOURCE)
    mine = notes.reindex(frame["case_id"].astype(str).to_numpy())
    has_mine = mine["rca_reviewed_by"].notna().to_numpy()
    was_reviewed = earlier["rca_label_source"].astype(object).eq("review").to_numpy()
    out = pd.DataFrame(index=frame.index)
    out["rca_label_source"] = np.where(has_mine | was_reviewed, "review", source.to_numpy())
    cols = {c: [None if _blank(v) else v for v in earlier[c].astype(object)] for c in AUDIT_COLUMNS[1:]}
    for i in np.flatnonzero(has_mine):  # this store's reviews come after the trail the case was imported with
        e_by, e_at, e_note, e_said = (cols[c][i] for c in AUDIT_COLUMNS[1:])
        m_by, m_at, m_note, m_said = (mine[c].iat[i] for c in AUDIT_COLUMNS[1:])
        cols["rca_reviewed_by"][i] = _joined([e_by, m_by], "; ")
        stamps = [t for t in (pd.to_datetime(x, errors="coerce") for x in (e_at, m_at) if not _blank(x)) if not pd.isna(t)]
        cols["rca_reviewed_at"][i] = max(stamps) if stamps else None
        cols["rca_review_notes"][i] = _joined([e_note, m_note], " | ")
        cols["rca_review_comments"][i] = _joined([e_said, m_said], " | ")
    for c in AUDIT_COLUMNS[1:]:
        out[c] = pd.Series(cols[c], index=frame.index, dtype=object)
    stamps = pd.to_datetime(out["rca_reviewed_at"], errors="coerce", format="mixed")
    if stamps.notna().sum() == out["rca_reviewed_at"].notna().sum():  # every time read: one datetime column
        out["rca_reviewed_at"] = stamps
    return out


def export_frame(store: Store, *, config: Config | None = None, reviewed_only: bool = False) -> pd.DataFrame:
    """The cases with their codes in force, in the council's column names and spellings.

    Cases imported from an earlier rca export keep the review trail it carried
    (`rca_reviewed_by`, ...), with this store's own reviews added after it.
    """
    config = config or Config()
    frame = cases_for_training(store)
    codes = current_codes(store)
    reviewed = codes[codes["label_source"] == "review"]
    notes = pd.DataFrame(index=pd.Index([], name="case_id"), columns=list(AUDIT_COLUMNS[1:]))
    if len(reviewed):
        before = _first_previous(store)

        def _note(r) -> str:
            was = before.get((str(r["case_id"]), str(r["target"])), r["original_label"])
            was = was if isinstance(was, str) else "none"
            after = r["label"] if isinstance(r["label"], str) else "none"
            if r["action"] == "accepted" and _same(was, after):
                return f"{r['target']} confirmed by {r['decided_by']}"
            if r["action"] == "corrected" and _same(was, after):  # the model disagreed; the officer kept the council's code
                return f"{r['target']} kept (the council's code) by {r['decided_by']}: {after}"
            # accepting a suggestion that differs from the code before review changes the code: say so
            what = {"not_complaint": "marked not a complaint", "accepted": "changed (suggestion accepted)"}.get(r["action"], "corrected")
            return f"{r['target']} {what} by {r['decided_by']}: {was} -> {after}"

        reviewed = reviewed.assign(_note=reviewed.apply(_note, axis=1), case_id=reviewed["case_id"].astype(str))
        notes = reviewed.groupby("case_id").agg(
            rca_reviewed_at=("decided_at", "max"),
            rca_review_notes=("_note", lambda s: " | ".join(s)),
        )
        # everyone who decided a code of the case, in the order they did: a later decision does not erase an earlier officer
        trail = decisions_frame(store)
        deciders = (
            trail.assign(case_id=trail["case_id"].astype(str)).groupby("case_id")["officer"].agg(lambda s: "; ".join(dict.fromkeys(s)))
        )
        notes.insert(0, "rca_reviewed_by", deciders.reindex(notes.index).to_numpy())
        notes["rca_review_comments"] = _comments(trail).reindex(notes.index).to_numpy()
    trail = _trail(frame, notes)  # takes any earlier trail out of `frame`
    frame = pd.concat([frame, trail], axis=1)
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
