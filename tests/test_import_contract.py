"""The package's stages depend one way and have no import cycles ([tool.importlinter] in pyproject.toml)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_the_import_contract_holds():
    # in a child process: import-linter's command configures logging (dictConfig), which would
    # switch off the loggers of every module this test process has already imported
    pytest.importorskip("importlinter")
    code = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(config_filename=sys.argv[1]))"
    res = subprocess.run([sys.executable, "-c", code, str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-2000:]


def test_the_top_level_holds_few_modules():
    modules = [p.name for p in (ROOT / "rca").glob("*.py")]
    assert len(modules) <= 12, modules


def test_no_module_is_over_500_lines_outside_the_demo():
    long = {
        str(p.relative_to(ROOT)): n
        for p in (ROOT / "rca").rglob("*.py")
        if "demo" not in p.relative_to(ROOT / "rca").parts and (n := len(p.read_text("utf-8").splitlines())) > 500
    }
    assert not long, long


def test_no_module_imports_another_modules_private_names():
    import ast

    private = []
    for p in (ROOT / "rca").rglob("*.py"):
        for node in ast.walk(ast.parse(p.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("rca"):
                private += [
                    f"{p.relative_to(ROOT)}: {node.module}.{a.name}"
                    for a in node.names
                    if a.name.startswith("_") and not a.name.startswith("__")
                ]
    assert not private, private
