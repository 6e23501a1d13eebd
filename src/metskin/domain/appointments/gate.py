"""One booking attempt per slot at a time inside this process.

When many people race for the same slot, the attempts after the first wait here for its
outcome instead of all running the whole use case against the database: if it booked, they
fail at once (the database would refuse them too); if it failed, the next one tries. The
database's unique slot key stays the final word between processes.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

WAIT_SECONDS = 10.0


@dataclass
class _Flight:
    lock: threading.Lock = field(default_factory=threading.Lock)
    users: int = 0
    taken: bool = False


class SlotTaken(Exception):
    """An earlier attempt in this process has just booked the slot."""


class SlotGate:
    def __init__(self, wait_seconds: float = WAIT_SECONDS) -> None:
        self._wait_seconds = wait_seconds
        self._guard = threading.Lock()
        self._flights: dict[Hashable, _Flight] = {}

    @contextmanager
    def attempt(self, key: Hashable) -> Iterator[None]:
        """Run the body alone for `key`; raises SlotTaken when an earlier body succeeded.

        After waiting `wait_seconds` the body runs anyway and the database decides."""
        flight = self._join(key)
        held = flight.lock.acquire(timeout=self._wait_seconds)
        try:
            if flight.taken:
                raise SlotTaken(key)
            yield
            flight.taken = True
        finally:
            if held:
                flight.lock.release()
            self._leave(key, flight)

    def _join(self, key: Hashable) -> _Flight:
        with self._guard:
            flight = self._flights.setdefault(key, _Flight())
            flight.users += 1
            return flight

    def _leave(self, key: Hashable, flight: _Flight) -> None:
        with self._guard:
            flight.users -= 1
            if flight.users == 0:
                del self._flights[key]

    def busy_keys(self) -> int:
        with self._guard:
            return len(self._flights)


class NoGate:
    """For tests that need every attempt to reach the database."""

    @contextmanager
    def attempt(self, key: Hashable) -> Iterator[None]:
        yield
