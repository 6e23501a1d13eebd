"""Ports the accounts component needs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from metskin.domain.accounts.model import AccessClaims, RefreshToken, Role, User, UserSearch
from metskin.domain.accounts.phone_delivery import PhoneCodeDeliveries
from metskin.domain.inbox.ports import InboxRepository
from metskin.domain.ports import ConsentRecords, CreatedKey, UnitOfWork

if TYPE_CHECKING:
    from metskin.domain.apikeys.model import ApiKey


class UserRepository(Protocol):
    def add(self, user: User) -> None: ...
    def get(self, user_id: str, *, for_update: bool = False) -> User | None:
        """The user; `for_update` locks the row until the transaction ends."""
        ...

    def get_by_email(self, email: str) -> User | None: ...
    def ids_with_verified_phone(self, phone: str) -> list[str]:
        """The active accounts whose phone is `phone` (E.164) and verified; read without a lock
        (lock each with `get(for_update=True)`)."""
        ...

    def list_by_ids(self, user_ids: list[str]) -> list[User]: ...
    def list_page(
        self,
        after: CreatedKey | None,
        limit: int,
        role: Role | None,
        search: UserSearch | None = None,
    ) -> list[User]:
        """Users (of `role`, matching `search`) ordered by (created_at, id), strictly after
        the keyset `after`."""
        ...

    def list_by_name(
        self,
        after: tuple[str, str] | None,
        limit: int,
        role: Role | None,
        search: UserSearch | None = None,
    ) -> list[User]:
        """Users (of `role`, matching `search`) ordered by (`sort_name`, id), strictly after
        the keyset `after`."""
        ...

    def save(self, user: User) -> None: ...


class RefreshTokenRepository(Protocol):
    def add(self, token: RefreshToken) -> None: ...
    def get(self, token_hash: str) -> RefreshToken | None: ...
    def revoke_family(self, family: str, when: datetime) -> None: ...
    def revoke_user(self, user_id: str, when: datetime, keep_family: str | None = None) -> None:
        """End every session of the user, but `keep_family` (the one in use) when given."""
        ...

    def family_active(self, family: str, now: datetime) -> bool:
        """Whether the session (a family of rotated tokens) still has a usable token."""
        ...

    def save(self, token: RefreshToken) -> None: ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...
    def verify(self, password_hash: str, password: str) -> bool: ...
    def needs_rehash(self, password_hash: str) -> bool: ...


class AccessTokenCodec(Protocol):
    def issue(
        self, user_id: str, role: Role, now: datetime, session: str
    ) -> tuple[str, datetime]: ...
    def decode(self, token: str, now: datetime) -> AccessClaims:
        """The token's claims, or raise Unauthenticated."""
        ...


class PasswordResetTokens(Protocol):
    """Signed, expiring reset tokens bound to the password hash they were issued for: a
    changed hash (the reset itself, or any other change) makes them invalid, with no table."""

    lifetime: timedelta

    def issue(
        self, user_id: str, password_hash: str, now: datetime, vouched_email: str | None = None
    ) -> str:
        """`vouched_email`: an administrator checked that this address is the owner's (the
        support path, domain/accounts/support.py); the link then resets an unconfirmed one."""
        ...

    def subject(self, token: str, now: datetime) -> str | None:
        """The user id of a genuine, unexpired reset token; None for any other text."""
        ...

    def bound_to(self, token: str, password_hash: str) -> bool:
        """Whether the token was issued while the password hash was this one."""
        ...

    def vouched_for(self, token: str, email: str) -> bool:
        """Whether the token was issued by the support path for this very address."""
        ...


class PurposeTokens(Protocol):
    """Signed tokens of one purpose (adapters/security/signed_tokens.py): a token of another
    purpose, forged, altered or expired by the service's clock reads as None."""

    lifetime: timedelta | None

    def issue(self, claims: Mapping[str, str], now: datetime | None = None) -> str: ...
    def read(self, token: str, now: datetime | None, *names: str) -> dict[str, str] | None:
        """The claims `names` (each a string) of a genuine, unexpired token; else None."""
        ...

    def fingerprint(self, text: str) -> str:
        """A keyed digest of `text`, to bind a token to a value it must not reveal."""
        ...

    def same_fingerprint(self, fingerprint: str, text: str) -> bool:
        """Whether `fingerprint` (a token's claim) is `text`'s, compared in constant time."""
        ...


class LoginAttempts(Protocol):
    """The login backoff (domain/limits `LoginBackoff`), by the account's email: a wrong
    current password counts as a failed login."""

    def check(self, email: str) -> None:
        """Raise RateLimited while the account must wait."""
        ...

    def failed(self, email: str) -> None: ...
    def succeeded(self, email: str) -> None: ...


class AccountApiKeys(Protocol):
    """The account's API keys as a new password ends them (the API keys' repository)."""

    def list_for_owner(self, owner_id: str) -> list[ApiKey]: ...
    def save(self, key: ApiKey) -> None: ...


class AccountsUnitOfWork(UnitOfWork, Protocol):
    """What the accounts use cases read and write in one transaction."""

    users: UserRepository
    refresh_tokens: RefreshTokenRepository
    phone_codes: PhoneCodeDeliveries
    inbox: InboxRepository  # a bounced address is told there (email_address.py)
    consent_records: ConsentRecords  # the person's own SMS choices (sms_consent.py)

    @property
    def api_keys(self) -> AccountApiKeys:
        """A new password ends them with the sessions (read-only: the keys' own repository)."""
        ...


AccountsUowFactory = Callable[[], AccountsUnitOfWork]
