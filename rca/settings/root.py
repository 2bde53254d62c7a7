"""`Settings`: the whole of rca.toml, its top-level keys and one field per table."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from rca.settings.model import ModelCardSection, ModelSection, TrackingSection
from rca.settings.reporting import DriftSection, ReportSection, ThemesSection
from rca.settings.scoring import ScoreSection, TriageSection
from rca.settings.serving import ServeSection, StoreSection
from rca.settings.top_level import FileSettings


@dataclass
class Settings(FileSettings):
    """The whole of rca.toml: the top-level keys and every table."""

    model: ModelSection = field(default_factory=ModelSection)
    tracking: TrackingSection = field(default_factory=TrackingSection)
    score: ScoreSection = field(default_factory=ScoreSection)
    serve: ServeSection = field(default_factory=ServeSection)
    store: StoreSection = field(default_factory=StoreSection)
    report: ReportSection = field(default_factory=ReportSection)
    drift: DriftSection = field(default_factory=DriftSection)
    model_card: ModelCardSection = field(default_factory=ModelCardSection)
    triage: TriageSection = field(default_factory=TriageSection)
    themes: ThemesSection = field(default_factory=ThemesSection)


TOP_KEYS = tuple(f.name for f in dataclasses.fields(FileSettings))

SECTIONS = tuple(f.name for f in dataclasses.fields(Settings) if f.name not in TOP_KEYS)  # the tool tables

TABLES = ("calendar", *SECTIONS)
