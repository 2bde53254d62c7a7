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
from rca.settings import ThemesSection


def theme_renames(config: Config | None) -> dict[str, str]:
    """{generated name, lower case: council's name} from `[themes] names`; E202 (from the schema in
    `rca.settings`) when it is not a table of texts or names an unknown setting."""
    config = config or Config()
    names = config.section_as(ThemesSection, "themes").names
    blank = sorted(k for k, v in names.items() if not v.strip())
    if blank:
        raise RcaError("E202", f"[themes] names gives no name for {blank}", file=config.source, column="themes.names")
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
