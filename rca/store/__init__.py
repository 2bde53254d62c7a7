"""The case store: cases as loaded, every model suggestion, and every officer
decision, in SQLite (default) or PostgreSQL, with a review queue on top.

Example::

    from rca.store import open_store, import_export, next_item, decide, current_codes
    store = open_store("sqlite:///reviews.db")
    import_export(store, "scored.csv")
    item = next_item(store, officer="a.khan"); decide(store, item.item_id, officer="a.khan", action="accepted")
"""

from __future__ import annotations

from rca.store.db import Store, open_store, resolve_url
from rca.store.decisions import decide, record_decision
from rca.store.export import export_cases, export_frame
from rca.store.importer import ImportResult, import_export, import_frame
from rca.store.queue import QueueItem, next_item, queue_frame, queue_summary, release
from rca.store.training_data import cases_for_training
from rca.store.trail import current_codes, decisions_frame

__all__ = [
    "Store",
    "open_store",
    "resolve_url",
    "import_export",
    "import_frame",
    "ImportResult",
    "next_item",
    "release",
    "queue_frame",
    "queue_summary",
    "QueueItem",
    "decide",
    "record_decision",
    "decisions_frame",
    "current_codes",
    "cases_for_training",
    "export_cases",
    "export_frame",
]
