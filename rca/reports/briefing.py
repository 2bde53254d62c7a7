"""The two-page briefing for a quality-assurance meeting and for members: the year in five numbers with the
change on last year, the three things that changed most, what was learnt and done, the Ombudsman's findings,
and what to watch next quarter. Plain English, at most 900 words and three small tables; the statistics stay
in the full report. It always follows the members' rules: no case text, counts under the suppression threshold
shown as "fewer than 5" (tables: "<5").

Example::

    b = build_briefing(prep, report, population=pop)   # done by build_report: report.briefing
    write_briefing(b, "out/report")                     # briefing.html, briefing.docx
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from rca.reports.themes.changes import key_figure_changes
from rca.reports.tables.common import CHANGE, NOT_RECORDED, Prepared, Table, suppress

MAX_WORDS = 900
FIVE = (
    "Accepted complaints (stage 1)",
    "Stage 1 on time %",
    "Escalation rate to stage 2 %",
    "Stage 1 uphold rate %",
    "Compensation paid £",
)


@dataclass
class Briefing:
    """Blocks as in `report_sections.Section`: ("h2", text), ("p", text), ("list", [text]), ("table", Table)."""

    title: str
    subtitle: str
    blocks: list[tuple[str, object]] = field(default_factory=list)
    figures: dict = field(default_factory=dict)  # every number the briefing states, by name (for checks)

    def add(self, kind: str, value) -> None:
        if value:
            self.blocks.append((kind, value))

    @property
    def tables(self) -> list[Table]:
        return [v for k, v in self.blocks if k == "table"]


def _n(count, small: int) -> str:
    count = int(count)
    return f"fewer than {small}" if small > 1 and 0 < count < small else f"{count:,}"


def _shown(v) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) and not np.isnan(float(v))


def _five(prep: Prepared, small: int) -> Table | None:
    from rca.reports.tables.catalogue import key_figures, suppress_key_figures

    kf = key_figure_changes(prep, suppress_key_figures(key_figures(prep), small=small))
    df = kf.data[kf.data["Measure"].isin(FIVE)].reset_index(drop=True)
    if df.empty:
        return None
    df["Measure"] = df["Measure"].replace(
        {
            "Accepted complaints (stage 1)": "Complaints accepted (stage 1)",
            "Stage 1 on time %": "Stage 1 answered on time %",
            "Escalation rate to stage 2 %": "Escalated to stage 2 %",
            "Stage 1 uphold rate %": "Stage 1 upheld (in full or part) %",
        }
    )
    note = (
        "On time counts a complaint still open after its due date as late. Escalated: stage 2 complaints received over "
        "stage 1 complaints accepted. Upheld: of the complaints decided. Compensation: local remedies and Ombudsman awards."
    )
    if prep.compare is not None:
        note += f" Change: {prep.period.label} less {prep.compare.label}; for a rate, in percentage points."
    return Table("key_figures", "The year in five numbers", df, note=note)


def _changed_most(report, small: int) -> list[str]:
    """Up to three lines: newly emerging themes first, then themes that rose or fell beyond chance on the comparison
    period, then in the latest quarter; each with the team (or service) it is mostly about."""
    out, seen = [], set()
    themes = report.themes
    where = dict(zip(themes["theme"], themes.get("top_service", pd.Series(dtype=object)))) if len(themes) else {}
    em = report.emerging
    if em is not None and len(em):
        for _, r in em.sort_values("ratio", ascending=False).iterrows():
            team = f" ({r['context']})" if str(r.get("context") or "").strip() else ""
            ratio = f"{float(r['ratio']):.1f} times its earlier share" if np.isfinite(float(r["ratio"])) else "new this quarter"
            out.append(f"New: \u201c{r['name']}\u201d{team}: {_n(r['latest_count'], small)} complaints in the latest quarter, {ratio}.")
            seen.add(r["name"])
    yt = report.year_tests
    if len(yt) and report.compare is not None:
        sig = yt[yt["direction"].isin(["rose", "fell"])].copy()
        sig = sig.reindex(sig["change_pct"].abs().sort_values(ascending=False).index)
        for _, r in sig.iterrows():
            if r["theme"] in seen:
                continue
            svc = where.get(r["theme"])
            team = f" ({svc})" if isinstance(svc, str) and svc else ""
            size = f"{abs(float(r['change_pct'])):.0f}%" if np.isfinite(float(r["change_pct"])) else "from none"
            out.append(
                f"{r['theme']}{team} {r['direction']} {size} on {report.compare.label}: "
                f"{_n(r['previous'], small)} complaints then, {_n(r['current'], small)} now."
            )
            seen.add(r["theme"])
    tt = report.trend_tests
    if len(tt):
        for _, r in tt[tt["direction"].isin(["rose", "fell"])].iterrows():
            if r["theme"] in seen:
                continue
            svc = where.get(r["theme"])
            team = f" ({svc})" if isinstance(svc, str) and svc else ""
            out.append(
                f"{r['theme']}{team} {r['direction']} to {float(r['latest_share_pct']):.1f}% of complaints in "
                f"{r['latest_bin']}, from {float(r['earlier_share_pct']):.1f}% before."
            )
            seen.add(r["theme"])
    return out[:3]


def _actions_by_service(prep: Prepared, small: int) -> Table | None:
    """Records with a corrective action, by service (the five with most), and the actions recorded most."""
    from rca.ingest.taxonomy import split_labels

    if "corrective_action" not in prep.frame:
        return None
    recs = prep.all_records()
    recs = recs[recs["corrective_action"].notna()]
    if recs.empty:
        return None
    svc = (
        recs["service"].astype(object).where(recs["service"].notna(), NOT_RECORDED)
        if "service" in recs
        else pd.Series("All services", index=recs.index)
    )
    rows = []
    for name, g in recs.groupby(svc):
        labels = pd.Series([lab for v in g["corrective_action"] for lab in dict.fromkeys(split_labels(v))], dtype=object)
        vc = labels.value_counts()
        top = sorted(vc.index, key=lambda k: (-int(vc[k]), str(k)))[:2]
        rows.append({"Service": name, "Cases with an action": len(g), "Most recorded actions": "; ".join(top)})
    df = pd.DataFrame(rows).sort_values(["Cases with an action", "Service"], ascending=[False, True], kind="mergesort").head(5)
    t = Table(
        "actions_by_service",
        "What was done: corrective actions by service",
        df.reset_index(drop=True),
        counts=("Cases with an action",),
        note="Complaint records received in the year with a corrective action recorded, for the five services with most.",
    )
    return suppress(t, small=small)


def _ombudsman(prep: Prepared, population, small: int) -> tuple[Table | None, list[str], dict]:
    from rca.reports.tables.ombudsman import ALL, PER_100K, ombudsman_bodies

    t = ombudsman_bodies(prep, population)
    if not t.ok:
        return None, [t.skipped or "No Ombudsman records."], {}
    full = t.data.set_index("Ombudsman")
    shown = suppress(t, small=small)
    keep = [
        c for c in ("Ombudsman", "Received", "Investigated", "Upheld", "Uphold rate %", "Complied with", "Remedies due") if c in shown.data
    ]
    table = Table(
        "ombudsman",
        "The Ombudsmen's findings",
        shown.data[keep],
        counts=tuple(c for c in keep[1:] if "%" not in c),
        pct={"Uphold rate %": ("Investigated", "Upheld")},
        note="Uphold rate: upheld (in full or in part) of those investigated, as the Ombudsman publishes it.",
    )
    a = shown.data.set_index("Ombudsman").loc[ALL]  # sentences say only what the table shows

    def say(v):
        if isinstance(v, str):
            return f"fewer than {small}" if v.startswith("<") else None  # "[c]": withheld, not said
        return _n(v, small)

    parts = [
        f"received {say(a['Received'])} complaints about the council" if say(a["Received"]) else None,
        f"investigated {say(a['Investigated'])}" if say(a["Investigated"]) else None,
        f"upheld {say(a['Upheld'])}" if say(a["Upheld"]) else None,
    ]
    parts = [x for x in parts if x]
    lines = [f"The Ombudsmen {', '.join(parts[:-1]) + ' and ' + parts[-1] if len(parts) > 1 else parts[0]}."] if parts else []
    if "Remedies due" in a and _shown(a["Remedies due"]) and _shown(a["Complied with"]) and int(a["Remedies due"]) >= small:
        lines.append(
            f"The council complied with {_n(a['Complied with'], small)} of the {_n(a['Remedies due'], small)} remedies "
            "the Ombudsmen asked for."
        )
    if PER_100K in full and _shown(a["Upheld"]) and (int(a["Upheld"]) == 0 or int(a["Upheld"]) >= small):
        lines.append(f"That is {float(full.loc[ALL, PER_100K]):.2f} upheld complaints per 100,000 residents.")
    figures = {"ombudsman": {k: {c: v for c, v in r.items()} for k, r in full.iterrows()}}
    return table, lines, figures


def _watch(prep: Prepared, report, small: int) -> list[str]:
    out = []
    w = report.watch
    if len(w):
        for _, r in w[~w["significant"]].head(3).iterrows():
            out.append(
                f"{r['theme']}: {_n(r['latest_count'], small)} complaints in the latest quarter, rising "
                f"({float(r['latest_share_pct']):.1f}% of complaints, from {float(r['earlier_share_pct']):.1f}%) but not yet beyond chance."
            )
    f = prep.all_records()
    if "_open_overdue" in f:
        over = int(f["_open_overdue"].sum())
        if over:
            text = f"{_n(over, small)} complaints were still open past their due date at the end of the data; they count as late and need answers."
            out.append(text[0].upper() + text[1:])
    return out


def build_briefing(prep: Prepared, report, *, population=None, small: int = 5) -> Briefing:
    """The briefing of a built report (`build_report` calls this): members' rules whatever the report's audience."""
    small = max(int(small), 2)
    label = prep.period.label
    b = Briefing(
        title=f"Complaints briefing {label}",
        subtitle=(
            f"For the quality-assurance meeting and members. {label}"
            + (f", compared with {prep.compare.label}" if prep.compare else "")
            + f". Counts under {small} are shown as \u201cfewer than {small}\u201d; no case text is included. "
            "The statistics behind each line are in the full report."
        ),
    )
    for a in report.alerts:
        b.add("p", a)
    b.add("h2", "The year in five numbers")
    five = _five(prep, small)
    b.add("table", five)
    if five is not None:
        b.figures["five"] = five.data
    b.add("h2", "The three things that changed most")
    changed = _changed_most(report, small)
    b.add("list", changed or ["Nothing rose or fell beyond chance this year."])
    b.add("h2", "What was learnt and done")
    acts = _actions_by_service(prep, small)
    if acts is not None:
        total = int(prep.all_records()["corrective_action"].notna().sum())
        b.add("p", f"Officers recorded a corrective action on {_n(total, small)} complaints. The services with most:")
        b.add("table", acts)
        b.figures["actions"] = acts.data
    else:
        b.add("p", "The export records no corrective actions, so what was done cannot be shown.")
    b.add("h2", "The Ombudsman")
    table, lines, figs = _ombudsman(prep, population, small)
    b.add("p", " ".join(lines))
    b.add("table", table)
    b.figures.update(figs)
    b.add("h2", "What to watch next quarter")
    b.add("list", _watch(prep, report, small) or ["No theme is rising enough to watch."])
    return b


# ------------------------------------------------------------------ rendering


def _cell(t: Table, row, col) -> str:
    from rca.reports.render.fmt import cell_text, change_text

    if col == CHANGE and t.key == "key_figures":
        m = str(row["Measure"])
        return change_text(row[col], rate=m.endswith("%"), money=m.endswith("£"))
    return cell_text(t, row, col)


def _blocks(b: Briefing) -> list[dict]:
    from rca.reports.render.fmt import is_numeric_col

    out = []
    for kind, v in b.blocks:
        if kind == "table":
            cols = list(v.data.columns)
            out.append(
                {
                    "kind": kind,
                    "cols": [(c, is_numeric_col(v, c)) for c in cols],
                    "note": v.note,
                    "rows": [[(_cell(v, r, c), is_numeric_col(v, c)) for c in cols] for _, r in v.data.iterrows()],
                }
            )
        else:
            out.append({"kind": kind, "value": v})
    return out


def briefing_html(b: Briefing) -> str:
    """The briefing as one self-contained HTML page (A4 print styles; Jinja2 escapes every value)."""
    from jinja2 import Environment

    return Environment(autoescape=True).from_string(_HTML).render(b=b, blocks=_blocks(b))


def briefing_docx(b: Briefing):
    """The briefing as a python-docx Document (A4, Arial 10 pt)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    from rca.reports.render.docx import a4_document

    doc = a4_document(b.title, side_cm=1.8, top_cm=1.5)
    r = doc.add_paragraph().add_run(b.subtitle)
    r.italic = True
    r.font.size = Pt(9)
    for blk in _blocks(b):
        kind = blk["kind"]
        if kind == "h2":
            doc.add_heading(blk["value"], level=1)
        elif kind == "p":
            doc.add_paragraph(blk["value"])
        elif kind == "list":
            for item in blk["value"]:
                doc.add_paragraph(str(item), style="List Bullet")
        elif kind == "table":
            t = doc.add_table(rows=len(blk["rows"]) + 1, cols=len(blk["cols"]))
            t.style = "Table Grid"
            for j, (c, num) in enumerate(blk["cols"]):
                p = t.rows[0].cells[j].paragraphs[0]
                run = p.add_run(str(c))
                run.bold, run.font.size = True, Pt(8.5)
                if num:
                    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for i, row in enumerate(blk["rows"], start=1):
                for j, (text, num) in enumerate(row):
                    p = t.rows[i].cells[j].paragraphs[0]
                    p.add_run(text).font.size = Pt(8.5)
                    if num:
                        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if blk["note"]:
                n = doc.add_paragraph().add_run(blk["note"])
                n.italic, n.font.size = True, Pt(8)
    return doc


