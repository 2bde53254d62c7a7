"""The review loop end to end (store, queue, web page, API): cases from files without ids stay apart, the
work item shows the code in force, stale acceptances are refused, odd requests get a 4xx that does not echo the input."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from rca.cli.main import app
from rca.errors import RcaError
from rca.store import current_codes, decide, decisions_frame, export_frame, import_export, import_frame, next_item, open_store
from test_review_api import AUTH, TOKEN, _form, _signin, app_store  # noqa: F401  (fixture)
from test_store_backends import CAUSES, scored_cases

runner = CliRunner()


@pytest.fixture
def store(tmp_path):
    s = open_store(f"sqlite:///{tmp_path / 's.db'}")
    yield s
    s.dispose()


def _no_id_export(path, texts, cause):
    pd.DataFrame({"text": texts, "root_cause": [cause] * len(texts)}).to_csv(path, index=False)
    return path


# ------------------------------------------------------------------ 1. files without case ids
def test_files_without_case_ids_never_merge_into_each_others_cases(store, tmp_path):
    """Row 2 of February's export was stored as January's case "2": its codes landed on January's complaint."""
    jan = _no_id_export(tmp_path / "jan.csv", ["My bin was missed", "Rude officer on the phone"], CAUSES[0])
    feb = _no_id_export(tmp_path / "feb.csv", ["The window is broken", "Parking fine unfair"], CAUSES[2])
    r1, r2 = import_export(store, jan), import_export(store, feb)
    assert (r1.n_new_cases, r2.n_new_cases, r2.n_existing_cases) == (2, 2, 0)
    assert any("has no case id column" in w and "'feb:ROW'" in w for w in r2.warnings)
    codes = current_codes(store).set_index("case_id")
    assert codes.loc["jan:2", "label"] == CAUSES[0] and codes.loc["feb:2", "label"] == CAUSES[2]
    # the same file imported again (changed, so not skipped) matches its own rows
    _no_id_export(feb, ["The window is broken", "Parking fine unfair", "Noisy neighbours"], CAUSES[2])
    r3 = import_export(store, feb)
    assert (r3.n_new_cases, r3.n_existing_cases) == (1, 2) and not any("other words" in w for w in r3.warnings)


def test_a_stored_case_id_with_other_words_is_said(store):
    import_frame(store, pd.DataFrame({"case_id": ["A1"], "text": ["My bin was missed"]}), source="one")
    res = import_frame(store, pd.DataFrame({"case_id": ["A1"], "text": ["The lift is broken"]}), source="two")
    assert any("1 rows of two have the case id of a stored case but other words (e.g. A1)" in w for w in res.warnings)
    res = import_frame(store, pd.DataFrame({"case_id": ["A1"], "text": ["My  bin was missed "]}), source="three")
    assert not res.warnings  # the same words, spaced differently


# ------------------------------------------------------------------ 2. not a complaint decides acceptability
def test_not_a_complaint_closes_the_cases_acceptability_item(store):
    """The acceptability item stayed open; a second officer confirming "Complaint" silently overturned the first."""
    frame = scored_cases(4).assign(acceptability_predicted="Complaint", acceptability_confidence=0.4, acceptability_review=True)
    import_frame(store, frame, source="inline")
    root = next(i for i in iter(lambda: next_item(store, officer="Ann", target="root_cause"), None))
    decide(store, root.item_id, officer="Ann", action="not_complaint")
    # the acceptability item of that case is no longer offered: nobody can confirm "Complaint" over it
    seen = []
    while (item := next_item(store, officer="Bob", target="acceptability")) is not None:
        seen.append(item.case_id)
        decide(store, item.item_id, officer="Bob", action="accepted")
    assert root.case_id not in seen
    codes = current_codes(store).set_index(["case_id", "target"])
    assert codes.loc[(root.case_id, "acceptability"), "label"] == "Service request or enquiry - not a complaint"
    trail = decisions_frame(store, case_id=root.case_id)
    assert trail["item_id"].notna().all()  # both decisions closed an item, in the trail


def test_the_work_item_shows_the_code_in_force(store):
    frame = scored_cases(2).assign(
        acceptability="Anonymous", acceptability_predicted="Complaint", acceptability_confidence=0.4, acceptability_review=True
    )
    import_frame(store, frame, source="inline")
    from rca.store import record_decision

    record_decision(store, "C0001", "acceptability", officer="Ann", action="corrected", label="Complaint")
    record_decision(store, "C0002", "root_cause", officer="Ann", action="not_complaint")
    shown = {}
    while (item := next_item(store, officer="Bob")) is not None:
        shown[(item.case_id, item.target)] = item.recorded
        decide(store, item.item_id, officer="Bob", action="corrected", label=CAUSES[0] if item.target == "root_cause" else "Complaint")
    assert shown.get(("C0001", "root_cause")) == CAUSES[0] or ("C0001", "root_cause") not in shown
    assert ("C0002", "acceptability") not in shown  # decided by the not-a-complaint


