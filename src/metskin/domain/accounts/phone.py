"""Proving a phone number before any SMS goes to it.

A typo in the profile's number would text a stranger about someone's dermatology appointments,
so a number only gets SMS once a code sent to it came back (`Profile.sms_number`).

The code is derived, not stored: an HMAC of a server secret, the account, the number and a
10-minute window, cut to 6 digits. The current and the previous window's codes are accepted
(a code lives 10 to 20 minutes), and a code for another number (the one before a change) never
matches. Only the verified number is stored (`Profile.phone_verified`): changing the phone
leaves it behind, so the new number is unverified until its own code comes back.

The SMS goes in a job (`SEND_PHONE_CODE`, retried), so a slow or failing SMS provider never
holds or fails `requestPhoneCode`; the job notes how each try went (`phone_delivery.py`), so the
person is told why no code came (the number refused, the service down or busy). The job
carries the window it was asked in and texts the code of the window it runs in (each window's
once: its dedupe key), so the code always has its 10 to 20 minutes to live whenever a retry
sends it; a job running more than a window after the one it was asked in drops (the person
asked 10 to 20 minutes ago and has asked again or given up), as does one whose number changed
or got verified meanwhile. A code that never left records nothing sent, so asking again queues
another (the rate limit counts each ask).

Wrong codes count per account (`LoginBackoff` in the "phone-code" scope): after
`WRONG_CODES` of them, every attempt is refused (RATE_LIMITED, the right code too: otherwise
the refusal itself would tell a guesser which code is right) until an hour after the last.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from metskin.domain.accounts.model import User, found_user
from metskin.domain.accounts.phone_delivery import (
    DeliveryProblem,
    DeliveryState,
    PhoneCodeDelivery,
    refused,
    undelivered,
)
from metskin.domain.accounts.ports import AccountsUowFactory
from metskin.domain.errors import DomainError, ValidationFailed
from metskin.domain.i18n.marks import _
from metskin.domain.i18n.ports import Translations, Translator
from metskin.domain.i18n.source import ENGLISH
from metskin.domain.limits.model import BackoffPolicy
from metskin.domain.limits.ports import LoginFailures
from metskin.domain.limits.service import LoginBackoff
from metskin.domain.messages import Job, OutgoingSms, one_sms
from metskin.domain.notifications.errors import DeliveryRefused, DeliveryUnavailable
from metskin.domain.ports import Clock

if TYPE_CHECKING:
    from metskin.domain.notifications.service import NotificationService

log = logging.getLogger(__name__)
SERVICE_DOWN = DeliveryProblem.SERVICE_DOWN
SEND_PHONE_CODE = "send_phone_code"  # the actor (workers/accounts.py)
CODE_WINDOW_SECONDS = 600
CODE_DIGITS = 6
WRONG_CODES = 5  # per account, then an hour's wait after the last
PHONE_CODE_POLICY = BackoffPolicy(
    free_failures=WRONG_CODES, base_delay=3600.0, max_delay=3600.0, forget_after=3600.0
)
CODE_TEXT = _(
    "{product}: your code to confirm this phone number is {code}. It is valid for 10 "
    "minutes. If you did not ask for it, ignore this message."
)

SHORT_CODE_TEXT = _("{product} code: {code}")


class PhoneMissing(ValidationFailed, code="PHONE_MISSING"): ...


class PhoneCodeInvalid(ValidationFailed, code="PHONE_CODE_INVALID"): ...


def phone_code(secret: bytes, user_id: str, phone: str, window: int) -> str:
    """The 6-digit code of this account, number and 10-minute window."""
    message = "\x1f".join(("metskin-phone-code-v1", user_id, phone, str(window))).encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return str(int.from_bytes(digest[:8], "big") % 10**CODE_DIGITS).zfill(CODE_DIGITS)


def wrong_phone_codes(failures: LoginFailures, clock: Clock) -> LoginBackoff:
    """The wrong-code count per account, in the store the login failures are kept in (apart
    from them: its own scope). Bootstrap counts them even with the rate limits off (then in
    the process): they guard who gets a number's SMS."""
    return LoginBackoff(
        failures, clock, PHONE_CODE_POLICY, scope="phone-code-failures", what=_("wrong phone codes")
    )


