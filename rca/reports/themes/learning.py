"""A drafted "learning from complaints" section, built from what changed.

Order: themes whose share or count rose significantly, then newly emerging
themes (words that rose beyond chance, with the team they reach), then the
largest steady themes. For each: what it is about and where it goes (the
lead team's share in words true to the number: "most" only above half), the
uphold rate against the overall rate, the trend, the corrective actions
recorded against the theme's cases and a next step drawn from those actions.
Officers edit the draft rather than write it.

Example::

    drafts = draft_learning(cases, labels, period_mask=mask, themes=themes, changes=changes, emerging=em.clusters)
    drafts[["kind", "theme", "what", "evidence", "actions", "next_step"]]
"""

from __future__ import annotations

import pandas as pd

from rca.ingest.taxonomy import split_labels
from rca.reports.tables.common import NOT_RECORDED, pct, uphold_rate
from rca.reports.themes.section import UNASSIGNED

DRAFT = "[Draft — officer to edit]"
KIND_TITLE = {"rise": "Rising", "emerging": "Newly emerging", "largest": "Largest"}
# What a recorded corrective action suggests doing next, for a theme ({theme}) and its lead team ({team}).
ACTION_STEPS = {
    "arrange inspection": "inspections were the commonest remedy: check how long {team} takes to arrange one for {theme} and whether a first visit could settle more of them",
    "staff training or guidance": "staff training or guidance was recorded most: confirm it reached the {team} staff who handle {theme} and whether complaints fell afterwards",
    "letter of apology": "an apology was the commonest remedy: ask {team} what would stop {theme} complaints arising, not only how to answer them",
    "service put right": "{team} put the service right case by case: look for the common cause behind {theme} so it is fixed once",
    "information provided": "information was the commonest remedy: publish clearer information on {theme} (web pages, letters) so fewer people have to complain to get it",
    "process or policy change": "a process or policy change was recorded: check it is in place for {theme} and has reduced complaints",
    "financial remedy": "financial remedies were paid: review with {team} which failures on {theme} they paid for and how to prevent them",
}


def fmt_count(n: int, *, small: int = 0) -> str:
    """A count as text; with suppression on (`small` > 1), 1..small-1 read "fewer than {small}"."""
    n = int(n)
    if small > 1 and 0 < n < small:
        return f"fewer than {small}"
    return f"{n:,}"


def share_words(share: float) -> str:
    """How a lead share reads in a sentence: "most" only above half, "the largest share" otherwise."""
    return "Most went to" if share > 50 else "The largest share went to"


def _top(series: pd.Series, k: int = 3) -> list[tuple[str, int]]:
    vc = series.dropna().value_counts()
    vc = vc[vc.index != NOT_RECORDED]
    return [(str(i), int(v)) for i, v in vc.head(k).items()]


def _order(themes: pd.DataFrame, sizes: pd.Series, changes, year_changes, emerging, top: int) -> list[tuple[str, str]]:
    """(kind, name): significant rises first (largest rise first), then emerging themes, then the largest steady themes."""
    rises: dict[str, float] = {}
    for df, col in ((changes, "change_pts"), (year_changes, "change_pct")):
        if df is not None and len(df) and "direction" in df:
            for _, r in df[df["direction"].eq("rose")].iterrows():
                if r["theme"] in sizes.index:
                    rises[r["theme"]] = max(rises.get(r["theme"], 0.0), float(r.get(col, 0) or 0))
    out = [("rise", t) for t in sorted(rises, key=lambda t: (-rises[t], t))]
    if emerging is not None and len(emerging):
        out += [("emerging", str(n)) for n in emerging["name"]]
    known = [t for t in themes["theme"] if t in sizes.index and t not in rises]
    out += [("largest", t) for t in sorted(known, key=lambda t: (-int(sizes[t]), known.index(t)))]
    return out[: max(top, min(8, len([o for o in out if o[0] != "largest"])))]  # every change first, up to 8


