"""A product filter normalised (what a page cursor's fingerprint is made of,
`graphql/cursors.py`) finds the same products: the ingredients to exclude as a set in any
case or spacing, the text's words in any case, order or number."""

from __future__ import annotations

from decimal import Decimal

import pytest

from metskin.domain.recommendations.model import ProductFilter
from metskin.domain.recommendations.service import RecommendationService


@pytest.mark.parametrize(
    "wanted",
    [
        ProductFilter(slot="serum", exclude_ingredients=("Retinol", "  niacinamide ")),
        ProductFilter(exclude_ingredients=("RETINOL", "retinol")),
        ProductFilter(text="Serum  RETINOL serum"),
        ProductFilter(text="a b c d e f g retinol serum"),  # the first 8 words only
        ProductFilter(max_price=Decimal("10.00"), pregnancy_safe=True),
    ],
)
def test_a_filter_normalised_finds_the_same_products(
    service: RecommendationService, wanted: ProductFilter
) -> None:
    normalised = wanted.normalised()
    assert normalised.normalised() == normalised
    found = [p.id for p in service.search(wanted, None, 50)]
    assert [p.id for p in service.search(normalised, None, 50)] == found


def test_equal_filters_written_otherwise_normalise_alike() -> None:
    one = ProductFilter(exclude_ingredients=("Retinol", " fragrance"), text="Gel cream GEL")
    other = ProductFilter(exclude_ingredients=("FRAGRANCE", "retinol"), text="cream gel")
    assert one.normalised() == other.normalised()
    assert one.normalised() != ProductFilter(text="cream gel").normalised()
