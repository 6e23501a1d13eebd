"""The limits component's ports: where rate state and login failures are kept."""

from __future__ import annotations

from typing import Protocol

from metskin.domain.limits.model import Rule


class RateLimiter(Protocol):
    def hit(self, key: str, rule: Rule, now: float, cost: int = 1) -> float:
        """Count `cost` requests for `key` if the rule allows them: 0.0. Otherwise count
        nothing and return the seconds to wait."""
        ...


class LoginFailures(Protocol):
    def get(self, key: str) -> tuple[int, float]:
        """(failures, time of the last failure); (0, 0.0) when none are remembered."""
        ...

    def record(self, key: str, now: float, forget_after: float) -> int:
        """One more failure at `now`, remembered `forget_after` seconds; the new count."""
        ...

    def clear(self, key: str) -> None: ...


class StreamSlots(Protocol):
    """The live streams each account holds open, counted over every API process: a stream
    takes a slot when it opens, renews it while it runs (a process that dies stops renewing,
    and its slots lapse) and gives it back when it ends."""

    def take(self, holder: str, slot: str, limit: int, ttl_s: float) -> bool:
        """Hold `slot` for `holder` for `ttl_s` seconds if `holder` holds fewer than `limit`
        live ones; False (nothing held) otherwise."""
        ...

    def renew(self, holder: str, slot: str, ttl_s: float) -> None: ...

    def give_back(self, holder: str, slot: str) -> None: ...
