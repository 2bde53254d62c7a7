"""Grouping levers of the theme finder's sixth design pass (benchmarks/results/themes_design.md), measured in-process.

    PYTHONPATH=. .venv/bin/python benchmarks/results/themes_levers.py '{}'                          # the shipped finder
    PYTHONPATH=. .venv/bin/python benchmarks/results/themes_levers.py '{"lever": "dissolve"}' --ari
    PYTHONPATH=. .venv/bin/python benchmarks/results/themes_levers.py '{"cls": "MergeSplit"}' --sets demo

The JSON names a class below ("cls", default "Lever") and sets its attributes; "k" sets the number of themes.
Same texts and measures as bench_themes.py (demo year, NHS 10k sample, NHS second sample; ARI on two pairs of
overlapping 90 % subsamples, numpy.random.default_rng(0)), plus two label-free figures:
* wcover: the share of all texts that use a phrase of their theme's name (the finder's own `cover`, size-weighted);
* names (demo only): themes other than "Other subjects" whose texts mostly (>= 50 %) come from generator topics of
  one service (Children's Services and Adult Social Care counted as one, social care): a mechanical stand-in for
  the hand count in docs/themes.md (7 on the shipped grouping, the same seven).
None of these levers is shipped: the figures are in themes_design.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.cluster import AgglomerativeClustering, KMeans
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.preprocessing import normalize

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
import rca.reports.themes.finder as F  # noqa: E402
from rca.reports.themes.naming import is_noun, is_noun_phrase, name_themes  # noqa: E402


def noun_cover(tf, labels, k):
    """Each group's share of texts using its best subject noun (names chosen on the noun matrix alone)."""
    B = (tf.noun_counts_ > 0).astype(np.float64).tocsr()
    _, _, cov = name_themes(B, tf.nouns_, labels, k)
    return np.array(cov)


def weighted_cover(tf, labels, k):
    cov = noun_cover(tf, labels, k)
    return float((cov * np.bincount(labels, minlength=k)).sum() / len(labels)), cov


def refit(Fm, labels, k, seed):
    init = np.vstack([Fm[labels == j].mean(axis=0) for j in range(k)])
    return KMeans(n_clusters=k, init=init, n_init=1, random_state=seed).fit(Fm)


def noun_profiles(tf, labels, k, wn):
    N = tf.noun_counts_ @ sparse.diags(wn)
    member = sparse.csr_matrix((np.ones(len(labels)), (labels, np.arange(len(labels)))), shape=(k, len(labels)))
    return normalize(np.asarray((member @ N).todense()))


