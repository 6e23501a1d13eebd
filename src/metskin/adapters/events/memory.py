"""In-process pub/sub: publishers may be worker threads, subscribers are asyncio tasks."""

from __future__ import annotations

import asyncio
import threading
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from typing import Any

from metskin.domain.messages import Event

Subscriber = tuple[asyncio.AbstractEventLoop, asyncio.Queue[dict[str, Any]]]


class InMemoryEventBus:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: dict[str, set[Subscriber]] = defaultdict(set)
        self._latest: dict[str, dict[str, Any]] = {}

    def publish(self, event: Event) -> None:
        with self._lock:
            if event.keep_latest:
                self._latest[event.channel] = event.payload
            targets = list(self._subscribers.get(event.channel, ()))
        for loop, queue in targets:
            loop.call_soon_threadsafe(queue.put_nowait, event.payload)

    def latest(self, channel: str) -> dict[str, Any] | None:
        with self._lock:
            return self._latest.get(channel)

    async def subscribe(
        self, channel: str, on_ready: Callable[[], None] | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        subscriber = (asyncio.get_running_loop(), queue)
        with self._lock:
            self._subscribers[channel].add(subscriber)
        if on_ready is not None:
            on_ready()
        try:
            while True:
                yield await queue.get()
        finally:
            with self._lock:
                self._subscribers[channel].discard(subscriber)
