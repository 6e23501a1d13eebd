"""The account actors on the fakes, as the worker runs them (conftest.py's `mail` fixture)."""

from __future__ import annotations

from datetime import timedelta

from metskin.domain.accounts.email_address import (
    CHANGE_PURPOSE,
    VERIFY_PURPOSE,
    EmailAddresses,
)
from metskin.domain.accounts.invitation import INVITE_PURPOSE, Invitations
from metskin.domain.accounts.model import User
from metskin.domain.accounts.release import RELEASE_HOURS, RELEASE_PURPOSE, AddressReleases
from metskin.domain.accounts.service import AccountService, find_by_email
from metskin.domain.accounts.support import SupportResets
from metskin.domain.messages import Job
from metskin.domain.notifications.service import NotificationService
from metskin.workers.accounts import account_actors
from tests.fakes.accounts import FakeAccountsUnitOfWork
from tests.fakes.infra import (
    FakeClock,
    FakeMailRenderer,
    FakeNotifier,
    FakePurposeTokens,
)
from tests.fakes.notifications import FakeEmailSuppressions, FakeNotificationsUnitOfWork


def email_addresses(
    accounts: AccountService, uow: FakeAccountsUnitOfWork, clock: FakeClock
) -> EmailAddresses:
    """Verifying and changing addresses on the fakes, as bootstrap wires them."""
    return EmailAddresses(
        uow,
        accounts.hasher,
        clock,
        FakePurposeTokens(VERIFY_PURPOSE, timedelta(days=7)),
        FakePurposeTokens(CHANGE_PURPOSE, timedelta(hours=1)),
        accounts.login_attempts,
    )


def invitations(
    accounts: AccountService, uow: FakeAccountsUnitOfWork, clock: FakeClock
) -> Invitations:
    """Invitations on the fakes, as bootstrap wires them."""
    return Invitations(
        uow, accounts.hasher, clock, FakePurposeTokens(INVITE_PURPOSE, timedelta(days=7))
    )


class Mail:
    """The account actors on the fakes: `run()` sends what the commits so far queued."""

    def __init__(self, accounts: AccountService, uow: FakeAccountsUnitOfWork, clock: FakeClock):
        self.uow, self.renderer, self.notifier = uow, FakeMailRenderer(), FakeNotifier()
        log = FakeNotificationsUnitOfWork(users=uow.users)
        notifications = NotificationService(log, self.notifier, self.renderer, clock)
        addresses = self.addresses = email_addresses(accounts, uow, clock)
        # administrator, action, account, summary: what the editors' log was told
        self.logged: list[tuple[str, str, str, str]] = []
        self.support = SupportResets(
            uow, clock, accounts.reset_tokens, lambda *entry: self.logged.append(entry)
        )
        self.suppressions = FakeEmailSuppressions()  # the provider's lists
        tokens = FakePurposeTokens(RELEASE_PURPOSE, timedelta(hours=RELEASE_HOURS))
        self.releases = AddressReleases(
            uow, clock, tokens, lambda *entry: self.logged.append(entry)
        )
        accounts.released_logins = self.releases.released_logins
        actors = account_actors(
            accounts,
            notifications,
            addresses,
            invitations(accounts, uow, clock),
            self.support,
            self.suppressions,
            self.releases,
        )
        self.actors = {spec.name: spec.fn for spec in actors}
        self.done = 0

    def run(self) -> list[tuple[str, str, dict]]:
        """The emails rendered by the jobs released since the last run: (template, to, context).
        Events (an inbox's wake-up, after a bounce is told) are no emails."""
        before = len(self.renderer.rendered)
        for job in self.uow.released[self.done :]:
            if isinstance(job, Job):
                self.actors[job.actor](**job.kwargs)
        self.done = len(self.uow.released)
        return self.renderer.rendered[before:]

    def confirm(self, user: User) -> User:
        """Open the account's emailed verification link signed in to it (EmailAddresses.verify,
        as verifyEmail does): a reset link, a reminder or a booking email need the address
        confirmed."""
        self.run()  # the welcome email, if its job is waiting
        link = self.addresses.verification_link(user.id)
        assert link is not None, "the address is confirmed already"
        return self.addresses.verify(link.token, user.id)

    def reset_token(self, email: str, accounts: AccountService) -> str:
        """The reset link's token for the account of `email` (its address confirmed first: an
        unconfirmed address gets no link)."""
        user = find_by_email(self.uow, email)
        if user is not None and not user.reset_by_email:
            self.confirm(user)
        accounts.request_password_reset(email)
        ((_, _, context),) = [m for m in self.run() if m[0] == "password_reset"]
        return str(context["token"])
