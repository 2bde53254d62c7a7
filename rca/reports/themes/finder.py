"""The theme finder: groups texts by what they are about, names each group, picks quotes.

Features: phrase TF-IDF (words and two-word phrases within a clause; in at
least `min_df` texts and at most `max_df` of them, so letter and phone-note
wording drops out) times the static vector of each term (`rca.text.embeddings`,
shipped with the package), plus `doc_weight` times the text's subject vector:
the TF-IDF of its nouns (WordNet's list; no `max_df`, so "bin", "parking" count)
times their static vectors, so the way a complaint is written ("I was spoken
to rudely", "nobody rang back") does not pull it towards other complaints
written the same way (a text with no noun keeps the static vector of its whole
text). Terms and nouns are then re-weighted `rounds` times by how concentrated they
are in the current groups (1 - entropy of the term's spread across groups):
words of circumstance ("my child has asthma", "I rang three times") are
spread across subjects and fade, subject words stay. The features are reduced
by PCA to `2 x n_themes` dimensions, which makes the grouping stable when a
tenth of the texts changes, and grouped by KMeans: the first grouping is the
best of `n_init` seeded starts, and each re-weighting round starts from the
previous round's groups, so the rounds refine one grouping rather than draw a
new one. How these were chosen: `benchmarks/results/themes_design.md`.

Short answers (`rca.reports.themes.short`: no content word, "nothing", "all good",
"n/a", or an answer opening with one of the data's own common short answers,
"Nothing - the staff were great") form one
"Short answers" theme of their own, which answers like them then join
(`rca.reports.themes.short_expand`: "Excellent service", "I wouldn't change
anything", learnt from the short answers themselves); texts with no words are "(no text)"
(theme_id 0) and are not a theme. Everything else belongs to its nearest theme.

Example::

    tf = ThemeFinder(n_themes=10, random_state=42).fit(texts)
    tf.themes_   # theme_id, theme, size, share_pct, terms
    tf.labels_   # each text's theme name, in input order
"""

from __future__ import annotations

import logging
from collections import Counter

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from rca.reports.themes.heads import head_terms
from rca.reports.themes.naming import is_noun, name_themes
from rca.reports.themes.quotes import pick_quotes
from rca.reports.themes.short import short_answers
from rca.reports.themes.short_expand import more_short_answers
from rca.reports.themes.text import Analyzer, base_stop_words, clauses, model_text, proper_nouns, stop_words

log = logging.getLogger(__name__)

NO_TEXT = "(no text)"
SHORT = "Short answers"
OTHER = "Other subjects"


class NoThemes(ValueError):
    """The texts hold no words to find themes by (empty, or too few texts)."""


def concentration(X: sparse.csr_matrix, labels: np.ndarray, k: int) -> np.ndarray:
    """Per term, 1 - normalised entropy of its texts' spread over the k groups (1: all in one group)."""
    n = X.shape[0]
    member = sparse.csr_matrix((np.ones(n), (labels, np.arange(n))), shape=(k, n))
    counts = np.asarray((member @ (X > 0).astype(np.float64)).todense())
    p = counts / np.maximum(np.bincount(labels, minlength=k), 1)[:, None]
    total = p.sum(axis=0, keepdims=True)
    p = np.divide(p, total, out=np.zeros_like(p), where=total > 0)
    h = -(p * np.log(np.where(p > 0, p, 1.0))).sum(axis=0) / np.log(max(k, 2))
    return 1.0 - h


def _given(terms: list[str]) -> list[str]:
    """The analyser of already analysed texts."""
    return terms


