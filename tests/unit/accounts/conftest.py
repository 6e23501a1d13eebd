"""The fixtures of the accounts' services on the fakes, and of the account actors that send
their emails (test_passwords.py, test_email_address.py; a module's own fixtures win)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from metskin.adapters.limits.memory import InMemoryLoginFailures
from metskin.domain.accounts.email_address import EmailAddresses
from metskin.domain.accounts.service import AccountService
from metskin.domain.limits.model import BackoffPolicy
from metskin.domain.limits.service import LoginBackoff
from tests.fakes.accounts import FakeAccountsUnitOfWork
from tests.fakes.infra import FakeAccessTokens, FakeClock, FakeHasher, FakeResetTokens
from tests.unit.accounts.mailing import Mail, email_addresses


@pytest.fixture
def uow() -> FakeAccountsUnitOfWork:
    return FakeAccountsUnitOfWork()


@pytest.fixture
def backoff(clock: FakeClock) -> LoginBackoff:
    return LoginBackoff(InMemoryLoginFailures(), clock, BackoffPolicy(free_failures=3))


@pytest.fixture
def accounts(
    uow: FakeAccountsUnitOfWork, clock: FakeClock, backoff: LoginBackoff
) -> AccountService:
    return AccountService(
        uow,
        FakeHasher(),
        FakeAccessTokens(),
        clock,
        timedelta(days=30),
        reset_tokens=FakeResetTokens(timedelta(minutes=30)),
        login_attempts=backoff,
    )


@pytest.fixture
def addresses(
    accounts: AccountService, uow: FakeAccountsUnitOfWork, clock: FakeClock
) -> EmailAddresses:
    return email_addresses(accounts, uow, clock)


@pytest.fixture
def mail(accounts: AccountService, uow: FakeAccountsUnitOfWork, clock: FakeClock) -> Mail:
    return Mail(accounts, uow, clock)
