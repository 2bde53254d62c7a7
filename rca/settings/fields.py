"""The building blocks of the settings tables: a key's description and limits, and the checks with their own wording.

>>> cutoff_time("9:30")
'09:30'
>>> subdivision_code("wales")
'WLS'
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from pydantic import ConfigDict, Field, StrictFloat, StrictInt

__all__ = ["FORBID", "Number", "closure_dates", "cutoff_time", "key", "ngram_range", "subdivision_code"]

FORBID = ConfigDict(extra="forbid")  # a key rca does not know is an error, never silently ignored
Number = StrictInt | StrictFloat  # TOML's 2 and 2.0 both; never true/false or "2"


def key(description: str, *, must: str | None = None, **limits: Any) -> Any:
    """A key's one-line meaning, its limits (ge, gt, le, lt) and, optionally, how an error says what it must be."""
    return Field(description=description, json_schema_extra={"must": must} if must else None, **limits)


def cutoff_time(value: Any) -> str:
    """A 24-hour time as "HH:MM"."""
    m = re.fullmatch(r"\s*(\d{1,2}):(\d{2})(?::\d{2})?\s*", str(value))
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise ValueError(f'must be a 24-hour time such as "15:00", got {value!r}')
    return f"{int(m.group(1)):02d}:{m.group(2)}"


_NATIONS = {
    "ENG": "ENG",
    "WLS": "WLS",
    "SCT": "SCT",
    "NIR": "NIR",
    "ENGLAND": "ENG",
    "WALES": "WLS",
    "SCOTLAND": "SCT",
    "NORTHERN IRELAND": "NIR",
}


def subdivision_code(value: Any) -> str:
    """The `holidays` package's code of a nation of the UK, from its code or its name."""
    code = _NATIONS.get(" ".join(str(value).split()).upper())
    if code is None:
        raise ValueError(f"must be ENG, WLS, SCT or NIR (whose bank holidays count), got {value!r}")
    return code


def closure_dates(value: Any) -> list[str]:
    """A list of dates as ISO text."""
    if isinstance(value, str) or not isinstance(value, list):
        raise ValueError(f'must be a list of dates such as ["2024-12-27"], got {value!r}')
    out = []
    for d in value:
        try:
            out.append(date.fromisoformat(str(d)).isoformat())
        except ValueError:
            raise ValueError(f"holds {d!r}, which is not a date written as 2024-12-27") from None
    return out


def ngram_range(value: Any) -> Any:
    """[low, high] with 1 <= low <= high, or [] / None for off."""
    if value is None or value == []:
        return value
    if (
        not isinstance(value, (list, tuple))
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        or not 1 <= value[0] <= value[1]
    ):
        raise ValueError(f"must be [low, high] with 1 <= low <= high, or [] for off, got {value!r}")
    return list(value)
