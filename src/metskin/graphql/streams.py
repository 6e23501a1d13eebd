"""One live-stream loop for every subscription.

The latest known state goes first, so a late subscriber misses nothing. Then the stream
listens on an events-port channel: a message, the listener becoming live, or `recheck`
seconds of quiet wake it, and the caller's `changes` re-reads the store (or uses the
message) for what is new. A periodic re-read covers a lost message. Before each update it
sends, the stream asks `allowed` (in a worker thread) whether the viewer may still have it:
a logout, an expired token or a share the patient revoked ends it with its coded error.

When the bus fails (Redis stopped, restarted or not answering), the listener logs it and
subscribes again after a pause that doubles up to LISTEN_RETRY_MAX_S; the re-read carries the
stream meanwhile, and once the listener is live again the store is re-read at once. The
listener task is always stopped, within a bound, when the stream ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Sequence
from typing import Any, Protocol, TypeVar

from metskin.adapters.events.tasks import stop, stop_requested
from metskin.adapters.limits.memory import InMemoryStreamSlots
from metskin.domain.i18n.marks import _
from metskin.domain.limits.errors import TooManyStreams
from metskin.domain.limits.ports import StreamSlots
from metskin.domain.ports import EventBus
from metskin.graphql.context import Context, run_sync

log = logging.getLogger(__name__)

T = TypeVar("T")
Message = dict[str, Any]
Wake = Message | None
"""What woke the stream: a published message, or None (listener live now, or quiet)."""
LOG_BATCH = 100
LISTEN_RETRY_S = 1.0  # the first pause before subscribing again after the bus failed
LISTEN_RETRY_MAX_S = 30.0
# Live streams one account may hold open over every API process (a browser tab holds one to
# three). Each wakes every `subscription_recheck_seconds` to re-read and check its session: one
# account's 500 streams (5 sockets of 100) took 43% of a core.
MAX_STREAMS_PER_ACCOUNT = 20
# A slot lapses unless renewed within this many rechecks (at least SLOT_TTL_MIN_S): the slots
# of a process that died are free again that long after.
SLOT_TTL_RECHECKS = 3
SLOT_TTL_MIN_S = 10.0
TOO_MANY_STREAMS = _(
    "Too many live updates are open for your account ({limit}); close another tab or window "
    "of MetSkin and try again."
)

_THIS_PROCESS = InMemoryStreamSlots()  # for a stream given no `slots` (the unit tests')


class StreamSlot:
    """One of `holder`'s MAX_STREAMS_PER_ACCOUNT slots (a viewer's id; None: not counted)
    while a stream runs, in `slots` (every process's, with Redis); TOO_MANY_STREAMS on
    entering when none is free. Renewed as the stream wakes, given back however it ends."""

    def __init__(self, slots: StreamSlots, holder: str | None, recheck: float) -> None:
        self._slots = slots
        self._holder = holder
        self._name = uuid.uuid4().hex
        self.ttl_s = max(SLOT_TTL_RECHECKS * recheck, SLOT_TTL_MIN_S)
        self._renewed = 0.0

    async def __aenter__(self) -> StreamSlot:
        if self._holder is not None:
            limit = MAX_STREAMS_PER_ACCOUNT
            taken = await run_sync(self._slots.take, self._holder, self._name, limit, self.ttl_s)
            if not taken:
                raise TooManyStreams.translatable(TOO_MANY_STREAMS, limit=limit)
            self._renewed = time.monotonic()
        return self

    async def renew(self) -> None:
        """At most once a third of the slot's life: the stream wakes every recheck."""
        if self._holder is not None and time.monotonic() - self._renewed > self.ttl_s / 3:
            await run_sync(self._slots.renew, self._holder, self._name, self.ttl_s)
            self._renewed = time.monotonic()

    async def __aexit__(self, *_exc: object) -> None:
        if self._holder is None:
            return
        # Bounded: what is not given back (a cancel, Redis gone) lapses after ttl_s.
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await asyncio.shield(run_sync(self._slots.give_back, self._holder, self._name))


def _never(_item: object) -> bool:
    return False


async def _wakes(queue: asyncio.Queue[Wake], recheck: float) -> list[Wake]:
    """Everything that woke the stream since it last looked; [None] after `recheck` s."""
    try:
        woken = [await asyncio.wait_for(queue.get(), timeout=recheck)]
    except TimeoutError:
        return [None]
    while not queue.empty():
        woken.append(queue.get_nowait())
    return woken


async def live_stream(
    events: EventBus,
    channel: str,
    recheck: float,
    latest: Callable[[], AsyncGenerator[T, None]],
    changes: Callable[[list[Wake]], AsyncGenerator[T, None]],
    done: Callable[[T], bool] = _never,
    allowed: Callable[[], None] | None = None,
    holder: str | None = None,
    slots: StreamSlots | None = None,
) -> AsyncGenerator[T, None]:
    """`latest()` first, then `changes(wakes)` after every wake; ends after a `done` item.
    After each wake `allowed()` runs once what is new has been read and before any of it is
    sent: what a revoke or a logout raced with is not sent (checked first, a read made just
    after the check could carry what was published after the revoke). The stream holds one
    of `holder`'s slots in `slots` (`StreamSlot`) while it runs."""
    async with StreamSlot(slots or _THIS_PROCESS, holder, recheck) as slot:
        queue: asyncio.Queue[Wake] = asyncio.Queue()
        listener = asyncio.create_task(_listen(events, channel, queue))
        try:
            items = await _read(latest())
            while True:
                for item in items:
                    yield item
                    if done(item):
                        return
                woken = await _wakes(queue, recheck)
                if stop_requested():
                    raise asyncio.CancelledError
                await slot.renew()
                items = await _read(changes(woken))
                if allowed is not None:
                    await run_sync(allowed)
        finally:
            await stop(listener)  # bounded: never hang the stream


async def _read(updates: AsyncGenerator[T, None]) -> list[T]:
    async with contextlib.aclosing(updates):
        return [item async for item in updates]


def still_allowed(context: Context, *checks: Callable[[], object]) -> Callable[[], None]:
    """A live stream's `allowed`: the token it was opened with has not expired (TokenExpired:
    the client refreshes it and subscribes again), its session has not ended (logout, erasure:
    SessionEnded), and each of `checks` still passes (they raise, e.g. Forbidden once a share
    is revoked)."""
    accounts, token = context.container.accounts, context.token

    def check() -> None:
        if token is not None:
            accounts.authenticate(token)
        for more in checks:
            more()

    return check


async def _listen(events: EventBus, channel: str, queue: asyncio.Queue[Wake]) -> None:
    """Put every message of `channel` on `queue`, and None each time the subscription is live
    (the caller then re-reads what was published before it); subscribe again after a failure."""
    pause = LISTEN_RETRY_S

    def ready() -> None:
        nonlocal pause
        pause = LISTEN_RETRY_S
        queue.put_nowait(None)

    while True:
        try:
            async for message in events.subscribe(channel, on_ready=ready):
                queue.put_nowait(message)
        except Exception as error:  # any failure of the bus: the re-read carries the stream
            log.warning(
                "live events on %s unavailable (%s); re-reading, subscribing again in %.0f s",
                channel,
                error,
                pause,
            )
        if stop_requested():
            raise asyncio.CancelledError
        await asyncio.sleep(pause)
        pause = min(2 * pause, LISTEN_RETRY_MAX_S)


class Logged(Protocol):
    @property
    def id(self) -> int: ...


L = TypeVar("L", bound=Logged)


def log_stream(
    events: EventBus,
    channel: str,
    recheck: float,
    after: Callable[[int, int], Sequence[L]],
    last: Callable[[], L | None],
    after_id: int | None,
    allowed: Callable[[], None] | None = None,
    batch: int = LOG_BATCH,
    holder: str | None = None,
    slots: StreamSlots | None = None,
) -> AsyncIterator[L]:
    """A stream of an append-only log (a dermatologist's dashboard, a patient's inbox): the
    latest entry first (or everything after `after_id`), then new ones as they come.

    Pub/sub only wakes the stream; entries are read from the log (`after(cursor, batch)`,
    oldest first), and the periodic re-read covers a lost message.
    """
    cursor = after_id

    async def new_entries() -> AsyncGenerator[L, None]:
        nonlocal cursor
        while True:
            found = await run_sync(after, cursor or 0, batch)
            for entry in found:
                cursor = entry.id
                yield entry
            if len(found) < batch:
                return

    async def latest() -> AsyncGenerator[L, None]:
        nonlocal cursor
        if cursor is None:
            newest = await run_sync(last)
            cursor = newest.id if newest else 0
            if newest is not None:
                yield newest
        async for entry in new_entries():
            yield entry

    changes = lambda _woken: new_entries()  # noqa: E731
    return live_stream(
        events, channel, recheck, latest, changes, allowed=allowed, holder=holder, slots=slots
    )
