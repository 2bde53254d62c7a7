"""The test tiers (tests/conftest.py): a plain `pytest` runs the fast tier on two xdist workers, one test file to a
worker; anything that asks for more tiers, a file, a worker count of its own or a debugger runs in one process."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

import conftest

HERE = str(Path(__file__).resolve())


class FakeConfig:
    """The few parts of a pytest Config the tier choice reads."""

    def __init__(self, *args: str, xdist: bool = True, worker: bool = False, **options) -> None:
        self.args = list(args) or ["tests"]
        markexpr = options.pop("markexpr", "")
        defaults = {"all_tiers": False, "numprocesses": None, "dist": "no", "tx": [], "usepdb": False, "collectonly": False}
        self._options = defaults | options
        self.option = SimpleNamespace(markexpr=markexpr, **self._options)
        self.pluginmanager = SimpleNamespace(hasplugin=lambda name: xdist and name == "xdist")
        if worker:
            self.workerinput = {"workerid": "gw0"}

    def getoption(self, name, default=None):
        return self._options.get(name, default)


@pytest.fixture
def cores(monkeypatch):
    def set_cores(n):
        monkeypatch.setattr(conftest.os, "cpu_count", lambda: n)

    set_cores(2)
    return set_cores


@pytest.mark.parametrize("config", [FakeConfig(), FakeConfig(all_tiers=True)], ids=["fast tier", "all-tiers"])
def test_a_plain_run_and_all_tiers_are_on_two_workers_one_file_to_each_in_the_order_collected(config, cores):
    assert conftest.default_workers(config) == conftest.WORKERS == 2
    conftest.pytest_cmdline_main(config)
    assert (config.option.numprocesses, config.option.dist, config.option.loadscopereorder) == (2, "loadfile", False)


@pytest.mark.parametrize(
    "config",
    [
        FakeConfig(all_tiers=True, markexpr="model"),
        FakeConfig(HERE, all_tiers=True),
        FakeConfig(markexpr="model"),
        FakeConfig(HERE),
        FakeConfig(f"{HERE}::test_a_one_core_machine_runs_the_fast_tier_in_one_process"),
        FakeConfig(numprocesses=0),
        FakeConfig(numprocesses=4),
        FakeConfig(dist="worksteal"),
        FakeConfig(usepdb=True),
        FakeConfig(collectonly=True),
        FakeConfig(xdist=False),
        FakeConfig(worker=True),
    ],
    ids=[
        "all-tiers -m",
        "all-tiers and a file",
        "-m",
        "a file",
        "a test",
        "-n 0",
        "-n 4",
        "--dist",
        "--pdb",
        "--collect-only",
        "no xdist",
        "a worker",
    ],
)
def test_anything_else_keeps_to_what_the_command_line_says(config, cores):
    before = vars(config.option).copy()
    assert conftest.default_workers(config) is None
    conftest.pytest_cmdline_main(config)
    assert vars(config.option) == before


def test_a_one_core_machine_runs_the_fast_tier_in_one_process(cores):
    cores(1)
    assert conftest.default_workers(FakeConfig()) is None


@pytest.mark.parametrize(
    "head,fast_tier_skips",
    [
        ("pytestmark = pytest.mark.system\n", True),
        ("pytestmark = pytest.mark.model  # trains\n", True),
        ("pytestmark = pytest.mark.skipif(True, reason='x')\n", False),
        ("pytestmark = [pytest.mark.system, pytest.mark.fuzz]\n", False),  # not the one-line form: collected, then deselected
        ("", False),
    ],
)
def test_a_file_marked_whole_with_a_slower_tier_is_not_imported_by_the_fast_tier(tmp_path, head, fast_tier_skips):
    path = tmp_path / "test_x.py"
    path.write_text(f"import pytest\n\n{head}\n\ndef test_a():\n    pass\n", encoding="utf-8")
    assert conftest.pytest_ignore_collect(path, FakeConfig()) is (True if fast_tier_skips else None)
    for asked in (FakeConfig(all_tiers=True), FakeConfig(markexpr="system"), FakeConfig(str(path))):
        assert conftest.pytest_ignore_collect(path, asked) is None  # collected: its tests may run
    assert conftest.pytest_ignore_collect(tmp_path / "helpers.py", FakeConfig()) is None


def test_the_dearest_files_are_handed_out_first_and_the_rest_keep_their_order():
    paths = ["test_a.py", conftest.DEAREST_FILES[1], "test_b.py", conftest.DEAREST_FILES[0], "test_a.py"]
    items = [SimpleNamespace(path=Path("tests") / name, n=i, fixturenames=(), keywords={}) for i, name in enumerate(paths)]
    items = [SimpleNamespace(**vars(i), get_closest_marker=lambda name: None) for i in items]
    conftest.pytest_collection_modifyitems(FakeConfig(all_tiers=True), items)
    assert [i.n for i in items] == [3, 1, 0, 2, 4]


class Factory:
    """The part of pytest's tmp_path_factory that `built_once` reads."""

    def __init__(self, base: Path) -> None:
        self.base = base

    def getbasetemp(self) -> Path:
        return self.base


def test_a_shared_folder_is_built_once_per_run_and_again_after_a_failed_build(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    workers = [Factory(tmp_path / "popen-gw0"), Factory(tmp_path / "popen-gw1")]
    calls = []

    def build(folder):
        calls.append(folder)
        if len(calls) == 1:
            (folder / "half").write_text("x")
            raise RuntimeError("killed part way")
        (folder / "model").write_text("trained")

    with pytest.raises(RuntimeError):
        conftest.built_once(workers[0], "m", build)
    folders = {conftest.built_once(w, "m", build) for w in workers}
    assert folders == {tmp_path / "m"} and len(calls) == 2  # rebuilt once after the failure, then shared
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["model"]  # nothing of the failed build is left


def test_a_test_that_changes_a_shared_folder_fails_the_session(tmp_path):
    (tmp_path / "a").write_text("x")
    finalizers = []
    conftest.guard_unchanged(SimpleNamespace(addfinalizer=finalizers.append), tmp_path)
    finalizers[0]()  # nothing changed
    (tmp_path / "a").write_text("y")
    with pytest.raises(AssertionError, match="changed the shared folder"):
        finalizers[0]()
