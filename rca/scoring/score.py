"""Tag every case of a file with the trained models: predicted labels,
confidence, whether a person should review it, the evidence words, and a
near-duplicate flag. Every input row comes out, in input order, ids unchanged.

Large files stream in chunks; each finished chunk is written to a part file in
a hidden work folder beside the output (`.OUT.rca-work/`) with a JSON
checkpoint, so a killed run resumes (`resume=True`) without losing or repeating
rows; the output appears under its final name only when complete.

Example::

    summary = score_file("cases.csv", "scored.csv", model_dir="models/current")
    scored = score_frame(load_cases("cases.csv", on_bad_rows="keep").cases, load_model("models/current"))
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from rca import __version__
from rca.config import Config
from rca.scoring.duplicates import DUP_COLUMNS, DuplicateFinder
from rca.errors import RcaError
from rca.schema import STAGE_RANK
from rca.settings import ScoreSection
from rca.ingest.io import not_the_input
from rca.scoring.evidence import predict_with_evidence
from rca.ingest.validate import ISSUES

log = logging.getLogger(__name__)

SUFFIXES = ("predicted", "confidence", "review", "evidence")
EMPTY_NOTE = "empty text: not scored, review"
XLSX_MAX_ROWS = 1_048_575


@dataclass
class ScoreSettings(ScoreSection):
    """The [score] table of the config: keys, defaults and ranges in `rca.settings.ScoreSection`."""

    @classmethod
    def from_config(cls, config: Config | None) -> "ScoreSettings":
        return (config or Config()).section_as(cls, "score")

    def finder(self) -> DuplicateFinder:
        return DuplicateFinder(window_days=self.duplicate_window_days, threshold=self.duplicate_threshold)


@dataclass
class ScoreSummary:
    out: str
    n_rows: int = 0
    n_chunks: int = 0
    n_chunks_resumed: int = 0
    n_empty_text: int = 0
    n_duplicates: int = 0
    n_review: dict[str, int] = field(default_factory=dict)
    n_jobs: int = 1
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


MODEL_VERSION = "rca_model_version"


def output_columns(targets: list[str]) -> list[str]:
    return [f"{t}_{s}" for t in targets for s in SUFFIXES]


# ----------------------------------------------------------------- one frame
MIN_SPLIT_ROWS = 1_000  # below this a forked helper costs more than it saves
PARENT_SHARE = 0.7  # the parent's slice relative to a helper's when it also searches for duplicates
_fork_state: tuple = ()  # (bundle, texts, k) inherited by forked helpers, never pickled


def _predicted_parts(bundle, texts: list[str], k: int) -> dict[str, tuple]:
    """{target: (labels, confidence, review, evidence strings)} for non-empty texts."""
    preds, ev = predict_with_evidence(bundle, texts, k=k)
    return {t: ([lab if lab else None for lab in preds[t].labels], np.asarray(preds[t].confidence, dtype=float),
                np.asarray(preds[t].review, dtype=bool), [("; ".join(e) if e else None) for e in ev[t]])
            for t in bundle.targets}


def _fork_piece(bounds: tuple[int, int]) -> dict[str, tuple]:
    bundle, texts, k = _fork_state
    return _predicted_parts(bundle, texts[bounds[0]:bounds[1]], k)


def _predict_split(bundle, texts: list[str], k: int, split: int, during=None) -> dict[str, tuple]:
    """`_predicted_parts` over `split` slices at once: this process takes the first, forked
    helpers (which share the loaded model, nothing re-loaded or pickled) the rest.
    Every row is predicted on its own, so the result equals the one-process one.

    `during()`, when given, runs in this process while the helpers work, before its own
    (smaller) slice: the chunk's duplicate search overlaps the predictions instead of preceding them."""
    import multiprocessing as mp

    split = min(split, os.cpu_count() or 1, len(texts) // MIN_SPLIT_ROWS)
    if split <= 1 or "fork" not in mp.get_all_start_methods():
        if during is not None:
            during()
        return _predicted_parts(bundle, texts, k)
    global _fork_state
    # this process also runs `during()` (the duplicate search, ~a quarter of a slice's work),
    # so it takes a smaller first slice and every process finishes at about the same time
    weights = np.r_[PARENT_SHARE if during is not None else 1.0, np.ones(split - 1)]
    edges = np.r_[0, np.round(np.cumsum(weights) / weights.sum() * len(texts))].astype(int)
    bounds = list(zip(edges[:-1].tolist(), edges[1:].tolist()))
    _fork_state = (bundle, texts, k)
    try:
        with mp.get_context("fork").Pool(split - 1) as pool:
            rest = pool.map_async(_fork_piece, bounds[1:])
            if during is not None:
                during()
            parts = [_fork_piece(bounds[0]), *rest.get()]
    finally:
        _fork_state = ()
    return {t: (sum((p[t][0] for p in parts), []), np.concatenate([p[t][1] for p in parts]),
                np.concatenate([p[t][2] for p in parts]), sum((p[t][3] for p in parts), []))
            for t in bundle.targets}


def prediction_columns(texts: pd.Series, bundle, *, settings: ScoreSettings | None = None, split: int = 1,
                       during=None) -> pd.DataFrame:
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


def _assemble(base: pd.DataFrame, cases: pd.DataFrame, preds: pd.DataFrame, dups: pd.DataFrame) -> pd.DataFrame:
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


def _warn_renamed(columns, bundle, path) -> None:
    renames = input_renames(columns, [ISSUES, *output_columns(list(bundle.targets)), MODEL_VERSION, *DUP_COLUMNS])
    if renames:
        log.warning("%s has its own column%s %s, which rca also writes: kept as %s", path, "s" if len(renames) > 1 else "",
                    ", ".join(repr(c) for c in renames), ", ".join(repr(n) for n in renames.values()))


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
    # the frame's rca_issues are load_cases' own notes (carried on by _assemble), not a column of the input to keep aside
    return _assemble(cases.drop(columns=[ISSUES], errors="ignore"), cases, preds, dups)


# ------------------------------------------------------------ parts and files
def _part_path(work: Path, i: int) -> Path:
    return work / f"part-{i:06d}.parquet"


def _arrow_schema(df: pd.DataFrame):
    import pyarrow as pa

    fields = []
    for c in df.columns:
        if c == "source_row":
            t = pa.int64()
        elif c.endswith("_confidence") and df[c].dtype.kind == "f":
            t = pa.float64()
        elif (c.endswith("_review") or c == "duplicate") and df[c].dtype == bool:
            t = pa.bool_()
        else:
            t = pa.string()
        fields.append(pa.field(str(c), t))
    return pa.schema(fields)


def _score_part(i: int, base: pd.DataFrame, cases: pd.DataFrame, find_duplicates, work: str,
                settings: ScoreSettings, bundle, split: int = 1) -> dict:
    """Score one chunk and write it as an atomic part file; returns its counts.

    `find_duplicates()` gives the chunk's duplicate columns; it runs while the predictions are made."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    found: list[pd.DataFrame] = []
    preds = prediction_columns(cases["text"], bundle, settings=settings, split=split,
                               during=lambda: found.append(find_duplicates()))
    preds = blank_not_coded(preds, cases, bundle)
    out = _assemble(base, cases, preds, found[0])
    for c in out.columns:  # all export columns as text; nulls stay null
        if out[c].dtype == object:
            out[c] = out[c].where(out[c].isna(), out[c].astype(str))
    table = pa.Table.from_pandas(out, schema=_arrow_schema(out), preserve_index=False)
    path = _part_path(Path(work), i)
    tmp = path.with_suffix(".tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)
    empty = out[ISSUES].str.contains(EMPTY_NOTE, regex=False).to_numpy()
    return {"chunk": i, "rows": len(out), "empty": int(empty.sum()), "duplicates": int(out["duplicate"].sum()),
            "review": {t: int(out[f"{t}_review"].sum()) for t in bundle.targets}}


def _fingerprint(path: Path, model_dir: Path, config: Config, settings: ScoreSettings) -> str:
    """What a resumed run must share with the interrupted one: input, model files, settings."""
    st = path.stat()
    model_files = []
    if model_dir.is_dir():
        for p in model_dir.rglob("*"):
            rel = p.relative_to(model_dir)
            if p.is_file() and not any(part.startswith(".") for part in rel.parts):  # not work or temp files
                model_files.append((rel.as_posix(), p.stat().st_size, p.stat().st_mtime_ns))
    blob = json.dumps({"input": [str(path.resolve()), st.st_size, st.st_mtime_ns], "model": sorted(model_files),
                       "columns": config.columns, "labels": config.labels, "settings": asdict(settings),
                       "version": __version__}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True), "utf-8")
    os.replace(tmp, path)


def _estimate_rows(path: Path) -> int | None:
    if path.suffix.lower() not in (".csv", ".tsv", ".txt"):
        return None
    n = 0
    with open(path, "rb") as fh:
        while block := fh.read(1 << 24):
            n += block.count(b"\n")
    return max(n - 1, 0)


def _out_kind(out: Path) -> str:
    ext = out.suffix.lower()
    kinds = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "excel", ".parquet": "parquet", ".pq": "parquet"}
    if ext not in kinds:
        raise RcaError("E002", f"cannot write {ext or 'no extension'!r}; use .csv, .xlsx or .parquet", file=str(out))
    return kinds[ext]


def _neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """`rca.ingest.io.neutralise_frame`, vectorised: a quote before text a spreadsheet would run as a formula."""
    from rca.ingest.neutralise import FORMULA_START, PLAIN_NUMBER

    for c in frame.columns:
        col = frame[c]
        if col.dtype == object:
            risky = col.str.startswith(FORMULA_START, na=False).to_numpy(dtype=bool)
            if risky.any():  # plain numbers ("-2.0") are read as numbers, not run
                risky[risky] = ~col[risky].astype(str).str.fullmatch(PLAIN_NUMBER.pattern).to_numpy(dtype=bool)
            if risky.any():
                frame[c] = col.where(~risky, "'" + col.astype(str))
    return frame


def _typed_columns(source: Path | None, columns: list[str]):
    """The input's own non-text columns, as typed in a Parquet input (ids as integers, flags as booleans,
    times with their zone), for a Parquet output to carry them unchanged; None when there are none."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if source is None or _kind_of(source) != "parquet":
        return None
    schema = pq.read_schema(source)
    ours = {ISSUES, MODEL_VERSION, "source_row", *DUP_COLUMNS}  # and every <target>_<suffix>: rca's, not the input's
    names = [f.name for f in schema if f.name in columns and f.name not in ours
             and not f.name.endswith(tuple(f"_{x}" for x in SUFFIXES))
             and not (pa.types.is_string(f.type) or pa.types.is_large_string(f.type))]
    return pq.read_table(source, columns=names) if names else None