class Lever(F.ThemeFinder):
    """The shipped finder with one step added after the re-weighting round `at` (None: after the last)."""

    lever = "none"
    at = None
    # dissolve
    only_other = True
    reassign_space = "F"
    split_space = "F"
    # merge
    over = 3
    linkage = "average"
    merge_space = "nouns"

    def _cluster(self, X, k):
        n = X.shape[0]
        if k == 1:
            return np.zeros(n, dtype=int), np.ones(n)
        w = np.ones(X.shape[1], dtype=np.float32)
        wn = np.ones(self.noun_counts_.shape[1], dtype=np.float32)
        labels = None
        for r in range(self.rounds + 1):
            Fm = self._combine(X, w, wn)
            if labels is None:
                km = KMeans(n_clusters=k, n_init=self.n_init, random_state=self.random_state).fit(Fm)
            else:
                init = np.vstack([Fm[labels == j].mean(axis=0) if (labels == j).any() else Fm[j] for j in range(k)])
                km = KMeans(n_clusters=k, init=init, n_init=1, random_state=self.random_state).fit(Fm)
            labels = km.labels_
            if r == self.at:
                labels, km = getattr(self, "_lever_" + self.lever)(Fm, labels, km, k, wn)
            if r < self.rounds and X.shape[1]:
                w = F.concentration(X, labels, k).astype(np.float32)
            if r < self.rounds and len(wn):
                wn = F.concentration(self.noun_counts_, labels, k).astype(np.float32)
        if self.at is None:
            labels, km = getattr(self, "_lever_" + self.lever)(Fm, labels, km, k, wn)
        centres = normalize(km.cluster_centers_)
        return labels, (Fm * centres[labels]).sum(axis=1)

    def _lever_none(self, Fm, labels, km, k, wn):
        return labels, km

    def _subject(self, wn):
        return normalize(np.asarray((self.noun_counts_ @ sparse.diags(wn)) @ self.noun_vectors_))

    def _lever_dissolve(self, Fm, labels, km, k, wn):
        """The group whose best noun covers fewest texts (when below 1 in 10: "Other subjects") goes to its texts'
        nearest other groups; the group whose name then covers fewest texts is split in two by 2-means; KMeans
        refits from those k groups."""
        cov = noun_cover(self, labels, k)
        worst = int(np.argmin(cov))
        if self.only_other and cov[worst] >= 0.1:
            return labels, km
        new = labels.copy()
        rows = np.flatnonzero(labels == worst)
        if self.reassign_space == "nouns":
            SV = self._subject(wn)
            C = normalize(np.vstack([SV[labels == j].mean(axis=0) for j in range(k)]))
            sims = SV[rows] @ C.T
        else:
            sims = Fm[rows] @ normalize(km.cluster_centers_).T
        sims[:, worst] = -np.inf
        new[rows] = sims.argmax(axis=1)
        cov = noun_cover(self, new, k)
        cov[worst] = np.inf
        trow = np.flatnonzero(new == int(np.argmin(cov)))
        G = Fm[trow] if self.split_space == "F" else self._subject(wn)[trow]
        two = KMeans(n_clusters=2, n_init=10, random_state=self.random_state).fit(G).labels_
        new[trow[two == 1]] = worst
        km = refit(Fm, new, k, self.random_state)
        return km.labels_, km

    def _lever_merge(self, Fm, labels, km, k, wn):
        """Over-cluster to `over` x k groups, merge them to k by the cosine of their subject-noun profiles
        (nouns weighted by their concentration in the fine groups), KMeans refits from the merged groups."""
        m = self.over * k
        lm = KMeans(n_clusters=m, n_init=3, random_state=self.random_state).fit(Fm).labels_
        P = noun_profiles(self, lm, m, F.concentration(self.noun_counts_, lm, m).astype(np.float32))
        if self.merge_space == "static":
            P = normalize(P @ self.noun_vectors_)
        merged = AgglomerativeClustering(n_clusters=k, metric="cosine", linkage=self.linkage).fit(P).labels_[lm]
        km = refit(Fm, merged, k, self.random_state)
        return km.labels_, km


class MergeSplit(Lever):
    """Merge the two groups with the most similar subject-noun profiles, split a group in two (2-means), refit;
    `target` "best": the split that raises the share of texts using their group's best noun most, repeated up to
    `steps` times while it rises; "lowest": the named group (cover >= 0.1) whose best noun covers fewest, once."""

    lever = "mergesplit"
    target = "best"
    steps = 3

    def _lever_mergesplit(self, Fm, labels, km, k, wn):
        best, cov = weighted_cover(self, labels, k)
        for _ in range(self.steps if self.target == "best" else 1):
            S = noun_profiles(self, labels, k, wn)
            S = S @ S.T
            np.fill_diagonal(S, -1)
            a, b = np.unravel_index(np.argmax(S), S.shape)
            merged = labels.copy()
            merged[merged == b] = a
            if self.target == "best":
                targets = [t for t in range(k) if t != b]
            else:
                cv = np.where((np.arange(k) == b) | (cov < 0.1), np.inf, cov)
                targets = [int(np.argmin(cv))]
            cands = []
            for t in targets:
                rows = np.flatnonzero(merged == t)
                if len(rows) < 4:
                    continue
                two = KMeans(n_clusters=2, n_init=3, random_state=self.random_state).fit(Fm[rows]).labels_
                new = merged.copy()
                new[rows[two == 1]] = b
                km2 = refit(Fm, new, k, self.random_state)
                cands.append((*weighted_cover(self, km2.labels_, k), km2))
            if not cands:
                break
            sc, c2, km2 = max(cands, key=lambda c: c[0])
            if self.target == "best" and sc <= best:
                break
            best, labels, km, cov = sc, km2.labels_, km2, c2
        return labels, km


class NounTerms(Lever):
    """TF-IDF terms kept only when every word is a noun (`keep` "noun") or when a noun phrase ("phrase")."""

    keep = "noun"

    def _features(self, sub, terms_in, embed_texts):
        keep = (lambda t: all(is_noun(w) for w in t.split())) if self.keep == "noun" else is_noun_phrase
        return super()._features(sub, [[t for t in ts if keep(t)] for ts in terms_in], embed_texts)


