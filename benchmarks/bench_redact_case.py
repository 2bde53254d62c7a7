"""First names left in a model's past-cases table (`cases.parquet`, served as similar cases), by how
they are written: Capitalised, UPPER or lower case. A name left in capitals or lower case is one the
redaction missed; a Capitalised one left is mostly a place ("Victoria Street") kept on purpose.

    .venv/bin/python benchmarks/bench_redact_case.py models/demo/cases.parquet

Counts whole words that are known first names (`rca.text.name_words.FIRST_NAMES`, less the ones that are
everyday words such as "jean" or "sandy"), and prints each UPPER / lower one with its text's case id.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter

import pandas as pd

from rca.text.name_words import FIRST_NAMES
from rca.text.redact_case import _EVERYDAY

_WORD = re.compile(r"\b[^\W\d_]+\b")


def names_left(texts: pd.Series, ids: pd.Series) -> tuple[Counter, list[tuple[str, str]]]:
    counts: Counter = Counter()
    found = []
    for case_id, text in zip(ids, texts.fillna("").astype(str)):
        for w in _WORD.findall(text):
            if w.capitalize() not in FIRST_NAMES or w.lower() in _EVERYDAY:
                continue
            style = "upper" if w.isupper() and len(w) > 1 else "lower" if w.islower() else "capitalised"
            counts[style] += 1
            if style != "capitalised":
                found.append((str(case_id), w))
    return counts, found


if __name__ == "__main__":
    frame = pd.read_parquet(sys.argv[1])
    counts, found = names_left(frame["text_redacted"], frame.get("case_id", pd.Series(range(len(frame)))))
    print(json.dumps({"rows": len(frame), "names_left": dict(counts), "upper_or_lower": len(found), "examples": found[:40]}, indent=1))
