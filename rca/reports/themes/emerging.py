"""Newly emerging themes: words and phrases whose share of complaints rose beyond
chance in the latest period against a baseline, grouped into clusters.

Top-word lists show what is common, not what is new. Here every word or phrase
(the same analyser as the theme finder, on redacted text, names left out) is
tested: the number of complaints using it in the latest period against the
baseline, with a one-sided Fisher's exact test on the 2 × 2 table (uses / does not
× latest / baseline), Benjamini–Hochberg corrected over every term tested. A term
emerges only when, in addition, it is in at least `min_count` latest complaints and
its share at least `min_ratio` times its baseline share. Emerging terms that occur
in the same complaints
(shared complaints over the smaller set >= `link`) are joined into one cluster,
named by its strongest phrases. Where each complaint's team (or service) is known,
clusters whose latest complaints are mostly one team's (`CONTEXT_SHARE`) are one
theme: a new problem is told in phrasings that never share a complaint.

Example::

    em = find_emerging(texts, latest=mask_q4, baseline=mask_earlier, min_count=10)
    em.clusters    # cluster, name, terms, latest_count, latest_share_pct, baseline_count, baseline_share_pct, ratio, q_value
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse, stats

from rca.reports.tables.common import pct
from rca.reports.themes.section import PLACEHOLDER, DOMAIN_STOP, Analyzer, quote, prepare_texts, proper_nouns
from rca.reports.themes.trends import bh

TEST = (
    "one-sided Fisher's exact test of the share of complaints using each word or phrase in the latest period against "
    "the baseline, Benjamini–Hochberg corrected over every term tested (false discovery rate {alpha:g}); a term must also "
    "appear in at least {min_count} complaints in the latest period and at least {min_ratio:g} times as often as in the baseline"
)
CLUSTER_COLUMNS = [
    "cluster",
    "name",
    "context",
    "terms",
    "latest_count",
    "latest_share_pct",
    "baseline_count",
    "baseline_share_pct",
    "ratio",
    "p_value",
    "q_value",
]
TERM_COLUMNS = [
    "term",
    "cluster",
    "latest_count",
    "latest_share_pct",
    "baseline_count",
    "baseline_share_pct",
    "ratio",
    "p_value",
    "q_value",
]


@dataclass
class Emerging:
    """Result of `find_emerging`: tidy frames (empty when nothing emerged)."""

    clusters: pd.DataFrame
    terms: pd.DataFrame
    quotes: pd.DataFrame  # cluster, name, rank, row (position in the input), quote (redacted)
    labels: np.ndarray  # per input text: cluster name or "" (texts in no emerging cluster)
    n_latest: int
    n_baseline: int
    n_tested: int
    settings: dict = field(default_factory=dict)

    def describe_test(self) -> str:
        return TEST.format(**self.settings)


def _stop_words(redacted: list[str]) -> set[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return set(ENGLISH_STOP_WORDS) | DOMAIN_STOP | proper_nouns(redacted)


def _one_sided_fisher(a: np.ndarray, n1: int, c: np.ndarray, n0: int) -> np.ndarray:
    """P(X >= a) for X ~ Hypergeometric: the one-sided Fisher exact test of 'more common in latest'."""
    total = a + c
    return stats.hypergeom.sf(a - 1, n1 + n0, total, n1)


HUB = 5  # terms used in over 5 times as many complaints as another are not linked to it


def _clusters(X: sparse.csc_matrix, cols: list[int], order: list[int], link: float) -> list[list[int]]:
    """Group term columns whose complaint sets overlap (shared complaints / the smaller set >= link, sets of
    comparable size); single linkage, strongest term first. `X` holds the complaints to compare them on
    (the latest period's)."""
    sets = {j: set(X[:, j].indices.tolist()) for j in cols}
    parent = {j: j for j in cols}

    def root(j):
        while parent[j] != j:
            parent[j] = parent[parent[j]]
            j = parent[j]
        return j

    for i, a in enumerate(cols):
        for b in cols[i + 1 :]:
            sa, sb = sets[a], sets[b]
            small, big = sorted((len(sa), len(sb)))
            if not small or big > HUB * small:  # a common word ("new") must not glue unrelated phrases together
                continue
            if len(sa & sb) / small >= link:
                parent[root(a)] = root(b)
    groups: dict[int, list[int]] = {}
    for j in order:  # keep the strongest term first in each group
        groups.setdefault(root(j), []).append(j)
    return list(groups.values())


CONTEXT_SHARE = 0.6  # a cluster belongs to a team when at least this share of its latest complaints are that team's


def _dominant(docs: np.ndarray, context: np.ndarray | None) -> str | None:
    """The team (or service) holding at least CONTEXT_SHARE of these complaints, if one does."""
    if context is None or not docs.any():
        return None
    values = pd.Series(context[docs]).dropna().astype(str)
    values = values[values.str.strip().ne("")]
    if values.empty:
        return None
    top = values.value_counts()
    return str(top.index[0]) if top.iloc[0] >= CONTEXT_SHARE * docs.sum() else None


def _merge_by_context(
    groups: list[list[int]], X: sparse.csc_matrix, latest: np.ndarray, context: np.ndarray | None
) -> tuple[list[list[int]], list[str | None]]:
    """Join term clusters whose latest complaints mostly belong to the same team. A new problem is told
    in several phrasings that never share a complaint ("new collection day", "the schedule is wrong"):
    the words cannot join them, the team they all reach can. `groups` strongest first; so is the result."""
    merged: list[list[int]] = []
    where: list[str | None] = []
    if context is None:
        return [list(g) for g in groups], [None] * len(groups)
    for g in groups:
        docs = np.zeros(X.shape[0], dtype=bool)
        for j in g:
            docs[X[:, j].indices] = True
        ctx = _dominant(docs & latest, context)
        if ctx is not None and ctx in where:
            merged[where.index(ctx)] += g
        else:
            merged.append(list(g))
            where.append(ctx)
    return merged, where


def _name(terms: list[str]) -> str:
    """Leading phrase plus the next term that adds a word."""
    phrases = [t for t in terms if " " in t]
    first = phrases[0] if phrases else terms[0]
    words, parts = set(first.split()), [first]
    for t in terms:
        if not set(t.split()) <= words:
            parts.append(t)
            break
    name = " / ".join(parts)
    return name[:1].upper() + name[1:]


def find_emerging(
    texts,
    *,
    latest,
    baseline,
    min_count: int = 10,
    min_ratio: float = 2.0,
    alpha: float = 0.01,
    link: float = 0.6,
    max_terms: int = 40,
    n_quotes: int = 3,
    redacted: list[str] | None = None,
    names: set[str] | None = None,
    context=None,
) -> Emerging:
    """Terms and clusters whose share of complaints rose significantly in `latest` against `baseline`.

    `texts`: complaint texts; `latest`, `baseline`: boolean masks over them (disjoint).
    `context`: the team (or service) of each text, when known: clusters whose latest complaints are
    mostly one team's are joined into one theme, named after its strongest phrases.
    `redacted`: the texts already redacted (saves redacting twice), same order; `names`: words to leave out
    as names (`proper_nouns` of the redacted texts, found here when None).
    """
    texts = pd.Series(list(texts), dtype=object).fillna("").astype(str)
    latest = np.asarray(latest, dtype=bool)
    baseline = np.asarray(baseline, dtype=bool) & ~latest
    if len(latest) != len(texts) or len(baseline) != len(texts):
        raise ValueError(f"latest and baseline masks must have one entry per text ({len(texts)}), got {len(latest)} and {len(baseline)}")
    for name, value, lo in (("min_count", min_count, 1), ("min_ratio", min_ratio, 1.0), ("alpha", alpha, 0.0)):
        if not isinstance(value, (int, float)) or value < lo:
            raise ValueError(f"{name} must be a number >= {lo}, got {value!r}")
    settings = {"alpha": alpha, "min_count": min_count, "min_ratio": min_ratio}
    n1, n0 = int(latest.sum()), int(baseline.sum())
    empty = Emerging(
        pd.DataFrame(columns=CLUSTER_COLUMNS),
        pd.DataFrame(columns=TERM_COLUMNS),
        pd.DataFrame(columns=["cluster", "name", "rank", "row", "quote"]),
        np.full(len(texts), "", dtype=object),
        n1,
        n0,
        0,
        settings,
    )
    if n1 < min_count or n0 < 1:
        return empty
    if redacted is None:
        redacted, model_text = prepare_texts(texts.tolist())
    else:
        model_text = [PLACEHOLDER.sub(" ", t).lower() for t in redacted]
    from sklearn.feature_extraction.text import CountVectorizer

    use = latest | baseline
    rows = np.flatnonzero(use)
    stop = _stop_words([redacted[i] for i in rows]) if names is None else _stop_words([]) | names
    vec = CountVectorizer(analyzer=Analyzer(stop), binary=True, min_df=min_count)
    try:
        X = vec.fit_transform([model_text[i] for i in rows]).tocsc()
    except ValueError:  # no term reaches min_count
        return empty
    vocab = vec.get_feature_names_out()
    lat = latest[rows]
    a = np.asarray(X[lat].sum(axis=0)).ravel()
    c = np.asarray(X[~lat].sum(axis=0)).ravel()
    p = _one_sided_fisher(a, n1, c, n0)
    q = bh(p)
    share1, share0 = a / n1, c / n0
    ratio = np.where(share0 > 0, share1 / np.where(share0 > 0, share0, 1), np.inf)
    hit = (q < alpha) & (a >= min_count) & (ratio >= min_ratio)
    empty.n_tested = len(vocab)
    if not hit.any():
        return empty
    cols = sorted(np.flatnonzero(hit).tolist(), key=lambda j: (q[j], -a[j], vocab[j]))[:max_terms]
    # linked by how they co-occur in the latest period, where they are new: in the baseline a word like
    # "permit" has its own older uses, which would make it look like a hub and keep "permit portal" apart
    groups = _clusters(X[lat].tocsc(), cols, cols, link)
    latest_rows = set(np.flatnonzero(lat))

    def strength(g: list[int]) -> tuple[int, str]:  # most latest complaints first
        return -len(set().union(*(set(X[:, j].indices) for j in g)) & latest_rows), vocab[g[0]]

    groups.sort(key=strength)
    ctx_all = None if context is None else np.asarray(pd.Series(list(context), dtype=object), dtype=object)
    if ctx_all is not None and len(ctx_all) != len(texts):
        raise ValueError(f"context must have one entry per text ({len(texts)}), got {len(ctx_all)}")
    groups, where = _merge_by_context(groups, X, lat, None if ctx_all is None else ctx_all[rows])
    ranked = sorted(range(len(groups)), key=lambda i: strength(groups[i]))
    groups, where = [groups[i] for i in ranked], [where[i] for i in ranked]
    cl_rows, term_rows, quotes = [], [], []
    labels = np.full(len(texts), "", dtype=object)
    used_names: set[str] = set()
    for k, g in enumerate(groups, 1):
        terms = [str(vocab[j]) for j in g]
        name = _name(terms)
        if name in used_names:
            name = f"{name} ({k})"
        used_names.add(name)
        # a word inside one of the cluster's phrases ("new" in "new collection") adds its other uses, not the theme
        phrases = [t for t in terms if " " in t]
        core = [j for j, t in zip(g, terms) if " " in t or not any(t in p.split() for p in phrases)]
        docs = np.zeros(X.shape[0], dtype=bool)
        for j in core:
            docs[X[:, j].indices] = True
        ka, kc = int((docs & lat).sum()), int((docs & ~lat).sum())
        pk = float(_one_sided_fisher(np.array([ka]), n1, np.array([kc]), n0)[0])
        r = (ka / n1) / (kc / n0) if kc else np.inf
        cl_rows.append(
            {
                "cluster": k,
                "name": name,
                "context": where[k - 1] or "",
                "terms": ", ".join(terms[:8]),
                "latest_count": ka,
                "latest_share_pct": pct(ka, n1),
                "baseline_count": kc,
                "baseline_share_pct": pct(kc, n0),
                "ratio": round(float(r), 2) if np.isfinite(r) else r,
                "p_value": pk,
                "q_value": float(min(q[j] for j in g)),
            }
        )
        for j in g:
            rj = ratio[j]
            term_rows.append(
                {
                    "term": str(vocab[j]),
                    "cluster": k,
                    "latest_count": int(a[j]),
                    "latest_share_pct": pct(int(a[j]), n1),
                    "baseline_count": int(c[j]),
                    "baseline_share_pct": pct(int(c[j]), n0),
                    "ratio": round(float(rj), 2) if np.isfinite(rj) else rj,
                    "p_value": float(p[j]),
                    "q_value": float(q[j]),
                }
            )
        members = rows[docs & lat]
        labels[rows[docs]] = np.where(labels[rows[docs]] == "", name, labels[rows[docs]])
        # quotes: latest complaints using the most cluster terms, shorter first among equals
        score = np.asarray(X[docs & lat][:, core].sum(axis=1)).ravel()
        order = sorted(range(len(members)), key=lambda i: (-score[i], abs(len(redacted[members[i]]) - 160), members[i]))
        seen, got = set(), 0
        for i in order:
            text = redacted[members[i]]
            key = " ".join(text.lower().split())[:80]
            if len(text.strip()) < 15 or key in seen:
                continue
            seen.add(key)
            got += 1
            quotes.append({"cluster": k, "name": name, "rank": got, "row": int(members[i]), "quote": quote(text)})
            if got >= n_quotes:
                break
    return Emerging(
        pd.DataFrame(cl_rows, columns=CLUSTER_COLUMNS),
        pd.DataFrame(term_rows, columns=TERM_COLUMNS),
        pd.DataFrame(quotes, columns=["cluster", "name", "rank", "row", "quote"]),
        labels,
        n1,
        n0,
        len(vocab),
        settings,
    )
