"""One typed schema holds every rca.toml key (rca.settings): docs/config.md is generated from it, bad values
are E202 naming the table, key, value and file, and the objects rca reads take their defaults from it."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest

from rca.config import Config, config_from_dict
from rca.errors import RcaError
from rca.settings import (
    SECTIONS,
    TOP_KEYS,
    DriftSection,
    ModelSection,
    ReportSection,
    ScoreSection,
    ServeSection,
    Settings,
    StoreSection,
    defaults,
    section_settings,
    validate_settings,
)
from rca.settings_doc import markdown

ROOT = Path(__file__).resolve().parents[1]


def test_the_committed_config_page_is_what_the_schema_generates():
    """Fails when a key is added or changed without `python -m rca.settings_doc > docs/config.md`."""
    committed = (ROOT / "docs" / "config.md").read_text("utf-8")
    assert committed == markdown(), "docs/config.md is out of date: run `python -m rca.settings_doc > docs/config.md`"


def test_the_page_has_a_row_for_every_key_of_every_table():
    page = markdown()
    for f in dataclasses.fields(Settings):
        cls = f.default_factory if f.name not in TOP_KEYS or f.name == "calendar" else None
        names = [g.name for g in dataclasses.fields(cls)] if cls else [f.name]
        for name in names:
            assert f"| `{name}` |" in page, name
    assert "| `psi_alert` | 0.25 | number ≥ 0 |" in page and "| `port` | 8000 | whole number from 1 to 65535 |" in page


@pytest.mark.parametrize(
    "data, said, column",
    [
        ({"score": {"chunksize": 0}}, "[score] chunksize must be greater than or equal to 1, got 0", "score.chunksize"),
        ({"score": {"evidence_terms": True}}, "[score] evidence_terms must be a whole number, got True", "score.evidence_terms"),
        ({"model": {"C": "1"}}, "[model] C must be", "model.C"),
        ({"model": {"classifier": "forest"}}, "[model] classifier must be 'svm', 'logreg' or 'sgd', got 'forest'", "model.classifier"),
        ({"model": {"word_ngrams": [3, 1]}}, "[model] word_ngrams must be [low, high] with 1 <= low <= high", "model.word_ngrams"),
        (
            {"report": {"emerging_latest": "year"}},
            "[report] emerging_latest must be 'bin' or 'period', got 'year'",
            "report.emerging_latest",
        ),
        ({"serve": {"port": 70000}}, "[serve] port must be a whole number from 1 to 65535, got 70000", "serve.port"),
        ({"serve": {"session_hours": 0}}, "[serve] session_hours must be a number of hours above 0, got 0", "serve.session_hours"),
        ({"store": {"queue_order": "oldest"}}, "[store] queue_order must be 'useful' or 'confidence', got 'oldest'", "store.queue_order"),
        ({"store": {"lease_secs": 60}}, "[store] has unknown setting 'lease_secs'; did you mean 'lease_seconds'?", "store.lease_secs"),
        ({"tracking": {"enabled": "no"}}, "[tracking] enabled must be true or false (no quotes), got 'no'", "tracking.enabled"),
        ({"triage": {"emergency_terms": "gas"}}, "[triage] emergency_terms must be a list of words or phrases", "triage.emergency_terms"),
        ({"model_card": {"team": 3}}, "[model_card] team must be a quoted text, got 3", "model_card.team"),
        ({"drift": {"psi_warn": -1}}, "[drift] psi_warn must be greater than or equal to 0, got -1", "drift.psi_warn"),
        ({"seed": 4.5}, "seed must be a whole number, got 4.5", "seed"),
        ({"calendar": {"cutoff": "noon"}}, "[calendar] cutoff must be a 24-hour time such as \"15:00\", got 'noon'", "calendar.cutoff"),
    ],
)
def test_a_bad_value_is_e202_naming_table_key_value_and_file(data, said, column):
    with pytest.raises(RcaError) as e:
        config_from_dict(data, source="council.toml")
    assert e.value.code == "E202" and said in str(e.value) and "council.toml" in str(e.value)
    assert e.value.location.column == column


def test_the_defaults_written_out_as_a_file_load_back_unchanged(tmp_path):
    """Every key with its default is a valid rca.toml, read back as the same settings."""

    def toml(value):
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str):
            return f'"{value}"'
        if isinstance(value, list):
            return "[" + ", ".join(toml(v) for v in value) + "]"
        return repr(value)

    lines = [
        f"{k} = {toml(v)}" for k, v in dataclasses.asdict(Settings()).items() if k in TOP_KEYS and v is not None and not isinstance(v, dict)
    ]
    for name in SECTIONS:
        lines.append(f"[{name}]")
        lines += [
            f"{k} = {toml(v)}" for k, v in defaults(type(getattr(Settings(), name))).items() if v is not None and not isinstance(v, dict)
        ]
    path = tmp_path / "rca.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = tomllib.loads(path.read_text("utf-8"))
    assert set(data) == set(TOP_KEYS) - {"taxonomy", "date_format", "encoding", "sheet", "columns", "labels", "calendar"} | set(SECTIONS)
    assert validate_settings(data) == Settings()


def test_the_settings_objects_rca_reads_take_the_schema_defaults():
    from rca.governance.drift import DEFAULT_THRESHOLDS, thresholds_from_config
    from rca.model.classifier import ModelSettings
    from rca.reports.settings import ReportSettings
    from rca.scoring.score import ScoreSettings

    cfg = Config()
    assert dataclasses.asdict(ModelSettings.from_config({})) == defaults(ModelSection)
    assert dataclasses.asdict(ScoreSettings.from_config(cfg)) == defaults(ScoreSection)
    assert dataclasses.asdict(ReportSettings.from_config(cfg)) == defaults(ReportSection)
    assert thresholds_from_config(cfg) == thresholds_from_config() == defaults(DriftSection) == DEFAULT_THRESHOLDS
    over = config_from_dict({"score": {"chunksize": 50}, "report": {"quotes": 1}, "drift": {"psi_warn": 0.2}})
    assert ScoreSettings.from_config(over).chunksize == 50 and ReportSettings.from_config(over).quotes == 1
    assert thresholds_from_config(over)["psi_warn"] == 0.2


def test_defaults_other_modules_still_hold_equal_the_schema():
    """[serve] and [store] keys read where they are used: their fallbacks must be the schema's."""
    from rca.store.code_choices import NOT_COMPLAINT_LABEL
    from rca.store.queue import DEFAULT_LEASE_SECONDS
    from rca.web.app import MAX_BODY_BYTES
    from rca.web.auth import DEFAULT_SESSION_HOURS
    from rca.web.slow_clients import DEFAULTS

    serve, store = ServeSection(), StoreSection()
    assert (serve.max_body_bytes, serve.session_hours) == (MAX_BODY_BYTES, DEFAULT_SESSION_HOURS)
    assert all(getattr(serve, k) == v for k, v in DEFAULTS.items())
    assert (store.lease_seconds, store.not_complaint_label) == (DEFAULT_LEASE_SECONDS, NOT_COMPLAINT_LABEL)


