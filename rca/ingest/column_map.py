"""Which column of an export holds each canonical field: the config first, then the columns
the model was trained with, canonical names and common export spellings; and the room made
when a mapped column takes the name of another column of the file."""

from __future__ import annotations

import re

import pandas as pd

from rca.config import Config
from rca.errors import RcaError, message
from rca.ingest.io import ReadInfo, free_column_name
from rca.schema import CANONICAL, SOURCE_ROW

# Common export spellings recognised without a config (compared case-insensitively).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "case_id": ("case id", "case reference", "reference", "case ref", "ref", "id", "case number", "complaint reference"),
    "received": ("date received", "received date", "received on", "date logged", "created", "date"),
    "text": ("description", "complaint details", "details", "complaint", "summary", "complaint description", "narrative"),
    "service": ("department", "directorate", "service area"),
    "root_cause": ("root cause", "cause"),
    "escalation_reason": ("escalation reason", "escalation reasons", "reason for escalation"),
    "acceptability": ("accepted", "acceptance", "not accepted reason", "acceptance decision"),
    "responded": ("date responded", "response date", "responded on", "closed date"),
    "due": ("due date", "target date", "date due"),
    "complainant_id": ("complainant", "customer id", "contact id"),
    "parent_case_id": ("parent case", "escalated from", "parent reference"),
}


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


FLAGS = {"text": "--text-column", "case_id": "--id-column", "received": "--received-column"}


def _who_maps(canon: str, src: str, config: Config) -> str:
    """'--text-column names' or 'the config rca.toml maps text to': whichever said so."""
    from_file = None
    if config.source:
        try:
            from rca.config import load_config

            from_file = load_config(config.source).columns.get(canon)
        except RcaError:
            from_file = None
    if canon in FLAGS and from_file != src:
        return f"{FLAGS[canon]} names"
    return f"the config{' ' + config.source if config.source else ''} maps {canon!r} to"


def resolve_mapping(
    columns: list[str], config: Config, *, source: str, required: tuple[str, ...] = ("text",), missing: list[str] | None = None
) -> dict[str, str]:
    """canonical -> source column: config first, then the columns the model was trained with
    (`config.column_hints`, where present), then canonical names, then synonyms.

    A config entry naming an absent column is an error for a required field and a
    note (appended to `missing`) for an optional one.
    """
    present = {c for c in columns if c != SOURCE_ROW}
    by_norm: dict[str, str] = {}
    for c in present:
        by_norm.setdefault(_norm(c), c)
    mapping: dict[str, str] = {}
    for canon, src in config.columns.items():
        if src in present:
            mapping[canon] = src
        elif _norm(src) in by_norm:
            mapping[canon] = by_norm[_norm(src)]
        elif canon in required:
            cols = [c for c in columns if c != SOURCE_ROW]
            raise RcaError(
                "E101",
                f"{_who_maps(canon, src, config)} {src!r}, which is not a column of {source}; its columns are {cols[:30]}",
                file=source,
                column=src,
                hint=f"Name one of those columns with {FLAGS.get(canon, 'the config [columns] table')}.",
            )
        elif missing is not None:
            missing.append(f"{source}: {_who_maps(canon, src, config)} {src!r}, which this file does not have; {canon} is left empty")
    for canon, src in config.column_hints.items():  # what the model was trained with, where this file has it
        found = src if src in present else by_norm.get(_norm(src))
        if canon not in mapping and found is not None and found not in mapping.values():
            mapping[canon] = found
    used = set(mapping.values())
    for canon in CANONICAL:
        if canon in mapping:
            continue
        for cand in (canon, canon.replace("_", " "), *SYNONYMS.get(canon, ())):
            src = by_norm.get(_norm(cand))
            if src is not None and src not in used:
                mapping[canon] = src
                used.add(src)
                break
    return mapping


def column_clashes(columns, mapping: dict[str, str]) -> dict[str, str]:
    """{column of the file: the free name it is kept under} for columns whose name a mapped
    column takes (a column named `text` beside `--text-column Feedback`)."""
    src_of = {v: k for k, v in mapping.items()}
    taken, out = set(columns) | set(src_of.values()), {}
    for c in columns:
        if c in mapping and c not in src_of and c != SOURCE_ROW:
            out[c] = free_column_name(c, taken)
            taken.add(out[c])
    return out


def make_room(raw: pd.DataFrame, mapping: dict[str, str], source: str) -> tuple[pd.DataFrame, list[str]]:
    """The frame with mapped columns under their canonical names; the column the user mapped
    wins, and a column of the file already named so is kept under a free name, with a warning."""
    clashes = column_clashes(list(raw.columns), mapping)
    notes = [
        message(
            "E112",
            f"{mapping[c]!r} is read as {c!r} (the column mapping names it) and the file also has a column "
            f"named {c!r}; that column is kept, as {new!r}",
            file=source,
            column=c,
        )
        for c, new in clashes.items()
    ]
    return raw.rename(columns={v: k for k, v in mapping.items()} | clashes), notes


def check_columns(raw: pd.DataFrame, *, config: Config, info: ReadInfo, require: tuple[str, ...]) -> dict[str, str]:
    mapping = resolve_mapping(list(raw.columns), config, source=info.path, required=tuple(require) + ("text",), missing=info.notes)
    for name in require:
        if name not in mapping:
            cols = [c for c in raw.columns if c != SOURCE_ROW]
            flag = FLAGS.get(name, "the config")
            raise RcaError(
                "E101", f"no column for {name!r}; the file's columns are {cols[:30]}; name it with {flag}", file=info.path, column=name
            )
    return mapping
