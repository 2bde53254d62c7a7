"""Columns that belong to a service follow it when an officer corrects the service.

A case's `team` is a team within its service. When the service in force
differs from the one imported, the team is kept if the store has seen it
with the new service; else it becomes the new service's only team when the
store knows exactly one; else it is left blank (for the case system to fill),
never a team of the old service.

>>> import pandas as pd
>>> imported = pd.DataFrame({"service": ["Waste", "Waste", "Parking"], "team": ["Collections", "Collections", "Permits"]})
>>> now = imported.assign(service=["Parking", "Waste", "Parking"])
>>> list(follow_service(now, imported["service"], seen=imported)["team"])
['Permits', 'Collections', 'Permits']
"""

from __future__ import annotations

import pandas as pd

DERIVED_FROM_SERVICE = ("team",)


def follow_service(frame: pd.DataFrame, imported_service: pd.Series, *, seen: pd.DataFrame | None = None) -> pd.DataFrame:
    """`frame` with each column of `DERIVED_FROM_SERVICE` set to fit the service in force on rows whose
    service differs from `imported_service`; `seen` (default `frame` as imported) gives which values go with which service."""
    if "service" not in frame.columns:
        return frame
    now = frame["service"].astype(object)
    before = imported_service.reindex(frame.index).astype(object)
    changed = now.notna() & (now.astype(str) != before.astype(str))
    if not changed.any():
        return frame
    seen = frame if seen is None else seen
    frame = frame.copy()
    for col in DERIVED_FROM_SERVICE:
        if col not in frame.columns or col not in seen.columns:
            continue
        pairs = seen.loc[seen[col].notna() & seen["service"].notna(), ["service", col]].astype(str)
        values = pairs.groupby("service")[col].agg(lambda s: sorted(set(s))).to_dict()
        out = frame[col].astype(object).copy()
        for i in frame.index[changed]:
            known = values.get(str(now[i]), [])
            current = out[i]
            if current is not None and not pd.isna(current) and str(current) in known:
                continue
            out[i] = known[0] if len(known) == 1 else None
        frame[col] = out
    return frame


__all__ = ["follow_service", "DERIVED_FROM_SERVICE"]
