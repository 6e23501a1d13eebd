"""Verifying an account's email address and changing it, on fakes of the ports; the emails are
sent by the account actors on the jobs each commit released, as the worker would."""

from __future__ import annotations

import logging

import pytest

from metskin.domain.accounts import email_address
from metskin.domain.accounts.email_address import EmailAddresses, EmailTrouble
from metskin.domain.accounts.errors import (
    EmailLinkInvalid,
    EmailTaken,
    EmailUnchanged,
    InvalidCredentials,
    ResetLinkInvalid,
)
from metskin.domain.accounts.service import AccountService
from metskin.domain.errors import ValidationFailed
from metskin.domain.inbox.model import NotificationKind
from metskin.domain.limits.errors import RateLimited
from metskin.domain.limits.service import LoginBackoff
from metskin.domain.messages import OutgoingEmail
from metskin.domain.notifications.service import NotificationService
from tests.fakes.accounts import FakeAccountsUnitOfWork
from tests.fakes.infra import FakeClock, FakeMailRenderer, FakeNotifier
from tests.fakes.notifications import FakeNotificationsUnitOfWork
from tests.unit.accounts.mailing import Mail

PASSWORD = "tea-and-toast-77"
NEW = "rain-on-the-roof-42"


def verify_token(mail: Mail) -> str:
    """The token of the verification link the last emails carried."""
    (context,) = [c for t, _, c in mail.run() if t in ("welcome", "verify_email")]
    return str(context["token"])


def change_emails(mail: Mail) -> dict[str, tuple[str, dict]]:
    """The emails of an address change, by template: (to, context)."""
    return {t: (to, c) for t, to, c in mail.run() if t.startswith("email_change")}


# --- verification --------------------------------------------------------------------------


def test_the_welcome_email_carries_the_link_and_the_link_verifies(
    accounts: AccountService, addresses: EmailAddresses, mail: Mail
) -> None:
    user = accounts.register("maya@example.com", PASSWORD, "Maya")
    assert user.email_verified_at is None
    ((template, to, context),) = mail.run()
    assert (template, to, context["days"]) == ("welcome", "maya@example.com", 7)
    verified = addresses.verify(str(context["token"]), user.id)
    assert verified.email_verified and accounts.get_user(user.id).email_verified
    assert addresses.verify(str(context["token"]), user.id).email_verified  # twice: no error
    assert addresses.resend_verification(user.id) is False  # nothing left to verify
    assert addresses.verification_link(user.id) is None


def test_the_welcome_link_goes_even_to_a_person_who_turned_emails_off(
    accounts: AccountService, uow: FakeAccountsUnitOfWork, mail: Mail
) -> None:
    """Before, a person who unticked emails before the job ran got no welcome; it now carries
    the only way to verify the address, and leaves whatever the choices."""
    user = accounts.register("maya@example.com", PASSWORD)
    accounts.update_profile(user.id, {"email_opt_in": False})
    assert [m[0] for m in mail.run()] == ["welcome"]


def test_a_verification_link_expires_by_the_clock_and_serves_no_other_purpose(
    accounts: AccountService, addresses: EmailAddresses, mail: Mail, clock: FakeClock
) -> None:
    user = accounts.register("maya@example.com", PASSWORD)
    token = verify_token(mail)
    for bad in ("", "verify-email|x|{}", token.replace("verify-email", "change-email", 1)):
        with pytest.raises(EmailLinkInvalid):
            addresses.verify(bad, user.id)
    clock.advance(days=7)
    with pytest.raises(EmailLinkInvalid) as raised:
        addresses.verify(token, user.id)
    assert (raised.value.code, raised.value.field) == ("EMAIL_LINK_INVALID", "token")
    assert addresses.resend_verification(user.id) is True
    assert addresses.verify(verify_token(mail), user.id).email_verified


def test_a_link_for_an_address_the_account_no_longer_has_verifies_nothing(
    accounts: AccountService, addresses: EmailAddresses, mail: Mail, uow: FakeAccountsUnitOfWork
) -> None:
    user = accounts.register("maya@example.com", PASSWORD)
    token = verify_token(mail)
    uow.users.rows[user.id].email = "maya@elsewhere.example"  # changed another way meanwhile
    with pytest.raises(EmailLinkInvalid):
        addresses.verify(token, user.id)
    uow.users.rows[user.id].email = "maya@example.com"
    uow.users.rows[user.id].is_active = False  # closed
    with pytest.raises(EmailLinkInvalid):
        addresses.verify(token, user.id)


