"""The review page's keys in headless Chromium: a number then Enter stores a
correction to that option's code (with and without JavaScript), Enter alone
stores nothing, and one key (k) keeps the council's code on a case queued
because the model disagrees with it; that button is above the fold."""

from __future__ import annotations

import pytest

from rca.store import decisions_frame, import_frame, open_store
from test_review_browser import CHROMIUM, TOKEN, _free_port, _sign_in
from test_store_backends import scored_cases

pytestmark = pytest.mark.browser


@pytest.fixture
def one_case_server(tmp_path):
    """A live server over a store with one queued case whose recorded code the model disagrees with."""
    import threading
    import time

    uvicorn = pytest.importorskip("uvicorn")
    from fastapi import FastAPI

    from rca.web.review import attach_store, page_router, router

    store = open_store(f"sqlite:///{tmp_path / 'keys.db'}")
    case = scored_cases(1)  # C0001: recorded "Failure to do something", the model suggests "Delay in doing something"
    assert case.loc[0, "root_cause"] != case.loc[0, "root_cause_predicted"]
    import_frame(store, case, source="inline", model_version="m-1")
    app = FastAPI()
    attach_store(app, store, token=TOKEN)
    app.include_router(router)
    app.include_router(page_router)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", store, case.loc[0]
    server.should_exit = True
    thread.join(timeout=10)
    store.dispose()


@pytest.fixture
def chromium():
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_number_then_enter_stores_a_correction_to_that_code(one_case_server, chromium, javascript):
    base, store, case = one_case_server
    page = chromium.new_context(java_script_enabled=javascript).new_page()
    _sign_in(page, base, "Ann Officer", store)
    seventh = page.locator("#opt-7").get_attribute("value")
    assert seventh not in (case["root_cause"], case["root_cause_predicted"])
    if javascript:
        page.locator("#case-title").click()
        page.keyboard.press("Enter")  # nothing picked yet: nothing may be stored
        page.wait_for_selector("#status:has-text('Pick a code')")
        assert decisions_frame(store).empty
        page.keyboard.press("7")
    else:
        page.locator("#opt-7").check()  # what the 7 key does, without the script
        page.locator("#opt-7").focus()
    assert page.locator("#opt-7").is_checked()
    page.keyboard.press("Enter")
    page.wait_for_selector("#status:has-text('Corrected')")
    trail = decisions_frame(store)
    assert len(trail) == 1
    assert trail.loc[0, "action"] == "corrected" and trail.loc[0, "label"] == seventh
    assert trail.loc[0, "officer"] == "Ann Officer"


def test_k_keeps_the_councils_code_in_one_keystroke(one_case_server, chromium):
    base, store, case = one_case_server
    page = chromium.new_context(viewport={"width": 1280, "height": 720}).new_page()
    _sign_in(page, base, "Bob Officer", store)
    keep = page.locator("#keep")
    assert keep.count() == 1 and case["root_cause"] in keep.inner_text()
    box = keep.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 720, f"keep button below the fold: {box}"
    assert page.locator("label[for=opt-1]").inner_text().endswith("model's suggestion")
    page.locator("#case-title").click()
    page.keyboard.press("k")
    page.wait_for_selector("#status:has-text('Kept the council')")
    trail = decisions_frame(store)
    assert len(trail) == 1 and trail.loc[0, "label"] == case["root_cause"] == trail.loc[0, "previous_label"]
    assert trail.loc[0, "officer"] == "Bob Officer" and trail.loc[0, "action"] == "corrected"
