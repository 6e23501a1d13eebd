"""Proving a phone number before any SMS goes to it.

A typo in the profile's number would text a stranger about someone's dermatology appointments,
so a number only gets SMS once a code sent to it came back (`Profile.sms_number`).

The code is derived, not stored: an HMAC of a server secret, the account, the number and a
10-minute window, cut to 6 digits. The current and the previous window's codes are accepted
(a code lives 10 to 20 minutes), and a code for another number (the one before a change) never
matches. Only the verified number is stored (`Profile.phone_verified`): changing the phone
leaves it behind, so the new number is unverified until its own code comes back.

Wrong codes count per account (`LoginBackoff` in the "phone-code" scope): after
`WRONG_CODES` of them, every attempt is refused (RATE_LIMITED, the right code too: otherwise
the refusal itself would tell a guesser which code is right) until an hour after the last.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from metskin.domain.accounts.model import User
from metskin.domain.accounts.ports import AccountsUowFactory
from metskin.domain.errors import NotFound, ValidationFailed
from metskin.domain.i18n.marks import _
from metskin.domain.i18n.ports import Translations, Translator
from metskin.domain.i18n.source import ENGLISH
from metskin.domain.limits.model import BackoffPolicy
from metskin.domain.limits.ports import LoginFailures
from metskin.domain.limits.service import LoginBackoff
from metskin.domain.messages import OutgoingSms, one_sms
from metskin.domain.ports import Clock

if TYPE_CHECKING:
    from metskin.domain.notifications.service import NotificationService

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
        failures, clock, PHONE_CODE_POLICY, scope="phone-code-failures", what="phone code"
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
        """Text the code of the profile's number to it. False when no SMS left: the number is
        verified already, or this window's code was sent to it before (its dedupe key)."""
        with self.uow_factory() as uow:
            user = _found(uow.users.get(user_id))
        phone = self._phone(user)
        if user.profile.is_phone_verified:
            return False
        window = self._window()
        body = self.code_text(user.profile.locale, self.code_for(user.id, phone, window))
        number_key = hashlib.sha256(phone.encode()).hexdigest()[:16]
        key = f"phone-code:{user.id}:{number_key}:{window}"
        return self.notifications.send_sms_once(key, OutgoingSms(phone, body))

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
            user = _found(uow.users.get(user_id))
            phone = self._phone(user)
            if not self._matches(user.id, phone, code):
                self.wrong_codes.failed(user_id)
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


def _found(user: User | None) -> User:
    if user is None:
        raise NotFound("User not found.")
    return user
