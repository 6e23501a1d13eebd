"""Support's way back into an account: an administrator sends its owner a password reset link.

A reset link goes only to an address its account confirmed (`User.reset_by_email`): a mistyped
address's reader would otherwise take the account. So a person who never opened the
confirmation link and then forgot their password had no way back in. Here an administrator,
having checked by the platform's own support means (a call to the person, their practice) that
the person asking is the account's owner and that the address on the account is theirs, sends
the normal reset email to it. That link (`PasswordResetTokens.issue(vouched_email=...)`)
resets the password even though the address is unconfirmed, for that very address only (a link
to an address the account has since left is refused), and using it confirms the address: the
administrator vouched for it, the link proves the mailbox.

Each sending is written to the editors' log (`record`), like the administrators' other changes
to accounts (the dermatologists' listings, directory/admin.py), and counted by the rate limits:
per administrator (`supportReset`, graphql/guard.py) and per account it goes to
(`supportResetTarget`, `limit_account`: several administrators together cannot flood one
person's mailbox with ways in).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from metskin.domain.accounts.model import PasswordReset, User, new_request_id
from metskin.domain.accounts.ports import AccountsUowFactory, PasswordResetTokens
from metskin.domain.messages import Job
from metskin.domain.ports import Clock
from metskin.domain.privacy.errors import AccountNotFound

log = logging.getLogger(__name__)

SEND_SUPPORT_RESET_EMAIL = "send_support_reset_email"
SENT = "reset link sent"  # the editors' log's action (at most 16 characters)


def sent_summary(user: User) -> str:
    """The editors' log entry: which address, and whether it was confirmed."""
    state = "confirmed" if user.email_verified else "not confirmed"
    return f"password reset link sent to {user.email} (address {state})"


@dataclass(eq=False)
class SupportResets:
    uow_factory: AccountsUowFactory
    clock: Clock
    reset_tokens: PasswordResetTokens | None
    # administrator id, action, account id, summary: the editors' log
    record: Callable[[str, str, str, str], None]
    # Counts one sending to the account (its id); raises RateLimited past the per-account rule.
    limit_account: Callable[[str], None] = lambda _user_id: None

    def send_reset_link(self, admin_id: str, user_id: str) -> User:
        """Queue the normal reset email to the account's address, its link good even for an
        unconfirmed one; the account (closed, erased or unknown: ACCOUNT_NOT_FOUND)."""
        with self.uow_factory() as uow:
            user = uow.users.get(user_id)
            if user is None or not user.is_active or self.reset_tokens is None:
                raise AccountNotFound("No such account.", field="userId")
            self.limit_account(user.id)
            payload = {"user_id": user.id, "email": user.email, "request": new_request_id()}
            uow.defer(Job(SEND_SUPPORT_RESET_EMAIL, payload))
            uow.commit()
        self.record(admin_id, SENT, user.id, sent_summary(user))
        log.info("support reset link queued", extra={"user_id": user.id, "admin_id": admin_id})
        return user

    def reset(self, user_id: str, email: str) -> PasswordReset | None:
        """For the email: a token vouched for `email`, the address the administrator saw;
        None when the account is closed or has another address now (nothing is sent)."""
        if self.reset_tokens is None:
            return None
        with self.uow_factory() as uow:
            user = uow.users.get(user_id)
        if user is None or not user.is_active or user.email != email:
            return None
        token = self.reset_tokens.issue(user.id, user.password_hash, self.clock(), email)
        minutes = int(self.reset_tokens.lifetime.total_seconds() // 60)
        return PasswordReset(user.id, token, minutes)
