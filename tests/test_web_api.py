"""The web app with the inline stand-in model: token, limits, JSON API, the page without JavaScript."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from test_score_fakebundle import FakeBundle, past_cases

from rca.scoring.similar import SimilarIndex
from rca.web.app import create_app
from rca.web.routes_pages import highlight_segments

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def client():
    app = create_app(None, bundle=FakeBundle(), similar=SimilarIndex(past_cases()), token=TOKEN)
    return TestClient(app)


def test_health_needs_no_token_and_everything_else_does(client):
    for path in ("/health", "/api/health"):
        r = client.get(path)
        assert r.status_code == 200 and r.json()["status"] == "ok" and r.json()["past_cases"] == 16
    body = {"text": "My bin was not collected"}
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}, {"X-API-Token": "s3cret"}):
        r = client.post("/api/triage", json=body, headers=headers)
        assert r.status_code == 401, headers
        assert r.json()["detail"]["code"] == "E402"
        assert "My bin" not in r.text
    assert client.get("/api/model").status_code == 401
    assert client.post("/api/triage", json=body, headers={"X-API-Token": TOKEN}).status_code == 200


def test_triage_answers_with_due_date_route_and_similar_cases(client):
    r = client.post(
        "/api/triage", headers=AUTH, json={"text": "My recycling bin was not collected again, nobody came", "received": "2024-03-28 15:30"}
    )
    assert r.status_code == 200
    res = r.json()
    assert res["service"]["label"] == "Waste and Street Cleansing"
    assert res["kind"] == "complaint"
    # after 3 pm on Thursday 28 March 2024 -> Tuesday 2 April (Good Friday, Easter Monday); +10 working days
    assert res["effective_received"] == "2024-04-02" and res["due"] == "2024-04-16"
    assert res["route"] == "corporate" and res["statutory"] is False
    assert res["similar"] and res["similar"][0]["service"] == "Waste and Street Cleansing"
    assert res["team"] == "Collections"


def test_model_info_lists_thresholds(client):
    r = client.get("/api/model", headers=AUTH)
    assert r.status_code == 200
    assert set(r.json()["thresholds"]) == {"root_cause", "acceptability", "service"}


def test_score_batch_keeps_order_and_flags_blank_text(client):
    items = [
        {"case_id": "c1", "text": "rude staff at reception"},
        {"case_id": "c2", "text": "  "},
        {"text": "parking fine unfair", "received": "not a date"},
    ]
    r = client.post("/api/score", headers=AUTH, json={"items": items})
    assert r.status_code == 200
    rows = r.json()["items"]
    assert [row["case_id"] for row in rows] == ["c1", "c2", "3"]
    assert rows[1]["service_predicted"] is None and rows[1]["service_review"] is True
    assert "empty text" in rows[1]["rca_issues"] and "E103" in rows[2]["rca_issues"]
    assert rows[2]["service_predicted"] == "Parking"


def test_bad_requests_get_4xx_json_without_the_input(client):
    r = client.post("/api/triage", headers=AUTH, json={"text": "x", "surprise": "Mrs Smith"})
    assert r.status_code == 422 and "Mrs Smith" not in r.text
    r = client.post(
        "/api/triage",
        headers=AUTH,
        content=b"{not json",
    )
    assert r.status_code == 422
    r = client.post("/api/triage", headers=AUTH, json={"text": "bin", "received": "the day after tomorrow"})
    assert r.status_code == 400 and r.json()["detail"]["code"] == "E103"
    r = client.post("/api/score", headers=AUTH, json={"items": [{"text": "x"}] * 501})
    assert r.status_code == 422
    r = client.post(
        "/api/triage",
        headers=AUTH,
        content=b"x" * 1_000_001,
    )
    assert r.status_code == 413 and r.json()["detail"]["code"] == "E401"


def test_the_form_works_without_javascript(client):
    page = client.get("/")
    assert page.status_code == 200 and '<label for="text">' in page.text and 'method="post"' in page.text
    r = client.post("/", data={"token": TOKEN, "text": "The penalty charge notice was unfair <script>", "received": "2024-12-24T16:00"})
    assert r.status_code == 200
    # 24 Dec after 3 pm -> Fri 27 Dec (Christmas, Boxing Day); 10 working days skipping New Year's Day -> 13 Jan
    assert 'id="due"' in r.text and "2025-01-13" in r.text and "2024-12-27" in r.text
    assert "Parking" in r.text and "<mark>" in r.text
    assert "<script>" not in r.text.split("<textarea")[1].split("</textarea>")[0]  # escaped
    bad = client.post("/", data={"token": "nope", "text": "bin"})
    assert bad.status_code == 401 and "token is missing or wrong" in bad.text


def test_the_form_takes_a_complainant_id_for_the_duplicate_check(client):
    """Past case P001 is from complainant R1; the same person writing again within the window is flagged."""
    past = past_cases()
    last = past[past["complainant_id"] == "R1"]["received"].max()
    when = (last + __import__("pandas").Timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    r = client.post(
        "/", data={"token": TOKEN, "text": "Something quite different about a library book", "received": when, "complainant_id": "R1"}
    )
    assert r.status_code == 200 and 'id="duplicate"' in r.text and "same complainant" in r.text
    assert 'name="complainant_id"' in r.text and 'value="R1"' in r.text
    r = client.post("/", data={"token": TOKEN, "text": "Something quite different about a library book", "received": when})
    assert 'id="duplicate"' not in r.text


def test_an_over_long_form_gets_the_page_back_with_what_to_fix(client):
    from rca.web.routes_api import MAX_TEXT_CHARS

    r = client.post("/", data={"token": TOKEN, "text": "abc " + "x" * MAX_TEXT_CHARS, "complainant_id": "R9"})
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
    assert "at most" in r.text and 'id="intake"' in r.text
    # the officer's typing comes back cut to fit (it was lost), and the token does not
    assert "abc " + "x" * (MAX_TEXT_CHARS - 4) in r.text and "x" * (MAX_TEXT_CHARS - 3) not in r.text
    assert 'value="R9"' in r.text and TOKEN not in r.text


def test_highlight_marks_words_not_pieces_of_other_words():
    segs = highlight_segments("Combine the bins; bin collected", ["bin", "collect"])
    assert [p for p, marked in segs if marked] == ["bin", "bin", "collect"]  # not the "bin" of "Combine"


def test_highlight_marks_each_phrase_case_insensitively():
    segs = highlight_segments("Bin not collected. BIN again", ["bin", "not collected"])
    assert [p for p, m in segs if m] == ["Bin", "not collected", "BIN"]
    assert "".join(p for p, _ in segs) == "Bin not collected. BIN again"


def test_two_apps_in_one_process_each_answer_from_their_own_model():
    """The routes are shared APIRouters; what they answer from is each app's own state."""
    one = FakeBundle(threshold=0.2)
    two = FakeBundle(threshold=0.9)
    two.targets = two.targets[:1]
    a = TestClient(create_app(None, bundle=one, similar=SimilarIndex(past_cases()), token="a"))
    b = TestClient(create_app(None, bundle=two, similar=None, token="b"))
    assert a.get("/api/health").json()["past_cases"] == 16 and b.get("/api/health").json()["past_cases"] == 0
    ma = a.get("/api/model", headers={"Authorization": "Bearer a"}).json()
    mb = b.get("/api/model", headers={"Authorization": "Bearer b"}).json()
    assert set(ma["thresholds"].values()) == {0.2} and mb["thresholds"] == {two.targets[0]: 0.9}
    assert b.get("/api/model", headers={"Authorization": "Bearer a"}).status_code == 401