def write_briefing(b: Briefing, out_dir) -> dict:
    """briefing.html and briefing.docx in `out_dir`, each written atomically."""
    from pathlib import Path

    from rca.ingest.io import atomic_path

    out = Path(out_dir)
    paths = {"briefing_html": out / "briefing.html", "briefing_docx": out / "briefing.docx"}
    with atomic_path(paths["briefing_html"]) as tmp:
        Path(tmp).write_text(briefing_html(b), encoding="utf-8")
    doc = briefing_docx(b)
    with atomic_path(paths["briefing_docx"]) as tmp:
        doc.save(str(tmp))
    return paths


def word_count(b: Briefing) -> int:
    """Words a reader sees: title, subtitle, headings, sentences, table cells and notes."""
    words = len(b.title.split()) + len(b.subtitle.split())
    for blk in _blocks(b):
        if blk["kind"] == "table":
            words += sum(len(str(c).split()) for c, _ in blk["cols"]) + len(blk["note"].split())
            words += sum(len(text.split()) for row in blk["rows"] for text, _ in row)
        elif blk["kind"] == "list":
            words += sum(len(str(x).split()) for x in blk["value"])
        else:
            words += len(str(blk["value"]).split())
    return words


_HTML = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ b.title }}</title>
<style>
body { font-family: Arial, Helvetica, sans-serif; color: #1b1b1b; max-width: 46rem; margin: 1.5rem auto; padding: 0 1rem; line-height: 1.4; font-size: 15px; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; border-bottom: 4px solid #0b4f8a; padding-bottom: .4rem; }
h2 { font-size: 1.15rem; margin: 1.1rem 0 .35rem; }
p.sub { color: #505a5f; font-size: .9rem; }
table { border-collapse: collapse; width: 100%; font-size: .88rem; margin: .3rem 0; }
th, td { border-bottom: 1px solid #b1b4b6; padding: .22rem .4rem; text-align: left; vertical-align: top; }
th { background: #f3f2f1; } .num { text-align: right; white-space: nowrap; }
p.tnote { color: #505a5f; font-size: .8rem; margin: .2rem 0 0; }
@page { size: A4; margin: 14mm; }
@media print { html { font-size: 10pt; } body { margin: 0; max-width: none; } }
</style></head><body>
<h1>{{ b.title }}</h1>
<p class="sub">{{ b.subtitle }}</p>
{% for blk in blocks %}{% if blk.kind == "h2" %}<h2>{{ blk.value }}</h2>
{% elif blk.kind == "p" %}<p>{{ blk.value }}</p>
{% elif blk.kind == "list" %}<ul>{% for x in blk.value %}<li>{{ x }}</li>{% endfor %}</ul>
{% elif blk.kind == "table" %}<table><thead><tr>{% for c, num in blk.cols %}<th{% if num %} class="num"{% endif %}>{{ c }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in blk.rows %}<tr>{% for text, num in row %}<td{% if num %} class="num"{% endif %}>{{ text }}</td>{% endfor %}</tr>{% endfor %}</tbody></table>
{% if blk.note %}<p class="tnote">{{ blk.note }}</p>{% endif %}
{% endif %}{% endfor %}
</body></html>
"""
