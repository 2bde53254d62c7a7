"""Triage and scoring behaviour on a model trained on the small demo year (real ModelBundle)."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pandas as pd
import pytest
from typer.testing import CliRunner

from rca.cli.main import app
from rca.config import Config
from rca.ingest.working_days import due_date

pytestmark = pytest.mark.model
runner = CliRunner()
PHONE = re.compile(r"\b0\d{3,4}\s?\d{3}\s?\d{3,4}\b")


@pytest.fixture(scope="module")
def bundle(trained_model_dir):
    from rca.model.store import load_model

    return load_model(trained_model_dir)


@pytest.fixture(scope="module")
def similar(trained_model_dir):
    from rca.scoring.similar import SimilarIndex

    return SimilarIndex.from_model_dir(trained_model_dir)


def _triage(text, bundle, similar, **kw):
    from rca.scoring.triage import triage

    return triage(text, bundle=bundle, similar=similar, config=Config(), **kw)


def test_damp_and_mould_repair_complaint_goes_to_housing(bundle, similar):
    res = _triage(
        "There is black mould and damp all over my son's bedroom. I reported the leak in March and the "
        "repair has still not been done. This is unacceptable.",
        bundle,
        similar,
        received="2024-02-05 10:00",
    )
    assert res["kind"] == "complaint"
    assert res["service"]["label"] == "Housing Management"
    assert res["route"] == "corporate"
    assert res["root_cause"]["label"] in {
        "Failure to do something",
        "Delay in doing something",
        "Quality of service not as expected",
        "Third-party contractor or provider",
    }
    assert 0 < res["root_cause"]["confidence"] <= 1
    words = " ".join(res["service"]["evidence"])
    assert any(w in words for w in ("mould", "damp", "repair", "leak")), res["service"]["evidence"]
    assert res["similar"] and all(h["service"] for h in res["similar"])
    assert all(not PHONE.search(h["text"]) for h in res["similar"])  # past text is redacted


def test_a_request_to_collect_bulky_waste_is_a_service_request(bundle, similar):
    res = _triage("Please can you collect my bulky waste, an old sofa and a fridge, next week?", bundle, similar)
    assert res["kind"] == "service request"
    assert res["service"]["label"] == "Waste and Street Cleansing"


def test_due_date_is_the_working_days_function_over_a_bank_holiday(bundle, similar):
    received = datetime(2024, 3, 28, 15, 30)  # Thursday after 3 pm, before Good Friday and Easter Monday
    res = _triage("My council tax bill is wrong and nobody has answered my emails", bundle, similar, received=received)
    assert res["effective_received"] == "2024-04-02"
    assert res["due"] == due_date(received, stage="1", route=res["route"]).isoformat() == "2024-04-16"


def test_adult_social_care_complaint_takes_the_statutory_route(bundle, similar):
    res = _triage(
        "The care agency carers for my mother keep missing visits and the financial assessment of her "
        "care charges is wrong. I am very unhappy.",
        bundle,
        similar,
        received="2024-01-08 09:00",
    )
    assert res["service"]["label"] == "Adult Social Care"
    assert res["route"] == "adult_social_care" and res["statutory"]
    assert res["working_days"] == 20


def test_cli_triage_json_and_exit_codes(trained_model_dir, tmp_path):
    r = runner.invoke(
        app,
        [
            "triage",
            "My bin was not collected again and nobody came",
            "--received",
            "2024-03-28 15:30",
            "--model-dir",
            str(trained_model_dir),
            "--json",
        ],
    )
    assert r.exit_code == 0, r.output
    res = json.loads(r.stdout)
    assert res["due"] == "2024-04-16" and res["service"]["label"] == "Waste and Street Cleansing"
    r = runner.invoke(app, ["triage", "x", "--model-dir", str(tmp_path / "none")])
    assert r.exit_code == 2 and "E301" in r.output
    r = runner.invoke(app, ["triage", "bin", "--received", "someday", "--model-dir", str(trained_model_dir)])
    assert r.exit_code == 2 and "E103" in r.output


def test_cli_score_keeps_every_row_of_the_demo_year(trained_model_dir, demo_csv, tmp_path):
    raw = pd.read_csv(demo_csv, dtype=str, keep_default_na=False)
    raw.loc[3, "text"] = ""  # a blank description must still come out, flagged
    src = tmp_path / "in.csv"
    raw.to_csv(src, index=False)
    out = tmp_path / "scored.parquet"
    r = runner.invoke(app, ["score", str(src), "--out", str(out), "--model-dir", str(trained_model_dir), "--json", "--chunksize", "400"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["n_rows"] == len(raw)
    scored = pd.read_parquet(out)
    assert scored["case_id"].tolist() == raw["case_id"].tolist()
    assert "E102" in scored.loc[3, "rca_issues"] and scored.loc[3, "root_cause_review"]
    nice = raw["case_type"].eq("Compliment") & raw["text"].ne("")  # compliments take no complaint codes
    for t, untagged in (("root_cause", nice.sum()), ("acceptability", nice.sum()), ("service", 0)):
        assert scored[f"{t}_predicted"].notna().sum() == len(raw) - 1 - untagged
    # on the rows the model trusts, the service tag mostly agrees with the officers' coding
    sure = scored[~scored["service_review"] & scored["service"].notna()]
    assert len(sure) > 100 and (sure["service_predicted"] == sure["service"]).mean() > 0.8
    r = runner.invoke(app, ["score", str(src), "--out", str(tmp_path / "x.json"), "--model-dir", str(trained_model_dir)])
    assert r.exit_code == 2 and "E002" in r.output
    r = runner.invoke(app, ["score", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "y.csv"), "--model-dir", str(trained_model_dir)])
    assert r.exit_code == 2 and "E001" in r.output


def test_triage_many_gives_each_contact_what_triage_gives_it_alone(bundle, similar, demo_small):
    """The server's batched pass must not change any answer: same labels, confidences, evidence,
    similar cases, duplicates and due dates as one-at-a-time triage, empty texts included."""
    from rca.scoring.triage import triage, triage_many

    cases = demo_small.cases if hasattr(demo_small, "cases") else demo_small
    texts = [str(t) for t in cases["text"].head(12)]
    contacts = [
        {
            "text": t,
            "received": f"2024-0{1 + i % 9}-1{i % 10} 1{i % 7}:30",
            "complainant_id": str(cases["complainant_id"].iloc[i]) if "complainant_id" in cases else None,
        }
        for i, t in enumerate(texts)
    ]
    contacts.insert(3, {"text": "   ", "received": "2024-03-28 15:30"})
    batch = triage_many(contacts, bundle=bundle, similar=similar, config=Config())
    alone = [
        triage(c["text"], bundle=bundle, similar=similar, config=Config(), received=c["received"], complainant_id=c.get("complainant_id"))
        for c in contacts
    ]
    assert len(batch) == len(contacts)
    assert json.dumps(batch, sort_keys=True, default=str) == json.dumps(alone, sort_keys=True, default=str)
    assert batch[3]["kind"] is None and batch[3]["root_cause"] is None
    assert any(r["similar"] for r in batch) and all(
        r["root_cause"]["label"] for i, r in enumerate(batch) if i != 3 and r["kind"] != "compliment"
    )  # a compliment has none


def test_triage_many_bad_received_is_a_coded_error(bundle, similar):
    from rca.errors import RcaError
    from rca.scoring.triage import triage_many

    with pytest.raises(RcaError) as err:
        triage_many([{"text": "my bin was missed", "received": "not a date"}], bundle=bundle, similar=similar)
    assert err.value.code == "E103"
