"""Themes in a report: the known ones (taxonomy labels, recorded or predicted) and
those found in the text without labels (`rca.reports.themes.ThemeFinder`: subject
groups named as noun phrases, with short redacted quotes), with the council's
own names from `[themes] names` applied. Output frames are tidy; rendering is
elsewhere. The text helpers below are shared with `emerging`.

Example::

    themes, quotes, labels = text_themes(cases, n_themes=10, seed=42)
    themes[["theme", "size", "share_pct", "terms"]]
"""

from __future__ import annotations

import logging
import re
from collections import Counter

import numpy as np
import pandas as pd

from rca.text.redact import redact
from rca.reports.themes import NO_TEXT, NoThemes, ThemeFinder
from rca.reports.themes.naming_config import apply_renames
from rca.reports.tables.common import NOT_RECORDED, pct, sort_counts

log = logging.getLogger(__name__)

__all__ = ["NoThemes", "ThemeFinder", "UNASSIGNED", "known_themes", "proper_nouns", "text_themes"]

UNASSIGNED = "Unassigned"
PLACEHOLDER = re.compile(r"\[[A-Z]+\]")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")
# Words every complaint uses: they name no theme.
DOMAIN_STOP = {
    "council",
    "complaint",
    "complaints",
    "complain",
    "complaining",
    "complained",
    "please",
    "thank",
    "thanks",
    "dear",
    "sir",
    "madam",
    "regards",
    "would",
    "could",
    "also",
    "still",
    "like",
    "just",
    "get",
    "got",
    "one",
    "now",
    "since",
    "back",
    "told",
    "asked",
    "said",
    "really",
    "even",
    "yet",
    "want",
    "wanted",
    "need",
    "needs",
    "know",
    "make",
    "made",
    "time",
    "times",
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "today",
    "yesterday",
    "last",
    "going",
    "go",
    "went",
    "come",
    "came",
    "take",
    "taken",
    "put",
    "way",
    "well",
    "much",
    "many",
    "lot",
    "able",
    "let",
    "say",
    "says",
    "tell",
    "sure",
    "ve",
    "ll",
    "don",
    "didn",
    "doesn",
    "isn",
    "wasn",
    "can",
    "cannot",
    "im",
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "mx",
    "name",
    "email",
    "phone",
    "postcode",
    "address",
    "nino",
    "dob",
    "account",
    "sortcode",
    "thing",
    "things",
    "nothing",
    "anything",
    "something",
    "everything",
    "good",
    "ok",
    "okay",
    "yes",
}


def quote(text: str, limit: int = 240) -> str:
    """A redacted, shortened quote that ends on a word boundary."""
    q = " ".join(redact(str(text)).split())
    if len(q) <= limit:
        return q
    cut = q[:limit].rsplit(" ", 1)[0].rstrip(",;:-")
    return cut + " …"


def proper_nouns(texts: list[str], *, min_count: int = 1, share: float = 0.7) -> set[str]:
    """Lower-cased words that are mostly written with a capital mid-sentence (names, places):
    kept out of theme names so that no personal name can become one."""
    cap, total = Counter(), Counter()
    for t in texts:
        for m in _WORD.finditer(t):
            w = m.group(0)
            lw = w.lower()
            total[lw] += 1
            before = t[max(0, m.start() - 6) : m.start()].rstrip()
            start_of_sentence = not before or before[-1] in '.!?\n:"“(['
            if w[0].isupper() and not start_of_sentence and not (w.isupper() and len(w) <= 5):
                cap[lw] += 1
    return {w for w, n in cap.items() if n >= min_count and n / total[w] >= share}


_JOINERS = {"and", "of", "to", "in", "on", "for", "the", "with", "from"}
_TOKEN = re.compile(r"[a-z][a-z']*[a-z]|[a-z]{2,}")