class ThemeFinder:
    """Subject themes in free text, scikit-learn style (parameters stored; fitted state ends in `_`).

    Parameters: n_themes, random_state, min_df, max_df, doc_weight, rounds, n_init, n_quotes, quote_chars, stop_words.
    """

    def __init__(
        self,
        n_themes: int = 10,
        *,
        random_state: int = 42,
        min_df: int = 3,
        max_df: float = 0.05,
        doc_weight: float = 0.5,
        rounds: int = 4,
        n_init: int = 50,
        n_quotes: int = 3,
        quote_chars: int = 160,
        stop_words: tuple[str, ...] = (),
    ) -> None:
        self.n_themes = n_themes
        self.random_state = random_state
        self.min_df = min_df
        self.max_df = max_df
        self.doc_weight = doc_weight
        self.rounds = rounds
        self.n_init = n_init
        self.n_quotes = n_quotes
        self.quote_chars = quote_chars
        self.stop_words = stop_words

    # ------------------------------------------------------------------ fit
    def fit(self, texts, *, redacted: list[str] | None = None, names: set[str] | None = None, quote_mask=None) -> "ThemeFinder":
        """Find themes in `texts` (`redacted`: the same texts through `rca.text.redact.redact`, when already done;
        `names`: words never used as terms; `quote_mask`: rows quotes may come from).

        Runs on one BLAS thread: the matrices are small, and on cores shared with other work a second
        BLAS thread busy-waits (PCA alone took 20 times as long in wall time; docs/themes.md)."""
        try:
            with threadpool_limits(limits=1):
                return self._fit(texts, redacted=redacted, names=names, quote_mask=quote_mask)
        finally:
            clauses.cache_clear()  # the cache holds every text's words: kept for one fit only

    def _fit(self, texts, *, redacted, names, quote_mask) -> "ThemeFinder":
        from rca.text.embeddings import embed_texts

        if not isinstance(self.n_themes, (int, np.integer)) or isinstance(self.n_themes, bool) or self.n_themes < 1:
            raise ValueError(f"n_themes must be a positive integer, got {self.n_themes!r}")
        texts = ["" if t is None or (isinstance(t, float) and np.isnan(t)) else str(t) for t in texts]
        source = texts if redacted is None else [str(r) for r in redacted]
        names = proper_nouns(source) if names is None else set(names)
        stop = stop_words(self.stop_words) | frozenset(names)
        low = [model_text(t, names) for t in source]
        has_words = np.array([any(clauses(t)) for t in low])
        short = has_words & short_answers(low, stop)
        n_words = int(has_words.sum())
        if n_words < 2:
            raise NoThemes(f"{n_words} text(s) with words: themes need at least 2")
        # short answers are a theme of their own when there are as many as a fifth of an average theme
        use_short = int(short.sum()) >= max(3, 0.2 * n_words / self.n_themes) and self.n_themes >= 2
        if use_short:  # answers like them that use a content word ("Excellent service", "I wouldn't change anything")
            words = [[w for toks in clauses(t) for w in toks] for t in low]
            content = [[w for w in ws if len(w) > 1 and w not in stop] for ws in words]
            short = has_words & more_short_answers(words, content, short, stop, seed=self.random_state)
        pool = np.flatnonzero(has_words & ~short) if use_short else np.flatnonzero(has_words)
        distinct = len({low[i] for i in pool})
        if distinct < 2 and not use_short:
            raise NoThemes(f"the {n_words:,} texts share too few distinct words to find themes (one wording on every text)")
        k = min(int(self.n_themes) - int(use_short), distinct)  # never more groups than different texts
        if k < 1:
            raise NoThemes("every text is a short answer with no content word")
        sub = [low[i] for i in pool]
        # analysed once, read by both vectorisers; a name's phrase may also pair a subject word with a word every
        # complaint uses: "council tax"
        analyzer = Analyzer(stop, base_stop_words(self.stop_words) | frozenset(names))
        split = [analyzer.split(t) for t in sub]
        terms_in, name_terms = [a for a, _ in split], [b for _, b in split]
        X, vocab_x = self._features(sub, terms_in, embed_texts)
        labels, closeness = self._cluster(X, k)
        # naming: common subject words too (max_df 0.5), from the same analyzer
        namer = CountVectorizer(
            analyzer=_given, min_df=min(self.min_df, max(1, len(sub) // 20)), max_df=0.5 if len(sub) >= 20 else 1.0, binary=True
        )
        try:
            B = namer.fit_transform([a + b for a, b in zip(terms_in, name_terms)])
            vocab = np.array(namer.get_feature_names_out(), dtype=object)
            # the texts using each term other than as where or when ("in the bedroom"): what names count
            H = namer.transform([head_terms(t, analyzer, a + b) for t, a, b in zip(sub, terms_in, name_terms)])
        except ValueError:
            B, vocab, H = X.astype(bool).astype(np.float64), vocab_x, None
        if len(vocab):
            theme_names, terms, cover = name_themes(B, vocab, labels, k, heads=H)
        else:
            theme_names, terms, cover = [f"Theme {j + 1}" for j in range(k)], [[] for _ in range(k)], [0.0] * k
        # a name that fits fewer than 1 in 10 of its texts: a group without a common subject, called what it is
        theme_names = [OTHER if c < 0.1 else nm for nm, c in zip(theme_names, cover)]
        theme_names = [f"{OTHER} ({j + 1})" if nm == OTHER and theme_names.count(OTHER) > 1 else nm for j, nm in enumerate(theme_names)]
        # assemble: every row gets a group; ids by size, largest first
        group = np.full(len(texts), -1)
        group[pool] = labels
        names_of = list(theme_names)
        terms_of = list(terms)
        close = np.zeros(len(texts))
        close[pool] = closeness
        if use_short:
            group[short] = k
            common = Counter(" ".join(clauses(low[i])[0]) if clauses(low[i]) else "" for i in np.flatnonzero(short)).most_common(2)
            names_of.append(f'{SHORT} ("{common[0][0]}"' + (f', "{common[1][0]}")' if len(common) > 1 else ")"))
            terms_of.append([c for c, _ in common])
            close[short] = 1.0
        sizes = np.bincount(group[group >= 0], minlength=len(names_of))
        order = sorted(range(len(names_of)), key=lambda j: (-sizes[j], j))
        rank = {j: r + 1 for r, j in enumerate(order)}
        self.assignment_ = np.array([rank[g] if g >= 0 else 0 for g in group])
        self.labels_ = np.array([names_of[g] if g >= 0 else NO_TEXT for g in group], dtype=object)
        self.closeness_ = close
        n = len(texts)
        self.themes_ = pd.DataFrame(
            [
                {
                    "theme_id": rank[j],
                    "theme": names_of[j],
                    "size": int(sizes[j]),
                    "share_pct": round(100.0 * sizes[j] / n, 1),
                    "terms": ", ".join(terms_of[j][:8]),
                }
                for j in order
            ],
            columns=["theme_id", "theme", "size", "share_pct", "terms"],
        )
        allowed = None if quote_mask is None else np.asarray(quote_mask, dtype=bool)
        rows = []
        for j in order:
            members = np.flatnonzero(group == j)
            for r, (i, q) in enumerate(
                pick_quotes(
                    texts,
                    members,
                    close,
                    terms_of[j],
                    n=self.n_quotes,
                    max_chars=self.quote_chars,
                    redacted=None if redacted is None else source,
                    allowed=allowed,
                ),
                1,
            ):
                rows.append({"theme_id": rank[j], "theme": names_of[j], "rank": r, "row": i, "quote": q})
        self.quotes_ = pd.DataFrame(rows, columns=["theme_id", "theme", "rank", "row", "quote"])
        self.n_features_ = len(vocab_x)
        return self

    def _features(self, sub: list[str], terms_in: list[list[str]], embed_texts):
        n = len(sub)
        vec = TfidfVectorizer(
            analyzer=_given,
            min_df=min(self.min_df, max(1, n // 20)),
            max_df=self.max_df if n >= 200 else 1.0,
            sublinear_tf=True,
            dtype=np.float32,
        )
        try:
            X = vec.fit_transform(terms_in)
            vocab = np.array(vec.get_feature_names_out(), dtype=object)
        except ValueError:  # no term passes min_df / max_df: the whole-text vectors alone
            X, vocab = sparse.csr_matrix((n, 0), dtype=np.float32), np.array([], dtype=object)
        self.term_vectors_ = embed_texts(list(vocab)) if len(vocab) else np.zeros((0, 1), np.float32)
        self.text_vectors_ = embed_texts(sub)
        nouns = [[t for t in ts if " " not in t and is_noun(t)] for ts in terms_in]
        nv = TfidfVectorizer(analyzer=_given, min_df=min(2, n), sublinear_tf=True, dtype=np.float32)
        try:
            self.noun_counts_ = nv.fit_transform(nouns).tocsr()
            self.nouns_ = np.array(nv.get_feature_names_out(), dtype=object)
            self.noun_vectors_ = embed_texts(list(self.nouns_))
        except ValueError:  # no noun in two texts: the whole-text vectors alone
            self.nouns_ = np.array([], dtype=object)
            self.noun_counts_ = sparse.csr_matrix((n, 0), dtype=np.float32)
            self.noun_vectors_ = np.zeros((0, self.text_vectors_.shape[1]), np.float32)
        return X, vocab

    def _cluster(self, X: sparse.csr_matrix, k: int) -> tuple[np.ndarray, np.ndarray]:
        """KMeans labels and each text's cosine to its centre, after `rounds` of term re-weighting.

        The first grouping takes the best of `n_init` KMeans starts; each re-weighting round then starts
        KMeans from the previous round's groups (their means in the new features), so the rounds refine
        one grouping instead of drawing a new one each time (subsamples agree more: see docs/themes.md)."""
        n = X.shape[0]
        if k == 1:
            return np.zeros(n, dtype=int), np.ones(n)
        w = np.ones(X.shape[1], dtype=np.float32)
        wn = np.ones(self.noun_counts_.shape[1], dtype=np.float32)
        labels = None
        for r in range(self.rounds + 1):
            F = self._combine(X, w, wn)
            if labels is None:
                km = KMeans(n_clusters=k, n_init=self.n_init, random_state=self.random_state).fit(F)
            else:
                init = np.vstack([F[labels == j].mean(axis=0) if (labels == j).any() else F[j] for j in range(k)])
                km = KMeans(n_clusters=k, init=init, n_init=1, random_state=self.random_state).fit(F)
            labels = km.labels_
            if r < self.rounds and X.shape[1]:
                w = concentration(X, labels, k).astype(np.float32)
            if r < self.rounds and len(wn):
                wn = concentration(self.noun_counts_, labels, k).astype(np.float32)
        centres = normalize(km.cluster_centers_)
        return labels, (F * centres[labels]).sum(axis=1)

    def _subject_vectors(self, wn: np.ndarray) -> np.ndarray:
        """Each text's nouns (TF-IDF x weight) times their static vectors, unit length; the whole text's vector
        for a text with no noun."""
        D = self.text_vectors_.copy()
        if len(wn):
            S = np.asarray((self.noun_counts_ @ sparse.diags(wn)) @ self.noun_vectors_, dtype=np.float32)
            has = np.linalg.norm(S, axis=1) > 0
            D[has] = normalize(S[has])
        return D

    def _combine(self, X: sparse.csr_matrix, w: np.ndarray, wn: np.ndarray) -> np.ndarray:
        D = self._subject_vectors(wn)
        A = normalize(np.asarray((X @ sparse.diags(w)) @ self.term_vectors_)) if X.shape[1] else np.zeros_like(D)
        F = normalize(A + self.doc_weight * D) if A.shape == D.shape else D
        dims = 2 * int(self.n_themes)
        if F.shape[0] > dims and F.shape[1] > dims:
            F = PCA(n_components=dims, random_state=self.random_state).fit_transform(F)
        return normalize(F)
