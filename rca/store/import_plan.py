"""What an import reads from a frame: which columns are recorded codes, the model's suggestions and the case
record, under the `[store]` rules; the case ids it keys rows by; and what it adds up to (`ImportResult`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable

import pandas as pd

from rca.config import Config
from rca.errors import RcaError
from rca.schema import DEFAULT_TARGETS, SOURCE_ROW
from rca.store.db import store_settings, utcnow
from rca.store.ranking import RankInput

__all__ = ["CHUNK_ROWS", "CODE_FIELDS", "ImportFindings", "ImportPlan", "ImportResult", "plan_import", "scored_targets", "with_unique_ids"]

# Recorded codes kept as original labels (plus any scored target and config.multi_label).
CODE_FIELDS = DEFAULT_TARGETS + ("outcome", "corrective_action", "delay_reason")

# `rca score` writes rca.scoring.score.output_columns: <target>_predicted/_confidence/_review/_evidence.
# `_needs_review` is read as a synonym of `_review` (hand-made or older files).
SCORE_SUFFIXES = ("_predicted", "_confidence", "_review", "_needs_review", "_evidence")

MODEL_VERSION_COLUMNS = ("model_version", "rca_model_version")

SCORE_EXTRA_COLUMNS = ("duplicate", "duplicate_of", "duplicate_reason")  # rca.scoring.duplicates.DUP_COLUMNS

CHUNK_ROWS = 500


@dataclass
class ImportResult:
    source: str
    kind: str  # "labelled" | "scored"
    import_id: int | None = None
    n_rows: int = 0
    n_quarantined: int = 0
    n_new_cases: int = 0
    n_existing_cases: int = 0
    n_labels: int = 0
    n_suggestions: int = 0
    n_review_items: int = 0
    n_items_updated: int = 0  # open review items now showing a newer suggestion
    targets: list[str] = field(default_factory=list)
    skipped: bool = False  # the same file was imported before
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def scored_targets(columns: Iterable[str]) -> list[str]:
    """Targets a scored export carries (`<target>_predicted` columns)."""
    return sorted({c[: -len("_predicted")] for c in columns if c.endswith("_predicted") and len(c) > len("_predicted")})


@dataclass
class ImportPlan:
    """What an import reads from each row, and the store's rules for it."""

    source: str
    kind: str  # "labelled" | "scored"
    targets: list[str]  # the scored targets
    code_fields: list[str]  # recorded codes kept as original labels
    data_cols: list[str]  # the case record's own columns, kept with a new case
    version_col: str | None  # the column naming the model that scored each row
    model_version: str | None
    queue_disagreements: bool
    queue_order: str
    now: datetime
    import_id: int | None = None


@dataclass
class ImportFindings:
    """What the chunks of one import add up to tell: review items to queue and warnings' examples."""

    pending: list[RankInput] = field(default_factory=list)
    other_text: list[str] = field(default_factory=list)  # ids of stored cases this file gives other words
    overruled: list[str] = field(default_factory=list)  # ids whose code here differs from an officer's decision in force


def plan_import(cases: pd.DataFrame, config: Config, *, source: str, model_version: str | None) -> ImportPlan:
    """Which columns are codes, suggestions and the case record, and the [store] rules."""
    targets = scored_targets(cases.columns)
    store_cfg = store_settings(config)
    extra_codes = list(store_cfg.targets)
    code_fields = [c for c in dict.fromkeys(list(CODE_FIELDS) + list(config.multi_label) + targets + extra_codes) if c in cases.columns]
    skip_cols = {f"{t}{s}" for t in targets for s in SCORE_SUFFIXES} | {"rca_issues", *MODEL_VERSION_COLUMNS}
    if targets:  # scoring's own flags are not part of the council's case record
        skip_cols |= set(SCORE_EXTRA_COLUMNS)
    return ImportPlan(
        source=source,
        kind="scored" if targets else "labelled",
        targets=targets,
        code_fields=code_fields,
        data_cols=[c for c in cases.columns if c not in skip_cols],
        version_col=next((c for c in MODEL_VERSION_COLUMNS if c in cases.columns), None),
        model_version=model_version,
        queue_disagreements=store_cfg.queue_disagreements,
        queue_order=store_cfg.queue_order,
        now=utcnow(),
    )


def with_unique_ids(cases: pd.DataFrame, source: str) -> pd.DataFrame:
    """The frame with a case id on every row (its row number when it has none); an id on two rows is E104."""
    if "case_id" not in cases.columns:
        cases = cases.assign(
            case_id=cases[SOURCE_ROW].astype(str) if SOURCE_ROW in cases.columns else [str(i + 2) for i in range(len(cases))]
        )
    dup = cases["case_id"].astype(str).duplicated(keep=False)
    if dup.any():  # load_cases quarantines these; a frame handed in directly must not lose rows silently
        first = cases.loc[dup].iloc[0]
        row = int(first[SOURCE_ROW]) if SOURCE_ROW in cases.columns and pd.notna(first[SOURCE_ROW]) else None
        ids = sorted(set(cases.loc[dup, "case_id"].astype(str)))
        raise RcaError(
            "E104",
            f"{len(ids)} case ids appear more than once, e.g. {', '.join(ids[:5])}",
            file=source,
            row=row,
            column="case_id",
            value=ids[0],
        )
    return cases.reset_index(drop=True)
