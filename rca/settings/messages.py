"""A pydantic validation error as E202 in rca's words: which table and key, what it must be, the value, the file."""

from __future__ import annotations

import dataclasses
import difflib
import typing
from typing import Any, Mapping

from pydantic import ValidationError
from pydantic.fields import FieldInfo

from rca.errors import RcaError
from rca.settings.root import TABLES, Settings


def field_info(loc: tuple) -> tuple[tuple[str, ...], FieldInfo | None]:
    """(the path of settings `loc` names, down to its key, the key's FieldInfo) from the root `Settings`."""
    cls: Any = Settings
    path: list[str] = []
    info = None
    for part in loc:
        if not (isinstance(part, str) and dataclasses.is_dataclass(cls)):
            break
        hints = typing.get_type_hints(cls, include_extras=True)
        if part not in hints:
            break
        path.append(part)
        hint = hints[part]
        meta = getattr(hint, "__metadata__", ())
        info = next((m for m in meta if isinstance(m, FieldInfo)), None)
        cls = typing.get_args(hint)[0] if meta else hint
    return tuple(path), info


def _where(path: tuple[str, ...]) -> str:
    if len(path) > 1 and path[0] in TABLES:
        return f"[{path[0]}] {'.'.join(path[1:])}"
    return ".".join(path)


def _value_at(data: Any, path: tuple) -> Any:
    for part in path:
        if not isinstance(data, Mapping) or part not in data:
            return None
        data = data[part]
    return data


def config_error(exc: ValidationError, data: Mapping[str, Any], *, source: str | None, prefix: tuple = ()) -> RcaError:
    """The first problem pydantic found, as E202 in rca's words: which table and key, what it must be, the value."""
    err = exc.errors()[0]
    loc = prefix + tuple(err["loc"])
    kind = err["type"]
    if kind in ("unexpected_keyword_argument", "extra_forbidden"):
        path, _ = field_info(loc[:-1])
        known = sorted(_known_keys(path))
        unknown = str(loc[-1])
        near = difflib.get_close_matches(unknown, known, n=1)
        table = f"[{'.'.join(path)}] has " if path else ""
        detail = f"{table}unknown setting {unknown!r}" + (f"; did you mean {near[0]!r}?" if near else f"; known: {', '.join(known)}")
        return RcaError("E202", detail, file=source, column=".".join([*path, unknown]))
    path, info = field_info(loc)
    value = _value_at(data, path) if path else err.get("input")
    extra = info.json_schema_extra if info is not None and isinstance(info.json_schema_extra, dict) else {}
    if kind in ("dataclass_type", "dict_type", "model_type") and len(path) == len(loc) and (len(path) == 1 and path[0] in TABLES):
        detail = f"{path[0]} must be a table ([{path[0]}]), got {value!r}"
    elif kind == "value_error":
        detail = f"{_where(path)} {err['ctx']['error']}"
    elif extra.get("must"):
        detail = f"{_where(path)} must be {extra['must']}, got {value!r}"
    else:
        detail = f"{_where(path)} {_must(err)}, got {value!r}"
    return RcaError("E202", detail, file=source, column=".".join(path) or None)


def _known_keys(path: tuple[str, ...]) -> list[str]:
    cls: Any = Settings
    for part in path:
        hint = typing.get_type_hints(cls, include_extras=True)[part]
        cls = typing.get_args(hint)[0] if getattr(hint, "__metadata__", ()) else hint
    return [f.name for f in dataclasses.fields(cls)] if dataclasses.is_dataclass(cls) else []


_PHRASES = {
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "bool_type": "must be true or false (no quotes)",
    "string_type": "must be a quoted text",
    "list_type": "must be a list",
    "dict_type": "must be a table",
}


def _must(err: dict) -> str:
    if err["type"] in _PHRASES:
        return _PHRASES[err["type"]]
    msg = str(err["msg"])
    return "must be " + msg[len("Input should be ") :] if msg.startswith("Input should be ") else msg[:1].lower() + msg[1:]
