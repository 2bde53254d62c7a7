"""Tag every case of a frame with the trained models: predicted labels,
confidence, whether a person should review it, the evidence words, and a
near-duplicate flag. Every row comes out, in order, ids unchanged. A whole file,
in chunks that survive a killed run, is `rca.scoring.score_files.score_file`.

Example::

    scored = score_frame(load_cases("cases.csv", on_bad_rows="keep").cases, load_model("models/current"))
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rca.config import Config
from rca.scoring.duplicates import DUP_COLUMNS, DuplicateFinder
from rca.errors import RcaError
from rca.forking import can_fork, start_forked
from rca.schema import STAGE_RANK
from rca.settings import ScoreSection
from rca.scoring.evidence import predict_with_evidence
from rca.ingest.validate import ISSUES

log = logging.getLogger(__name__)

SUFFIXES = ("predicted", "confidence", "review", "evidence")
EMPTY_NOTE = "empty text: not scored, review"


@dataclass
class ScoreSettings(ScoreSection):
    """The [score] table of the config: keys, defaults and ranges in `rca.settings.ScoreSection`."""

    @classmethod
    def from_config(cls, config: Config | None) -> "ScoreSettings":
        return (config or Config()).section_as(cls, "score")

    def finder(self) -> DuplicateFinder:
        return DuplicateFinder(window_days=self.duplicate_window_days, threshold=self.duplicate_threshold)


MODEL_VERSION = "rca_model_version"


def output_columns(targets: list[str]) -> list[str]:
    return [f"{t}_{s}" for t in targets for s in SUFFIXES]


# ----------------------------------------------------------------- one frame
MIN_SPLIT_ROWS = 1_000  # below this a forked helper costs more than it saves
PARENT_SHARE = 0.7  # the parent's slice relative to a helper's when it also searches for duplicates


def _predicted_parts(bundle, texts: list[str], k: int) -> dict[str, tuple]:
    """{target: (labels, confidence, review, evidence strings)} for non-empty texts."""
    preds, ev = predict_with_evidence(bundle, texts, k=k)
    return {
        t: (
            [lab if lab else None for lab in preds[t].labels],
            np.asarray(preds[t].confidence, dtype=float),
            np.asarray(preds[t].review, dtype=bool),
            [("; ".join(e) if e else None) for e in ev[t]],
        )
        for t in bundle.targets
    }


def _predict_split(bundle, texts: list[str], k: int, split: int, during=None) -> dict[str, tuple]:
    """`_predicted_parts` over `split` slices at once: this process takes the first, forked
    helpers (`rca.forking`: they share the loaded model, nothing re-loaded or pickled) the rest.
    Every row is predicted on its own, so the result equals the one-process one.

    `during()`, when given, runs in this process while the helpers work, before its own
    (smaller) slice: the chunk's duplicate search overlaps the predictions instead of preceding them."""
    split = min(split, os.cpu_count() or 1, len(texts) // MIN_SPLIT_ROWS)
    if split <= 1 or not can_fork():
        if during is not None:
            during()
        return _predicted_parts(bundle, texts, k)
    # this process also runs `during()` (the duplicate search, ~a quarter of a slice's work),
    # so it takes a smaller first slice and every process finishes at about the same time
    weights = np.r_[PARENT_SHARE if during is not None else 1.0, np.ones(split - 1)]
    edges = np.r_[0, np.round(np.cumsum(weights) / weights.sum() * len(texts))].astype(int)
    bounds = list(zip(edges[:-1].tolist(), edges[1:].tolist()))
    with start_forked([(_predicted_parts, (bundle, texts[a:b], k), {}) for a, b in bounds[1:]], split - 1) as helpers:
        if during is not None:
            during()
        parts = [_predicted_parts(bundle, texts[bounds[0][0] : bounds[0][1]], k), *helpers.results()]
    return {
        t: (
            sum((p[t][0] for p in parts), []),
            np.concatenate([p[t][1] for p in parts]),
            np.concatenate([p[t][2] for p in parts]),
            sum((p[t][3] for p in parts), []),
        )
        for t in bundle.targets
    }


def prediction_columns(texts: pd.Series, bundle, *, settings: ScoreSettings | None = None, split: int = 1, during=None) -> pd.DataFrame:
    """Predictions, confidence, review flag and evidence for each target, one row per text.

    Empty texts get blank predictions, no confidence and review = True.
    `split` > 1 spreads a large batch over that many forked processes (same result);
    `during()` runs in this process meanwhile (always exactly once).
    """
    settings = settings or ScoreSettings()
    texts = texts.fillna("").astype(str)
    n = len(texts)
    filled = texts.str.strip().ne("").to_numpy()
    rows = np.flatnonzero(filled)
    todo = [t[: settings.max_text_chars] for t in texts.to_numpy()[rows]]
    if len(todo):
        parts = _predict_split(bundle, todo, settings.evidence_terms, split, during=during)
    else:
        parts = {}
        if during is not None:
            during()
    cols: dict[str, object] = {}
    for target in bundle.targets:
        predicted = np.full(n, None, dtype=object)
        confidence = np.full(n, np.nan)
        review = np.ones(n, dtype=bool)
        evidence = np.full(n, None, dtype=object)
        if len(todo):
            labels, conf, rev, ev = parts[target]
            predicted[rows] = np.array(labels, dtype=object)
            confidence[rows] = np.round(conf, 4)
            review[rows] = rev
            evidence[rows] = np.array(ev, dtype=object)
        cols[f"{target}_predicted"] = predicted
        cols[f"{target}_confidence"] = confidence
        cols[f"{target}_review"] = review
        cols[f"{target}_evidence"] = evidence
    cols[MODEL_VERSION] = (getattr(bundle, "manifest", None) or {}).get("version")  # what made these tags
    return pd.DataFrame(cols, index=texts.index)


def _note_empty(issues: pd.Series | None, empty: np.ndarray, index: pd.Index) -> pd.Series:
    base = issues.fillna("").astype(str) if issues is not None else pd.Series("", index=index)
    add = np.where(empty, EMPTY_NOTE, "")
    joined = [f"{a}; {b}" if a and b else (a or b) for a, b in zip(base.to_numpy(), add)]
    return pd.Series(joined, index=index, dtype=object)


# Codes given to complaints only (docs/CONTRACTS.md): a compliment has no root cause, escalation reason or acceptability.
COMPLAINT_ONLY = ("root_cause", "escalation_reason", "acceptability")


def _blank(preds: pd.DataFrame, rows: np.ndarray, target: str) -> None:
    preds.loc[rows, [f"{target}_predicted", f"{target}_evidence"]] = None
    preds.loc[rows, f"{target}_confidence"] = np.nan
    preds.loc[rows, f"{target}_review"] = False


def blank_not_coded(preds: pd.DataFrame, cases: pd.DataFrame, bundle) -> pd.DataFrame:
    """Blank the tags a record does not take: codes learnt from later stages on earlier-stage
    records (`blank_before_stage`), and complaint codes on records whose case type is a compliment.
    Rows that say neither keep their tags - with only a text column there is no way to tell."""
    preds = blank_before_stage(preds, cases.get("stage"), bundle)
    if "case_type" in cases.columns:
        compliment = cases["case_type"].astype("string").str.strip().str.lower().str.contains("compliment").fillna(False)
        rows = compliment.to_numpy(dtype=bool)
        if rows.any():
            for target in COMPLAINT_ONLY:
                if f"{target}_predicted" in preds:
                    _blank(preds, rows, target)
    return preds


def blank_before_stage(preds: pd.DataFrame, stages: pd.Series | None, bundle) -> pd.DataFrame:
    """Blank a target's tag on records at a stage before any the model learnt it from (an escalation
    reason on a stage-1 complaint means nothing): no label, no confidence, nothing to review.
    Rows with no stage keep their tags - with only a text column there is no way to tell."""
    first = (getattr(bundle, "manifest", None) or {}).get("applies_from_stage") or {}
    if stages is None or not first:
        return preds
    rank = stages.astype("string").str.strip().str.lower().map(STAGE_RANK).to_numpy(dtype=float)
    for target, stage in first.items():
        if f"{target}_predicted" not in preds:
            continue
        before = rank < STAGE_RANK.get(str(stage), 1)  # NaN (unknown stage) compares False
        if before.any():
            _blank(preds, before, target)
    return preds


def input_renames(columns, ours) -> dict[str, str]:
    """The input's own columns that share a name with one rca writes, and the name each is kept under.

    A file rca scored before (it has `rca_model_version`) has its old tags replaced; any
    other file keeps its column as "NAME (input)" - a council's own `duplicate` column is
    not rca's to overwrite."""
    columns = [str(c) for c in columns]
    if MODEL_VERSION in columns:
        return {}
    taken = set(columns) | set(ours)
    renames: dict[str, str] = {}
    for c in columns:
        if c in ours:
            new, k = f"{c} (input)", 2
            while new in taken:
                new, k = f"{c} (input {k})", k + 1
            taken.add(new)
            renames[c] = new
    return renames


def assemble(base: pd.DataFrame, cases: pd.DataFrame, preds: pd.DataFrame, dups: pd.DataFrame) -> pd.DataFrame:
    """base columns (an earlier run's tags dropped, the input's own same-named columns renamed)
    + rca_issues + predictions + duplicates."""
    ours = [ISSUES, *preds.columns, *DUP_COLUMNS]
    renames = input_renames(base.columns, ours)
    clash = [c for c in base.columns if c in ours and c not in renames]
    if clash:
        log.info("replacing columns from an earlier scoring run: %s", clash)
    empty = ~cases["text"].fillna("").astype(str).str.strip().ne("").to_numpy() if "text" in cases else np.ones(len(cases), bool)
    out = base.drop(columns=clash).rename(columns=renames)
    out[ISSUES] = _note_empty(cases[ISSUES] if ISSUES in cases else None, empty, base.index).to_numpy()
    for c in preds.columns:
        out[c] = preds[c].to_numpy()
    for c in DUP_COLUMNS:
        out[c] = dups[c].to_numpy()
    return out


def score_frame(cases: pd.DataFrame, bundle, *, config: Config | None = None) -> pd.DataFrame:
    """Score a canonical case frame (e.g. `load_cases(..., on_bad_rows="keep").cases`).

    Returns the cases with `rca_issues`, `T_predicted / T_confidence / T_review /
    T_evidence` for each target T of the bundle, and `duplicate / duplicate_of /
    duplicate_reason`; same rows, same order.

    Example::

        scored = score_frame(cases, load_model("models/current"))
        scored.loc[scored.root_cause_review, ["case_id", "root_cause_predicted"]]
    """
    settings = ScoreSettings.from_config(config)
    if "text" not in cases.columns:
        raise RcaError("E101", f"no 'text' column; the frame has {list(cases.columns)[:30]}", column="text")
    cases = cases.reset_index(drop=True)
    preds = blank_not_coded(prediction_columns(cases["text"], bundle, settings=settings), cases, bundle)
    dups = settings.finder().add(cases)
    # the frame's rca_issues are load_cases' own notes (carried on by assemble), not a column of the input to keep aside
    return assemble(cases.drop(columns=[ISSUES], errors="ignore"), cases, preds, dups)
