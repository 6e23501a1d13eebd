"""The live-stream helper: latest state first, wake on a message, stop, always end the listener."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

import pytest

from metskin.adapters.events.memory import InMemoryEventBus
from metskin.adapters.limits.memory import InMemoryStreamSlots
from metskin.domain.errors import Forbidden
from metskin.domain.limits.errors import TooManyStreams
from metskin.domain.messages import Event
from metskin.graphql.streams import (
    MAX_STREAMS_PER_ACCOUNT,
    SLOT_TTL_MIN_S,
    StreamSlot,
    Wake,
    live_stream,
)

CHANNEL = "test:stream"


def listeners(bus: InMemoryEventBus) -> int:
    return len(bus._subscribers.get(CHANNEL, ()))


def numbered_stream(
    bus: InMemoryEventBus, recheck: float, last: int
) -> tuple[AsyncGenerator[dict[str, Any], None], list[list[Wake]]]:
    """{"n": 0} first, then each message published, until {"n": last}; and what woke it."""
    wakes: list[list[Wake]] = []

    async def latest() -> AsyncGenerator[dict[str, Any], None]:
        yield {"n": 0}

    async def changes(woken: list[Wake]) -> AsyncGenerator[dict[str, Any], None]:
        wakes.append(woken)
        for message in woken:
            if message is not None:
                yield message

    done = lambda item: item["n"] == last  # noqa: E731
    return live_stream(bus, CHANNEL, recheck, latest, changes, done=done), wakes


async def test_latest_first_then_messages_until_done_and_the_listener_stops() -> None:
    bus = InMemoryEventBus()
    stream, wakes = numbered_stream(bus, 5.0, last=2)
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


class FailingFirst(InMemoryEventBus):
    """A bus whose first `failures` subscriptions fail, as Redis does while it is away."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures
        self.attempts = 0

    async def subscribe(  # type: ignore[override]
        self, channel: str, on_ready: Any = None
    ) -> AsyncGenerator[dict[str, Any], None]:
        self.attempts += 1
        if self.attempts <= self.failures:
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        async for message in super().subscribe(channel, on_ready):
            yield message


async def test_a_bus_that_fails_is_subscribed_again_and_its_messages_come_live(
    monkeypatch: Any, caplog: Any
) -> None:
    """Redis away when the stream opened (or gone under it): the listener does not die with
    the error (before, its exception was never retrieved and the stream stayed on re-reads
    for good); it subscribes again after a pause, and once live the store is re-read."""
    monkeypatch.setattr("metskin.graphql.streams.LISTEN_RETRY_S", 0.01)
    bus = FailingFirst(failures=2)
    stream, wakes = numbered_stream(bus, 60.0, last=1)
    seen = [await anext(stream)]
    async with asyncio.timeout(5):
        while listeners(bus) == 0:
            await asyncio.sleep(0.005)
    bus.publish(Event(CHANNEL, {"n": 1}))
    async with asyncio.timeout(5):  # well before the 60 s re-read: the message came live
        seen += [item async for item in stream]
    assert seen == [{"n": 0}, {"n": 1}]
    assert bus.attempts == 3
    assert wakes[0][0] is None  # live again: re-read the store first
    assert [r.levelname for r in caplog.records].count("WARNING") == 2
    assert listeners(bus) == 0


async def test_what_was_read_while_access_ended_is_not_sent() -> None:
    """A share revoked while the stream reads what is new (a review found a revoked
    dermatologist's stream sending the stage published after the revoke: the check ran before
    the read). The check runs after the read, before anything is sent."""
    bus = InMemoryEventBus()
    revoked = False

    async def latest() -> AsyncGenerator[dict[str, Any], None]:
        yield {"n": 0}

    async def changes(woken: list[Wake]) -> AsyncGenerator[dict[str, Any], None]:
        nonlocal revoked
        revoked = True  # the patient revokes the share meanwhile
        yield {"n": 1}

    def allowed() -> None:
        if revoked:
            raise Forbidden("This analysis is no longer shared with you.")

    stream = live_stream(bus, CHANNEL, 0.01, latest, changes, allowed=allowed)
    assert await anext(stream) == {"n": 0}
    with pytest.raises(Forbidden):
        await anext(stream)


async def test_an_account_s_stream_slots_are_bounded_and_freed_however_a_stream_ends() -> None:
    slots = InMemoryStreamSlots()
    held = [StreamSlot(slots, "p1", 2.0) for _ in range(MAX_STREAMS_PER_ACCOUNT)]
    for slot in held:
        await slot.__aenter__()
    with pytest.raises(TooManyStreams) as refused:
        async with StreamSlot(slots, "p1", 2.0):
            pass
    assert refused.value.values == {"limit": MAX_STREAMS_PER_ACCOUNT}
    async with StreamSlot(slots, "p2", 2.0), StreamSlot(slots, None, 2.0):  # another's; none
        pass
    await held.pop().__aexit__(Forbidden, Forbidden("revoked"), None)  # ended with an error
    async with StreamSlot(slots, "p1", 2.0):
        pass
    for slot in held:
        await slot.__aexit__(None, None, None)
    assert not slots._held


async def test_a_slot_not_renewed_lapses_and_a_renewed_one_is_kept() -> None:
    """The slots of a process that died (it renews nothing) are free again after the slot's
    life; a running stream renews its own as it wakes."""
    now = [0.0]
    slots = InMemoryStreamSlots(clock=lambda: now[0])
    kept = StreamSlot(slots, "p1", 2.0)
    await kept.__aenter__()
    assert kept.ttl_s == SLOT_TTL_MIN_S
    for _ in range(MAX_STREAMS_PER_ACCOUNT - 1):  # a dead process's
        assert slots.take("p1", f"dead-{_}", MAX_STREAMS_PER_ACCOUNT, kept.ttl_s)
    assert not slots.take("p1", "one-more", MAX_STREAMS_PER_ACCOUNT, kept.ttl_s)
    now[0] = kept.ttl_s * 0.9
    slots.renew("p1", kept._name, kept.ttl_s)  # as StreamSlot.renew does on a wake
    now[0] = kept.ttl_s * 1.1  # the dead ones lapsed, the renewed one is held
    assert slots.take("p1", "one-more", MAX_STREAMS_PER_ACCOUNT, kept.ttl_s)
    assert set(slots._held["p1"]) == {kept._name, "one-more"}
