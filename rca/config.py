"""One TOML file holds a council's settings: column mapping, label spellings,
calendar, seeds and thresholds. CLI flags override it.

Example (see docs/config.md and examples/icasework.toml)::

    seed = 42
    [columns]            # canonical name = the export's column name
    case_id = "Case Reference"
    text = "Complaint Details"
    [labels.outcome]     # the export's spelling = canonical label
    "Upheld - Full" = "Upheld"
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from rca.errors import RcaError
from rca.schema import CANONICAL

DEFAULT_STAGE_TARGETS = {
    # working days to respond, by route then stage (DOMAIN.md)
    "corporate": {"1": 10, "2": 20},
    "adult_social_care": {"1": 20},
    "childrens_social_care": {"1": 10, "2": 25, "3": 30},
}


@dataclass
class CalendarConfig:
    cutoff: str = "15:00"  # received at or after this time counts as the next working day
    subdivision: str = "ENG"  # holidays.UK subdivision: ENG, WLS, SCT, NIR
    targets: dict[str, dict[str, int]] = field(default_factory=lambda: {k: dict(v) for k, v in DEFAULT_STAGE_TARGETS.items()})
    extra_closures: list[str] = field(default_factory=list)  # e.g. council closure days "2024-12-27"


@dataclass
class Config:
    seed: int = 42
    taxonomy: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # canonical -> source column
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> {source spelling: canonical}
    multi_label: list[str] = field(default_factory=list)  # extra targets with ';'-separated labels
    date_format: str | None = None  # e.g. "%d/%m/%Y %H:%M"; None = detect
    dayfirst: bool = True  # UK exports write 03/04/2024 for 3 April
    encoding: str | None = None  # None = detect
    sheet: str | None = None
    calendar: CalendarConfig = field(default_factory=CalendarConfig)
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)  # [model], [score], [serve], [store], [report]...
    source: str | None = None
    # columns a trained model was given (canonical -> source), used where the file has them and
    # neither the config nor a flag says otherwise: `rca score` needs no --text-column again
    column_hints: dict[str, str] = field(default_factory=dict)
    # codes a trained model knows, per field: read as the model spells them, never through a taxonomy alias
    model_codes: dict[str, list[str]] = field(default_factory=dict)

    def with_model_codes(self, codes: dict[str, list[str]] | None) -> "Config":
        import copy

        new = copy.deepcopy(self)
        new.model_codes = {str(k): [str(c) for c in v] for k, v in (codes or {}).items()}
        return new

    def with_column_hints(self, hints: dict[str, str] | None) -> "Config":
        import copy

        new = copy.deepcopy(self)
        new.column_hints = {str(k): str(v) for k, v in (hints or {}).items() if v and k not in new.columns}
        return new

    def section(self, name: str) -> dict[str, Any]:
        """A tool-specific table, e.g. config.section("model").get("target_precision", 0.9)."""
        return dict(self.sections.get(name, {}))

    def with_overrides(self, *, columns: dict[str, str] | None = None, seed: int | None = None) -> "Config":
        import copy

        new = copy.deepcopy(self)
        if columns:
            new.columns.update({k: v for k, v in columns.items() if v})
        if seed is not None:
            new.seed = seed
        return new


_TOP = {"seed", "taxonomy", "columns", "labels", "multi_label", "date_format", "dayfirst", "encoding", "sheet", "calendar"}


def load_config(path: str | Path | None = None) -> Config:
    """Read rca.toml; defaults when `path` is None."""
    if path is None:
        return Config()
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise RcaError("E201", "file not found", file=str(p), hint="Check the path given with --config.") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RcaError("E201", str(exc), file=str(p)) from exc
    return config_from_dict(data, source=str(p))


def _cutoff(value: Any, source: str | None) -> str:
    """`[calendar] cutoff` as "HH:MM" (24-hour; "15:00:00" is accepted too)."""
    m = re.fullmatch(r"\s*(\d{1,2}):(\d{2})(?::\d{2})?\s*", str(value))
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise RcaError("E202", f"[calendar] cutoff must be a 24-hour time such as \"15:00\", got {value!r}",
                       file=source, column="cutoff")
    return f"{int(m.group(1)):02d}:{m.group(2)}"


def _subdivision(value: Any, source: str | None) -> str:
    """`[calendar] subdivision`: whose bank holidays count (ENG, WLS, SCT or NIR; England, Wales... too)."""
    names = {"ENG": "ENG", "WLS": "WLS", "SCT": "SCT", "NIR": "NIR", "ENGLAND": "ENG", "WALES": "WLS",
             "SCOTLAND": "SCT", "NORTHERN IRELAND": "NIR"}
    code = names.get(" ".join(str(value).split()).upper())
    if code is None:
        raise RcaError("E202", f"[calendar] subdivision must be ENG, WLS, SCT or NIR (whose bank holidays count), "
                               f"got {value!r}", file=source, column="subdivision")
    return code


def _stage_days(route: str, stages: Any, source: str | None) -> dict[str, int]:
    """`[calendar.targets.ROUTE]`: stage = working days, each a whole number from 1 to 260."""
    if not isinstance(stages, dict):
        raise RcaError("E202", f"[calendar.targets.{route}] must be a table of stage = working days, such as 1 = 10",
                       file=source, column=str(route))
    out = {}
    for stage, days in stages.items():
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 260:
            raise RcaError("E202", f"[calendar.targets.{route}] {stage} must be a whole number of working days "
                                   f"from 1 to 260, got {days!r}", file=source, column=str(stage))
        out[str(stage)] = days
    return out


def _closures(value: Any, source: str | None) -> list[str]:
    """`[calendar] extra_closures`: a list of dates such as ["2024-12-27"] when the council is closed."""
    if isinstance(value, str) or not isinstance(value, list):
        raise RcaError("E202", f"[calendar] extra_closures must be a list of dates such as [\"2024-12-27\"], "
                               f"got {value!r}", file=source, column="extra_closures")
    out = []
    for d in value:
        try:
            out.append(date.fromisoformat(str(d)).isoformat())
        except ValueError:
            raise RcaError("E202", f"[calendar] extra_closures holds {d!r}, which is not a date written as "
                                   "2024-12-27", file=source, column="extra_closures") from None
    return out


# the tool tables read elsewhere (config.section): [model], [score], ... (docs/config.md)
SECTIONS = {"model", "tracking", "score", "serve", "store", "report", "drift", "model_card", "triage", "themes"}


def _check_keys(data: dict[str, Any], source: str | None) -> None:
    """E202 for a setting rca does not know (a typo such as [column] was silently ignored) or of the wrong type
    (dayfirst = "false", a string, read as true)."""
    import difflib

    known = sorted(_TOP | SECTIONS)
    for key in data:
        if key not in known:
            near = difflib.get_close_matches(str(key), known, n=1)
            raise RcaError("E202", f"unknown setting {key!r}" + (f"; did you mean {near[0]!r}?" if near else f"; known: {', '.join(known)}"),
                           file=source, column=str(key))
    for key in SECTIONS | {"columns", "labels", "calendar"}:
        if key in data and not isinstance(data[key], dict):
            raise RcaError("E202", f"{key} must be a table ([{key}]), got {data[key]!r}", file=source, column=key)
    if "dayfirst" in data and not isinstance(data["dayfirst"], bool):
        raise RcaError("E202", f"dayfirst must be true or false (no quotes), got {data['dayfirst']!r}", file=source, column="dayfirst")
    for key in ("date_format", "encoding", "sheet", "taxonomy"):
        if key in data and not (isinstance(data[key], str) or (key == "sheet" and isinstance(data[key], int))):
            raise RcaError("E202", f"{key} must be a quoted text, got {data[key]!r}", file=source, column=key)
    if "multi_label" in data and not (isinstance(data["multi_label"], list) and all(isinstance(x, str) for x in data["multi_label"])):
        raise RcaError("E202", f"multi_label must be a list of column names, got {data['multi_label']!r}", file=source, column="multi_label")


def config_from_dict(data: dict[str, Any], *, source: str | None = None) -> Config:
    _check_keys(data, source)
    cfg = Config(source=source)
    if "seed" in data:
        if not isinstance(data["seed"], int):
            raise RcaError("E202", f"seed must be an integer, got {data['seed']!r}", file=source, column="seed")
        cfg.seed = data["seed"]
    cfg.taxonomy = data.get("taxonomy")
    if cfg.taxonomy and source:
        tp = Path(cfg.taxonomy)
        if not tp.is_absolute():
            cfg.taxonomy = str(Path(source).parent / tp)
    columns = data.get("columns", {})
    if not isinstance(columns, dict):
        raise RcaError("E202", "[columns] must be a table of canonical = \"Export column\"", file=source)
    seen: dict[str, str] = {}
    for canon, src in columns.items():
        if canon not in CANONICAL:
            raise RcaError("E202", f"[columns] names {canon!r}, which is not a canonical field; allowed: {', '.join(CANONICAL)}", file=source, column=canon)
        if str(src) in seen:
            raise RcaError("E109", f"{src!r} is mapped to both {seen[str(src)]!r} and {canon!r}", file=source, column=str(src))
        seen[str(src)] = canon
        cfg.columns[canon] = str(src)
    labels = data.get("labels", {})
    cfg.labels = {k: {str(a): str(b) for a, b in v.items()} for k, v in labels.items()}
    cfg.multi_label = list(data.get("multi_label", []))
    cfg.date_format = data.get("date_format")
    cfg.dayfirst = bool(data.get("dayfirst", True))
    cfg.encoding = data.get("encoding")
    cfg.sheet = data.get("sheet")
    cal = data.get("calendar", {})
    cc = CalendarConfig()
    if "cutoff" in cal:
        cc.cutoff = _cutoff(cal["cutoff"], source)
    if "subdivision" in cal:
        cc.subdivision = _subdivision(cal["subdivision"], source)
    targets = cal.get("targets", {})
    if not isinstance(targets, dict):
        raise RcaError("E202", "[calendar.targets] must be tables of stage = working days, such as "
                               "[calendar.targets.corporate] 1 = 10", file=source, column="targets")
    for route, stages in targets.items():
        cc.targets.setdefault(route, {}).update(_stage_days(route, stages, source))
    cc.extra_closures = _closures(cal.get("extra_closures", []), source)
    cfg.calendar = cc
    cfg.sections = {k: v for k, v in data.items() if k not in _TOP and isinstance(v, dict)}
    return cfg
