"""Settings a council writes are read as written: a misspelt table or key, or a quoted true/false, is an error
naming it (they were silently ignored, or read as true); triage reads typed dates in the config's day/month order."""

from __future__ import annotations

import pytest

from rca.config import config_from_dict, load_config
from rca.errors import RcaError
from rca.ingest.received import parse_received


@pytest.mark.parametrize(
    "data, said",
    [
        ({"column": {"text": "Details"}}, "unknown setting 'column'; did you mean 'columns'?"),
        ({"unknown_key": 1}, "unknown setting 'unknown_key'"),
        ({"dayfirst": "false"}, "dayfirst must be true or false (no quotes)"),
        ({"modle": {"C": 1.0}}, "did you mean 'model'?"),
        ({"model": 3}, "model must be a table ([model])"),
        ({"multi_label": "escalation_reason"}, "multi_label must be a list of column names"),
    ],
)
def test_misspelt_or_mistyped_settings_are_errors(data, said):
    with pytest.raises(RcaError) as e:
        config_from_dict(data, source="rca.toml")
    assert e.value.code == "E202" and said in str(e.value) and "rca.toml" in str(e.value)


def test_every_documented_table_still_loads(tmp_path):
    path = tmp_path / "rca.toml"
    path.write_text(
        'seed = 1\ndayfirst = false\nsheet = 0\n[columns]\ntext = "Details"\n[model]\nC = 0.5\n[tracking]\nenabled = false\n'
        "[score]\nchunksize = 100\n[serve]\nport = 8001\n[store]\nlease_seconds = 60\n[report]\nquotes = 2\n"
        '[drift]\nmin_rows = 10\n[model_card]\nteam = "Complaints"\n[calendar]\ncutoff = "16:00"\n',
        encoding="utf-8",
    )
    cfg = load_config(path)
    assert cfg.dayfirst is False and cfg.section("model_card")["team"] == "Complaints"


def test_triage_reads_typed_dates_in_the_configured_order():
    """`dayfirst = false` was ignored by triage only: 03/04/2024 was 3 April there and 4 March in rca score."""
    assert parse_received("03/04/2024 10:00").date().isoformat() == "2024-04-03"
    assert parse_received("03/04/2024 10:00", dayfirst=False).date().isoformat() == "2024-03-04"
    assert parse_received("03/04/2024", dayfirst=False).date().isoformat() == "2024-03-04"
    assert parse_received("2024-03-04 10:00", dayfirst=False).date().isoformat() == "2024-03-04"
    assert parse_received("04 Mar 2024 10:00", dayfirst=False).date().isoformat() == "2024-03-04"