def _kind_of(path: Path) -> str:
    return "parquet" if path.suffix.lower() in (".parquet", ".pq") else "other"


def _concatenate(work: Path, n_chunks: int, out: Path, *, source: Path | None = None) -> None:
    """Join the part files, in order, into `out`, atomically; streaming for CSV and Parquet. From a Parquet
    input to a Parquet output, the input's own typed columns go out with their types (every row comes
    out, in order, so row i of the output is row i of the input)."""
    import pyarrow.parquet as pq

    from rca.ingest.io import atomic_path, csv_safe_frame, write_table

    kind = _out_kind(out)
    parts = [_part_path(work, i) for i in range(n_chunks)]
    try:
        if kind == "excel":
            frame = pd.concat([pq.read_table(p).to_pandas() for p in parts], ignore_index=True)
            if len(frame) > XLSX_MAX_ROWS:
                raise RcaError("E007", f"{len(frame):,} rows do not fit in an Excel sheet; write .csv or .parquet", file=str(out))
            write_table(frame, out)
            return
        with atomic_path(out) as tmp:
            if kind == "parquet":
                writer, start = None, 0
                typed = _typed_columns(source, pq.read_schema(parts[0]).names) if parts else None
                for p in parts:
                    table = pq.read_table(p)
                    if typed is not None:
                        for name in typed.column_names:
                            table = table.set_column(table.schema.get_field_index(name), name,
                                                     typed.column(name).slice(start, table.num_rows))
                    start += table.num_rows
                    if writer is None:
                        writer = pq.ParquetWriter(tmp, table.schema)
                    writer.write_table(table.cast(writer.schema))
                writer.close()
            else:
                sep = "\t" if out.suffix.lower() == ".tsv" else ","
                with open(tmp, "w", encoding="utf-8", newline="") as fh:
                    for j, p in enumerate(parts):
                        frame = csv_safe_frame(_neutralise(pq.read_table(p).to_pandas()))
                        frame.to_csv(fh, index=False, header=(j == 0), sep=sep, lineterminator="\n")
    except OSError as exc:
        raise RcaError("E007", str(exc), file=str(out)) from exc


