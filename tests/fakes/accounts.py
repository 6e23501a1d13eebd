"""In-memory fakes of the accounts ports: users, refresh tokens, and the accounts unit of work."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from metskin.domain.accounts.model import RefreshToken, Role, User, UserSearch
from metskin.domain.accounts.phone_delivery import PhoneCodeDeliveries, PhoneCodeDelivery
from metskin.domain.accounts.ports import RefreshTokenRepository, UserRepository
from metskin.domain.apikeys.ports import ApiKeyRepository
from metskin.domain.errors import Conflict
from metskin.domain.inbox.ports import InboxRepository
from metskin.domain.ports import ConsentRecords
from tests.fakes.inbox import FakeInbox
from tests.fakes.uow import FakeUnitOfWork, InMemoryTable


class FakeUserRepository(InMemoryTable[User]):
    """Unique id and email (checked at commit, as the database's keys are)."""

    noun = "user"

    def get(self, key: str, *, for_update: bool = False) -> User | None:
        return super().get(key)

    def get_by_email(self, email: str) -> User | None:
        return next((copy.deepcopy(u) for u in self.rows.values() if u.email == email), None)

    def ids_with_verified_phone(self, phone: str) -> list[str]:
        return sorted(
            u.id
            for u in self.rows.values()
            if u.is_active and u.profile.phone == phone and u.profile.phone_verified == phone
        )

    def list_by_ids(self, user_ids: list[str]) -> list[User]:
        return self.get_many(user_ids)

    def list_page(
        self,
        after: tuple[datetime, str] | None,
        limit: int,
        role: Role | None,
        search: UserSearch | None = None,
    ) -> list[User]:
        return self.page(_kept(role, search), after, limit, newest=False)

    def list_by_name(
        self,
        after: tuple[str, str] | None,
        limit: int,
        role: Role | None,
        search: UserSearch | None = None,
    ) -> list[User]:
        return self.page(_kept(role, search), after, limit, newest=False, order=_by_name)

    def check_constraints(self) -> None:
        emails = [u.email for u in self.rows.values()]
        if len(emails) != len(set(emails)):
            raise Conflict("duplicate email")


def _kept(role: Role | None, search: UserSearch | None) -> Callable[[User], bool]:
    return lambda u: (role is None or u.role == role) and (search is None or search.matches(u))


def _by_name(user: User) -> tuple[str, str]:
    return (user.sort_name, user.id)


class FakeRefreshTokenRepository(InMemoryTable[RefreshToken]):
    noun = "refresh token"
    key_field = "token_hash"

    def family_active(self, family: str, now: datetime) -> bool:
        return any(t.family == family and t.is_usable(now) for t in self.rows.values())

    def revoke_family(self, family: str, when: datetime) -> None:
        for token in self.rows.values():
            if token.family == family and token.revoked_at is None:
                token.revoked_at = when

    def revoke_user(self, user_id: str, when: datetime, keep_family: str | None = None) -> None:
        for token in self.rows.values():
            mine = token.user_id == user_id and token.family != keep_family
            if mine and token.revoked_at is None:
                token.revoked_at = when


class FakePhoneCodeDeliveries(InMemoryTable[PhoneCodeDelivery]):
    noun = "phone code delivery"
    key_field = "user_id"

    def put(self, delivery: PhoneCodeDelivery) -> None:
        self.rows[delivery.user_id] = copy.deepcopy(delivery)


@dataclass(eq=False)
class FakeAccountsUnitOfWork(FakeUnitOfWork):
    users: UserRepository = field(default_factory=FakeUserRepository)
    refresh_tokens: RefreshTokenRepository = field(default_factory=FakeRefreshTokenRepository)
    phone_codes: PhoneCodeDeliveries = field(default_factory=FakePhoneCodeDeliveries)
    inbox: InboxRepository = field(default_factory=FakeInbox)
    api_keys: ApiKeyRepository = field(default_factory=lambda: _api_keys())
    consent_records: ConsentRecords = field(default_factory=lambda: fake_consent_records())


def _api_keys() -> ApiKeyRepository:
    from tests.fakes.apikeys import FakeApiKeyRepository  # that module imports this one

    return FakeApiKeyRepository()


def fake_consent_records() -> ConsentRecords:
    from tests.fakes.privacy import FakeConsentRecords  # that module imports this one

    return FakeConsentRecords()
