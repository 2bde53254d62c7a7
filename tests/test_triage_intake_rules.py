"""Triage's intake rules on their own: received times, complaint or request, statutory route,
Ombudsman, duplicates, text with no usable words, and the command line's and server's edges."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from rca.cli.main import app
from rca.config import Config, config_from_dict
from rca.errors import RcaError
from rca.ingest.received import parse_received
from rca.scoring.triage import (
    HOUSING_OMBUDSMAN,
    LGSCO,
    classify_kind,
    dissatisfaction,
    ombudsman_for,
    route_for,
    text_overlap,
)

runner = CliRunner()
REQUEST = {"label": "Service request or enquiry - not a complaint", "confidence": 0.8, "review": False}


# -- received times ---------------------------------------------------------


@pytest.mark.parametrize(
    "value, uk",
    [
        ("2024-06-28T14:30:00Z", datetime(2024, 6, 28, 15, 30)),  # summer: UTC + 1, after the 3 pm cut-off
        ("2024-01-15T14:30:00Z", datetime(2024, 1, 15, 14, 30)),  # winter: UK time is UTC
        ("2024-03-28 15:30 +05:00", datetime(2024, 3, 28, 10, 30)),
        ("2024-03-28 15:30", datetime(2024, 3, 28, 15, 30)),  # no zone: already UK time
        ("Fri, 28 Jun 2024 14:30:00 GMT", datetime(2024, 6, 28, 15, 30)),  # e-mail / HTTP date: GMT means UTC
        ("2024-06-28 14:30 UTC", datetime(2024, 6, 28, 15, 30)),
        ("2024-06-28 14:30 BST", datetime(2024, 6, 28, 14, 30)),  # already UK clock time
    ],
)
def test_a_received_time_with_a_zone_is_counted_in_uk_time(value, uk):
    assert parse_received(value) == uk


def test_an_aware_datetime_is_converted_too():
    aware = datetime(2024, 6, 28, 14, 30, tzinfo=ZoneInfo("UTC"))
    assert parse_received(aware) == datetime(2024, 6, 28, 15, 30)
    assert parse_received(pd.Timestamp("2024-06-28 14:30", tz="UTC")) == datetime(2024, 6, 28, 15, 30)


def test_the_due_date_follows_uk_time(trained_model_dir):
    """14:30 UTC on Friday 28 June 2024 is 15:30 in London: it counts from Monday 1 July."""
    from rca.model.store import load_model
    from rca.scoring.triage import triage

    res = triage("My bin has not been collected", bundle=load_model(trained_model_dir), received="2024-06-28T14:30:00Z", config=Config())
    assert res["effective_received"] == "2024-07-01"
    assert res["due"] == "2024-07-15"


def test_no_received_time_means_now_in_the_uk():
    now = datetime.now(ZoneInfo("Europe/London")).replace(tzinfo=None)
    assert abs(parse_received(None) - now) < timedelta(minutes=2)


@pytest.mark.parametrize("value", ["2024-02-30", "9999-12-31", "2061-01-01 10:00", "soon"])
def test_a_bad_received_time_says_what_to_give_and_mentions_no_quarantine(value):
    with pytest.raises(RcaError) as err:
        parse_received(value)
    assert err.value.code == "E103"
    assert "quarantin" not in str(err.value)
    assert "1990 to 2060" in str(err.value)


# -- complaint or service request -------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Please can you collect my garden waste bin again next week, thank you.",
        "I am not unhappy at all, I just need a replacement recycling box please.",
        "Can I book a bulky waste collection? Nobody is home on Mondays so please come on a Tuesday.",
        "Could you send me the form again, I am not upset, just want to know the process.",
        "Can you send a form please, I am not at all unhappy",
        "We are never unhappy with you, can you send a form please",
        "I am hardly unhappy, please send a form",
    ],
)
def test_a_plain_request_is_not_made_a_complaint_by_a_stray_word(text):
    assert dissatisfaction(text) == 0
    assert classify_kind(text, REQUEST)[0] == "service request"


@pytest.mark.parametrize(
    "text",
    [
        "The bin men missed our road again and nobody answers the phone",
        "My bin was missed again.",
        "I have never complained before but the repairs team is useless",
        "Please can you sort this out, I am really unhappy with how I was treated",
    ],
)
def test_dissatisfaction_still_makes_a_complaint(text):
    assert dissatisfaction(text) > 0
    assert classify_kind(text, REQUEST)[0] == "complaint"


# -- statutory route and Ombudsman ----------------------------------------


@pytest.mark.parametrize(
    "service, text, route",
    [
        (
            "Customer Services",
            "I am complaining about my foster placement; the fostering team never returned my calls.",
            "childrens_social_care",
        ),
        ("Housing Management", "Our foster carer allowance has not been paid for two months.", "childrens_social_care"),
        (
            "Children's Services",
            "My son's EHC plan review was cancelled; he is in care of his grandmother. I am complaining about SEND.",
            "corporate",
        ),
        ("Children's Services", "The social worker did not turn up to the child's plan meeting.", "childrens_social_care"),
        ("Waste and Street Cleansing", "My bins on Foster Road were missed again", "corporate"),
        ("Highways", "The council has not started the adoption of our road", "corporate"),
        ("Customer Services", "My mother's care package was cut without an assessment", "adult_social_care"),
        ("Adult Social Care", "The carers were late every day", "adult_social_care"),
        ("Revenues and Benefits", "My housing benefit direct payment to my landlord stopped and nobody explains why.", "corporate"),
        ("Customer Services", "The direct payments for my care stopped in May", "adult_social_care"),
    ],
)
def test_route_follows_what_the_complaint_is_about(service, text, route):
    got, why = route_for(service, text)
    assert got == route, why
    if route != "corporate" and service.split()[0] not in ("Children's", "Adult"):
        assert "check" in why and service in why  # the officer is told why it left the service's route


@pytest.mark.parametrize(
    "route, service, text, name",
    [
        ("corporate", "Housing Management", "Black mould in my council flat and the repairs team never came", HOUSING_OMBUDSMAN),
        ("corporate", "Repairs", "The leak is still not fixed", HOUSING_OMBUDSMAN),
        ("corporate", "Housing Needs", "I was refused homelessness help", LGSCO),
        ("corporate", "Waste and Street Cleansing", "Bin not collected", LGSCO),
        ("adult_social_care", "Adult Social Care", "My care package was cut", LGSCO),
        ("corporate", None, "Damp in my council flat", HOUSING_OMBUDSMAN),
    ],
)
def test_the_ombudsman_is_named(route, service, text, name):
    got = ombudsman_for(route, service, text)
    assert got["name"] == name
    assert got["reason"]


def test_triage_names_the_ombudsman_on_every_channel(trained_model_dir):
    res = runner.invoke(
        app,
        [
            "triage",
            "There is black mould in my council flat and the repairs team never came",
            "--model-dir",
            str(trained_model_dir),
            "--received",
            "2024-03-26 10:00",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "ombudsman" in res.output and HOUSING_OMBUDSMAN in res.output


# -- duplicates ---------------------------------------------------------------


def _index(**cols):
    from rca.scoring.similar import SimilarIndex

    base = {
        "case_id": ["A", "B"],
        "received": pd.to_datetime(["2024-03-20", "2024-03-21"]),
        "text_redacted": [
            "my green bin was not collected on tuesday and the crew left rubbish everywhere",
            "the parking warden gave me a ticket while I was unloading shopping at home",
        ],
    }
    base.update(cols)
    return SimilarIndex(pd.DataFrame(base))


def test_a_missing_complainant_id_matches_nobody():
    from rca.scoring.triage import _duplicate

    idx = _index(complainant_id=[None, np.nan])
    for given in ("None", "nan", " "):
        assert _duplicate(idx, None, datetime(2024, 3, 26), window_days=30, threshold=0.7, complainant_id=given) is None


def test_the_duplicate_threshold_is_the_configured_word_overlap():
    from rca.scoring.triage import _duplicate

    idx = _index()
    text = "my green bin was not collected on tuesday and the crew left rubbish all over"
    sims = idx.scores([text])[0]
    overlap = text_overlap(text, idx.texts[0])
    assert 0.5 < overlap < 0.9
    loose = _duplicate(idx, sims, datetime(2024, 3, 26), window_days=30, threshold=overlap - 0.01, complainant_id=None, text=text)
    strict = _duplicate(idx, sims, datetime(2024, 3, 26), window_days=30, threshold=overlap + 0.01, complainant_id=None, text=text)
    assert loose["case_id"] == "A" and loose["similarity"] == round(overlap, 3)
    assert strict is None


def test_text_overlap_is_jaccard_of_words_and_pairs():
    assert text_overlap("a bin was missed", "a bin was missed") == 1.0
    assert text_overlap("bin missed", "bin collected") == pytest.approx(1 / 5)  # {bin} of {bin, missed, collected, 2 pairs}
    assert text_overlap("", "") == 0.0


# -- text the model knows nothing of -----------------------------------------


@pytest.mark.parametrize("text", ["!!!", "\U0001f600\U0001f600", "0", "x" * 5000])
def test_text_with_no_known_word_is_sent_to_a_person(trained_model_dir, text):
    from rca.model.store import load_model
    from rca.scoring.triage import triage

    res = triage(text, bundle=load_model(trained_model_dir), received="2024-03-26 10:00", config=Config())
    assert any("a person should look" in note for note in res["issues"])
    assert res["service"]["review"] is True


def test_a_normal_complaint_gets_no_such_note(trained_model_dir):
    from rca.model.store import load_model
    from rca.scoring.triage import triage

    res = triage(
        "My bin was not collected on Tuesday and nobody answers the phone",
        config=Config(),
        bundle=load_model(trained_model_dir),
        received="2024-03-26 10:00",
    )
    assert not res["issues"]


# -- command line and server edges -------------------------------------------


def test_triage_of_a_folder_is_a_coded_error(trained_model_dir, tmp_path):
    res = runner.invoke(app, ["triage", "--file", str(tmp_path), "--model-dir", str(trained_model_dir)])
    assert res.exit_code != 0
    assert "E001" in res.output and "folder" in res.output
    assert "Traceback" not in res.output


def test_triage_reads_non_utf8_stdin(trained_model_dir):
    res = runner.invoke(
        app,
        ["triage", "--file", "-", "--model-dir", str(trained_model_dir), "--received", "2024-03-26 10:00"],
        input=b"caf\xe9 bin not collected again",
    )
    assert res.exit_code == 0, res.output
    assert "response due" in res.output


@pytest.mark.parametrize(
    "cutoff, ok", [("15:00", "15:00"), ("15:00:00", "15:00"), ("9:30", "09:30"), ("3pm", None), ("25:00", None), ("15", None)]
)
def test_calendar_cutoff_is_checked_when_the_config_is_read(cutoff, ok):
    if ok:
        assert config_from_dict({"calendar": {"cutoff": cutoff}}).calendar.cutoff == ok
    else:
        with pytest.raises(RcaError) as err:
            config_from_dict({"calendar": {"cutoff": cutoff}}, source="rca.toml")
        assert err.value.code == "E202" and "cutoff" in str(err.value) and "rca.toml" in str(err.value)


def test_serve_takes_host_and_port_from_the_config():
    from rca.cli.score_cmd import _serve_address

    cfg = config_from_dict({"serve": {"host": "0.0.0.0", "port": 8744}})
    assert _serve_address(cfg, None, None) == ("0.0.0.0", 8744)
    assert _serve_address(cfg, "127.0.0.1", 9000) == ("127.0.0.1", 9000)  # flags win
    assert _serve_address(Config(), None, None) == ("127.0.0.1", 8000)
    with pytest.raises(RcaError):
        _serve_address(config_from_dict({"serve": {"port": "eighty"}}), None, None)


@pytest.mark.parametrize(
    "typed, sent",
    [
        ("2024-03-28T15:30", "2024-03-28 15:30"),
        ("Thu 28 March 2024 16:00", "Thu 28 March 2024 16:00"),
        ("Tuesday 26/03/2024", "Tuesday 26/03/2024"),
        ("", None),
    ],
)
def test_the_web_form_keeps_a_typed_received_time(typed, sent):
    from rca.web.routes_pages import received_from_form

    assert received_from_form(typed) == sent


def test_many_personal_data_hits_are_resolved_like_the_plain_rule():
    """`_resolve` bisects instead of comparing each hit with every kept one: same answer, any overlaps."""
    from rca.text.redact import _PRIORITY, PiiSpan, _resolve

    def plain(found):
        found.sort(key=lambda s: (_PRIORITY[s.kind], -(s.end - s.start), s.start))
        kept = []
        for s in found:
            clash = [k for k in kept if k.start < s.end and s.start < k.end]
            if not clash:
                kept.append(s)
            elif all(k.kind == s.kind for k in clash):
                for k in clash:
                    kept.remove(k)
                kept.append(PiiSpan(min([s.start] + [k.start for k in clash]), max([s.end] + [k.end for k in clash]), s.kind))
        return sorted(kept)

    kinds = list(_PRIORITY)[:4]
    rng = random.Random(7)
    for _ in range(3000):
        found = []
        for _ in range(rng.randint(0, 12)):
            a = rng.randint(0, 60)
            found.append(PiiSpan(a, a + rng.randint(1, 15), rng.choice(kinds)))
        assert _resolve(list(found)) == plain(list(found))


def test_a_long_text_full_of_names_is_redacted_whole():
    from rca.text.redact import redact

    out = redact("Mr Smith said " * 3000)
    assert "Smith" not in out and out.count("[NAME]") == 3000


def test_a_phone_number_typed_digit_by_digit_is_redacted():
    from rca.text.redact import redact

    assert redact("call 0 7 7 0 0 9 0 0 1 2 3 now") == "call [PHONE] now"
    assert redact("Room 0 1234 5678") == "Room 0 1234 5678"  # ten digits after a lone 0: not a UK number


def test_a_service_request_is_told_the_complaint_time_limit_does_not_apply(trained_model_dir):
    from rca.model.store import load_model
    from rca.scoring.triage import triage

    res = triage(
        "Please can you collect my bulky waste, an old sofa and a fridge, next week?",
        config=Config(),
        bundle=load_model(trained_model_dir),
        received="2024-03-26 10:00",
    )
    assert res["kind"] == "service request"
    assert any("no complaint time limit" in note for note in res["issues"])


@pytest.mark.parametrize(
    "calendar",
    [
        {"extra_closures": ["notadate"]},
        {"extra_closures": "2024-03-27"},
        {"subdivision": "XXX"},
        {"targets": {"corporate": {"1": -5}}},
        {"targets": {"corporate": {"1": "ten"}}},
        {"targets": {"corporate": 10}},
    ],
)
def test_every_calendar_setting_is_checked_when_the_config_is_read(calendar):
    with pytest.raises(RcaError) as err:
        config_from_dict({"calendar": calendar}, source="rca.toml")
    assert err.value.code == "E202" and "rca.toml" in str(err.value)


def test_good_calendar_settings_are_read():
    cfg = config_from_dict({"calendar": {"subdivision": "Wales", "extra_closures": ["2024-12-27"], "targets": {"corporate": {"1": 15}}}})
    assert cfg.calendar.subdivision == "WLS" and cfg.calendar.extra_closures == ["2024-12-27"]
    assert cfg.calendar.targets["corporate"]["1"] == 15


@pytest.mark.parametrize("threshold", [7, 0, 1.5])
def test_a_duplicate_threshold_outside_0_to_1_is_refused(threshold):
    from rca.scoring.score import ScoreSettings

    with pytest.raises(RcaError) as err:
        ScoreSettings.from_config(config_from_dict({"score": {"duplicate_threshold": threshold}}))
    assert err.value.code == "E202" and "duplicate_threshold" in str(err.value)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_refuses_a_changed_model_before_starting(trained_model_dir, tmp_path, monkeypatch, workers):
    import shutil

    import uvicorn

    folder = tmp_path / "m"
    shutil.copytree(trained_model_dir, folder)
    victim = next(folder.glob("target-*.skops"))
    victim.write_bytes(victim.read_bytes() + b"\0")
    started = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: started.append(a))
    res = runner.invoke(app, ["serve", "--model-dir", str(folder), "--workers", workers, "--token", "t"])
    assert res.exit_code != 0 and "E302" in res.output and victim.name in res.output
    assert not started
