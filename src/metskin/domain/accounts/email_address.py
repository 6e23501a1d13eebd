"""Proving an email address, and changing it.

Anyone can sign up with someone else's address, and MetSkin would then email that stranger
about skin and dermatologist appointments. So an address is unverified until a signed link
sent to it comes back (`verify`) to the account's owner: the link works only in a session of
the account it names (signed in with its password). Opening it proves the mailbox; being
signed in proves the person. A mistyped address's owner (or their mail scanner) gets the link
but not the password, so they cannot confirm the address and so receive nothing about the
person's skin or appointments; nor can they take the account by a password reset, which goes
only to a confirmed address (AccountService.password_reset). While it is unverified only the
account's own emails go to it (notifications/service.py holds the others).

The link of the welcome email (and of `resend_verification`) is a purpose-bound token
("verify-email") naming the account and the address it went to, valid VERIFY_DAYS: a link to
an address the account no longer has verifies nothing. Verifying twice is no error.

Changing the address asks for the password (as a login checks it: the backoff applies) and
emails a link ("change-email": the account, the old and the new address, the session that
asked, a fingerprint of the password hash, the request's id; valid CHANGE_HOURS) to the new
address (only the newest request's link works: an earlier one may have gone to a mistyped
address, whose owner would take the account with it), and a
notice to the old one, which says to change the password if it was not its owner: a new
password makes the link invalid. The link switches the address when it comes back, in a
session of the account (as the verification link), still free (EMAIL_TAKEN), and the account
still at the old one; the new address is then verified, and every other session of the
account ends (the one that asked stays signed in): the address is how the account logs in
and gets back in.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from metskin.domain.accounts.errors import (
    EmailLinkInvalid,
    EmailTaken,
    EmailUnchanged,
    InvalidCredentials,
    SessionEnded,
)
from metskin.domain.accounts.model import (
    EmailLink,
    User,
    found_user,
    link_hours,
    new_request_id,
    normalise_email,
)
from metskin.domain.accounts.passwords import confirm_password
from metskin.domain.accounts.ports import (
    AccountsUnitOfWork,
    AccountsUowFactory,
    LoginAttempts,
    PasswordHasher,
    PurposeTokens,
)
from metskin.domain.accounts.release import is_placeholder
from metskin.domain.accounts.service import find_by_email
from metskin.domain.errors import Conflict, ValidationFailed
from metskin.domain.i18n.marks import _
from metskin.domain.inbox import entries
from metskin.domain.inbox.model import NotificationKind
from metskin.domain.inbox.service import tell
from metskin.domain.messages import Job
from metskin.domain.notifications.suppressions import clear_suppressions
from metskin.domain.ports import Clock

VERIFY_PURPOSE = "verify-email"
CHANGE_PURPOSE = "change-email"
VERIFY_DAYS = 7
CHANGE_HOURS = 1
# The actors that send these emails (workers/accounts.py).
SEND_VERIFICATION_EMAIL = "send_verification_email"
SEND_EMAIL_CHANGE_EMAILS = "send_email_change_emails"
LINK_INVALID = _(
    "This link is not valid: it has expired, was already used, or the address of the account "
    "was changed since. Ask for a new one."
)
TAKEN = _("An account with this email already exists.")
OTHER_ACCOUNT = _(
    "This link is for another MetSkin account. Log in to the account it was sent for, then "
    "open the link again."
)


class EmailTrouble(enum.Enum):
    """Why mail no longer reaches the account's address (`EmailAddresses.trouble`)."""

    BOUNCED = "BOUNCED"  # it came back: no such mailbox
    SPAM_REPORTED = "SPAM_REPORTED"  # the person marked our email as spam
    RELEASED = "RELEASED"  # the mailbox's owner freed the unconfirmed address (release.py)


