"""The tables of tagging cases: `[score]` (a file of cases) and `[triage]` (the intake rules)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import StrictBool, StrictInt, StrictStr

from rca.settings.fields import FORBID, Number, key


@dataclass
class ScoreSection:
    """[score]: tagging a file of cases (`rca score`)."""

    __pydantic_config__ = FORBID
    duplicate_window_days: Annotated[StrictInt, key("how far back a case counts as a duplicate", ge=0)] = 30
    duplicate_threshold: Annotated[
        Number,
        key(
            "how alike (share of word shingles in common) a case must be to count as a duplicate",
            must="a share of words in common, from above 0 to 1 (0.7: seven in ten)",
            gt=0,
            le=1,
        ),
    ] = 0.7
    evidence_terms: Annotated[StrictInt, key("words shown per tag", ge=0)] = 5
    chunksize: Annotated[StrictInt, key("rows per chunk (each finished chunk is checkpointed)", ge=1)] = 20_000
    n_jobs: Annotated[StrictInt, key("scoring processes", ge=0)] = 2
    max_text_chars: Annotated[StrictInt, key("text is cut to this many characters before scoring", ge=0)] = 100_000


_TERMS = 'a list of words or phrases, such as ["boiler flue hanging off"]'


@dataclass
class TriageSection:
    """[triage]: a council's own words added to the built-in intake rules, and the learnt flag model (docs/triage.md)."""

    __pydantic_config__ = FORBID
    emergency_terms: Annotated[list[StrictStr] | None, key("words or phrases that raise the emergency-hazard flag", must=_TERMS)] = None
    significant_terms: Annotated[list[StrictStr] | None, key("words or phrases that raise the significant-hazard flag", must=_TERMS)] = None
    safeguarding_terms: Annotated[list[StrictStr] | None, key("words or phrases that raise the safeguarding flag", must=_TERMS)] = None
    learnt_flags: Annotated[StrictBool, key("the learnt flag model raises a flag beside the rules (rules OR model)")] = True
    learnt_precision: Annotated[
        Number,
        key(
            "out-of-fold precision the learnt flag model keeps alone when its thresholds are chosen (python -m rca.demo.flag_model_build)",
            must="a share from above 0 to 1 (0.9: nine raises in ten right)",
            gt=0,
            le=1,
        ),
    ] = 0.9
