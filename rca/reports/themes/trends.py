"""Trends by quarter (or month) and year: what rose or fell beyond what chance explains.

Two tests, both exact, both corrected for the number of themes tested with the
Benjamini–Hochberg procedure (false discovery rate 5%):

* share test — is a theme's share of complaints in the latest bin different from its
  share in the earlier bins? Two-sided Fisher's exact test on the 2 × 2 table
  (theme / other × latest / earlier).
* count test — did a count change between this period and the comparison period? Conditional
  binomial test of Poisson counts: given n = a + b, a is Binomial(n, ½) when the two rates are
  equal and the periods equally long, Binomial(n, t_a / (t_a + t_b)) when the data covers them
  for t_a and t_b days.

Frames out are tidy (one row per theme × bin, or per theme × test).

>>> labels = pd.Series(["Bins", "Bins", "Parking"])
>>> received = pd.Series(pd.to_datetime(["2024-04-02", "2024-07-09", "2024-07-10"]))
>>> counts = theme_counts(labels, received, by="quarter")
>>> counts[counts.theme == "Bins"].to_dict("records")[1]
{'theme': 'Bins', 'bin': '2024-25 Q2', 'count': 1, 'total': 2, 'share_pct': 50.0}
>>> share_changes(counts)[["theme", "change_pts", "direction"]].to_dict("records")   # three cases: nothing significant
[{'theme': 'Parking', 'change_pts': 50.0, 'direction': 'steady'}, {'theme': 'Bins', 'change_pts': -50.0, 'direction': 'steady'}]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from rca.reports.periods import bin_labels
from rca.reports.tables.common import pct

ALPHA = 0.05
SHARE_TEST = (
    "two-sided Fisher's exact test of each theme's share of complaints in the latest {by} against its share in the earlier {by}s, "
    "with the Benjamini–Hochberg correction for the number of themes tested (false discovery rate 5%)"
)
COUNT_TEST = (
    "two-sided exact test of two Poisson counts (conditional binomial test: p = ½ for two wholly covered periods, "
    "else each period's share of the days the data covers, so a part-covered period is compared per day), "
    "with the Benjamini–Hochberg correction for the number of themes tested (false discovery rate 5%)"
)


def bh(p_values) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values); NaN stays NaN."""
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        out[ok] = stats.false_discovery_control(p[ok], method="bh")
    return out


def theme_counts(labels: pd.Series, received: pd.Series, *, by: str = "quarter", bins: list[str] | None = None) -> pd.DataFrame:
    """Tidy counts: one row per theme × bin with count, total (all themes in the bin) and share_pct.
    `bins` fixes the bin list (missing bins appear as zeros); else the bins present, in order."""
    b = bin_labels(received, by)
    df = pd.DataFrame({"theme": labels.to_numpy(), "bin": b.to_numpy()}).dropna(subset=["bin"])
    if bins is None:
        bins = sorted(df["bin"].unique())
    df = df[df["bin"].isin(bins)]
    counts = df.groupby(["theme", "bin"]).size()
    themes = list(pd.Series(df["theme"]).value_counts().index)
    idx = pd.MultiIndex.from_product([themes, bins], names=["theme", "bin"])
    out = counts.reindex(idx, fill_value=0).rename("count").reset_index()
    totals = df.groupby("bin").size().reindex(bins, fill_value=0)
    out["total"] = out["bin"].map(totals).astype("int64")
    out["share_pct"] = pct(out["count"], out["total"])
    out["count"] = out["count"].astype("int64")
    return out


def share_changes(counts: pd.DataFrame, *, latest: str | None = None, alpha: float = ALPHA, min_total: int = 1) -> pd.DataFrame:
    """Test each theme's share in the latest bin against the earlier bins (Fisher exact, BH-corrected).

    Returns one row per theme: theme, latest_bin, latest_count, latest_share_pct, earlier_count,
    earlier_share_pct, change_pts, ratio, p_value, q_value, direction ("rose"/"fell"/"steady"), significant.
    """
    bins = list(dict.fromkeys(counts["bin"]))
    if len(bins) < 2:
        return pd.DataFrame(
            columns=[
                "theme",
                "latest_bin",
                "latest_count",
                "latest_share_pct",
                "earlier_count",
                "earlier_share_pct",
                "change_pts",
                "ratio",
                "p_value",
                "q_value",
                "direction",
                "significant",
            ]
        )
    latest = latest or bins[-1]
    rows = []
    tot_latest = int(counts.loc[counts["bin"].eq(latest), "total"].iloc[0])
    tot_earlier = int(counts.loc[~counts["bin"].eq(latest)].drop_duplicates("bin")["total"].sum())
    for theme, g in counts.groupby("theme", sort=False):
        a = int(g.loc[g["bin"].eq(latest), "count"].sum())
        c = int(g.loc[~g["bin"].eq(latest), "count"].sum())
        if tot_latest < min_total or tot_earlier < min_total or a + c == 0:
            p = np.nan
        else:
            p = stats.fisher_exact([[a, tot_latest - a], [c, tot_earlier - c]]).pvalue
        s_l = pct(a, tot_latest)
        s_e = pct(c, tot_earlier)
        ratio = (a / tot_latest) / (c / tot_earlier) if c and tot_latest and tot_earlier else (np.inf if a else np.nan)
        rows.append(
            {
                "theme": theme,
                "latest_bin": latest,
                "latest_count": a,
                "latest_share_pct": s_l,
                "earlier_count": c,
                "earlier_share_pct": s_e,
                "change_pts": round(float(s_l - s_e), 1) if not (np.isnan(s_l) or np.isnan(s_e)) else np.nan,
                "ratio": round(float(ratio), 2) if np.isfinite(ratio) else ratio,
                "p_value": p,
            }
        )
    out = pd.DataFrame(rows)
    out["q_value"] = bh(out["p_value"])
    out["significant"] = out["q_value"].lt(alpha).fillna(False).astype(bool)
    out["direction"] = np.where(~out["significant"], "steady", np.where(out["change_pts"] > 0, "rose", "fell"))
    return out.sort_values(["significant", "change_pts"], ascending=[False, False], kind="mergesort").reset_index(drop=True)


