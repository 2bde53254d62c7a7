"""The written report: HTML, Word, Excel, CSV per table and PNG charts; no personal
data in any of them; the members' version; and the `rca report` command."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from rca.cli.main import app
from rca.reports.build import build_report, write_report

pytestmark = pytest.mark.system

TOPICS = [
    ("Waste and Street Cleansing", "my bin was not collected again on {street}"),
    ("Housing Management", "damp and mould in the bedroom has still not been repaired"),
    ("Revenues and Benefits", "the council tax bill is wrong and summons costs were added"),
    ("Parking", "a parking ticket was issued unfairly outside my house"),
    ("Housing Management", "nobody got back to me about the leaking roof repair"),
]
PII = {
    "names": ["Bartholomew Quenby", "Philippa Ravensworth"],
    "phones": ["07700 900461", "020 7946 0321"],
    "emails": ["bart.quenby@example.org", "p.ravensworth@mailbox.test"],
    "postcodes": ["SW1A 2AA", "E17 4QT"],
}


def demo_frame(seed: int = 0, n: int = 700) -> pd.DataFrame:
    """Two financial years of cases with personal data planted in the text."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        rec = pd.Timestamp("2022-04-01 09:00") + pd.Timedelta(days=int(rng.integers(0, 731)), hours=int(rng.integers(0, 8)))
        svc, tpl = TOPICS[i % len(TOPICS)]
        text = tpl.format(street="Acacia Road")
        if rec >= pd.Timestamp("2024-01-01") and i % 3 == 0:
            svc, text = "Waste and Street Cleansing", "the new garden waste subscription charge was taken twice"
        k = i % 2
        text = (
            f"My name is {PII['names'][k]}. {text}. Call me on {PII['phones'][k]} or email {PII['emails'][k]}, "
            f"postcode {PII['postcodes'][k]}."
        )
        accepted = i % 9 != 0
        rows.append(
            dict(
                case_id=f"C{i:04d}",
                received=rec,
                text=text,
                case_type="Complaint",
                stage="1",
                route="corporate",
                service=svc,
                channel=["Web form", "Email", "Phone"][i % 3],
                acceptability="Complaint" if accepted else "Service request or enquiry - not a complaint",
                outcome=["Upheld", "Partly upheld", "Not upheld"][i % 3] if accepted else None,
                root_cause=["Failure to do something", "Delay in doing something"][i % 2] if accepted else None,
                responded=rec + pd.Timedelta(days=int(rng.integers(5, 20))) if accepted else pd.NaT,
                corrective_action="Letter of apology" if i % 4 == 0 else None,
                compensation=50.0 if i % 10 == 0 else 0.0,
                ward=["Abbey", "Brook", "Castle"][i % 3],
            )
        )
        if accepted and i % 6 == 1:
            rows.append(
                dict(
                    rows[-1],
                    case_id=f"S{i:04d}",
                    received=rec + pd.Timedelta(days=25),
                    stage="2",
                    parent_case_id=f"C{i:04d}",
                    escalation_reason="Disagree with decision;Failed to address all issues",
                    outcome="Upheld",
                )
            )
    df = pd.DataFrame(rows)
    df["compensation"] = df["compensation"].astype(float)
    return df


POP = pd.DataFrame({"ward": ["Abbey", "Brook", "Castle"], "population": [9000, 12000, 15000]})


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    df = demo_frame()
    out = tmp_path_factory.mktemp("report")
    rep = build_report(df, period="2023-24", compare="2022-23", population=POP)
    return rep, write_report(rep, out), out


@pytest.fixture(scope="module")
def members(tmp_path_factory):
    out = tmp_path_factory.mktemp("members")
    df = demo_frame()
    df.loc[df.index[:3], "service"] = "Highways"  # a service with fewer than five complaints
    rep = build_report(df, period="2023-24", compare="2022-23", population=POP, audience="members")
    return rep, write_report(rep, out), out


