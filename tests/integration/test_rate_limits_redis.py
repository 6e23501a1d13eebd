"""The Redis rate-limit adapters behave like the in-process ones, and two API processes share
one bucket. Needs Redis (scripts/with-services.sh)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import redis

from metskin.adapters.limits.memory import InMemoryLoginFailures, InMemoryRateLimiter
from metskin.adapters.limits.redis_limits import RedisLoginFailures, RedisRateLimiter
from metskin.domain.limits.errors import RateLimited
from metskin.domain.limits.model import Rule
from metskin.domain.limits.service import RateLimits
from tests.fakes.infra import FakeClock

pytestmark = pytest.mark.redis


@pytest.fixture
def client(redis_url: str) -> Iterator[redis.Redis]:
    connection = redis.Redis.from_url(redis_url)
    yield connection
    connection.close()


def test_the_redis_limiter_answers_as_the_in_process_one(client: redis.Redis) -> None:
    rule = Rule(3, 6.0)
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    in_redis, in_memory = RedisRateLimiter(client, prefix), InMemoryRateLimiter()
    now = 1_000_000.0
    for step, cost in [(0.0, 1), (0.1, 2), (0.2, 1), (1.0, 1), (2.1, 1), (2.2, 2), (9.0, 3)]:
        assert in_redis.hit("k", rule, now + step, cost) == pytest.approx(
            in_memory.hit("k", rule, now + step, cost), abs=1e-3
        )
    ttl = client.pttl(f"{prefix}:rate:k")
    assert 0 < ttl <= 6_001  # the key goes once its bucket is full again


def test_two_processes_share_one_bucket(client: redis.Redis) -> None:
    clock = FakeClock()
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    rules = {"login": {"ip": Rule(4, 60)}}
    first = RateLimits(RedisRateLimiter(client, prefix), clock, rules)
    second = RateLimits(RedisRateLimiter(client, prefix), clock, rules)
    first.check("login", ip="10.0.0.1", account=None, cost=2)
    second.check("login", ip="10.0.0.1", account=None, cost=2)
    with pytest.raises(RateLimited):
        first.check("login", ip="10.0.0.1", account=None)


def test_login_failures_in_redis_count_expire_and_clear(client: redis.Redis) -> None:
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    in_redis, in_memory = RedisLoginFailures(client, prefix), InMemoryLoginFailures()
    for store in (in_redis, in_memory):
        assert store.get("a") == (0, 0.0)
        assert store.record("a", 100.0, 60) == 1
        assert store.record("a", 101.5, 60) == 2
        assert store.get("a") == (2, 101.5)
        store.clear("a")
        assert store.get("a") == (0, 0.0)
    in_redis.record("b", 100.0, 60)
    assert 0 < client.pttl(f"{prefix}:login-failures:b") <= 60_000
