"""Sending each notification once: a dedupe key is recorded after a message leaves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from metskin.domain.accounts.model import PasswordReset, User
from metskin.domain.messages import OutgoingEmail, OutgoingSms
from metskin.domain.notifications.ports import MailRenderer, NotificationsUowFactory
from metskin.domain.ports import Clock, Notifier


@dataclass(eq=False)
class NotificationService:
    uow_factory: NotificationsUowFactory
    notifier: Notifier
    renderer: MailRenderer
    clock: Clock

    def send_welcome_email(self, user_id: str) -> bool:
        """The welcome email, unless the person opted out of email (or closed the account)
        before the job ran: the profile is read when it runs, as every sender's is."""
        with self.uow_factory() as uow:
            user = uow.users.get(user_id)
        if user is None or not user.is_active or not user.profile.email_opt_in:
            return False
        email = self._account_email("welcome", user, {})
        return self.send_email_once(f"welcome:{user_id}", email)

    def send_password_reset_email(self, reset: PasswordReset, request: str) -> bool:
        """The reset link, asked for by `request` (once per request). Sent whatever the email
        choices: the person asked for it, and it is the only way back in."""
        with self.uow_factory() as uow:
            user = uow.users.get(reset.user_id)
        if user is None or not user.is_active:
            return False
        context = {"token": reset.token, "minutes": reset.valid_minutes}
        email = self._account_email("password_reset", user, context)
        return self.send_email_once(f"password-reset:{request}", email)

    def send_password_changed_email(self, user_id: str, changed_at: str) -> bool:
        """ "Your password was changed; if this was not you ...": a warning about the account,
        sent whatever the email choices."""
        with self.uow_factory() as uow:
            user = uow.users.get(user_id)
        if user is None or not user.is_active:
            return False
        email = self._account_email("password_changed", user, {})
        return self.send_email_once(f"password-changed:{user_id}:{changed_at}", email)

    def _account_email(
        self, template: str, user: User, context: dict[str, object]
    ) -> OutgoingEmail:
        """An email about the account, to its address, in its language."""
        name = user.profile.display_name or user.email.split("@")[0]
        values = {"name": name, **context}
        return self.renderer.render_email(template, user.email, values, user.profile.locale)

    def send_email_once(self, dedupe_key: str, email: OutgoingEmail) -> bool:
        return self._send_once(
            dedupe_key, "email", email.to, lambda: self.notifier.send_email(email)
        )

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
