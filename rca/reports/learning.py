"""A drafted "learning from complaints" section: for the top themes, what is going
wrong, the evidence (counts, trend, quotes) and the corrective actions recorded
against similar cases. Officers edit the draft rather than write it.

>>> # drafts = draft_learning(cases, labels, themes=themes, quotes=quotes, changes=changes)
>>> # drafts[["theme", "what", "evidence", "actions", "next_step"]]
"""
from __future__ import annotations

import pandas as pd

from ..taxonomy import split_labels
from .tables_common import NOT_RECORDED, pct, uphold_rate
from .themes import UNASSIGNED


def fmt_count(n: int, *, small: int = 0) -> str:
    """A count as text; with suppression on (`small` > 1), 1..small-1 read "fewer than {small}"."""
    n = int(n)
    if small > 1 and 0 < n < small:
        return f"fewer than {small}"
    return f"{n:,}"


def _top(series: pd.Series, k: int = 3) -> list[tuple[str, int]]:
    vc = series.dropna().value_counts()
    vc = vc[vc.index != NOT_RECORDED]
    return [(str(i), int(v)) for i, v in vc.head(k).items()]


def draft_learning(cases: pd.DataFrame, labels: pd.Series, *, period_mask: pd.Series, themes: pd.DataFrame,
                   quotes: pd.DataFrame | None = None, changes: pd.DataFrame | None = None, year_changes: pd.DataFrame | None = None,
                   top: int = 5, audience: str = "officers", by: str = "quarter", small: int = 0,
                   no_trend: str | None = None, per_day: bool = False) -> pd.DataFrame:
    """One draft per top theme (largest in the period first).

    `cases`: accepted stage 1 records of every period read (so actions on similar past cases count);
    `labels`: each case's theme (index aligned); `period_mask`: which cases fall in the report period;
    `small`: counts below it are written "fewer than {small}" and shares of them are not given (0: no suppression);
    `no_trend`: the sentence when there is no trend to report; `per_day`: year-on-year counts are compared per
    day covered (the periods are not both wholly covered).
    Returns a tidy frame: theme, rank, cases, share_pct, uphold_rate_pct, what, evidence, trend, actions,
    next_step, quotes (list of redacted strings; empty for members).
    """
    members = audience == "members"
    in_p = cases[period_mask.to_numpy()]
    lab_p = labels[period_mask.to_numpy()]
    n_all = len(in_p)
    sizes = lab_p[lab_p.ne(UNASSIGNED)].value_counts()
    order = [t for t in themes["theme"] if t in sizes.index]
    order = sorted(order, key=lambda t: (-int(sizes[t]), order.index(t)))[:top]
    rows = []
    for rank, theme in enumerate(order, 1):
        sub = in_p[lab_p.eq(theme).to_numpy()]
        n = len(sub)
        share = pct(n, n_all)
        few = small > 1 and n < small  # shares of so few cases would give the count away
        what = [f"{fmt_count(n, small=small)} accepted complaints" + ("" if few else f" ({share:.1f}%)") + f" this period were about {theme.lower()}."]
        svc = _top(sub["service"]) if "service" in sub else []
        if svc:
            lead, k = svc[0]
            what.append(f"Most came to {lead}" + ("." if few else f" ({pct(k, n):.0f}%)."))
        rc = _top(sub["root_cause"]) if "root_cause" in sub else []
        if rc:
            what.append(f"Officers most often recorded the root cause as \"{rc[0][0]}\"" + ("." if few else f" ({pct(rc[0][1], n):.0f}%)."))
        evidence = []
        uphold = None
        if "outcome" in sub:
            up, decided, rate = uphold_rate(sub["outcome"])
            if decided and not (small > 1 and decided < small):
                uphold = rate
                evidence.append(f"{uphold:.0f}% of those decided were upheld or partly upheld.")
        trend = _trend_text(theme, changes, year_changes, by=by, small=small, per_day=per_day) or no_trend or "Too little history to judge a trend."
        sim = cases[labels.eq(theme).to_numpy()]
        acts = []
        if "corrective_action" in sim:
            flat = pd.Series([a for v in sim["corrective_action"].to_numpy() for a in dict.fromkeys(split_labels(v))], dtype=object)
            acts = _top(flat, 3)
        if acts:
            actions = "Corrective actions recorded against similar cases: " + "; ".join(
                f"{a.lower()} ({fmt_count(k, small=small)})" for a, k in acts) + "."
        else:
            actions = "No corrective actions are recorded against similar cases."
        next_step = (f"[Draft — officer to edit] Agree with {svc[0][0] if svc else 'the service'} what would stop these complaints arising, "
                     f"check that the actions above were carried out, and report back on {theme.lower()} at the next quarterly review.")
        q = []
        if not members and quotes is not None and len(quotes):
            q = list(quotes.loc[quotes["theme"].eq(theme), "quote"].head(2))
        rows.append({"theme": theme, "rank": rank, "cases": n, "share_pct": share, "uphold_rate_pct": uphold,
                     "what": " ".join(what), "evidence": " ".join(evidence), "trend": trend, "actions": actions,
                     "next_step": next_step, "quotes": q})
    return pd.DataFrame(rows, columns=["theme", "rank", "cases", "share_pct", "uphold_rate_pct", "what", "evidence", "trend",
                                       "actions", "next_step", "quotes"])


def q_text(q) -> str:
    """A q-value as read in a sentence: "q < 0.001" rather than "q = 0.000"."""
    return "q < 0.001" if q < 0.001 else f"q = {q:.3g}"


def _trend_text(theme: str, changes: pd.DataFrame | None, year_changes: pd.DataFrame | None, *, by: str, small: int,
                per_day: bool = False) -> str:
    parts = []
    if changes is not None and len(changes) and theme in set(changes["theme"]):
        r = changes[changes["theme"].eq(theme)].iloc[0]
        word = {"rose": "rose significantly", "fell": "fell significantly", "steady": "changed no more than chance explains"}[r["direction"]]
        parts.append(f"Its share in {r['latest_bin']} was {r['latest_share_pct']:.1f}% against {r['earlier_share_pct']:.1f}% in the earlier {by}s: it {word} ({q_text(r['q_value'])}).")
    if year_changes is not None and len(year_changes) and theme in set(year_changes["theme"]):
        r = year_changes[year_changes["theme"].eq(theme)].iloc[0]
        word = {"rose": "a significant rise", "fell": "a significant fall", "steady": "within what chance explains"}[r["direction"]]
        per = ", compared per day covered" if per_day else ""
        parts.append(f"Against the comparison period: {fmt_count(r['previous'], small=small)} → {fmt_count(r['current'], small=small)} ({word}{per}).")
    return " ".join(parts)
