"""The intake page end to end in headless Chromium (Debian's /usr/bin/chromium via Playwright):
type a complaint, submit, see the suggestion and the due date."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest
from test_score_fakebundle import FakeBundle, past_cases

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")
TOKEN = "browser-test-token"


@pytest.fixture(scope="module")
def server():
    import uvicorn

    from rca.scoring.similar import SimilarIndex
    from rca.web.app import create_app

    app = create_app(None, bundle=FakeBundle(), similar=SimilarIndex(past_cases()), token=TOKEN)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_type_a_complaint_submit_and_see_the_suggestion_and_due_date(server, browser, javascript):
    page = browser.new_page(java_script_enabled=javascript)
    page.goto(server + "/")
    page.get_by_label("API token").fill(TOKEN)
    page.get_by_label("Complaint or request").fill("My recycling bin was not collected again and nobody came")
    page.get_by_label("Received").fill("2024-03-28T15:30")
    page.get_by_role("button", name="Suggest").click()
    page.wait_for_selector("#result")
    assert "Waste and Street Cleansing" in page.inner_text("#service")
    assert "2024-04-16" in page.inner_text("#due")  # Good Friday and Easter Monday skipped
    assert page.locator("#highlighted mark").count() >= 1
    page.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_at_phone_width_the_result_fits_the_screen_and_is_reached_by_keyboard(server, browser, javascript):
    page = browser.new_page(java_script_enabled=javascript, viewport={"width": 390, "height": 844})
    page.goto(server + "/")
    page.get_by_label("API token").fill(TOKEN)
    page.get_by_label("Complaint or request").fill("My recycling bin was not collected again and nobody came")
    page.get_by_label("Complaint or request").focus()
    page.keyboard.press("Tab")  # received
    page.keyboard.press("Tab")  # complainant id
    page.keyboard.press("Tab")  # the Suggest button
    page.keyboard.press("Enter")
    page.wait_for_selector("#result")
    assert "Waste and Street Cleansing" in page.inner_text("#service")
    # the six-column table of similar cases scrolls in its own region; the page itself does not widen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator(".table-scroll table.similar").count() == 1
    page.close()


def test_a_wrong_token_is_explained(server, browser):
    page = browser.new_page()
    page.goto(server + "/")
    page.get_by_label("API token").fill("wrong")
    page.get_by_label("Complaint or request").fill("bin not collected")
    page.get_by_role("button", name="Suggest").click()
    page.wait_for_selector("#status.error")
    assert "token" in page.inner_text("#status")
    assert page.locator("#result").count() == 0
    page.close()
