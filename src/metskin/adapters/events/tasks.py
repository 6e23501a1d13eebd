"""Asyncio tasks stopped for sure (live streams and their pub/sub listeners).

Python 3.11's `asyncio.wait_for` can lose a cancellation when the awaited thing finishes at
the same moment (fixed in 3.12), and the Redis client awaits that way. A lost cancel would
leave a pub/sub listener running after its stream ended, so stopping cancels until the task
has ended, and loops check whether their task was asked to stop.
"""

from __future__ import annotations

import asyncio

STOP_SECONDS = 3.0
RETRY_SECONDS = 0.2


async def stop(task: asyncio.Task[None], within: float = STOP_SECONDS) -> None:
    """Cancel `task` (again if a cancel was lost) until it ends, for at most `within` s."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not task.done() and loop.time() < deadline:
        task.cancel()
        await asyncio.wait({task}, timeout=RETRY_SECONDS)


def stop_requested() -> bool:
    """True when the running task was cancelled, even if an await swallowed it."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0
