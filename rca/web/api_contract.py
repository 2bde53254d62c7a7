"""What the OpenAPI document promises, kept equal to what the API does.

- `ERRORS`: the error answers every API route can give, for `responses=`.
- `RECEIVED_PATTERN`: the received times the JSON API takes: a date from
  1990-01-01 to 2060-12-31 that exists on the calendar, as ISO (2025-12-03,
  optionally with a time: `T` or a space, hh:mm or hh:mm:ss, optionally `Z`)
  or as UK officers type it, day first with a four-digit year (03/12/2025 or
  3/12/2025 is 3 December, optionally with a space and hh:mm[:ss]). Anything
  else is 400 (E103, `check_received`); every value the document allows is
  accepted, and a day-first one is passed on as ISO whatever the config's `dayfirst`.
- `OFFICER_PATTERN`: officer names the review API takes: letters of one of
  the Latin, Greek, Cyrillic, Armenian, Georgian, Hebrew, Arabic or Chinese
  and Japanese scripts (as NFKC writes them), digits and ``. ' _ @ -``, words
  separated by single spaces, a letter in the first word. Each such name
  passes `rca.store.officer_names.officer_name` unchanged; others are 400 (E506, `check_api_officer`).
The patterns are checked by these functions, not by pydantic, so a refusal is a
coded 400 whose message does not repeat the pattern or the value.

>>> import re
>>> bool(re.fullmatch(RECEIVED_PATTERN, "2024-02-29 15:30")), bool(re.fullmatch(RECEIVED_PATTERN, "2023-02-29"))
(True, False)
>>> check_received("3/12/2025 15:30")
'2025-12-03 15:30'

>>> bool(re.fullmatch(OFFICER_PATTERN, "José Núñez")), bool(re.fullmatch(OFFICER_PATTERN, "\\u0410nn"))
(True, False)
"""

from __future__ import annotations

import unicodedata

_ERROR = {"content": {"application/json": {"schema": {"type": "object", "properties": {"detail": {}}}}}}
ERRORS: dict[int | str, dict] = {
    400: {"description": "Bad input the API could read (coded error E1xx/E5xx, `{detail: {code, message}}`)", **_ERROR},
    401: {"description": "Missing or wrong API token (E402)", **_ERROR},
    413: {"description": "Request body over the size limit (E401)", **_ERROR},
    408: {"description": "Request body did not arrive in time (E509)", **_ERROR},
    422: {"description": "Request does not match this document", **_ERROR},
}
REVIEW_ERRORS: dict[int | str, dict] = {
    **ERRORS,
    404: {"description": "No such review item (E502)", **_ERROR},
    409: {"description": "The case is leased to another officer or already decided (E502)", **_ERROR},
    503: {"description": "The case store is missing (E504/E505) or unreadable (E501)", **_ERROR},
}

_YEAR = r"(?:199[0-9]|20[0-5][0-9]|2060)"  # [0-9], not \d: \d takes every script's digits
_MONTH_DAY = r"(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"
_TIME = r"(?:[T ](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?Z?)?"
_LEAP_YEAR = r"(?:199[26]|20[024][048]|20[135][26]|2060)"
_LEAP_DAY = rf"{_LEAP_YEAR}-02-29"
_ISO = rf"(?:{_YEAR}-{_MONTH_DAY}|{_LEAP_DAY}){_TIME}"
# day first, as UK officers type it: d/m/yyyy or dd/mm/yyyy, a day the month has, then optionally " hh:mm[:ss]"
_DAY_MONTH = (
    r"(?:(?:0?[1-9]|[12][0-9]|3[01])/(?:0?[13578]|1[02])|(?:0?[1-9]|[12][0-9]|30)/(?:0?[469]|11)|"
    r"(?:0?[1-9]|1[0-9]|2[0-8])/0?2)"
)
_UK_TIME = r"(?: (?:[01]?[0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?)?"
_UK = rf"(?:{_DAY_MONTH}/{_YEAR}|29/0?2/{_LEAP_YEAR}){_UK_TIME}"
RECEIVED_PATTERN = rf"^(?:{_ISO}|{_UK})$"

