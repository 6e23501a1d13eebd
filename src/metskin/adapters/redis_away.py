"""Whether a Redis server failed to answer a moment ago, shared by every client of it in this
process: the clients that can do without Redis (the rate limits, the login backoff, the queue,
the event bus) then leave it alone for a few seconds."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import ClassVar, TypeVar

import redis

from metskin.adapters.pause import Pause

PAUSE_S = 5.0
T = TypeVar("T")


class RedisAway(Pause):
    """A Redis that has stopped answering costs each command its socket timeout (2-5 s), and a
    login makes four checks: without the pause every request waited that long for each while
    it stayed so. After a timeout the clients treat Redis as away for `pause_s`; a refused
    connection fails at once and pauses nothing."""

    _by_url: ClassVar[dict[str, RedisAway]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, pause_s: float = PAUSE_S) -> None:
        super().__init__(pause_s)

    @classmethod
    def of(cls, url: str) -> RedisAway:
        """The one for the server at `url` in this process."""
        with cls._lock:
            return cls._by_url.setdefault(url, cls())

    def failed(self, error: BaseException) -> None:
        if isinstance(error, redis.TimeoutError):
            self.start()

    def ask(self, command: Callable[[], T], otherwise: T) -> T:
        """`command()`, or `otherwise` while Redis is away or when it fails."""
        if self.now():
            return otherwise
        try:
            return command()
        except redis.RedisError as error:
            self.failed(error)
            return otherwise
