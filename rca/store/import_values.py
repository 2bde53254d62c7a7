"""One cell of an export as the store keeps it: JSON-safe, a code, a number or a flag; blank is None.

>>> label_value("  Delay in doing something "), float_value("0.83"), flag_value("Yes"), json_value(float("nan"))
('Delay in doing something', 0.83, True, None)
>>> same_codes("Staff conduct; Delay", "Delay;Staff conduct")
True
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from rca.ingest.taxonomy import split_labels

__all__ = ["flag_value", "float_value", "json_value", "label_value", "same_codes", "spaced_words"]

_TRUE = {"true", "1", "yes", "y", "t"}


def json_value(value: Any) -> Any:
    """A JSON-safe Python value (None for NaN/NaT/blank)."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, (pd.Timestamp, datetime)):
        return pd.Timestamp(value).isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str) and not value.strip():
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def label_value(value: Any) -> str | None:
    v = json_value(value)
    return None if v is None else str(v).strip() or None


def float_value(value: Any) -> float | None:
    v = json_value(value)
    try:
        f = float(v) if v is not None else None
    except (TypeError, ValueError):
        return None
    return None if f is None or math.isnan(f) else f


def flag_value(value: Any) -> bool:
    v = json_value(value)
    if isinstance(v, bool):
        return v
    return v is not None and str(v).strip().lower() in _TRUE


def spaced_words(text: Any) -> str:
    return " ".join(str(text or "").split())


def same_codes(a: str | None, b: str | None) -> bool:
    return set(split_labels(a)) == set(split_labels(b))
