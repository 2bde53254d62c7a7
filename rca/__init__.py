"""rca: root-cause analysis of council complaints.

Learns a council's own coding of complaint text (root cause, escalation reason,
acceptability, service, any labelled column), tags cases in batch, triages new
cases at intake and writes theme and trend reports.

The verbs a notebook needs are importable from here (docs/python.md); each is
imported on first use, so `import rca` is quick and changes nothing outside rca:

>>> import rca
>>> sorted(rca.__all__)[:3]
['ComplaintClassifier', 'build_report', 'load_cases']
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> the module that defines it (PEP 562: imported when first asked for)
_EXPORTS = {
    "load_cases": "rca.ingest.validate",
    "load_config": "rca.config",
    "ComplaintClassifier": "rca.model.estimator",
    "train": "rca.api",
    "save_model": "rca.api",
    "track_model": "rca.api",
    "load_model": "rca.model.store",
    "write_model_card": "rca.model.card",
    "score_frame": "rca.scoring.score",
    "triage": "rca.scoring.triage",
    "build_report": "rca.reports.build",
    "write_report": "rca.reports.build",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # for editors and type checkers; at run time __getattr__ imports on demand
    from rca.api import save_model, track_model, train
    from rca.config import load_config
    from rca.ingest.validate import load_cases
    from rca.model.card import write_model_card
    from rca.model.estimator import ComplaintClassifier
    from rca.model.store import load_model
    from rca.reports.build import build_report, write_report
    from rca.scoring.score import score_frame
    from rca.scoring.triage import triage


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'rca' has no attribute {name!r}; its public names are {__all__}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
