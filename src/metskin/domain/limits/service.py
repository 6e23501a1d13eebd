"""Rate limits per client address and per account, and the progressive login backoff."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from metskin.domain.i18n.marks import _
from metskin.domain.limits.errors import RateLimited
from metskin.domain.limits.model import DEFAULT_RULES, RULE_NAMES, BackoffPolicy, Rule
from metskin.domain.limits.ports import LoginFailures, RateLimiter
from metskin.domain.ports import Clock


def _key(*parts: str) -> str:
    """Keys name no email or address in clear (they may sit in Redis)."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


class RateLimits:
    def __init__(
        self,
        limiter: RateLimiter,
        clock: Clock,
        rules: Mapping[str, Mapping[str, Rule]] = DEFAULT_RULES,
    ) -> None:
        self._limiter = limiter
        self._clock = clock
        self.rules = rules

    @property
    def in_process(self) -> bool:
        """Whether a check stays in this process (no network round trip): then the API runs
        it on its event loop rather than in a worker thread."""
        return bool(getattr(self._limiter, "in_process", False))

    def check(self, operation: str, *, ip: str | None, account: str | None, cost: int = 1) -> None:
        """Count `cost` calls of `operation`; raise RateLimited when a rule refuses them."""
        now = self._clock().timestamp()
        for scope, subject in (("ip", ip), ("account", account)):
            rule = self.rules.get(operation, {}).get(scope)
            if rule is None or not subject:
                continue
            wait = self._limiter.hit(_key(operation, scope, subject), rule, now, cost)
            if wait > 0:
                raise RateLimited(wait, RULE_NAMES.get(operation, operation))


class LoginBackoff:
    """Failed attempts at a secret per account (by default wrong passwords, keyed by email;
    `scope` and `what` name another secret, such as the phone codes)."""

    def __init__(
        self,
        failures: LoginFailures,
        clock: Clock,
        policy: BackoffPolicy,
        *,
        scope: str = "login-failures",
        what: str = _("failed logins"),
    ) -> None:
        self._failures = failures
        self._clock = clock
        self.policy = policy
        self.scope = scope
        self.what = what

    def _account(self, email: str) -> str:
        return _key(self.scope, email.strip().lower())

    def check(self, email: str) -> None:
        """Refuse (without trying the password) while this account must wait."""
        failures, last = self._failures.get(self._account(email))
        wait = last + self.policy.delay(failures) - self._clock().timestamp()
        if failures and wait > 0:
            raise RateLimited(wait, self.what)

    def failed(self, email: str) -> None:
        self._failures.record(
            self._account(email), self._clock().timestamp(), self.policy.forget_after
        )

    def succeeded(self, email: str) -> None:
        self._failures.clear(self._account(email))