def _next_step(kind: str, theme: str, team: str, acts: list[tuple[str, int]], *, window: str = "", latest: str = "") -> str:
    steps = []
    if kind == "rise":
        steps.append(f"find out what changed{' in ' + latest if latest else ''} to bring more complaints about {theme}")
    elif kind == "emerging":
        steps.append(
            f"this is new{' (' + window + ')' if window else ''}: ask {team} whether a change (a new system, schedule or policy) started it"
        )
    if acts:
        tmpl = ACTION_STEPS.get(acts[0][0].strip().lower())
        steps.append(
            tmpl.format(theme=theme, team=team)
            if tmpl
            else f'check with {team} that "{acts[0][0].lower()}", the commonest action recorded on {theme}, stopped these complaints recurring'
        )
    else:
        steps.append(f"no corrective actions are recorded on {theme}: ask {team} to record what was done on upheld complaints")
    text = "; ".join(steps)
    return f"{DRAFT} {text[:1].upper()}{text[1:]}."


def draft_learning(
    cases: pd.DataFrame,
    labels: pd.Series,
    *,
    period_mask: pd.Series,
    themes: pd.DataFrame,
    quotes: pd.DataFrame | None = None,
    changes: pd.DataFrame | None = None,
    year_changes: pd.DataFrame | None = None,
    top: int = 5,
    audience: str = "officers",
    by: str = "quarter",
    small: int = 0,
    no_trend: str | None = None,
    per_day: bool = False,
    emerging: pd.DataFrame | None = None,
    emerging_labels=None,
    emerging_window: str = "",
) -> pd.DataFrame:
    """One draft per theme that changed (rises, then emerging themes), then the largest steady themes up to `top` in all.

    `cases`: accepted stage 1 records of every period read (so actions on similar past cases count);
    `labels`: each case's theme (index aligned); `period_mask`: which cases fall in the report period;
    `emerging`: `Emerging.clusters` (name, context = team, latest/baseline shares, q_value) with `emerging_labels`
    (each case's emerging cluster name or ""); `small`: counts below it are written "fewer than {small}" and
    their shares are not given; `no_trend`: the sentence when there is no trend to report; `per_day`: year-on-year
    counts are compared per day covered.
    Returns a tidy frame: kind, theme, rank, cases, share_pct, uphold_rate_pct, what, evidence, trend, actions,
    next_step, quotes (list of redacted strings; empty for members).
    """
    members = audience == "members"
    pm = period_mask.to_numpy()
    in_p = cases[pm]
    lab_p = labels[pm]
    n_all = len(in_p)
    sizes = lab_p[lab_p.ne(UNASSIGNED)].value_counts()
    overall = uphold_rate(in_p["outcome"]) if "outcome" in in_p else (0, 0, None)
    em_labels = None if emerging_labels is None else pd.Series(list(emerging_labels), index=cases.index, dtype=object)
    rows = []
    for rank, (kind, theme) in enumerate(_order(themes, sizes, changes, year_changes, emerging, top), 1):
        if kind == "emerging":
            if em_labels is None:
                continue
            mask_all = em_labels.eq(theme).to_numpy()
            er = emerging[emerging["name"].eq(theme)].iloc[0]
        else:
            mask_all = labels.eq(theme).to_numpy()
        sub = cases[mask_all & pm]
        n = len(sub)
        if n == 0:
            continue
        share = pct(n, n_all)
        few = small > 1 and n < small  # shares of so few cases would give the count away
        what = [
            f"{fmt_count(n, small=small)} accepted complaints"
            + ("" if few else f" ({share:.1f}%)")
            + f" this period were about {theme.lower()}."
        ]
        svc = (
            _top(sub["team"] if "team" in sub and sub["team"].notna().any() else sub["service"])
            if ("team" in sub or "service" in sub)
            else []
        )
        team = er["context"] if kind == "emerging" and er.get("context") else (svc[0][0] if svc else "the service")
        if svc:
            lead, k = svc[0]
            what.append(f"{share_words(pct(k, n))} {lead}" + ("." if few else f" ({pct(k, n):.0f}%)."))
        rc = _top(sub["root_cause"]) if "root_cause" in sub else []
        if rc:
            what.append(f'Officers most often recorded the root cause as "{rc[0][0]}"' + ("." if few else f" ({pct(rc[0][1], n):.0f}%)."))
        evidence, uphold = [], None
        if "outcome" in sub:
            _, decided, rate = uphold_rate(sub["outcome"])
            if decided and not (small > 1 and decided < small):
                uphold = rate
                evidence.append(_uphold_sentence(rate, overall))
        if kind == "emerging":
            trend = (
                f"Its share rose to {er['latest_share_pct']:.1f}% of complaints in the latest period from {er['baseline_share_pct']:.1f}% "
                f"before ({q_text(er['q_value'])})."
            )
        else:
            trend = (
                _trend_text(theme, changes, year_changes, by=by, small=small, per_day=per_day)
                or no_trend
                or "Too little history to judge a trend."
            )
        sim = cases[mask_all]
        acts = []
        if "corrective_action" in sim:
            flat = pd.Series([a for v in sim["corrective_action"].to_numpy() for a in dict.fromkeys(split_labels(v))], dtype=object)
            acts = _top(flat, 3)
        actions = (
            (
                "Corrective actions recorded against these complaints: "
                + "; ".join(f"{a.lower()} ({fmt_count(k, small=small)})" for a, k in acts)
                + "."
            )
            if acts
            else "No corrective actions are recorded against these complaints."
        )
        latest = ""
        if changes is not None and len(changes) and theme in set(changes["theme"]):
            latest = str(changes[changes["theme"].eq(theme)].iloc[0]["latest_bin"])
        q = []
        if not members and quotes is not None and len(quotes) and kind != "emerging":
            q = list(quotes.loc[quotes["theme"].eq(theme), "quote"].head(2))
        rows.append(
            {
                "kind": kind,
                "theme": theme,
                "rank": rank,
                "cases": n,
                "share_pct": share,
                "uphold_rate_pct": uphold,
                "what": " ".join(what),
                "evidence": " ".join(evidence),
                "trend": trend,
                "actions": actions,
                "next_step": _next_step(kind, theme.lower(), team, acts, window=emerging_window, latest=latest),
                "quotes": q,
            }
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "kind",
            "theme",
            "rank",
            "cases",
            "share_pct",
            "uphold_rate_pct",
            "what",
            "evidence",
            "trend",
            "actions",
            "next_step",
            "quotes",
        ],
    )
    out["rank"] = range(1, len(out) + 1)
    return out


