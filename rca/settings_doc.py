"""docs/config.md, written from the settings schema (`rca.settings`): one table per TOML table, a row per key
with its default, what is allowed and what it means, then the notes in `rca/resources/config.md.j2`.

Run ``python -m rca.settings_doc > docs/config.md`` after adding or changing a key; a test fails while the
committed page and the schema differ.

>>> "| `seed` | 42 | whole number | every random choice" in markdown()
True
"""

from __future__ import annotations

import dataclasses
import re
import sys
from importlib.resources import files
from typing import Any

import jinja2
from pydantic import TypeAdapter

from rca.settings import CalendarSettings, FileSettings, Settings, defaults

__all__ = ["markdown"]


def _toml(value: Any) -> str:
    """A default as it would be written in rca.toml."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'`"{value}"`'
    if isinstance(value, (list, tuple)):
        return "`[" + ", ".join(_toml(v).strip("`") for v in value) + "]`"
    if isinstance(value, dict):
        return "`{}`" if not value else "see meaning"
    return str(value)


_TYPES = {"integer": "whole number", "number": "number", "boolean": "true or false", "string": "text"}


def _plural(kind: str) -> str:
    if kind.startswith(("table of", "list of")):
        return kind.replace(" of", "s of", 1)
    return " or ".join(k + "s" for k in kind.split(" or "))


def _kind(schema: dict[str, Any]) -> str:
    """What a JSON-schema property allows, in words."""
    if "enum" in schema:
        return " or ".join(f'`"{v}"`' if isinstance(v, str) else str(v).lower() for v in schema["enum"])
    if "const" in schema:
        return str(schema["const"]).lower()
    if "anyOf" in schema:
        kinds = [s for s in schema["anyOf"] if s.get("type") != "null"]
        if {"integer", "number"} <= {s.get("type") for s in kinds}:  # TOML's 2 and 2.0 are both a number
            kinds = [s for s in kinds if s.get("type") != "integer"]
        return " or ".join(dict.fromkeys(_kind(s) for s in kinds))
    kind = schema.get("type")
    if kind == "array":
        return f"list of {_plural(_kind(schema['items']))}" if schema.get("items") else "list"
    if kind == "object":
        inner = schema.get("additionalProperties")
        return f"table of {_plural(_kind(inner))}" if isinstance(inner, dict) and inner else "table"
    return _TYPES.get(kind, "any")


def _limits(schema: dict[str, Any]) -> str:
    """ " from 1 to 260", " > 0", " > 0 ≤ 1"...: the bounds in a property (or in the member of its union that has them)."""
    for s in [schema, *schema.get("anyOf", [])]:
        lo = next(((s[k], k in ("gt", "exclusiveMinimum")) for k in ("ge", "minimum", "gt", "exclusiveMinimum") if k in s), None)
        hi = next(((s[k], k in ("lt", "exclusiveMaximum")) for k in ("le", "maximum", "lt", "exclusiveMaximum") if k in s), None)
        if lo and hi and not lo[1] and not hi[1]:
            return f" from {lo[0]} to {hi[0]}"
        if lo or hi:
            return " and".join(
                f" {sign} {bound[0]}" for bound, sign in ((lo, ">" if lo and lo[1] else "≥"), (hi, "<" if hi and hi[1] else "≤")) if bound
            )
        if "anyOf" in s and s is not schema:
            nested = _limits(s)
            if nested:
                return nested
    return ""


def _allowed(schema: dict[str, Any]) -> str:
    return _kind(schema) + _limits(schema)


def _rows(cls: type, skip: tuple[str, ...] = ()) -> list[dict[str, str]]:
    props = TypeAdapter(cls).json_schema()["properties"]
    values = defaults(cls)
    return [
        {
            "key": f.name,
            "default": _toml(values[f.name]),
            "allowed": _allowed(props[f.name]),
            "meaning": props[f.name].get("description", ""),
        }
        for f in dataclasses.fields(cls)
        if f.name not in skip
    ]


def _doc(cls: type) -> str:
    """The dataclass's docstring without its "[table]: " lead (the heading says it)."""
    doc = re.sub(r"^\[[a-z_]+\]: ", "", " ".join((cls.__doc__ or "").split()))
    return doc[:1].upper() + doc[1:]


def tables() -> list[dict[str, Any]]:
    """Each TOML table of rca.toml: its title, one-line description and key rows."""
    out = [
        {"title": "Top-level keys", "doc": _doc(FileSettings), "rows": _rows(FileSettings, skip=("calendar",))},
        {"title": "`[calendar]`", "doc": _doc(CalendarSettings), "rows": _rows(CalendarSettings)},
    ]
    top = {f.name for f in dataclasses.fields(FileSettings)}
    for f in dataclasses.fields(Settings):
        if f.name not in top:
            cls = f.default_factory  # each table's dataclass
            out.append({"title": f"`[{f.name}]`", "doc": _doc(cls), "rows": _rows(cls)})
    return out


def markdown() -> str:
    """The text of docs/config.md."""
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False)
    template = env.from_string(files("rca").joinpath("resources/config.md.j2").read_text("utf-8"))
    return template.render(tables=tables())


if __name__ == "__main__":
    sys.stdout.write(markdown())
