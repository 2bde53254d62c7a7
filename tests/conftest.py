"""Shared fixtures and the test tiers. Unit tests use inline corpora; these build the small demo year
and a model trained on it once per test session.

Tiers (docs/development.md): a plain `pytest` runs the fast tier only, deselecting every test marked
with one of TIERS; `pytest --all-tiers` runs everything (what .ci/run does); `-m EXPR` picks tiers
itself (`pytest -m model`); a test file named on the command line runs whole. A test that uses a
fixture of MODEL_FIXTURES trains a model, so it is marked `model` here whatever its file says.
"""

from __future__ import annotations

import os
import pickle
import re
import shutil
import sys
from pathlib import Path

import pytest
from filelock import FileLock

# Test runs keep Python's compiled modules and pytest's assertion-rewritten test files in __pycache__
# (git ignores them) even where PYTHONDONTWRITEBYTECODE is set: without the cache every worker
# recompiles rca and rewrites every test module on every run, about 10 s of CPU each.
sys.dont_write_bytecode = False

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"

# the slower tiers, each named by what its tests need (registered in pyproject.toml)
TIERS = ("model", "system", "fuzz", "browser", "postgres", "shared_data")
# fixtures that train a model: whatever uses them, directly or through another fixture, is `model` tier
MODEL_FIXTURES = frozenset(
    {
        "trained_model_dir",  # below: every default target on the small demo year (test_model_safe_load, test_read_errors, ...)
        "demo_year_root_cause_model",  # test_drift_like_with_like: the committed demo year
        "theme_model",  # test_triage_custom_target
        "model_dir",  # test_model_folder_lifecycle (and the `copy` fixture below), test_train_store
    }
)


# a plain `pytest` (the fast tier) and `pytest --all-tiers` run on this many pytest-xdist workers when the machine
# has the cores and nobody chose -n
WORKERS = 2
# the test files whose setup and tests cost the most CPU (benchmarks/results/test_durations.txt), dearest first:
# a run on workers hands them out first so that no long file starts last and leaves one worker idle
DEAREST_FILES = (
    "test_drift_like_with_like.py",
    "test_report_periods_and_exports.py",
    "test_hazard_fast_path.py",
    "test_report_small_number_suppression.py",
    "test_notebooks_run.py",
    "test_report_outputs.py",
    "test_model_folder_lifecycle.py",
    "test_score_resume_kill.py",
    "test_intake_flags_figures.py",
    "test_store_backends.py",
    "test_report_demo.py",
    "test_web_serve_process.py",
    "test_label_audit.py",
    "test_no_network.py",
)


def pytest_addoption(parser):
    parser.addoption("--all-tiers", action="store_true", default=False, help=f"run every tier ({', '.join(TIERS)}), not only the fast one")


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config):
    """A plain `pytest` (the fast tier) and `pytest --all-tiers` run their test files on WORKERS xdist workers, one
    file to a worker (`--dist loadfile`: a module's imports and module-scoped fixtures are made once), the files in
    the order collected (DEAREST_FILES first), not xdist's biggest-count-first. Runs before xdist's own hook."""
    workers = default_workers(config)
    if workers:
        config.option.numprocesses = workers
        config.option.dist = "loadfile"
        config.option.loadscopereorder = False


def default_workers(config) -> int | None:
    """How many xdist workers the run should get when nothing on the command line says: WORKERS for the fast tier
    or --all-tiers on a machine with that many cores, else None (one process: -m, a file named, -n given, --pdb,
    --collect-only, `-p no:xdist`, or this is itself a worker)."""
    if hasattr(config, "workerinput") or not config.pluginmanager.hasplugin("xdist"):
        return None
    if config.getoption("numprocesses", None) is not None or config.getoption("dist", "no") != "no" or config.getoption("tx", None):
        return None
    if config.getoption("usepdb", False) or config.getoption("collectonly", False):
        return None
    if not (fast_tier_only(config) or (config.getoption("all_tiers") and not config.option.markexpr and not named_files(config))):
        return None
    return WORKERS if (os.cpu_count() or 1) >= WORKERS else None


