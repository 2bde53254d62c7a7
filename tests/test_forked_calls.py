"""`rca.forking`: calls run in forked workers that start with this process's memory, results in order."""

from __future__ import annotations

import os
import threading

import pytest

from rca import forking

pytestmark = pytest.mark.skipif(not forking.can_fork(), reason="this platform cannot fork")


def _pid_and(value):
    return os.getpid(), value


def _fails():
    raise ValueError("failed in the worker")


def test_calls_run_in_other_processes_and_come_back_in_order():
    out = forking.start_forked([(_pid_and, (i,), {}) for i in range(5)], 2).results()
    assert [v for _, v in out] == [0, 1, 2, 3, 4]
    assert all(pid != os.getpid() for pid, _ in out)
    assert len({pid for pid, _ in out}) <= 2  # two workers share the five calls


def test_arguments_are_inherited_not_pickled():
    lock = threading.Lock()  # a lock cannot be pickled: only a forked worker can receive it
    out = forking.start_forked([(lambda lk, n: (type(lk).__name__, n * 2), (lock,), {"n": 21})], 1).results()
    assert out == [("lock", 42)]
    assert forking._inherited == []  # nothing kept here once the workers have their calls


def test_an_error_in_a_worker_is_raised_here():
    with pytest.raises(ValueError, match="failed in the worker"):
        forking.start_forked([(_fails, (), {})], 1).results()


def test_this_process_goes_on_while_the_workers_run():
    with forking.start_forked([(_pid_and, ("there",), {})], 1) as pending:
        here = _pid_and("here")  # runs before the worker's result is asked for
        there = pending.results()
    assert here[1] == "here" and there[0][1] == "there" and there[0][0] != here[0]
