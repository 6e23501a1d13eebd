"""Password strength policy (NIST 800-63B style: length first, no common passwords)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from metskin.domain.accounts.errors import WeakPassword
from metskin.domain.i18n.marks import _

if TYPE_CHECKING:
    from datetime import datetime

    from metskin.domain.accounts.model import User
    from metskin.domain.accounts.ports import AccountApiKeys, LoginAttempts, PasswordHasher
    from metskin.domain.errors import DomainError

FIELD = "password"
MIN_LENGTH = 10
MAX_LENGTH = 256
COMMON_PASSWORDS = frozenset(
    {
        "password",
        "password1",
        "password123",
        "1234567890",
        "12345678910",
        "qwertyuiop",
        "iloveyou12",
        "letmein123",
        "welcome123",
        "admin12345",
        "abcdefghij",
        "0987654321",
        "qwerty1234",
        "1q2w3e4r5t",
        "passw0rd12",
        "football12",
        "monkey1234",
        "sunshine12",
        "skincare123",
        "metskin123",
    }
)


def check_password_strength(password: str, email: str, field: str = FIELD) -> None:
    """Raise WeakPassword naming `field` (the input the password came in) with the reason."""
    # Each reason in the person's language: the code's own sentence ("use at least 10
    # characters") would be wrong for all but the first.
    if len(password) < MIN_LENGTH:
        raise WeakPassword.translatable(
            _("Use at least {count} characters."), field, count=MIN_LENGTH
        )
    if len(password) > MAX_LENGTH:
        raise WeakPassword.translatable(
            _("Use at most {count} characters."), field, count=MAX_LENGTH
        )
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(password)) < 4:
        raise WeakPassword.translatable(_("This password is too easy to guess."), field)
    local_part = email.split("@", 1)[0].lower()
    if len(local_part) >= 4 and local_part in lowered:
        raise WeakPassword.translatable(_("The password must not contain your email name."), field)
    if _character_classes(password) < 2 and len(password) < 16:
        mix = _("Mix letters with digits or symbols, or use 16+ characters.")
        raise WeakPassword.translatable(mix, field)


def _character_classes(password: str) -> int:
    checks = (str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum())
    return sum(any(check(c) for c in password) for check in checks)


def confirm_password(
    hasher: PasswordHasher,
    attempts: LoginAttempts | None,
    user: User,
    password: str,
    refused: DomainError,
) -> None:
    """The account's own password asked again (to change it, to close the account), checked as
    a login checks it: refused with RateLimited while the login backoff makes the account wait,
    and a wrong one (`refused` is raised) counted as a failed login, so these paths cannot be
    used to guess a password the login would slow down."""
    if attempts is not None:
        attempts.check(user.email)
    if not hasher.verify(user.password_hash, password):
        if attempts is not None:
            attempts.failed(user.email)
        raise refused


def end_api_keys(keys: AccountApiKeys, owner_id: str, when: datetime) -> int:
    """Revoke every active API key of the account: its password was replaced, and whoever had
    the old one or a session could have made one. The caller's unit of work commits. Returns
    how many were revoked."""
    active = [key for key in keys.list_for_owner(owner_id) if key.active]
    for key in active:
        key.revoked_at = when
        keys.save(key)
    return len(active)
