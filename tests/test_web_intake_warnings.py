"""The intake page shows every warning the API gives, the kind of contact, and the urgent and
safeguarding flags with their deadlines beside the due date; the API answer matches its OpenAPI schema."""

from __future__ import annotations

import re
import socket
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from rca.web.triage_schema import TriageResponse

TOKEN = "intake-warnings-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
HAZARD = "There is a smell of gas in my flat and my neighbour's kids were left home alone all night"


@pytest.fixture(scope="module")
def client(trained_model_dir):
    from rca.web.app import create_app

    return TestClient(create_app(trained_model_dir, token=TOKEN))


def page(client, text: str, received: str = "2025-12-01T10:00") -> str:
    r = client.post("/", data={"token": TOKEN, "text": text, "received": received})
    assert r.status_code == 200, r.text
    return r.text


def cell(html: str, element_id: str, end: str = "td|div|ul") -> str:
    m = re.search(rf'id="{element_id}"[^>]*>(.*?)</(?:{end})>', html, re.S)
    assert m, element_id
    return m.group(1)


@pytest.mark.model
def test_no_learnt_word_shows_the_warning_and_no_bold_confident_kind(client):
    html = page(client, "!!!")
    api = client.post("/api/triage", json={"text": "!!!"}, headers=AUTH).json()
    assert api["issues"]
    for note in api["issues"]:  # every warning the API gives is on the page
        assert note.replace("'", "&#39;") in html
    assert "<strong>complaint</strong>" not in html and "please check" in cell(html, "kind")


@pytest.mark.model
def test_a_service_request_shows_its_service_level_note(client):
    html = page(client, "Can I apply for a replacement recycling box please")
    assert "no complaint time limit" in cell(html, "service-level")
    assert "if logged as a stage 1 complaint" in cell(html, "due")


@pytest.mark.model
def test_a_compliment_shows_no_due_date_route_or_ombudsman(client):
    html = page(client, "A big thank you to the bin crew who cleared the fly tipping so quickly. Really appreciated!")
    assert "compliment" in cell(html, "kind") and "no due date" in cell(html, "due")
    answer = html[html.index('id="result"') : html.index("Similar past cases")]  # past cases' own texts aside
    assert "ombudsman" not in answer.lower() and "working days from" not in answer


@pytest.mark.model
def test_flags_show_their_rule_words_and_deadlines_beside_the_due_date(client):
    html = page(client, HAZARD)
    emergency = cell(html, "urgent-emergency-hazard", end="div")
    assert "gas smell or leak" in emergency and "smell of gas" in emergency and "2025-12-02 10:00" in emergency
    assert "safeguarding referral" in html and 'id="urgent-safeguarding"' in html
    assert "2025-12-02 10:00" in html[html.index('id="due"') :]


@pytest.mark.model
def test_the_api_answer_matches_the_documented_schema(client):
    for text in (HAZARD, "!!!", "Can I apply for a replacement recycling box please", "A big thank you to the crew!", " "):
        r = client.post("/api/triage", json={"text": text, "received": "2025-12-01 10:00"}, headers=AUTH)
        assert r.status_code == 200
        TriageResponse.model_validate(r.json())
    schema = client.get("/openapi.json").json()
    ok = schema["paths"]["/api/triage"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["$ref"].endswith("/TriageResponse")
    fields = schema["components"]["schemas"]["TriageResponse"]["properties"]
    assert {"kind", "contact_kind", "kind_check", "service_level", "urgent", "issues", "due"} <= set(fields)


# -- one check in Chromium: the flag is visible on the page a browser renders ---------------------------------------
@pytest.mark.browser
def test_in_chromium_the_emergency_flag_and_warnings_are_shown():
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("no /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    import uvicorn
    from test_score_fakebundle import FakeBundle, past_cases

    from rca.scoring.similar import SimilarIndex
    from rca.web.app import create_app

    app = create_app(None, bundle=FakeBundle(), similar=SimilarIndex(past_cases()), token=TOKEN)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    try:
        for _ in range(200):
            if srv.started:
                break
            time.sleep(0.05)
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"])
            tab = browser.new_page()
            tab.goto(f"http://127.0.0.1:{port}/")
            tab.get_by_label("API token").fill(TOKEN)
            tab.get_by_label("Complaint or request").fill(HAZARD)
            tab.get_by_label("Received").fill("2025-12-01T10:00")
            tab.get_by_role("button", name="Suggest").click()
            tab.wait_for_selector("#result")
            assert tab.locator("#urgent-emergency-hazard").is_visible()
            assert "smell of gas" in tab.inner_text("#urgent-emergency-hazard")
            assert tab.locator("#urgent-safeguarding").is_visible()
            assert "2025-12-02 10:00" in tab.inner_text("#due")
            browser.close()
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
