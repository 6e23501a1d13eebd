"""Where the phone code's SMS stands, so the person is told why none came and what to do.

The code leaves in a retried job (`phone.py`), so `requestPhoneCode` answers before the SMS
provider does. The job notes each outcome here, for the account and the number it was asked
for: SENT, RETRYING (the provider is down, or busy and asked to wait: the job tries again),
or FAILED (the provider refused the number for good, or refused us). `phoneCodeDelivery`
reads it, with the reason in words (translated), and `requestPhoneCode` refuses at once to
text a number the provider refused in the last hour (PHONE_NUMBER_REFUSED).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Protocol

from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.marks import _

REFUSED_FOR = timedelta(hours=1)  # asking again for a refused number is refused meanwhile


class DeliveryState(Enum):
    SENDING = "SENDING"  # queued: the SMS leaves within seconds
    SENT = "SENT"  # the provider took it
    RETRYING = "RETRYING"  # the provider is down or busy: the job tries again
    FAILED = "FAILED"  # refused for good: no code is coming


class DeliveryProblem(Enum):
    NUMBER_REFUSED = "NUMBER_REFUSED"  # not a valid mobile number for the provider
    SERVICE_DOWN = "SERVICE_DOWN"  # the provider did not answer, or refused us
    SERVICE_BUSY = "SERVICE_BUSY"  # the provider asked us to wait (`retry_at`)


PROBLEM_TEXT = {
    DeliveryProblem.NUMBER_REFUSED: _(
        "The text message service cannot deliver to {phone}. Check that it is a mobile "
        "number written with its country code (such as +44 7700 900123), save it, then send "
        "the code again."
    ),
    DeliveryProblem.SERVICE_DOWN: _(
        "Our text message service is not answering. We keep trying for a few minutes; if no "
        "code arrives, send the code again later."
    ),
    DeliveryProblem.SERVICE_BUSY: _(
        "Our text message service is busy. We try again in {seconds} seconds; no need to ask again."
    ),
}


class PhoneNumberRefused(ValidationFailed, code="PHONE_NUMBER_REFUSED"): ...


class PhoneCodeNotDelivered(ValidationFailed, code="PHONE_CODE_NOT_DELIVERED"): ...


@dataclass(frozen=True)
class PhoneCodeDelivery:
    user_id: str
    number: str  # the number's key (`phone._number_key`): a state of another number is stale
    state: DeliveryState
    at: datetime
    problem: DeliveryProblem | None = None
    retry_at: datetime | None = None  # SERVICE_BUSY: when the provider said to try again

    def retry_after(self, now: datetime) -> int | None:
        """Whole seconds until the provider's wait ends (at least 1), while it runs."""
        if self.retry_at is None or self.retry_at <= now:
            return None
        return max(1, math.ceil((self.retry_at - now).total_seconds()))

    def problem_now(self, now: datetime) -> DeliveryProblem | None:
        """The problem to tell: a busy provider's wait that ran out is a retry under way
        (SERVICE_DOWN's words); None once it went (or while it is only queued)."""
        if self.state not in (DeliveryState.RETRYING, DeliveryState.FAILED):
            return None
        if self.problem is DeliveryProblem.SERVICE_BUSY and self.retry_after(now) is None:
            return DeliveryProblem.SERVICE_DOWN
        return self.problem

    def refuses(self, number: str, now: datetime) -> bool:
        """The provider refused this number less than REFUSED_FOR ago."""
        return (
            self.number == number
            and self.problem is DeliveryProblem.NUMBER_REFUSED
            and now - self.at < REFUSED_FOR
        )


def undelivered(last: PhoneCodeDelivery, phone: str, now: datetime) -> None:
    """A wrong code while the last SMS to this number did not leave: say why none came
    (PHONE_CODE_NOT_DELIVERED on `code`), rather than that the code is wrong."""
    problem = last.problem_now(now)
    if problem is not None:
        seconds = last.retry_after(now) or 0
        text = PROBLEM_TEXT[problem]
        raise PhoneCodeNotDelivered.translatable(text, "code", phone=phone, seconds=seconds)


def refused(phone: str) -> PhoneNumberRefused:
    return PhoneNumberRefused.translatable(
        PROBLEM_TEXT[DeliveryProblem.NUMBER_REFUSED], "phone", phone=phone
    )


class PhoneCodeDeliveries(Protocol):
    """The latest delivery of each account's phone code (one row per account)."""

    def get(self, user_id: str) -> PhoneCodeDelivery | None: ...
    def put(self, delivery: PhoneCodeDelivery) -> None:
        """Store it in place of the account's earlier one."""
        ...
