"""Near-duplicate complaints: the same complainant, or near-identical text,
within a window of days before a case ("duplicate complaint" in the
not-accepted reasons; DOMAIN.md, step 2).

A case is flagged when the latest earlier row of the file with the same
`complainant_id`, or with near-identical text (MinHash signatures of its words
and word pairs agreeing on at least `threshold`, an estimate of the Jaccard
similarity; one changed word in a twenty-word complaint is about 0.85), was
received no later than it and at most `window_days` before it. The flag points
at that earlier case (`duplicate_of`) and says why (`duplicate_reason`). Rows
without a received date are compared only with other undated rows. Very short
texts ("More staff") are never matched on text alone.

`DuplicateFinder.add(chunk)` keeps compact numpy state between chunks (one
entry per distinct key), so a file streamed chunk by chunk gets the same answer
as the whole frame at once, whatever the chunk size.

>>> import pandas as pd
>>> f = DuplicateFinder(window_days=30)
>>> df = pd.DataFrame({"case_id": ["A", "B"], "complainant_id": ["p1", "p1"],
...                    "received": pd.to_datetime(["2024-01-02", "2024-01-09"]), "text": ["x", "y"]})
>>> f.add(df)["duplicate_of"].tolist()
[None, 'A']
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import HashingVectorizer

DUP_COLUMNS = ("duplicate", "duplicate_of", "duplicate_reason")

_T_NONE = np.iinfo(np.int64).max  # undated rows
_UNDATED = np.uint64(0x5DEECE66D)  # salt for the keys of undated rows
_EPOCH_H = int(pd.Timestamp("1900-01-01").value // 3_600_000_000_000)

REASON_BOTH = "same complainant and near-identical text"
REASON_TEXT = "near-identical text"
REASON_PERSON = "same complainant"


def _hours(received: pd.Series | None, n: int) -> np.ndarray:
    if received is None:
        return np.full(n, _T_NONE, np.int64)
    ts = pd.to_datetime(received, errors="coerce")
    vals = ts.to_numpy(dtype="datetime64[ns]").astype(np.int64)
    hours = vals // 3_600_000_000_000 - _EPOCH_H
    return np.where(ts.isna().to_numpy(), _T_NONE, hours).astype(np.int64)


def _hash_strings(values: np.ndarray) -> np.ndarray:
    """Stable 64-bit hashes of strings (0 is reserved for 'no key')."""
    h = pd.util.hash_array(values.astype(object), categorize=False)
    return np.where(h == 0, np.uint64(1), h)


class DuplicateFinder:
    """Streaming near-duplicate detector with deterministic state.

    Parameters: window_days (look back this many days), threshold (estimated
    Jaccard of words and word pairs to call two texts near-identical),
    min_words (texts with fewer distinct words are never matched on text:
    "More staff" from two people is not a duplicate), num_perm / bands
    (MinHash size: 32 values in 8 bands of 4 find pairs above 0.7 with
    probability 0.9 and above 0.8 with 0.99).
    """

    def __init__(
        self, *, window_days: int = 30, threshold: float = 0.7, min_words: int = 5, num_perm: int = 32, bands: int = 8, seed: int = 20240401
    ) -> None:
        if window_days < 0:
            raise ValueError(f"window_days must be >= 0, got {window_days!r}")
        if not 0 < threshold <= 1:
            raise ValueError(f"threshold must be in (0, 1], got {threshold!r}")
        if num_perm % bands:
            raise ValueError(f"num_perm ({num_perm}) must be a multiple of bands ({bands})")
        self.window_hours = int(window_days) * 24
        self.threshold = float(threshold)
        self.min_words = int(min_words)
        self.num_perm, self.bands = int(num_perm), int(bands)
        rng = np.random.default_rng(seed)
        # multiply-shift hashing: odd multipliers, wrapping uint64 arithmetic, high bits kept
        self._a = rng.integers(1, 1 << 62, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        self._b = rng.integers(0, 1 << 62, size=num_perm, dtype=np.uint64)
        self._vec = HashingVectorizer(
            analyzer="word",
            ngram_range=(1, 2),
            lowercase=True,
            norm=None,
            alternate_sign=False,
            binary=True,
            n_features=1 << 30,
            dtype=np.float32,
        )
        # state: one entry per stored row (rows with any key), indexed by "slot"
        self._ids: list[str] = []
        self._t = np.empty(0, np.int64)
        self._sig = np.empty((0, num_perm), np.uint16)
        self._pkey = np.empty(0, np.uint64)
        self._person = (np.empty(0, np.uint64), np.empty(0, np.int64))  # (key sorted, latest slot)
        self._text = (np.empty(0, np.uint64), np.empty(0, np.int64))
        self.n_seen = 0

    # -- keys ---------------------------------------------------------------
    def signatures(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """MinHash signatures (n x num_perm, uint16) of words and word pairs, and whether
        each text has enough distinct words to be matched on text."""
        if not len(texts):
            return np.zeros((0, self.num_perm), np.uint16), np.zeros(0, bool)
        X = self._vec.transform(texts).tocsr()
        ok = np.diff(X.indptr) >= 2 * self.min_words - 1  # n distinct words give about 2n - 1 shingles
        sig = np.zeros((X.shape[0], self.num_perm), np.uint16)
        if ok.any():
            idx = X.indices.astype(np.uint64)
            starts = X.indptr[:-1][ok]
            for k in range(self.num_perm):
                h = (self._a[k] * idx + self._b[k]) >> np.uint64(40)
                sig[ok, k] = (np.minimum.reduceat(h, starts) & np.uint64(0xFFFF)).astype(np.uint16)
        return sig, ok

    def _band_keys(self, sig: np.ndarray) -> np.ndarray:
        """One 64-bit key per band of `num_perm // bands` signature values (rows x bands)."""
        r = self.num_perm // self.bands
        keys = np.empty((sig.shape[0], self.bands), np.uint64)
        for b in range(self.bands):
            acc = np.full(sig.shape[0], np.uint64(b + 1), np.uint64)
            for j in range(r):
                acc = _mix(acc ^ sig[:, b * r + j].astype(np.uint64))
            keys[:, b] = acc
        return np.where(keys == 0, np.uint64(1), keys)

    # -- matching -----------------------------------------------------------
    @staticmethod
    def _previous(hist: tuple[np.ndarray, np.ndarray], keys: np.ndarray, slots: np.ndarray) -> np.ndarray:
        """For each query (key, slot): the latest earlier slot with the same key, from the history
        (sorted by key, one entry per key) or from earlier queries of this batch; -1 if none."""
        out = np.full(len(keys), -1, np.int64)
        if not len(keys):
            return out
        hk, hs = hist
        if len(hk):
            pos = np.searchsorted(hk, keys, side="left")
            pc = np.minimum(pos, len(hk) - 1)
            hit = (pos < len(hk)) & (hk[pc] == keys)
            out[hit] = hs[pc[hit]]
        perm = np.lexsort((slots, keys))
        sk, ss = keys[perm], slots[perm]
        same_prev = np.zeros(len(sk), bool)
        same_prev[1:] = sk[1:] == sk[:-1]
        prev = np.full(len(sk), -1, np.int64)
        prev[1:] = ss[:-1]
        batch = np.full(len(keys), -1, np.int64)
        batch[perm] = np.where(same_prev, prev, -1)
        return np.where(batch >= 0, batch, out)

    @staticmethod
    def _merge(hist: tuple[np.ndarray, np.ndarray], keys: np.ndarray, slots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """History keeps the latest slot of each key, sorted by key."""
        k = np.concatenate([hist[0], keys])
        s = np.concatenate([hist[1], slots])
        perm = np.lexsort((s, k))
        k, s = k[perm], s[perm]
        last = np.ones(len(k), bool)
        last[:-1] = k[:-1] != k[1:]
        return k[last], s[last]

    def _in_window(self, cand: np.ndarray, t: np.ndarray) -> np.ndarray:
        """cand (slots, -1 = none) is kept when received within the window before t (undated: both undated)."""
        ok = cand >= 0
        ct = self._t[np.where(ok, cand, 0)] if len(self._t) else np.zeros(len(cand), np.int64)
        dated = (t != _T_NONE) & (ct != _T_NONE)
        undated = (t == _T_NONE) & (ct == _T_NONE)
        fits = undated | (dated & (ct <= t) & (t - ct <= self.window_hours))
        return np.where(ok & fits, cand, -1)

    # -- public -------------------------------------------------------------
    def add(self, cases: pd.DataFrame) -> pd.DataFrame:
        """Flag the rows of `cases` (canonical `case_id`, `text`, optional `received`,
        `complainant_id`) against every row added before and earlier rows of this frame.
        Returns DUP_COLUMNS on the same index."""
        n = len(cases)
        ids = cases["case_id"].astype(str).to_numpy() if "case_id" in cases else np.arange(self.n_seen, self.n_seen + n).astype(str)
        t = _hours(cases["received"] if "received" in cases else None, n)
        texts = cases["text"].fillna("").astype(str).tolist() if "text" in cases else [""] * n
        sig, text_ok = self.signatures(texts)
        person = np.zeros(n, np.uint64)
        if "complainant_id" in cases:
            cid = cases["complainant_id"]
            present = cid.notna().to_numpy() & cid.astype(str).str.strip().ne("").to_numpy()
            if present.any():
                person[present] = _hash_strings(cid[present].astype(str).str.strip().to_numpy())
        # undated rows live in their own key space: they are only compared with each other
        undated = t == _T_NONE
        person[undated & (person != 0)] = _mix(person[undated & (person != 0)] ^ _UNDATED)
        keep = text_ok | (person != 0)
        slot = np.full(n, -1, np.int64)
        slot[keep] = len(self._ids) + np.arange(int(keep.sum()))
        self._ids.extend(ids[keep].tolist())
        self._t = np.concatenate([self._t, t[keep]])
        self._sig = np.concatenate([self._sig, sig[keep]])
        self._pkey = np.concatenate([self._pkey, person[keep]])

        p_rows = np.flatnonzero(person != 0)
        p_match = np.full(n, -1, np.int64)
        p_match[p_rows] = self._in_window(self._previous(self._person, person[p_rows], slot[p_rows]), t[p_rows])
        self._person = self._merge(self._person, person[p_rows], slot[p_rows])

        t_rows = np.flatnonzero(text_ok)
        t_match = np.full(n, -1, np.int64)
        if len(t_rows):
            bkeys = self._band_keys(sig[t_rows])
            bkeys[undated[t_rows]] = _mix(bkeys[undated[t_rows]] ^ _UNDATED)
            bkeys = bkeys.ravel()
            rep = np.repeat(t_rows, self.bands)
            cands = self._in_window(self._previous(self._text, bkeys, slot[rep]), t[rep])
            valid = cands >= 0
            agree = np.zeros(len(cands))
            agree[valid] = (self._sig[cands[valid]] == sig[rep[valid]]).mean(axis=1)
            cands = np.where(valid & (agree >= self.threshold), cands, -1).reshape(-1, self.bands)
            t_match[t_rows] = cands.max(axis=1)  # the latest verified earlier case
            self._text = self._merge(self._text, bkeys, slot[rep])
        self.n_seen += n
        return self._columns(cases.index, p_match, t_match, person)

    def _columns(self, index: pd.Index, p_match: np.ndarray, t_match: np.ndarray, person: np.ndarray) -> pd.DataFrame:
        chosen = np.where(t_match >= 0, t_match, p_match)
        reason = np.full(len(chosen), None, dtype=object)
        reason[p_match >= 0] = REASON_PERSON
        reason[t_match >= 0] = REASON_TEXT
        both = (
            (t_match >= 0) & (person != 0) & (self._pkey[np.maximum(t_match, 0)] == person)
            if len(self._pkey)
            else np.zeros(len(chosen), bool)
        )
        reason[both] = REASON_BOTH
        ids = np.array(self._ids + [None], dtype=object)
        dup_of = ids[np.where(chosen >= 0, chosen, len(self._ids))]
        return pd.DataFrame({"duplicate": chosen >= 0, "duplicate_of": dup_of, "duplicate_reason": reason}, index=index)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser (vectorised), wrapping uint64 arithmetic."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def find_duplicates(cases: pd.DataFrame, *, window_days: int = 30, threshold: float = 0.7, min_words: int = 5) -> pd.DataFrame:
    """Flag near-duplicates in one frame; returns DUP_COLUMNS on `cases`' index.

    >>> import pandas as pd
    >>> text = "The green bin on Elm Road was not collected again this week"
    >>> cases = pd.DataFrame({"case_id": ["A", "B"], "complainant_id": ["p1", "p2"],
    ...                       "received": pd.to_datetime(["2024-01-02", "2024-01-09"]), "text": [text, text]})
    >>> find_duplicates(cases, window_days=30).loc[1, ["duplicate_of", "duplicate_reason"]].tolist()
    ['A', 'near-identical text']
    """
    return DuplicateFinder(window_days=window_days, threshold=threshold, min_words=min_words).add(cases)