def count_changes(
    current: pd.Series, previous: pd.Series, *, alpha: float = ALPHA, exposure: tuple[float, float] | None = None
) -> pd.DataFrame:
    """Change of counts per theme between two periods: exact Poisson test, BH-corrected.

    `current` and `previous` are counts indexed by theme. `exposure`: (days covered in the current period,
    days covered in the previous one) when they differ; the test then asks whether the rate per day changed
    (binomial p = current days / all days) and change_pct is the change per day. None: equal periods (p = ½).
    Returns theme, previous, current, change_pct, p_value, q_value, direction, significant.
    """
    keys = list(current.index) + [k for k in previous.index if k not in current.index]
    cur = current.reindex(keys).fillna(0).astype(int)
    prev = previous.reindex(keys).fillna(0).astype(int)
    t_cur, t_prev = exposure if exposure is not None else (1.0, 1.0)
    if t_cur <= 0 or t_prev <= 0:
        raise ValueError(f"exposure must be two positive lengths, got {exposure!r}")
    p0 = t_cur / (t_cur + t_prev)
    ps = [stats.binomtest(int(a), int(a + b), p0).pvalue if a + b > 0 else np.nan for a, b in zip(cur, prev)]
    out = pd.DataFrame({"theme": keys, "previous": prev.to_numpy(), "current": cur.to_numpy()})
    scaled = out["current"].to_numpy(dtype=float) * t_prev / t_cur  # current count per day of the previous period's length
    out["change_pct"] = pct(scaled - out["previous"].to_numpy(dtype=float), out["previous"])
    out["p_value"] = ps
    out["q_value"] = bh(out["p_value"])
    out["significant"] = out["q_value"].lt(alpha).fillna(False).astype(bool)
    out["direction"] = np.where(~out["significant"], "steady", np.where(scaled > out["previous"].to_numpy(dtype=float), "rose", "fell"))
    return out


def slope(counts: pd.DataFrame) -> pd.Series:
    """Least-squares slope of each theme's share (percentage points per bin) over the bins."""
    res = {}
    for theme, g in counts.groupby("theme", sort=False):
        y = g["share_pct"].to_numpy(dtype=float)
        x = np.arange(len(y), dtype=float)
        ok = ~np.isnan(y)
        res[theme] = float(np.polyfit(x[ok], y[ok], 1)[0]) if ok.sum() >= 2 else np.nan
    return pd.Series(res, name="slope_pts_per_bin")


def watch_list(counts: pd.DataFrame, changes: pd.DataFrame | None = None, *, top: int = 5, min_count: int = 5) -> pd.DataFrame:
    """The fastest-rising themes: ranked by the rise of their share in the latest bin over the earlier bins,
    with the slope across all bins and whether the rise passed the test. Themes with fewer than
    `min_count` cases in the latest bin are left out (too few to call)."""
    changes = share_changes(counts) if changes is None else changes
    if changes.empty:
        return changes.assign(slope_pts_per_bin=[])
    sl = slope(counts)
    df = changes.copy()
    df["slope_pts_per_bin"] = df["theme"].map(sl).round(2)
    df = df[df["change_pts"].gt(0) & df["latest_count"].ge(min_count)]
    df = df.sort_values(["change_pts", "slope_pts_per_bin", "theme"], ascending=[False, False, True], kind="mergesort")
    return df.head(top).reset_index(drop=True)


def volume_series(
    received: pd.Series, groups: pd.Series | None = None, *, by: str = "quarter", bins: list[str] | None = None
) -> pd.DataFrame:
    """Tidy counts per bin (and group): group, bin, count. Use for the volume-over-time chart."""
    g = groups if groups is not None else pd.Series("All complaints", index=received.index)
    g = g.astype(object).where(g.notna(), "Not recorded")
    c = theme_counts(g, received, by=by, bins=bins)
    return c.rename(columns={"theme": "group"})[["group", "bin", "count"]]