def _all_text(out: Path) -> str:
    """Every character the outputs hold (docx and xlsx unzipped)."""
    parts = []
    for p in out.rglob("*"):
        if p.suffix in (".html", ".csv"):
            parts.append(p.read_text("utf-8"))
        elif p.suffix in (".docx", ".xlsx"):
            with zipfile.ZipFile(p) as z:
                parts += [z.read(n).decode("utf-8", "ignore") for n in z.namelist() if n.endswith(".xml")]
    return "\n".join(parts)


def test_no_personal_data_in_any_output(written):
    rep, paths, out = written
    text = _all_text(out)
    assert "garden waste" in text.lower()  # the outputs do carry the analysis
    for kind, values in PII.items():
        for v in values:
            for piece in [v] + v.split():
                if len(piece) >= 5 and not piece.isdigit():
                    assert piece.lower() not in text.lower(), f"{kind} {piece!r} leaked"
            assert v not in text
    assert "[NAME]" in text or "[PHONE]" in text  # quotes are there, redacted


def test_docx_reads_back_with_the_tables(written):
    from docx import Document

    rep, paths, _ = written
    doc = Document(str(paths["docx"]))
    on_page = [v for s in rep.sections for k, v in s.blocks if k == "table"]  # the detail tables are in the workbook
    assert len(on_page) >= 15 and len(doc.tables) == len(on_page)
    body = "\n".join(p.text for p in doc.paragraphs)
    assert rep.title in body and "Learning from complaints" in body
    acc = rep.tables["acceptance"].data
    accepted = int(acc.loc[acc["Reason"].eq("Complaint"), "Count"].iloc[0])
    cells = {c.text for t in doc.tables for r in t.rows for c in r.cells}
    assert f"{accepted:,}" in cells


def test_xlsx_has_a_sheet_per_table_with_the_numbers(written):
    import openpyxl

    rep, paths, _ = written
    wb = openpyxl.load_workbook(paths["xlsx"])
    assert wb.sheetnames[0] == "Contents"
    assert len(wb.sheetnames) >= 20
    assert {"acceptance", "volumes_by_service", "on_time_by_service", "emerging_themes", "learning"} <= set(wb.sheetnames)
    ws = wb["acceptance"]
    values = [c.value for row in ws.iter_rows() for c in row]
    acc = rep.tables["acceptance"].data
    assert int(acc.loc[acc["Reason"].eq("Complaint"), "Count"].iloc[0]) in values


def test_csv_per_table_and_charts(written):
    rep, paths, out = written
    csvs = {k[4:]: v for k, v in paths.items() if k.startswith("csv_")}
    assert {
        "acceptance",
        "volumes_by_service",
        "on_time_by_stage",
        "escalation_by_service",
        "overturn",
        "wards",
        "emerging_themes",
        "watch_list",
    } <= set(csvs)
    back = pd.read_csv(csvs["volumes_by_service"])
    pd.testing.assert_series_equal(back["2023-24"], rep.tables["volumes_by_service"].data["2023-24"].astype("int64"), check_names=False)
    pngs = list((out / "charts").glob("*.png"))
    assert len(pngs) >= 8 and all(p.read_bytes()[:4] == b"\x89PNG" for p in pngs)
    assert not list(out.rglob("*.part"))  # atomic writes leave no temp files


def test_html_is_self_contained(written):
    rep, paths, _ = written
    html = paths["html"].read_text("utf-8")
    assert "<script" not in html and "http://" not in html and "https://" not in html
    charts = [v for s in rep.sections for k, v in s.blocks if k == "chart"]  # a chart only where no table says the same
    assert len(charts) >= 2 and html.count("data:image/png;base64,") == len(charts)
    assert 'id="table-emerging_themes"' in html


def test_emerging_theme_found_in_the_report(written):
    rep, _, _ = written
    assert len(rep.emerging) >= 1
    assert "garden" in rep.emerging.iloc[0]["terms"]
    assert "Fisher" in " ".join(rep.methods)


