"""Every key of `rca.toml` in one typed schema: its type, default, allowed range and meaning.

Each table is a dataclass (`ModelSection` is ``[model]``, `ScoreSection` ``[score]``...), one module per
part of the work: `top_level` (how the export is read, ``[calendar]``), `model` (training), `scoring`
(tagging and triage), `serving` (the server and the review store), `reporting` (reports, drift, themes);
`root.Settings` is the whole file. pydantic validates a table against its dataclass (`validation`), so a
value of the wrong type or out of range, or a key rca does not know, is E202 naming the table, the key,
the value and the file (`messages`). The objects the rest of rca reads (`rca.config.Config`,
`ModelSettings`, `ScoreSettings`, `ReportSettings`, the drift thresholds, the server's and the store's
settings) are these dataclasses or subclasses of them, so every default is written once, here.
`docs/config.md` is generated from this package: ``python -m rca.settings_doc > docs/config.md``.

>>> from rca.errors import RcaError
>>> section_settings(ScoreSection, {"chunksize": 500}, section="score").chunksize
500
>>> try:
...     section_settings(ScoreSection, {"chunksize": "many"}, section="score", source="rca.toml")
... except RcaError as e:
...     print(e.detail)
[score] chunksize must be a whole number, got 'many'
"""

from __future__ import annotations

from rca.settings.fields import Number, key
from rca.settings.messages import config_error, field_info
from rca.settings.model import (
    Classifier,
    Decision,
    ModelCardSection,
    ModelSection,
    TrackingSection,
)
from rca.settings.reporting import DriftSection, ReportSection, ThemesSection
from rca.settings.root import SECTIONS, TABLES, TOP_KEYS, Settings
from rca.settings.scoring import ScoreSection, TriageSection
from rca.settings.serving import ServeSection, StoreSection
from rca.settings.top_level import (
    DEFAULT_STAGE_TARGETS,
    CalendarSettings,
    Days,
    FileSettings,
)
from rca.settings.validation import defaults, section_settings, validate_settings

__all__ = [
    "CalendarSettings",
    "DriftSection",
    "FileSettings",
    "ModelCardSection",
    "ModelSection",
    "ReportSection",
    "ScoreSection",
    "ServeSection",
    "Settings",
    "StoreSection",
    "ThemesSection",
    "TrackingSection",
    "TriageSection",
    "Classifier",
    "Days",
    "Decision",
    "Number",
    "DEFAULT_STAGE_TARGETS",
    "SECTIONS",
    "TABLES",
    "TOP_KEYS",
    "config_error",
    "defaults",
    "field_info",
    "key",
    "section_settings",
    "validate_settings",
]
