"""Which review item a person should see first.

`order="confidence"`: lowest model confidence first. `order="useful"` (the
default): suggestions that disagree with the code the case was recorded with
come first, the most confident disagreements leading (these are the likeliest
miscodings, the same signal cleanlab-style label-issue ranking uses); then the
rest by lowest confidence (the least-confident uncertainty of
`rca.governance.active_learning.uncertainty`: a scored export carries only the top
probability, so the margin and diversity measures cannot be used here).

Priorities are floats, lower = sooner; they are fixed when an item is queued.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)

ORDERS = ("useful", "confidence")
REASON_LOW = "low confidence"
REASON_DISAGREE = "disagrees with the recorded code"


@dataclass(frozen=True)
class RankInput:
    case_pk: int
    target: str
    suggestion_id: int | None
    label: str | None
    confidence: float | None
    original: str | None
    needs_review: bool


def _disagrees(item: RankInput) -> bool:
    from rca.ingest.taxonomy import split_labels

    return item.original is not None and item.label is not None and set(split_labels(item.original)) != set(split_labels(item.label))


def rank_priorities(items: list[RankInput], *, order: str = "useful") -> tuple[list[float], list[str]]:
    """(priority, reason) for each item; lower priority is reviewed sooner.

    >>> p, r = rank_priorities([RankInput(1, "root_cause", 1, "A", 0.4, None, True),
    ...                         RankInput(2, "root_cause", 2, "B", 0.9, "C", False)])
    >>> p[1] < p[0], r[1]
    (True, 'disagrees with the recorded code')
    """
    if order not in ORDERS:
        from rca.errors import RcaError

        raise RcaError("E202", f"[store] queue_order must be one of {ORDERS}, got {order!r}", column="queue_order", value=order)
    priorities: list[float] = []
    reasons: list[str] = []
    for it in items:
        conf = 0.5 if it.confidence is None else min(max(float(it.confidence), 0.0), 1.0)
        disagree = _disagrees(it)
        reasons.append(REASON_DISAGREE if disagree else REASON_LOW)
        if order == "useful" and disagree:
            priorities.append(-1.0 - conf)  # in [-2, -1]: ahead of every agreement, confident disagreements first
        else:
            priorities.append(conf)  # in [0, 1]
    return priorities, reasons


__all__ = ["RankInput", "rank_priorities", "ORDERS"]
