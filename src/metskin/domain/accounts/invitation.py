"""Invitations: an account someone else made for its owner (a dermatologist an administrator
lists) gets no password from them. It starts with an unusable one (nobody logs in to it) and
an unverified address, and its owner gets an invitation email instead of the welcome.

The invitation's link is a purpose-bound token ("invite") naming the account, its address and
a fingerprint of its password hash, valid INVITE_DAYS. Opening it, the owner chooses a
password (`accept`); that proves the mailbox, so the address is verified, and the new hash
makes every invitation link of the account stale: a link works once. A password reset by its
emailed link does the same (AccountService.reset_password): the owner who asks for one instead
is in too. An administrator can send the invitation again (`resend`) while it is not accepted;
earlier links keep working until one is used or they expire.
"""

from __future__ import annotations

from dataclasses import dataclass

from metskin.domain.accounts.errors import InvitationExpired, InvitationInvalid, InvitationUsed
from metskin.domain.accounts.model import EmailLink, User, link_hours, new_request_id
from metskin.domain.accounts.passwords import check_password_strength
from metskin.domain.accounts.ports import (
    AccountsUnitOfWork,
    AccountsUowFactory,
    PasswordHasher,
    PurposeTokens,
)
from metskin.domain.accounts.service import SEND_INVITATION_EMAIL
from metskin.domain.errors import NotFound
from metskin.domain.i18n.marks import _
from metskin.domain.messages import Job
from metskin.domain.ports import Clock

INVITE_PURPOSE = "invite"
INVITE_DAYS = 7
INVALID = _(
    "This invitation link is not valid. Ask the administrator who invited you to send it again."
)
EXPIRED = _("This invitation has expired. Ask the administrator who invited you to send a new one.")
USED = _(
    "This invitation was already used: log in with the password you chose, or reset it if "
    "you have forgotten it."
)


@dataclass(eq=False)
class Invitations:
    uow_factory: AccountsUowFactory
    hasher: PasswordHasher
    clock: Clock
    tokens: PurposeTokens  # INVITE_PURPOSE, INVITE_DAYS

    def link(self, user_id: str) -> EmailLink | None:
        """For the invitation email: a link for the account; None once its owner chose a
        password (or the account is closed)."""
        with self.uow_factory() as uow:
            user = uow.users.get(user_id)
        if user is None or not user.is_active or user.has_password:
            return None
        claims = {
            "sub": user.id,
            "eml": user.email,
            "pwd": self.tokens.fingerprint(user.password_hash),
        }
        token = self.tokens.issue(claims, self.clock())
        return EmailLink(user.id, user.email, token, link_hours(self.tokens.lifetime))

    def resend(self, user_id: str) -> bool:
        """Queue the invitation email again; False when it was accepted already."""
        with self.uow_factory() as uow:
            user = uow.users.get(user_id)
            if user is None or not user.is_active:
                raise NotFound(_("User not found."))
            if user.has_password:
                return False
            uow.defer(Job(SEND_INVITATION_EMAIL, {"user_id": user.id, "request": new_request_id()}))
            uow.commit()
        return True

    def accept(self, token: str, password: str) -> User:
        """The invited person's own password, set with the link's token; the address is then
        verified (the link came from the mailbox). INVITATION_INVALID, _EXPIRED or _USED."""
        now = self.clock()
        with self.uow_factory() as uow:
            user = self._invited(uow, token)  # locked: a second use waits, then finds it used
            check_password_strength(password, user.email)
            user.password_hash = self.hasher.hash(password)
            if user.email_verified_at is None:
                user.email_verified_at = now
            uow.users.save(user)
            uow.commit()
        return user

    def _invited(self, uow: AccountsUnitOfWork, token: str) -> User:
        claims = self.tokens.read(token, None, "sub", "eml", "pwd")
        invalid = InvitationInvalid.translatable(INVALID, "token")
        if claims is None:
            raise invalid
        user = uow.users.get(claims["sub"], for_update=True)
        if user is None or not user.is_active or user.email != claims["eml"]:
            raise invalid
        if not self.tokens.same_fingerprint(claims["pwd"], user.password_hash):
            # The password was chosen since this link was made (with it, another, a reset).
            raise InvitationUsed.translatable(USED, "token") if user.has_password else invalid
        if self.tokens.read(token, self.clock(), "sub") is None:
            raise InvitationExpired.translatable(EXPIRED, "token")
        return user
