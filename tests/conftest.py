"""Shared fixtures. Unit tests use inline corpora; these build the small demo year
and a model trained on it once per test session."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


def pytest_collection_modifyitems(config, items):
    chromium = shutil.which("chromium") or Path("/usr/bin/chromium").exists()
    for item in items:
        if "shared_data" in item.keywords and not SHARED_DATA.exists():
            item.add_marker(pytest.mark.skip(reason=f"{SHARED_DATA} is absent (real data sets are opt-in)"))
        if "browser" in item.keywords and not chromium:
            item.add_marker(pytest.mark.skip(reason="chromium is not installed (apt-get install chromium)"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.exists():
        pytest.skip(f"{SHARED_DATA} is absent")
    return SHARED_DATA


@pytest.fixture(scope="session")
def demo_small():
    """A small demo year (1,500 first contacts) with its ground truth."""
    from rca.demo.data import generate_demo

    return generate_demo(seed=7, n_contacts=1500)


@pytest.fixture(scope="session")
def demo_csv(demo_small, tmp_path_factory) -> Path:
    from rca.demo.data import write_demo

    folder = tmp_path_factory.mktemp("demo")
    paths = write_demo(demo_small, folder)
    return Path(paths.get("cases", folder / "demo_cases.csv"))


@pytest.fixture(scope="session")
def trained_model_dir(demo_small, tmp_path_factory) -> Path:
    """Every default target trained once on the small demo year."""
    from rca.config import Config
    from rca.model.train import train_models

    model_dir = tmp_path_factory.mktemp("model")
    # the fixed recipe: these tests are about what a model does, not how its recipe is chosen (tests/test_recipe_search.py)
    train_models(demo_small.cases, targets=None, model_dir=model_dir, config=Config(seed=7), recipe="fast")
    return model_dir


@pytest.fixture
def copy(model_dir, tmp_path) -> Path:
    """A copy of the module's `model_dir` fixture, to change without touching the original."""
    dst = tmp_path / "copy"
    shutil.copytree(model_dir, dst)
    return dst


@pytest.fixture
def no_unpickle(monkeypatch):
    """Fail the test if any model file is loaded (an integrity check must refuse the folder first)."""
    import joblib

    from rca.model import store as model_store

    def refuse(*a, **k):
        raise AssertionError("a model file was loaded before the integrity check refused the folder")

    monkeypatch.setattr(joblib, "load", refuse)
    monkeypatch.setattr(model_store, "load_artefact", refuse)
