"""The Redis rate-limit adapters behave like the in-process ones, and two API processes share
one bucket. Needs Redis (scripts/with-services.sh)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
import redis

from metskin.adapters.limits.memory import InMemoryLoginFailures, InMemoryRateLimiter
from metskin.adapters.limits.redis_limits import RedisLoginFailures, RedisRateLimiter
from metskin.adapters.limits.redis_streams import RedisStreamSlots
from metskin.adapters.redis_away import RedisAway
from metskin.adapters.storage.upload_keys import InMemoryUploadKeys, RedisUploadKeys
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


def test_two_processes_share_an_account_s_stream_slots(client: redis.Redis) -> None:
    """Each API process counted its own 20 live streams per account, so N processes let an
    account hold 20 x N (ninth session). In Redis, every process counts the same slots; one a
    dead process stops renewing lapses; a slot given back is free at once."""
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    first, second = RedisStreamSlots(client, prefix), RedisStreamSlots(client, prefix)
    assert first.take("p1", "a", 3, 30.0) and second.take("p1", "b", 3, 30.0)
    assert first.take("p1", "dying", 3, 0.3)
    assert not second.take("p1", "c", 3, 30.0)  # three held over both processes
    assert second.take("p2", "c", 3, 30.0)  # another account is not held back
    first.renew("p1", "a", 0.3)  # a renewal sets the slot's life, as the stream does
    time.sleep(0.5)  # "dying" and "a" lapse: nobody renewed them
    assert second.take("p1", "c", 3, 30.0) and second.take("p1", "d", 3, 30.0)
    assert not first.take("p1", "e", 3, 30.0)
    second.give_back("p1", "d")
    assert first.take("p1", "e", 3, 30.0)
    assert 0 < client.pttl(f"{prefix}:streams:p1") <= 30_000  # the set goes with its slots


def test_stream_slots_let_streams_through_while_redis_is_away(client: redis.Redis) -> None:
    """A cap that cannot be counted must not end everyone's live updates."""
    away = RedisAway(60.0)
    slots = RedisStreamSlots(client, f"test-{uuid.uuid4().hex[:8]}", away=away)
    assert slots.take("p1", "a", 1, 30.0) and not slots.take("p1", "b", 1, 30.0)
    away.start()
    assert slots.take("p1", "b", 1, 30.0)
    slots.renew("p1", "b", 30.0)
    slots.give_back("p1", "b")  # nothing asked of Redis, nothing raised


@pytest.mark.parametrize("where", ["redis", "memory"])
def test_upload_keys_are_kept_once_for_their_time_and_shared(
    client: redis.Redis, where: str
) -> None:
    """Two API processes see one upload's key (`uploadMedia(idempotencyKey:)`); the in-process
    store answers the same."""
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    first, second = (
        (RedisUploadKeys(client, prefix), RedisUploadKeys(client, prefix))
        if where == "redis"
        else (InMemoryUploadKeys(),) * 2
    )
    assert first.get("k") is None
    assert first.add("k", "pending abc", 30.0) is None
    assert second.add("k", "pending other", 30.0) == "pending abc"
    assert second.get("k") == "pending abc"  # asked by the key alone (`uploadByKey`)
    second.put("k", "stored abc m1", 0.2)
    assert first.add("k", "pending abc", 30.0) == "stored abc m1"
    assert first.get("k") == "stored abc m1"
    time.sleep(0.3)
    assert second.get("k") is None  # lapsed
    assert first.add("k", "pending def", 30.0) is None  # expired: kept anew
    second.forget("k")
    assert first.add("k", "pending ghi", 30.0) is None


def test_upload_keys_are_not_kept_while_redis_is_away(client: redis.Redis) -> None:
    """Each upload is then stored, as before keys were kept."""
    away = RedisAway(60.0)
    keys = RedisUploadKeys(client, f"test-{uuid.uuid4().hex[:8]}", away=away)
    away.start()
    assert keys.add("k", "pending abc", 30.0) is None
    assert keys.add("k", "pending abc", 30.0) is None
    keys.put("k", "stored abc m1", 30.0)
    keys.forget("k")
    assert keys.get("k") is None
