"""Sending each notification once: a dedupe key is recorded after a message leaves.

Every email goes out here, and here is the one rule on unverified addresses: an email about
skin care or appointments (`send_email_once`: reminders, check-ins, booking messages) goes
only to an address its account has verified (domain/accounts/email_address.py). To any
other it is held: not sent (nor recorded as sent) and logged, with why. Only the account's
own emails, the ones a person needs to get into and keep the account, go to an unverified
address: the welcome email with its verification link, an invited account's invitation, the
verification and password reset links (a reset link only to a confirmed address; an
unconfirmed one is told why none came), the address change link and notice, and the notice
that the password changed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from metskin.domain.accounts.model import EmailLink, PasswordReset, User
from metskin.domain.messages import OutgoingEmail, OutgoingSms
from metskin.domain.notifications.errors import DeliveryRefused
from metskin.domain.notifications.ports import MailRenderer, NotificationsUowFactory
from metskin.domain.notifications.sms_replies import turn_sms_off
from metskin.domain.ports import Clock, Notifier

log = logging.getLogger(__name__)


class Delivery(NamedTuple):
    """How many messages left, and each channel refused for good while another one sent."""

    sent: int
    refused: tuple[str, ...] = ()


@dataclass(eq=False)
class NotificationService:
    uow_factory: NotificationsUowFactory
    notifier: Notifier
    renderer: MailRenderer
    clock: Clock

    def send_welcome_email(self, user_id: str, verify: EmailLink | None = None) -> bool:
        """The welcome email. With `verify` (the address is not verified yet) it carries the
        link that verifies it and goes whatever the email choices; without, not when the
        person opted out of email (or closed the account) before the job ran: the profile is
        read when it runs, as every sender's is."""
        with self.uow_factory() as uow:
            user = uow.users.get(user_id)
        if user is None or not user.is_active:
            return False
        if verify is None or verify.to != user.email:
            if not user.profile.email_opt_in:
                return False
            return self.send_email_once(f"welcome:{user_id}", self._account_email("welcome", user))
        context = {"token": verify.token, "days": verify.valid_hours // 24}
        email = self._account_email("welcome", user, context)
        return self._send_account_email(f"welcome:{user_id}", email)

    def send_verification_email(self, verify: EmailLink, request: str) -> bool:
        """The link that verifies the address (asked for again by `request`)."""
        with self.uow_factory() as uow:
            user = uow.users.get(verify.user_id)
        if user is None or not user.is_active or user.email != verify.to:
            return False
        context = {"token": verify.token, "days": verify.valid_hours // 24}
        email = self._account_email("verify_email", user, context)
        return self._send_account_email(f"verify-email:{request}", email)

    def send_invitation_email(self, invite: EmailLink, request: str) -> bool:
        """The invitation of an account made for its owner: the link that sets its password
        (and so verifies the address). Not once the password is chosen."""
        with self.uow_factory() as uow:
            user = uow.users.get(invite.user_id)
        if user is None or not user.is_active or user.has_password or user.email != invite.to:
            return False
        context = {"token": invite.token, "days": invite.valid_hours // 24}
        email = self._account_email("invitation", user, context)
        return self._send_account_email(f"invitation:{user.id}:{request}", email)

    def send_email_change_emails(self, change: EmailLink, request: str) -> int:
        """The link that moves the account to the new address, to that address; and to the
        current one, the notice that a change was asked for ("if this was not you, change
        your password")."""
        with self.uow_factory() as uow:
            user = uow.users.get(change.user_id)
        if user is None or not user.is_active or user.email != change.previous:
            return 0
        minutes = change.valid_hours * 60
        context = {"token": change.token, "minutes": minutes, "new_email": change.to}
        link = self._account_email("email_change", user, context, to=change.to)
        notice = self._account_email("email_change_notice", user, context)
        sent = self._send_account_email(f"email-change:{request}:new", link)
        return sent + self._send_account_email(f"email-change:{request}:old", notice)

    def send_password_reset_email(
        self, reset: PasswordReset, request: str, release: EmailLink | None = None
    ) -> bool:
        """The reset link, asked for by `request` (once per request). Sent whatever the email
        choices: the person asked for it, and it is the only way back in. To an address the
        account never confirmed, no link: a notice that says why (it may be a stranger's),
        with `release`, the link that frees the address, when it may be freed."""
        with self.uow_factory() as uow:
            user = uow.users.get(reset.user_id)
        if user is None or not user.is_active:
            return False
        if reset.token is None:
            context: dict[str, object] = {"release_token": release.token if release else None}
            email = self._account_email("password_reset_unconfirmed", user, context)
            return self._send_account_email(f"password-reset:{request}", email)
        context = {"token": reset.token, "minutes": reset.valid_minutes}
        email = self._account_email("password_reset", user, context)
        return self._send_account_email(f"password-reset:{request}", email)

    def send_release_email(self, release: EmailLink, request: str) -> bool:
        """To an address an account holds unconfirmed, after a registration hit it: the link
        that frees it (domain/accounts/release.py). Once per `request` (a day per address); not
        when the account has another address now. In the account's language (the reader's is
        unknown), without its name: the reader is likely not the account's owner."""
        with self.uow_factory() as uow:
            user = uow.users.get(release.user_id)
        if user is None or not user.is_active or user.email != release.to:
            return False
        context: dict[str, object] = {"token": release.token, "hours": release.valid_hours}
        email = self._account_email("address_release", user, context)
        return self._send_account_email(f"address-release:{request}", email)

    def send_password_changed_email(
        self, user_id: str, changed_at: str, keys_revoked: int = 0
    ) -> bool:
        """ "Your password was changed; if this was not you ...": a warning about the account,
        sent whatever the email choices. It says how many API keys the change revoked (a
        service that used one stops working; its owner learns why here)."""
        with self.uow_factory() as uow:
            user = uow.users.get(user_id)
        if user is None or not user.is_active:
            return False
        email = self._account_email("password_changed", user, {"keys_revoked": keys_revoked})
        return self._send_account_email(f"password-changed:{user_id}:{changed_at}", email)

    def _account_email(
        self,
        template: str,
        user: User,
        context: dict[str, object] | None = None,
        to: str | None = None,
    ) -> OutgoingEmail:
        """An email about the account, to its address (or `to`), in its language."""
        name = user.profile.display_name or user.email.split("@")[0]
        values = {"name": name, **(context or {})}
        return self.renderer.render_email(template, to or user.email, values, user.profile.locale)

    def send_email_once(self, dedupe_key: str, email: OutgoingEmail) -> bool:
        """Every email but the account's own: held (False) unless the account of the address
        it goes to has verified it (a closed one too: an erasure's cancellations go before
        its data is erased; the senders decide what a closed account gets)."""
        with self.uow_factory() as uow:
            holder = uow.users.get_by_email(email.to)
        if holder is None or not holder.email_verified:
            why = "no account has this address" if holder is None else "address not verified"
            log.info(
                "email held: %s",
                why,
                extra={"kind": dedupe_key.split(":", 1)[0], "user_id": holder and holder.id},
            )
            return False
        return self._send_account_email(dedupe_key, email)

    def _send_account_email(self, dedupe_key: str, email: OutgoingEmail) -> bool:
        """An email a person needs to get into or keep the account: sent to the address
        whether verified or not."""
        return self._send_once(
            dedupe_key, "email", email.to, lambda: self.notifier.send_email(email)
        )

    def send_each(
        self,
        key: str,
        email: OutgoingEmail | None = None,
        sms: OutgoingSms | None = None,
        owner: str | None = None,
    ) -> Delivery:
        """One message by email and by SMS (either may be None: the person does not take it),
        each once (`<key>:email`, `<key>:sms`). Each channel is tried whatever became of the
        other: a number that replied STOP, or an address the provider refuses, must not cost
        the person the other one. A refusal for good is raised only when nothing left; else it
        is logged and named in `refused`. A number the SMS provider refuses for good (it
        replied STOP, or no longer takes texts) turns SMS off on `owner`'s profile, as their
        own checkbox does (`_sms_refused`): their profile no longer says texts come, and their
        inbox says why and how to have them again."""
        sent, refusals = 0, []
        if email is not None:
            try:
                sent += self.send_email_once(f"{key}:email", email)
            except DeliveryRefused as error:
                refusals.append(("email", error))
        if sms is not None:
            try:
                sent += self.send_sms_once(f"{key}:sms", sms)
            except DeliveryRefused as error:
                refusals.append(("sms", error))
                if error.recipient and owner is not None:
                    self._sms_refused(owner, sms.to)
        if refusals and not sent:
            raise refusals[0][1]
        for channel, refusal in refusals:
            log.warning(
                "message refused on one channel, sent on another",
                extra={"channel": channel, "status": refusal.status, "kind": key.split(":")[0]},
            )
        return Delivery(sent, tuple(f"{channel} refused: {e.message}" for channel, e in refusals))

    def _sms_refused(self, user_id: str, number: str) -> None:
        """SMS off for the person while `number` is still their phone, and they are told why
        in their inbox (once per turning off: a refusal after SMS are off changes nothing)."""
        with self.uow_factory() as uow:
            user = uow.users.get(user_id, for_update=True)
            if not turn_sms_off(uow, user, number, self.clock(), replied=False):
                return
            uow.commit()
        log.info("SMS turned off: the provider refuses the number", extra={"user_id": user_id})

    def send_sms_once(self, dedupe_key: str, sms: OutgoingSms) -> bool:
        return self._send_once(dedupe_key, "sms", sms.to, lambda: self.notifier.send_sms(sms))

    def _send_once(
        self, dedupe_key: str, channel: str, recipient: str, send: Callable[[], None]
    ) -> bool:
        """Send unless this key was sent before; record the key once the message has left."""
        if self.was_sent(dedupe_key):
            return False
        send()
        self._record(dedupe_key, channel, recipient)
        return True

    def was_sent(self, dedupe_key: str) -> bool:
        """Whether a message with this key left (recorded once it did)."""
        with self.uow_factory() as uow:
            return uow.sent_notifications.was_sent(dedupe_key)

    def _record(self, dedupe_key: str, channel: str, recipient: str) -> None:
        with self.uow_factory() as uow:
            uow.sent_notifications.record(dedupe_key, channel, recipient, self.clock())
            uow.commit()
