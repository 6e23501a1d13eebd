"""Redis pub/sub events, fanned out across API processes; the latest state kept in a key."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import redis
import redis.asyncio as redis_async

from metskin.adapters.events.tasks import stop_requested
from metskin.adapters.redis_away import RedisAway
from metskin.domain.messages import Event

log = logging.getLogger(__name__)

LATEST_TTL_SECONDS = 7 * 24 * 3600
CLOSE_TIMEOUT_SECONDS = 2.0


class RedisEventBus:
    def __init__(self, url: str, prefix: str = "metskin") -> None:
        self._url = url
        self._prefix = prefix
        self._client = redis.Redis.from_url(url)
        self._away = RedisAway.of(url)

    def _channel(self, channel: str) -> str:
        return f"{self._prefix}:events:{channel}"

    def _latest_key(self, channel: str) -> str:
        return f"{self._prefix}:latest:{channel}"

    def publish(self, event: Event) -> None:
        """Best effort: the database holds the state, events only wake live readers. While
        Redis is away, an event is dropped (and logged) rather than failing the committed
        change that raised it."""
        if self._away.now():
            log.warning("event on %s dropped: Redis not answering just now", event.channel)
            return
        data = json.dumps(event.payload)
        pipe = self._client.pipeline()
        if event.keep_latest:
            pipe.set(self._latest_key(event.channel), data, ex=LATEST_TTL_SECONDS)
        pipe.publish(self._channel(event.channel), data)
        try:
            pipe.execute()
        except redis.RedisError as error:
            log.warning("event on %s dropped: Redis unavailable (%s)", event.channel, error)
            self._away.failed(error)

    def latest(self, channel: str) -> dict[str, Any] | None:
        """The last kept event, or None (the caller reads the database) while Redis is away."""
        data = self._away.ask(lambda: self._client.get(self._latest_key(channel)), None)
        return json.loads(data) if data else None

    async def subscribe(
        self, channel: str, on_ready: Callable[[], None] | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        client = redis_async.Redis.from_url(self._url)
        pubsub = client.pubsub()
        try:
            await pubsub.subscribe(self._channel(channel))
            async for message in pubsub.listen():
                if stop_requested():
                    raise asyncio.CancelledError  # a cancel that redis-py's wait_for swallowed
                kind = message.get("type")
                if kind == "subscribe" and on_ready is not None:
                    on_ready()  # Redis has confirmed: every later publish reaches us
                elif kind == "message":
                    yield json.loads(message["data"])
        finally:
            # Bounded: redis-py's close can hang when cancelled while it is still subscribing.
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(pubsub.aclose(), CLOSE_TIMEOUT_SECONDS)
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(client.aclose(), CLOSE_TIMEOUT_SECONDS)

    def close(self) -> None:
        self._client.close()
