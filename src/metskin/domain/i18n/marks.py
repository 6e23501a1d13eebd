"""`_()` marks a text for the catalog where it is written; it is translated where it is shown.
`n_()` marks a text with its plural (`Said.counted` says the form a count takes, as `ngettext`)."""

from __future__ import annotations

from typing import NamedTuple


def _(message: str) -> str:
    return message


class Plural(NamedTuple):
    singular: str
    plural: str


def n_(singular: str, plural: str) -> Plural:
    return Plural(singular, plural)
