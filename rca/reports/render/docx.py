"""Render a Report as a Word document for committee papers (python-docx)."""

from __future__ import annotations

import io
from pathlib import Path

from rca.reports.render.fmt import cell_text, is_numeric_col
from rca.reports.render.html import TOTAL_LABELS


def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _table(doc, t) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    cap = doc.add_paragraph().add_run(t.title)
    cap.bold = True
    df = t.data
    cols = list(df.columns)
    table = doc.add_table(rows=len(df) + 1, cols=len(cols))
    table.style = "Table Grid"
    hdr = table.rows[0]
    _repeat_header(hdr)
    numeric = [is_numeric_col(t, c) for c in cols]
    for j, c in enumerate(cols):
        cell = hdr.cells[j]
        cell.text = ""
        run = cell.paragraphs[0].add_run(str(c))
        run.bold = True
        run.font.size = Pt(8.5)
        if numeric[j]:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    first = cols[0]
    for i, (_, row) in enumerate(df.iterrows(), start=1):
        cells = table.rows[i].cells
        total = str(row[first]) in TOTAL_LABELS
        for j, c in enumerate(cols):
            p = cells[j].paragraphs[0]
            run = p.add_run(cell_text(t, row, c))
            run.font.size = Pt(8.5)
            run.bold = total
            if numeric[j]:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if t.note:
        p = doc.add_paragraph()
        r = p.add_run(t.note)
        r.italic = True
        r.font.size = Pt(8)


def a4_document(title: str, *, side_cm: float, top_cm: float):
    """An A4 Word document in 10 pt Arial with the given margins, titled `title` (heading and properties)."""
    from docx import Document
    from docx.shared import Cm, Pt

    doc = Document()
    sec = doc.sections[0]
    sec.page_height, sec.page_width = Cm(29.7), Cm(21.0)
    sec.left_margin = sec.right_margin = Cm(side_cm)
    sec.top_margin = sec.bottom_margin = Cm(top_cm)
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(10)
    doc.core_properties.title = title
    doc.core_properties.author = "rca"
    doc.add_heading(title, level=0)
    return doc


def build_docx(report):
    """A python-docx Document of the report."""
    from docx.shared import Cm, Pt

    doc = a4_document(report.title, side_cm=2.0, top_cm=1.8)
    meta = f"Period: {report.period.label}" + (f", compared with {report.compare.label}" if report.compare else "")
    doc.add_paragraph(meta)
    doc.add_paragraph(
        f"Version for {'councillors (members)' if report.audience == 'members' else 'officers'}; generated {report.generated}."
    )
    if report.audience == "members":
        small = report.suppress_below
        doc.add_paragraph(
            (
                f'Counts of 1 to {small - 1} are shown as "<{small}", and a count that would give one away by subtraction as "[c]". '
                if small > 1
                else ""
            )
            + "No individual case text is included."
        )
    width = Cm(16.5)
    for n, s in enumerate(report.sections, 1):
        doc.add_heading(f"{n}. {s.title}", level=1)
        for kind, value in s.blocks:
            if kind == "p":
                doc.add_paragraph(value)
            elif kind == "h3":
                doc.add_heading(value, level=2)
            elif kind == "h4":
                doc.add_heading(value, level=3)
            elif kind == "note":
                p = doc.add_paragraph()
                r = p.add_run(value)
                r.italic = True
            elif kind == "quote":
                doc.add_paragraph(f"“{value}”", style="Quote")
            elif kind == "list":
                for item in value:
                    doc.add_paragraph(str(item), style="List Bullet")
            elif kind == "chart":
                doc.add_picture(io.BytesIO(value.png), width=width)
                cap = doc.add_paragraph()
                r = cap.add_run(value.title + (f" · {value.note}" if value.note else ""))
                r.italic = True
                r.font.size = Pt(8)
            elif kind == "table":
                _table(doc, value)
    return doc


def write_docx(report, path: str | Path) -> Path:
    from rca.ingest.io import atomic_path

    doc = build_docx(report)
    with atomic_path(path) as tmp:
        doc.save(str(tmp))
    return Path(path)
