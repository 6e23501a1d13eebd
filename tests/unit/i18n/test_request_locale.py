"""Which language a GraphQL request speaks: its header, else the signed-in person's profile
locale, else English (`graphql/context.py`)."""

from __future__ import annotations

import weakref
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, cast

import pytest

from metskin.adapters.i18n.translator import BabelTranslations
from metskin.domain.accounts.model import Profile, Role
from metskin.domain.errors import DomainError
from metskin.domain.money.model import Money
from metskin.graphql.context import Context, Viewer


def context(headers: dict[str, str], get_users: Any, viewer: bool = True) -> Context:
    unused = SimpleNamespace(get_many=list, results=list, products_by_id=list)
    container = SimpleNamespace(
        accounts=SimpleNamespace(get_users=get_users),
        media=unused,
        analyses=unused,
        recommendations=unused,
        directory=unused,
        translations=BabelTranslations(),
    )
    found = Context(container=cast(Any, container), request=SimpleNamespace(headers=headers))
    found.viewer = Viewer("u1", Role.PATIENT) if viewer else None
    return found


def person(locale: str) -> Any:
    calls: list[list[str]] = []

    def get_users(ids: list[str]) -> list[Any]:
        calls.append(ids)
        return [SimpleNamespace(profile=Profile(locale=locale))]

    return get_users, calls


def test_the_header_first_then_the_profile_then_english() -> None:
    get_users, calls = person("de-AT")
    assert context({"accept-language": "fr-FR"}, get_users).translator.locale == "fr-FR"
    assert calls == []  # a header: the profile is not read
    profiled = context({}, get_users)
    assert profiled.translator.locale == "de-AT"
    assert profiled.translator.locale == "de-AT"
    assert calls == [["u1"]]  # read once per request
    assert context({}, get_users, viewer=False).translator.locale == "en-GB"
    assert context({}, person("zz-ZZ")[0]).translator.locale == "en-GB"


def test_a_profile_that_cannot_be_read_leaves_the_request_in_english() -> None:
    def down(ids: list[str]) -> list[Any]:
        raise DomainError("The database is not answering.")

    assert context({}, down).translator.locale == "en-GB"


def test_the_profile_is_read_on_the_first_text_translated_not_before() -> None:
    get_users, calls = person("de-DE")
    profiled = context({}, get_users)
    held = profiled.translator
    assert held is profiled.translator  # one translator per request
    assert calls == []  # held, nothing translated: nothing read
    assert held.gettext("No face was found.") == "Es wurde kein Gesicht gefunden."
    assert calls == [["u1"]]
    assert held.ngettext("one", "many", 2) == "many"
    assert held.locale == "de-DE"
    assert calls == [["u1"]]  # read once


@pytest.mark.parametrize(
    "use",
    [
        lambda tr: tr.locale,
        lambda tr: tr.ngettext("a", "b", 1),
        lambda tr: tr.format_date(date(2026, 11, 30)),
        lambda tr: tr.format_datetime(datetime(2026, 11, 30, 9, tzinfo=UTC), "Europe/Berlin"),
        lambda tr: tr.format_number(Decimal("1234.5")),
        lambda tr: tr.format_money(Money(Decimal("12.5"), "EUR")),
    ],
)
def test_every_use_finds_the_language_as_the_translator_itself_would(use: Any) -> None:
    get_users, calls = person("de-AT")
    assert use(context({}, get_users).translator) == use(BabelTranslations().translator("de-AT"))
    assert calls == [["u1"]]


def test_a_translator_kept_after_its_request_speaks_english() -> None:
    """The translator reaches its context weakly (no reference cycle per request): once the
    context is gone, a translator something kept finds English instead of failing."""
    get_users, calls = person("de-AT")
    found = context({"accept-language": "fr-FR"}, get_users)
    kept, gone = found.translator, weakref.ref(found)
    del found
    assert gone() is None  # freed by its reference count alone
    assert kept.locale == "en-GB"
    assert calls == []
