"""Redaction remembered for the length of one job, so stages that read the same texts redact each once.

`rca demo` trains on the demo year, scores the same rows and writes a report from them: each stage
redacts every text (`rca.text.redact.redact`). Inside `remembered()` a text redacted once is taken
from memory after that, the same string `redact` gives. Outside it nothing is kept, so a single
command (and a benchmark that times `redact`) pays for every text it reads. Worker processes forked
inside the block start with what this process has remembered.

Example::

    with remembered():
        train_models(cases, ...)   # redacts every text
        score_file(...)            # the same texts: from memory
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["MAX_TEXTS", "active", "remembered"]

MAX_TEXTS = 500_000  # beyond this many texts, new ones are redacted each time (memory stays bounded)

active: dict[str, str] | None = None  # text -> redacted text, while `remembered()` is open


@contextmanager
def remembered() -> Iterator[dict[str, str]]:
    """Remember every text's redaction until the block ends (nested blocks share the outer memory)."""
    global active
    if active is not None:
        yield active
        return
    active = {}
    try:
        yield active
    finally:
        active = None
