"""How well `rca.text.redact` finds personal data: precision, recall and coverage per type
against hand-labelled spans (`tests/data/redaction_snippets.jsonl`, `benchmarks/bench_redact.py`)."""

from __future__ import annotations

from collections.abc import Iterable

from rca.text.redact import PLACEHOLDERS, find_pii

__all__ = ["evaluate"]


def evaluate(records: Iterable[dict]) -> dict[str, dict[str, float]]:
    """Precision and recall per type against hand-labelled spans.

    `records`: dicts with `text` and `spans` (each `start`, `end`, `type`).
    A found span counts when it overlaps an expected span of the same type.
    `covered` is stricter: the share of expected spans whose every character
    ends up inside some placeholder (of any type), i.e. nothing leaks.

    >>> evaluate([{"text": "ring 020 7946 0958", "spans": [{"start": 5, "end": 18, "type": "PHONE"}]}])["PHONE"]["recall"]
    1.0
    """
    counts: dict[str, dict[str, int]] = {t: dict(tp=0, fp=0, fn=0, n=0, covered=0) for t in PLACEHOLDERS}
    for rec in records:
        found = find_pii(rec["text"])
        gold = [(s["start"], s["end"], s["type"]) for s in rec["spans"]]
        for f in found:
            hit = any(g[2] == f.kind and g[0] < f.end and f.start < g[1] for g in gold)
            counts[f.kind]["tp" if hit else "fp"] += 1
        for start, end, kind in gold:
            c = counts[kind]
            c["n"] += 1
            if any(f.kind == kind and f.start < end and start < f.end for f in found):
                pass
            else:
                c["fn"] += 1
            if all(any(f.start <= i < f.end for f in found) for i in range(start, end)):
                c["covered"] += 1
    out = {}
    for kind, c in counts.items():
        found_n = c["tp"] + c["fp"]
        out[kind] = {
            "n": c["n"],
            "found": found_n,
            "precision": c["tp"] / found_n if found_n else 1.0,
            "recall": (c["n"] - c["fn"]) / c["n"] if c["n"] else 1.0,
            "covered": c["covered"] / c["n"] if c["n"] else 1.0,
        }
    return out
