"""The review API and the server-rendered review page (FastAPI TestClient):
token required, two officers get different cases, decisions land in the audit
trail, bad codes are refused without writing anything."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from rca.store import decisions_frame, import_frame, open_store
from rca.web.review import attach_store, page_router, router
from test_store_backends import CAUSES, scored_cases

TOKEN = "test-token-123"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def app_store(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'review.db'}")
    import_frame(store, scored_cases(6), source="inline", model_version="m-7")
    app = FastAPI()
    attach_store(app, store, token=TOKEN)
    app.include_router(router)
    app.include_router(page_router)
    yield TestClient(app), store
    store.dispose()


def test_api_needs_the_token(app_store):
    client, _ = app_store
    assert client.get("/review/queue").status_code == 401
    assert client.get("/review/queue", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/review/queue", headers=AUTH).status_code == 200


def test_api_two_officers_get_different_cases_and_both_decisions_are_audited(app_store):
    client, store = app_store
    a = client.get("/review/next", params={"officer": "Ann"}, headers=AUTH).json()["item"]
    b = client.get("/review/next", params={"officer": "Bob"}, headers=AUTH).json()["item"]
    assert a["item_id"] != b["item_id"] and a["officer"] == "Ann" and b["officer"] == "Bob"
    again = client.get("/review/next", params={"officer": "Ann"}, headers=AUTH).json()["item"]
    assert again["item_id"] == a["item_id"]  # a reload does not take a second case
    clash = client.post(f"/review/{a['item_id']}/decision", json={"officer": "Bob", "action": "accepted"}, headers=AUTH)
    assert clash.status_code == 409 and clash.json()["detail"]["code"] == "E502"
    ok = client.post(f"/review/{a['item_id']}/decision", json={"officer": "Ann", "action": "accepted"}, headers=AUTH)
    assert ok.status_code == 201 and ok.json()["decision"]["label"] == a["suggested"]
    bad = client.post(
        f"/review/{b['item_id']}/decision", json={"officer": "Bob", "action": "corrected", "label": "Not a code"}, headers=AUTH
    )
    assert bad.status_code == 400 and bad.json()["detail"]["code"] == "E106"
    good = client.post(
        f"/review/{b['item_id']}/decision",
        json={"officer": "Bob", "action": "corrected", "label": CAUSES[3], "comment": "rude on the phone"},
        headers=AUTH,
    )
    assert good.status_code == 201
    trail = client.get("/review/decisions", headers=AUTH).json()["decisions"]
    assert [(d["officer"], d["action"]) for d in trail] == [("Bob", "corrected"), ("Ann", "accepted")]
    assert trail[0]["label"] == CAUSES[3] and trail[0]["model_version"] == "m-7"
    assert len(decisions_frame(store)) == 2
    assert sum(r["decided"] for r in client.get("/review/queue", headers=AUTH).json()["summary"]) == 2
    missing = client.post("/review/99999/decision", json={"officer": "Ann", "action": "accepted"}, headers=AUTH)
    assert missing.status_code == 404


def test_api_rejects_malformed_bodies_without_5xx(app_store):
    client, _ = app_store
    for body in (
        {"officer": "Ann", "action": "approve"},
        {"action": "accepted"},
        {"officer": "", "action": "accepted"},
        {"officer": "Ann", "action": "accepted", "extra": 1},
    ):
        r = client.post("/review/1/decision", json=body, headers=AUTH)
        assert r.status_code == 422, body


def officer_token(client: TestClient, name: str) -> str:
    """A personal token for `name` from the app's store, as `rca store officers add` issues it (once per name)."""
    from rca.store.officers import add_officer

    tokens = client.app.state.__dict__.setdefault("_test_tokens", {})
    if name not in tokens:
        tokens[name] = add_officer(client.app.state.review_store, name)
    return tokens[name]


def _signin(client: TestClient, name: str) -> str:
    r = client.post("/review/signin", data={"officer": name, "token": officer_token(client, name)}, follow_redirects=True)
    assert r.status_code == 200 and f">{name}<" in r.text
    return r.text


def _form(html: str) -> tuple[str, str]:
    action = re.search(r'<form method="post" action="(/review/work/\d+)" id="decide">', html).group(1)
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)
    return action, csrf


