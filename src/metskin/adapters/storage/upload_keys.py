"""The uploads' client keys (`domain/analysis/upload_keys.py`): in Redis when it is set (every
API process sees them), else in this process (right for one API process, as the rate limits)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import redis

from metskin.adapters.redis_away import RedisAway

PRUNE_AT = 10_000  # notes kept before the expired ones are swept

# KEYS[1]: the note; ARGV: the value, its time to live in ms. The value already kept, or nil
# once this one is (SET NX GET does the same from Redis 7.0 only).
ADD_SCRIPT = """
local kept = redis.call('GET', KEYS[1])
if kept then return kept end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false
"""


class InMemoryUploadKeys:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._kept: dict[str, tuple[str, float]] = {}  # key -> value, lapses at
        self._lock = threading.Lock()
        self._clock = clock

    def add(self, key: str, value: str, ttl_s: float) -> str | None:
        with self._lock:
            now = self._clock()
            kept = self._kept.get(key)
            if kept is not None and kept[1] > now:
                return kept[0]
            if len(self._kept) >= PRUNE_AT:
                self._kept = {k: v for k, v in self._kept.items() if v[1] > now}
            self._kept[key] = (value, now + ttl_s)
            return None

    def put(self, key: str, value: str, ttl_s: float) -> None:
        with self._lock:
            self._kept[key] = (value, self._clock() + ttl_s)

    def get(self, key: str) -> str | None:
        with self._lock:
            kept = self._kept.get(key)
            return kept[0] if kept is not None and kept[1] > self._clock() else None

    def forget(self, key: str) -> None:
        with self._lock:
            self._kept.pop(key, None)


class RedisUploadKeys:
    """While Redis is away nothing is remembered: each upload is stored, as without a key."""

    def __init__(
        self, client: redis.Redis, prefix: str = "metskin", away: RedisAway | None = None
    ) -> None:
        self._client = client
        self._prefix = prefix
        self._away = away or RedisAway()
        self._add: Any = client.register_script(ADD_SCRIPT)

    def _name(self, key: str) -> str:
        return f"{self._prefix}:upload-key:{key}"

    def add(self, key: str, value: str, ttl_s: float) -> str | None:
        name, px = self._name(key), max(1, round(ttl_s * 1000))

        def add() -> str | None:
            kept = self._add(keys=[name], args=[value, px])
            return kept.decode() if isinstance(kept, bytes) else None

        return self._away.ask(add, None)

    def put(self, key: str, value: str, ttl_s: float) -> None:
        px = max(1, round(ttl_s * 1000))
        self._away.ask(lambda: self._client.set(self._name(key), value, px=px), None)

    def get(self, key: str) -> str | None:
        kept = self._away.ask(lambda: self._client.get(self._name(key)), None)
        return kept.decode() if isinstance(kept, bytes) else None

    def forget(self, key: str) -> None:
        self._away.ask(lambda: self._client.delete(self._name(key)), None)
