"""Definitions a council can defend, on small inline exports: rounding half up, open overdue complaints counted
late, each Ombudsman apart, compensation split, change on the comparison period in HTML, Word and Excel ("new"
in all three), and a page that prints a chart or a table, not both."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from rca.reports.build import build_report, write_report
from rca.reports.periods import parse_period
from rca.reports.tables.catalogue import annual_tables, prepare
from rca.reports.tables.common import pct


def rec(cid, received, **kw):
    r = {
        "case_id": cid,
        "received": pd.Timestamp(received),
        "case_type": "Complaint",
        "stage": "1",
        "acceptability": "Complaint",
        "service": "Parking",
        "channel": "Email",
        "outcome": None,
        "parent_case_id": None,
        "responded": None,
        "compensation": None,
        "text": "parking permit complaint",
    }
    r.update(kw)
    return r


def tables(rows, *, period="2023-24", compare=None, population=None):
    prep = prepare(pd.DataFrame(rows), period=parse_period(period), compare=parse_period(compare) if compare else None)
    return {t.key: t for v in annual_tables(prep, population=population).values() for t in v}


def row(t, col, value):
    return t.data[t.data[col].eq(value)].iloc[0]


def test_percentages_round_half_up_as_councils_do():
    assert pct(2685, 10_000) == 26.9  # numpy's round gives 26.8
    assert pct(1, 8, 2) == 12.5 and pct(3, 8) == 37.5 and pct(-3, 8) == -37.5
    assert pct(1, 40) == 2.5 and pct(1, 3) == 33.3
    rows = [rec(f"E{i}", "2023-05-01 10:00", channel="Email") for i in range(537)] + [
        rec(f"W{i}", "2023-05-01 10:00", channel="Web form") for i in range(1463)
    ]  # 537 / 2,000 = 26.85%
    ch = tables(rows)["channels"]
    assert row(ch, "Channel", "Email")["% of contacts"] == 26.9


def test_open_complaints_past_their_due_date_count_as_late():
    rows = [
        rec("A", "2024-01-08 10:00", responded=pd.Timestamp("2024-01-10 10:00")),  # on time
        rec("B", "2024-01-08 10:00", responded=pd.Timestamp("2024-02-20 10:00")),  # late
        rec("C", "2024-01-08 10:00"),  # open, due 22 January: overdue
        rec("D", "2024-03-28 10:00"),  # open, not yet due on 28 March
        rec("E", "2024-01-09 10:00", acceptability="Anonymous"),
    ]  # not a complaint: no response owed
    t = tables(rows)["on_time_by_stage"]
    r = row(t, "Stage", "Stage 1")
    assert (r["Responded"], r["On time"], r["Open, overdue"]) == (2, 1, 1)
    assert r["% on time"] == 33.3 and r["% of responses on time"] == 50.0
    assert "still open past its due date on 28 March 2024" in t.note
    kf = tables(rows)["key_figures"].data.set_index("Measure")["2023-24"]
    assert kf["Stage 1 on time %"] == 33.3


def test_each_ombudsman_apart_uphold_over_investigations_and_per_100000():
    om = dict(stage="ombudsman", acceptability=None)
    rows = [
        rec("S1", "2023-04-10 10:00", outcome="Not upheld"),
        rec("O1", "2023-06-01 10:00", ombudsman="LGSCO", ombudsman_decision="Investigated", outcome="Upheld", remedy_complied="Yes", **om),
        rec("O2", "2023-06-02 10:00", ombudsman="LGSCO", ombudsman_decision="Investigated", outcome="Not upheld", **om),
        rec("O3", "2023-06-03 10:00", ombudsman="LGSCO", ombudsman_decision="Closed after initial enquiries", **om),
        rec(
            "O4",
            "2023-06-04 10:00",
            ombudsman="Housing Ombudsman",
            ombudsman_decision="Investigated",
            outcome="Partly upheld",
            remedy_complied="No",
            **om,
        ),
        rec("O5", "2023-06-05 10:00", ombudsman="Housing Ombudsman", ombudsman_decision="Referred back for local resolution", **om),
    ]
    pop = pd.DataFrame({"ward": ["A", "B"], "population": [150_000, 50_000]})
    t = tables(rows, population=pop)["ombudsman_bodies"]
    lg, ho, al = (row(t, "Ombudsman", x) for x in ("LGSCO", "Housing Ombudsman", "All Ombudsman complaints"))
    assert (lg["Received"], lg["Investigated"], lg["Upheld"], lg["Uphold rate %"]) == (3, 2, 1, 50.0)
    assert (ho["Received"], ho["Investigated"], ho["Upheld"], ho["Uphold rate %"]) == (2, 1, 1, 100.0)
    assert (al["Received"], al["Not investigated"], al["Remedies due"], al["Complied with"], al["Compliance %"]) == (5, 2, 2, 1, 50.0)
    assert al["Upheld per 100,000 residents"] == 1.0  # 2 of 200,000
    # without a decision column a finding means an investigation, and the note says so
    bare = [{k: v for k, v in r.items() if k != "ombudsman_decision"} for r in rows]
    t2 = tables(bare)["ombudsman_bodies"]
    assert row(t2, "Ombudsman", "All Ombudsman complaints")["Investigated"] == 3 and "read as investigated" in t2.note


def test_compensation_split_local_and_ombudsman_with_the_average_award():
    rows = [
        rec("A", "2023-05-01 10:00", outcome="Upheld", compensation=100.0),
        rec("B", "2023-05-02 10:00", outcome="Upheld", compensation=250.0),
        rec("C", "2023-05-03 10:00", stage="2", outcome="Upheld", compensation=75.0),
        rec("O", "2023-08-01 10:00", stage="ombudsman", outcome="Upheld", compensation=1000.0),
    ]
    t = tables(rows)["compensation_split"]
    loc, om, tot = (row(t, "Paid by", x) for x in ("Local remedies (stages 1 to 3)", "Ombudsman", "Total"))
    assert (loc["Cases"], loc["Amount £"], loc["Average award £"]) == (3, 425.0, 141.67)
    assert (om["Cases"], om["Amount £"], om["Average award £"]) == (1, 1000.0, 1000.0)
    assert (tot["Cases"], tot["Amount £"]) == (4, 1425.0)


@pytest.fixture(scope="module")
def two_years(tmp_path_factory):
    rows = []  # both years wholly covered (a record every 6 to 9 days), so counts compare one for one
    for i in range(40):
        rows.append(rec(f"P{i}", pd.Timestamp("2022-04-01 10:00") + pd.Timedelta(days=9 * i), service="Parking"))
    for i in range(60):
        rows.append(
            rec(f"C{i}", pd.Timestamp("2023-04-01 10:00") + pd.Timedelta(days=6 * i + 5), service="Parking" if i % 6 else "Planning")
        )
    rep = build_report(pd.DataFrame(rows), period="2023-24", compare="2022-23")
    out = tmp_path_factory.mktemp("rep")
    return rep, write_report(rep, out)


@pytest.mark.system
def test_change_and_new_in_html_word_and_excel(two_years):
    from docx import Document
    from openpyxl import load_workbook

    rep, paths = two_years
    v = rep.tables["volumes_by_service"].data.set_index("Service")
    assert (v.loc["Parking", "Change"], v.loc["Planning", "Change"], v.loc["Total", "Change"]) == (10, 10, 20)
    assert v.loc["Parking", "% change"] == 25.0 and math.isinf(v.loc["Planning", "% change"])
    kf = rep.tables["key_figures"].data.set_index("Measure")
    assert kf.loc["Accepted complaints (stage 1)", "Change"] == 20 and kf.loc["Accepted complaints (stage 1)", "% change"] == 50.0
    html = paths["html"].read_text("utf-8")
    assert '<th scope="col">Change</th>' in html and ">+20<" in html and ">new<" in html
    doc = Document(str(paths["docx"]))
    cells = {c.text for t in doc.tables for r in t.rows for c in r.cells}
    assert {"Change", "+20", "new"} <= cells
    ws = load_workbook(paths["xlsx"])["volumes_by_service"]
    values = [[c.value for c in r] for r in ws.iter_rows()]
    header = next(r for r in values if r and r[0] == "Service")
    planning = next(r for r in values if r and r[0] == "Planning")
    assert planning[header.index("% change")] == "new" and planning[header.index("Change")] == 10
    csv = pd.read_csv(paths["csv_volumes_by_service"], dtype=str).set_index("Service")
    assert csv.loc["Planning", "% change"] == "new"


@pytest.mark.system
def test_the_page_prints_a_chart_or_a_table_not_both_and_the_contents_link(two_years):
    import re

    from rca.reports.render.layout import WORKBOOK_ONLY
    from rca.reports.render.xlsx import workbook_tables

    rep, paths = two_years
    on_page = {v.key for s in rep.sections for k, v in s.blocks if k == "table"}
    charts = {v.key for s in rep.sections for k, v in s.blocks if k == "chart"}
    for key in on_page:
        assert rep.tables[key].chart not in charts, key  # its chart would say the same
    assert not on_page & WORKBOOK_ONLY
    in_book = {t.key for t in workbook_tables(rep)}
    assert {k for k, t in rep.tables.items() if t.ok} <= in_book  # nothing is lost: every table is in the workbook
    html = paths["html"].read_text("utf-8")
    ids = set(re.findall(r'id="([^"]+)"', html))
    links = re.findall(r'<a href="#([^"]+)"', html)
    assert links and set(links) <= ids
    assert {s.key for s in rep.sections} <= set(links)  # every section is linked from the contents


def test_a_population_table_it_cannot_use_is_a_coded_error_naming_the_row(tmp_path):
    from rca.errors import RcaError

    rows = [rec("A", "2023-05-01 10:00", ward="Abbey")]
    bad_cols = tmp_path / "pop.csv"
    bad_cols.write_text("area,people\nAbbey,100\n", encoding="utf-8")
    with pytest.raises(RcaError) as e:
        build_report(pd.DataFrame(rows), period="2023-24", population=bad_cols)
    assert e.value.code == "E710" and "pop.csv" in str(e.value)
    bad_value = tmp_path / "pop2.csv"
    bad_value.write_text("ward,population\nAbbey,100\nBrook,unknown\n", encoding="utf-8")
    with pytest.raises(RcaError) as e:
        build_report(pd.DataFrame(rows), period="2023-24", population=bad_value)
    assert e.value.code == "E711" and "3" in str(e.value) and "unknown" in str(e.value)