SCORE_FIELDS = ("case_id", "text", "received", "complainant_id", "stage", "case_type")  # stage, case_type: see blank_not_coded
_ANY = "_rca_row_has_values"


def _scoring_view(raw: pd.DataFrame, mapping: dict[str, str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """Only the columns scoring reads (plus a marker of rows with any value), so that
    checking a chunk costs little however many label columns the export has."""
    sub = {k: v for k, v in mapping.items() if k in SCORE_FIELDS}
    others = [c for c in raw.columns if c not in sub.values() and c != "source_row"]
    filled = np.zeros(len(raw), bool)
    for c in others:
        filled |= raw[c].astype(str).str.strip().ne("").to_numpy()
    view = raw[[*sub.values(), "source_row"]].copy()
    view[_ANY] = np.where(filled, "x", "")
    return view, sub


def _chunks(path: Path, config: Config, chunksize: int):
    """(raw chunk, canonical chunk) pairs; ids checked for duplicates across chunks."""
    from rca.ingest.io import iter_table
    from rca.ingest.taxonomy import load_taxonomy
    from rca.ingest.validate import ReadState, canonicalise, check_columns

    taxonomy = load_taxonomy(config.taxonomy)
    seen: set[str] = set()
    state = ReadState()  # each column read one way (date order, codes) in every chunk
    mapping = None
    for raw, info in iter_table(path, chunksize=chunksize, encoding=config.encoding, sheet=config.sheet):
        if mapping is None:
            mapping = check_columns(raw, config=config, info=info, require=("text",))
        view, sub = _scoring_view(raw, mapping)
        cases, _, _ = canonicalise(view, config=config, taxonomy=taxonomy, source=str(path), mapping=sub,
                                   on_bad_rows="keep", seen_ids=seen, state=state)
        yield raw, cases.drop(columns=[_ANY])


def score_file(path: str | Path, out: str | Path, *, model_dir: str | Path, config: Config | None = None,
               chunksize: int | None = None, resume: bool = False, progress: bool = True,
               n_jobs: int | None = None, bundle=None) -> ScoreSummary:
    """Score a case export (CSV / XLSX / Parquet) into `out` (format by extension).

    `bundle`: an already loaded model (scored in this process; for tests and the web app).

    Example::

        s = score_file("cases.csv", "scored.parquet", model_dir="models/current", resume=True)
        s.n_rows, s.n_review["root_cause"]
    """
    from tqdm import tqdm

    started = time.perf_counter()
    config = config or Config()
    settings = ScoreSettings.from_config(config)
    if chunksize is not None:
        settings.chunksize = int(chunksize)
    if n_jobs is not None:
        settings.n_jobs = int(n_jobs)
    path, out, model_dir = Path(path), Path(out), Path(model_dir)
    _out_kind(out)
    not_the_input(out, path)
    if not path.exists():
        raise RcaError("E001", file=str(path))
    if bundle is None and not model_dir.is_dir():
        raise RcaError("E301", file=str(model_dir))
    if bundle is None:
        from rca.model.store import read_manifest, resolve

        manifest = read_manifest(resolve(model_dir))
    else:
        manifest = getattr(bundle, "manifest", None) or {}
    config = config.with_column_hints((manifest.get("data") or {}).get("columns"))
    est = _estimate_rows(path)
    work = out.parent / f".{out.name}.rca-work"
    ckpt_path = work / "checkpoint.json"
    finger = _fingerprint(path, model_dir, config, settings)
    done: dict[str, dict] = {}
    if resume and ckpt_path.exists():
        ckpt = json.loads(ckpt_path.read_text("utf-8"))
        if ckpt.get("fingerprint") == finger:
            done = {k: v for k, v in ckpt.get("done", {}).items() if _part_path(work, int(k)).exists()}
            log.info("resuming: %d chunks already scored", len(done))
        else:
            log.warning("the input, model or settings changed since the interrupted run; scoring from the start")
    ckpt = {"fingerprint": finger, "input": str(path), "chunksize": settings.chunksize, "done": done}
    try:  # the work folder sits beside the output: a read-only or missing output folder fails here
        if not done and work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True, exist_ok=True)
        _write_json(ckpt_path, ckpt)
    except OSError as exc:
        raise RcaError("E007", f"cannot make the work folder {work.name} beside the output "
                               f"({exc.strerror or type(exc).__name__})", file=str(out)) from exc

    split = 1  # chunks one at a time; each spread over forked helpers when the model is ours
    if bundle is None:
        from rca.model.store import load_model

        bundle = load_model(model_dir)
        split = settings.n_jobs

    summary = ScoreSummary(out=str(out), n_jobs=split)
    bar = tqdm(total=est, unit="rows", desc="scoring", disable=not progress, file=sys.stderr, smoothing=0.1)
    finder = settings.finder()

    def record(res: dict) -> None:
        done[str(res["chunk"])] = res
        _write_json(ckpt_path, ckpt)
        bar.update(res["rows"])

    n_chunks = 0
    try:
        for i, (raw, cases) in enumerate(_chunks(path, config, settings.chunksize)):
            n_chunks = i + 1
            if str(i) in done:
                finder.add(cases)  # every chunk, scored or resumed, in order: the state stays deterministic
                summary.n_chunks_resumed += 1
                bar.update(len(raw))
                continue
            if i == 0:
                _warn_renamed(raw.columns, bundle, path)
            record(_score_part(i, raw, cases, lambda c=cases: finder.add(c), str(work), settings, bundle, split=split))
    finally:
        bar.close()
    if n_chunks == 0:
        raise RcaError("E003", "no rows to score", file=str(path))
    _concatenate(work, n_chunks, out, source=path)
    shutil.rmtree(work, ignore_errors=True)
    for res in done.values():
        summary.n_rows += res["rows"]
        summary.n_empty_text += res["empty"]
        summary.n_duplicates += res["duplicates"]
        for t, v in res["review"].items():
            summary.n_review[t] = summary.n_review.get(t, 0) + v
    summary.n_chunks = n_chunks
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary
