"""A Redis that timed out is left alone a moment; one that refused is asked again at once."""

from __future__ import annotations

import redis

from metskin.adapters.redis_away import RedisAway


def test_a_timeout_pauses_every_client_of_that_server_and_a_refusal_pauses_nothing() -> None:
    url = "redis://127.0.0.1:1/0"
    away = RedisAway.of(url)
    assert RedisAway.of(url) is away and RedisAway.of(url + "1") is not away
    away.failed(redis.ConnectionError("refused"))
    assert not away.now()
    away.failed(redis.TimeoutError("Timeout reading from socket"))
    assert away.now() and RedisAway.of(url).now()
    quick = RedisAway(pause_s=0.0)
    quick.failed(redis.TimeoutError("again"))
    assert not quick.now()  # the pause is over
