"""Whether a Redis server failed to answer a moment ago, shared by every client of it in this
process: the clients that can do without Redis (the rate limits, the login backoff, the event
bus) then leave it alone for a few seconds."""

from __future__ import annotations

import threading
import time
from typing import ClassVar

import redis

PAUSE_S = 5.0


class RedisAway:
    """A Redis that has stopped answering costs each command its socket timeout (2-5 s), and a
    login makes four checks: without the pause every request waited that long for each while
    it stayed so. After a timeout the clients treat Redis as away for `pause_s`; a refused
    connection fails at once and pauses nothing."""

    _by_url: ClassVar[dict[str, RedisAway]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, pause_s: float = PAUSE_S) -> None:
        self.pause_s = pause_s
        self._until = 0.0

    @classmethod
    def of(cls, url: str) -> RedisAway:
        """The one for the server at `url` in this process."""
        with cls._lock:
            return cls._by_url.setdefault(url, cls())

    def now(self) -> bool:
        return time.monotonic() < self._until

    def failed(self, error: redis.RedisError) -> None:
        if isinstance(error, redis.TimeoutError):
            self._until = time.monotonic() + self.pause_s
