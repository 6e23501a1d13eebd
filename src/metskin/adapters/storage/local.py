"""Encrypted files under a local folder (the embedded default)."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

from metskin.adapters.storage.crypto import KeyRing
from metskin.domain.analysis.ports import ObjectMissing

SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/_.-]{0,250}$")


class UnsafeObjectName(ObjectMissing, ValueError):
    """A name that no stored object can have (e.g. `../metskin.db`): reading it finds nothing."""


def check_name(name: str) -> str:
    if not SAFE_NAME.match(name) or ".." in name or "//" in name:
        raise UnsafeObjectName(f"unsafe object name: {name[:80]!r}")
    return name


class LocalEncryptedStorage:
    def __init__(self, folder: Path, keys: KeyRing) -> None:
        self.folder = folder
        self._keys = keys

    def _path(self, name: str) -> Path:
        return self.folder / check_name(name)

    def put(self, name: str, data: bytes, content_type: str) -> str:
        path = self._path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        with open(temporary, "wb") as handle:
            handle.write(self._keys.encrypt(name, data))
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
        return self._keys.active_key_id

    def get(self, name: str) -> bytes:
        try:
            blob = self._path(name).read_bytes()
        except FileNotFoundError as error:
            raise ObjectMissing(name) from error
        return self._keys.decrypt(name, blob)

    def delete(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)

    def exists(self, name: str) -> bool:
        return self._path(name).exists()
