"""A profile's prescribed actives must name one the catalog sells only on prescription: a
misspelt one ("tretinion") saved lifted nothing while the person believed it recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest

from metskin.adapters.i18n.translator import BabelTranslations
from metskin.domain.accounts.service import AccountService
from metskin.domain.recommendations.errors import UnknownPrescription
from metskin.domain.recommendations.loader import load_catalog
from metskin.domain.recommendations.prescribed import check_prescribed
from metskin.domain.recommendations.service import RecommendationService
from tests.fakes.accounts import FakeAccountsUnitOfWork
from tests.fakes.infra import FakeAccessTokens, FakeClock, FakeHasher

SHIPPED = tuple(load_catalog().ingredients.values())
KNOWN = "Adapalene, Azelaic Acid, Hydroquinone, Tazarotene, Tretinoin"


@pytest.mark.parametrize(
    "terms",
    [
        ["tretinoin"],
        ["Retinoic-Acid", "all-trans retinoic acids"],
        ["Adapalene", "differin"],
        ["HYDROQUINONE", "tazarotene"],
        [],
    ],
)
def test_the_names_of_prescription_only_actives_are_accepted(terms: list[str]) -> None:
    check_prescribed(terms, SHIPPED)


@pytest.mark.parametrize(
    ("term", "suggestion"),
    [("tretinion", "tretinoin"), ("adapelene", "adapalene"), ("Hydrokinone", "hydroquinone")],
)
def test_a_misspelt_active_is_refused_with_the_closest_name(term: str, suggestion: str) -> None:
    with pytest.raises(UnknownPrescription) as refused:
        check_prescribed(["tretinoin", term], SHIPPED)
    error = refused.value
    assert (error.code, error.field) == ("UNKNOWN_PRESCRIPTION", "prescribed")
    assert error.message == (
        f'"{term}" is not one of the prescription-only actives in our products. Did you mean '
        f'"{suggestion}"? The ones we know: {KNOWN}.'
    )


def test_an_active_sold_without_a_prescription_is_refused_saying_so() -> None:
    """Retinol is close to tretinoin as letters go: no "did you mean" for a different drug."""
    with pytest.raises(UnknownPrescription) as refused:
        check_prescribed(["retinol"], SHIPPED)
    assert refused.value.message.startswith("Retinol is sold without a prescription")
    assert refused.value.message.endswith(f"the ones we know: {KNOWN}.")


@pytest.mark.parametrize("term", ["ivermectin", "retinoids", "acid"])
def test_a_name_we_do_not_sell_on_prescription_is_refused_with_the_list(term: str) -> None:
    """A class ("retinoids") or a word of a name ("acid") lifts nothing (`safety.prescribed`)."""
    with pytest.raises(UnknownPrescription) as refused:
        check_prescribed([term], SHIPPED)
    assert refused.value.message == (
        f'"{term}" is not one of the prescription-only actives in our products ({KNOWN}). Only '
        "these change your routine, so other prescriptions need not be listed here."
    )


def test_a_catalog_without_prescription_actives_checks_nothing() -> None:
    """Not seeded yet: there is nothing to check against (the account tests' empty catalog)."""
    check_prescribed(["tretinoin", "anything"], ())
    with pytest.raises(UnknownPrescription):  # adapalene above 0.1% is still known
        check_prescribed(["tretinion"], [i for i in SHIPPED if i.inci_name != "Tretinoin"])


def test_the_refusal_is_translated() -> None:
    with pytest.raises(UnknownPrescription) as refused:
        check_prescribed(["tretinion"], SHIPPED)
    error = refused.value
    assert error.template is not None
    french = BabelTranslations().translator("fr-FR").gettext(error.template)
    assert french != error.template and "{suggestion}" in french and "{known}" in french


def test_saving_the_profile_checks_the_catalog_s_prescription_actives(
    service: RecommendationService, clock: FakeClock
) -> None:
    """As bootstrap wires it: the account service asks the recommendation service's catalog
    (the test catalog: tretinoin, hydroquinone, adapalene above 0.1%)."""
    uow = FakeAccountsUnitOfWork()
    accounts = AccountService(
        uow,
        FakeHasher(),
        FakeAccessTokens(),
        clock,
        timedelta(days=30),
        check_prescribed=service.check_prescribed,
    )
    person = accounts.register("maya@example.com", "tea-and-toast-77", "Maya")
    assert accounts.update_profile(person.id, {"prescribed": [" Tretinoin "]}).profile.prescribed
    with pytest.raises(UnknownPrescription, match='Did you mean "adapalene"'):
        accounts.update_profile(person.id, {"prescribed": ["tretinoin", "adapelene"]})
    assert uow.users.rows[person.id].profile.prescribed == ["Tretinoin"]  # nothing saved
    # Other fields save without asking (a list saved before the check stays as it was).
    assert accounts.update_profile(person.id, {"allergies": ["oats"]}).profile.allergies
    with pytest.raises(UnknownPrescription):
        accounts.register("eve@example.com", "tea-and-toast-77", "Eve", None, {"prescribed": ["x"]})
