"""A missing case store is never an empty queue: `rca serve --store` with a
path that does not exist is E504 naming the path (read from the current
folder), no store file is made; without any store the review page says how to
start one (E505); a real store says honestly why nothing is shown."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from rca.cli.main import app as cli
from rca.config import Config
from rca.store import decide, import_frame, next_item, open_store
from test_review_api import TOKEN, _signin
from test_store_backends import scored_cases

runner = CliRunner()


@pytest.fixture
def no_store_env(monkeypatch, tmp_path):
    monkeypatch.setenv("RCA_STORE_URL", "")  # restored (removed) after the test whatever serve sets
    monkeypatch.delenv("RCA_STORE_URL")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _serve(monkeypatch, *args: str):
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: calls.append((a, k)))
    return runner.invoke(cli, ["serve", "--workers", "1", *args]), calls


@pytest.mark.model
def test_serve_refuses_a_store_that_does_not_exist(trained_model_dir, no_store_env, monkeypatch):
    result, calls = _serve(monkeypatch, "--model-dir", str(trained_model_dir), "--store", "reviews.db")
    assert result.exit_code != 0 and not calls
    out = " ".join(result.output.split())
    assert "E504" in out and "reviews.db" in out and str(no_store_env) in out and "current folder" in out
    assert "rca store import" in out
    assert not (no_store_env / "reviews.db").exists() and not list(no_store_env.glob("*.db"))


@pytest.mark.model
def test_serve_without_a_store_says_review_is_off_and_makes_no_file(trained_model_dir, no_store_env, monkeypatch):
    result, calls = _serve(monkeypatch, "--model-dir", str(trained_model_dir))
    assert result.exit_code == 0 and len(calls) == 1
    assert "review queue: off" in result.output
    assert not list(no_store_env.glob("*.db"))


def _bare_app(store=None) -> TestClient:
    from rca.web.review import attach_store, page_router, router

    app = FastAPI()
    app.state.token, app.state.config = TOKEN, Config()
    if store is not None:
        attach_store(app, store)
    app.include_router(router)
    app.include_router(page_router)
    return TestClient(app)


def test_review_page_without_a_store_says_how_to_start_one(no_store_env):
    client = _bare_app()
    page = client.get("/review")
    assert page.status_code == 503 and "E505" in page.text and "rca store import" in page.text
    api = client.get("/review/queue", headers={"Authorization": f"Bearer {TOKEN}"})
    assert api.status_code == 503 and api.json()["detail"]["code"] == "E505"
    assert not list(no_store_env.glob("*.db")), "a store file was created"


def test_review_page_with_a_missing_configured_store_is_e504(no_store_env, monkeypatch):
    monkeypatch.setenv("RCA_STORE_URL", "gone.db")
    page = _bare_app().get("/review")
    assert page.status_code == 503 and "E504" in page.text and "gone.db" in page.text
    assert not (no_store_env / "gone.db").exists()


def test_empty_store_says_nothing_imported_then_nothing_queued_then_all_done(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'real.db'}")
    client = _bare_app(store)
    assert 'data-why="nothing_imported"' in _signin(client, "Ann")
    labelled = scored_cases(2).drop(columns=[c for c in scored_cases(2).columns if c.startswith("root_cause_")])
    labelled["root_cause"] = "Failure to do something"
    import_frame(store, labelled, source="labelled")
    assert 'data-why="nothing_queued"' in client.get("/review/work").text
    import_frame(store, scored_cases(1).assign(case_id="S1"), source="scored")
    item = next_item(store, officer="Bob")
    decide(store, item.item_id, officer="Bob", action="accepted")
    page = client.get("/review/work").text
    assert 'data-why="all_done"' in page and "Nothing left" not in page
    store.dispose()
