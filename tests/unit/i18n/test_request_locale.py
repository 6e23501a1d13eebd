"""Which language a GraphQL request speaks: its header, else the signed-in person's profile
locale, else English (`graphql/context.py`)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

from metskin.adapters.i18n.translator import BabelTranslations
from metskin.domain.accounts.model import Profile, Role
from metskin.domain.errors import DomainError
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
