"""Themes: the known ones (taxonomy labels, recorded or predicted) and the
emerging ones found in the text without labels.

Emerging themes are TF-IDF (words and two-word phrases) + NMF over *redacted*
text, seeded, with each case assigned to its strongest theme. A theme is named
by its most distinctive phrases; its quotes are the cases that load most on it,
redacted again and shortened. Output frames are tidy; rendering is elsewhere.

>>> # tf = ThemeFinder(n_themes=8, random_state=42).fit(texts)
>>> # tf.themes_          # theme_id, name, terms, size, share
>>> # tf.labels_          # per text: theme name or "Unassigned"
"""
from __future__ import annotations

import logging
import re
import warnings
from collections import Counter

import numpy as np
import pandas as pd

from ..redact import redact
from .tables_common import NOT_RECORDED, pct, sort_counts

log = logging.getLogger(__name__)

UNASSIGNED = "Unassigned"
# NMF iterations: 400 stopped short on the demo year (a ConvergenceWarning on every report); it converges
# there in about 410. Where even this is not enough the themes are still usable: the warning is logged, not printed.
NMF_MAX_ITER = 1000
_PLACEHOLDER = re.compile(r"\[[A-Z]+\]")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")
# Words every complaint uses: they name no theme.
DOMAIN_STOP = {
    "council", "complaint", "complaints", "complain", "complaining", "complained", "please", "thank", "thanks", "dear",
    "sir", "madam", "regards", "would", "could", "also", "still", "like", "just", "get", "got", "one", "now", "since",
    "back", "told", "asked", "said", "really", "even", "yet", "want", "wanted", "need", "needs", "know", "make", "made",
    "time", "times", "day", "days", "week", "weeks", "month", "months", "year", "years", "today", "yesterday", "last",
    "going", "go", "went", "come", "came", "take", "taken", "put", "way", "well", "much", "many", "lot", "able",
    "let", "say", "says", "tell", "sure", "ve", "ll", "don", "didn", "doesn", "isn", "wasn", "can", "cannot", "im",
    "mr", "mrs", "ms", "miss", "dr", "mx", "name", "email", "phone", "postcode", "address", "nino", "dob", "account",
    "sortcode", "thing", "things", "nothing", "anything", "something", "everything", "good", "ok", "okay", "yes",
}


def _quote(text: str, limit: int = 240) -> str:
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
            before = t[max(0, m.start() - 6): m.start()].rstrip()
            start_of_sentence = not before or before[-1] in ".!?\n:\"“(["
            if w[0].isupper() and not start_of_sentence and not (w.isupper() and len(w) <= 5):
                cap[lw] += 1
    return {w for w, n in cap.items() if n >= min_count and n / total[w] >= share}


_JOINERS = {"and", "of", "to", "in", "on", "for", "the", "with", "from"}
_TOKEN = re.compile(r"[a-z][a-z']*[a-z]|[a-z]{2,}")


class _Analyzer:
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
    model = [_PLACEHOLDER.sub(" ", r).lower() for r in red]
    return red, model


class NoThemes(ValueError):
    """The texts hold no words to find themes by (all stop words, or one phrase repeated on every record)."""


