"""Where the test run's CPU goes: a pytest plugin that records each test's CPU seconds (its process and the child
processes it waited for) by phase, and each process's collection, then a summary of the records.

    PYTHONPATH=benchmarks .venv/bin/python -m pytest -q -p pytest_cpu         # writes /tmp/rca_test_cpu_<worker>.json
    .venv/bin/python benchmarks/pytest_cpu.py /tmp/rca_test_cpu 40           # workers, files and tests by CPU

CPU seconds are the reliable figure on a shared machine: wall times grow with the load, CPU times much less.
"""

from __future__ import annotations

import collections
import glob
import json
import os
import resource
import sys

import pytest

OUT = os.environ.get("RCA_TEST_CPU_OUT", "/tmp/rca_test_cpu")
_rows: list[tuple[str, str, float]] = []
_marks: dict[str, float] = {}


def _cpu(*who: int) -> float:
    return sum(u.ru_utime + u.ru_stime for u in map(resource.getrusage, who or (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))


def pytest_collection(session):
    _marks["collection_start"] = _cpu()


def pytest_collection_finish(session):
    _marks["collection"] = _cpu() - _marks.get("collection_start", 0.0)


def _timed(phase: str):
    @pytest.hookimpl(hookwrapper=True)
    def hook(item):
        start = _cpu()
        yield
        _rows.append((item.nodeid, phase, _cpu() - start))

    return hook


pytest_runtest_setup = _timed("setup")
pytest_runtest_call = _timed("call")
pytest_runtest_teardown = _timed("teardown")


def pytest_unconfigure(config):
    worker = getattr(config, "workerinput", {}).get("workerid", "main")
    record = {"worker": worker, "self": _cpu(resource.RUSAGE_SELF), "total": _cpu(), **_marks, "tests": _rows}
    with open(f"{OUT}_{worker}.json", "w", encoding="utf-8") as f:
        json.dump(record, f)


def summarise(prefix: str, top: int = 40) -> None:
    by_file: collections.Counter = collections.Counter()
    rows = []
    for path in sorted(glob.glob(f"{prefix}_*.json")):
        rec = json.load(open(path, encoding="utf-8"))
        tests = sum(r[2] for r in rec["tests"])
        if rec["worker"] == "main" and not rec["tests"]:
            print(f"main (xdist controller): {rec['self']:.1f} s of its own CPU")
            continue
        print(f"{rec['worker']}: {rec['total']:.1f} s of CPU, {rec.get('collection', 0):.1f} s collecting, {tests:.1f} s in tests")
        rows += rec["tests"]
        for nodeid, _, cpu in rec["tests"]:
            by_file[nodeid.split("::")[0]] += cpu
    print(f"tests: {len({r[0] for r in rows})}, {sum(r[2] for r in rows):.1f} s of CPU in all")
    print("\nby file:")
    for name, cpu in by_file.most_common(top):
        print(f"{cpu:7.2f}s {name}")
    print("\nby test and phase:")
    for nodeid, phase, cpu in sorted(rows, key=lambda r: -r[2])[:top]:
        print(f"{cpu:7.2f}s {phase:8s} {nodeid}")


if __name__ == "__main__":
    summarise(sys.argv[1] if len(sys.argv) > 1 else OUT, int(sys.argv[2]) if len(sys.argv) > 2 else 40)
