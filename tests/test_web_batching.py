"""MicroBatcher: requests that queue while the server is busy are served in one pass,
each gets its own result (or its own error), and a lone request is not held back."""

from __future__ import annotations

import asyncio
import time

import pytest

from rca.web.batching import MicroBatcher


def test_concurrent_requests_share_passes_and_keep_their_own_results():
    calls: list[list[int]] = []

    def slow_double(items):
        calls.append(list(items))
        time.sleep(0.01)  # busy, as a real triage pass is: the others queue meanwhile
        return [x * 2 for x in items]

    batcher = MicroBatcher(slow_double, max_batch=8)

    async def main():
        return await asyncio.gather(*(batcher.submit(i) for i in range(20)))

    results = asyncio.run(main())
    assert results == [i * 2 for i in range(20)]
    assert sorted(x for c in calls for x in c) == list(range(20))  # each item computed exactly once
    assert len(calls) < 20 and max(len(c) for c in calls) <= 8
    assert batcher.items == 20 and batcher.batches == len(calls)


def test_a_failing_item_fails_alone():
    def fn(items):
        if any(x < 0 for x in items):
            raise ValueError("negative")
        return [x + 1 for x in items]

    batcher = MicroBatcher(fn)

    async def main():
        return await asyncio.gather(*(batcher.submit(x) for x in (1, -1, 2)), return_exceptions=True)

    one, bad, two = asyncio.run(main())
    assert (one, two) == (2, 3)
    assert isinstance(bad, ValueError)


def test_results_line_up_with_items_under_max_batch_one():
    batcher = MicroBatcher(lambda items: [str(x) for x in items], max_batch=1)

    async def main():
        return await asyncio.gather(*(batcher.submit(i) for i in range(5)))

    assert asyncio.run(main()) == ["0", "1", "2", "3", "4"]
    assert batcher.batches == 5


def test_a_new_event_loop_gets_a_fresh_queue():
    batcher = MicroBatcher(lambda items: items)
    assert asyncio.run(batcher.submit("a")) == "a"
    assert asyncio.run(batcher.submit("b")) == "b"  # the first loop is closed; no hang


@pytest.mark.parametrize("n", [0])
def test_wrong_length_from_fn_is_not_silently_misaligned(n):
    """A batch function that returns fewer results than items is a bug: the callers must not hang
    or get someone else's answer."""
    batcher = MicroBatcher(lambda items: items[:n])

    async def main():
        return await asyncio.wait_for(asyncio.gather(batcher.submit(1), return_exceptions=True), timeout=2)

    (res,) = asyncio.run(main())
    assert isinstance(res, RuntimeError)
