"""The gettext catalogs: `metskin/locale/<language>/LC_MESSAGES/messages.po`, read with Babel.

The .po files are the only copy (no compiled .mo): they are read once per language on first
use, so a fresh clone speaks every language as soon as it is installed. English is the source
language and has no catalog. A fuzzy or empty entry is not a translation (the English shows).
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from functools import cache
from importlib import resources

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from metskin.domain.i18n.locales import LANGUAGES

DOMAIN = "messages"
SOURCE_LANGUAGE = "en"

Messages = dict[str | tuple[str, str], str | tuple[str, ...]]


def catalog_path(language: str) -> resources.abc.Traversable:
    return resources.files("metskin").joinpath("locale", language, "LC_MESSAGES", f"{DOMAIN}.po")


def read_catalog(language: str) -> Catalog:
    with catalog_path(language).open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


@cache
def messages(language: str) -> Messages:
    """msgid (or (singular, plural)) -> msgstr (or the plural forms), translated entries only."""
    if language == SOURCE_LANGUAGE or language not in LANGUAGES:
        return {}
    found: Messages = {}
    for message in read_catalog(language):
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple | list):
            forms = tuple(message.string or ())
            if forms and all(forms):
                found[(message.id[0], message.id[1])] = forms
        elif message.string:
            found[message.id] = str(message.string)
    return found


def web_messages(language: str) -> dict[str, str]:
    """The singular messages, as the browser app's `t()` reads them."""
    return {
        k: v for k, v in messages(language).items() if isinstance(k, str) and isinstance(v, str)
    }


@cache
def _plural_rule(language: str) -> Callable[[int], int]:
    return gettext.c2py(read_catalog(language).plural_expr)


def plural_index(language: str, count: int) -> int:
    """Which plural form of the catalog's `Plural-Forms` a count takes."""
    if language == SOURCE_LANGUAGE or language not in LANGUAGES:
        return 0 if count == 1 else 1
    return int(_plural_rule(language)(count))