def test_page_needs_sign_in_with_a_personal_token(app_store):
    client, _ = app_store
    r = client.get("/review/work", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/review"
    page = client.get("/review")
    assert page.status_code == 200 and '<label for="officer">' in page.text and 'lang="en"' in page.text
    officer_token(client, "Ann")
    bad = client.post("/review/signin", data={"officer": "Ann", "token": "nope"})
    assert bad.status_code == 401 and 'role="alert"' in bad.text
    shared = client.post("/review/signin", data={"officer": "Ann", "token": TOKEN})  # the machine clients' token is not a person's
    assert shared.status_code == 401 and 'role="alert"' in shared.text
    client.cookies.set("rca_review", "QW5u.forged", path="/review")
    assert client.get("/review/work", follow_redirects=False).status_code == 303


def test_page_two_officers_confirm_and_correct(app_store):
    _, store = app_store
    app = app_store[0].app
    ann, bob = TestClient(app), TestClient(app)
    page_a, page_b = _signin(ann, "Ann Officer"), _signin(bob, "Bob Officer")
    action_a, csrf_a = _form(page_a)
    action_b, csrf_b = _form(page_b)
    assert action_a != action_b
    forged = ann.post(action_a, data={"action": "accepted", "csrf": "0" * 64})
    assert forged.status_code == 403
    stolen = ann.post(action_b, data={"action": "accepted", "csrf": csrf_a})
    assert stolen.status_code == 409 and "leased to Bob Officer" in stolen.text
    r = ann.post(action_a, data={"action": "accepted", "csrf": csrf_a}, follow_redirects=True)
    assert r.status_code == 200 and "Confirmed root cause" in r.text
    r = bob.post(action_b, data={"action": "corrected", "label": "Made up", "csrf": csrf_b})
    assert r.status_code == 400 and "is not a root_cause code" in r.text
    r = bob.post(action_b, data={"action": "corrected", "label": CAUSES[3], "comment": "phone call", "csrf": csrf_b}, follow_redirects=True)
    assert r.status_code == 200 and f"to {CAUSES[3]}" in r.text
    audit = ann.get("/review/audit")
    assert "Ann Officer" in audit.text and "Bob Officer" in audit.text and "phone call" in audit.text
    trail = decisions_frame(store)
    assert sorted(zip(trail["officer"], trail["action"])) == [("Ann Officer", "accepted"), ("Bob Officer", "corrected")]


def test_page_escapes_case_text(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'x.db'}")
    frame = scored_cases(1)
    frame.loc[0, "text"] = "<script>alert(1)</script> my bin"
    import_frame(store, frame, source="inline")
    app = FastAPI()
    attach_store(app, store, token=TOKEN)
    app.include_router(page_router)
    client = TestClient(app)
    html = _signin(client, "Ann")
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    store.dispose()


def test_two_api_clients_working_at_once_never_share_a_case(tmp_path):
    import threading

    store = open_store(f"sqlite:///{tmp_path / 'race.db'}")
    import_frame(store, scored_cases(30), source="inline")
    app = FastAPI()
    attach_store(app, store, token=TOKEN)
    app.include_router(router)
    got: dict[str, list[int]] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def work(officer: str) -> None:
        client, mine, first = TestClient(app), [], True
        try:
            while True:
                item = client.get("/review/next", params={"officer": officer}, headers=AUTH).json()["item"]
                if first:
                    barrier.wait()  # both hold a case before either decides: they really work side by side
                    first = False
                if item is None:
                    break
                r = client.post(f"/review/{item['item_id']}/decision", json={"officer": officer, "action": "accepted"}, headers=AUTH)
                assert r.status_code == 201, r.text
                mine.append(item["item_id"])
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        got[officer] = mine

    threads = [threading.Thread(target=work, args=(o,)) for o in ("Ann", "Bob")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    ids = got["Ann"] + got["Bob"]
    assert len(ids) == len(set(ids)) == 30 and got["Ann"] and got["Bob"]
    trail = decisions_frame(store)
    assert len(trail) == 30 and trail["item_id"].is_unique
    assert set(trail.loc[trail["item_id"].isin(got["Ann"]), "officer"]) == {"Ann"}
    store.dispose()
