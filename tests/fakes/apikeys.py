"""In-memory fakes of the API keys ports: the keys (unique by hash) and its unit of work."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from metskin.domain.accounts.ports import UserRepository
from metskin.domain.apikeys.model import ApiKey
from metskin.domain.apikeys.ports import ApiKeyRepository
from metskin.domain.errors import Conflict
from tests.fakes.accounts import FakeUserRepository
from tests.fakes.uow import FakeUnitOfWork, InMemoryTable


class FakeApiKeyRepository(InMemoryTable[ApiKey]):
    noun = "api key"

    def by_hash(self, key_hash: str) -> ApiKey | None:
        found = [key for key in self.rows.values() if key.key_hash == key_hash]
        return copy.deepcopy(found[0]) if found else None

    def list_for_owner(self, owner_id: str) -> list[ApiKey]:
        mine = [key for key in self.rows.values() if key.owner_id == owner_id]
        return copy.deepcopy(sorted(mine, key=lambda k: (k.created_at, k.id), reverse=True))

    def check_constraints(self) -> None:
        hashes = [key.key_hash for key in self.rows.values()]
        if len(hashes) != len(set(hashes)):
            raise Conflict("duplicate key hash")


@dataclass(eq=False)
class FakeApiKeysUnitOfWork(FakeUnitOfWork):
    api_keys: ApiKeyRepository = field(default_factory=FakeApiKeyRepository)
    users: UserRepository = field(default_factory=FakeUserRepository)