@dataclass(eq=False)
class PhoneVerification:
    uow_factory: AccountsUowFactory
    notifications: NotificationService
    clock: Clock
    secret: bytes
    wrong_codes: LoginBackoff  # with PHONE_CODE_POLICY, in its own scope
    translations: Translations | None = None  # English without
    product_name: str = "MetSkin"

    def _window(self) -> int:
        return int(self.clock().timestamp()) // CODE_WINDOW_SECONDS

    def code_for(self, user_id: str, phone: str, window: int | None = None) -> str:
        return phone_code(self.secret, user_id, phone, self._window() if window is None else window)

    def request_code(self, user_id: str) -> bool:
        """Queue the SMS of the code of the profile's number (`send_code`). False when none is
        needed: the number is verified already, or this window's code went to it before.
        PHONE_NUMBER_REFUSED when the SMS provider refused this number in the last hour."""
        with self.uow_factory() as uow:
            user = found_user(uow.users.get(user_id))
            last = uow.phone_codes.get(user_id)
        phone, now = self._phone(user), self.clock()
        if last is not None and last.refuses(_number_key(phone), now):
            raise refused(phone)
        window = self._window()
        if user.profile.is_phone_verified or self.notifications.was_sent(
            _dedupe_key(user.id, phone, window)
        ):
            return False
        number = _number_key(phone)
        with self.uow_factory() as uow:
            asked = {"user_id": user.id, "number": number, "window": window}
            uow.defer(Job(SEND_PHONE_CODE, asked))
            uow.phone_codes.put(PhoneCodeDelivery(user.id, number, DeliveryState.SENDING, now))
            uow.commit()
        return True

    def delivery_of(self, user_id: str) -> tuple[PhoneCodeDelivery, str] | None:
        """Where the SMS of the code of the profile's current number stands, and that number;
        None when none was asked for it."""
        with self.uow_factory() as uow:
            user = found_user(uow.users.get(user_id))
            last = uow.phone_codes.get(user_id)
        phone = user.profile.phone
        if last is None or phone is None or last.number != _number_key(phone):
            return None
        return last, phone

    def send_code(self, user_id: str, number: str, window: int) -> bool:
        """The job of `request_code`: text the code of this window to the profile's number,
        the one asked for (`number`: its key) in `window`. True when an SMS left; False when
        it was sent before, or the ask is out of date (see the module's docstring)."""
        now = self._window()
        with self.uow_factory() as uow:
            user = uow.users.get(user_id)
        if user is None or not user.is_active or user.profile.phone is None:
            return False
        phone = user.profile.phone
        if _number_key(phone) != number or user.profile.is_phone_verified:
            return False  # the number changed, or was proved, since it was asked for
        if now > window + 1:
            log.warning("phone code dropped", extra={"late_windows": now - window})
            return False
        if now != window and self.notifications.was_sent(_dedupe_key(user.id, phone, window)):
            return False  # the asked window's code went out (another ask): still valid
        body = self.code_text(user.profile.locale, self.code_for(user.id, phone, now))
        try:
            sent = self.notifications.send_sms_once(
                _dedupe_key(user.id, phone, now), OutgoingSms(phone, body)
            )
        except DeliveryRefused as error:  # for good: told, not retried
            problem = DeliveryProblem.NUMBER_REFUSED if error.recipient else SERVICE_DOWN
            self._note(user.id, number, DeliveryState.FAILED, problem)
            log.warning("phone code refused", extra={"status": error.status, "why": problem.value})
            return False
        except Exception as error:  # the job retries it (DeliveryUnavailable, a network error)
            wait = error.retry_after if isinstance(error, DeliveryUnavailable) else None
            self._note(
                user.id,
                number,
                DeliveryState.FAILED if isinstance(error, DomainError) else DeliveryState.RETRYING,
                DeliveryProblem.SERVICE_BUSY if wait else SERVICE_DOWN,
                self.clock() + timedelta(seconds=wait) if wait else None,
            )
            raise
        self._note(user.id, number, DeliveryState.SENT)
        return sent

    def _note(
        self,
        user_id: str,
        number: str,
        state: DeliveryState,
        problem: DeliveryProblem | None = None,
        retry_at: datetime | None = None,
    ) -> None:
        with self.uow_factory() as uow:
            delivery = PhoneCodeDelivery(user_id, number, state, self.clock(), problem, retry_at)
            uow.phone_codes.put(delivery)
            uow.commit()

    def code_text(self, locale: str, code: str) -> str:
        """The SMS in the person's language; its short form when a translation would make
        the full one two SMS (`sms_segments`: one character outside GSM-7 halves the room)."""
        tr = self._translator(locale)
        values = {"product": self.product_name, "code": code}
        return one_sms(
            tr.gettext(CODE_TEXT).format(**values), tr.gettext(SHORT_CODE_TEXT).format(**values)
        )

    def verify(self, user_id: str, code: str) -> User:
        """Mark the profile's current number verified when `code` is its code (this window's
        or the previous one's); a wrong code counts toward WRONG_CODES."""
        self.wrong_codes.check(user_id)
        with self.uow_factory() as uow:
            user = found_user(uow.users.get(user_id))
            phone = self._phone(user)
            if not self._matches(user.id, phone, code):
                self.wrong_codes.failed(user_id)
                last = uow.phone_codes.get(user_id)
                if last is not None and last.number == _number_key(phone):
                    undelivered(last, phone, self.clock())  # why no code came, if none did
                wrong = _("This code is not the one we sent to this number, or it expired.")
                raise PhoneCodeInvalid.translatable(wrong, "code")
            if user.profile.phone_verified != phone:
                user.profile = replace(user.profile, phone_verified=phone)
                uow.users.save(user)
                uow.commit()
        self.wrong_codes.succeeded(user_id)
        return user

    def _matches(self, user_id: str, phone: str, code: str) -> bool:
        given = "".join(code.split())
        if len(given) != CODE_DIGITS or not given.isascii() or not given.isdigit():
            return False
        window = self._window()
        current, previous = (self.code_for(user_id, phone, w) for w in (window, window - 1))
        # Both compared, each in constant time (no early exit to time).
        return hmac.compare_digest(given, current) | hmac.compare_digest(given, previous)

    @staticmethod
    def _phone(user: User) -> str:
        if not user.profile.phone:
            missing = _("Add a phone number to your profile first.")
            raise PhoneMissing.translatable(missing, "phone")
        return user.profile.phone

    def _translator(self, locale: str) -> Translator:
        return self.translations.translator(locale) if self.translations else ENGLISH


def _number_key(phone: str) -> str:
    """The number in a job or a dedupe key, without writing it out."""
    return hashlib.sha256(phone.encode()).hexdigest()[:16]


def _dedupe_key(user_id: str, phone: str, window: int) -> str:
    return f"phone-code:{user_id}:{_number_key(phone)}:{window}"