def test_the_link_proves_the_address_only_signed_in_to_the_account_it_names(
    accounts: AccountService, addresses: EmailAddresses, mail: Mail
) -> None:
    """Maya mistypes her address at sign-up (gmial). Before, whoever read that mailbox (or its
    mail scanner) opened the welcome link and the address was "proved": her appointment and
    check-in emails then went to a stranger. The link now proves it only in her session."""
    maya = accounts.register("maya@gmial.example", PASSWORD)
    token = verify_token(mail)
    stranger = accounts.register("stranger@example.com", PASSWORD)
    with pytest.raises(EmailLinkInvalid) as raised:
        addresses.verify(token, stranger.id)  # the mailbox's reader, signed in to their own
    assert (raised.value.field, raised.value.message) == ("token", email_address.OTHER_ACCOUNT)
    assert not accounts.get_user(maya.id).email_verified
    assert addresses.verify(token, maya.id).email_verified


def test_an_unconfirmed_address_gets_no_reset_link_so_its_reader_gets_no_account(
    accounts: AccountService, mail: Mail, uow: FakeAccountsUnitOfWork
) -> None:
    """Before, the reader of a mistyped address asked for a reset, got the link, and so the
    account with its photos and results (a reset also marked the address proved). Now an
    unconfirmed address is told why no link came; a link sent before the rule is refused."""
    maya = accounts.register("maya@gmial.example", PASSWORD, "Maya")
    mail.run()
    accounts.request_password_reset("maya@gmial.example")
    ((template, to, context),) = mail.run()
    # no reset token: only the link that frees the address for its mailbox's owner (release.py)
    assert set(context) == {"name", "release_token"}
    assert (template, to, context["name"]) == (
        "password_reset_unconfirmed",
        "maya@gmial.example",
        "Maya",
    )
    assert accounts.reset_tokens is not None
    earlier = accounts.reset_tokens.issue(
        maya.id, uow.users.rows[maya.id].password_hash, accounts.clock()
    )
    with pytest.raises(ResetLinkInvalid):
        accounts.reset_password(earlier, NEW)
    assert accounts.login("maya@gmial.example", PASSWORD).user.id == maya.id
    assert not accounts.get_user(maya.id).email_verified
    # Confirmed by Maya, signed in: a reset works, by the link of the reset email.
    mail.confirm(maya)
    accounts.reset_password(mail.reset_token("maya@gmial.example", accounts), NEW)
    assert accounts.login("maya@gmial.example", NEW).user.id == maya.id


def test_a_change_link_moves_only_the_account_signed_in(
    accounts: AccountService, addresses: EmailAddresses, mail: Mail
) -> None:
    """The new address mistyped: its reader opens the change link, and before the account
    moved to their mailbox, proved, with every reset link after."""
    user = accounts.register("maya@example.com", PASSWORD)
    stranger = accounts.register("maya@gmial.example", PASSWORD)
    mail.run()
    addresses.request_change(user.id, "s", "maya@gmail.example", PASSWORD)
    token = str(change_emails(mail)["email_change"][1]["token"])
    with pytest.raises(EmailLinkInvalid) as raised:
        addresses.confirm_change(token, stranger.id)
    assert raised.value.message == email_address.OTHER_ACCOUNT
    assert accounts.get_user(user.id).email == "maya@example.com"
    assert addresses.confirm_change(token, user.id).email == "maya@gmail.example"


def test_seeded_accounts_start_verified(accounts: AccountService, mail: Mail) -> None:
    user = accounts.register("patient@demo.metskin.local", PASSWORD, verified=True)
    assert user.email_verified
    ((_, _, context),) = mail.run()
    assert "token" not in context  # a plain welcome


# --- the one gate on the emails ---------------------------------------------------------------


