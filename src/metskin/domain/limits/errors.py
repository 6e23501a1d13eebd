"""The errors of the limits component."""

from __future__ import annotations

import math

from metskin.domain.errors import DomainError


class RateLimited(DomainError):
    code = "RATE_LIMITED"

    def __init__(self, retry_after: float, what: str) -> None:
        self.retry_after = max(1, math.ceil(retry_after))
        super().__init__(f"Too many {what} requests; try again in {self.retry_after} s.")


class TooManyStreams(DomainError, code="TOO_MANY_STREAMS"):
    """The account holds as many live streams (subscriptions) open as one may."""
