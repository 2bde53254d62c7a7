"""Which rows of an export the report counts: one record per case and stage.

Exports come one row per case or one row per stage (DOMAIN.md): a case that went to stage 2
can appear twice under one reference, once at each stage. `load_cases` flags every repeat of
a case id (E104); here a repeat at a stage its case has not had yet is that stage's record
(linked to the first row by `parent_case_id`), and only a true repeat, the same case at the
same stage, or a blank row, is left out.

>>> import pandas as pd
>>> df = pd.DataFrame({"case_id": ["A", "B", "A", "A", "C"], "stage": ["1", "1", "2", "2", None],
...                    "rca_issues": ["", "", "E104 repeat", "E104 repeat", "E105 blank row"]})
>>> kept, notes = report_records(df, "x.csv")
>>> kept[["case_id", "stage", "parent_case_id"]].values.tolist()
[['A', '1', None], ['B', '1', None], ['A (stage 2)', '2', 'A']]
>>> notes
['1 row of x.csv repeats a case id at another stage: counted as the record of that stage (one row per stage).', '2 rows of x.csv were left out: 1 blank row, 1 repeating a case at the same stage.']
"""

from __future__ import annotations

import re

import pandas as pd

ISSUES = "rca_issues"
_REPEAT = re.compile(r"\bE104\b")
_BLANK = re.compile(r"\bE105\b")


def _rows(n: int) -> str:
    return f"{n:,} row{'' if n == 1 else 's'}"


def report_records(cases: pd.DataFrame, source: str) -> tuple[pd.DataFrame, list[str]]:
    """(the rows to count, notes saying what was done with the rest), `rca_issues` dropped."""
    if ISSUES not in cases.columns:
        return cases, []
    issues = cases[ISSUES].fillna("").astype(str)
    blank = issues.str.contains(_BLANK).to_numpy()
    repeat = issues.str.contains(_REPEAT).to_numpy() & ~blank
    later = pd.Series(False, index=cases.index)
    cases = cases.copy()
    if repeat.any() and "stage" in cases.columns:
        stage = cases["stage"].astype("string").str.strip()
        ids = cases["case_id"].astype(str)
        seen: set[tuple[str, str]] = set()
        if "parent_case_id" not in cases.columns:
            cases["parent_case_id"] = None
        cases["parent_case_id"] = cases["parent_case_id"].astype(object)
        for pos, (i, cid, st) in enumerate(zip(cases.index, ids, stage)):
            key = (cid, "" if pd.isna(st) else str(st))
            if repeat[pos] and key not in seen and key[1]:
                later[i] = True
                if pd.isna(cases.at[i, "parent_case_id"]) or not str(cases.at[i, "parent_case_id"]).strip():
                    cases.at[i, "parent_case_id"] = cid
                cases.at[i, "case_id"] = f"{cid} (stage {key[1]})"
            seen.add(key)
    drop = blank | (repeat & ~later.to_numpy())
    notes = []
    if later.any():
        notes.append(
            f"{_rows(int(later.sum()))} of {source} {'repeats' if later.sum() == 1 else 'repeat'} a case id at another "
            "stage: counted as the record of that stage (one row per stage)."
        )
    if drop.any():
        parts = [f"{int(blank.sum()):,} blank row{'' if blank.sum() == 1 else 's'}"] if blank.any() else []
        same = int((repeat & ~later.to_numpy()).sum())
        if same:
            parts.append(f"{same:,} repeating a case at the same stage" if "stage" in cases.columns else f"{same:,} repeating a case id")
        notes.append(f"{_rows(int(drop.sum()))} of {source} {'was' if drop.sum() == 1 else 'were'} left out: {', '.join(parts)}.")
    return cases.loc[~drop].drop(columns=[ISSUES]).reset_index(drop=True), notes
