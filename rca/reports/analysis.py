"""The text analysis behind a report: themes found in the text, newly emerging
themes, trend tests, the watch list and the learning drafts, as tidy frames and
report tables. Assembly into sections is in `report_sections`.

Example::

    ta = analyse_text(prepare(cases, period=parse_period("2023-24")), settings=ReportSettings())
    ta.emerging.clusters   # what rose beyond chance in the latest quarter
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from rca.text.redact import redact
from rca.reports.themes import trends as tr
from rca.reports.themes.emerging import Emerging, find_emerging
from rca.reports.coverage import day
from rca.reports.themes.learning import draft_learning
from rca.reports.periods import bin_labels, bins_between
from rca.reports.settings import ReportSettings
from rca.reports.tables.common import NOT_RECORDED, Prepared, Table, pct
from rca.reports.themes.naming_config import theme_renames
from rca.reports.themes.section import UNASSIGNED, NoThemes, proper_nouns, text_themes

MIN_TEXTS = 30  # fewer accepted complaints with text than this: no themes from the text


@dataclass
class TextAnalysis:
    themes: pd.DataFrame = field(default_factory=pd.DataFrame)
    quotes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["theme_id", "theme", "rank", "case_id", "quote"]))
    labels: pd.Series | None = None
    counts: pd.DataFrame = field(default_factory=pd.DataFrame)
    changes: pd.DataFrame = field(default_factory=pd.DataFrame)
    year_changes: pd.DataFrame = field(default_factory=pd.DataFrame)
    service_changes: pd.DataFrame = field(default_factory=pd.DataFrame)
    cause_changes: pd.DataFrame = field(default_factory=pd.DataFrame)
    watch: pd.DataFrame = field(default_factory=pd.DataFrame)
    learning: pd.DataFrame = field(default_factory=pd.DataFrame)
    volume: pd.DataFrame = field(default_factory=pd.DataFrame)
    emerging: Emerging | None = None
    emerging_window: str = ""
    bins: list[str] = field(default_factory=list)
    coverage_notes: list[str] = field(default_factory=list)  # trend bins the data reaches only in part
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _bin_edges(ts: pd.Timestamp, by: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of the reporting bin holding `ts`."""
    ts = pd.Timestamp(ts).normalize()
    if by == "month":
        start = ts.replace(day=1)
        months = 1
    elif by == "quarter":
        fy_start = pd.Timestamp(year=ts.year if ts.month >= 4 else ts.year - 1, month=4, day=1)
        start = fy_start + pd.DateOffset(months=((ts.month - 4) % 12) // 3 * 3)
        months = 3
    else:
        start = pd.Timestamp(year=ts.year if ts.month >= 4 else ts.year - 1, month=4, day=1)
        months = 12
    return start, start + pd.DateOffset(months=months) - pd.Timedelta(days=1)


def _window(prep: Prepared, by: str) -> tuple[pd.Timestamp, list[str], list[str]]:
    """Start of the trend window, its bins, and notes on bins the data reaches only in part. Bins are cut to
    the data's first and last date received: a quarter before the export starts is not a quarter of zeros."""
    from rca.reports.coverage import EDGE_DAYS

    start = min(prep.period.start, prep.compare.start) if prep.compare else prep.period.start
    end = prep.period.end
    first, last = prep.span
    if pd.notna(first):
        start, end = max(start, first.normalize()), min(end, last)
    bins = bins_between(start, end, by) if start <= end else []
    if len(bins) < 2 and pd.notna(first):  # a single quarter: look back a year so there is something to compare with
        start = max(prep.period.start - pd.DateOffset(years=1), first.normalize())
        bins = bins_between(start, end, by) if start <= end else []
    notes = []
    if bins and pd.notna(first):
        b0, _ = _bin_edges(start, by)
        if (start - b0).days > EDGE_DAYS:
            notes.append(
                f"The earliest {by} in the trends ({bins[0]}) is covered by the data only from {day(start)}, so its counts are "
                f"for part of the {by}."
            )
        _, b1 = _bin_edges(end, by)
        if (b1 - end.normalize()).days > EDGE_DAYS:
            notes.append(
                f"The latest {by} in the trends ({bins[-1]}) is covered by the data only to {day(end)}, so its counts are "
                f"for part of the {by}; shares are comparable, counts are not."
            )
    if bins and prep.gaps:
        bins, more = _drop_missing(bins, start, end, prep.gaps, by)
        notes += more
    return start, bins, notes


def _drop_missing(bins: list[str], start, end, gaps, by: str) -> tuple[list[str], list[str]]:
    """Bins inside a stretch the export is missing (`Prepared.gaps`) are left out, not shown as zeros; bins
    partly in one are said to be."""
    from rca.reports.coverage import EDGE_DAYS

    edges: dict[str, tuple[pd.Timestamp, pd.Timestamp]] = {}
    for ts in pd.date_range(start.normalize(), pd.Timestamp(end).normalize(), freq="D"):
        lab = bin_labels(pd.Series([ts]), by).iloc[0]
        if lab not in edges:
            edges[lab] = (ts, ts)
        edges[lab] = (edges[lab][0], ts)
    gone, part = [], []
    for lab in bins:
        if lab not in edges:
            continue
        a, b = edges[lab]
        silent = sum(max(0, (min(b, g1) - max(a, g0)).days + 1) for g0, g1 in gaps)
        if silent >= (b - a).days + 1:
            gone.append(lab)
        elif silent > EDGE_DAYS:
            part.append(lab)
    notes = []
    if gone:
        notes.append(
            f"The trends leave out {', '.join(gone)}: the data holds no record in {'it' if len(gone) == 1 else 'them'}, "
            "read as missing from the export (see the note on coverage), not as a time without complaints."
        )
    if part:
        notes.append(
            f"{', '.join(part)} in the trends {'is' if len(part) == 1 else 'are'} covered by the data only in part (a stretch "
            f"with no record at all, read as missing from the export), so {'its' if len(part) == 1 else 'their'} counts are "
            f"for part of the {by}; shares are comparable, counts are not."
        )
    return [b for b in bins if b not in gone], notes


def _context(win: pd.DataFrame) -> list | None:
    """Who each complaint is about, most specific first (team, else service): emerging phrasings
    that mostly reach one team are one theme."""
    for col in ("team", "service"):
        if col in win and win[col].notna().mean() >= 0.5:
            return win[col].tolist()
    return None


def _emerging(
    win: pd.DataFrame, redacted: pd.Series, prep: Prepared, bins: list[str], by: str, settings: ReportSettings, names: set[str]
) -> tuple[Emerging | None, str]:
    """Emerging terms in the latest bin against the earlier bins (or the period against the comparison period)."""
    if settings.emerging_latest == "period" and prep.compare is not None:
        latest, baseline = win["_in_cur"].to_numpy(), win["_in_cmp"].to_numpy()
        window = f"{prep.period.label} against {prep.compare.label}"
    else:
        b = bin_labels(win["received"], by)
        last = [x for x in bins if (b == x).any()]
        if len(last) < 2:
            return None, ""
        latest = (b == last[-1]).to_numpy()
        baseline = (~latest) & b.notna().to_numpy()
        window = f"{last[-1]} against {last[0]} to {last[-2]}" if len(last) > 2 else f"{last[-1]} against {last[0]}"
    em = find_emerging(
        win["text"].fillna("").astype(str).tolist(),
        latest=latest,
        baseline=baseline,
        min_count=settings.emerging_min_count,
        min_ratio=settings.emerging_min_ratio,
        alpha=settings.emerging_alpha,
        n_quotes=settings.quotes,
        redacted=redacted.tolist(),
        names=names,
        context=_context(win),
    )
    return em, window


def analyse_text(
    prep: Prepared, *, by: str = "quarter", members: bool = False, settings: ReportSettings | None = None, seed: int = 42, small: int = 0
) -> TextAnalysis:
    """Themes (from the text), emerging themes, trend tests, watch list and learning drafts for accepted
    stage 1 complaints received from the start of the comparison period (or the report period) to its end."""
    settings = settings or ReportSettings()
    ta = TextAnalysis()
    f = prep.frame
    base = f["_complaint"] & f["_accepted"] & f["_stage"].eq("1")
    if prep.undated:  # no dates: themes over every record, no bins, trends or emerging themes
        win = f[base]
        bins: list[str] = []
        where = "in the file"
        ta.notes.append(
            "The export has no date received, so there are no trends, emerging themes or year-on-year changes; "
            "themes are found over all records, undated."
        )
    else:
        start, bins, ta.coverage_notes = _window(prep, by)
        win = f[base & (f["received"] >= start) & (f["received"] <= prep.period.end)]
        where = f"received from {day(start)} to {day(min(prep.period.end, prep.span[1]))}"
        ta.volume = tr.volume_series(win["received"], win["service"] if "service" in win else None, by=by, bins=bins)
    ta.bins = bins
    in_period = win["_in_cur"]
    if "service" in win and bins:
        svc = win["service"].astype(object).where(win["service"].notna(), NOT_RECORDED)
        ta.service_changes = tr.share_changes(tr.theme_counts(svc, win["received"], by=by, bins=bins))
    cause_col = (
        "root_cause"
        if "root_cause" in win and win["root_cause"].notna().any()
        else ("root_cause_predicted" if "root_cause_predicted" in win else None)
    )
    if cause_col and bins:
        causes = win[cause_col].astype(object).where(win[cause_col].notna(), NOT_RECORDED)
        ta.cause_changes = tr.share_changes(tr.theme_counts(causes, win["received"], by=by, bins=bins))
    n_text = int(win["text"].fillna("").astype(str).str.strip().ne("").sum()) if "text" in win else 0
    if n_text < MIN_TEXTS:
        if "text" not in f:
            why = "the export has no complaint text (`text` column)"
        elif prep.stage_unusable:
            why = "no record has a usable stage, so no record is known to be an accepted stage 1 complaint"
        else:
            why = f"only {n_text:,} accepted stage 1 complaints with text were {where}"
        ta.notes.append(
            f"Themes from the text need the complaint text on at least {MIN_TEXTS} accepted stage 1 complaints; {why}, "
            "so there are no text themes, emerging themes or learning drafts."
        )
        ta.tables = _tables(prep, ta, by, settings)
        return ta
    redacted = win["text"].map(lambda t: redact(t) if isinstance(t, str) else "")
    names = proper_nouns(redacted.tolist())  # capitalised mid-sentence words: never theme names or terms
    try:
        themes, quotes, labels = text_themes(
            win,
            n_themes=settings.n_themes,
            seed=seed,
            n_quotes=settings.quotes,
            quote_mask=in_period.to_numpy(),
            redacted=redacted,
            names=names,
            renames=theme_renames(prep.config),
        )
    except NoThemes:
        ta.notes.append(
            f"The text of the {n_text:,} accepted stage 1 complaints {where} has too few distinct words to find themes "
            "(the same wording on nearly every record, e.g. a placeholder), so there are no text themes, emerging themes "
            "or learning drafts."
        )
        ta.tables = _tables(prep, ta, by, settings)
        return ta
    ta.labels = labels
    if bins:
        ta.counts = tr.theme_counts(labels, win["received"], by=by, bins=bins)
        tested = ta.counts[ta.counts["theme"].ne(UNASSIGNED)]
        ta.changes = tr.share_changes(tested)
        ta.watch = tr.watch_list(tested, ta.changes, min_count=settings.watch_min_count)
    if prep.compare is not None:
        cur = labels[in_period.to_numpy()].value_counts()
        prev = labels[win["_in_cmp"].to_numpy()].value_counts()
        exposure = (prep.coverage["cur"].covered_days, prep.coverage["cmp"].covered_days) if prep.per_day else None
        ta.year_changes = tr.count_changes(cur.drop(UNASSIGNED, errors="ignore"), prev.drop(UNASSIGNED, errors="ignore"), exposure=exposure)
    size_p = labels[in_period.to_numpy()].value_counts()  # sizes in the report period, not the whole window
    themes["size"] = themes["theme"].map(size_p).fillna(0).astype("int64")
    themes["share_pct"] = pct(themes["size"], int(in_period.sum()))
    if bins:
        direction = dict(zip(ta.changes["theme"], ta.changes["direction"])) if len(ta.changes) else {}
        themes["trend"] = themes["theme"].map(direction).fillna("")
    ta.themes = themes.sort_values(["size", "theme_id"], ascending=[False, True]).reset_index(drop=True)
    ta.quotes = quotes.iloc[0:0] if members else quotes
    if not prep.undated:
        ta.emerging, ta.emerging_window = _emerging(win, redacted, prep, bins, by, settings, names)
    if ta.emerging is not None and members:
        ta.emerging.quotes = ta.emerging.quotes.iloc[0:0]
    ta.learning = draft_learning(
        win,
        labels,
        period_mask=in_period,
        themes=ta.themes,
        quotes=None if members else quotes,
        changes=ta.changes,
        year_changes=ta.year_changes if len(ta.year_changes) else None,
        audience="members" if members else "officers",
        by=by,
        small=small,
        no_trend="The export has no dates, so no trend can be judged." if prep.undated else None,
        per_day=prep.per_day,
        emerging=None if ta.emerging is None else ta.emerging.clusters,
        emerging_labels=None if ta.emerging is None else ta.emerging.labels,
        emerging_window=ta.emerging_window,
    )
    ta.tables = _tables(prep, ta, by, settings)
    return ta


def _sig(q) -> float:
    """A q-value to 3 significant figures (never rounded to 0: the renderers print tiny ones as "<0.001")."""
    return float(f"{q:.3g}") if pd.notna(q) else np.nan


def _tables(prep: Prepared, ta: TextAnalysis, by: str, settings: ReportSettings) -> list[Table]:
    out = []
    t = ta.themes
    if len(t):
        cols = {
            "theme": "Theme",
            "size": "Complaints",
            "share_pct": "% of complaints",
            "top_service": "Main service",
            "top_root_cause": "Most recorded root cause",
            "trend": f"Latest {by}",
            "terms": "Key phrases",
        }
        df = t[[c for c in cols if c in t]].rename(columns=cols)
        out.append(
            Table(
                "text_themes",
                "Themes found in the complaint text",
                df,
                counts=("Complaints",),
                pct={"% of complaints": "Complaints"},
                note="Themes found in the redacted text of accepted stage 1 complaints without using any labels (phrase TF-IDF times "
                f"static word vectors, KMeans, seed {prep.config.seed}); each complaint is counted under its nearest theme. "
                f"Names are the noun phrases that most set each theme apart ([themes] names renames them). Counts are for {prep.period.label}.",
            )
        )
    em = ta.emerging
    if em is not None:
        c = em.clusters
        d = c[
            ["name", "context", "terms", "latest_count", "latest_share_pct", "baseline_count", "baseline_share_pct", "ratio", "q_value"]
        ].copy()
        d["q_value"] = d["q_value"].map(_sig)
        d.columns = [
            "Emerging theme",
            "Mostly about",
            "Words and phrases",
            "Latest",
            "Latest share %",
            "Baseline",
            "Baseline share %",
            "Times baseline share",
            "q-value",
        ]
        if not d["Mostly about"].astype(str).str.strip().ne("").any():
            d = d.drop(columns="Mostly about")
        note = (
            f"Window: {ta.emerging_window} ({em.n_latest:,} and {em.n_baseline:,} accepted stage 1 complaints); {em.n_tested:,} words and "
            f"phrases tested. Test: {em.describe_test()}."
        )
        if c.empty:
            note = "No word or phrase rose beyond chance. " + note
        out.append(
            Table(
                "emerging_themes",
                "Newly emerging themes",
                d,
                counts=("Latest", "Baseline"),
                pct={"Latest share %": "Latest", "Baseline share %": "Baseline", "Times baseline share": ("Latest", "Baseline")},
                bases={"Latest share %": em.n_latest, "Baseline share %": em.n_baseline},
                note=note,
            )
        )
    for key, title, ch_df in (
        ("theme_changes", f"Themes: latest {by} against the earlier {by}s", ta.changes),
        ("service_changes", f"Services: latest {by} against the earlier {by}s", ta.service_changes),
        ("root_cause_changes", f"Root causes: latest {by} against the earlier {by}s", ta.cause_changes),
    ):
        if ch_df is None or ch_df.empty:
            continue
        d = ch_df[
            ["theme", "latest_count", "latest_share_pct", "earlier_count", "earlier_share_pct", "change_pts", "q_value", "direction"]
        ].copy()
        d["q_value"] = d["q_value"].map(_sig)
        label = {"theme_changes": "Theme", "service_changes": "Service", "root_cause_changes": "Root cause"}[key]
        d.columns = [label, f"Latest {by}", "Latest share %", f"Earlier {by}s", "Earlier share %", "Change (points)", "q-value", "Verdict"]
        out.append(
            Table(
                key,
                title,
                d,
                counts=(f"Latest {by}", f"Earlier {by}s"),
                pct={"Latest share %": None, "Earlier share %": None, "Change (points)": None},
                note=f"Latest {by}: {ch_df['latest_bin'].iloc[0]}. Test: {tr.SHARE_TEST.format(by=by)}. 'rose' / 'fell' only when q < 0.05.",
            )
        )
    if len(ta.watch):
        w = ta.watch[
            ["theme", "latest_count", "latest_share_pct", "earlier_share_pct", "change_pts", "slope_pts_per_bin", "significant"]
        ].copy()
        w["significant"] = np.where(w["significant"], "yes", "not yet")
        w.columns = [
            "Theme",
            f"Latest {by}",
            "Latest share %",
            "Earlier share %",
            "Change (points)",
            f"Slope (points per {by})",
            "Beyond chance?",
        ]
        out.append(
            Table(
                "watch_list",
                "Watch list: fastest-rising themes",
                w,
                counts=(f"Latest {by}",),
                pct={"Latest share %": None, "Earlier share %": None, "Change (points)": None},
                note=f"Themes whose share rose most in the latest {by}, with at least {settings.watch_min_count} complaints in it. "
                "A theme can be worth watching before the rise passes the test.",
            )
        )
    if len(ta.year_changes):
        y = ta.year_changes[["theme", "previous", "current", "change_pct", "q_value", "direction"]].copy()
        y["q_value"] = y["q_value"].map(_sig)
        y.columns = ["Theme", prep.compare.label, prep.period.label, prep.change_col, "q-value", "Verdict"]
        out.append(
            Table(
                "theme_year_changes",
                f"Themes: {prep.period.label} against {prep.compare.label}",
                y,
                counts=(prep.compare.label, prep.period.label),
                pct={prep.change_col: None},
                note=f"Test: {tr.COUNT_TEST}." + prep.change_note(),
            )
        )
    return out