def pytest_collection_modifyitems(config, items):
    dearest = {name: rank for rank, name in enumerate(DEAREST_FILES)}
    items.sort(key=lambda item: dearest.get(item.path.name, len(dearest)))  # stable: the rest keep their order
    for item in items:
        if MODEL_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.model)
    if fast_tier_only(config):
        keep, slower = [], []
        for item in items:
            (slower if any(item.get_closest_marker(t) for t in TIERS) else keep).append(item)
        if slower:
            config.hook.pytest_deselected(items=slower)
            items[:] = keep
    chromium = shutil.which("chromium") or Path("/usr/bin/chromium").exists()
    for item in items:
        if "shared_data" in item.keywords and not SHARED_DATA.exists():
            item.add_marker(pytest.mark.skip(reason=f"{SHARED_DATA} is absent (real data sets are opt-in)"))
        if "browser" in item.keywords and not chromium:
            item.add_marker(pytest.mark.skip(reason="chromium is not installed (apt-get install chromium)"))


def fast_tier_only(config) -> bool:
    """Deselect the slower tiers unless asked for them: --all-tiers, a -m expression, or a test file or
    test named on the command line (`pytest tests/test_train_demo.py` runs that file's tests, every tier)."""
    if config.getoption("all_tiers") or config.option.markexpr:
        return False
    return not named_files(config)


def named_files(config) -> bool:
    """A test file (or `file::test`) is named on the command line."""
    return any(Path(str(arg).split("::")[0]).is_file() for arg in config.args)


# a test file whose every test is in one slower tier says so in one line at the top
WHOLE_FILE_TIER = re.compile(r"^pytestmark = pytest\.mark\.(\w+)\b", re.MULTILINE)


def pytest_ignore_collect(collection_path, config):
    """In the fast tier a test file marked whole with a slower tier (`pytestmark = pytest.mark.system`) is not
    imported: every test in it would be deselected, and importing it costs each worker its imports."""
    if collection_path.suffix != ".py" or not collection_path.name.startswith("test_") or not fast_tier_only(config):
        return None
    whole = WHOLE_FILE_TIER.search(collection_path.read_text("utf-8"))
    return True if whole and whole.group(1) in TIERS else None


def pytest_report_header(config):
    if fast_tier_only(config):
        return f"fast tier: tests marked {', '.join(TIERS)} are deselected (pytest --all-tiers runs them)"
    return None


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.exists():
        pytest.skip(f"{SHARED_DATA} is absent")
    return SHARED_DATA


def run_folder(tmp_path_factory) -> Path:
    """The temporary folder of this whole run: the xdist workers' own folders are inside it."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def built_once(tmp_path_factory, name: str, build) -> Path:
    """The folder `name` in the run's temporary folder, made by `build(folder)` once per run however many xdist
    workers ask: the first builds it under a file lock while the others wait, then all read the same folder. A
    build that failed part way leaves no "done" mark, so the next worker to ask builds it again from nothing.
    Tests read what is there; one that changes such a folder works on a copy (see `guard_unchanged`)."""
    folder = run_folder(tmp_path_factory) / name
    done = folder.with_name(f"{name}.done")
    with FileLock(folder.with_name(f"{name}.lock")):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            build(folder)
            done.touch()
    return folder


# MLflow writes this note (the registered model's name and version) into a local store's model artefacts whenever
# `models:/NAME@ALIAS` is loaded from it (`ModelsArtifactRepository.download_artifacts`): loading, not changing
MLFLOW_LOAD_NOTE = "registered_model_meta"


def fingerprint(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by relative path, with its bytes (MLflow's note of a load aside)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MLFLOW_LOAD_NOTE}


def guard_unchanged(request, folder: Path) -> Path:
    """Fail the session if a test changed a folder the workers share: such a test must work on a copy."""
    before = fingerprint(folder)

    def check() -> None:
        after = fingerprint(folder)
        changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        assert not changed, f"a test changed the shared folder {folder} (copy it first): {changed[:10]}"

    request.addfinalizer(check)
    return folder


@pytest.fixture(scope="session")
def demo_small(tmp_path_factory):
    """A small demo year (1,500 first contacts) with its ground truth: generated once per run (1.2 s of CPU) and
    shared by the xdist workers through a pickle in the run's temporary folder (the same seed gives the same year)."""
    from rca.demo.data import generate_demo

    def build(folder: Path) -> None:
        (folder / "demo.pickle").write_bytes(pickle.dumps(generate_demo(seed=7, n_contacts=1500)))

    return pickle.loads((built_once(tmp_path_factory, "demo_small", build) / "demo.pickle").read_bytes())


