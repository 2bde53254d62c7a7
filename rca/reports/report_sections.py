"""The assembly of tables, charts, prose and quotes into report sections.
The text analysis is in `analysis`; rendering to HTML / Word / Excel in the render_* modules."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from rca.reports.render import charts as ch
from rca.reports.themes import trends as tr
from rca.reports.analysis import TextAnalysis
from rca.reports.render.layout import changes_in_words, place
from rca.reports.themes.learning import fmt_count
from rca.reports.tables.catalogue import SECTIONS
from rca.reports.tables.common import Prepared, Table, suppress


@dataclass
class Section:
    """A report section as a list of blocks: ("p", text), ("h3", text), ("h4", text), ("table", Table),
    ("chart", Chart), ("quote", text), ("list", [text]), ("note", text)."""

    key: str
    title: str
    blocks: list[tuple[str, object]] = field(default_factory=list)

    def add(self, kind: str, value: object) -> None:
        if value is not None:
            self.blocks.append((kind, value))


# ------------------------------------------------------------------ assembly


def _has_small(counts: pd.Series, small: int) -> bool:
    return bool(((counts > 0) & (counts < small)).any())


def _charts(groups: dict[str, list[Table]], ta: TextAnalysis, prep: Prepared, *, small: int, by: str) -> dict[str, ch.Chart]:
    """Charts drawn from the (already suppressed) tables; trend lines with a suppressed count are left out."""
    t = {tb.key: tb for v in groups.values() for tb in v}
    out: dict[str, ch.Chart] = {}
    cur = prep.period.label
    cmp_ = [prep.compare.label] if prep.compare else []

    def ok(key):
        return key in t and t[key].ok

    if ok("volumes_by_service"):
        out["volumes_by_service"] = ch.hbar(
            "volumes_by_service", "Accepted stage 1 complaints by service", t["volumes_by_service"].data, "Service", cmp_ + [cur]
        )
    if ok("acceptance"):
        d = t["acceptance"].data
        out["acceptance"] = ch.hbar(
            "acceptance", "Contacts not accepted, by reason", d[d["Decision"].eq("Not accepted")], "Reason", ["Count"]
        )
    if ok("channels"):
        out["channels"] = ch.hbar("channels", "First contacts by channel", t["channels"].data, "Channel", cmp_ + [cur])
    if ok("wards"):
        d = t["wards"].data
        col = "Per 1,000 residents" if "Per 1,000 residents" in d else "Complaints"
        out["wards"] = ch.hbar("wards", f"Complaints by ward ({col.lower()})", d, "Ward", [col], xlabel=col)
    if ok("on_time_by_stage"):
        out["on_time"] = ch.hbar(
            "on_time", "Responses on time by stage (%)", t["on_time_by_stage"].data, "Stage", ["% on time"], xlabel="% on time", target=90
        )
    if ok("escalation_by_service"):
        out["escalation"] = ch.hbar(
            "escalation",
            "Escalation rate to stage 2 by service (%)",
            t["escalation_by_service"].data,
            "Service",
            ["Escalation rate %"],
            xlabel="%",
        )
    if ok("outcomes_by_stage"):
        out["outcomes"] = ch.stacked(
            "outcomes",
            "Outcomes by stage",
            t["outcomes_by_stage"].data,
            "Stage",
            ["Upheld", "Partly upheld", "Not upheld", "Resolved on receipt", "Withdrawn"],
        )
    if ok("root_causes"):
        out["root_causes"] = ch.hbar("root_causes", "Recorded root causes", t["root_causes"].data, "Root cause", cmp_ + [cur])
    if ok("corrective_actions"):
        out["corrective_actions"] = ch.hbar(
            "corrective_actions", "Corrective actions recorded", t["corrective_actions"].data, "Corrective action", [cur]
        )
    vol = ta.volume
    if len(vol):
        totals = vol.groupby("bin", sort=False)["count"].sum().reset_index().assign(group="All services")
        top = list(vol.groupby("group")["count"].sum().sort_values(ascending=False).index[:5])
        series = pd.concat([totals, vol[vol["group"].isin(top)]], ignore_index=True)
        if small > 1:
            hide = series.groupby("group")["count"].apply(_has_small, small=small)
            series = series[~series["group"].map(hide)]
        out["volume_trend"] = ch.lines("volume_trend", f"Accepted stage 1 complaints by {by}", series, group="group")
    if len(ta.counts):
        top = [x for x in ta.themes["theme"].head(6)]
        tc = ta.counts[ta.counts["theme"].isin(top)].copy()
        if small > 1:
            hide = tc.groupby("theme")["count"].apply(_has_small, small=small)
            tc = tc[~tc["theme"].map(hide)]
        tc["theme"] = pd.Categorical(tc["theme"], categories=top, ordered=True)
        tc = tc.sort_values(["theme"], kind="mergesort").astype({"theme": object})
        out["theme_trend"] = ch.lines(
            "theme_trend", f"Largest themes: share of complaints by {by} (%)", tc, group="theme", y="share_pct", ylabel="% of complaints"
        )
    return {k: v for k, v in out.items() if v is not None}


def _shown(x) -> bool:
    """A figure the reader is shown as a number (not suppressed, not missing)."""
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool) and not np.isnan(float(x))


def _summary_text(prep: Prepared, groups: dict[str, list[Table]], *, small: int) -> list[str]:
    kf = groups["summary"][0].data
    cur = prep.period.label
    v = dict(zip(kf["Measure"], kf[cur]))
    prev = dict(zip(kf["Measure"], kf[prep.compare.label])) if prep.compare else {}

    def n(x):
        if isinstance(x, (int, np.integer)):
            return fmt_count(x, small=small)
        if isinstance(x, str) and x.startswith("<"):
            return f"fewer than {x[1:]}"
        return None  # withheld ("[c]") or not given

    when = "Across all records in the file (they carry no date received)" if prep.undated else f"In {cur}"
    paras = []
    first, acc = n(v.get("First contacts")), n(v.get("Accepted complaints (stage 1)"))
    if prep.stage_unusable:
        paras.append(
            f"{when} no complaint record has a usable stage, so first contacts, acceptance and the figures by stage "
            "cannot be given (see the note above)."
        )
    elif first is not None:
        paras.append(
            f"{when} the council received {first} first contacts about complaints"
            + (f" and accepted {acc} of them into the complaints procedure at stage 1." if acc is not None else ".")
        )
        a_cur, a_prev = v.get("Accepted complaints (stage 1)"), prev.get("Accepted complaints (stage 1)")
        if prev and _shown(a_cur) and _shown(a_prev) and a_prev:
            ch_ = float(prep.change_pct(a_cur, a_prev))
            if prep.per_day:
                c, p = prep.coverage["cur"], prep.coverage["cmp"]
                paras[-1] += (
                    f" Per day covered that is {abs(ch_):.1f}% {'more' if ch_ >= 0 else 'fewer'} than in {prep.compare.label} "
                    f"({n(a_prev)} over the {p.covered_days:,} days of it the data covers, against {n(a_cur)} over "
                    f"{c.covered_days:,} days); the counts themselves are not comparable."
                )
            else:
                paras[-1] += f" That is {abs(ch_):.1f}% {'more' if ch_ >= 0 else 'fewer'} than in {prep.compare.label} ({n(a_prev)})."
    bits = []
    for s in ("1", "2"):
        x = v.get(f"Stage {s} on time %")
        if _shown(x):
            bits.append(f"{x:.1f}% of stage {s} responses were sent on time")
    if bits:
        paras.append("; ".join(bits).capitalize() + ", against a target of 90% (a complaint still open past its due date counts as late).")
    esc, up = v.get("Escalation rate to stage 2 %"), v.get("Stage 1 uphold rate %")
    if _shown(esc):
        paras.append(f"Stage 2 complaints received were {esc:.1f}% of the stage 1 complaints accepted in the year.")
    if _shown(up):
        paras.append(f"Of the stage 1 complaints decided (upheld, partly upheld or not upheld), {up:.1f}% were upheld or partly upheld.")
    return paras


def assemble(prep: Prepared, groups: dict[str, list[Table]], ta: TextAnalysis, *, members: bool, by: str, small: int = 0):
    """Sections (blocks of prose, tables, charts, quotes), charts and the methods list.
    `members`: no case text at all; `small`: the suppression threshold already applied to `groups` (0: none)."""
    charts = _charts(groups, ta, prep, small=small, by=by)
    text_tables = {t.key: suppress(t, small=small) for t in ta.tables}
    sections = []
    for key, title in SECTIONS:
        s = Section(key, title)
        if key == "summary":
            for a in prep.alerts:  # what the reader must know before any figure
                s.add("note", a)
            for p in _summary_text(prep, groups, small=small):
                s.add("p", p)
        for t in groups.get(key, []):
            _add_table(s, t, charts)
        if key == "causes":
            if "emerging_themes" in text_tables:
                _emerging(s, text_tables["emerging_themes"], ta, members=members)
            if "text_themes" in text_tables:
                _add_table(s, text_tables["text_themes"], charts)
                if not members and len(ta.quotes):
                    s.add("h3", "What complainants say (redacted)")
                    for theme, g in ta.quotes.groupby("theme", sort=False):
                        s.add("h4", theme)
                        for q in g["quote"].head(2):
                            s.add("quote", q)
            else:
                for note in ta.notes:
                    s.add("note", note)
        if key == "trends":
            if prep.undated:
                s.add("note", "The export has no date received, so there are no trends to show.")
            s.add(
                "p",
                f"Counts by {by} of accepted stage 1 complaints. What rose or fell beyond chance is named below; the "
                "tests behind it are in 'About this report' and the full tables, with their q-values, in the workbook.",
            )
            for note in ta.coverage_notes + ([prep.change_note().strip()] if prep.per_day else []):
                s.add("note", note)
            s.add("chart", charts.get("volume_trend"))
            s.add("chart", charts.get("theme_trend"))
            if not prep.undated:
                s.add("list", changes_in_words(ta, prep))
            for k in ("watch_list", "theme_changes", "service_changes", "root_cause_changes", "theme_year_changes"):
                if k in text_tables:
                    _add_table(s, text_tables[k], charts)
        if key == "learning":
            _learning(s, ta, members=members)
        if key == "about":
            _about(s, prep, groups, ta, members=members, by=by, small=small)
        sections.append(s)
    methods = [tr.SHARE_TEST.format(by=by), tr.COUNT_TEST]
    if ta.emerging is not None:
        methods.append(ta.emerging.describe_test())
    return sections, charts, methods


def _add_table(s: Section, t: Table, charts: dict) -> None:
    place(s, t, charts)  # the table, or its chart, or where it is in the workbook (`layout`)


def _emerging(s: Section, t: Table, ta: TextAnalysis, *, members: bool) -> None:
    """The newly emerging themes table, then (officers only) a few redacted quotes for each."""
    _add_table(s, t, {})
    q = ta.emerging.quotes if ta.emerging is not None else None
    if members or q is None or q.empty:
        return
    s.add("h4", "Emerging themes in complainants' words (redacted)")
    for name, g in q.groupby("name", sort=False):
        s.add("p", name)
        for text in g["quote"].head(2):
            s.add("quote", text)


def _learning(s: Section, ta: TextAnalysis, *, members: bool) -> None:
    if ta.learning is None or ta.learning.empty:
        s.add("note", "No themes were found, so there is nothing to draft. " + " ".join(ta.notes))
        return
    s.add(
        "p",
        "A first draft for the officer to edit: first the themes that rose significantly and those newly emerging, then "
        "the largest steady themes; for each, what is going wrong, the evidence, the corrective actions recorded and a next step.",
    )
    kinds = {"rise": "Rising", "emerging": "Newly emerging", "largest": "Largest"}
    for _, r in ta.learning.iterrows():
        s.add("h3", f"{r['rank']}. {r['theme']}" + (f" ({kinds[r['kind']].lower()})" if r.get("kind") in kinds else ""))
        s.add("p", f"What is going wrong: {r['what']}")
        ev = " ".join(x for x in (r["evidence"], r["trend"]) if x)
        if ev:
            s.add("p", f"Evidence: {ev}")
        if not members:
            for q in r["quotes"]:
                s.add("quote", q)
        s.add("p", r["actions"])
        s.add("p", r["next_step"])


def _about(s: Section, prep: Prepared, groups, ta: TextAnalysis, *, members: bool, by: str, small: int) -> None:
    from rca.reports.coverage import day

    if prep.undated:
        s.add(
            "p", "Period: none could be applied. The export has no date received, so every figure is over all records in the file, undated."
        )
    else:
        s.add(
            "p",
            f"Period: {prep.period.label} ({day(prep.period.start)} to {day(prep.period.end)}), by date received"
            + (f"; compared with {prep.compare.label}." if prep.compare else ".")
            + f" Records in the file were received from {day(prep.span[0])} to {day(prep.span[1])}.",
        )
        for c in prep.coverage.values():
            if not c.full:
                s.add("p", c.describe())
    s.add(
        "list",
        [
            "First contacts: complaint records at stage 1 received in the period. Accepted: those whose acceptability is Complaint.",
            "On time: sent on or before the due date, counted in working days (England bank holidays; received after 3 pm counts from the next working day) plus agreed extensions.",
            "Escalation rate: stage 2 complaints received in the period over stage 1 complaints accepted in it, as councils publish "
            "it; the cohort rate (stage 1 complaints of the period with a stage 2 so far) is given beside it.",
            "On time: a complaint still open after its due date, on the latest date received in the export, counts as late.",
            "Uphold rate (every table, figure and sentence): upheld plus partly upheld, over complaints decided (upheld, partly upheld "
            "or not upheld). Withdrawn complaints and those resolved on receipt are counted but are not in the rate. "
            "Overturn: stage 2 complaints upheld (in full or in part) whose stage 1 was not upheld, over stage 1 complaints not upheld.",
            "Comparisons: where the data covers the two periods for different numbers of days, changes are compared per day covered.",
            f"Trends: {tr.SHARE_TEST.format(by=by)}; {tr.COUNT_TEST}.",
            *([f"Newly emerging themes: {ta.emerging.describe_test()}."] if ta.emerging is not None else []),
            "Every quote is passed through redaction (names, addresses, phone numbers, emails, postcodes and other identifiers are replaced).",
        ],
    )
    if small > 1:
        s.add(
            "p",
            f'Small numbers: counts from 1 to {small - 1} are shown as "<{small}"; where a table gives a total, or two '
            'tables give the same count or counts that add up to one another, further counts are withheld as "[c]" so that '
            "no small one (a late response count too) can be worked out by adding and subtracting; rates over withheld "
            f'counts, over fewer than {small} cases, or of a count under {small}, are shown as "–".',
        )
    if members:
        s.add("p", "Members' version: no case text, quotes or examples are included.")
    skipped = [t for v in groups.values() for t in v if not t.ok]
    if skipped:
        s.add("h3", "Tables not produced")
        s.add("list", [f"{t.title}: {t.skipped}" for t in skipped])
    notes = prep.alerts + prep.notes + ta.coverage_notes + ta.notes
    if notes:
        s.add("h3", "Data notes")
        s.add("list", notes)
