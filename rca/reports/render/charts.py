"""Charts as PNG bytes (matplotlib, Agg canvas, no pyplot state), drawn from the
report's tables. Colours are the Okabe–Ito palette (safe for colour-blind readers).

In the members' version a category whose count is suppressed (e.g. "<5") is left out
of the chart and the chart says so, so no bar gives away a small number.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import pandas as pd

PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
DPI = 96


@dataclass
class Chart:
    key: str
    title: str
    png: bytes
    alt: str
    note: str = ""


def _fig(height: float = 3.4, width: float = 7.2):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


PNG_COLOURS = 64  # colours kept in a chart's PNG: a line or bar chart needs few, and the page carries every chart inline


def _png(fig) -> bytes:
    """The figure as a PNG with an adaptive palette (a third of the bytes of full colour, the same picture)."""
    from PIL import Image

    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    img = (
        Image.open(io.BytesIO(buf.getvalue()))
        .convert("RGB")
        .quantize(colors=PNG_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    )
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _style(ax) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=8)


def _numeric(df: pd.DataFrame, cols: list[str]) -> tuple[pd.DataFrame, int]:
    """Rows whose `cols` are all numbers (suppressed "<5" cells drop the row); returns (rows, dropped)."""
    ok = pd.Series(True, index=df.index)
    for c in cols:
        ok &= pd.to_numeric(df[c], errors="coerce").notna() | df[c].isna()
    out = df[ok].copy()
    for c in cols:
        out[c] = pd.to_numeric(out[c], errors="coerce").fillna(0)
    return out, int((~ok).sum())


def _short(label: str, n: int = 34) -> str:
    s = str(label)
    return s if len(s) <= n else s[: n - 1] + "…"


def hbar(
    key: str,
    title: str,
    df: pd.DataFrame,
    label_col: str,
    value_cols: list[str],
    *,
    xlabel: str = "Complaints",
    limit: int = 15,
    target: float | None = None,
) -> Chart | None:
    """Horizontal bars, one series per value column (largest category on top)."""
    if df is None or df.empty:
        return None
    rows = df[~df[label_col].astype(str).isin(["Total", "All services", "All first contacts"])]
    rows, dropped = _numeric(rows, value_cols)
    rows = rows.head(limit)
    if rows.empty:
        return None
    fig = _fig(height=max(2.2, 0.32 * len(rows) * max(1, len(value_cols) * 0.6) + 1.0))
    ax = fig.add_subplot(111)
    y = np.arange(len(rows))
    h = 0.8 / len(value_cols)
    for i, col in enumerate(value_cols):
        ax.barh(
            y + (i - (len(value_cols) - 1) / 2) * h,
            rows[col].to_numpy(dtype=float),
            height=h,
            color=PALETTE[i % len(PALETTE)],
            label=str(col),
        )
    ax.set_yticks(y, [_short(v) for v in rows[label_col]])
    ax.invert_yaxis()
    ax.set_xlabel(xlabel, fontsize=8)
    if target is not None:
        ax.axvline(target, color="#555555", linestyle="--", linewidth=1)
        ax.text(target, -0.6, f" target {target:g}", fontsize=7, color="#555555", va="bottom")
    if len(value_cols) > 1:
        ax.legend(fontsize=7, frameon=False, loc="lower right")
    _style(ax)
    note = f"{dropped} categories with suppressed small counts are not shown." if dropped else ""
    alt = f"{title}: " + "; ".join(f"{r[label_col]} {', '.join(f'{r[c]:g}' for c in value_cols)}" for _, r in rows.iterrows())
    return Chart(key, title, _png(fig), alt[:600], note)


def stacked(key: str, title: str, df: pd.DataFrame, label_col: str, parts: list[str]) -> Chart | None:
    """Stacked horizontal bars of shares (each row sums to 100%)."""
    if df is None or df.empty:
        return None
    parts = [p for p in parts if p in df]
    rows, dropped = _numeric(df, parts)
    if rows.empty:
        return None
    vals = rows[parts].to_numpy(dtype=float)
    tot = vals.sum(axis=1, keepdims=True)
    share = np.divide(100 * vals, tot, out=np.zeros_like(vals), where=tot > 0)
    fig = _fig(height=max(2.0, 0.45 * len(rows) + 1.2))
    ax = fig.add_subplot(111)
    left = np.zeros(len(rows))
    y = np.arange(len(rows))
    for i, p in enumerate(parts):
        ax.barh(y, share[:, i], left=left, color=PALETTE[i % len(PALETTE)], label=p, height=0.6)
        left += share[:, i]
    ax.set_yticks(y, [_short(v) for v in rows[label_col]])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of records with an outcome", fontsize=8)
    ax.legend(fontsize=7, frameon=False, ncol=min(5, len(parts)), loc="upper center", bbox_to_anchor=(0.5, -0.25))
    _style(ax)
    note = f"{dropped} rows with suppressed small counts are not shown." if dropped else ""
    return Chart(key, title, _png(fig), f"{title}, shares by {label_col.lower()}", note)


def lines(
    key: str, title: str, tidy: pd.DataFrame, *, group: str, x: str = "bin", y: str = "count", ylabel: str = "Complaints", limit: int = 6
) -> Chart | None:
    """One line per group over the bins (tidy input)."""
    if tidy is None or tidy.empty:
        return None
    groups = list(dict.fromkeys(tidy[group]))[:limit]
    bins = list(dict.fromkeys(tidy[x]))
    if len(bins) < 2:
        return None
    fig = _fig(height=3.2)
    ax = fig.add_subplot(111)
    for i, g in enumerate(groups):
        s = tidy[tidy[group].eq(g)].set_index(x)[y].reindex(bins)
        ax.plot(range(len(bins)), s.to_numpy(dtype=float), marker="o", markersize=3, color=PALETTE[i % len(PALETTE)], label=_short(g, 40))
    step = max(1, len(bins) // 12)
    ax.set_xticks(range(0, len(bins), step), [bins[i] for i in range(0, len(bins), step)], rotation=30, ha="right")
    ax.set_ylabel(ylabel, fontsize=8)
    ax.set_ylim(bottom=0)
    if len(groups) > 1:
        ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    _style(ax)
    return Chart(key, title, _png(fig), f"{title}: {', '.join(map(str, groups))} across {bins[0]} to {bins[-1]}")