@dataclass(eq=False)
class EmailAddresses:
    uow_factory: AccountsUowFactory
    hasher: PasswordHasher
    clock: Clock
    verify_tokens: PurposeTokens  # VERIFY_PURPOSE, VERIFY_DAYS
    change_tokens: PurposeTokens  # CHANGE_PURPOSE, CHANGE_HOURS
    login_attempts: LoginAttempts | None = None  # None: limits are off

    # --- verification ----------------------------------------------------------------------

    def verification_link(self, user_id: str) -> EmailLink | None:
        """For the welcome or verification email: a link for the account's address; None
        when it is verified already (or the account is closed)."""
        with self.uow_factory() as uow:
            user = uow.users.get(user_id)
        if user is None or not user.is_active or user.email_verified or is_placeholder(user.email):
            return None  # a placeholder (release.py) reaches no mailbox
        token = self.verify_tokens.issue({"sub": user.id, "eml": user.email}, self.clock())
        return EmailLink(user.id, user.email, token, link_hours(self.verify_tokens.lifetime))

    def resend_verification(self, user_id: str) -> bool:
        """Queue a new verification email; False when the address is verified already."""
        with self.uow_factory() as uow:
            user = found_user(uow.users.get(user_id))
            if user.email_verified:
                return False
            uow.defer(
                Job(SEND_VERIFICATION_EMAIL, {"user_id": user.id, "request": new_request_id()})
            )
            uow.commit()
        return True

    def verify(self, token: str, user_id: str) -> User:
        """Mark the address verified with the token of its link, opened in a session of
        `user_id`, the account it names (no error when it is verified already: a second
        click)."""
        claims = self.verify_tokens.read(token, self.clock(), "sub", "eml")
        invalid = EmailLinkInvalid.translatable(LINK_INVALID, "token")
        if claims is None:
            raise invalid
        _same_account(claims["sub"], user_id)
        with self.uow_factory() as uow:
            user = uow.users.get(claims["sub"], for_update=True)
            if user is None or not user.is_active or user.email != claims["eml"]:
                raise invalid  # closed, or the address changed since the link was sent
            if user.email_verified_at is None:
                user.email_verified_at = self.clock()
                uow.users.save(user)
                clear_suppressions(uow, user.email)  # the provider may still drop mail to it
                uow.commit()
        return user

    def bounced(self, email: str) -> bool:
        """The email provider reports that mail to this address bounces (no such mailbox):
        the account's address is no longer taken as proved, so no reminder or appointment
        email goes on being "sent" into the void (the provider drops them and reports success),
        and the person is asked on every page to check their address or change it. Their inbox
        says so once per address (`entries.email_undelivered`: however many emails bounce, and
        again only after the address was confirmed since), also for an address never
        confirmed (a mistyped one: the welcome email bounced). True when an active account
        had it verified."""
        with self.uow_factory() as uow:
            user = find_by_email(uow, email)
            if user is None or not user.is_active:
                return False
            proved, now = user.email_verified_at, self.clock()
            first = tell(uow, entries.email_undelivered(user.id, user.email), now)
            if not first and proved is not None:  # it bounced before, and was confirmed since
                again = entries.email_undelivered(user.id, user.email, again=proved.isoformat())
                tell(uow, again, now)
            user.email_verified_at = None
            uow.users.save(user)
            uow.commit()
        return proved is not None

    def spam_reported(self, email: str) -> bool:
        """The person marked our email to this address as spam (the provider stops mailing
        it; AccountsService.stop_emails turns their emails off): their inbox says so, once per
        address. True when it was told now."""
        with self.uow_factory() as uow:
            user = find_by_email(uow, email)
            if user is None or not user.is_active:
                return False
            entry = entries.email_undelivered(user.id, user.email, spam=True)
            told = tell(uow, entry, self.clock())
            uow.commit()
        return told

    def trouble(self, user_id: str) -> EmailTrouble | None:
        """What the web banner says of the account's address: RELEASED while it is the
        placeholder of a freed one (release.py); BOUNCED while it is unconfirmed
        after mail to it came back, SPAM_REPORTED while emails are off after our email to it
        was marked as spam; None otherwise (also for an address that never bounced). Read from
        the inbox entries those write (their `email`: the address they were about)."""
        with self.uow_factory() as uow:
            user = uow.users.get(user_id)
            if user is None or not user.is_active:
                return None
            if is_placeholder(user.email):
                return EmailTrouble.RELEASED
            if not user.email_verified and self._told(uow, user, NotificationKind.EMAIL_BOUNCED):
                return EmailTrouble.BOUNCED
            spam = NotificationKind.EMAIL_SPAM_REPORTED
            if not user.profile.email_opt_in and self._told(uow, user, spam):
                return EmailTrouble.SPAM_REPORTED
        return None

    @staticmethod
    def _told(uow: AccountsUnitOfWork, user: User, kind: NotificationKind) -> bool:
        """Whether the person's newest entry of `kind` is about their address as it is now."""
        told = uow.inbox.latest_of(user.id, (kind,))
        return told is not None and told.payload.get("email") == user.email

    # --- change ----------------------------------------------------------------------------

    def request_change(self, user_id: str, session: str, new_email: str, password: str) -> None:
        """Email a link to `new_email` (and a notice to the current address). The password is
        checked as a login checks it; the new address must be valid, another, and free."""
        address = _new_address(new_email)
        with self.uow_factory() as uow:
            user = uow.users.get(user_id, for_update=True)
            if user is None or not user.is_active:
                raise SessionEnded(_("This session has ended; log in again."))
            wrong = _("Your password is not right.")
            refused = InvalidCredentials.translatable(wrong, "password")
            confirm_password(self.hasher, self.login_attempts, user, password, refused)
            if address == user.email:
                same = _("This is already the address of your account.")
                raise EmailUnchanged.translatable(same, "new_email")
            self._check_free(uow, address, user.id, "new_email")
            # the newest request's link alone moves the account: an earlier one may have gone to
            # a mistyped address, whose owner would otherwise take the account with it
            request = user.email_change_request = new_request_id()
            uow.users.save(user)
            payload = {"user_id": user.id, "new_email": address, "session": session}
            uow.defer(Job(SEND_EMAIL_CHANGE_EMAILS, {**payload, "request": request}))
            uow.commit()
        if self.login_attempts is not None:
            self.login_attempts.succeeded(user.email)

    def change_link(
        self, user_id: str, new_email: str, session: str, request: str
    ) -> EmailLink | None:
        """For the change email of `request`: the link that moves the account to `new_email`;
        None when the account is closed."""
        with self.uow_factory() as uow:
            user = uow.users.get(user_id)
        if user is None or not user.is_active:
            return None
        claims = {
            "sub": user.id,
            "old": user.email,
            "new": new_email,
            "sid": session,
            "pwd": self.change_tokens.fingerprint(user.password_hash),
            "req": request,
        }
        token = self.change_tokens.issue(claims, self.clock())
        hours = link_hours(self.change_tokens.lifetime)
        return EmailLink(user.id, new_email, token, hours, previous=user.email)

    def confirm_change(self, token: str, user_id: str) -> User:
        """Switch the account to the link's new address, verified, when the link is opened in
        a session of `user_id`, the account it names; every other session of the account
        ends."""
        now = self.clock()
        claims = self.change_tokens.read(token, now, "sub", "old", "new", "sid", "pwd", "req")
        invalid = EmailLinkInvalid.translatable(LINK_INVALID, "token")
        if claims is None:
            raise invalid
        _same_account(claims["sub"], user_id)
        with self.uow_factory() as uow:
            user = uow.users.get(claims["sub"], for_update=True)
            if (
                user is None
                or not user.is_active
                or user.email != claims["old"]  # used, or the address changed since
                or user.email_change_request != claims["req"]  # a newer change was asked for
                # the password changed since (the notice to the old address says so):
                or not self.change_tokens.same_fingerprint(claims["pwd"], user.password_hash)
            ):
                raise invalid
            self._check_free(uow, claims["new"], user.id, "token")
            user.email, user.email_verified_at = claims["new"], now
            user.email_change_request = None
            uow.users.save(user)
            clear_suppressions(uow, user.email)  # the provider may have it on a list
            uow.refresh_tokens.revoke_user(user.id, now, keep_family=claims["sid"] or None)
            try:
                uow.commit()
            except Conflict as error:  # an account took it between the check and the commit
                raise EmailTaken.translatable(TAKEN, "token") from error
        return user

    @staticmethod
    def _check_free(uow: AccountsUnitOfWork, address: str, user_id: str, field: str) -> None:
        """EMAIL_TAKEN (naming `field`) when another account has the address, however
        written (canonical_email, as at sign-up)."""
        holder = find_by_email(uow, address)
        if holder is not None and holder.id != user_id:
            raise EmailTaken.translatable(TAKEN, field)


def _same_account(named: str, user_id: str) -> None:
    """A link proves an address only to the account it names: opened in another account's
    session (or by whoever reads a mistyped mailbox, who has no session of the account) it
    proves nothing."""
    if named != user_id:
        raise EmailLinkInvalid.translatable(OTHER_ACCOUNT, "token")


def _new_address(email: str) -> str:
    try:
        return normalise_email(email)
    except ValidationFailed as error:
        raise ValidationFailed.translatable(_("Enter a valid email address."), "new_email") from (
            error
        )
