"""Two officers work the review queue in real (headless Chromium) browsers at
once: each gets a different case, one confirms with a keystroke, the other
corrects, and the store's audit trail shows both decisions with their names."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

from rca.store import current_codes, decisions_frame, import_frame, open_store
from test_store_backends import CAUSES, scored_cases

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")
TOKEN = "browser-token"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_review(tmp_path):
    uvicorn = pytest.importorskip("uvicorn")
    from fastapi import FastAPI

    from rca.web.review import attach_store, page_router, router

    store = open_store(f"sqlite:///{tmp_path / 'browser.db'}")
    import_frame(store, scored_cases(6), source="inline", model_version="m-1")
    app = FastAPI()
    attach_store(app, store, token=TOKEN)
    app.include_router(router)
    app.include_router(page_router)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):  # wait for the socket (not a timing assertion: the test fails below if it never starts)
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", store
    server.should_exit = True
    thread.join(timeout=10)
    store.dispose()


def _sign_in(page, base: str, name: str, store) -> str:
    """Sign in with the personal token `rca store officers add` issues."""
    from rca.store.officers import add_officer

    page.goto(f"{base}/review")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Your personal token").fill(add_officer(store, name))
    page.get_by_role("button", name="Start reviewing").click()
    page.wait_for_selector("#case-title")
    assert page.locator("#officer-name").inner_text() == name
    return page.locator("article").get_attribute("data-item")


def test_two_officers_in_browsers_confirm_and_correct(live_review):
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    base, store = live_review
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            ann = browser.new_context().new_page()
            bob = browser.new_context().new_page()
            item_a = _sign_in(ann, base, "Ann Officer", store)
            item_b = _sign_in(bob, base, "Bob Officer", store)
            assert item_a != item_b, "two officers were shown the same case"
            case_a = ann.locator("#case-title").inner_text().split()[1]
            case_b = bob.locator("#case-title").inner_text().split()[1]
            suggested_a = ann.locator("#suggested").inner_text()

            ann.locator("#comment").focus()
            ann.keyboard.type("a")  # typing in the comment box must not confirm
            assert ann.locator("#case-title").count() == 1 and ann.locator("#comment").input_value() == "a"
            ann.locator("#comment").fill("")
            ann.locator("#case-title").click()
            ann.keyboard.press("a")  # one keystroke to confirm
            ann.wait_for_selector("#status:has-text('Confirmed')")

            bob.get_by_label(CAUSES[3]).check()
            bob.get_by_label("Comment").fill("rude on the phone")
            bob.get_by_role("button", name="Save the code I picked").click()
            bob.wait_for_selector("#status:has-text('Corrected')")

            ann.goto(f"{base}/review/audit")
            rows = ann.locator("#audit tbody tr")
            assert rows.count() == 2
            text = ann.locator("#audit").inner_text()
            assert "Ann Officer" in text and "Bob Officer" in text and "rude on the phone" in text
        finally:
            browser.close()

    trail = decisions_frame(store).set_index("case_id")
    assert trail.loc[case_a, "officer"] == "Ann Officer" and trail.loc[case_a, "action"] == "accepted"
    assert trail.loc[case_a, "label"] == suggested_a
    assert trail.loc[case_b, "officer"] == "Bob Officer" and trail.loc[case_b, "label"] == CAUSES[3]
    codes = current_codes(store, targets=["root_cause"]).set_index("case_id")
    assert codes.loc[case_b, "label"] == CAUSES[3] and codes.loc[case_b, "decided_by"] == "Bob Officer"
