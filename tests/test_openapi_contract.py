"""The OpenAPI document tells the truth: schemathesis generates requests for
every operation the app documents (triage, score, model, health and the review
API, with a real case store behind it), sends them with the API token, and
every answer must match the document under all of schemathesis' checks
(status codes documented, schema-valid requests accepted, invalid ones
refused, response bodies as declared, no 5xx). Seeded and small: 15 examples
per operation, derandomized."""

from __future__ import annotations

import sys

import pytest

if sys.version_info < (3, 11):  # a builtin from 3.11; hypothesis brings the backport before it
    from exceptiongroup import BaseExceptionGroup

from hypothesis import HealthCheck, settings  # noqa: E402

from rca.store import import_frame, open_store  # noqa: E402
from rca.web.app import create_app  # noqa: E402
from rca.web.review import attach_store  # noqa: E402
from test_score_fakebundle import FakeBundle, past_cases  # noqa: E402
from test_store_backends import scored_cases  # noqa: E402

TOKEN = "contract-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
EXAMPLES = 15


def _app(tmp_dir):
    from rca.scoring.similar import SimilarIndex

    app = create_app(None, bundle=FakeBundle(), similar=SimilarIndex(past_cases()), token=TOKEN)
    store = open_store(f"sqlite:///{tmp_dir / 'contract.db'}")
    import_frame(store, scored_cases(30), source="inline", model_version="m-1")
    return attach_store(app, store)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return _app(tmp_path_factory.mktemp("contract"))


@pytest.fixture(scope="module")
def api_schema(app):
    schemathesis = pytest.importorskip("schemathesis")  # imported here: only the fuzz tier's test reads the schema with it
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def all_checks() -> list:
    from schemathesis.checks import CHECKS, load_all_checks

    load_all_checks()
    return [c for c in CHECKS.get_all() if callable(c) and not isinstance(c, type)]


def contract_failures(api_schema, *, examples: int = EXAMPLES) -> dict[str, str]:
    """operation -> the first failure schemathesis found (after shrinking); empty when every answer matched."""
    from hypothesis import given

    checks, failures = all_checks(), {}
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=examples, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def run(case):
            case.call_and_validate(headers=AUTH, checks=checks)

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - each operation's failure is reported, then all are asserted
            failures[operation.label] = " ".join(str(exc).split())[:600]
    return failures


@pytest.mark.fuzz
def test_every_operation_answers_as_documented(api_schema):
    operations = [r.ok().label for r in api_schema.get_all_operations()]
    assert len(operations) >= 8, operations  # triage, score, model, health and the review API
    failures = contract_failures(api_schema)
    assert not failures, "\n".join(f"{k}: {v}" for k, v in failures.items())


def test_the_document_covers_the_api(app):
    from fastapi.testclient import TestClient

    doc = TestClient(app).get("/openapi.json").json()
    paths = set(doc["paths"])
    assert {"/api/triage", "/api/score", "/api/model", "/api/health", "/review/next", "/review/{item_id}/decision"} <= paths
    for path in ("/api/triage", "/api/score", "/review/{item_id}/decision"):
        answers = doc["paths"][path]["post"]["responses"]
        assert {"400", "401", "413", "422"} <= set(answers), (path, sorted(answers))


def test_declared_types_are_what_is_accepted(app):
    from fastapi.testclient import TestClient

    client = TestClient(app)
    item = client.get("/review/next", params={"officer": "Ann"}, headers=AUTH).json()["item"]["item_id"]
    for skip in (0, 1, "true", "no"):  # a boolean is true or false, nothing else
        r = client.post(f"/review/{item}/release", json={"officer": "Ann", "skip": skip}, headers=AUTH)
        assert r.status_code == 422, skip
    assert client.post(f"/review/{item}/release", json={"officer": "Ann", "skip": True}, headers=AUTH).status_code == 200
    doc = client.get("/openapi.json").json()
    pattern = doc["components"]["schemas"]["TriageRequest"]["properties"]["received"]["pattern"]  # applies to the string branch
    import re

    for value, ok in (
        ("2024-02-29 15:30", True),
        ("2024-03-28T15:30:00Z", True),
        ("1990-01-01", True),
        ("2023-02-29", False),
        ("28/03/2024", True),
        ("2061-01-01", False),
        ("soon", False),
    ):
        assert bool(re.fullmatch(pattern.strip("^$"), value)) is ok, value
        r = client.post("/api/triage", json={"text": "My bin was not collected", "received": value}, headers=AUTH)
        assert (r.status_code == 200) is ok and (ok or r.json()["detail"]["code"] == "E103"), (value, r.status_code)


def test_uk_day_first_dates_are_taken_as_uk_officers_type_them(app):
    import re

    from fastapi.testclient import TestClient

    client = TestClient(app)
    pattern = client.get("/openapi.json").json()["components"]["schemas"]["TriageRequest"]["properties"]["received"]["pattern"]
    for value, iso in (
        ("03/12/2025", "2025-12-03"),
        ("3/12/2025 15:30", "2025-12-03 15:30"),
        ("29/02/2024", "2024-02-29"),
        ("31/1/1990 09:05:10", "1990-01-31 09:05"),
    ):
        assert re.fullmatch(pattern.strip("^$"), value), value
        r = client.post("/api/triage", json={"text": "My bin was not collected", "received": value}, headers=AUTH)
        assert r.status_code == 200 and r.json()["received"].startswith(iso), (value, r.status_code, r.json().get("received"))
    for value in ("31/02/2025", "03/12/25", "13/13/2025", "29/02/2023", "12/03/2061", "03/12/2025T10:00", "0/12/2025"):
        assert not re.fullmatch(pattern.strip("^$"), value), value
        r = client.post("/api/triage", json={"text": "My bin was not collected", "received": value}, headers=AUTH)
        assert r.status_code == 400 and r.json()["detail"]["code"] == "E103", (value, r.status_code)


@pytest.mark.model
def test_the_trained_demo_model_answers_as_documented(trained_model_dir, tmp_path):
    """The same contract with the demo model behind the API (its answers carry every field a real model gives)."""
    app = create_app(trained_model_dir, token=TOKEN)
    store = open_store(f"sqlite:///{tmp_path / 'contract.db'}")
    import_frame(store, scored_cases(30), source="inline", model_version="m-1")
    attach_store(app, store)
    schemathesis = pytest.importorskip("schemathesis")
    failures = contract_failures(schemathesis.openapi.from_asgi("/openapi.json", app), examples=10)
    assert not failures, "\n".join(f"{k}: {v}" for k, v in failures.items())
    store.dispose()
