"""The media storage port. Adapters encrypt at rest; names are opaque, never served as paths."""

from __future__ import annotations

from typing import Protocol


class ObjectMissing(Exception):
    """The named object is not in storage."""


class MediaStorage(Protocol):
    def put(self, name: str, data: bytes, content_type: str) -> str:
        """Store the object; return the id of the key that encrypted it."""
        ...

    def get(self, name: str) -> bytes: ...
    def delete(self, name: str) -> None: ...
    def exists(self, name: str) -> bool: ...
