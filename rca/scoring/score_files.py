"""Score a whole file: every case of a CSV / XLSX / Parquet export tagged by `rca.scoring.score`,
written to a file of the same rows in the same order.

Large files stream in chunks; each finished chunk is written to a part file in
a hidden work folder beside the output (`.OUT.rca-work/`) with a JSON
checkpoint, so a killed run resumes (`resume=True`) without losing or repeating
rows; the output appears under its final name only when complete.

Example::

    summary = score_file("cases.csv", "scored.csv", model_dir="models/current")
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
from rca.errors import RcaError
from rca.ingest.io import not_the_input
from rca.ingest.validate import ISSUES
from rca.scoring.duplicates import DUP_COLUMNS
from rca.scoring.score import (
    EMPTY_NOTE,
    MODEL_VERSION,
    SUFFIXES,
    ScoreSettings,
    assemble,
    blank_not_coded,
    input_renames,
    output_columns,
    prediction_columns,
)

log = logging.getLogger(__name__)

XLSX_MAX_ROWS = 1_048_575


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


def _warn_renamed(columns, bundle, path) -> None:
    renames = input_renames(columns, [ISSUES, *output_columns(list(bundle.targets)), MODEL_VERSION, *DUP_COLUMNS])
    if renames:
        log.warning(
            "%s has its own column%s %s, which rca also writes: kept as %s",
            path,
            "s" if len(renames) > 1 else "",
            ", ".join(repr(c) for c in renames),
            ", ".join(repr(n) for n in renames.values()),
        )


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


def _score_part(
    i: int, base: pd.DataFrame, cases: pd.DataFrame, find_duplicates, work: str, settings: ScoreSettings, bundle, split: int = 1
) -> dict:
    """Score one chunk and write it as an atomic part file; returns its counts.

    `find_duplicates()` gives the chunk's duplicate columns; it runs while the predictions are made."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    found: list[pd.DataFrame] = []
    preds = prediction_columns(cases["text"], bundle, settings=settings, split=split, during=lambda: found.append(find_duplicates()))
    preds = blank_not_coded(preds, cases, bundle)
    out = assemble(base, cases, preds, found[0])
    for c in out.columns:  # all export columns as text; nulls stay null
        if out[c].dtype == object:
            out[c] = out[c].where(out[c].isna(), out[c].astype(str))
    table = pa.Table.from_pandas(out, schema=_arrow_schema(out), preserve_index=False)
    path = _part_path(Path(work), i)
    tmp = path.with_suffix(".tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)
    empty = out[ISSUES].str.contains(EMPTY_NOTE, regex=False).to_numpy()
    return {
        "chunk": i,
        "rows": len(out),
        "empty": int(empty.sum()),
        "duplicates": int(out["duplicate"].sum()),
        "review": {t: int(out[f"{t}_review"].sum()) for t in bundle.targets},
    }


def _fingerprint(path: Path, model_dir: Path, config: Config, settings: ScoreSettings) -> str:
    """What a resumed run must share with the interrupted one: input, model files, settings."""
    st = path.stat()
    model_files = []
    if model_dir.is_dir():
        for p in model_dir.rglob("*"):
            rel = p.relative_to(model_dir)
            if p.is_file() and not any(part.startswith(".") for part in rel.parts):  # not work or temp files
                model_files.append((rel.as_posix(), p.stat().st_size, p.stat().st_mtime_ns))
    blob = json.dumps(
        {
            "input": [str(path.resolve()), st.st_size, st.st_mtime_ns],
            "model": sorted(model_files),
            "columns": config.columns,
            "labels": config.labels,
            "settings": asdict(settings),
            "version": __version__,
        },
        sort_keys=True,
        default=str,
    )
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
    names = [
        f.name
        for f in schema
        if f.name in columns
        and f.name not in ours
        and not f.name.endswith(tuple(f"_{x}" for x in SUFFIXES))
        and not (pa.types.is_string(f.type) or pa.types.is_large_string(f.type))
    ]
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
                            table = table.set_column(
                                table.schema.get_field_index(name), name, typed.column(name).slice(start, table.num_rows)
                            )
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
    from rca.ingest.column_map import check_columns
    from rca.ingest.validate import ReadState, canonicalise

    taxonomy = load_taxonomy(config.taxonomy)
    seen: set[str] = set()
    state = ReadState()  # each column read one way (date order, codes) in every chunk
    mapping = None
    for raw, info in iter_table(path, chunksize=chunksize, encoding=config.encoding, sheet=config.sheet):
        if mapping is None:
            mapping = check_columns(raw, config=config, info=info, require=("text",))
        view, sub = _scoring_view(raw, mapping)
        cases, _, _ = canonicalise(
            view, config=config, taxonomy=taxonomy, source=str(path), mapping=sub, on_bad_rows="keep", seen_ids=seen, state=state
        )
        yield raw, cases.drop(columns=[_ANY])


def score_file(
    path: str | Path,
    out: str | Path,
    *,
    model_dir: str | Path,
    config: Config | None = None,
    chunksize: int | None = None,
    resume: bool = False,
    progress: bool = True,
    n_jobs: int | None = None,
    bundle=None,
) -> ScoreSummary:
    """Score a case export (CSV / XLSX / Parquet) into `out` (format by extension).

    `bundle`: an already loaded model (scored in this process; for tests and the web app).

    Example::

        s = score_file("cases.csv", "scored.parquet", model_dir="models/current", resume=True)
        s.n_rows, s.n_review["root_cause"]
    """
    started = time.perf_counter()
    config = config or Config()
    settings = _settings(config, chunksize=chunksize, n_jobs=n_jobs)
    path, out, model_dir = Path(path), Path(out), Path(model_dir)
    _check_paths(path, out, model_dir, has_bundle=bundle is not None)
    config = config.with_column_hints((_manifest(model_dir, bundle).get("data") or {}).get("columns"))
    est = _estimate_rows(path)
    ckpt = _open_work(path, out, model_dir, config, settings, resume=resume)
    split = 1  # chunks one at a time; each spread over forked helpers when the model is ours
    if bundle is None:
        from rca.model.store import load_model

        bundle = load_model(model_dir)
        split = settings.n_jobs
    summary = ScoreSummary(out=str(out), n_jobs=split)
    n_chunks = _score_chunks(path, config, settings, bundle, ckpt, summary, split=split, total=est, progress=progress)
    if n_chunks == 0:
        raise RcaError("E003", "no rows to score", file=str(path))
    _concatenate(ckpt.work, n_chunks, out, source=path)
    shutil.rmtree(ckpt.work, ignore_errors=True)
    _add_counts(summary, ckpt.done)
    summary.n_chunks = n_chunks
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


def _settings(config: Config, *, chunksize: int | None, n_jobs: int | None) -> ScoreSettings:
    """The config's [score] settings, with the command's chunk size and number of processes when given."""
    settings = ScoreSettings.from_config(config)
    if chunksize is not None:
        settings.chunksize = int(chunksize)
    if n_jobs is not None:
        settings.n_jobs = int(n_jobs)
    return settings


def _check_paths(path: Path, out: Path, model_dir: Path, *, has_bundle: bool) -> None:
    """An output rca can write (E002), not the input itself; an input that exists (E001); a model folder (E301)."""
    _out_kind(out)
    not_the_input(out, path)
    if not path.exists():
        raise RcaError("E001", file=str(path))
    if not has_bundle and not model_dir.is_dir():
        raise RcaError("E301", file=str(model_dir))


def _manifest(model_dir: Path, bundle) -> dict:
    """The model's manifest: the loaded bundle's, else read from the model folder."""
    if bundle is not None:
        return getattr(bundle, "manifest", None) or {}
    from rca.model.store import read_manifest, resolve

    return read_manifest(resolve(model_dir))


@dataclass
class _Checkpoint:
    """The work folder beside the output and its checkpoint: the chunks already scored."""

    work: Path
    data: dict  # fingerprint, input, chunksize, done ({chunk: its counts})

    @property
    def done(self) -> dict[str, dict]:
        return self.data["done"]

    def record(self, res: dict) -> None:
        self.done[str(res["chunk"])] = res
        _write_json(self.work / "checkpoint.json", self.data)


def _open_work(path: Path, out: Path, model_dir: Path, config: Config, settings: ScoreSettings, *, resume: bool) -> _Checkpoint:
    """The work folder, made afresh, or (`resume`, the same input, model and settings) with the
    chunks an interrupted run finished; E007 when it cannot be made beside the output."""
    work = out.parent / f".{out.name}.rca-work"
    ckpt_path = work / "checkpoint.json"
    finger = _fingerprint(path, model_dir, config, settings)
    done: dict[str, dict] = {}
    if resume and ckpt_path.exists():
        earlier = json.loads(ckpt_path.read_text("utf-8"))
        if earlier.get("fingerprint") == finger:
            done = {k: v for k, v in earlier.get("done", {}).items() if _part_path(work, int(k)).exists()}
            log.info("resuming: %d chunks already scored", len(done))
        else:
            log.warning("the input, model or settings changed since the interrupted run; scoring from the start")
    ckpt = _Checkpoint(work, {"fingerprint": finger, "input": str(path), "chunksize": settings.chunksize, "done": done})
    try:  # the work folder sits beside the output: a read-only or missing output folder fails here
        if not done and work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True, exist_ok=True)
        _write_json(ckpt_path, ckpt.data)
    except OSError as exc:
        raise RcaError(
            "E007", f"cannot make the work folder {work.name} beside the output ({exc.strerror or type(exc).__name__})", file=str(out)
        ) from exc
    return ckpt


