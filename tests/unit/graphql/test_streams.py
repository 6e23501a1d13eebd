"""The live-stream helper: latest state first, wake on a message, stop, always end the listener."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

from metskin.adapters.events.memory import InMemoryEventBus
from metskin.domain.messages import Event
from metskin.graphql.streams import Wake, live_stream

CHANNEL = "test:stream"


def listeners(bus: InMemoryEventBus) -> int:
    return len(bus._subscribers.get(CHANNEL, ()))


async def test_latest_first_then_messages_until_done_and_the_listener_stops() -> None:
    bus = InMemoryEventBus()
    wakes: list[list[Wake]] = []

    async def latest() -> AsyncGenerator[dict[str, Any], None]:
        yield {"n": 0}

    async def changes(woken: list[Wake]) -> AsyncGenerator[dict[str, Any], None]:
        wakes.append(woken)
        for message in woken:
            if message is not None:
                yield message

    stream = live_stream(bus, CHANNEL, 5.0, latest, changes, done=lambda item: item["n"] == 2)
    seen = [await anext(stream)]
    while listeners(bus) == 0:
        await asyncio.sleep(0)
    bus.publish(Event(CHANNEL, {"n": 1}))
    bus.publish(Event(CHANNEL, {"n": 2}))
    bus.publish(Event(CHANNEL, {"n": 3}))
    seen += [item async for item in stream]
    assert seen == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert wakes[0][0] is None  # the listener became live: re-read the store
    assert listeners(bus) == 0


async def test_quiet_streams_re_read_and_closing_stops_the_listener() -> None:
    bus = InMemoryEventBus()
    reads = 0

    async def latest() -> AsyncGenerator[int, None]:
        return
        yield

    async def changes(woken: list[Wake]) -> AsyncGenerator[int, None]:
        nonlocal reads
        reads += 1
        yield reads

    stream = live_stream(bus, CHANNEL, 0.01, latest, changes)
    assert [await anext(stream) for _ in range(3)] == [1, 2, 3]
    await stream.aclose()
    await asyncio.sleep(0.05)
    assert listeners(bus) == 0