def test_members_version_has_no_case_text_and_suppresses_small_counts(members):
    rep, paths, out = members
    text = _all_text(out)
    assert "[NAME]" not in text and "[PHONE]" not in text  # no quotes at all
    assert rep.theme_quotes.empty
    comp = rep.tables["compensation"].data
    assert all(not isinstance(v, (int, np.integer)) or v == 0 or v >= 5 for v in comp["Cases with compensation"])
    vols = rep.tables["volumes_by_service"].data.set_index("Service")
    assert vols.loc["Highways", "2023-24"] == "<5" or vols.loc["Highways", "2022-23"] == "<5"
    counts = [v for t in rep.tables.values() if t.ok for c in t.counts if c in t.data for v in t.data[c]]
    assert not any(isinstance(v, (int, np.integer)) and 0 < v < 5 for v in counts)
    html = paths["html"].read_text("utf-8")
    assert "&lt;5" in html


def test_suppression_threshold_comes_from_the_config():
    from rca.config import config_from_dict

    cfg = config_from_dict({"report": {"suppress_below": 10, "suppress_officers": True}})
    rep = build_report(demo_frame(n=300), period="2023-24", config=cfg)
    vals = [v for t in rep.tables.values() if t.ok for c in t.counts if c in t.data for v in t.data[c]]
    assert "<10" in vals
    assert not any(isinstance(v, (int, np.integer)) and 0 < v < 10 for v in vals)


def test_bad_settings_and_periods_are_coded_errors():
    from rca.config import config_from_dict
    from rca.errors import RcaError

    with pytest.raises(RcaError) as e:
        build_report(demo_frame(n=50), period="2023-25")
    assert e.value.code == "E205"
    with pytest.raises(RcaError):
        build_report(demo_frame(n=50), period="2023-24", config=config_from_dict({"report": {"emerging_alpha": 2}}))
    with pytest.raises(RcaError):
        build_report(demo_frame(n=50), period="2023-24", by="fortnight")


# --------------------------------------------------------------------- CLI


def test_cli_writes_the_report_and_exits_0(tmp_path):
    data = tmp_path / "cases.csv"
    demo_frame(n=400).to_csv(data, index=False)
    POP.to_csv(tmp_path / "pop.csv", index=False)
    res = CliRunner().invoke(
        app,
        [
            "report",
            str(data),
            "--period",
            "2023-24",
            "--compare",
            "2022-23",
            "--population",
            str(tmp_path / "pop.csv"),
            "--out",
            str(tmp_path / "out"),
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    info = json.loads(res.stdout)
    assert Path(info["paths"]["html"]).exists() and Path(info["paths"]["xlsx"]).exists()
    assert "wards" not in info["skipped"]


@pytest.mark.parametrize(
    "args, code",
    [
        (["--period", "2023/2025"], "E205"),
        (["--period", "2023-24", "--by", "fortnight"], None),
    ],
)
def test_cli_bad_input_exits_2_with_a_coded_line(tmp_path, args, code):
    data = tmp_path / "cases.csv"
    demo_frame(n=60).to_csv(data, index=False)
    res = CliRunner().invoke(app, ["report", str(data), *args, "--out", str(tmp_path / "out")])
    assert res.exit_code == 2
    if code:
        assert re.search(rf"error: {code}\b", res.output)
        assert "Traceback" not in res.output


def test_cli_missing_file_exits_2(tmp_path):
    res = CliRunner().invoke(app, ["report", str(tmp_path / "nope.csv"), "--period", "2023-24", "--out", str(tmp_path / "o")])
    assert res.exit_code == 2
    assert "E001" in res.output


def test_a_report_written_again_leaves_no_table_or_chart_from_the_earlier_one(written, tmp_path):
    import shutil

    rep, paths, out = written
    again = tmp_path / "again"
    shutil.copytree(out, again)
    (again / "tables" / "theme_year_changes_2019.csv").write_text("old,figures\n1,2\n", encoding="utf-8")
    (again / "charts" / "old_chart.png").write_bytes(b"\x89PNG")
    (again / "notes.txt").write_text("the officer's own notes", encoding="utf-8")
    new = write_report(rep, again)
    assert not (again / "tables" / "theme_year_changes_2019.csv").exists()
    assert not (again / "charts" / "old_chart.png").exists()
    assert (again / "notes.txt").exists()  # only rca's own folders are tidied
    assert all(Path(p).exists() for p in new.values())
