"""In-memory fakes of the accounts ports: users, refresh tokens, and the accounts unit of work."""

from __future__ import annotations

import copy
from datetime import datetime

from metskin.domain.accounts.model import RefreshToken, Role, User
from metskin.domain.accounts.ports import RefreshTokenRepository, UserRepository
from metskin.domain.errors import Conflict
from tests.fakes.uow import FakeUnitOfWork, InMemoryRepository


class FakeUserRepository(InMemoryRepository):
    """Unique id and email (checked at commit, as the database's keys are)."""

    def __init__(self) -> None:
        self.rows: dict[str, User] = {}

    def add(self, user: User) -> None:
        if user.id in self.rows:
            raise Conflict(f"user {user.id} exists")
        self.rows[user.id] = copy.deepcopy(user)

    def get(self, user_id: str) -> User | None:
        return copy.deepcopy(self.rows.get(user_id))

    def get_by_email(self, email: str) -> User | None:
        return next((copy.deepcopy(u) for u in self.rows.values() if u.email == email), None)

    def list_by_ids(self, user_ids: list[str]) -> list[User]:
        return [copy.deepcopy(self.rows[i]) for i in user_ids if i in self.rows]

    def list_page(
        self, after: tuple[datetime, str] | None, limit: int, role: Role | None
    ) -> list[User]:
        users = sorted(self.rows.values(), key=lambda u: (u.created_at, u.id))
        users = [u for u in users if role is None or u.role == role]
        users = [u for u in users if after is None or (u.created_at, u.id) > after]
        return copy.deepcopy(users[:limit])

    def save(self, user: User) -> None:
        if user.id not in self.rows:
            raise LookupError(user.id)
        self.rows[user.id] = copy.deepcopy(user)

    def check_constraints(self) -> None:
        emails = [u.email for u in self.rows.values()]
        if len(emails) != len(set(emails)):
            raise Conflict("duplicate email")


class FakeRefreshTokenRepository(InMemoryRepository):
    def __init__(self) -> None:
        self.rows: dict[str, RefreshToken] = {}

    def add(self, token: RefreshToken) -> None:
        if token.token_hash in self.rows:
            raise Conflict("duplicate refresh token")
        self.rows[token.token_hash] = copy.deepcopy(token)

    def get(self, token_hash: str) -> RefreshToken | None:
        return copy.deepcopy(self.rows.get(token_hash))

    def revoke_family(self, family: str, when: datetime) -> None:
        for token in self.rows.values():
            if token.family == family and token.revoked_at is None:
                token.revoked_at = when

    def save(self, token: RefreshToken) -> None:
        if token.token_hash not in self.rows:
            raise LookupError(token.token_hash)
        self.rows[token.token_hash] = copy.deepcopy(token)


class FakeAccountsUnitOfWork(FakeUnitOfWork):
    def __init__(
        self,
        users: FakeUserRepository | None = None,
        refresh_tokens: FakeRefreshTokenRepository | None = None,
    ) -> None:
        super().__init__()
        self.users: UserRepository = users or FakeUserRepository()
        self.refresh_tokens: RefreshTokenRepository = refresh_tokens or FakeRefreshTokenRepository()
