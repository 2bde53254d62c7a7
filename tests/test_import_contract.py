"""The package's stages depend one way and have no import cycles ([tool.importlinter] in pyproject.toml)."""
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_the_import_contract_holds(monkeypatch):
    cli = pytest.importorskip("importlinter.cli")
    monkeypatch.chdir(ROOT)
    assert cli.lint_imports(config_filename=str(ROOT / "pyproject.toml")) == 0


def test_the_top_level_holds_few_modules():
    modules = [p.name for p in (ROOT / "rca").glob("*.py")]
    assert len(modules) <= 12, modules


def test_no_module_is_over_500_lines_outside_the_demo():
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / "rca").rglob("*.py")
            if "demo" not in p.relative_to(ROOT / "rca").parts and (n := len(p.read_text("utf-8").splitlines())) > 500}
    assert not long, long
