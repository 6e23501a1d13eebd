"""Ports of the API keys component: its repository and its unit of work."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from metskin.domain.ports import UnitOfWork

if TYPE_CHECKING:
    from metskin.domain.accounts.ports import UserRepository
    from metskin.domain.apikeys.model import ApiKey


class ApiKeyRepository(Protocol):
    def add(self, key: ApiKey) -> None: ...
    def get(self, key_id: str) -> ApiKey | None: ...
    def save(self, key: ApiKey) -> None: ...
    def by_hash(self, key_hash: str) -> ApiKey | None: ...
    def list_for_owner(self, owner_id: str) -> list[ApiKey]:
        """Newest first, revoked ones included."""
        ...


class ApiKeysUnitOfWork(UnitOfWork, Protocol):
    api_keys: ApiKeyRepository
    users: UserRepository


ApiKeysUowFactory = Callable[[], ApiKeysUnitOfWork]
