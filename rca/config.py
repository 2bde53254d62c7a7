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

import copy
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from rca.errors import RcaError
from rca.schema import CANONICAL
from rca.settings import DEFAULT_STAGE_TARGETS, SECTIONS, TOP_KEYS, CalendarSettings, FileSettings, section_settings, validate_settings

__all__ = ["CalendarConfig", "Config", "DEFAULT_STAGE_TARGETS", "SECTIONS", "config_from_dict", "load_config"]

CalendarConfig = CalendarSettings  # [calendar]: keys, defaults and checks in rca.settings
T = TypeVar("T")


@dataclass
class Config(FileSettings):
    """The settings of one rca.toml: its top-level keys (typed, with their defaults, in `rca.settings.FileSettings`),
    its tool tables as written, and what a trained model adds."""

    sections: dict[str, dict[str, Any]] = field(default_factory=dict)  # [model], [score], [serve], [store], [report]...
    source: str | None = None
    # columns a trained model was given (canonical -> source), used where the file has them and
    # neither the config nor a flag says otherwise: `rca score` needs no --text-column again
    column_hints: dict[str, str] = field(default_factory=dict)
    # codes a trained model knows, per field: read as the model spells them, never through a taxonomy alias
    model_codes: dict[str, list[str]] = field(default_factory=dict)

    def with_model_codes(self, codes: dict[str, list[str]] | None) -> "Config":
        new = copy.deepcopy(self)
        new.model_codes = {str(k): [str(c) for c in v] for k, v in (codes or {}).items()}
        return new

    def with_column_hints(self, hints: dict[str, str] | None) -> "Config":
        new = copy.deepcopy(self)
        new.column_hints = {str(k): str(v) for k, v in (hints or {}).items() if v and k not in new.columns}
        return new

    def section(self, name: str) -> dict[str, Any]:
        """A tool table as written, e.g. config.section("model"): only the keys the file sets."""
        return dict(self.sections.get(name, {}))

    def section_as(self, cls: type[T], name: str) -> T:
        """The `[name]` table as `cls` (its `rca.settings` dataclass or a subclass), defaults filled in; E202 naming
        the key, the value and this config's file for a bad one. E.g. ``config.section_as(ScoreSection, "score")``."""
        return section_settings(cls, self.section(name), section=name, source=self.source)

    def with_overrides(self, *, columns: dict[str, str] | None = None, seed: int | None = None) -> "Config":
        new = copy.deepcopy(self)
        if columns:
            new.columns.update({k: v for k, v in columns.items() if v})
        if seed is not None:
            new.seed = seed
        return new


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


def config_from_dict(data: dict[str, Any], *, source: str | None = None) -> Config:
    """A `Config` from a parsed rca.toml: every key checked against `rca.settings.Settings` (E202 naming it),
    canonical column names checked (E202) and each export column mapped once (E109)."""
    typed = validate_settings(data, source=source)
    seen: dict[str, str] = {}
    columns = {}
    for canon, src in typed.columns.items():
        if canon not in CANONICAL:
            raise RcaError(
                "E202",
                f"[columns] names {canon!r}, which is not a canonical field; allowed: {', '.join(CANONICAL)}",
                file=source,
                column=canon,
            )
        if str(src) in seen:
            raise RcaError("E109", f"{src!r} is mapped to both {seen[str(src)]!r} and {canon!r}", file=source, column=str(src))
        seen[str(src)] = canon
        columns[canon] = str(src)
    taxonomy = typed.taxonomy
    if taxonomy and source and not Path(taxonomy).is_absolute():
        taxonomy = str(Path(source).parent / taxonomy)
    calendar = CalendarSettings(
        cutoff=typed.calendar.cutoff, subdivision=typed.calendar.subdivision, extra_closures=typed.calendar.extra_closures
    )
    for route, stages in typed.calendar.targets.items():  # the stages a file gives add to its route's defaults
        calendar.targets.setdefault(route, {}).update(stages)
    top = {k: getattr(typed, k) for k in TOP_KEYS if k not in ("columns", "taxonomy", "calendar")}
    top["labels"] = {k: {str(a): str(b) for a, b in v.items()} for k, v in typed.labels.items()}
    return Config(
        **top,
        columns=columns,
        taxonomy=taxonomy,
        calendar=calendar,
        source=source,
        sections={k: dict(data[k]) for k in SECTIONS if k in data},
    )
