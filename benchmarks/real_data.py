"""Loaders for the real, public labelled text sets in ``../shared/data``.

Benchmarks and opt-in tests read the sets from where they lie (they are never
copied into the project) and split them the way issue 7 fixes:

* NHS feedback ``theme`` (17 classes) and CFPB payday-loan ``Issue``:
  stratified 80/20, ``random_state=0``; model choices are tuned on a
  validation split carved from the 80 % (stratified 80/20 of it, seed 1),
  never on the test 20 %.
* BANKING77 ``category``: the published train / test files; validation is
  carved from train the same way.

Each loader returns a :class:`RealSet` (texts and labels for train / test) or
raises :class:`DataMissing` when the file is absent, so callers can skip.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
TEST_SEED = 0
VALID_SEED = 1


class DataMissing(FileNotFoundError):
    """The shared data set is not on this machine (benchmarks skip it)."""


@dataclass
class RealSet:
    """One labelled text set with its fixed evaluation split."""

    name: str
    target: str
    split: str  # how the test rows were chosen, in words
    train_text: list[str]
    train_y: list[str]
    test_text: list[str]
    test_y: list[str]

    def validation(self) -> "RealSet":
        """A tuning split carved from train only (stratified 80/20, seed 1).

        Classes with a single training row cannot be stratified: they stay in
        the tuning-train part."""
        (ctext, cy), (rtext, ry) = split_rare(self.train_text, self.train_y)
        tr, va, ytr, yva = train_test_split(ctext, cy, test_size=0.2, random_state=VALID_SEED, stratify=cy)
        return RealSet(
            self.name,
            self.target,
            "validation carved from train (stratified 80/20, seed 1)",
            list(tr) + rtext,
            list(ytr) + ry,
            list(va),
            list(yva),
        )


def _path(*parts: str, root: Path | None = None) -> Path:
    p = (root or SHARED_DATA).joinpath(*parts)
    if not p.exists():
        raise DataMissing(str(p))
    return p


def split_rare(text: list[str], y: list[str]) -> tuple[tuple[list[str], list[str]], tuple[list[str], list[str]]]:
    """((texts, labels) of classes with >= 2 rows, (texts, labels) of singleton classes)."""
    counts = pd.Series(y).value_counts()
    keep = [counts[label] >= 2 for label in y]
    common = ([t for t, k in zip(text, keep) if k], [lab for lab, k in zip(y, keep) if k])
    rare = ([t for t, k in zip(text, keep) if not k], [lab for lab, k in zip(y, keep) if not k])
    return common, rare


def _stratified(name: str, target: str, text: list[str], y: list[str]) -> RealSet:
    """Stratified 80/20 (seed 0); singleton classes stay in train and the split says how many."""
    (ctext, cy), (rtext, ry) = split_rare(text, y)
    tr, te, ytr, yte = train_test_split(ctext, cy, test_size=0.2, random_state=TEST_SEED, stratify=cy)
    split = "stratified 80/20, seed 0" + (f"; {len(ry)} singleton-class rows kept in train" if ry else "")
    return RealSet(name, target, split, list(tr) + rtext, list(ytr) + ry, list(te), list(yte))


def _clean(df: pd.DataFrame, text: str, target: str) -> pd.DataFrame:
    """Rows with both a non-blank text and a label (the sets have a few blanks)."""
    df = df[[text, target]].dropna()
    df = df[df[text].astype(str).str.strip() != ""]
    return df.astype(str)


def nhs_theme(root: Path | None = None) -> RealSet:
    """NHS patient feedback, ``theme`` (17 classes), stratified 80/20 seed 0."""
    df = _clean(pd.read_csv(_path("nhs-feedback", "nhs_feedback_2009_2019.csv", root=root)), "text", "theme")
    return _stratified("nhs-feedback", "theme", df["text"].tolist(), df["theme"].tolist())


def cfpb_payday_issue(root: Path | None = None) -> RealSet:
    """CFPB payday / title / personal loan narratives, ``Issue`` (24 classes), stratified 80/20 seed 0.

    Issues with fewer than 2 rows cannot be stratified; they stay in train
    (recorded in ``split``) so no labelled row is dropped from the benchmark.
    """
    df = _clean(pd.read_csv(_path("cfpb", "cfpb_2023_payday_loans_export.csv", root=root)), "Consumer complaint narrative", "Issue")
    return _stratified("cfpb-payday", "Issue", df["Consumer complaint narrative"].tolist(), df["Issue"].tolist())


def banking77(root: Path | None = None) -> RealSet:
    """BANKING77 ``category`` (77 intents), the published train / test split."""
    tr = _clean(pd.read_csv(_path("banking77", "train.csv", root=root)), "text", "category")
    te = _clean(pd.read_csv(_path("banking77", "test.csv", root=root)), "text", "category")
    return RealSet(
        "banking77",
        "category",
        "published train/test",
        tr["text"].tolist(),
        tr["category"].tolist(),
        te["text"].tolist(),
        te["category"].tolist(),
    )


LOADERS = {"nhs": nhs_theme, "cfpb": cfpb_payday_issue, "banking77": banking77}


def available(root: Path | None = None) -> dict[str, RealSet]:
    """Every set whose file is present, by short name."""
    out = {}
    for key, fn in LOADERS.items():
        try:
            out[key] = fn(root)
        except DataMissing:
            continue
    return out