class Analyzer:
    """Words and phrases that read naturally: unigrams and bigrams of content words, and
    trigrams joined by a small word ("damp and mould", "lack of communication").
    Phrases never bridge a removed stop word, so "bin was not collected" gives no "bin collected"."""

    def __init__(self, stop: set[str]) -> None:
        self.stop = stop

    def __call__(self, doc: str) -> list[str]:
        toks = [t.replace("'", "") for t in _TOKEN.findall(doc)]
        stop = self.stop
        ok = [t not in stop and len(t) > 1 for t in toks]
        out = [t for t, k in zip(toks, ok) if k]
        for i in range(len(toks) - 1):
            if ok[i] and ok[i + 1]:
                out.append(f"{toks[i]} {toks[i + 1]}")
            if i + 2 < len(toks) and ok[i] and ok[i + 2] and toks[i + 1] in _JOINERS:
                out.append(f"{toks[i]} {toks[i + 1]} {toks[i + 2]}")
        return out


def prepare_texts(texts) -> tuple[list[str], list[str]]:
    """(redacted text for quotes, lower-cased text with placeholders removed for the model)."""
    red = [redact(str(t)) if isinstance(t, str) else "" for t in texts]
    model = [PLACEHOLDER.sub(" ", r).lower() for r in red]
    return red, model


def text_themes(
    cases: pd.DataFrame,
    *,
    text_col: str = "text",
    n_themes: int = 10,
    seed: int = 42,
    min_df: int = 3,
    n_quotes: int = 3,
    quote_mask=None,
    redacted: pd.Series | None = None,
    names: set[str] | None = None,
    renames: dict[str, str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Find themes in the text of `cases` without labels (`redacted`: the redacted texts, index aligned;
    `renames`: the council's own names for found themes, `[themes] names` in the config).

    Returns (themes, quotes, labels): `themes` one row per theme (theme_id, theme, terms, size, share_pct,
    top_service, top_root_cause), `quotes` long (theme_id, theme, rank, case_id, quote — redacted),
    `labels` the theme of each case (index aligned with `cases`; "Unassigned" for a case with no text).
    """
    texts = cases[text_col].fillna("").astype(str)
    red = None if redacted is None else redacted.fillna("").astype(str).tolist()
    tf = ThemeFinder(n_themes=n_themes, random_state=seed, min_df=min_df, n_quotes=n_quotes).fit(
        texts.tolist(), redacted=red, names=names, quote_mask=quote_mask
    )
    themes, quotes, lab = apply_renames(tf.themes_, tf.quotes_, tf.labels_, renames)
    labels = pd.Series(np.where(lab == NO_TEXT, UNASSIGNED, lab), index=cases.index, dtype=object)
    themes = themes[["theme_id", "theme", "terms", "size", "share_pct"]].copy()
    for col, out in (("service", "top_service"), ("root_cause", "top_root_cause")):
        if col in cases:
            tops = []
            for name in themes["theme"]:
                vals = cases.loc[labels.eq(name).to_numpy(), col]
                vc = vals.dropna().value_counts()
                tops.append(f"{vc.index[0]} ({pct(int(vc.iloc[0]), len(vals)):.0f}%)" if len(vc) else NOT_RECORDED)
            themes[out] = tops
    quotes = quotes.copy()
    ids = cases["case_id"].astype(str).to_numpy() if "case_id" in cases else cases.index.astype(str).to_numpy()
    quotes.insert(3, "case_id", [ids[i] for i in quotes["row"]])
    quotes = quotes.drop(columns=["row"])
    return themes, quotes, labels


def known_themes(cases: pd.DataFrame, *, label_col: str = "root_cause", source: str = "recorded") -> pd.DataFrame:
    """Tidy counts of a taxonomy field's labels: theme, source, size, share_pct."""
    if label_col not in cases:
        return pd.DataFrame(columns=["theme", "source", "size", "share_pct"])
    vals = cases[label_col].astype(object).where(cases[label_col].notna(), NOT_RECORDED)
    counts = sort_counts(vals.value_counts())
    return pd.DataFrame(
        {"theme": counts.index, "source": source, "size": counts.to_numpy(), "share_pct": pct(counts.to_numpy(), len(cases))}
    )
