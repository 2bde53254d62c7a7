"""The [report] table of the config, with defaults and validation.

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
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from rca.config import Config
from rca.errors import RcaError


@dataclass
class ReportSettings:
    suppress_below: int = 5
    suppress_officers: bool = False
    n_themes: int = 10
    emerging_min_count: int = 10
    emerging_min_ratio: float = 2.0
    emerging_alpha: float = 0.01
    emerging_latest: str = "bin"
    watch_min_count: int = 5
    quotes: int = 3

    @classmethod
    def from_config(cls, config: Config | None) -> "ReportSettings":
        table = (config or Config()).section("report")
        out = cls()
        source = getattr(config, "source", None)
        for name, default in asdict(out).items():
            if name not in table:
                continue
            value = table[name]
            if isinstance(default, bool):
                ok = isinstance(value, bool)
            elif isinstance(default, str):
                ok = value in ("bin", "period")
            elif isinstance(default, int):
                ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
            else:
                ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0
            if not ok:
                raise RcaError("E202", f"[report] {name} must be like {default!r}, got {value!r}", file=source, column=name)
            setattr(out, name, type(default)(value))
        if not 0 < out.emerging_alpha < 1:
            raise RcaError("E202", f"[report] emerging_alpha must be between 0 and 1, got {out.emerging_alpha}", file=source, column="emerging_alpha")
        if out.n_themes < 1 or out.emerging_min_count < 1 or out.emerging_min_ratio < 1:
            raise RcaError("E202", "[report] n_themes and emerging_min_count must be >= 1 and emerging_min_ratio >= 1", file=source)
        return out
