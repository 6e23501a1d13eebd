"""The address taken off the email provider's suppression lists (SendGrid's bounces, spam
reports, blocks), on the fakes: a confirmation (again, or of a changed address) queues it, a
new link to a bounced address clears it before it goes, and a provider that fails never undoes
or blocks the confirmation."""

from __future__ import annotations

import logging

import pytest

from metskin.domain.accounts.email_address import EmailAddresses
from metskin.domain.accounts.service import AccountService
from metskin.domain.notifications.errors import DeliveryRefused, DeliveryUnavailable
from metskin.domain.notifications.suppressions import CLEAR_EMAIL_SUPPRESSIONS
from tests.fakes.accounts import FakeAccountsUnitOfWork
from tests.unit.accounts.mailing import Mail

PASSWORD = "tea-and-toast-77"
MAYA = "maya@example.com"


def clears(uow: FakeAccountsUnitOfWork) -> list[str]:
    return [job.kwargs["email"] for job in uow.jobs if job.actor == CLEAR_EMAIL_SUPPRESSIONS]


def test_a_bounced_address_confirmed_again_is_taken_off_the_provider_s_lists(
    accounts: AccountService, addresses: EmailAddresses, mail: Mail, uow: FakeAccountsUnitOfWork
) -> None:
    """Before, SendGrid kept the address on its bounce list: the new link and every email
    after the confirmation were dropped (and counted sent)."""
    user = accounts.register(MAYA, PASSWORD, "Maya")
    mail.confirm(user)
    mail.run()
    assert clears(uow) == [MAYA] and mail.suppressions.cleared == [MAYA]
    addresses.bounced(MAYA)  # the mailbox was full; SendGrid lists the address
    mail.suppressions.listed.add(MAYA)
    addresses.resend_verification(user.id)
    (sent,) = mail.run()
    assert sent[0] == "verify_email"
    assert MAYA not in mail.suppressions.listed  # off the list before the link went
    addresses.verify(str(sent[2]["token"]), user.id)
    mail.run()
    assert mail.suppressions.cleared == [MAYA, MAYA, MAYA]


def test_a_changed_address_is_cleared_once_confirmed(
    accounts: AccountService, addresses: EmailAddresses, mail: Mail, uow: FakeAccountsUnitOfWork
) -> None:
    user = accounts.register(MAYA, PASSWORD, "Maya")
    mail.run()
    addresses.request_change(user.id, "s", "maya.new@example.com", PASSWORD)
    (link,) = [c for t, _, c in mail.run() if t == "email_change"]
    assert clears(uow) == []  # not for a request: the new address is not proved yet
    addresses.confirm_change(str(link["token"]), user.id)
    mail.run()
    assert mail.suppressions.cleared == ["maya.new@example.com"]


def test_a_provider_that_fails_never_blocks_the_confirmation(
    accounts: AccountService,
    addresses: EmailAddresses,
    mail: Mail,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Away: the job raises (the worker retries it); refusing: logged and left. Either way the
    address stays confirmed, and no log holds it."""
    caplog.set_level(logging.INFO)
    user = accounts.register(MAYA, PASSWORD, "Maya")
    mail.run()
    link = addresses.verification_link(user.id)
    assert link is not None
    assert addresses.verify(link.token, user.id).email_verified
    mail.suppressions.fail_next = DeliveryUnavailable("SendGrid answered HTTP 503")
    with pytest.raises(DeliveryUnavailable):
        mail.run()
    mail.suppressions.fail_next = DeliveryRefused("SendGrid answered HTTP 403", status=403)
    mail.actors[CLEAR_EMAIL_SUPPRESSIONS](email=MAYA)  # no raise: not retried
    assert accounts.get_user(user.id).email_verified
    assert "not cleared" in caplog.text and MAYA not in caplog.text