def _uphold_sentence(rate: float, overall: tuple) -> str:
    base = f"{rate:.0f}% of those decided were upheld or partly upheld"
    if overall[1] and overall[2] is not None:
        diff = rate - overall[2]
        word = "above" if diff >= 5 else "below" if diff <= -5 else "close to"
        return f"{base}, {word} the {overall[2]:.0f}% across all complaints this period."
    return base + "."


def q_text(q) -> str:
    """A q-value as read in a sentence: "q < 0.001" rather than "q = 0.000"."""
    return "q < 0.001" if q < 0.001 else f"q = {q:.3g}"


def _trend_text(
    theme: str, changes: pd.DataFrame | None, year_changes: pd.DataFrame | None, *, by: str, small: int, per_day: bool = False
) -> str:
    parts = []
    if changes is not None and len(changes) and theme in set(changes["theme"]):
        r = changes[changes["theme"].eq(theme)].iloc[0]
        word = {"rose": "rose significantly", "fell": "fell significantly", "steady": "changed no more than chance explains"}[
            r["direction"]
        ]
        parts.append(
            f"Its share in {r['latest_bin']} was {r['latest_share_pct']:.1f}% against {r['earlier_share_pct']:.1f}% in the earlier {by}s: it {word} ({q_text(r['q_value'])})."
        )
    if year_changes is not None and len(year_changes) and theme in set(year_changes["theme"]):
        r = year_changes[year_changes["theme"].eq(theme)].iloc[0]
        word = {"rose": "a significant rise", "fell": "a significant fall", "steady": "within what chance explains"}[r["direction"]]
        per = ", compared per day covered" if per_day else ""
        parts.append(
            f"Against the comparison period: {fmt_count(r['previous'], small=small)} → {fmt_count(r['current'], small=small)} ({word}{per})."
        )
    return " ".join(parts)
