"""Accounts listed by name and searched (the administrators' list of dermatologists), on the
fakes: one key (`User.sort_name`) orders and pages them whatever the accents and case, and a
search finds a name without its accents or an address."""

from __future__ import annotations

import pytest

from metskin.domain.accounts.model import Role, UserSearch, sort_name
from metskin.domain.accounts.service import AccountService
from metskin.domain.errors import ValidationFailed
from tests.fakes.accounts import FakeAccountsUnitOfWork
from tests.unit.builders import user

NAMES = {"z1": "Zoe", "z2": "zoë", "z3": "Zoe Smith", "e": "Élodie", "a": "Ångström", "n": ""}


def test_the_key_folds_case_and_accents_and_orders_the_accented_form_after() -> None:
    keys = {name: sort_name(name, "x@example.com") for name in ("Zoe", "zoë", "ZOE", "Élodie")}
    assert keys["Zoe"] == keys["ZOE"] < keys["zoë"]
    assert keys["Élodie"] < keys["Zoe"]  # before: "élodie" came after "zoe"
    assert sort_name("", "Nina@Example.com").startswith("nina@example.com")
    assert len(sort_name("é" * 300, "")) == 191


def test_accounts_by_name_paged_and_searched(
    uow: FakeAccountsUnitOfWork, accounts: AccountService
) -> None:
    with uow:
        for ident, name in NAMES.items():
            uow.users.add(user(ident, Role.DERMATOLOGIST, display_name=name))
        uow.users.add(user("p", display_name="Zoe"))  # a patient
        uow.commit()

    def pages(search: str | None, size: int) -> list[str]:
        found, after = [], None
        while True:
            page = accounts.users_by_name(after, size + 1, Role.DERMATOLOGIST, search)
            found += [u.id for u in page[:size]]
            if len(page) <= size:
                return found
            after = (page[size - 1].sort_name, page[size - 1].id)

    assert pages(None, 2) == pages(None, 10) == ["a", "e", "n", "z1", "z2", "z3"]
    assert pages("ELO", 2) == ["e"] and pages("zoë", 2) == ["z1", "z2", "z3"]
    assert pages("n@EXAMPLE", 2) == ["n"]
    assert pages("   ", 2) == pages(None, 2)
    with pytest.raises(ValidationFailed) as refused:
        UserSearch.of("x" * 101)
    assert refused.value.field == "search"


def test_letters_without_a_mark_sort_and_search_as_typed(
    uow: FakeAccountsUnitOfWork, accounts: AccountService
) -> None:
    """ "Łukasz", "Þóra" and "Æsa" sorted after "Zoe" and "soren" did not find Søren: "ø" and "ł"
    have no decomposition, so the fold kept them (`domain.i18n.letters`)."""
    names = {"s": "Søren Ødegård", "l": "Łukasz", "z": "Zoe", "t": "Þóra", "a": "Æsa", "o": "Oscar"}
    with uow:
        for ident, name in names.items():
            uow.users.add(user(ident, Role.DERMATOLOGIST, display_name=name))
        uow.commit()
    listed = [u.id for u in accounts.users_by_name(None, 10, Role.DERMATOLOGIST, None)]
    assert listed == ["a", "l", "o", "s", "t", "z"]
    found = accounts.users_by_name(None, 10, Role.DERMATOLOGIST, "soren odegard")
    assert [u.id for u in found] == ["s"]
    assert [u.id for u in accounts.users_by_name(None, 10, Role.DERMATOLOGIST, "lukasz")] == ["l"]
    assert [u.id for u in accounts.users_by_name(None, 10, Role.DERMATOLOGIST, "ŁUK")] == ["l"]
