"""Use cases of API keys: create (the key is returned once), list, revoke, authenticate."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Iterable
from datetime import timedelta
from decimal import Decimal

from metskin.domain.accounts.model import Role
from metskin.domain.apikeys.errors import (
    ApiKeyInvalid,
    ApiKeyNotFound,
    TooManyApiKeys,
)
from metskin.domain.apikeys.model import (
    KEY_MARK,
    MAX_NAME_LENGTH,
    PREFIX_LENGTH,
    ApiKey,
    KeyUse,
    Scope,
    key_hash,
)
from metskin.domain.apikeys.ports import ApiKeysUowFactory
from metskin.domain.errors import Forbidden, ValidationFailed
from metskin.domain.i18n.marks import _
from metskin.domain.ports import Clock, read

MAX_ACTIVE_KEYS = 20
TOUCH_EVERY = timedelta(seconds=60)  # last_used_at is written at most this often per key
MAX_KEY_LENGTH = 100  # a longer header is not one of our keys (never hashed)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class ApiKeyService:
    def __init__(
        self,
        uow_factory: ApiKeysUowFactory,
        clock: Clock,
        secret: Callable[[], str] = new_secret,
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._secret = secret

    def create(self, owner_id: str, name: str, scopes: Iterable[Scope]) -> tuple[ApiKey, str]:
        """A new key of the caller's; returns it with the full key, which is never stored."""
        name, wanted = name.strip(), frozenset(scopes)
        if not name or len(name) > MAX_NAME_LENGTH:
            unnamed = _("Name the key (1 to {most} characters).")
            raise ValidationFailed.translatable(unnamed, "name", most=MAX_NAME_LENGTH)
        if not wanted:
            raise ValidationFailed(_("Give the key at least one scope."), field="scopes")
        raw = KEY_MARK + self._secret()
        key = ApiKey(
            str(uuid.uuid4()), owner_id, name, raw[:PREFIX_LENGTH], key_hash(raw), wanted,
            self._clock(),
        )  # fmt: skip
        with self._uow_factory() as uow:
            active = [k for k in uow.api_keys.list_for_owner(owner_id) if k.active]
            if len(active) >= MAX_ACTIVE_KEYS:
                raise TooManyApiKeys.translatable(
                    _("At most {most} active keys; revoke one first."),
                    most=Decimal(MAX_ACTIVE_KEYS),
                )
            uow.api_keys.add(key)
            uow.commit()
        return key, raw

    def keys_of(self, viewer_id: str, role: Role, owner_id: str | None = None) -> list[ApiKey]:
        """The caller's keys, or (admins only) another account's."""
        owner = owner_id or viewer_id
        if owner != viewer_id and role is not Role.ADMIN:
            raise Forbidden(_("You can only list your own keys."))
        return read(self._uow_factory, lambda uow: uow.api_keys.list_for_owner(owner))

    def revoke(self, viewer_id: str, role: Role, key_id: str) -> ApiKey:
        """The owner or an admin ends a key at once; revoking it again changes nothing."""
        with self._uow_factory() as uow:
            key = uow.api_keys.get(key_id)
            if key is None or (key.owner_id != viewer_id and role is not Role.ADMIN):
                raise ApiKeyNotFound(_("No such key."), field="id")
            if key.revoked_at is None:
                key.revoked_at = self._clock()
                uow.api_keys.save(key)
                uow.commit()
        return key

    def authenticate(self, raw_key: str) -> KeyUse:
        """The key's owner and scopes, if the key is live and its owner's account open; records
        when it was last used (at most once a minute)."""
        if not raw_key.startswith(KEY_MARK) or len(raw_key) > MAX_KEY_LENGTH:
            raise ApiKeyInvalid(_("This API key is not valid."))
        now = self._clock()
        with self._uow_factory() as uow:
            key = uow.api_keys.by_hash(key_hash(raw_key))
            owner = uow.users.get(key.owner_id) if key is not None else None
            if key is None or not key.active or owner is None or not owner.is_active:
                raise ApiKeyInvalid(_("This API key is not valid (unknown or revoked)."))
            if key.last_used_at is None or now - key.last_used_at >= TOUCH_EVERY:
                key.last_used_at = now
                uow.api_keys.save(key)
                uow.commit()
        return KeyUse(key.id, key.owner_id, key.scopes)
