"""Support's way back into an account (domain/accounts/support.py): an administrator sends the
owner the normal reset email, whose link works even while the address is unconfirmed, for
that address only; each sending is logged. On fakes, the emails sent by the account actors as
the worker would."""

from __future__ import annotations

import pytest

from metskin.domain.accounts.errors import ResetLinkInvalid
from metskin.domain.accounts.service import AccountService
from metskin.domain.accounts.support import SENT
from metskin.domain.privacy.errors import AccountNotFound
from tests.fakes.accounts import FakeAccountsUnitOfWork
from tests.unit.accounts.mailing import Mail

PASSWORD = "tea-and-toast-77"
NEW = "rain-on-the-roof-42"
ADMIN = "admin-1"


def test_a_person_who_never_confirmed_and_forgot_the_password_gets_back_in_through_support(
    accounts: AccountService, mail: Mail
) -> None:
    """Before, Maya (never confirmed her address, forgot her password) had no way in: her own
    request gets a notice, no link. The administrator, having checked it is her, sends the
    normal reset email; its link sets the password once and confirms the address."""
    maya = accounts.register("maya@example.com", PASSWORD, "Maya")
    mail.run()
    accounts.request_password_reset("maya@example.com")
    assert [template for template, _, _ in mail.run()] == ["password_reset_unconfirmed"]

    mail.support.send_reset_link(ADMIN, maya.id)
    ((template, to, context),) = mail.run()
    assert (template, to) == ("password_reset", "maya@example.com")
    assert context["minutes"] == 30 and context["name"] == "Maya"
    assert [entry for entry in mail.logged if entry[0] == ADMIN] == [
        (
            ADMIN,
            SENT,
            maya.id,
            "password reset link sent to maya@example.com (address not confirmed)",
        )
    ]
    token = str(context["token"])
    accounts.reset_password(token, NEW)
    assert accounts.login("maya@example.com", NEW).user.id == maya.id
    assert accounts.get_user(maya.id).email_verified  # vouched for, and the mailbox proved
    with pytest.raises(ResetLinkInvalid):  # once
        accounts.reset_password(token, "another-pass-99")
    (changed,) = [t for t, _, _ in mail.run()]
    assert changed == "password_changed"


def test_a_support_link_is_for_the_address_it_was_sent_to(
    accounts: AccountService, mail: Mail, uow: FakeAccountsUnitOfWork
) -> None:
    """The administrator checked one address: a link in that mailbox does nothing once the
    account has another, and one still queued then is not sent."""
    maya = accounts.register("maya@gmial.example", PASSWORD, "Maya")
    mail.run()
    mail.support.send_reset_link(ADMIN, maya.id)
    ((_, _, context),) = mail.run()
    uow.users.rows[maya.id].email = "maya@gmail.example"
    with pytest.raises(ResetLinkInvalid):
        accounts.reset_password(str(context["token"]), NEW)
    mail.support.send_reset_link(ADMIN, maya.id)
    uow.users.rows[maya.id].email = "maya@elsewhere.example"
    assert mail.run() == []
    assert accounts.login("maya@elsewhere.example", PASSWORD).user.id == maya.id


def test_a_normal_link_still_does_not_reset_an_unconfirmed_address(
    accounts: AccountService, mail: Mail, uow: FakeAccountsUnitOfWork
) -> None:
    """Only the support path vouches: a link made for the person's own request is refused."""
    maya = accounts.register("maya@gmial.example", PASSWORD)
    assert accounts.reset_tokens is not None
    token = accounts.reset_tokens.issue(
        maya.id, uow.users.rows[maya.id].password_hash, accounts.clock()
    )
    with pytest.raises(ResetLinkInvalid):
        accounts.reset_password(token, NEW)


@pytest.mark.parametrize("which", ["unknown", "closed", "empty"])
def test_an_unknown_or_closed_account_is_account_not_found_and_nothing_is_sent(
    accounts: AccountService, mail: Mail, uow: FakeAccountsUnitOfWork, which: str
) -> None:
    maya = accounts.register("maya@example.com", PASSWORD)
    mail.run()
    uow.users.rows[maya.id].is_active = which != "closed"
    target = {"unknown": "no-such-id", "closed": maya.id, "empty": ""}[which]
    with pytest.raises(AccountNotFound) as raised:
        mail.support.send_reset_link(ADMIN, target)
    assert raised.value.field == "userId"
    assert mail.run() == [] and mail.logged == []
