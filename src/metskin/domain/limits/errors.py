"""The errors of the limits component."""

from __future__ import annotations

import math
from decimal import Decimal

from metskin.domain.errors import DomainError
from metskin.domain.i18n.marks import _
from metskin.domain.i18n.said import Said

TOO_MANY = _("Too many {what}; try again in {seconds} s.")


class RateLimited(DomainError):
    code = "RATE_LIMITED"

    def __init__(self, retry_after: float, what: str) -> None:
        """`what`: what was counted, a marked plural ("password reset requests",
        `model.RULE_NAMES`; "failed logins")."""
        self.retry_after = max(1, math.ceil(retry_after))
        values = {"what": Said(what), "seconds": Decimal(self.retry_after)}
        super().__init__(TOO_MANY.format(**values), template=TOO_MANY, values=values)


class TooManyStreams(DomainError, code="TOO_MANY_STREAMS"):
    """The account holds as many live streams (subscriptions) open as one may."""
