"""The Argon2id hasher: passwords in one Unicode form, and hashes made before that still verify."""

from __future__ import annotations

import unicodedata

from argon2 import PasswordHasher

from metskin.adapters.security.passwords import Argon2Hasher

DECOMPOSED = unicodedata.normalize("NFD", "Crème-brûlée-2026")


def test_a_hash_made_before_passwords_were_normalised_still_verifies() -> None:
    """Someone whose keyboard sent "e" + accent when they signed up still logs in with it."""
    hasher = Argon2Hasher(time_cost=1, memory_cost=8)
    before = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(DECOMPOSED)
    assert hasher.verify(before, DECOMPOSED)
    assert not hasher.verify(before, "Creme-brulee-2026")


def test_a_new_hash_verifies_every_form_of_the_password() -> None:
    hasher = Argon2Hasher(time_cost=1, memory_cost=8)
    stored = hasher.hash(DECOMPOSED)
    assert hasher.verify(stored, unicodedata.normalize("NFC", DECOMPOSED))
    assert hasher.verify(stored, DECOMPOSED)
    assert not hasher.needs_rehash(stored)