# ------------------------------------------------------------------ 3. scored again while waiting
def test_a_case_scored_again_shows_the_newer_suggestion_and_a_stale_acceptance_is_refused(store):
    import_frame(store, scored_cases(4), source="one", model_version="v1")
    item = next_item(store, officer="Ann")
    newer = scored_cases(4)
    newer.loc[newer["case_id"] == item.case_id, "root_cause_predicted"] = CAUSES[3] if item.suggested != CAUSES[3] else CAUSES[0]
    res = import_frame(store, newer, source="two", model_version="v2")
    assert res.n_items_updated >= 1 and res.n_review_items == 0
    with pytest.raises(RcaError) as e:  # Ann was shown v1's suggestion: confirming would record one she never saw
        decide(store, item.item_id, officer="Ann", action="accepted", seen_suggestion=item.suggestion_id)
    assert e.value.code == "E502" and "changed since it was shown" in str(e.value)
    assert decisions_frame(store).empty
    again = next_item(store, officer="Ann")
    assert again.item_id == item.item_id and again.model_version == "v2" and again.suggested != item.suggested
    rec = decide(store, again.item_id, officer="Ann", action="accepted", seen_suggestion=again.suggestion_id)
    assert rec.label == again.suggested


# ------------------------------------------------------------------ 4. export notes and reviewers
def test_export_says_a_changed_code_when_an_accepted_suggestion_replaced_it(store):
    import_frame(store, scored_cases(4), source="inline")
    c1 = scored_cases(4).set_index("case_id").loc["C0001"]  # its suggestion differs from the code recorded
    assert c1["root_cause_predicted"] != c1["root_cause"]
    from rca.store import record_decision

    record_decision(store, "C0001", "root_cause", officer="Ann", action="corrected", label=CAUSES[3])
    record_decision(store, "C0001", "root_cause", officer="Bob", action="accepted")
    row = export_frame(store).set_index("case_id").loc["C0001"]
    assert row["rca_review_notes"] == f"root_cause changed (suggestion accepted) by Bob: {c1['root_cause']} -> {c1['root_cause_predicted']}"
    assert row["rca_reviewed_by"] == "Ann; Bob"


# ------------------------------------------------------------------ 5. decide --case needs an action
def test_decide_on_a_case_needs_an_explicit_action(tmp_path):
    db = f"sqlite:///{tmp_path / 'c.db'}"
    s = open_store(db)
    import_frame(s, scored_cases(3), source="inline")
    s.dispose()
    r = runner.invoke(app, ["store", "decide", "--case", "C0002", "--target", "root_cause", "--officer", "c.smith", "--db", db])
    assert r.exit_code == 2 and "--case needs --action" in " ".join(r.output.split())
    r = runner.invoke(app, ["store", "decide", "99999999999999999999", "--officer", "a", "--db", db])
    assert r.exit_code == 2 and "Traceback" not in r.output and "no review item" in r.output


# ------------------------------------------------------------------ 7-8. the web page and API
def test_odd_cookies_forms_and_item_numbers_are_refused_not_500(app_store):
    client, _ = app_store
    odd = client.get("/review/work", headers={"cookie": "rca_review=YQ==.\u00e9".encode("utf-8")}, follow_redirects=False)
    assert odd.status_code == 303
    page = _signin(client, "Ann")
    action, _ = _form(page)
    assert client.post(action, data={"csrf": "\u00e9", "action": "accepted"}).status_code == 403
    huge = client.post("/review/99999999999999999999/decision", json={"officer": "Ann", "action": "accepted"}, headers=AUTH)
    assert huge.status_code == 422


def test_the_status_box_says_only_what_the_server_decided(app_store):
    client, _ = app_store
    _signin(client, "Ann")
    fake = client.get("/review/work", params={"saved": "Your account is locked, call 0800"})
    assert "Your account is locked" not in fake.text
    page = client.get("/review/work").text
    action, csrf = _form(page)
    seen = re.search(r'name="seen" value="(\d+)"', page).group(1)
    done = client.post(action, data={"csrf": csrf, "action": "accepted", "seen": seen}, follow_redirects=True)
    assert re.search(r'id="status"[^>]*>Confirmed root cause for case C\d+', done.text)


def test_skipping_a_case_that_is_not_yours_says_so(app_store):
    client, store = app_store
    page = _signin(client, "Ann")
    action, csrf = _form(page)
    item_id = int(action.rsplit("/", 1)[1])
    decide(store, item_id, officer="Ann", action="accepted")
    r = client.post(action, data={"csrf": csrf, "action": "skip"})
    assert "Skipped" not in r.text and "not yours to skip" in r.text


def test_api_errors_do_not_echo_the_input(tmp_path, trained_model_dir):
    from rca.web.app import create_app

    client = TestClient(create_app(trained_model_dir, token="t"))
    r = client.post("/api/triage", json={"text": "bin missed", "received": "not-a-date-SECRET"}, headers={"Authorization": "Bearer t"})
    assert r.status_code == 400 and "SECRET" not in r.text and "E103" in r.text
    r = client.post("/api/score", json={"items": [{"text": "bin missed"}]}, headers={"Authorization": "Bearer t"})
    assert r.status_code == 200 and not any(k.endswith("(input)") for k in r.json()["items"][0])


def test_export_keeps_the_spelling_the_export_used_most(store, tmp_path):
    """Three rows 'Upheld' and one 'upheld' all came back as 'upheld': the code as rca spells it never counted."""
    path = tmp_path / "small.csv"
    pd.DataFrame(
        {"Ref": ["A1", "A2", "A3", "A4"], "Comment": ["bin", "lift", "rude", "late"], "Outcome": ["Upheld", "Upheld", "Upheld", "upheld"]}
    ).to_csv(path, index=False)
    from rca.config import Config

    cfg = Config(columns={"case_id": "Ref", "text": "Comment", "outcome": "Outcome"})
    import_export(store, path, config=cfg)
    assert export_frame(store, config=cfg)["Outcome"].tolist() == ["Upheld"] * 4
