"""Calls run in forked processes that start with this process's memory.

A forked worker inherits every imported module and every object in memory (a loaded model, a feature
matrix), so nothing is re-imported or pickled on the way in; only the results travel back. The calls
themselves are inherited too: they are stored in this module while the workers are forked and cleared
right after, so their arguments may be objects that cannot be pickled. Used by training
(`rca.model.target_fits`), scoring (`rca.scoring.score`) and `rca demo` (triage beside the report).

Example::

    pending = start_forked([(sum, ([1, 2],), {}), (max, ([3, 4],), {})], workers=2)
    ...  # this process goes on meanwhile
    pending.results()  # [3, 4]
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

__all__ = ["Call", "ForkedCalls", "can_fork", "start_forked"]

Call = tuple[Callable[..., Any], tuple, dict]  # (function, positional arguments, keyword arguments)

_inherited: list[Call] = []  # the calls workers forked now run, read by index in the worker


def can_fork() -> bool:
    """Whether this platform starts processes by forking (Linux does; Windows and macOS by default do not)."""
    return "fork" in mp.get_all_start_methods()


def _run_inherited(i: int) -> Any:
    fn, args, kwargs = _inherited[i]
    return fn(*args, **kwargs)


class ForkedCalls:
    """Calls running in forked workers; `results()` waits for them."""

    def __init__(self, pool: ProcessPoolExecutor, futures: list[Future]) -> None:
        self._pool = pool
        self._futures = futures

    def __enter__(self) -> ForkedCalls:
        return self

    def __exit__(self, *exc) -> None:
        """Leaving early (an error in this process) stops the workers without waiting for their results."""
        self._pool.shutdown(wait=exc[0] is None, cancel_futures=True)

    def results(self) -> list:
        """Each call's result, in the order given; a call's exception is raised here. Shuts the workers down."""
        try:
            return [f.result() for f in self._futures]
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)


def start_forked(calls: list[Call], workers: int) -> ForkedCalls:
    """Fork `workers` processes now and hand them `calls`; this process goes on at once.

    Needs `can_fork()`. Not a `multiprocessing.Pool`: its workers are daemons, which may not start
    processes of their own (a fit that splits itself over two processes does)."""
    global _inherited
    pool = ProcessPoolExecutor(max(1, min(workers, len(calls))), mp_context=mp.get_context("fork"))
    _inherited = list(calls)
    try:  # with "fork" every worker is started at the first submit, while `_inherited` holds the calls
        futures = [pool.submit(_run_inherited, i) for i in range(len(calls))]
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        _inherited = []
    return ForkedCalls(pool, futures)
