"""The demo year's report.html rendered in headless Chromium (Debian's /usr/bin/chromium via
Playwright): it loads from file:// with no console errors, every section heading and table is
on the page, the key figures read as the report computed them, every embedded chart decodes,
and a full-page screenshot of real size comes out."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
pytest.importorskip("rca.demo.data")

from rca.demo.data import ward_population  # noqa: E402
from rca.reports.build import build_report, write_report  # noqa: E402
from rca.reports.render.fmt import cell_text  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
FY = "2023-24"


@pytest.fixture(scope="module")
def written(demo_small, tmp_path_factory):
    rep = build_report(demo_small.cases, period=FY, population=ward_population())
    out = tmp_path_factory.mktemp("report_html")
    return rep, write_report(rep, out)["html"]


@pytest.fixture(scope="module")
def rendered(written, tmp_path_factory):
    """Open the report once, collect what the reader sees, and screenshot the whole page."""
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    rep, html = written
    shot = tmp_path_factory.mktemp("shot") / "report.png"
    errors: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(html.resolve().as_uri(), wait_until="load")
        seen = {
            "title": page.inner_text("header.cover h1"),
            "h2": page.locator("section > h2").all_inner_texts(),
            "tables": page.eval_on_selector_all("figure.table", "fs => fs.map(f => f.id)"),
            "key_figures": page.eval_on_selector_all(
                "#table-key_figures tbody tr", "rs => rs.map(r => Array.from(r.cells, c => c.innerText.trim()))"
            ),
            "images": page.eval_on_selector_all("figure.chart img", "is => is.map(i => [i.complete, i.naturalWidth, i.naturalHeight])"),
            "height": page.evaluate("document.documentElement.scrollHeight"),
        }
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    return rep, seen, errors, shot


def test_the_page_loads_without_console_errors(rendered):
    _, _, errors, _ = rendered
    assert errors == []


def test_every_section_heading_and_table_is_on_the_page(rendered):
    rep, seen, _, _ = rendered
    assert seen["title"] == rep.title
    assert seen["h2"] == [f"{i}. {s.title}" for i, s in enumerate(rep.sections, 1)]
    shown = [t.key for s in rep.sections for kind, t in s.blocks if kind == "table"]
    assert len(shown) >= 15
    assert seen["tables"] == [f"table-{k}" for k in shown]


def test_the_key_figures_read_as_the_report_computed_them(rendered):
    rep, seen, _, _ = rendered
    t = rep.tables["key_figures"]
    expected = [[cell_text(t, row, c) for c in t.data.columns] for _, row in t.data.iterrows()]
    assert seen["key_figures"] == expected
    assert any(r[1].replace(",", "").isdigit() and int(r[1].replace(",", "")) > 0 for r in seen["key_figures"])


def test_every_chart_image_decodes(rendered):
    rep, seen, _, _ = rendered
    shown = [c for s in rep.sections for kind, c in s.blocks if kind == "chart"]
    assert len(seen["images"]) == len(shown) >= 2  # a chart only where no table on the page says the same
    for complete, width, height in seen["images"]:
        assert complete and width > 100 and height > 50


def test_the_full_page_screenshot_has_the_whole_report(rendered):
    _, seen, _, shot = rendered
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # IHDR
    assert width == 1200
    assert height == seen["height"] and height > 5000  # a long report, not a blank first screen
    assert len(data) > 200_000
