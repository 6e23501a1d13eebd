"""An address held by an account that never confirmed it, freed by the owner of its mailbox.

Someone signs up with a mistyped address, the real owner's. Before, that owner could never have
an account with their own address: `register` said EMAIL_TAKEN, and a reset request got a
notice and no link (a reset link to an unconfirmed address would hand the mailbox's reader the
typist's account, email_address.py). Now, when a registration or a reset request hits an
address held by a patient's account that never confirmed it (`releasable`), the address is
sent a link (RELEASE_PURPOSE, valid RELEASE_HOURS; at most one a day per address from
registrations, `release_request`; a reset's own notice carries one). Opening it proves that
the reader holds the mailbox; `release` then frees the address: the account is given a
placeholder address that reaches no mailbox (`placeholder`, in the `.invalid` domain, keyed to
the old address) and keeps its data, sessions and password, and its inbox and banner ask it to
set its real address (`EmailTrouble.RELEASED`). It still logs in with the old address and its
password (`released_logins`, AccountService.login) until it sets another. The owner of the
mailbox then registers with the address as anybody does.

What it cannot do: free a CONFIRMED address (the link is refused once the account has
confirmed it, and none is sent for one), free an invited or staff account's address, or be
used twice (the account no longer has the address) or after RELEASE_HOURS. The answers of
`register` and `requestPasswordReset` are unchanged (EMAIL_TAKEN, and true for any address):
they tell a stranger nothing they did not before. Each link sent and each release is written
to the editors' log (`record`, kind `account`), as support's reset links are.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from metskin.domain.accounts.errors import EmailLinkInvalid
from metskin.domain.accounts.model import EmailLink, Role, User, canonical_email, link_hours
from metskin.domain.accounts.ports import AccountsUnitOfWork, AccountsUowFactory, PurposeTokens
from metskin.domain.i18n.marks import _
from metskin.domain.inbox import entries
from metskin.domain.inbox.service import tell
from metskin.domain.messages import Job
from metskin.domain.ports import Clock

log = logging.getLogger(__name__)

RELEASE_PURPOSE = "release-email"
RELEASE_HOURS = 24
SEND_RELEASE_EMAIL = "send_address_release_email"  # its actor: workers/accounts.py
RELEASED_DOMAIN = "released.metskin.invalid"  # RFC 2606: no mail goes there
# Placeholders one address may have at once (it is freed again only if a later account with it
# is unconfirmed again): the login looks up this many.
SLOTS = 3
# The editors' log: who acted (the reader of the mailbox, who has no account) and the actions
# (at most 16 characters).
MAILBOX = "mailbox"
LINK_SENT = "release link"
RELEASED = "address released"
RELEASE_INVALID = _(
    "This link is not valid: it has expired, was already used, or the address was confirmed "
    "by its account since. Ask for a new one by signing up again."
)


def releasable(user: User) -> bool:
    """Whether the owner of the address's mailbox may free it: a patient's account, active,
    with a password, that never confirmed it (a confirmed address is its account's for good)."""
    return (
        user.is_active
        and user.role is Role.PATIENT
        and user.has_password
        and not user.email_verified
        and not is_placeholder(user.email)
    )


def is_placeholder(email: str) -> bool:
    """Whether the address is one `release` gave an account in place of a freed one."""
    return email.endswith("@" + RELEASED_DOMAIN)


def release_request(address: str, now: datetime) -> str:
    """The sending's dedupe key from a registration: one a day per address, however many
    registrations hit it (each would otherwise email the address's owner)."""
    return hashlib.sha256(f"{address}\n{now.date().isoformat()}".encode()).hexdigest()[:32]


def offer_release(uow: AccountsUnitOfWork, holder: User, now: datetime) -> None:
    """A registration hit `holder`'s address: when it may be freed, email the address the link
    that frees it (committed here: the registration itself fails with EMAIL_TAKEN)."""
    if releasable(holder):
        payload = {"email": holder.email, "request": release_request(holder.email, now)}
        uow.defer(Job(SEND_RELEASE_EMAIL, payload))
        uow.commit()


@dataclass(eq=False)
class AddressReleases:
    uow_factory: AccountsUowFactory
    clock: Clock
    tokens: PurposeTokens  # RELEASE_PURPOSE, RELEASE_HOURS
    # actor id, action, account id, summary: the editors' log (support.py's record)
    record: Callable[[str, str, str, str], None] = lambda *_entry: None

    def link(self, email: str) -> EmailLink | None:
        """For the email: a link that frees `email` from the account holding it; None when no
        account holds it or it may not be freed (confirmed since, for one)."""
        with self.uow_factory() as uow:
            holder = uow.users.get_by_email(canonical_email(email))  # as a reset asks for it
        if holder is None or not releasable(holder):
            return None
        claims = {"sub": holder.id, "eml": holder.email}
        token = self.tokens.issue(claims, self.clock())
        return EmailLink(holder.id, holder.email, token, link_hours(self.tokens.lifetime))

    def sent(self, link: EmailLink) -> None:
        """The link's email left: the editors' log says so."""
        self.record(MAILBOX, LINK_SENT, link.user_id, f"address release link sent to {link.to}")
        log.info("address release link sent", extra={"user_id": link.user_id})

    def release(self, token: str) -> str:
        """Free the link's address from the account holding it (which keeps everything else
        and is told); the address, for the sign-up form. EMAIL_LINK_INVALID when the link is
        forged, expired, used, or the address was confirmed (or changed) since."""
        now = self.clock()
        claims = self.tokens.read(token, now, "sub", "eml")
        invalid = EmailLinkInvalid.translatable(RELEASE_INVALID, "token")
        if claims is None:
            raise invalid
        address = claims["eml"]
        with self.uow_factory() as uow:
            holder = uow.users.get(claims["sub"], for_update=True)
            if holder is None or holder.email != address or not releasable(holder):
                raise invalid
            free = [
                slot
                for slot in placeholders(self.tokens, address)
                if uow.users.get_by_email(slot) is None
            ]
            if not free:
                raise invalid
            holder.email, holder.email_change_request = free[0], None
            uow.users.save(holder)
            tell(uow, entries.email_released(holder.id, address), now)
            uow.commit()
        summary = f"address {address} released by its mailbox's owner (never confirmed)"
        self.record(MAILBOX, RELEASED, holder.id, summary)
        log.info("address released", extra={"user_id": holder.id})
        return address

    def released_logins(self, uow: AccountsUnitOfWork, email: str) -> list[User]:
        """The accounts whose address `email` was freed (still their login: they are asked to
        set another), active and with a password."""
        found = (uow.users.get_by_email(slot) for slot in placeholders(self.tokens, email))
        return [user for user in found if user is not None and user.is_active and user.has_password]


def placeholders(tokens: PurposeTokens, email: str) -> list[str]:
    """The addresses an account may be given for `email` when it is freed: keyed digests (no
    one can tell the address from them, nor make one for another), SLOTS of them."""
    digest = tokens.fingerprint(canonical_email(email))
    return [f"{digest}.{slot}@{RELEASED_DOMAIN}" for slot in range(1, SLOTS + 1)]
