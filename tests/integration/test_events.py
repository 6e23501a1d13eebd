"""The events port: in-memory (threads → asyncio) and Redis pub/sub (across processes)."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from metskin.adapters.events.memory import InMemoryEventBus
from metskin.adapters.events.redis_bus import RedisEventBus
from metskin.domain.messages import Event
from metskin.domain.ports import EventBus


async def first_messages(stream: AsyncIterator[dict[str, Any]], count: int) -> list[dict]:
    received = []
    async for message in stream:
        received.append(message)
        if len(received) == count:
            break
    return received


async def check_fan_out(publisher: EventBus, subscriber: EventBus) -> None:
    channel = f"analysis:{uuid.uuid4()}"
    stream = subscriber.subscribe(channel)
    reader = asyncio.create_task(first_messages(stream, 1))
    for _ in range(200):
        if reader.done():
            break
        publisher.publish(Event(channel, {"ping": True}))
        await asyncio.sleep(0.02)
    assert (await reader) == [{"ping": True}]

    ready = asyncio.Event()
    stream = subscriber.subscribe(channel, on_ready=ready.set)
    reader = asyncio.create_task(first_messages(stream, 3))
    await asyncio.wait_for(ready.wait(), 5)  # no grace sleep: all that follows is delivered
    stages = [{"stage": s} for s in ("DECODING", "FACE_MESH", "DONE")]

    def publish_from_a_thread() -> None:
        for payload in stages:
            publisher.publish(Event(channel, payload, keep_latest=True))

    thread = threading.Thread(target=publish_from_a_thread)
    thread.start()
    received = await asyncio.wait_for(reader, timeout=5)
    thread.join()
    assert received == stages
    assert subscriber.latest(channel) == {"stage": "DONE"}
    assert subscriber.latest(f"{channel}-other") is None


async def test_in_memory_bus_delivers_thread_published_events_in_order() -> None:
    bus = InMemoryEventBus()
    await check_fan_out(bus, bus)


async def test_subscription_cleans_up_when_closed() -> None:
    bus = InMemoryEventBus()
    stream = bus.subscribe("c")
    task = asyncio.create_task(first_messages(stream, 1))
    await asyncio.sleep(0.01)
    assert len(bus._subscribers["c"]) == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await stream.aclose()
    assert len(bus._subscribers["c"]) == 0


@pytest.mark.redis
async def test_redis_bus_fans_out_between_two_instances(redis_url: str) -> None:
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    api_one = RedisEventBus(redis_url, prefix=prefix)
    api_two = RedisEventBus(redis_url, prefix=prefix)
    try:
        await check_fan_out(api_one, api_two)
    finally:
        api_one.close()
        api_two.close()