def _score_chunks(
    path: Path,
    config: Config,
    settings: ScoreSettings,
    bundle,
    ckpt: _Checkpoint,
    summary: ScoreSummary,
    *,
    split: int,
    total: int | None,
    progress: bool,
) -> int:
    """Score each chunk not yet done into its part file, in order; the number of chunks."""
    from tqdm import tqdm

    bar = tqdm(total=total, unit="rows", desc="scoring", disable=not progress, file=sys.stderr, smoothing=0.1)
    finder = settings.finder()
    n_chunks = 0
    try:
        for i, (raw, cases) in enumerate(_chunks(path, config, settings.chunksize)):
            n_chunks = i + 1
            if str(i) in ckpt.done:
                finder.add(cases)  # every chunk, scored or resumed, in order: the state stays deterministic
                summary.n_chunks_resumed += 1
                bar.update(len(raw))
                continue
            if i == 0:
                _warn_renamed(raw.columns, bundle, path)
            res = _score_part(i, raw, cases, lambda c=cases: finder.add(c), str(ckpt.work), settings, bundle, split=split)
            ckpt.record(res)
            bar.update(res["rows"])
    finally:
        bar.close()
    return n_chunks


def _add_counts(summary: ScoreSummary, done: dict[str, dict]) -> None:
    """The chunks' rows, empty texts, duplicates and review counts added up."""
    for res in done.values():
        summary.n_rows += res["rows"]
        summary.n_empty_text += res["empty"]
        summary.n_duplicates += res["duplicates"]
        for t, v in res["review"].items():
            summary.n_review[t] = summary.n_review.get(t, 0) + v
