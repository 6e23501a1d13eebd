"""The rate limiter and the login backoff, on the in-process adapters and a fake clock."""

from __future__ import annotations

import pytest

from metskin.adapters.limits.memory import InMemoryLoginFailures, InMemoryRateLimiter
from metskin.domain.limits.errors import RateLimited
from metskin.domain.limits.model import DEFAULT_RULES, RULE_NAMES, BackoffPolicy, Rule, gcra
from metskin.domain.limits.service import LoginBackoff, RateLimits
from tests.fakes.infra import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def limits(clock: FakeClock, count: int = 5, period: float = 60) -> RateLimits:
    rules = {"login": {"ip": Rule(count, period), "account": Rule(count * 2, period)}}
    return RateLimits(InMemoryRateLimiter(), clock, rules)


def test_a_full_bucket_lets_a_burst_through_then_refuses_with_the_wait(clock: FakeClock) -> None:
    rate = limits(clock, count=5, period=60)
    for _ in range(5):
        rate.check("login", ip="10.0.0.1", account=None)
    with pytest.raises(RateLimited) as refused:
        rate.check("login", ip="10.0.0.1", account=None)
    assert refused.value.code == "RATE_LIMITED"
    assert refused.value.retry_after == 12  # one request per 60 / 5 s


def test_the_bucket_refills_one_request_per_interval(clock: FakeClock) -> None:
    rate = limits(clock, count=5, period=60)
    for _ in range(5):
        rate.check("login", ip="10.0.0.1", account=None)
    clock.advance(seconds=11.9)
    with pytest.raises(RateLimited):
        rate.check("login", ip="10.0.0.1", account=None)
    clock.advance(seconds=0.2)
    rate.check("login", ip="10.0.0.1", account=None)  # one came back
    with pytest.raises(RateLimited):
        rate.check("login", ip="10.0.0.1", account=None)
    clock.advance(seconds=60)
    for _ in range(5):
        rate.check("login", ip="10.0.0.1", account=None)


def test_a_refused_request_is_not_counted(clock: FakeClock) -> None:
    rate = limits(clock, count=2, period=10)
    rate.check("login", ip="a", account=None)
    rate.check("login", ip="a", account=None)
    for _ in range(50):  # hammering while refused does not push the wait further out
        with pytest.raises(RateLimited):
            rate.check("login", ip="a", account=None)
    clock.advance(seconds=5)
    rate.check("login", ip="a", account=None)


def test_addresses_and_accounts_have_their_own_buckets(clock: FakeClock) -> None:
    rate = limits(clock, count=2, period=60)
    rate.check("login", ip="a", account=None, cost=2)
    rate.check("login", ip="b", account=None)
    with pytest.raises(RateLimited):
        rate.check("login", ip="a", account=None)
    # the account rule (4 per minute) refuses the same account from a fresh address each time
    for address in "cdef":
        rate.check("login", ip=address, account="maya@example.com")
    with pytest.raises(RateLimited):
        rate.check("login", ip="g", account="maya@example.com")


def test_a_cost_counts_as_that_many_requests(clock: FakeClock) -> None:
    rate = limits(clock, count=30, period=60)
    with pytest.raises(RateLimited):
        rate.check("login", ip="a", account=None, cost=31)  # 31 aliases in one request
    rate.check("login", ip="a", account=None, cost=30)


def test_an_operation_without_rules_is_not_limited(clock: FakeClock) -> None:
    rate = limits(clock, count=1)
    for _ in range(100):
        rate.check("health", ip="a", account="b")


def test_every_rule_is_named_in_words_in_its_refusal(clock: FakeClock) -> None:
    """A refusal said the rule's API name ("Too many passwordReset requests")."""
    assert set(RULE_NAMES) == set(DEFAULT_RULES)
    rate = RateLimits(InMemoryRateLimiter(), clock, {"passwordReset": {"ip": Rule(1, 60)}})
    rate.check("passwordReset", ip="10.0.0.1", account=None)
    with pytest.raises(RateLimited) as refused:
        rate.check("passwordReset", ip="10.0.0.1", account=None)
    assert refused.value.message == "Too many password reset requests; try again in 60 s."


def test_gcra_is_exact_at_the_edge() -> None:
    rule = Rule(4, 2.0)
    step = gcra(None, 100.0, rule, cost=4)
    assert step.allowed and step.tat == 102.0
    refused = gcra(step.tat, 100.0, rule)
    assert not refused.allowed and refused.retry_after == pytest.approx(0.5)
    assert gcra(step.tat, 100.5, rule).allowed


def test_rules_parse_and_scale() -> None:
    assert Rule.parse("30/300") == Rule(30, 300.0)
    assert Rule(3, 60).scaled(100) == Rule(300, 60)
    with pytest.raises(ValueError):
        Rule.parse("0/60")


def backoff(clock: FakeClock) -> LoginBackoff:
    policy = BackoffPolicy(free_failures=3, base_delay=1, max_delay=60, forget_after=600)
    return LoginBackoff(InMemoryLoginFailures(), clock, policy)


def test_after_the_free_failures_each_login_waits_twice_as_long(clock: FakeClock) -> None:
    guard = backoff(clock)
    for _ in range(3):
        guard.check("Maya@Example.com")
        guard.failed("maya@example.com")
    waits = []
    for _ in range(5):
        with pytest.raises(RateLimited) as refused:
            guard.check("maya@example.com ")
        waits.append(refused.value.retry_after)
        clock.advance(seconds=refused.value.retry_after)
        guard.check("maya@example.com")  # allowed once the wait is over...
        guard.failed("maya@example.com")  # ...and wrong again
    assert waits == [1, 2, 4, 8, 16]


def test_the_delay_is_capped_so_the_owner_is_never_locked_out_for_good(clock: FakeClock) -> None:
    guard = backoff(clock)
    for _ in range(40):
        guard.failed("maya@example.com")
    with pytest.raises(RateLimited) as refused:
        guard.check("maya@example.com")
    assert refused.value.retry_after == 60
    clock.advance(seconds=60)
    guard.check("maya@example.com")


def test_a_success_or_time_forgets_the_failures(clock: FakeClock) -> None:
    guard = backoff(clock)
    for _ in range(5):
        guard.failed("maya@example.com")
    clock.advance(seconds=60)
    guard.check("maya@example.com")
    guard.succeeded("maya@example.com")
    guard.failed("maya@example.com")
    guard.check("maya@example.com")  # one failure since: free again
    for _ in range(5):
        guard.failed("sam@example.com")
    clock.advance(seconds=601)
    guard.failed("sam@example.com")  # the old ones were forgotten: this is the first
    guard.check("sam@example.com")


def test_backoff_is_per_account(clock: FakeClock) -> None:
    guard = backoff(clock)
    for _ in range(10):
        guard.failed("maya@example.com")
    guard.check("sam@example.com")
