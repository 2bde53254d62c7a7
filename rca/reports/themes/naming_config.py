"""A council's own names for found themes: `[themes] names` in rca.toml.

A theme found in the text is renamed when its generated name (any case) is a
key of the table, so a council names a theme once and keeps that name in later
years' reports and `rca themes` runs::

    [themes]
    names = { "Parking and ticket" = "Parking enforcement", "Bin" = "Missed bin collections" }

>>> apply_renames(pd.DataFrame({"theme": ["Bin"]}), pd.DataFrame({"theme": ["Bin"]}), np.array(["Bin"]), {"bin": "Missed bins"})[0]["theme"].tolist()
['Missed bins']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rca.config import Config
from rca.errors import RcaError


def theme_renames(config: Config | None) -> dict[str, str]:
    """{generated name, lower case: council's name} from `[themes] names`; E202 when it is not a table of texts."""
    table = (config or Config()).section("themes")
    source = getattr(config, "source", None)
    unknown = set(table) - {"names"}
    if unknown:
        raise RcaError("E202", f"[themes] has unknown setting(s) {sorted(unknown)}; known: names", file=source, column="themes")
    names = table.get("names", {})
    if not isinstance(names, dict) or not all(isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in names.items()):
        raise RcaError(
            "E202",
            f'[themes] names must be a table of "found name" = "your name" (both quoted), got {names!r}',
            file=source,
            column="themes.names",
        )
    return {k.strip().lower(): v.strip() for k, v in names.items()}


def apply_renames(themes: pd.DataFrame, quotes: pd.DataFrame, labels: np.ndarray, renames: dict[str, str] | None):
    """(themes, quotes, labels) with every found name in `renames` (keys lower case) replaced."""
    if not renames:
        return themes, quotes, labels
    lower = {k.lower(): v for k, v in renames.items()}

    def one(name):
        return lower.get(str(name).lower(), name)

    themes = themes.assign(theme=themes["theme"].map(one))
    quotes = quotes.assign(theme=quotes["theme"].map(one))
    labels = np.array([one(x) for x in labels], dtype=object)
    return themes, quotes, labels
