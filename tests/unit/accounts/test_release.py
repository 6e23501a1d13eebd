"""An address held by an account that never confirmed it, freed by its mailbox's owner
(domain/accounts/release.py), on the fakes with the emails the account actors send.

Before, a mistyped sign-up kept the real owner out for good: their sign-up was EMAIL_TAKEN and
their reset request got a notice without a link."""

from __future__ import annotations

import pytest

from metskin.domain.accounts.email_address import EmailAddresses, EmailTrouble
from metskin.domain.accounts.errors import EmailLinkInvalid, EmailTaken, InvalidCredentials
from metskin.domain.accounts.model import Role
from metskin.domain.accounts.release import LINK_SENT, MAILBOX, RELEASED, is_placeholder
from metskin.domain.accounts.service import AccountService
from metskin.domain.inbox.model import NotificationKind
from tests.fakes.accounts import FakeAccountsUnitOfWork
from tests.fakes.infra import FakeClock
from tests.unit.accounts.mailing import Mail

TYPIST = "tea-and-toast-77"  # the password of the account made with a mistyped address
OWNER = "rain-on-the-roof-42"  # the password of the address's owner
ADDRESS = "ana@example.com"


def release_token(mail: Mail) -> str:
    """The token of the one release link among the emails sent since the last run."""
    (context,) = [c for t, to, c in mail.run() if t == "address_release" and to == ADDRESS]
    return str(context["token"])


def test_the_mailbox_s_owner_frees_the_address_signs_up_and_the_typist_keeps_its_account(
    accounts: AccountService,
    mail: Mail,
    uow: FakeAccountsUnitOfWork,
    addresses: EmailAddresses,
) -> None:
    typist = accounts.register(ADDRESS, TYPIST, "Maya")
    mail.run()
    with pytest.raises(EmailTaken):  # the answer is unchanged
        accounts.register(ADDRESS, OWNER, "Ana")
    token = release_token(mail)
    assert mail.logged[-1][:3] == (MAILBOX, LINK_SENT, typist.id)

    assert mail.releases.release(token) == ADDRESS
    held = uow.users.rows[typist.id]
    assert is_placeholder(held.email) and not held.email_verified
    assert mail.logged[-1][:3] == (MAILBOX, RELEASED, typist.id)
    assert ADDRESS in mail.logged[-1][3]
    (told,) = [n for n in uow.inbox.items if n.user_id == typist.id]  # type: ignore[attr-defined]
    assert told.kind is NotificationKind.EMAIL_RELEASED and told.payload == {"email": ADDRESS}
    assert addresses.trouble(typist.id) is EmailTrouble.RELEASED
    assert addresses.verification_link(typist.id) is None  # nothing to a placeholder

    owner = accounts.register(ADDRESS, OWNER, "Ana")
    assert accounts.login(ADDRESS, OWNER).user.id == owner.id
    # the typist still logs in with the old address and its own password
    assert accounts.login(" Ana@Example.com ", TYPIST).user.id == typist.id
    with pytest.raises(InvalidCredentials):
        accounts.login(ADDRESS, "not-the-password-1")
    with pytest.raises(EmailLinkInvalid):  # once
        mail.releases.release(token)


def test_a_confirmed_address_is_never_freed(
    accounts: AccountService, mail: Mail, clock: FakeClock
) -> None:
    """No link for a confirmed address, and a link sent before the confirmation is void."""
    typist = accounts.register(ADDRESS, TYPIST)
    mail.run()
    with pytest.raises(EmailTaken):
        accounts.register(ADDRESS, OWNER)
    token = release_token(mail)
    mail.confirm(typist)
    with pytest.raises(EmailLinkInvalid):
        mail.releases.release(token)
    clock.advance(days=1)
    with pytest.raises(EmailTaken):
        accounts.register(ADDRESS, OWNER)
    accounts.request_password_reset(ADDRESS)
    assert [t for t, _, _ in mail.run()] == ["password_reset"]  # no release link anywhere
    assert accounts.login(ADDRESS, TYPIST).user.id == typist.id


def test_the_reset_notice_carries_the_link_and_links_expire_and_are_sent_once_a_day(
    accounts: AccountService, mail: Mail, clock: FakeClock
) -> None:
    accounts.register(ADDRESS, TYPIST)
    mail.run()
    before = len(mail.notifier.emails)
    for _ in range(3):  # three sign-ups in a day: one email, logged once
        with pytest.raises(EmailTaken):
            accounts.register(ADDRESS, OWNER)
    mail.run()
    (sent,) = mail.notifier.emails[before:]
    assert sent.to == ADDRESS
    assert [entry[1] for entry in mail.logged] == [LINK_SENT]
    clock.advance(hours=25)
    accounts.request_password_reset(" ANA@example.com")  # as the person types it
    ((template, to, context),) = mail.run()
    assert (template, to) == ("password_reset_unconfirmed", ADDRESS)
    assert context["release_token"]  # the address found however it was typed
    fresh = str(context["release_token"])
    with pytest.raises(EmailTaken):  # a new day: one more
        accounts.register(ADDRESS, OWNER)
    old = release_token(mail)
    clock.advance(hours=25)
    with pytest.raises(EmailLinkInvalid):  # expired
        mail.releases.release(old)
    with pytest.raises(EmailLinkInvalid):
        mail.releases.release(fresh)
    accounts.request_password_reset(ADDRESS)
    ((_, _, context),) = mail.run()
    assert mail.releases.release(str(context["release_token"])) == ADDRESS


def test_staff_and_invited_accounts_are_not_freed(accounts: AccountService, mail: Mail) -> None:
    accounts.register("derm@example.com", TYPIST, role=Role.DERMATOLOGIST)
    accounts.register("invited@example.com", None, role=Role.DERMATOLOGIST)
    mail.run()
    for address in ("derm@example.com", "invited@example.com"):
        with pytest.raises(EmailTaken):
            accounts.register(address, OWNER)
    assert [t for t, _, _ in mail.run()] == []
