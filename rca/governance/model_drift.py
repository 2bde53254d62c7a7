"""Drift of a file against a trained model: which of its cases are new, and which of the
model's past cases they are compared with.

The reference is the model folder's `cases.parquet` (its training cases, text redacted).
Cases the model learnt from are not new (`already_learnt`). A file of one kind of case
(only stage-2 records, only compliments) is compared with the past cases of that kind
(`same_kind`): stage-2 letters are worded differently from first complaints, so against the
whole year they looked like drift when nothing had changed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rca.scoring.case_kind import normalised as _norm
from rca.governance.drift import DriftReport, check_drift, thresholds_from_config
from rca.text.redact import redact_many

KIND_COLUMNS = ("case_type", "stage")  # what says which kind of case a row is


def _a(word: str) -> str:
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def _same_text(text) -> str:
    return " ".join(str(text).lower().split()) if isinstance(text, str) else ""


def same_kind(past: pd.DataFrame, new_cases: pd.DataFrame, *, min_rows: int) -> tuple[pd.DataFrame, str, list[str]]:
    """The past cases of the kinds the new file holds: (those cases, how the report names them,
    notes on what could not be matched).

    For each of `case_type` and `stage` that every new case records, past cases of other kinds
    (or with it blank) are left out. Where fewer than 2 × `min_rows` past cases are left, or the
    past cases do not record the column (a model trained before they were kept), every past case
    stays and a note says the comparison is not like with like.

    >>> past = pd.DataFrame({"stage": ["1"] * 70 + ["2"] * 60})
    >>> ref, kind, notes = same_kind(past, pd.DataFrame({"stage": ["2", "2 "]}), min_rows=30)
    >>> len(ref), kind, notes
    (60, 'at stage 2', [])
    >>> len(same_kind(past, pd.DataFrame({"stage": ["1", "2"]}), min_rows=30)[0])
    130
    """
    named: list[str] = []
    notes: list[str] = []
    for col in KIND_COLUMNS:
        if col not in new_cases.columns or new_cases.empty:
            continue
        new_kinds = _norm(new_cases[col])
        if new_kinds.isna().any():
            continue  # a blank could be any kind: compare with all of them
        kinds = sorted(set(new_kinds))
        what = f"at stage {' or '.join(kinds)}" if col == "stage" else f"with case type {' or '.join(kinds)}"
        if col not in past.columns or past[col].isna().all():
            notes.append(
                f"kind of case: the new cases are all {what}, but the model's past cases do not record {col} "
                "(kept from this version of rca on), so they are compared with every training case: words and "
                "codes that differ because of the kind of case can look like drift; retrain to compare like with like"
            )
            continue
        keep = _norm(past[col]).isin(kinds).fillna(False).to_numpy(dtype=bool)
        if keep.all():
            continue
        if keep.sum() < 2 * min_rows:
            notes.append(
                f"kind of case: the new cases are all {what}, but the model learnt from only {int(keep.sum()):,} such "
                f"cases (at least {2 * min_rows} are needed), so they are compared with every training case: words "
                "and codes that differ because of the kind of case can look like drift"
            )
            continue
        past = past.loc[keep]
        named.append(what)
    return past, ", ".join(named), notes


def already_learnt(new_cases: pd.DataFrame, past: pd.DataFrame, *, text_column: str = "text") -> np.ndarray:
    """Which rows of `new_cases` are cases the model learnt from: a case id of its past cases
    (`cases.parquet`) with the same text (redacted, as kept there). The text must match too, so
    a reused id, or row numbers standing in for ids, do not make a new case look learnt.

    >>> past = pd.DataFrame({"case_id": ["C1", "C2"], "text_redacted": ["Bin not collected", "Rude officer"]})
    >>> already_learnt(pd.DataFrame({"case_id": ["C1", "C2", "C3"], "text": ["bin not  collected", "mould", "x"]}), past).tolist()
    [True, False, False]
    """
    out = np.zeros(len(new_cases), bool)
    if "case_id" not in new_cases.columns or "case_id" not in past.columns or text_column not in new_cases.columns:
        return out
    past_ids = past["case_id"].astype("string").str.strip()
    ids = new_cases["case_id"].astype("string").str.strip()
    cand = ids.isin(set(past_ids.dropna())).fillna(False).to_numpy(dtype=bool)
    if cand.any():
        known = set(zip(past_ids.fillna(""), past["text_redacted"].map(_same_text)))
        texts = redact_many(["" if not isinstance(t, str) else t for t in new_cases[text_column].to_numpy(dtype=object)[cand]])
        out[cand] = [(i, _same_text(t)) in known for i, t in zip(ids[cand], texts)]
    return out


def drift_for_model(
    new_cases: pd.DataFrame, model_dir, *, config=None, text_column: str = "text", max_reference: int = 20_000, seed: int | None = None
) -> DriftReport:
    """`check_drift` of new cases against the training data kept in a model directory.

    The reference is the model's `cases.parquet` (redacted training texts and
    recorded codes); predictions of both come from the model itself; coverage
    at training comes from the manifest's held-out metrics. Recorded codes in
    `new_cases` (any of the model's targets present as columns) are compared too.
    Cases the model learnt from are left out; the rest are compared with the past
    cases of their kind (`same_kind`).
    """
    from pathlib import Path

    from rca.errors import RcaError
    from rca.model.store import load_model

    seed = (config.seed if config is not None else 42) if seed is None else seed
    bundle = load_model(model_dir)
    ref_path = Path(bundle.path or model_dir) / "cases.parquet"
    try:
        ref = pd.read_parquet(ref_path)
    except (OSError, ValueError) as exc:
        raise RcaError("E303", f"cannot read the training cases: {exc}", file=str(ref_path)) from exc
    if text_column not in new_cases.columns:
        raise RcaError("E101", f"no column {text_column!r} in the new cases", column=text_column)
    th = thresholds_from_config(config)
    # the model's own training cases are not new: comparing them would measure the model against itself
    learnt = already_learnt(new_cases, ref, text_column=text_column)
    n_learnt = int(learnt.sum())
    if n_learnt == len(new_cases) and n_learnt:
        return DriftReport(checks=[], n_reference=min(len(ref), max_reference), n_new=0, n_learnt=n_learnt)
    if n_learnt and len(new_cases) - n_learnt < th["min_rows"]:
        raise RcaError(
            "E304",
            f"only {len(new_cases) - n_learnt:,} of the file's {len(new_cases):,} cases are new: {n_learnt:,} are "
            "cases the model learnt from (the same case id and text are among its past cases); drift needs at "
            f"least {int(th['min_rows'])} new cases",
            hint="Compare cases received since the model was trained.",
        )
    new_cases = new_cases.loc[~learnt]
    # like with like: a file of stage-2 records is compared with the stage-2 records the model learnt from
    ref, kind, kind_notes = same_kind(ref, new_cases, min_rows=int(th["min_rows"]))
    if len(ref) > max_reference:
        ref = ref.sample(max_reference, random_state=seed)
    new_texts = new_cases[text_column].fillna("").astype(str).tolist()
    ref_texts = ref["text_redacted"].fillna("").astype(str).tolist()
    ref_pred, new_pred = bundle.predict(ref_texts), bundle.predict(new_texts)
    metrics = bundle.metrics
    # Held-out coverage is measured on the cases that carry the code (root causes on
    # accepted stage-1 complaints, escalation reasons on stage 2...), so the new figure
    # is taken over the new cases the code is given to, never over compliments or
    # contacts not accepted. Where nothing in the file (or the model's acceptability
    # tag) says which those are, only a target coded on most training cases is compared.
    from rca.governance.active_learning import target_population

    n_rows = max(int(bundle.manifest.get("data", {}).get("n_rows") or 0), 1)
    n_labelled = bundle.manifest.get("data", {}).get("n_labelled", {})
    first = bundle.manifest.get("applies_from_stage") or {}
    accepted = new_pred["acceptability"].labels if "acceptability" in new_pred else None
    ref_cov = {t: float(m["coverage"]) for t, m in metrics.items() if isinstance(m.get("coverage"), (int, float))}
    new_review: dict[str, np.ndarray] = {}
    populations: dict[str, str] = {}
    not_compared: list[str] = []
    no_cases: set[str] = set()
    for t, p in new_pred.items():
        pop = target_population(
            new_cases.reset_index(drop=True),
            t,
            applies_from_stage=first,
            predicted_acceptability=accepted if t != "acceptability" else None,
            text_column=text_column,
        )
        code = f"{_a(t)} code"
        if pop.restricted and pop.n == 0:
            no_cases.add(t)
            not_compared.append(
                f"{t}: none of the new cases take {code} (left out: {pop.describe()}; chosen by "
                f"{pop.chosen_by()}), so neither its predicted mix nor its coverage is compared: no verdict for {t}"
            )
        elif not (pop.restricted or n_labelled.get(t, 0) / n_rows >= 0.5):
            not_compared.append(
                f"coverage of {t}: nothing in the file (case_type, stage, acceptability) or the model says which "
                f"new cases take {code}, and it was given to few training cases, so its coverage is not compared"
            )
        elif pop.n < th["min_rows"]:
            not_compared.append(
                f"coverage of {t}: only {pop.n:,} of the new cases take {code} (left out: {pop.describe()}); "
                f"at least {int(th['min_rows'])} are needed to compare its coverage"
            )
        elif t not in ref_cov:
            not_compared.append(
                f"coverage of {t}: the model was not evaluated on held-out cases for {t}, so there is no "
                "coverage at training to compare with"
            )
        else:
            new_review[t] = np.asarray(p.review, bool)[pop.mask]
            if pop.n < len(pop.mask):
                populations[t] = f"the {pop.n:,} new cases given this code (left out: {pop.describe()})"
    report = check_drift(
        ref_texts,
        new_texts,
        reference_predictions={t: p.labels for t, p in ref_pred.items()},
        new_predictions={t: p.labels for t, p in new_pred.items() if t not in no_cases},
        reference_coverage=ref_cov,
        reference_coverage_n={t: int(m["n_test"]) for t, m in metrics.items() if isinstance(m.get("n_test"), (int, float))},
        new_review=new_review,
        coverage_population=populations,
        reference_labels={t: ref[t].dropna().astype(str).tolist() for t in bundle.targets if t in ref.columns},
        new_labels={t: new_cases[t].dropna().astype(str).tolist() for t in bundle.targets if t in new_cases.columns and t in ref.columns},
        thresholds=th,
        seed=seed,
    )
    report.n_learnt, report.not_compared, report.reference_kind = n_learnt, kind_notes + not_compared, kind
    return report
