"""The two-page briefing: at most 900 words and three tables, members' rules (no case text, small numbers
suppressed), and every number it states equal to a recomputation from the case records with pandas (not with
the report's code)."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest

from rca.demo.data import generate_demo, ward_population
from rca.reports.briefing import MAX_WORDS, briefing_html, word_count, write_briefing
from rca.reports.build import build_report, write_report

pytestmark = pytest.mark.system

CUR, PREV = "2024-25", "2023-24"
FY = {CUR: ("2024-04-01", "2025-04-01"), PREV: ("2023-04-01", "2024-04-01")}
UP = ["Upheld", "Partly upheld"]


@pytest.fixture(scope="module")
def demo():
    return generate_demo(seed=7, n_contacts=1500, years=2)


@pytest.fixture(scope="module")
def report(demo):
    return build_report(demo.cases, period=CUR, compare=PREV, population=ward_population())


def _half(a, b, dp=1, scale=100):
    return float((Decimal(str(a)) * scale / Decimal(str(b))).quantize(Decimal(1).scaleb(-dp), rounding=ROUND_HALF_UP)) if b else None


def _year(cases, fy):
    a, b = FY[fy]
    return cases[(cases["received"] >= a) & (cases["received"] < b)]


def _five(cases, fy) -> dict:
    """The five numbers, recomputed from the records."""
    y = _year(cases, fy)
    acc = y[(y["case_type"] == "Complaint") & (y["acceptability"] == "Complaint")]
    s1, s2 = acc[acc["stage"] == "1"], acc[acc["stage"] == "2"]
    as_at = cases["received"].max().normalize()
    done = y[(y["stage"] == "1") & y["responded"].notna()]
    ok = int((done["responded"].dt.normalize() <= done["due"].dt.normalize()).sum())
    overdue = int((s1["responded"].isna() & (s1["due"].dt.normalize() < as_at)).sum())
    decided = s1[s1["outcome"].isin(UP + ["Not upheld"])]
    paid = y.loc[y["compensation"] > 0, "compensation"]
    return {
        "Complaints accepted (stage 1)": len(s1),
        "Stage 1 answered on time %": _half(ok, len(done) + overdue),
        "Escalated to stage 2 %": _half(len(s2), len(s1)),
        "Stage 1 upheld (in full or part) %": _half(int(decided["outcome"].isin(UP).sum()), len(decided)),
        "Compensation paid £": round(float(paid.sum()), 2),
    }


def test_it_fits_on_two_pages(report, tmp_path):
    b = report.briefing
    assert word_count(b) <= MAX_WORDS
    assert 1 <= len(b.tables) <= 3
    paths = write_briefing(b, tmp_path)
    assert paths["briefing_html"].exists() and paths["briefing_docx"].exists()
    from docx import Document

    doc = Document(str(paths["briefing_docx"]))
    words = sum(len(p.text.split()) for p in doc.paragraphs) + sum(
        len(c.text.split()) for t in doc.tables for row in t.rows for c in row.cells
    )
    assert words <= MAX_WORDS and len(doc.tables) == len(b.tables)
    text = re.sub(r"<style>.*?</style>|<[^>]+>", " ", paths["briefing_html"].read_text("utf-8"), flags=re.S)
    assert len(text.split()) <= MAX_WORDS


def test_the_five_numbers_and_their_change_equal_a_recomputation(demo, report):
    five = report.briefing.figures["five"].set_index("Measure")
    cur, prev = _five(demo.cases, CUR), _five(demo.cases, PREV)
    assert list(five.index) == list(cur)
    for m in cur:
        assert five.loc[m, CUR] == cur[m], m
        assert five.loc[m, PREV] == prev[m], m
        if m.endswith("%"):
            assert five.loc[m, "Change"] == float(Decimal(str(cur[m] - prev[m])).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)), m
        else:
            assert five.loc[m, "Change"] == pytest.approx(cur[m] - prev[m]), m
            assert five.loc[m, "% change"] == _half(Decimal(str(cur[m])) - Decimal(str(prev[m])), prev[m]), m


def test_ombudsman_findings_equal_a_recomputation(demo, report):
    y = _year(demo.cases, CUR)
    om = y[y["stage"] == "ombudsman"]
    inv = om[om["ombudsman_decision"] == "Investigated"]
    up = inv[inv["outcome"].isin(UP)]
    due = up[up["remedy_complied"].notna()]
    got = report.briefing.figures["ombudsman"]
    allr = got["All Ombudsman complaints"]
    assert (allr["Received"], allr["Investigated"], allr["Upheld"]) == (len(om), len(inv), len(up))
    assert (allr["Remedies due"], allr["Complied with"]) == (len(due), int((due["remedy_complied"] == "Yes").sum()))
    for body in ("LGSCO", "Housing Ombudsman"):
        g = om[om["ombudsman"] == body]
        gi = g[g["ombudsman_decision"] == "Investigated"]
        assert (got[body]["Received"], got[body]["Investigated"], got[body]["Upheld"]) == (
            len(g),
            len(gi),
            int(gi["outcome"].isin(UP).sum()),
        )
        assert got[body]["Uphold rate %"] == pytest.approx(_half(int(gi["outcome"].isin(UP).sum()), len(gi)), nan_ok=True)
    pop = int(ward_population()["population"].sum())
    assert allr["Upheld per 100,000 residents"] == _half(len(up), pop, dp=2, scale=100_000)
    # the sentence states the shown figures only
    html = briefing_html(report.briefing)
    assert f"received {len(om)} complaints" in html


def test_corrective_actions_by_service_equal_a_recomputation(demo, report):
    y = _year(demo.cases, CUR)
    with_action = y[y["corrective_action"].notna()]
    per = with_action["service"].value_counts()
    got = report.briefing.figures["actions"]
    assert len(got) == min(5, len(per))
    for _, r in got.iterrows():
        n = int(per[r["Service"]])
        assert r["Cases with an action"] == (n if n >= 5 else "<5")
        labels = pd.Series(
            [x for v in with_action.loc[with_action["service"] == r["Service"], "corrective_action"] for x in set(v.split(";"))]
        )
        vc = labels.value_counts()
        assert r["Most recorded actions"].split("; ")[0] in set(vc[vc == vc.max()].index)
    assert f"corrective action on {len(with_action):,} complaints" in briefing_html(report.briefing)


def test_members_rules_no_case_text_and_small_numbers_suppressed(demo, report):
    html = briefing_html(report.briefing)
    assert not re.search(r"CMP-\d{4}-\d{6}", html)
    texts = [t for t in demo.cases["text"].dropna() if len(t) >= 40]
    assert not any(t[:40] in html for t in texts)
    for t in report.briefing.tables:
        for c in t.counts:
            for v in t.data[c]:
                assert not (isinstance(v, (int, float)) and 0 < v < 5), (t.key, c, v)
    plain = re.sub(r"<[^>]+>", " ", html)
    for m in re.finditer(r"(?<!tage )\b([1-4]) complaints\b", plain):  # "stage 2 complaints" is a name
        pytest.fail(f"a count under 5 is stated: {m.group(0)!r}")


def test_what_changed_comes_from_the_significant_changes_and_emerging_themes(report):
    blocks = report.briefing.blocks
    i = next(j for j, (k, v) in enumerate(blocks) if k == "h2" and v == "The three things that changed most")
    lines = blocks[i + 1][1]
    assert 1 <= len(lines) <= 3
    emerging = set(report.emerging["name"]) if len(report.emerging) else set()
    sig = set(report.year_tests.loc[report.year_tests["direction"].isin(["rose", "fell"]), "theme"]) if len(report.year_tests) else set()
    trend = (
        set(report.trend_tests.loc[report.trend_tests["direction"].isin(["rose", "fell"]), "theme"]) if len(report.trend_tests) else set()
    )
    for line in lines:
        assert any(name in line for name in emerging | sig | trend), line
    if emerging:
        first = report.emerging.sort_values("ratio", ascending=False).iloc[0]
        assert first["name"] in lines[0] and (not first["context"] or first["context"] in lines[0])


# the table types the seed reports carry (docs/reports.md): each must be in the HTML, the Word file and the workbook
SEED_TABLE_TYPES = {
    "key figures with change on last year": ["key_figures"],
    "accepted and not accepted, by reason": ["acceptance"],
    "complaints by service and stage": ["volumes_by_service", "stage_counts"],
    "channels": ["channels"],
    "complaints per 1,000 residents by ward": ["wards"],
    "compliments": ["compliments"],
    "by quarter": ["quarterly"],
    "on time by stage": ["on_time_by_stage"],
    "why responses were late": ["delay_reasons"],
    "escalation rate by service": ["escalation_by_service"],
    "escalation reasons": ["escalation_reasons"],
    "outcomes and uphold rate": ["outcomes_by_stage"],
    "overturned at stage 2": ["overturn"],
    "root causes": ["root_causes"],
    "corrective actions": ["corrective_actions"],
    "compensation, local and Ombudsman": ["compensation_split"],
    "the Ombudsmen apart": ["ombudsman_bodies"],
}


def test_write_report_puts_the_briefing_beside_the_report_and_every_seed_table_type_is_in_all_three(report, tmp_path):
    from docx import Document
    from openpyxl import load_workbook

    paths = write_report(report, tmp_path)
    assert paths["briefing_html"] == tmp_path / "briefing.html" and paths["briefing_docx"].exists()
    html = paths["html"].read_text("utf-8")
    docx_text = "\n".join(p.text for p in Document(str(paths["docx"])).paragraphs)
    sheets = set(load_workbook(paths["xlsx"], read_only=True).sheetnames)
    types = dict(SEED_TABLE_TYPES, equalities=[k for k in report.tables if k.startswith("equalities_")])
    assert len(types) == 18
    for name, keys in types.items():
        assert keys, name
        for k in keys:
            t = report.tables[k]
            assert t.ok, (name, t.skipped)
            assert f'id="table-{k}"' in html, name
            assert t.title in docx_text, name
            assert k[:31] in sheets, name
