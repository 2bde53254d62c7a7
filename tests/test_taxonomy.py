from hypothesis import given
from hypothesis import strategies as st

from rca.config import config_from_dict, load_config
from rca.errors import RcaError
from rca.ingest.taxonomy import load_taxonomy, split_labels

import pytest

TAX = load_taxonomy()


def test_default_taxonomy_uses_councils_wording():
    assert "Disagree with decision" in TAX.labels("escalation_reason")
    assert len(TAX.labels("escalation_reason")) == 13
    assert "Duplicate complaint" in TAX.labels("acceptability")
    assert TAX.version.startswith("rca-default")


@pytest.mark.parametrize(
    "field,raw,expected",
    [
        ("outcome", "PARTIALLY UPHELD", "Partly upheld"),
        ("outcome", " upheld ", "Upheld"),
        ("root_cause", "Charges and enforcement actions", "Charges and enforcement action"),
        ("stage", "Stage Two", "2"),
        ("service", "council tax", "Revenues and Benefits"),
        (
            "escalation_reason",
            "disagree with decision ;failed to address all issues; disagree with decision",
            "Disagree with decision;Failed to address all issues",
        ),
    ],
)
def test_legacy_spellings_map_onto_the_taxonomy(field, raw, expected):
    assert TAX.normalise(field, raw) == expected


@given(st.sampled_from(TAX.labels("root_cause")), st.sampled_from([str.lower, str.upper, str.title, lambda s: f"  {s} "]))
def test_mapping_is_idempotent_and_case_insensitive(label, transform):
    once = TAX.normalise("root_cause", transform(label))
    assert once == label
    assert TAX.normalise("root_cause", once) == once


def test_split_labels():
    assert split_labels("a; b;;c") == ["a", "b", "c"]
    assert split_labels(None) == [] and split_labels(float("nan")) == []


def test_council_taxonomy_file(tmp_path):
    p = tmp_path / "tax.toml"
    p.write_text('version = "barnet-1"\n[sets]\nroot_cause = ["Failure to act"]\n[aliases.root_cause]\n"fta" = "Failure to act"\n')
    tax = load_taxonomy(p)
    assert tax.version == "barnet-1" and tax.normalise("root_cause", "FTA") == "Failure to act"
    bad = tmp_path / "bad.toml"
    bad.write_text("[sets\n")
    with pytest.raises(RcaError, match="E203"):
        load_taxonomy(bad)


def test_config_validation(tmp_path):
    with pytest.raises(RcaError, match="E202"):
        config_from_dict({"columns": {"descripshun": "Details"}})
    with pytest.raises(RcaError, match="E109"):
        config_from_dict({"columns": {"text": "Details", "team": "Details"}})
    p = tmp_path / "rca.toml"
    p.write_text('seed = 3\n[columns]\ntext = "Details"\n[calendar.targets.corporate]\n"1" = 15\n[model]\ntarget_precision = 0.85\n')
    cfg = load_config(p)
    assert cfg.seed == 3 and cfg.columns["text"] == "Details"
    assert cfg.calendar.targets["corporate"]["1"] == 15 and cfg.calendar.targets["corporate"]["2"] == 20
    assert cfg.section("model")["target_precision"] == 0.85


def test_icasework_example_config_maps_an_export(tmp_path):
    from pathlib import Path

    from rca.ingest.validate import load_cases

    cfg = load_config(Path(__file__).resolve().parents[1] / "examples" / "icasework.toml")
    p = tmp_path / "icw.csv"
    p.write_text(
        "Case Reference,Date Received,Complaint Details,Department,Outcome,Stage,Escalation Reason(s)\n"
        "ICW-1,03/04/2024 09:10,Missed bin again,Waste,Upheld - Partial,Stage 2 - Review,Disagree with decision; failed to address all issues\n"
    )
    row = load_cases(p, config=cfg).cases.iloc[0]
    assert row["case_id"] == "ICW-1" and row["outcome"] == "Partly upheld" and row["stage"] == "2"
    assert row["received"].month == 4 and row["received"].day == 3
    assert row["escalation_reason"] == "Disagree with decision;Failed to address all issues"
