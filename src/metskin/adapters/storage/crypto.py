"""Envelope encryption for stored objects: AES-256-GCM, with the key id kept per object.

Layout: b"MSK1" | key-id length (1 byte) | key id | 12-byte nonce | ciphertext + tag.
The object's name is authenticated data, so a blob cannot be swapped for another one.
"""

from __future__ import annotations

import base64
import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"MSK1"
NONCE_BYTES = 12


class DecryptionFailed(Exception):
    """The object is damaged, was tampered with, or its key is not configured."""


class KeyRing:
    def __init__(self, keys: dict[str, bytes], active_key_id: str) -> None:
        if active_key_id not in keys:
            raise ValueError(f"active storage key {active_key_id!r} is not in the key ring")
        for key_id, key in keys.items():
            if len(key) != 32 or not 0 < len(key_id.encode()) < 256:
                raise ValueError(f"storage key {key_id!r} must be 32 bytes")
        self._keys = keys
        self.active_key_id = active_key_id

    @classmethod
    def from_settings(cls, encoded_keys: dict[str, str], active: str, secret: str) -> KeyRing:
        """Keys are base64; with none configured, one key is derived from the app secret."""
        if not encoded_keys:
            derived = hashlib.sha256(b"metskin-storage-v1:" + secret.encode()).digest()
            return cls({"derived-1": derived}, "derived-1")
        keys = {key_id: base64.b64decode(value) for key_id, value in encoded_keys.items()}
        return cls(keys, active or next(iter(keys)))

    def encrypt(self, name: str, plaintext: bytes) -> bytes:
        key_id = self.active_key_id.encode()
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self._keys[self.active_key_id]).encrypt(nonce, plaintext, name.encode())
        return MAGIC + bytes([len(key_id)]) + key_id + nonce + sealed

    def decrypt(self, name: str, blob: bytes) -> bytes:
        if not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + 1:
            raise DecryptionFailed(f"{name}: not an encrypted object")
        id_length = blob[len(MAGIC)]
        start = len(MAGIC) + 1
        key_id = blob[start : start + id_length].decode(errors="replace")
        nonce = blob[start + id_length : start + id_length + NONCE_BYTES]
        key = self._keys.get(key_id)
        if key is None:
            raise DecryptionFailed(f"{name}: storage key {key_id!r} is not configured")
        try:
            # a view, not a copy of the ciphertext (a photo's copy cost more than its decrypt)
            sealed = memoryview(blob)[start + id_length + NONCE_BYTES :]
            return AESGCM(key).decrypt(nonce, sealed, name.encode())
        except InvalidTag as error:
            raise DecryptionFailed(f"{name}: the object does not authenticate") from error

    @staticmethod
    def key_id_of(blob: bytes) -> str:
        id_length = blob[len(MAGIC)]
        return blob[len(MAGIC) + 1 : len(MAGIC) + 1 + id_length].decode()
