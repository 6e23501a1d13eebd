"""Rate-limit state in Redis, shared by every API process. One Lua script per hit, so the
check and the update are atomic; keys expire when their bucket is full again."""

from __future__ import annotations

import logging
from typing import Any

import redis

from metskin.adapters.redis_away import RedisAway
from metskin.domain.limits.model import Rule

log = logging.getLogger(__name__)

# KEYS[1]: the key; ARGV: now, interval, period, cost. Returns the wait in seconds, as text.
GCRA_SCRIPT = """
local tat = tonumber(redis.call('GET', KEYS[1]))
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local period = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
if tat == nil or tat < now then tat = now end
local new_tat = tat + cost * interval
local wait = new_tat - period - now
if wait > 0 then return tostring(wait) end
redis.call('SET', KEYS[1], tostring(new_tat), 'PX', math.ceil((new_tat - now) * 1000) + 1)
return '0'
"""

# KEYS[1]: the hash; ARGV: now, forget_after. Returns the new count.
RECORD_SCRIPT = """
local count = redis.call('HINCRBY', KEYS[1], 'count', 1)
redis.call('HSET', KEYS[1], 'last', ARGV[1])
redis.call('PEXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2]) * 1000))
return count
"""


class RedisRateLimiter:
    def __init__(
        self, client: redis.Redis, prefix: str = "metskin", away: RedisAway | None = None
    ) -> None:
        self._client = client
        self._prefix = prefix
        self._gcra: Any = client.register_script(GCRA_SCRIPT)
        self._away = away or RedisAway()

    def hit(self, key: str, rule: Rule, now: float, cost: int = 1) -> float:
        """The wait before this hit is allowed; 0 (allowed) while Redis is away: a limit that
        cannot be counted must not take the service down with it."""
        if self._away.now():
            return 0.0
        try:
            wait = self._gcra(
                keys=[f"{self._prefix}:rate:{key}"], args=[now, rule.interval, rule.period, cost]
            )
        except redis.RedisError as error:
            log.warning("rate limit %s not counted: Redis unavailable (%s)", key, error)
            self._away.failed(error)
            return 0.0
        return float(wait)


class RedisLoginFailures:
    def __init__(
        self, client: redis.Redis, prefix: str = "metskin", away: RedisAway | None = None
    ) -> None:
        self._client = client
        self._prefix = prefix
        self._record: Any = client.register_script(RECORD_SCRIPT)
        self._away = away or RedisAway()

    def _name(self, key: str) -> str:
        return f"{self._prefix}:login-failures:{key}"

    def get(self, key: str) -> tuple[int, float]:
        """(failures, time of the last one); none known while Redis is away."""
        name = self._name(key)
        values: Any = self._away.ask(lambda: self._client.hmget(name, ["count", "last"]), None)
        if values is None:
            return 0, 0.0
        count, last = values
        if count is None:
            return 0, 0.0
        return int(count), float(last or 0.0)

    def record(self, key: str, now: float, forget_after: float) -> int:
        args = [now, max(forget_after, 0.001)]
        return int(self._away.ask(lambda: self._record(keys=[self._name(key)], args=args), 0))

    def clear(self, key: str) -> None:
        self._away.ask(lambda: self._client.delete(self._name(key)), None)