class ThemeFinder:
    """TF-IDF + NMF theme finder, scikit-learn style (parameters stored, fitted state ends in `_`).

    Parameters: n_themes (int), random_state (int), min_df (int or float), max_df (float),
    max_features (int), n_quotes (int), stop_words (extra words to ignore), max_iter (NMF iterations).
    """

    def __init__(self, n_themes: int = 10, *, random_state: int = 42, min_df: int | float = 5, max_df: float = 0.4,
                 max_features: int = 20_000, n_quotes: int = 3, stop_words: tuple[str, ...] = (),
                 max_iter: int = NMF_MAX_ITER) -> None:
        self.n_themes = n_themes
        self.max_iter = max_iter
        self.random_state = random_state
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.n_quotes = n_quotes
        self.stop_words = stop_words

    def fit(self, texts, quote_mask=None, redacted: list[str] | None = None, names: set[str] | None = None) -> "ThemeFinder":
        """Fit on `texts`; quotes are drawn only from texts where `quote_mask` is True (all when None).
        `redacted`: the same texts already passed through `rca.redact.redact` (saves redacting twice);
        `names`: `proper_nouns(redacted)` when already computed."""
        from sklearn.decomposition import NMF
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

        if not isinstance(self.n_themes, int) or self.n_themes < 1:
            raise ValueError(f"n_themes must be a positive integer, got {self.n_themes!r}")
        if redacted is None:
            red, model_text = prepare_texts(list(texts))
        else:
            red = list(redacted)
            model_text = [_PLACEHOLDER.sub(" ", r).lower() for r in red]
        n = len(model_text)
        if n < 2:
            raise ValueError(f"need at least 2 texts to find themes, got {n}")
        stop = set(ENGLISH_STOP_WORDS) | DOMAIN_STOP | set(self.stop_words) | (proper_nouns(red) if names is None else names)
        min_df = self.min_df if isinstance(self.min_df, float) else min(self.min_df, max(1, n // 10))
        vec = TfidfVectorizer(analyzer=_Analyzer(stop), min_df=min_df, max_df=self.max_df if n >= 20 else 1.0,
                              max_features=self.max_features, sublinear_tf=True)
        try:
            X = vec.fit_transform(model_text)
        except ValueError as exc:  # every word a stop word, or in nearly every text (one canned phrase): nothing to group by
            raise NoThemes(f"the {n:,} texts share too few distinct words to find themes ({exc})") from exc
        distinct = len(set(model_text))
        k = max(1, min(self.n_themes, X.shape[1] - 1, distinct - 1))
        nmf = NMF(n_components=k, init="nndsvda", random_state=self.random_state, max_iter=self.max_iter, tol=1e-4)
        with warnings.catch_warnings():  # only around this fit, only this warning; see NMF_MAX_ITER
            warnings.filterwarnings("ignore", category=ConvergenceWarning)
            W = nmf.fit_transform(X)
        self.converged_ = bool(nmf.n_iter_ < self.max_iter)
        if not self.converged_:
            log.info("theme finder: NMF stopped after %d iterations before converging; themes are from the last iterate", self.max_iter)
        H = nmf.components_
        vocab = np.array(vec.get_feature_names_out())
        strength = W.max(axis=1)
        assign = np.where(strength > 0, W.argmax(axis=1), -1)
        sizes = np.bincount(assign[assign >= 0], minlength=k)
        order = sorted((j for j in range(k) if sizes[j] > 0), key=lambda j: (-sizes[j], j))  # biggest first; stable
        names, terms = {}, {}
        used: set[str] = set()
        for j in order:
            top = [vocab[i] for i in np.argsort(-H[j])[:12]]
            terms[j] = top
            name = _name(top, used)
            i = 2
            while name in used:
                name, i = f"{_name(top, used)} ({i})", i + 1
            names[j] = name
            used.add(name)
        self.vectorizer_, self.model_, self.order_ = vec, nmf, order
        self.names_ = [names[j] for j in order]
        W_share = W / np.where(W.sum(axis=1, keepdims=True) > 0, W.sum(axis=1, keepdims=True), 1)
        rows, quotes = [], []
        for rank, j in enumerate(order):
            members = np.flatnonzero(assign == j)
            rows.append({"theme_id": rank + 1, "theme": names[j], "terms": ", ".join(terms[j][:8]), "size": int(sizes[j]),
                         "share_pct": pct(int(sizes[j]), n)})
            # quotes: the members that load most on this theme, of readable length, no repeats
            if quote_mask is not None:
                members = members[np.asarray(quote_mask, dtype=bool)[members]]
            cand = sorted(members, key=lambda i: (-(W_share[i, j] * min(1.0, len(red[i]) / 60)), i))
            seen, got = set(), 0
            for i in cand:
                key = red[i].strip().lower()[:80]
                if not key or key in seen or len(red[i].strip()) < 15:
                    continue
                seen.add(key)
                got += 1
                quotes.append({"theme_id": rank + 1, "theme": names[j], "rank": got, "row": int(i), "quote": _quote(red[i])})
                if got >= self.n_quotes:
                    break
        self.themes_ = pd.DataFrame(rows, columns=["theme_id", "theme", "terms", "size", "share_pct"])
        self.quotes_ = pd.DataFrame(quotes, columns=["theme_id", "theme", "rank", "row", "quote"])
        rank_of = {j: r for r, j in enumerate(order)}
        self.assignment_ = np.array([rank_of[a] + 1 if a >= 0 else 0 for a in assign])
        self.labels_ = np.array([names[a] if a >= 0 else UNASSIGNED for a in assign], dtype=object)
        self.strength_ = strength
        return self

    def transform_labels(self, texts) -> np.ndarray:
        """Theme name for new texts (the fitted themes; "Unassigned" when nothing matches)."""
        if not hasattr(self, "model_"):
            raise RuntimeError("ThemeFinder is not fitted yet; call fit(texts) first")
        _, model_text = prepare_texts(list(texts))
        W = self.model_.transform(self.vectorizer_.transform(model_text))
        rank_of = {j: r for r, j in enumerate(self.order_)}
        return np.array([self.names_[rank_of[w.argmax()]] if w.max() > 0 else UNASSIGNED for w in W], dtype=object)


def _name(top: list[str], used: set[str]) -> str:
    """A readable name from a theme's top terms: its leading phrase plus the next term it does not contain."""
    phrases = [t for t in top[:6] if " " in t]
    first = phrases[0] if phrases else top[0]
    parts = [first]
    words = set(first.split())
    for t in top:
        if t == first or set(t.split()) <= words:
            continue
        parts.append(t)
        words |= set(t.split())
        if len(parts) == 2:
            break
    name = " / ".join(parts)
    for t in top[len(parts):]:
        if name not in used:
            break
        if not set(t.split()) <= words:
            name = f"{name} / {t}"
            words |= set(t.split())
    return name[:1].upper() + name[1:]


def text_themes(cases: pd.DataFrame, *, text_col: str = "text", n_themes: int = 10, seed: int = 42,
                min_df: int | float = 5, n_quotes: int = 3, quote_mask=None, redacted: pd.Series | None = None,
                names: set[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Find themes in the text of `cases` without labels (`redacted`: the redacted texts, index aligned).

    Returns (themes, quotes, labels): `themes` one row per theme (theme_id, theme, terms, size, share_pct,
    top_service, top_root_cause), `quotes` long (theme_id, theme, rank, case_id, quote — redacted),
    `labels` the theme of each case (index aligned with `cases`).
    """
    texts = cases[text_col].fillna("").astype(str)
    ok = texts.str.strip().ne("")
    qm = None if quote_mask is None else np.asarray(quote_mask, dtype=bool)[ok.to_numpy()]
    red = None if redacted is None else redacted[ok].tolist()
    tf = ThemeFinder(n_themes=n_themes, random_state=seed, min_df=min_df, n_quotes=n_quotes).fit(texts[ok], quote_mask=qm, redacted=red, names=names)
    labels = pd.Series(UNASSIGNED, index=cases.index, dtype=object)
    labels[ok[ok].index] = tf.labels_
    themes = tf.themes_.copy()
    sub = cases[ok]
    for col, out in (("service", "top_service"), ("root_cause", "top_root_cause")):
        if col in sub:
            tops = []
            for name in themes["theme"]:
                vals = sub.loc[tf.labels_ == name, col]
                vc = vals.dropna().value_counts()
                tops.append(f"{vc.index[0]} ({pct(int(vc.iloc[0]), len(vals)):.0f}%)" if len(vc) else NOT_RECORDED)
            themes[out] = tops
    quotes = tf.quotes_.copy()
    ids = sub["case_id"].astype(str).to_numpy() if "case_id" in sub else sub.index.astype(str).to_numpy()
    quotes.insert(3, "case_id", [ids[i] for i in quotes["row"]])
    quotes = quotes.drop(columns=["row"])
    return themes, quotes, labels


def known_themes(cases: pd.DataFrame, *, label_col: str = "root_cause", source: str = "recorded") -> pd.DataFrame:
    """Tidy counts of a taxonomy field's labels: theme, source, size, share_pct."""
    if label_col not in cases:
        return pd.DataFrame(columns=["theme", "source", "size", "share_pct"])
    vals = cases[label_col].astype(object).where(cases[label_col].notna(), NOT_RECORDED)
    counts = sort_counts(vals.value_counts())
    return pd.DataFrame({"theme": counts.index, "source": source, "size": counts.to_numpy(),
                         "share_pct": pct(counts.to_numpy(), len(cases))})