def test_only_the_account_s_own_emails_go_to_an_unverified_address(
    accounts: AccountService,
    addresses: EmailAddresses,
    uow: FakeAccountsUnitOfWork,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    notifier = FakeNotifier()
    sent = FakeNotificationsUnitOfWork(users=uow.users)
    notifications = NotificationService(sent, notifier, FakeMailRenderer(), clock)
    user = accounts.register("maya@example.com", PASSWORD)
    reminder = OutgoingEmail("maya@example.com", "Your appointment", "<p>.</p>", ".")
    stranger = OutgoingEmail("nobody@example.com", "Your check-in", "<p>.</p>", ".")
    with caplog.at_level(logging.INFO, logger="metskin.domain.notifications.service"):
        assert notifications.send_email_once("appt:1:reminder:email", reminder) is False
        assert notifications.send_email_once("checkin:1:email", stranger) is False
    assert notifier.emails == [] and not sent.sent_notifications.was_sent("appt:1:reminder:email")
    assert [r.getMessage() for r in caplog.records] == [
        "email held: address not verified",
        "email held: no account has this address",
    ]
    assert caplog.records[0].user_id == user.id  # type: ignore[attr-defined]
    # The account's own emails go: the welcome with its link, the reset link, a notice.
    link = addresses.verification_link(user.id)
    assert notifications.send_welcome_email(user.id, link) is True
    assert notifications.send_password_changed_email(user.id, "now") is True
    assert [e.subject for e in notifier.emails] == ["welcome", "password_changed"]
    # Verified: the held one goes when it is sent again (it was not recorded as sent).
    assert link is not None
    addresses.verify(link.token, user.id)
    assert notifications.send_email_once("appt:1:reminder:email", reminder) is True


def test_an_address_that_bounces_is_no_longer_taken_as_proved(
    accounts: AccountService,
    addresses: EmailAddresses,
    uow: FakeAccountsUnitOfWork,
    clock: FakeClock,
    mail: Mail,
) -> None:
    """SendGrid takes mail to a dead mailbox (202) and reports the bounce later: the address
    is unproved again, so the reminders are held (not "sent" into the void) and the web app's
    banner asks the person to confirm or change it. A new link verifies it again."""
    sent = FakeNotificationsUnitOfWork(users=uow.users)
    notifications = NotificationService(sent, FakeNotifier(), FakeMailRenderer(), clock)
    user = accounts.register("maya@example.com", PASSWORD)
    addresses.verify(verify_token(mail), user.id)
    assert addresses.bounced("Maya@Example.com") is True  # as the provider wrote it
    assert not accounts.get_user(user.id).email_verified
    reminder = OutgoingEmail("maya@example.com", "Your appointment", "<p>.</p>", ".")
    assert notifications.send_email_once("appt:1:reminder:1h:email", reminder) is False
    assert addresses.bounced("maya@example.com") is False  # told twice: nothing more to undo
    assert addresses.bounced("nobody@example.com") is False
    assert addresses.resend_verification(user.id) is True
    addresses.verify(verify_token(mail), user.id)
    assert accounts.get_user(user.id).email_verified


def test_a_bounce_is_told_once_in_the_inbox_and_read_by_the_banner(
    accounts: AccountService,
    addresses: EmailAddresses,
    uow: FakeAccountsUnitOfWork,
    clock: FakeClock,
    mail: Mail,
) -> None:
    """Mail to the address came back: the inbox says so (the address, in the person's words
    on the web), once however many emails bounce and however often the provider posts the
    event; again only after the address was confirmed since and bounced once more. The
    banner's fact (`trouble`) is BOUNCED while the address stays unconfirmed. Before, a
    bounce only cleared the verification: nothing told the person why."""
    user = accounts.register("maya@example.com", PASSWORD)
    addresses.verify(verify_token(mail), user.id)
    assert addresses.trouble(user.id) is None
    for _ in range(3):  # the provider retries; later emails are dropped as "bounced address"
        addresses.bounced("Maya@Example.com")
    told = uow.inbox.newest(user.id, None, 10)
    assert [(n.kind, n.payload) for n in told] == [
        (NotificationKind.EMAIL_BOUNCED, {"email": "maya@example.com"})
    ]
    assert "maya@example.com" not in told[0].key  # a digest: the key is not the address
    assert addresses.trouble(user.id) is EmailTrouble.BOUNCED

    clock.advance(days=1)
    addresses.resend_verification(user.id)
    addresses.verify(verify_token(mail), user.id)  # the link arrived after all
    assert addresses.trouble(user.id) is None
    addresses.bounced("maya@example.com")
    addresses.bounced("maya@example.com")
    assert [n.kind for n in uow.inbox.newest(user.id, None, 10)] == [
        NotificationKind.EMAIL_BOUNCED
    ] * 2
    assert addresses.trouble(user.id) is EmailTrouble.BOUNCED


def test_a_mistyped_address_that_bounces_is_told_and_a_spam_report_reads_apart(
    accounts: AccountService, addresses: EmailAddresses, uow: FakeAccountsUnitOfWork
) -> None:
    """The welcome email to a mistyped, never confirmed address bounces: told too (before,
    nothing happened: there was no verification to clear). A spam report is its own entry
    and banner fact, while the emails it turned off stay off."""
    typo = accounts.register("maya@gmial.example", PASSWORD)
    assert addresses.bounced("maya@gmial.example") is False  # nothing was proved
    assert [n.kind for n in uow.inbox.newest(typo.id, None, 10)] == [NotificationKind.EMAIL_BOUNCED]
    assert addresses.trouble(typo.id) is EmailTrouble.BOUNCED

    angry = accounts.register("angry@example.com", PASSWORD)
    assert addresses.spam_reported("angry@example.com") is True
    assert addresses.spam_reported("angry@example.com") is False  # once
    assert addresses.trouble(angry.id) is None  # emails still on: nothing to say
    accounts.stop_emails("angry@example.com")
    assert addresses.trouble(angry.id) is EmailTrouble.SPAM_REPORTED
    told = uow.inbox.newest(angry.id, None, 10)
    assert [(n.kind, n.payload) for n in told] == [
        (NotificationKind.EMAIL_SPAM_REPORTED, {"email": "angry@example.com"})
    ]
    assert addresses.spam_reported("nobody@example.com") is False
    assert addresses.bounced("nobody@example.com") is False


# --- change ---------------------------------------------------------------------------------


def session_of(accounts: AccountService, email: str, password: str = PASSWORD) -> str:
    return accounts.claims(accounts.login(email, password).tokens.access_token).session


def test_a_change_asks_the_password_and_the_new_mailbox_and_tells_the_old_one(
    accounts: AccountService, addresses: EmailAddresses, mail: Mail, uow: FakeAccountsUnitOfWork
) -> None:
    user = accounts.register("maya@example.com", PASSWORD, "Maya")
    mail.run()
    here, other = session_of(accounts, "maya@example.com"), session_of(accounts, "maya@example.com")
    addresses.request_change(user.id, here, " Maya.New@Example.COM ", PASSWORD)
    assert accounts.get_user(user.id).email == "maya@example.com"  # not before the link
    emails = change_emails(mail)
    link_to, link = emails["email_change"]
    notice_to, notice = emails["email_change_notice"]
    assert (link_to, notice_to) == ("maya.new@example.com", "maya@example.com")
    assert link["minutes"] == 60 and notice["new_email"] == "maya.new@example.com"

    changed = addresses.confirm_change(str(link["token"]), user.id)
    assert (changed.email, changed.email_verified) == ("maya.new@example.com", True)
    assert uow.refresh_tokens.family_active(here, accounts.clock())
    assert not uow.refresh_tokens.family_active(other, accounts.clock())
    assert accounts.login("maya.new@example.com", PASSWORD)
    with pytest.raises(InvalidCredentials):
        accounts.login("maya@example.com", PASSWORD)
    with pytest.raises(EmailLinkInvalid):  # used
        addresses.confirm_change(str(link["token"]), user.id)


def test_bad_change_requests_are_refused_with_their_codes(
    accounts: AccountService, addresses: EmailAddresses, mail: Mail, backoff: LoginBackoff
) -> None:
    user = accounts.register("maya@example.com", PASSWORD)
    accounts.register("taken@example.com", PASSWORD)
    mail.run()
    cases = {
        ("new@example.com", "wrong-password-1"): (InvalidCredentials, "password"),
        ("MAYA@example.com ", PASSWORD): (EmailUnchanged, "new_email"),
        (" Taken@Example.com", PASSWORD): (EmailTaken, "new_email"),
        ("not an address", PASSWORD): (ValidationFailed, "new_email"),
    }
    for (new, password), (error, field) in cases.items():
        with pytest.raises(error) as raised:
            addresses.request_change(user.id, "s", new, password)
        assert raised.value.field == field, new
    assert change_emails(mail) == {}
    # Wrong passwords count as failed logins: the backoff then refuses the right one too.
    for _ in range(2):  # the first case was one; three are free
        with pytest.raises(InvalidCredentials):
            addresses.request_change(user.id, "s", "new@example.com", "wrong-password-1")
    with pytest.raises(RateLimited):
        addresses.request_change(user.id, "s", "new@example.com", PASSWORD)


def test_a_change_link_expires_and_fails_once_taken_or_once_the_password_changed(
    accounts: AccountService, addresses: EmailAddresses, mail: Mail, clock: FakeClock
) -> None:
    user = accounts.register("maya@example.com", PASSWORD)
    mail.run()

    def newest_link(new: str) -> str:  # each the newest request's (an earlier one is refused)
        addresses.request_change(user.id, "s", new, PASSWORD)
        return str(change_emails(mail)["email_change"][1]["token"])

    token = newest_link("one@example.com")
    accounts.register("one@example.com", PASSWORD)  # someone took it meanwhile
    with pytest.raises(EmailTaken) as taken:
        addresses.confirm_change(token, user.id)
    assert taken.value.field == "token"
    token = newest_link("two@example.com")
    clock.advance(minutes=61)
    with pytest.raises(EmailLinkInvalid):
        addresses.confirm_change(token, user.id)
    clock.advance(minutes=-61)
    token = newest_link("three@example.com")
    accounts.change_password(user.id, "s", PASSWORD, NEW)  # "if it was not you, change it"
    with pytest.raises(EmailLinkInvalid):
        addresses.confirm_change(token, user.id)
    assert accounts.get_user(user.id).email == "maya@example.com"


def test_a_change_confirmed_with_the_email_taken_at_commit_is_email_taken(
    accounts: AccountService,
    addresses: EmailAddresses,
    mail: Mail,
    uow: FakeAccountsUnitOfWork,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A registration that commits between the check and the switch loses to the unique key
    (the fake checks it at commit, as the database does): EMAIL_TAKEN, not a crash."""
    user = accounts.register("maya@example.com", PASSWORD)
    mail.run()
    addresses.request_change(user.id, "s", "race@example.com", PASSWORD)
    token = str(change_emails(mail)["email_change"][1]["token"])
    other = accounts.register("other@example.com", PASSWORD)
    uow.users.rows[other.id].email = "race@example.com"
    monkeypatch.setattr(email_address, "find_by_email", lambda uow, address: None)  # too early
    with pytest.raises(EmailTaken) as taken:
        addresses.confirm_change(token, user.id)
    assert taken.value.field == "token"
    assert accounts.get_user(user.id).email == "maya@example.com"


def test_the_worker_sends_no_change_email_for_a_closed_account(
    accounts: AccountService, addresses: EmailAddresses, mail: Mail, uow: FakeAccountsUnitOfWork
) -> None:
    user = accounts.register("maya@example.com", PASSWORD)
    mail.run()
    addresses.request_change(user.id, "s", "new@example.com", PASSWORD)
    uow.users.rows[user.id].is_active = False
    assert change_emails(mail) == {}


def test_a_change_link_ends_when_a_newer_change_is_asked_for(
    accounts: AccountService, addresses: EmailAddresses, mail: Mail
) -> None:
    """Maya mistypes her new address, sees it, asks again with the right one. The mistyped
    mailbox's owner opens the first link: the account moves to their address, and a password
    reset then gives them the account."""
    user = accounts.register("maya@example.com", PASSWORD)
    mail.run()
    tokens = []
    for new in ("maya@gmial.example", "maya@gmail.example"):
        addresses.request_change(user.id, "s", new, PASSWORD)
        tokens.append(str(change_emails(mail)["email_change"][1]["token"]))
    with pytest.raises(EmailLinkInvalid):
        addresses.confirm_change(tokens[0], user.id)
    assert addresses.confirm_change(tokens[1], user.id).email == "maya@gmail.example"
    with pytest.raises(EmailLinkInvalid):  # used: the request is spent
        addresses.confirm_change(tokens[1], user.id)
