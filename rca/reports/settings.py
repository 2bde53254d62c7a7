"""The [report] table of the config: its keys, defaults and ranges are `rca.settings.ReportSection`.

Example rca.toml::

    [report]
    suppress_below = 5          # members' version: counts 1..4 shown as "<5" (0 = no suppression)
    suppress_officers = false   # also suppress in the officers' version
    n_themes = 10               # themes found in the text
    emerging_min_count = 10     # an emerging term needs this many complaints in the latest period
    emerging_min_ratio = 2.0    # ... and this many times its baseline share
    emerging_alpha = 0.01       # false discovery rate for emerging terms
    emerging_latest = "bin"     # "bin": latest quarter vs earlier ones; "period": period vs comparison period
    watch_min_count = 5         # a watch-list theme needs this many complaints in the latest bin
    quotes = 3                  # redacted quotes per theme (officers' version only)

>>> from rca.config import config_from_dict
>>> ReportSettings.from_config(config_from_dict({"report": {"quotes": 2}})).quotes
2
"""

from __future__ import annotations

from dataclasses import dataclass

from rca.config import Config
from rca.settings import ReportSection

__all__ = ["ReportSettings"]


@dataclass
class ReportSettings(ReportSection):
    """What `rca report` reads from `[report]`, defaults filled in."""

    @classmethod
    def from_config(cls, config: Config | None) -> "ReportSettings":
        """The config's `[report]` table; E202 for an unknown key or a value of the wrong type or out of range."""
        return (config or Config()).section_as(cls, "report")
