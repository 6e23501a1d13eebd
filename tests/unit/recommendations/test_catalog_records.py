"""Catalog records of the wrong type or out of range are refused naming the field, an
ingredient is checked with the whole catalog it joins, and a catalog that stops loading
leaves the last one that did in service."""

from __future__ import annotations

import math
from typing import Any

import pytest

from metskin.domain.accounts.model import Role
from metskin.domain.recommendations.errors import InvalidProduct
from metskin.domain.recommendations.model import ProductFilter
from metskin.domain.recommendations.records import RecordProblem
from metskin.domain.recommendations.service import RecommendationService
from tests.fakes.recommendations import FakeRecommendationsUnitOfWork
from tests.unit.recommendations.recommendation_builders import catalog, product
from tests.unit.recommendations.service_builders import NOW, chosen

__all__ = ["NOW"]  # the clock fixture reads it
BASE = product("probe", "serum", [("Niacinamide", 5.0)])


def changed(**fields: Any) -> dict[str, Any]:
    return {**BASE, **fields}


@pytest.mark.parametrize(
    ("record", "field"),
    [
        (changed(price="NaN"), "price"),
        (changed(price="Infinity"), "price"),
        (changed(price="1e400"), "price"),
        (changed(price=[1]), "price"),
        (changed(inci="Aqua, Niacinamide"), "inci"),
        (changed(skin_types="oily"), "skin_types"),
        (changed(concerns={"acne": 1}), "concerns"),
        (changed(key_actives=[["Niacinamide", "x"]]), "key_actives.Niacinamide"),
        (changed(key_actives=[["Niacinamide", math.nan]]), "key_actives.Niacinamide"),
        (changed(key_actives=[["Niacinamide"]]), "key_actives"),
        (changed(tint_monk_range=[3]), "tint_monk_range"),
        (changed(spf="fifty"), "spf"),
        (changed(spf=-5), "spf"),
        (changed(id=["x"]), "id"),
        (changed(name="x" * 100_000), "name"),
        (changed(usage={**BASE["usage"], "warnings": "Do not"}), "usage.warnings"),
        (changed(usage={**BASE["usage"], "per_day": "x"}), "usage.per_day"),
        (changed(usage="both"), "usage"),
    ],
)
def test_a_product_field_of_the_wrong_type_or_range_is_refused_by_name(
    record: dict[str, Any], field: str
) -> None:
    with pytest.raises(RecordProblem) as refused:
        catalog([record])
    assert refused.value.field == field and field.split(".")[0] in str(refused.value)


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"inci_name": "Retinyl Retinoate", "classes": "retinoid"}, "classes"),
        ({"inci_name": "Retinyl Retinoate", "contraindications": "pregnancy"}, "contraindications"),
        ({"inci_name": "Probeium", "concerns": 5}, "concerns"),
        ({"inci_name": "Probeium", "concerns": ["acne"]}, "concerns"),
        ({"inci_name": "Probeium", "comedogenic_rating": [1]}, "comedogenic_rating"),
        (
            {"inci_name": "Probeium", "contraindicated_above": {"pregnancy": "2%"}},
            "contraindicated_above.pregnancy",
        ),
        ({"inci_name": "Probeium", "is_fragrance": "no"}, "is_fragrance"),
        ({"inci_name": ["a"]}, "inci_name"),
    ],
)
def test_an_ingredient_field_of_the_wrong_type_is_refused_by_name(
    service: RecommendationService, record: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidProduct) as refused:
        service.save_ingredient(record)
    assert refused.value.field == field


def test_an_ingredient_that_a_stored_product_cannot_satisfy_is_refused(
    service: RecommendationService, uow: FakeRecommendationsUnitOfWork
) -> None:
    version = uow.catalog.version()
    strength_bound = {
        "inci_name": "Glycerin",
        "contraindications": ["pregnancy"],
        "contraindicated_above": {"pregnancy": 1.0},
    }
    with pytest.raises(InvalidProduct, match="'plain-cleanser': Glycerin needs a concentration"):
        service.save_ingredient(strength_bound)
    assert uow.catalog.version() == version
    assert service.search(ProductFilter(), None, 50)  # the catalog still loads


def test_a_catalog_that_stops_loading_leaves_the_last_good_one_in_service(
    service: RecommendationService, uow: FakeRecommendationsUnitOfWork
) -> None:
    before = [p.id for p in service.search(ProductFilter(), None, 50)]
    with uow:  # a record written around the checks (by hand, or an older version)
        uow.catalog.save_ingredient({"inci_name": "Glycerin", "classes": "humectant"})
        uow.catalog.bump_version()
        uow.commit()
    service.catalog.invalidate()
    assert [p.id for p in service.search(ProductFilter(), None, 50)] == before
    assert service.product("retinol-serum").id == "retinol-serum"
    assert "retinol-serum" in chosen(service.recommend("p1", Role.PATIENT, "a1").routine)
