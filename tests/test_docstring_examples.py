"""The examples in rca's docstrings are run, so what they show stays true."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import rca

# alembic's env.py runs only under alembic; importing __main__ runs the command line
MODULES = sorted(
    m.name for m in pkgutil.walk_packages(rca.__path__, "rca.") if ".migrations" not in m.name and not m.name.endswith("__main__")
)


@pytest.mark.parametrize("name", MODULES)
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
    assert attempted >= 8 and "rca.governance.model_drift" in MODULES and len(MODULES) > 40
