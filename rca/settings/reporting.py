"""The tables of what the team reads: `[report]`, `[drift]` and `[themes]`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import StrictBool, StrictInt, StrictStr

from rca.settings.fields import FORBID, Number, key


@dataclass
class ReportSection:
    """[report]: what `rca report` shows: small-number suppression, themes, emerging terms."""

    __pydantic_config__ = FORBID
    suppress_below: Annotated[StrictInt, key('members\' version: counts 1 to this minus 1 shown as "<5" (0: none)', ge=0)] = 5
    suppress_officers: Annotated[StrictBool, key("suppress small numbers in the officers' version too")] = False
    n_themes: Annotated[StrictInt, key("themes found in the text", ge=1)] = 10
    emerging_min_count: Annotated[StrictInt, key("an emerging term needs this many complaints in the latest period", ge=1)] = 10
    emerging_min_ratio: Annotated[Number, key("... and this many times its baseline share", ge=1)] = 2.0
    emerging_alpha: Annotated[Number, key("... and to pass a one-sided Fisher test at this false discovery rate", gt=0, lt=1)] = 0.01
    emerging_latest: Annotated[
        Literal["bin", "period"], key("`bin`: latest quarter vs earlier ones; `period`: period vs comparison period")
    ] = "bin"
    watch_min_count: Annotated[StrictInt, key("a watch-list theme needs this many complaints in the latest bin", ge=0)] = 5
    quotes: Annotated[StrictInt, key("redacted quotes per theme (officers' version only)", ge=0)] = 3


@dataclass
class DriftSection:
    """[drift]: `rca drift` warns / alerts when the excess over chance passes these."""

    __pydantic_config__ = FORBID
    words_js_warn: Annotated[Number, key("word-mix divergence (Jensen-Shannon) that warns", ge=0)] = 0.02
    words_js_alert: Annotated[Number, key("word-mix divergence that alerts", ge=0)] = 0.05
    new_words_warn: Annotated[Number, key("share of words the model never saw that warns", ge=0)] = 0.02
    new_words_alert: Annotated[Number, key("share of new words that alerts", ge=0)] = 0.05
    psi_warn: Annotated[Number, key("population stability index of predicted codes that warns", ge=0)] = 0.10
    psi_alert: Annotated[Number, key("PSI that alerts (0.1 / 0.25: the usual credit-risk bands)", ge=0)] = 0.25
    coverage_drop_warn: Annotated[Number, key("fall in the share tagged without review that warns", ge=0)] = 0.05
    coverage_drop_alert: Annotated[Number, key("fall in coverage that alerts", ge=0)] = 0.10
    min_rows: Annotated[Number, key("fewest new cases compared", ge=0)] = 30


@dataclass
class ThemesSection:
    """[themes]: names for the themes found in the text."""

    __pydantic_config__ = FORBID
    names: Annotated[
        dict[str, StrictStr],
        key(
            "your own names for themes found in the text, as found name = your name (any case), e.g. "
            '`names = { "Parking and ticket" = "Parking enforcement" }`; used by `rca report` and `rca themes`, so a '
            "theme keeps its name across years (docs/themes.md)",
            must='a table of "found name" = "your name" (both quoted)',
        ),
    ] = field(default_factory=dict)