def load_sets() -> dict[str, pd.DataFrame]:
    from real_data import SHARED_DATA

    from rca.demo.data import COMMITTED, generate_demo

    demo = generate_demo(**COMMITTED)
    c = demo.cases.merge(demo.hidden[["case_id", "topic"]], on="case_id")
    base = c["case_type"].eq("Complaint") & c["stage"].astype(str).eq("1") & c["acceptability"].eq("Complaint")
    sets = {"demo": c[base & (c["received"] >= "2024-04-01") & (c["received"] < "2025-04-01")].reset_index(drop=True)}
    path = SHARED_DATA / "nhs-feedback" / "nhs_feedback_2009_2019.csv"
    if path.exists():
        full = pd.read_csv(path)
        full = full[full["theme"].notna()]
        first = full.sample(10_000, random_state=0)
        sets["nhs"] = first.reset_index(drop=True)
        sets["nhs2"] = full.drop(first.index).sample(10_000, random_state=1).reset_index(drop=True)
    return sets


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("variant", nargs="?", default="{}")
    ap.add_argument("--ari", action="store_true", help="also two pairs of overlapping 90 %% subsamples per set")
    ap.add_argument("--sets", default="demo,nhs,nhs2")
    args = ap.parse_args()
    var = json.loads(args.variant)
    cls, k = globals()[var.pop("cls", "Lever")], var.pop("k", 10)
    seen: dict = {}
    shipped = F.name_themes

    def spy(*a, **kw):
        r = shipped(*a, **kw)
        lab = a[2]
        seen["cover"] = dict(zip(r[0], np.round(r[2], 2).tolist()))
        seen["w"] = float((np.array(r[2]) * np.bincount(lab, minlength=a[3])).sum() / len(lab))
        return r

    F.name_themes = spy

    def fit(texts):
        tf = cls(k, random_state=42, n_quotes=0)
        for key, v in var.items():
            setattr(tf, key, v)
        return tf.fit(texts)

    sets = load_sets()
    out: dict = {"variant": args.variant}
    t0 = time.process_time()
    for s in args.sets.split(","):
        if s not in sets:
            continue
        df = sets[s]
        texts = df["text"].fillna("").astype(str).tolist()
        truth = df["topic"] if s == "demo" else df["theme"]
        tf = fit(texts)
        r: dict = {"nmi": round(normalized_mutual_info_score(truth, tf.assignment_), 3), "wcover": round(seen["w"], 4)}
        themes = []
        if s == "demo":
            svc = df.groupby("topic")["service"].agg(lambda x: x.value_counts().index[0])
            svc = svc.replace({"Children's Services": "Social care", "Adult Social Care": "Social care"})
            service = df["topic"].map(svc)
            names = 0
            for _, t in tf.themes_.iterrows():
                m = tf.assignment_ == t.theme_id
                top = service[m].value_counts(normalize=True)
                topics = df["topic"][m].value_counts(normalize=True).head(3)
                names += int(not t.theme.startswith(F.OTHER) and top.iloc[0] >= 0.5)
                themes.append(
                    f"{t.theme} {t.share_pct}% | {top.index[0]} {top.iloc[0]:.0%} | " + ", ".join(f"{i} {p:.0%}" for i, p in topics.items())
                )
            r["names"] = names
        else:
            themes = [f"{t.theme} {t.share_pct}%" for _, t in tf.themes_.iterrows()]
        r["themes"], r["cover"] = themes, seen["cover"]
        if args.ari:
            n, rng, pairs = len(texts), np.random.default_rng(0), []
            for _ in range(2):
                a = np.sort(rng.choice(n, int(0.9 * n), replace=False))
                b = np.sort(rng.choice(n, int(0.9 * n), replace=False))
                la, lb = fit([texts[i] for i in a]).assignment_, fit([texts[i] for i in b]).assignment_
                both = np.intersect1d(a, b)
                ma, mb = dict(zip(a, la)), dict(zip(b, lb))
                pairs.append(round(adjusted_rand_score([ma[i] for i in both], [mb[i] for i in both]), 3))
            r["ari"] = pairs
        out[s] = r
        print(s, json.dumps(r, ensure_ascii=False), flush=True)
    out["cpu_s"], out["load"] = round(time.process_time() - t0, 1), [round(x, 1) for x in os.getloadavg()]
    brief = {s: {x: v[x] for x in ("nmi", "names", "wcover", "ari") if x in v} for s, v in out.items() if isinstance(v, dict)}
    print("SUMMARY", json.dumps({"variant": args.variant, **brief, "cpu_s": out["cpu_s"], "load": out["load"]}))


if __name__ == "__main__":
    main()
