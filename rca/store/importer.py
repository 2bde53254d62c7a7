"""Load labelled or scored exports into the case store. Nothing is overwritten.

A labelled export adds cases and their recorded codes; a scored export (the
output of `rca score`, with `<target>_predicted`, `<target>_confidence`,
`<target>_review`, `<target>_evidence` columns) also adds the model's
suggestions, and puts each suggestion a person should look at into the review
queue. A case already in the store keeps the row it was first loaded with; a
changed code in a later export becomes a new `original_labels` row, unless it
is the code an officer decided (rca's own export loaded again): that code is
already in the trail, and recording it as the council's would rewrite history.
rca's export columns (`rca_label_source`, `rca_reviewed_by`, ...) are kept
with a new case, so its export carries the review trail on.

Example::

    res = import_export(open_store(), "scored.csv", config=load_config("rca.toml"))
    res.n_new_cases, res.n_suggestions, res.n_review_items
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
from sqlalchemy import select

from rca.config import Config
from rca.model.store import sha256_file
from rca.schema import SOURCE_ROW
from rca.store.db import Store
from rca.store.export_spellings import export_spellings
from rca.store.import_plan import CHUNK_ROWS, ImportFindings, ImportPlan, ImportResult, plan_import, with_unique_ids
from rca.store.import_rows import enqueue, import_chunk
from rca.store.models import Import

log = logging.getLogger(__name__)

__all__ = ["ImportResult", "import_export", "import_frame"]


def import_export(
    store: Store,
    path: str | Path,
    *,
    config: Config | None = None,
    model_version: str | None = None,
    imported_by: str | None = None,
    force: bool = False,
    quarantine_path: str | Path | None = None,
) -> ImportResult:
    """Validate an export with `load_cases` and add it to the store.

    Rows `load_cases` cannot use are not imported; they are counted in
    `n_quarantined` and written to `quarantine_path` when given. The same file
    (by SHA-256) is not imported twice unless `force`.
    """
    from rca.ingest.validate import load_cases

    path = Path(path)
    config = config or Config()
    digest = sha256_file(path) if path.exists() else None
    earlier = _imported_before(store, path, digest) if digest and not force else None
    if earlier is not None:
        return earlier
    res = load_cases(path, config=config, on_bad_rows="quarantine", require=("text",), quarantine_path=quarantine_path)
    spellings = export_spellings(path, res.cases, res.mapping, config=config, encoding=res.encoding)
    cases, said = (res.cases, []) if "case_id" in res.mapping else _ids_from_file_name(res.cases, path)
    out = import_frame(
        store,
        cases,
        source=str(path),
        config=config,
        model_version=model_version,
        imported_by=imported_by,
        sha256=digest,
        columns=res.mapping,
        spellings=spellings,
    )
    out.n_rows = res.n_read
    out.n_quarantined = res.n_quarantined
    out.warnings = res.warnings + said + out.warnings
    return out


def _imported_before(store: Store, path: Path, digest: str) -> ImportResult | None:
    """A skipped import's result when a file with this SHA-256 was imported before, else None."""
    with store.session() as sess:
        earlier = sess.execute(select(Import.id, Import.imported_at).where(Import.sha256 == digest)).first()
    if earlier is None:
        return None
    return ImportResult(
        source=str(path),
        kind="skipped",
        import_id=earlier.id,
        skipped=True,
        warnings=[
            f"{path} was imported before (import {earlier.id} at {earlier.imported_at:%Y-%m-%d %H:%M} UTC); to load it again, import it with --force"
        ],
    )


def _ids_from_file_name(cases: pd.DataFrame, path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Case ids for an export without an id column, and the warning that says how they are made."""
    # row numbers serve as ids within one file; in a store that holds many files, row 2 of February
    # is not row 2 of January: the file's name keeps them apart
    cases = cases.assign(case_id=[f"{path.stem}:{r}" for r in cases[SOURCE_ROW]])
    said = (
        f"{path} has no case id column: each row is stored as case '{path.stem}:ROW' (ROW its row number), so "
        f"rows of other files never merge with these, and a file of the same name imported again matches by row. "
        "To follow a case across exports, map the export's case id column (--id-column, or case_id under [columns])."
    )
    return cases, [said]


def import_frame(
    store: Store,
    cases: pd.DataFrame,
    *,
    source: str = "frame",
    config: Config | None = None,
    model_version: str | None = None,
    imported_by: str | None = None,
    sha256: str | None = None,
    columns: dict[str, str] | None = None,
    spellings: dict[str, dict[str, str]] | None = None,
) -> ImportResult:
    """Add a canonical case frame (optionally with scored columns) in one transaction."""
    plan = plan_import(cases, config or Config(), source=source, model_version=model_version)
    result = ImportResult(source=source, kind=plan.kind, n_rows=len(cases), targets=plan.targets)
    cases = with_unique_ids(cases, source)
    with store.session() as sess:
        imp = _import_record(cases, plan, imported_by=imported_by, sha256=sha256, columns=columns, spellings=spellings)
        sess.add(imp)
        sess.flush()
        result.import_id = plan.import_id = imp.id
        found = _add_rows(sess, cases, plan, result)
        result.warnings += _import_warnings(source, found)
        imp.n_new_cases = result.n_new_cases
        imp.n_suggestions = result.n_suggestions
        imp.n_review_items = result.n_review_items
    log.info(
        "imported %s: %d new cases, %d suggestions, %d review items",
        source,
        result.n_new_cases,
        result.n_suggestions,
        result.n_review_items,
    )
    return result


def _import_record(
    cases: pd.DataFrame,
    plan: ImportPlan,
    *,
    imported_by: str | None,
    sha256: str | None,
    columns: dict[str, str] | None,
    spellings: dict[str, dict[str, str]] | None,
) -> Import:
    """The row of the `imports` table that names this import (its counts filled in at the end)."""
    return Import(
        source=plan.source[:500],
        sha256=sha256,
        kind=plan.kind,
        model_version=plan.model_version,
        imported_by=imported_by,
        imported_at=plan.now,
        n_rows=len(cases),
        n_new_cases=0,
        n_suggestions=0,
        n_review_items=0,
        columns=dict(columns or {}),
        spellings=dict(spellings or {}),
    )


def _add_rows(sess, cases: pd.DataFrame, plan: ImportPlan, result: ImportResult) -> ImportFindings:
    """Every row, a chunk at a time, then the review items the chunks found, queued in priority order."""
    found = ImportFindings()
    for start in range(0, len(cases), CHUNK_ROWS):
        import_chunk(sess, cases.iloc[start : start + CHUNK_ROWS], plan, result, found)
    if found.pending:
        result.n_review_items = enqueue(sess, found.pending, order=plan.queue_order, now=plan.now)
    return found


def _import_warnings(source: str, found: ImportFindings) -> list[str]:
    """Warnings on rows whose id names a stored case with other words, and on codes an officer overruled."""
    out = []
    if found.other_text:
        out.append(
            f"{len(found.other_text):,} rows of {source} have the case id of a stored case but other words (e.g. "
            f"{', '.join(found.other_text[:5])}): the stored case keeps its first text, and these rows' codes and suggestions "
            "were added to it. If these are different complaints, the ids are not unique across exports: map a "
            "unique case id column before importing more."
        )
    if found.overruled:
        out.append(
            f"{len(found.overruled):,} codes in {source} differ from an officer's decision on the case (e.g. "
            f"{', '.join(found.overruled[:5])}): the officer's code stays in force and the export's is kept in the trail. "
            "To take the export's code, decide the case again (`rca store decide --case CASE --target TARGET --action corrected --label CODE`)."
        )
    return out
