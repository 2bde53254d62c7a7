"""Officers sign in as themselves: a personal token from `rca store officers add`
(only a salted hash kept), revocable at once; sessions end after `[serve]
session_hours`; names with control or look-alike characters are refused; a
single-sign-on proxy's header is used only when configured."""

from __future__ import annotations

import time

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from rca.cli.main import app as cli
from rca.config import config_from_dict
from rca.errors import RcaError
from rca.store import import_frame, open_store
from rca.store.officer_names import officer_name
from rca.store.officers import add_officer, check_officer_token, revoke_officer
from rca.web.auth import make_session
from test_review_api import AUTH, TOKEN
from test_store_backends import scored_cases


def _client(store, **serve) -> TestClient:
    from rca.web.review import attach_store, page_router, router

    app = FastAPI()
    attach_store(app, store, config=config_from_dict({"serve": serve} if serve else {}), token=TOKEN)
    app.include_router(router)
    app.include_router(page_router)
    return TestClient(app)


@pytest.fixture
def store(tmp_path):
    s = open_store(f"sqlite:///{tmp_path / 'officers.db'}")
    import_frame(s, scored_cases(4), source="inline")
    yield s
    s.dispose()


def test_only_a_salted_hash_of_the_token_is_kept(store):
    token = add_officer(store, "Ann Khan")
    with store.engine.connect() as conn:
        dump = " ".join(str(v) for row in conn.execute(text("SELECT * FROM officers")) for v in row)
    assert token not in dump and "scrypt$" in dump
    assert check_officer_token(store, "Ann Khan", token) == "Ann Khan"
    assert check_officer_token(store, "ann  khan", token) == "Ann Khan"  # the same officer, recorded spelling
    assert check_officer_token(store, "Ann Khan", token[:-1] + "x") is None
    assert check_officer_token(store, "Bob", token) is None
    with pytest.raises(RcaError) as again:
        add_officer(store, "ANN KHAN")
    assert again.value.code == "E507"


def test_sign_in_needs_the_officers_own_token_and_revoking_ends_the_session(store):
    ann, bob = add_officer(store, "Ann"), add_officer(store, "Bob")
    client = _client(store)
    assert client.post("/review/signin", data={"officer": "Ann", "token": bob}).status_code == 401
    assert client.post("/review/signin", data={"officer": "Ann", "token": TOKEN}).status_code == 401
    r = client.post("/review/signin", data={"officer": "Ann", "token": ann}, follow_redirects=True)
    assert r.status_code == 200 and 'id="officer-name">Ann<' in r.text
    revoke_officer(store, "Ann")
    assert client.get("/review/work", follow_redirects=False).headers["location"] == "/review"
    assert client.post("/review/signin", data={"officer": "Ann", "token": ann}).status_code == 401


def test_sessions_expire_after_session_hours(store):
    add_officer(store, "Ann")
    for hours, age, ok in ((None, 7.9, True), (None, 8.1, False), (1, 0.9, True), (1, 1.1, False)):
        client = _client(store, **({"session_hours": hours} if hours else {}))
        client.cookies.set("rca_review", make_session(TOKEN, "Ann", now=time.time() - age * 3600), path="/review")
        r = client.get("/review/work", follow_redirects=False)
        assert (r.status_code == 200) is ok, (hours, age, r.status_code)
    forged = _client(store)
    forged.cookies.set("rca_review", make_session("another-key", "Ann"), path="/review")
    assert forged.get("/review/work", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("name", ["\u0410nn", "Ann\u200b", "Ann\x1b[31m", "Ann\u202e", "Bob<script>", "   "])
def test_control_and_look_alike_names_are_refused(store, name):
    with pytest.raises(RcaError) as err:
        officer_name(name)
    assert err.value.code == "E506"
    client = _client(store)
    page = client.post("/review/signin", data={"officer": name, "token": "x"})
    assert page.status_code == 400 and "officer name" in page.text and "letters of one script" in page.text and 'role="alert"' in page.text
    api = client.get("/review/next", params={"officer": name}, headers=AUTH)
    assert api.status_code == 400 and api.json()["detail"]["code"] == "E506" and "<script>" not in api.text


def test_nfkc_and_spaces_give_one_spelling():
    assert officer_name("\uff21nn  Khan") == "Ann Khan"
    assert officer_name("José Núñez") == "José Núñez"


def test_trusted_header_is_used_only_when_configured(store):
    off = _client(store)
    assert off.get("/review/work", headers={"X-Remote-User": "Cat"}, follow_redirects=False).status_code == 303
    on = _client(store, trusted_user_header="X-Remote-User")
    page = on.get("/review/work", headers={"X-Remote-User": "Cat"})
    assert page.status_code == 200 and 'id="officer-name">Cat<' in page.text
    assert on.get("/review/work", headers={"X-Remote-User": "C\u0430t".encode()}, follow_redirects=False).status_code == 303
    assert 'id="officer-name">José<' in on.get("/review/work", headers={"X-Remote-User": "José".encode()}).text
    with pytest.raises(RcaError) as bad:
        _client(store, trusted_user_header="X Remote: User").get("/review/work")
    assert bad.value.code == "E202"


def test_decisions_are_recorded_under_the_signed_in_officer(store):
    import re

    from rca.store import decisions_frame

    client = _client(store)
    client.post("/review/signin", data={"officer": "Ann", "token": add_officer(store, "Ann")})
    page = client.get("/review/work").text
    action = re.search(r'action="(/review/work/\d+)" id="decide"', page).group(1)
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
    client.post(action, data={"action": "accepted", "csrf": csrf, "officer": "Mallory"})
    assert list(decisions_frame(store)["officer"]) == ["Ann"]


@pytest.mark.system
def test_officers_cli_add_list_revoke(tmp_path):
    runner = CliRunner()
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    assert runner.invoke(cli, ["store", "officers", "add", "Ann", "--db", db]).exit_code != 0  # no store yet: E504
    assert runner.invoke(cli, ["store", "init", "--db", db]).exit_code == 0
    added = runner.invoke(cli, ["store", "officers", "add", "Ann Khan", "--db", db])
    assert added.exit_code == 0
    token = added.output.strip().splitlines()[-1]
    s = open_store(db)
    assert check_officer_token(s, "Ann Khan", token) == "Ann Khan"
    listed = runner.invoke(cli, ["store", "officers", "list", "--db", db])
    assert "Ann Khan" in listed.output and "active" in listed.output and token not in listed.output
    assert runner.invoke(cli, ["store", "officers", "revoke", "ann khan", "--db", db]).exit_code == 0
    assert "revoked" in runner.invoke(cli, ["store", "officers", "list", "--db", db]).output
    assert check_officer_token(s, "Ann Khan", token) is None
    bad = runner.invoke(cli, ["store", "officers", "add", "Bob\x07", "--db", db])
    assert bad.exit_code != 0 and "E506" in bad.output
    s.dispose()
