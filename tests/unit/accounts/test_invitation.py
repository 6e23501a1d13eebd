"""An invited account (a dermatologist an administrator lists), on fakes of the ports: no
password until its owner chooses one with the invitation's link, which also verifies the
address; the emails are sent by the account actors on the jobs each commit released."""

from __future__ import annotations

import pytest

from metskin.domain.accounts.errors import (
    InvalidCredentials,
    InvitationExpired,
    InvitationInvalid,
    InvitationUsed,
    WeakPassword,
)
from metskin.domain.accounts.invitation import Invitations
from metskin.domain.accounts.model import Role
from metskin.domain.accounts.service import AccountService
from metskin.domain.messages import OutgoingEmail
from metskin.domain.notifications.service import NotificationService
from tests.fakes.accounts import FakeAccountsUnitOfWork
from tests.fakes.infra import FakeClock, FakeMailRenderer, FakeNotifier
from tests.fakes.notifications import FakeNotificationsUnitOfWork
from tests.unit.accounts.mailing import Mail
from tests.unit.accounts.mailing import invitations as make_invitations

PASSWORD = "tea-and-toast-77"
EMAIL = "ada@clinic.example"


@pytest.fixture
def invitations(
    accounts: AccountService, uow: FakeAccountsUnitOfWork, clock: FakeClock
) -> Invitations:
    return make_invitations(accounts, uow, clock)


def invite(accounts: AccountService) -> str:
    return accounts.register(EMAIL, None, "Dr Ada", Role.DERMATOLOGIST).id


def invitation_token(mail: Mail) -> str:
    (context,) = [c for t, _, c in mail.run() if t == "invitation"]
    return str(context["token"])


def test_an_invited_account_gets_the_invitation_not_the_welcome_and_no_login(
    accounts: AccountService, mail: Mail
) -> None:
    """Before, the administrator chose the password: a secret to pass on, and the account
    logged in with it at once."""
    user_id = invite(accounts)
    user = accounts.get_user(user_id)
    assert not user.has_password and not user.email_verified
    ((template, to, context),) = mail.run()
    assert (template, to, context["days"]) == ("invitation", EMAIL, 7)
    for guess in ("", user.password_hash, user.password_hash[1:], PASSWORD):
        with pytest.raises(InvalidCredentials):
            accounts.login(EMAIL, guess)


def test_accepting_sets_the_password_verifies_the_address_and_works_once(
    accounts: AccountService, invitations: Invitations, mail: Mail
) -> None:
    user_id = invite(accounts)
    token = invitation_token(mail)
    with pytest.raises(WeakPassword) as weak:
        invitations.accept(token, "short")
    assert weak.value.field == "password"
    accepted = invitations.accept(token, PASSWORD)
    assert accepted.id == user_id and accepted.has_password and accepted.email_verified
    assert accounts.login(EMAIL, PASSWORD).user.id == user_id
    with pytest.raises(InvitationUsed) as used:
        invitations.accept(token, "another-pass-99")
    assert used.value.field == "token"
    assert accounts.login(EMAIL, PASSWORD).user.id == user_id  # the second use changed nothing
    assert invitations.link(user_id) is None and invitations.resend(user_id) is False
    assert mail.run() == []  # no invitation after it was accepted


def test_an_invitation_expires_and_a_resent_one_works(
    accounts: AccountService, invitations: Invitations, mail: Mail, clock: FakeClock
) -> None:
    user_id = invite(accounts)
    first = invitation_token(mail)
    clock.advance(days=7)
    with pytest.raises(InvitationExpired):
        invitations.accept(first, PASSWORD)
    assert invitations.resend(user_id) is True
    again = invitation_token(mail)
    assert again != first
    invitations.accept(again, PASSWORD)
    with pytest.raises(InvitationUsed):  # used beats expired: the answer says log in
        invitations.accept(first, PASSWORD)


def test_a_forged_or_other_purpose_token_is_invalid(
    accounts: AccountService, invitations: Invitations, mail: Mail
) -> None:
    invite(accounts)
    token = invitation_token(mail)
    for bad in ("", "nonsense", token.replace("invite", "verify-email", 1)):
        with pytest.raises(InvitationInvalid) as raised:
            invitations.accept(bad, PASSWORD)
        assert raised.value.field == "token"


def test_a_reset_by_the_emailed_link_activates_the_account_too(
    accounts: AccountService, invitations: Invitations, mail: Mail
) -> None:
    """The invited person who asks "forgot my password" instead proves the mailbox as well;
    the invitation is then used."""
    invite(accounts)
    token = invitation_token(mail)
    accounts.reset_password(mail.reset_token(EMAIL, accounts), PASSWORD)
    user = accounts.login(EMAIL, PASSWORD).user
    assert user.has_password and user.email_verified
    with pytest.raises(InvitationUsed):
        invitations.accept(token, "another-pass-99")


def test_booking_emails_are_held_until_the_invitation_is_accepted(
    accounts: AccountService,
    invitations: Invitations,
    uow: FakeAccountsUnitOfWork,
    clock: FakeClock,
    mail: Mail,
) -> None:
    notifier = FakeNotifier()
    sent = FakeNotificationsUnitOfWork(users=uow.users)
    notifications = NotificationService(sent, notifier, FakeMailRenderer(), clock)
    invite(accounts)
    booked = OutgoingEmail(EMAIL, "New appointment", "<p>.</p>", ".")
    assert notifications.send_email_once("appt:1:confirmed:email", booked) is False
    invitations.accept(invitation_token(mail), PASSWORD)
    assert notifications.send_email_once("appt:1:confirmed:email", booked) is True
    assert [e.subject for e in notifier.emails] == ["New appointment"]


def test_a_sign_up_with_a_password_is_no_invitation(accounts: AccountService, mail: Mail) -> None:
    user = accounts.register("maya@example.com", PASSWORD, "Maya")
    assert user.has_password
    assert [t for t, _, _ in mail.run()] == ["welcome"]
