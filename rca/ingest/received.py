"""When a contact was received: the text an officer or a file gives, as UK clock time.

>>> parse_received("28/03/2024 15:30").isoformat()
'2024-03-28T15:30:00'
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd

from rca.errors import RcaError

UK = ZoneInfo("Europe/London")
_ZONE_WORD = re.compile(r"\s+(GMT|UTC|UT|Z|BST)$", re.IGNORECASE)  # BST: already UK clock time
RECEIVED_HINT = "Give the time it arrived, such as 2024-03-28 15:30 (UK time; 1990 to 2060)."


_QUICK_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d", "%d/%m/%Y %H:%M", "%d/%m/%Y")


def _quick_datetime(text: str, *, dayfirst: bool = True) -> datetime | None:
    """The common received formats without pandas' format guessing (which costs ~1 ms a call)."""
    for fmt in _QUICK_FORMATS if dayfirst else _QUICK_FORMATS[:5] + ("%m/%d/%Y %H:%M", "%m/%d/%Y"):
        try:
            ts = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if not 1990 <= ts.year <= 2060:
            raise RcaError("E103", "outside 1990 to 2060", column="received", value=text, hint=RECEIVED_HINT)
        return ts
    return None


def uk_now() -> datetime:
    """The time now in the UK (the server's clock may be on UTC), to the minute, without a zone."""
    return datetime.now(UK).replace(tzinfo=None, second=0, microsecond=0)


def _uk_local(value: datetime) -> datetime:
    """A time with a zone (14:30Z) as UK clock time (15:30 in summer), without a zone; naive times are UK times."""
    return value.astimezone(UK).replace(tzinfo=None) if value.tzinfo else value


def parse_received(value: str | datetime | pd.Timestamp | None, *, dayfirst: bool = True) -> datetime:
    """A received time from text such as '2024-03-28 15:30' or '28/03/2024 15:30'; now (UK time) when None.

    A time with a zone or offset ('2024-06-28T14:30:00Z') is turned into UK clock
    time, which is what the 3 pm cut-off and the working days are counted in.
    `dayfirst` (the config's, as `rca score` reads dates): 03/04/2024 is 3 April, else 4 March.

    >>> parse_received("03/04/2024 10:00", dayfirst=False).date().isoformat()
    '2024-03-04'
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return uk_now()
    if isinstance(value, datetime):  # pd.Timestamp too
        return _uk_local(value.to_pydatetime() if isinstance(value, pd.Timestamp) else value)
    text = str(value).strip()
    quick = _quick_datetime(text, dayfirst=dayfirst)
    if quick is not None:
        return quick
    zone = _ZONE_WORD.search(text)  # "14:30 GMT" (e-mail and HTTP dates), "14:30 UTC", "14:30 BST"
    if zone:
        text = text[: zone.start()].rstrip() + ("" if zone.group(1).upper() == "BST" else " +00:00")
    try:
        ts = pd.to_datetime(text, dayfirst=dayfirst and not re.match(r"^\d{4}-", text))
    except (ValueError, TypeError, OverflowError) as exc:
        raise RcaError("E103", "not a date and time", column="received", value=text, hint=RECEIVED_HINT) from exc
    if pd.isna(ts):
        raise RcaError("E103", "not a date and time", column="received", value=text, hint=RECEIVED_HINT)
    local = _uk_local(ts.to_pydatetime())
    if not (datetime(1990, 1, 1) <= local <= datetime(2060, 12, 31, 23, 59)):
        raise RcaError("E103", "outside 1990 to 2060", column="received", value=text, hint=RECEIVED_HINT)
    return local
