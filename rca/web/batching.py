"""Serve the triage requests that queue up while the server is busy in one pass.

A triage is a few milliseconds of CPU, most of it per call rather than per
text (preparing arrays, one sparse product per model, the similar-case
search). Under load, requests arrive while another is being computed; instead
of handling them one at a time, `MicroBatcher` takes everything waiting (up to
`max_batch`) and hands the list to a batch function such as
`rca.scoring.triage.triage_many`. Nothing waits for a batch to fill: a lone request is
computed at once, so latency at low load is unchanged and throughput under
load rises. A failure in a batch is retried item by item, so one bad request
cannot fail the others.

>>> import asyncio
>>> batcher = MicroBatcher(lambda items: [x * 2 for x in items])
>>> asyncio.run(batcher.submit(21))
42
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any


class MicroBatcher:
    """Queue of (item, future) pairs drained by one task on the event loop.

    `fn(items) -> results` (same length, same order) runs on the loop itself:
    the work holds the GIL anyway, and a thread hop would only add latency.
    """

    def __init__(self, fn: Callable[[list[Any]], list[Any]], *, max_batch: int = 32) -> None:
        self.fn = fn
        self.max_batch = max(1, int(max_batch))
        self._queue: asyncio.Queue | None = None
        self._task: asyncio.Task | None = None
        self.batches = 0  # counters for /api/health and the load benchmark
        self.items = 0

    async def submit(self, item: Any) -> Any:
        """The result of `fn([item, ...])` for `item`; its own exception if it alone fails."""
        loop = asyncio.get_running_loop()
        if self._queue is None or self._task is None or self._task.done() or self._task.get_loop() is not loop:
            self._queue = asyncio.Queue()
            self._task = loop.create_task(self._drain())
        future = loop.create_future()
        self._queue.put_nowait((item, future))
        return await future

    async def _drain(self) -> None:
        queue = self._queue
        while True:
            batch = [await queue.get()]
            while len(batch) < self.max_batch and not queue.empty():
                batch.append(queue.get_nowait())
            batch = [(item, fut) for item, fut in batch if not fut.cancelled()]  # the client went away
            if batch:
                self._run(batch)
            await asyncio.sleep(0)  # let the loop read the requests that arrived meanwhile

    def _run(self, batch: list[tuple[Any, asyncio.Future]]) -> None:
        self.batches += 1
        self.items += len(batch)
        try:
            results = self.fn([item for item, _ in batch])
            if len(results) != len(batch):
                raise RuntimeError(f"batch function returned {len(results)} results for {len(batch)} items")
        except Exception as exc:  # noqa: BLE001 - find which item failed: each gets its own answer
            if len(batch) == 1:
                self._settle(batch[0][1], exc=exc)
                return
            for pair in batch:
                self._run([pair])
            return
        for (_, fut), res in zip(batch, results):
            self._settle(fut, result=res)

    @staticmethod
    def _settle(fut: asyncio.Future, *, result: Any = None, exc: BaseException | None = None) -> None:
        if fut.done():
            return
        if exc is not None:
            fut.set_exception(exc)
        else:
            fut.set_result(result)
