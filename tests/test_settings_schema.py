"""One typed schema holds every rca.toml key (rca.settings): docs/config.md is generated from it, bad values
are E202 naming the table, key, value and file, and the objects rca reads take their defaults from it."""

from __future__ import annotations

import ast
import dataclasses
from collections import deque
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


def _table_read(node: ast.AST) -> str | None:
    """The table a raw read names: `config.section("x")`, `cfg.sections.get("x", ...)`, `cfg.sections["x"]` (also inside
    `... if config else {}` or `a or b`); None for anything else."""
    if isinstance(node, ast.IfExp):
        return _table_read(node.body) or _table_read(node.orelse)
    if isinstance(node, ast.BoolOp):
        return next((t for v in node.values if (t := _table_read(v))), None)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args and isinstance(node.args[0], ast.Constant):
        f = node.func
        if f.attr == "section" or (f.attr == "get" and isinstance(f.value, ast.Attribute) and f.value.attr == "sections"):
            return str(node.args[0].value)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "sections":
        return str(getattr(node.slice, "value", "?"))
    return None


def own_fallbacks(source: str) -> list[tuple[int, str, str]]:
    """(line, table, code) of each `.get(key, fallback)` on a raw config table: on the read itself, or on a name that
    a read was assigned to in the same function (or in the module, for a name bound anywhere in it)."""
    tree = ast.parse(source)
    # one walk, in ast.walk's order, handing each assignment and call to the module and to every function around it
    scopes: dict[ast.AST, list[ast.AST]] = {tree: []}
    queue = deque([(tree, (tree,))])
    while queue:
        node, within = queue.popleft()
        if isinstance(node, (ast.Assign, ast.Call)):
            for scope in within:
                scopes[scope].append(node)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                scopes[child] = []
                queue.append((child, (*within, child)))
            else:
                queue.append((child, within))
    found = set()
    for nodes in scopes.values():
        bound = {}
        for n in nodes:
            if isinstance(n, ast.Assign) and (table := _table_read(n.value)):
                bound.update({t.id: table for t in n.targets if isinstance(t, ast.Name)})
        for n in nodes:
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "get" and (len(n.args) > 1 or n.keywords):
                recv = n.func.value
                table = _table_read(recv) or (bound.get(recv.id) if isinstance(recv, ast.Name) else None)
                if table:
                    found.add((n.lineno, table, ast.unparse(n)))
    return sorted(found)


# Modules that still read a table with a fallback of their own. Each one is a second source of a default that can
# drift from the schema: read the table with `Config.section_as(<Section>, name)`, then take it off this list.
STILL_OWN_FALLBACK: dict[str, set[str]] = {}


def test_no_module_keeps_a_fallback_default_of_its_own():
    """Every default is written once, in rca.settings: a module reads a table through `Config.section_as`, never as
    `config.section("serve").get("max_body_bytes", 1_000_000)` with a default of its own."""
    found: dict[str, set[str]] = {}
    said = []
    for path in sorted((ROOT / "rca").rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        text = path.read_text("utf-8")
        if ".section" not in text:  # every raw table read the scan knows is `.section(...)` or `.sections`
            continue
        for line, table, code in own_fallbacks(text):
            found.setdefault(name, set()).add(table)
            said.append(f"{name}:{line} [{table}] {code}")
    assert found == STILL_OWN_FALLBACK, (
        "a table read with a fallback default of its own (read it with Config.section_as), or a module of "
        "STILL_OWN_FALLBACK that no longer does (take it off the list):\n" + "\n".join(said)
    )


def test_the_fallback_scan_finds_what_it_looks_for():
    """The scan above would pass vacuously if it found nothing: each way of writing a fallback is caught."""
    src = """
def a(config):
    return config.section("serve").get("max_body_bytes", 1_000_000)

def b(config):
    store = config.section("store") if config else {}
    return store.get("lease_seconds", 600), store.get("url")

def c(cfg):
    return cfg.sections.get("serve", {}).get("port", 8000), config.section_as(ServeSection, "serve").port
"""
    assert [(line, table) for line, table, _ in own_fallbacks(src)] == [(3, "serve"), (7, "store"), (10, "serve")]


def test_the_server_and_the_store_take_the_schema_defaults():
    from rca.store.db import store_settings
    from rca.store.queue import lease_seconds
    from rca.web.auth import session_seconds
    from rca.web.slow_clients import setting

    assert lease_seconds(None) == StoreSection().lease_seconds and store_settings(None) == StoreSection()
    assert session_seconds(None) == ServeSection().session_hours * 3600
    assert setting(None, "body_timeout_seconds") == ServeSection().body_timeout_seconds
    over = config_from_dict({"store": {"lease_seconds": 60}, "serve": {"session_hours": 1, "keep_alive_seconds": 2}})
    assert (lease_seconds(over), session_seconds(over), setting(over, "keep_alive_seconds")) == (60, 3600, 2)
    with pytest.raises(RcaError) as e:
        lease_seconds(Config(sections={"store": {"lease_seconds": 0}}))
    assert e.value.code == "E202" and "[store] lease_seconds must be a positive whole number, got 0" in str(e.value)


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