@pytest.fixture(scope="session")
def committed_demo_csv(tmp_path_factory) -> Path:
    """data/demo_cases.csv, the demo year `rca demo` uses. It is not tracked in git: when absent it is
    generated from its committed seed, exactly as `rca demo` does."""
    path = REPO / "data" / "demo_cases.csv"
    with FileLock(run_folder(tmp_path_factory) / "committed_demo.lock"):  # one xdist worker writes it, the other waits
        if not path.exists():
            from rca.demo.data import COMMITTED, generate_demo, write_demo

            write_demo(generate_demo(**COMMITTED), path.parent)
    return path


@pytest.fixture(scope="session")
def demo_csv(demo_small, tmp_path_factory) -> Path:
    from rca.demo.data import write_demo

    folder = tmp_path_factory.mktemp("demo")
    paths = write_demo(demo_small, folder)
    return Path(paths.get("cases", folder / "demo_cases.csv"))


@pytest.fixture(scope="session")
def trained_model_dir(demo_small, tmp_path_factory, request) -> Path:
    """Every default target trained once per run on the small demo year, one folder the xdist workers share (a
    test that changes a model folder copies it first; the session fails if one did not)."""
    from rca.config import Config
    from rca.model.train import train_models

    def build(model_dir: Path) -> None:
        # the fixed recipe: these tests are about what a model does, not how its recipe is chosen (tests/test_recipe_search.py)
        train_models(demo_small.cases, targets=None, model_dir=model_dir, config=Config(seed=7), recipe="fast")

    return guard_unchanged(request, built_once(tmp_path_factory, "trained_model", build))


# test files about the migrations themselves: their new stores are made by Alembic's upgrade, not from the template
REAL_MIGRATIONS = frozenset({"test_store_open_migrations.py", "test_store_backends.py"})


@pytest.fixture(scope="session")
def store_template(tmp_path_factory) -> Path:
    """The folder of an empty SQLite case store migrated to the newest revision once per worker (made on first use)."""
    return tmp_path_factory.mktemp("store-template")


@pytest.fixture(autouse=True)
def new_stores_from_template(request, monkeypatch, store_template):
    """A new SQLite case store starts as a copy of one made by the shipped migrations once per worker, instead of
    running every migration again (about 60 ms of CPU a store, some 80 stores in the fast tier). `open_store` then
    finds the newest revision and opens it as it opens any store; the migrations themselves are tested by the files
    of REAL_MIGRATIONS, which get no template."""
    db = sys.modules.get("rca.store.db")  # not imported for a test that has no store (nor by the tests that import it late)
    if db is None or request.path.name in REAL_MIGRATIONS:
        return
    import threading

    real = db.migrate
    template = store_template / "cases.db"
    lock = threading.Lock()

    def migrate(store, *, revision: str = "head"):
        path = store.engine.url.database if store.dialect == "sqlite" else None
        if revision == "head" and path not in (None, "", ":memory:"):
            with lock:
                if not Path(path).exists():  # no file yet, so nothing is connected to it
                    if not template.exists():
                        made = db.Store(db.make_engine(f"sqlite:///{template}"), f"sqlite:///{template}")
                        real(made)
                        made.dispose()  # the last connection closed: the write-ahead log is folded into the file
                    if not Path(f"{template}-wal").exists():
                        shutil.copyfile(template, path)
        return real(store, revision=revision)

    monkeypatch.setattr(db, "migrate", migrate)


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
