"""API keys in SQL: the hash (unique, how a key is found) and the prefix, never the key."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel, select

from metskin.adapters.db.repository import SqlRepository, values_of
from metskin.adapters.db.types import MYSQL_TABLE_ARGS, UTCDateTime
from metskin.domain.apikeys.model import ApiKey, Scope


class ApiKeyRow(SQLModel, table=True):
    __tablename__ = "api_keys"
    __table_args__ = (UniqueConstraint("key_hash", name="uq_api_keys_key_hash"), MYSQL_TABLE_ARGS)

    id: str = Field(primary_key=True, max_length=36)
    owner_id: str = Field(max_length=36, foreign_key="users.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=80)
    prefix: str = Field(max_length=16)
    key_hash: str = Field(max_length=64)
    scopes: str = Field(max_length=200)  # the scopes' names, comma-separated
    created_at: datetime = Field(sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


KEY_FIELDS = tuple(f.name for f in fields(ApiKey) if f.name != "scopes")


class SqlApiKeyRepository(SqlRepository[ApiKeyRow, ApiKey]):
    row_type = ApiKeyRow

    def to_domain(self, row: ApiKeyRow) -> ApiKey:
        scopes = frozenset(Scope(name) for name in row.scopes.split(",") if name)
        return ApiKey(scopes=scopes, **values_of(row, KEY_FIELDS))

    def new_row(self, key: ApiKey) -> ApiKeyRow:
        return self.update_row(key, ApiKeyRow(**values_of(key, KEY_FIELDS), scopes=""))

    def update_row(self, key: ApiKey, row: ApiKeyRow) -> ApiKeyRow:
        for name in KEY_FIELDS:
            setattr(row, name, getattr(key, name))
        row.scopes = ",".join(sorted(scope.value for scope in key.scopes))
        return row

    def by_hash(self, key_hash: str) -> ApiKey | None:
        return self.first(select(ApiKeyRow).where(ApiKeyRow.key_hash == key_hash))

    def list_for_owner(self, owner_id: str) -> list[ApiKey]:
        return self.newest_first(ApiKeyRow.owner_id == owner_id, ApiKeyRow.created_at)
