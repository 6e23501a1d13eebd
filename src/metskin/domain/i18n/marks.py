"""`_()` marks a text for the catalog where it is written; it is translated where it is shown."""

from __future__ import annotations


def _(message: str) -> str:
    return message
