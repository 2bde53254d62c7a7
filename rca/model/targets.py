"""Which label columns a training learns, and whether each has enough labels to learn from.

`resolve_targets` names them (those asked for, else the default targets present plus `[model] targets`);
`prepare_targets` reads each one's labels as training will (one spelling per code, multi-label or not) and
refuses a target with too few labels before any fitting starts.
"""

from __future__ import annotations

import logging
import shlex

import numpy as np
import pandas as pd

from rca.config import Config
from rca.errors import RcaError
from rca.ingest.codes import fold_spellings
from rca.ingest.taxonomy import split_labels
from rca.schema import BY_NAME, DEFAULT_TARGETS

log = logging.getLogger(__name__)

_NOT_LABELS = {"source_row", "text", "case_id", "parent_case_id", "complainant_id", "received", "responded", "due"}


def labelled(values: pd.Series) -> pd.Series:
    """True where a cell holds a label (not missing, not blank)."""
    return values.notna() & values.astype(str).str.strip().ne("")


def resolve_targets(cases: pd.DataFrame, targets: list[str] | None, settings) -> list[str]:
    """The targets to train: those named, else the default targets present plus `[model] targets`.

    Messages name the file and its own column names where the frame says them
    (`attrs` set by `rca.ingest.validate.load_cases`)."""
    source = cases.attrs.get("source")
    names = dict(cases.attrs.get("columns") or {})
    if targets:
        named = list(dict.fromkeys(targets))
    else:
        named = [t for t in DEFAULT_TARGETS if t in cases and labelled(cases[t]).any()]
        named += [t for t in settings.targets if t not in named]
    for i, t in enumerate(named):
        if t not in cases:  # --target theme for a column headed "Theme": the one column it can mean
            same = [c for c in cases.columns if c != "source_row" and str(c).strip().casefold() == str(t).strip().casefold()]
            if len(same) == 1:
                named[i] = t = same[0]
        _check_target(cases, t, names, asked=bool(targets), source=source)
    if not named:
        raise RcaError("E111", f"none of the default targets {list(DEFAULT_TARGETS)} has labels; name one with --target", file=source)
    return named


def _check_target(cases: pd.DataFrame, t: str, names: dict, *, asked: bool, source: str | None) -> None:
    """E101 when `t` is not a column, E202 when it is the text, E111 when it has no labels."""
    own = names.get(t, t)  # the column's name in the file
    if t not in cases:
        cols = list(names.values()) if names else [c for c in cases.columns if c != "source_row"]
        said = "--target names" if asked else "the config's [model] targets names"
        where = f"a column of {source}" if source else "a column of the data"
        example = _label_like(cases)
        raise RcaError(
            "E101",
            f"{said} {t!r}, which is not {where}; its columns are {cols[:30]}",
            file=source,
            column=t,
            hint="Name the label column to learn with --target, as the file's header spells it"
            + (f" (e.g. --target {shlex.quote(str(names.get(example, example)))})." if example else "."),
        )
    if t == "text":
        raise RcaError("E202", "the text column cannot also be a target", file=source, column=own)
    if not labelled(cases[t]).any():
        raise RcaError("E111", f"column {own!r} has no labels: it is blank on all {len(cases):,} usable rows", file=source, column=own)


def _label_like(cases: pd.DataFrame) -> str | None:
    """The first column that looks like codes (a few values, each on several rows), for an example.

    >>> _label_like(pd.DataFrame({"ref": ["A1", "A2", "A3", "A4"], "comment": list("wxyz"), "theme": list("ppqq")}))
    'theme'
    """
    for c in cases.columns:
        if c in _NOT_LABELS:
            continue
        values = cases[c].dropna().astype(str).str.strip()
        values = values[values != ""]
        if len(values) >= 2 and 2 <= values.nunique() <= max(2, min(200, len(values) // 2)):
            return str(c)
    return None


def is_multi_label(target: str, values: pd.Series, config: Config, taxonomy) -> bool:
    """Declared multi-label (schema, taxonomy, config) or `;` in at least 5% of labelled cells."""
    field_ = BY_NAME.get(target)
    if (field_ and field_.kind == "multi_label") or taxonomy.is_multi_label(target) or target in config.multi_label:
        return True
    cells = values[labelled(values)].astype(str)
    return bool(len(cells)) and cells.str.contains(";", regex=False).mean() >= 0.05


def check_trainable(target: str, labels: list[str], *, multi: bool, where: str) -> None:
    """E304 unless at least 2 classes (labels) have 2 or more examples."""
    counts: dict[str, int] = {}
    for v in labels:
        for lab in split_labels(v) if multi else [v]:
            counts[lab] = counts.get(lab, 0) + 1
    if multi:  # one label with 2+ cases that have it and 2+ that do not is enough
        ok = any(2 <= k <= len(labels) - 2 for k in counts.values())
    else:
        ok = sum(k >= 2 for k in counts.values()) >= 2
    if not ok:
        raise RcaError(
            "E304", f"{target!r} {where}: {len(labels)} labelled rows, class counts {dict(sorted(counts.items())[:10])}", column=target
        )


def prepare_targets(cases: pd.DataFrame, targets: list[str], has_text: np.ndarray, config: Config, taxonomy) -> dict[str, bool]:
    """Read every target's labels as training will, in place on `cases`; {target: multi-label?}.

    Acceptability learns compliments too (`rca.ingest.contact_kind`); codes that differ only in capital
    letters or spaces are one code, spelt as the file spells it most; a target without 2 learnable
    classes among the rows with text is E304."""
    if "acceptability" in targets:
        from rca.ingest.contact_kind import training_labels

        cases["acceptability"] = training_labels(cases)
    multi = {t: is_multi_label(t, cases[t], config, taxonomy) for t in targets}
    for t in targets:
        # "Noise", "NOISE" and "noise " are one code, not three classes with a third of the examples each
        cases[t], folded = fold_spellings(cases[t], multi=multi[t])
        if folded:
            shown = "; ".join(f"{', '.join(repr(v) for v in variants)} as {read!r}" for variants, read in folded[:5])
            more = f" and {len(folded) - 5} more" if len(folded) > 5 else ""
            log.warning(
                "%s: codes that differ only in capital letters or spaces are read as one, as the file spells them most: %s%s",
                t,
                shown,
                more,
            )
        rows = labelled(cases[t]).to_numpy() & has_text
        check_trainable(t, cases.loc[rows, t].astype(str).tolist(), multi=multi[t], where="in the data")
    return multi
