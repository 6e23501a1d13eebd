"""Live-stream slots in Redis, shared by every API process: one sorted set per account, each
slot scored with the time it lapses at (Redis's own clock, so the processes' clocks do not
matter). A slot is taken by a Lua script, so two processes cannot both take the last one."""

from __future__ import annotations

import logging
from typing import Any

import redis

from metskin.adapters.redis_away import RedisAway

log = logging.getLogger(__name__)

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local function outlive(ms)  -- the set lives as long as its longest-lived slot
  if redis.call('PTTL', KEYS[1]) < ms then redis.call('PEXPIRE', KEYS[1], ms) end
end
"""

# KEYS[1]: the account's set; ARGV: slot, limit, ttl in seconds. 1 when taken, 0 when full.
TAKE_SCRIPT = (
    _NOW
    + """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
outlive(math.ceil(tonumber(ARGV[3]) * 1000))
return 1
"""
)

# KEYS[1]: the account's set; ARGV: slot, ttl in seconds. Renews only a slot still held.
RENEW_SCRIPT = (
    _NOW
    + """
if redis.call('ZADD', KEYS[1], 'XX', 'CH', now + tonumber(ARGV[2]), ARGV[1]) == 1 then
  outlive(math.ceil(tonumber(ARGV[2]) * 1000))
end
return 1
"""
)


class RedisStreamSlots:
    """While Redis is away a stream is let through uncounted (as the rate limits let a
    request through): a cap that cannot be counted must not end everyone's live updates."""

    def __init__(
        self, client: redis.Redis, prefix: str = "metskin", away: RedisAway | None = None
    ) -> None:
        self._client = client
        self._prefix = prefix
        self._take: Any = client.register_script(TAKE_SCRIPT)
        self._renew: Any = client.register_script(RENEW_SCRIPT)
        self._away = away or RedisAway()

    def _key(self, holder: str) -> str:
        return f"{self._prefix}:streams:{holder}"

    def take(self, holder: str, slot: str, limit: int, ttl_s: float) -> bool:
        keys, args = [self._key(holder)], [slot, limit, ttl_s]
        taken = self._away.ask(lambda: self._take(keys=keys, args=args), None)
        if taken is None:
            log.warning("live stream of %s not counted: Redis not answering", holder)
            return True
        return bool(taken)

    def renew(self, holder: str, slot: str, ttl_s: float) -> None:
        keys, args = [self._key(holder)], [slot, ttl_s]
        self._away.ask(lambda: self._renew(keys=keys, args=args), None)

    def give_back(self, holder: str, slot: str) -> None:
        self._away.ask(lambda: self._client.zrem(self._key(holder), slot), None)