_SCRIPTS = {
    "LATIN": [(0x41, 0x24F), (0x1E00, 0x1EFF)],
    "GREEK": [(0x370, 0x3FF)],
    "CYRILLIC": [(0x400, 0x4FF)],
    "ARMENIAN": [(0x531, 0x587)],
    "GEORGIAN": [(0x10A0, 0x10FF)],
    "HEBREW": [(0x5D0, 0x5EA)],
    "ARABIC": [(0x620, 0x64A)],
    "HAN": [(0x3041, 0x30FF), (0x4E00, 0x9FFF)],
}
_JOINED = {"CJK": "HAN", "HIRAGANA": "HAN", "KATAKANA": "HAN"}


def _letters(script: str) -> str:
    """A regex character class body of the script's letters that NFKC leaves as they are."""
    codes = [
        c
        for lo, hi in _SCRIPTS[script]
        for c in range(lo, hi + 1)
        if unicodedata.category(chr(c))[0] == "L"
        and unicodedata.normalize("NFKC", chr(c)) == chr(c)
        and _JOINED.get(unicodedata.name(chr(c), "?").split(" ")[0], unicodedata.name(chr(c), "?").split(" ")[0]) == script
    ]
    runs, start, last = [], codes[0], codes[0]
    for c in codes[1:]:
        if c == last + 1:
            last = c
            continue
        runs.append((start, last))
        start = last = c
    runs.append((start, last))
    return "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in runs)


def _officer_pattern() -> str:
    other = r"0-9.'_@\-"
    words = []
    for script in _SCRIPTS:
        letters = _letters(script)
        words.append(rf"[{other}]*[{letters}][{letters}{other}]*(?: [{letters}{other}]+)*")
    return "^(?:" + "|".join(words) + ")$"


OFFICER_PATTERN = _officer_pattern()


def check_received(value: str | None) -> str | None:
    """`value` when the JSON API takes it (`RECEIVED_PATTERN`), a day-first date written as ISO; else E103 (400),
    without echoing it."""
    import re

    from rca.errors import RcaError

    if value is None:
        return None
    if not re.fullmatch(RECEIVED_PATTERN.strip("^$"), value):
        raise RcaError(
            "E103",
            "not a date and time as the API takes it: a date from 1990 to 2060 that exists, as ISO "
            "(optionally with hh:mm[:ss] and Z) or day first (03/12/2025, optionally with hh:mm)",
            column="received",
            hint="Send, for example, 2024-03-28 15:30, 28/03/2024 15:30 or 2024-03-28T15:30:00Z (UK time unless Z).",
        )
    uk = re.fullmatch(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})(?: ([0-9]{1,2}):([0-9]{2})(:[0-9]{2})?)?", value)
    if not uk:
        return value
    day, month, year, hour, minute, second = uk.groups()
    when = f" {int(hour):02d}:{minute}{second or ''}" if hour else ""
    return f"{year}-{int(month):02d}-{int(day):02d}{when}"


def check_api_officer(value: str) -> str:
    """`value` when the review API takes it as an officer name (`OFFICER_PATTERN`); else E506 (400)."""
    import re

    from rca.errors import RcaError

    if not re.fullmatch(OFFICER_PATTERN.strip("^$"), value or ""):
        raise RcaError(
            "E506",
            "the officer name is not one the API takes: letters of one script, digits and . ' _ @ -, "
            "words separated by single spaces, a letter in the first word",
            column="officer",
        )
    return value


__all__ = ["ERRORS", "REVIEW_ERRORS", "RECEIVED_PATTERN", "OFFICER_PATTERN", "check_received", "check_api_officer"]
