"""Validating rca.toml, or one of its tables, against the schema; a table's defaults."""

from __future__ import annotations

import dataclasses
import functools
from typing import Any, Mapping, TypeVar

from pydantic import TypeAdapter, ValidationError

from rca.settings.messages import config_error
from rca.settings.root import Settings

T = TypeVar("T")


@functools.lru_cache(maxsize=None)
def _adapter(cls: type) -> TypeAdapter:
    return TypeAdapter(cls)


def validate_settings(data: Mapping[str, Any], *, source: str | None = None) -> Settings:
    """The whole file, validated: E202 naming the first wrong key, its value and the file."""
    try:
        return _adapter(Settings).validate_python(dict(data))
    except ValidationError as exc:
        raise config_error(exc, data, source=source) from None


def section_settings(cls: type[T], table: Mapping[str, Any] | None, *, section: str, source: str | None = None) -> T:
    """One table validated as `cls` (a section dataclass here or a subclass of one), e.g.
    ``section_settings(ScoreSettings, config.section("score"), section="score", source=config.source)``."""
    table = dict(table or {})
    try:
        return _adapter(cls).validate_python(table)
    except ValidationError as exc:
        raise config_error(exc, {section: table}, source=source, prefix=(section,)) from None


def defaults(cls: type) -> dict[str, Any]:
    """{key: default} of a table."""
    return dataclasses.asdict(cls())
