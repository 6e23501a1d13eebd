"""An integrator's API key: only its hash and a short prefix are stored; the key is shown once.

A key acts on behalf of its owner's account, as a plain user (never with an admin's or a
dermatologist's powers), and reaches only the fields its scopes cover:

- `CATALOG_READ`: the product catalog (`products`, `product`);
- `DIRECTORY_READ`: the dermatologist directory and free slots (`dermatologists`,
  `dermatologist`, `availableSlots`);
- `ANALYSES_OWN_USERS`: the analyses of the key owner's account, for the integrator's own end
  users: `uploadMedia` (and `uploadByKey`), `startAnalysis` and `analysis(id)` of analyses that
  account owns.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

KEY_MARK = "msk_"
PREFIX_LENGTH = len(KEY_MARK) + 8  # what lists show: enough to tell keys apart
MAX_NAME_LENGTH = 80


class Scope(StrEnum):
    CATALOG_READ = "CATALOG_READ"
    DIRECTORY_READ = "DIRECTORY_READ"
    ANALYSES_OWN_USERS = "ANALYSES_OWN_USERS"


def key_hash(raw_key: str) -> str:
    """SHA-256 of the whole key. Keys are 256 random bits, so a fast hash is enough: there is
    nothing to guess, unlike a password."""
    return hashlib.sha256(raw_key.encode()).hexdigest()


@dataclass
class ApiKey:
    id: str
    owner_id: str
    name: str
    prefix: str
    key_hash: str
    scopes: frozenset[Scope]
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class KeyUse:
    """Who a request with a valid key acts for, and what it may reach."""

    key_id: str
    owner_id: str
    scopes: frozenset[Scope]