def test_the_decision_rules_the_schema_allows_are_the_ones_rca_has():
    import typing

    from rca.model import decision as dec
    from rca.settings import Decision

    assert set(typing.get_args(Decision)) == set(dec.DECISIONS)


def test_model_settings_stay_a_plain_dataclass_the_recipe_search_can_vary():
    from rca.model.classifier import ModelSettings

    s = ModelSettings.from_config({"C": 2, "char_ngrams": [2, 4]}, source="rca.toml")
    assert isinstance(s, ModelSettings) and s.C == 2 and s.char_ngrams == [2, 4] and s.word_ngrams == [1, 2]
    assert dataclasses.replace(s, C=0.3).C == 0.3 and s.as_dict()["char_ngrams"] == [2, 4]
    with pytest.raises(RcaError) as e:
        ModelSettings.from_config({"ngram": [1, 2]}, source="rca.toml")
    assert e.value.code == "E202" and "[model] has unknown setting 'ngram'" in str(e.value)


def test_build_featuriser_takes_the_model_defaults():
    from rca.text.features import build_featuriser

    word = build_featuriser({}).named_steps["union"].transformer_list[0][1]
    d = ModelSection()
    assert word.ngram_range == tuple(d.word_ngrams) and word.min_df == d.min_df and word.sublinear_tf is d.sublinear_tf
    assert [n for n, _ in build_featuriser({}).named_steps["union"].transformer_list] == ["word"]  # char_ngrams off


def test_a_table_is_validated_on_its_own_too():
    assert section_settings(ScoreSection, None, section="score") == ScoreSection()
    with pytest.raises(RcaError) as e:
        section_settings(ScoreSection, {"n_jobs": -1}, section="score", source="x.toml")
    assert "[score] n_jobs" in str(e.value) and "-1" in str(e.value) and "x.toml" in str(e.value)
