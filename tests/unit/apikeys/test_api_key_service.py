"""API keys on fakes: the key is shown once and only its hash is kept; owners and admins list
and revoke; a revoked key or a closed account stops authenticating; use is recorded."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from metskin.domain.accounts.model import Role
from metskin.domain.apikeys.errors import ApiKeyInvalid, ApiKeyNotFound, TooManyApiKeys
from metskin.domain.apikeys.model import PREFIX_LENGTH, Scope, key_hash
from metskin.domain.apikeys.service import MAX_ACTIVE_KEYS, ApiKeyService
from metskin.domain.errors import Forbidden, ValidationFailed
from tests.fakes.apikeys import FakeApiKeysUnitOfWork
from tests.fakes.infra import FakeClock
from tests.unit.builders import user


@pytest.fixture
def uow() -> FakeApiKeysUnitOfWork:
    uow = FakeApiKeysUnitOfWork()
    with uow:
        for person, role in (("p1", Role.PATIENT), ("p2", Role.PATIENT), ("admin", Role.ADMIN)):
            uow.users.add(user(person, role))
        uow.commit()
    return uow


@pytest.fixture
def keys(uow: FakeApiKeysUnitOfWork, clock: FakeClock) -> ApiKeyService:
    return ApiKeyService(uow, clock)


def test_a_new_key_is_returned_once_and_stored_as_hash_and_prefix(
    keys: ApiKeyService, uow: FakeApiKeysUnitOfWork
) -> None:
    key, raw = keys.create("p1", " shop ", [Scope.CATALOG_READ, Scope.CATALOG_READ])
    assert raw.startswith("msk_") and len(raw) >= 40
    assert (key.name, key.scopes, key.prefix) == ("shop", {Scope.CATALOG_READ}, raw[:12])
    assert len(key.prefix) == PREFIX_LENGTH
    stored = uow.api_keys.get(key.id)
    assert stored is not None and stored.key_hash == key_hash(raw)
    assert raw not in repr(vars(uow.api_keys))  # the key itself is nowhere in the store
    other, other_raw = keys.create("p1", "shop", [Scope.DIRECTORY_READ])
    assert other_raw != raw and other.key_hash != key.key_hash


@pytest.mark.parametrize(
    ("name", "scopes"), [("", [Scope.CATALOG_READ]), ("x" * 81, []), ("ok", [])]
)
def test_a_key_needs_a_name_and_a_scope(
    keys: ApiKeyService, name: str, scopes: list[Scope]
) -> None:
    with pytest.raises(ValidationFailed):
        keys.create("p1", name, scopes)


def test_active_keys_are_capped_per_owner(keys: ApiKeyService) -> None:
    made = [keys.create("p1", f"k{i}", [Scope.CATALOG_READ])[0] for i in range(MAX_ACTIVE_KEYS)]
    with pytest.raises(TooManyApiKeys):
        keys.create("p1", "one more", [Scope.CATALOG_READ])
    keys.revoke("p1", Role.PATIENT, made[0].id)
    assert keys.create("p1", "one more", [Scope.CATALOG_READ])[0].name == "one more"


def test_owners_list_and_revoke_their_keys_admins_anyones(
    keys: ApiKeyService, clock: FakeClock
) -> None:
    first, _ = keys.create("p1", "first", [Scope.CATALOG_READ])
    clock.advance(seconds=1)
    second, _ = keys.create("p1", "second", [Scope.DIRECTORY_READ])
    assert [k.name for k in keys.keys_of("p1", Role.PATIENT)] == ["second", "first"]
    assert [k.name for k in keys.keys_of("admin", Role.ADMIN, "p1")] == ["second", "first"]
    with pytest.raises(Forbidden):
        keys.keys_of("p2", Role.PATIENT, "p1")
    with pytest.raises(ApiKeyNotFound):  # someone else's key looks like no key
        keys.revoke("p2", Role.PATIENT, first.id)
    revoked = keys.revoke("p1", Role.PATIENT, first.id)
    assert revoked.revoked_at == clock() and not revoked.active
    clock.advance(seconds=5)
    assert keys.revoke("p1", Role.PATIENT, first.id).revoked_at == revoked.revoked_at
    assert keys.revoke("admin", Role.ADMIN, second.id).revoked_at == clock()
    assert [k.active for k in keys.keys_of("p1", Role.PATIENT)] == [False, False]


def test_authenticate_gives_owner_and_scopes_until_revoked(
    keys: ApiKeyService, uow: FakeApiKeysUnitOfWork, clock: FakeClock
) -> None:
    key, raw = keys.create("p1", "app", [Scope.ANALYSES_OWN_USERS, Scope.CATALOG_READ])
    use = keys.authenticate(raw)
    assert (use.key_id, use.owner_id) == (key.id, "p1")
    assert use.scopes == {Scope.ANALYSES_OWN_USERS, Scope.CATALOG_READ}
    for wrong in (raw[:-1] + ("A" if raw[-1] != "A" else "B"), "msk_", "Bearer x", raw + "x" * 100):
        with pytest.raises(ApiKeyInvalid):
            keys.authenticate(wrong)
    keys.revoke("p1", Role.PATIENT, key.id)
    with pytest.raises(ApiKeyInvalid):
        keys.authenticate(raw)


def test_a_closed_account_ends_its_keys(keys: ApiKeyService, uow: FakeApiKeysUnitOfWork) -> None:
    _, raw = keys.create("p1", "app", [Scope.CATALOG_READ])
    with uow:
        owner = uow.users.get("p1")
        assert owner is not None
        uow.users.save(replace(owner, is_active=False))
        uow.commit()
    with pytest.raises(ApiKeyInvalid):
        keys.authenticate(raw)


def test_last_use_is_recorded_at_most_once_a_minute(
    keys: ApiKeyService, uow: FakeApiKeysUnitOfWork, clock: FakeClock
) -> None:
    key, raw = keys.create("p1", "app", [Scope.CATALOG_READ])
    assert key.last_used_at is None
    first_use = clock()
    keys.authenticate(raw)
    commits = uow.commits
    clock.advance(seconds=30)
    keys.authenticate(raw)
    stored = uow.api_keys.get(key.id)
    assert stored is not None and stored.last_used_at == first_use and uow.commits == commits
    clock.advance(seconds=31)
    keys.authenticate(raw)
    stored = uow.api_keys.get(key.id)
    assert stored is not None and stored.last_used_at == first_use + timedelta(seconds=61)
