"""Names left in a model's past-cases table (`cases.parquet`, served as similar cases), by how they are
written: Capitalised, UPPER or lower case; and words left right after a name cue.

    .venv/bin/python benchmarks/bench_redact_case.py models/demo/cases.parquet
    .venv/bin/python benchmarks/bench_redact_case.py --demo   # the committed demo's texts, redacted as training does

`--demo` redacts the two demo years (`rca.demo.data.COMMITTED`) with `redact_many`, which is what training
writes to `cases.parquet`'s `text_redacted`, so no model need be trained.

`names_left` counts whole words that are known first names (`rca.text.name_words.FIRST_NAMES`, less the
everyday words `rca.text.redact_case.EVERYDAY_NAMES` such as "jean" or "sandy"), and prints each UPPER / lower
one with its text's case id. A Capitalised one left is mostly a place ("Victoria Street") kept on purpose.
`after_cue` lists each word left right after "Mr"/"Mrs"/"Ms"/"Dr", "called"/"named" or "my son"/"my
daughter"/... that is a first name (also one that is an everyday word: Will, Rose) or no English word.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter

import pandas as pd

from rca.text.name_words import ALL_NAMES, FIRST_NAMES, english_words, spacy_stop_words
from rca.text.redact_case import EVERYDAY_NAMES

_WORD = re.compile(r"\b[^\W\d_]+\b")
_AFTER_CUE = re.compile(
    r"(?i:\b(?:mr|mrs|ms|dr|called|named|my\s+(?:son|daughter|husband|wife|partner|mum|dad|brother|sister|neighbour)))"
    r"\s+([^\W\d_]+)\b"
)


def names_left(texts: pd.Series, ids: pd.Series) -> tuple[Counter, list[tuple[str, str]]]:
    counts: Counter = Counter()
    found = []
    for case_id, text in zip(ids, texts.fillna("").astype(str)):
        for w in _WORD.findall(text):
            if w.capitalize() not in FIRST_NAMES or w.lower() in EVERYDAY_NAMES:
                continue
            style = "upper" if w.isupper() and len(w) > 1 else "lower" if w.islower() else "capitalised"
            counts[style] += 1
            if style != "capitalised":
                found.append((str(case_id), w))
    return counts, found


def after_cue(texts: pd.Series) -> Counter:
    """Words left right after a name cue that are a first name or no English word, with their cue."""
    english, stop = english_words(), spacy_stop_words()
    out: Counter = Counter()
    for text in texts.fillna("").astype(str):
        for m in _AFTER_CUE.finditer(text):
            w = m.group(1)
            low = w.lower()
            if w.capitalize() in ALL_NAMES or (low not in english and low not in stop and len(low) > 2):
                out[m.group(0).lower()] += 1
    return out


def _demo() -> pd.DataFrame:
    from rca.demo.data import COMMITTED, generate_demo
    from rca.text.redact import redact_many

    cases = generate_demo(**COMMITTED).cases
    texts = cases["text"].where(cases["text"].notna(), "").astype(str).tolist()
    return pd.DataFrame({"case_id": cases["case_id"], "text_redacted": redact_many(texts)})


if __name__ == "__main__":
    frame = _demo() if sys.argv[1:] == ["--demo"] else pd.read_parquet(sys.argv[1])
    counts, found = names_left(frame["text_redacted"], frame.get("case_id", pd.Series(range(len(frame)))))
    cued = after_cue(frame["text_redacted"])
    print(
        json.dumps(
            {
                "rows": len(frame),
                "names_left": dict(counts),
                "upper_or_lower": len(found),
                "examples": found[:40],
                "after_cue": sum(cued.values()),
                "after_cue_examples": cued.most_common(40),
            },
            indent=1,
        )
    )
