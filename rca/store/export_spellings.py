"""How an export spells each code the store keeps (its own wording, not rca's), so rca's export can write the
codes back as the council wrote them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from rca.config import Config
from rca.ingest.taxonomy import split_labels
from rca.schema import SOURCE_ROW
from rca.store.import_plan import CODE_FIELDS
from rca.store.import_values import label_value

__all__ = ["export_spellings"]


def export_spellings(
    path: Path, cases: pd.DataFrame, mapping: dict[str, str], *, config: Config, encoding: str | None = None
) -> dict[str, dict[str, str]]:
    """{field: {canonical code: the spelling the export used most}} for the code
    fields, where the two differ; read back from the raw file row by row."""
    from rca.ingest.io import read_table

    fields = [f for f in CODE_FIELDS + tuple(config.multi_label) if f in mapping and f in cases.columns]
    if not fields or SOURCE_ROW not in cases.columns:
        return {}
    raw, _ = read_table(path, sheet=config.sheet, encoding=encoding or config.encoding)
    raw = raw.set_index(SOURCE_ROW)
    rows = cases[SOURCE_ROW].to_numpy()
    out: dict[str, dict[str, str]] = {}
    for f in fields:
        col = mapping[f]
        if col not in raw.columns:
            continue
        counts: dict[tuple[str, str], int] = {}
        for canon, written in zip(cases[f].to_numpy(), raw[col].reindex(rows).to_numpy()):
            canon_parts, written_parts = split_labels(label_value(canon)), split_labels(label_value(written))
            if len(canon_parts) != len(written_parts):
                continue  # merged duplicates: cannot pair the parts
            for c, w in zip(canon_parts, written_parts):
                counts[(c, w)] = counts.get((c, w), 0) + 1  # the code as rca spells it counts too: it can be the export's
        best: dict[str, tuple[int, str]] = {}
        for (c, w), n in sorted(counts.items()):
            if n > best.get(c, (0, ""))[0]:
                best[c] = (n, w)
        respelt = {c: w for c, (_, w) in best.items() if w != c}
        if respelt:
            out[f] = respelt
    return out
