"""The examples in rca's docstrings are run, so what they show stays true."""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import pkgutil
from pathlib import Path

import pytest

import rca

# alembic's env.py runs only under alembic; importing __main__ runs the command line
MODULES = sorted(
    m.name for m in pkgutil.walk_packages(rca.__path__, "rca.") if ".migrations" not in m.name and not m.name.endswith("__main__")
)


def source(name: str) -> str:
    """The source text of module `name`, read without importing it."""
    return Path(importlib.util.find_spec(name).origin).read_text("utf-8")


# a docstring example starts with ">>>", so a module whose source has none has nothing to run and is not imported
# (some import heavy libraries only they use: rca.scoring.pyfunc imports MLflow)
WITH_EXAMPLES = [name for name in MODULES if ">>>" in source(name)]


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} docstring examples in {name} failed (run with -s to see them)"


def test_the_examples_are_found():
    """A broken walk would pass every module vacuously."""
    attempted = sum(
        doctest.testmod(importlib.import_module(n), verbose=False, report=False).attempted
        for n in ("rca.governance.drift", "rca.governance.model_drift")
    )
    assert attempted >= 8 and "rca.governance.model_drift" in WITH_EXAMPLES and len(MODULES) > 40 and len(WITH_EXAMPLES) > 40
