"""Argon2id password hashing, of the password in one Unicode form (NFKC, as NIST 800-63B
asks): "é" typed as one character or as "e" and an accent, or digits typed full-width by an
input method, are the same password."""

from __future__ import annotations

import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Argon2Hasher:
    def __init__(self, time_cost: int = 2, memory_cost: int = 19_456) -> None:
        # OWASP's argon2id minimum: 19 MiB, 2 iterations, 1 lane.
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=1)

    def hash(self, password: str) -> str:
        return self._hasher.hash(unicodedata.normalize("NFKC", password))

    def verify(self, password_hash: str, password: str) -> bool:
        """The normalised password; then, when it differs, the text as typed: hashes made
        before passwords were normalised keep working."""
        normalised = unicodedata.normalize("NFKC", password)
        return self._verify(password_hash, normalised) or (
            normalised != password and self._verify(password_hash, password)
        )

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)
