"""Cases for (re)training from the store: the canonical frame with every code
set to the one in force, officers' corrections beating the original labels.

`rca train --from-store` calls `cases_for_training(store)` and passes the
frame to `train_models`; `label_source` says which rows carry a reviewed code,
and `review_label_counts(frame)` gives the figures for the model card.

Example::

    frame = cases_for_training(open_store("sqlite:///reviews.db"))
    (frame["label_source"] == "review").sum()
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Iterable

import pandas as pd
from sqlalchemy import select

from rca.config import Config
from rca.errors import RcaError
from rca.ingest.io import atomic_path
from rca.schema import BY_NAME, CANONICAL, SOURCE_ROW
from rca.store.db import Store
from rca.store.trail import current_codes, parse_timestamps
from rca.store.derived import DERIVED_FROM_SERVICE, follow_service
from rca.store.models import Case

log = logging.getLogger(__name__)

REVIEW_LABELS_FILE = "review_labels.json"  # how many training labels came from review, for the model card
LABEL_SOURCE = "label_source"  # "review" when any code on the row came from an officer's decision, else "import"


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    for name in df.columns:
        field = BY_NAME.get(name)
        if field is None:
            continue
        if field.kind == "datetime":
            df[name] = parse_timestamps(df[name])
        elif field.kind == "number":
            df[name] = pd.to_numeric(df[name], errors="coerce").astype(float)
        elif field.kind == "int":
            df[name] = pd.to_numeric(df[name], errors="coerce").round().astype("Int64")
        else:
            df[name] = df[name].astype(object).where(df[name].notna(), None)
    return df


def stored_cases(store: Store) -> pd.DataFrame:
    """Every case as first loaded, as a canonical frame (store order)."""
    with store.session() as sess:
        rows = sess.execute(select(Case.case_id, Case.data).order_by(Case.id)).all()
    records = [dict(data or {}, case_id=cid) for cid, data in rows]
    df = pd.DataFrame.from_records(records) if records else pd.DataFrame(columns=["case_id", "text"])
    canon = [c for c in CANONICAL if c in df.columns]
    rest = [c for c in df.columns if c not in CANONICAL and c != SOURCE_ROW]
    order = canon + ([SOURCE_ROW] if SOURCE_ROW in df.columns else []) + rest
    return _typed(df[order].copy())


def cases_for_training(store: Store, *, targets: Iterable[str] | None = None) -> pd.DataFrame:
    """The canonical case frame with each target set to its code in force, plus `label_source`.

    A code an officer decided beats the exported one; a case marked "not a
    complaint" gets no code for the target it was reviewed on and the
    not-a-complaint acceptability code. `frame.attrs["label_sources"]` holds
    per-target counts: {target: {"review": n, "import": m}}.
    """
    frame = stored_cases(store)
    as_imported = (
        frame[["service"] + [c for c in DERIVED_FROM_SERVICE if c in frame.columns]].copy() if "service" in frame.columns else None
    )
    codes = current_codes(store, targets=targets)
    frame[LABEL_SOURCE] = "import"
    counts: dict[str, dict[str, int]] = {}
    if len(frame) and len(codes):
        pos = pd.Series(range(len(frame)), index=frame["case_id"].astype(str))
        reviewed = pd.Series(False, index=frame.index)
        for target, part in codes.groupby("target", sort=True):
            if target not in frame.columns:
                frame[target] = None
            frame[target] = frame[target].astype(object)
            idx = pos.reindex(part["case_id"].astype(str)).to_numpy()
            keep = ~pd.isna(idx)
            rows = idx[keep].astype(int)
            labels = part["label"].to_numpy()[keep]
            frame.iloc[rows, frame.columns.get_loc(target)] = [None if pd.isna(x) else x for x in labels]
            from_review = part["label_source"].to_numpy()[keep] == "review"
            reviewed.iloc[rows[from_review]] = True
            counts[str(target)] = {"review": int(from_review.sum()), "import": int((~from_review).sum())}
        frame.loc[reviewed.to_numpy(), LABEL_SOURCE] = "review"
    if as_imported is not None:  # a corrected service takes its team along (never the old service's team)
        frame = follow_service(frame, as_imported["service"], seen=as_imported)
    canon = [c for c in CANONICAL if c in frame.columns]
    rest = [c for c in frame.columns if c not in canon and c not in (SOURCE_ROW, LABEL_SOURCE)]
    frame = frame[canon + ([SOURCE_ROW] if SOURCE_ROW in frame.columns else []) + rest + [LABEL_SOURCE]].copy()
    frame.attrs["label_sources"] = counts
    return frame


def review_label_counts(frame: pd.DataFrame) -> dict[str, object]:
    """Figures for the model card: rows and per-target codes that came from review."""
    return {
        "rows": int(len(frame)),
        "rows_with_reviewed_labels": int((frame.get(LABEL_SOURCE, pd.Series(dtype=object)) == "review").sum()),
        "by_target": dict(frame.attrs.get("label_sources", {})),
    }


def retrain_from_store(
    store: Store, *, model_dir: str | Path, config: Config | None = None, targets: Iterable[str] | None = None, seed: int | None = None
):
    """Train a new model on the store's codes in force (corrections beating the
    originals) with `rca.model.train.train_models`, and write `review_labels.json`
    (how many labels came from review) beside it and in its version folder,
    for the model card.

    Returns (TrainResult, review_label_counts dict).
    """
    from rca.model.train import train_models

    config = config or Config()
    targets = list(targets) if targets is not None else None
    frame = cases_for_training(store, targets=None)
    if not len(frame):
        raise RcaError(
            "E111",
            "the case store has no cases to train on; import a labelled export first",
            hint="Run `rca store import FILE` with a labelled export, then retrain.",
        )
    counts = review_label_counts(frame)
    result = train_models(frame.drop(columns=[LABEL_SOURCE]), targets=targets, model_dir=model_dir, config=config, seed=seed)
    from rca.model.card import not_evaluated

    for target in not_evaluated(getattr(result, "metrics", None)):
        log.warning(
            "%s was not evaluated: no held-out case had a code for %s, so its accuracy is unknown and its review "
            "threshold is not measured; review every %s tag until a retraining with held-out cases evaluates it "
            "(the model card says so)",
            target,
            target,
            target,
        )
    # beside the current model and inside its version folder, so the figure stays with that version
    version = getattr(result, "version", None)
    counts["version"] = version  # the card uses these counts only for the model version they were made for
    folders = [Path(model_dir)] + ([Path(model_dir) / "versions" / str(version)] if version else [])
    from rca.model.card import write_model_card

    for folder in folders:
        if folder.is_dir():
            with atomic_path(folder / REVIEW_LABELS_FILE) as tmp:
                Path(tmp).write_text(json.dumps(counts, indent=2, sort_keys=True), encoding="utf-8")
            # training wrote the card before these counts existed: write it again so it says them
            write_model_card(folder, config=config)
    log.info("retrained from the store: %d rows, %d with reviewed codes", counts["rows"], counts["rows_with_reviewed_labels"])
    return result, counts


__all__ = ["cases_for_training", "stored_cases", "review_label_counts", "retrain_from_store", "LABEL_SOURCE"]
