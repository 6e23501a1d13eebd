"""Recommendation mutations: rate a product; admins edit the catalog."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.marks import _
from metskin.graphql.context import run_sync
from metskin.graphql.permissions import IsAdmin, IsAuthenticated, guarded_mutation
from metskin.graphql.recommendations.types import Product, ProductOutcome, Rating


@strawberry.type
class RecommendationMutations:
    @guarded_mutation(IsAuthenticated, "Rate a product 1-5 and say how it went.")
    async def rate_product(
        self,
        info: Info,
        product_id: strawberry.ID,
        rating: int,
        outcome: ProductOutcome | None = None,
    ) -> Rating:
        viewer = info.context.require_viewer()
        saved = await run_sync(
            info.context.container.recommendations.rate,
            viewer.user_id,
            str(product_id),
            rating,
            outcome.value if outcome else None,
        )
        return Rating(
            product_id=strawberry.ID(saved.product_id),
            rating=saved.rating,
            outcome=ProductOutcome(saved.outcome) if saved.outcome else None,
            created_at=saved.created_at,
        )

    @guarded_mutation(
        IsAuthenticated,
        "Take back your rating of a product (an irritation said by mistake, or to try it "
        "again): it is forgotten, and a product it kept out of your routine may come back "
        "into it. False when you had not rated it.",
    )
    async def remove_rating(self, info: Info, product_id: strawberry.ID) -> bool:
        viewer = info.context.require_viewer()
        service = info.context.container.recommendations
        return bool(await run_sync(service.unrate, viewer.user_id, str(product_id)))

    @guarded_mutation(
        IsAdmin, "Create or replace a product; same record shape as the shipped catalog."
    )
    async def save_product(self, info: Info, product: JSON) -> Product:
        if not isinstance(product, dict):
            raise ValidationFailed(_("product must be an object."), field="product")
        saved = await run_sync(info.context.container.recommendations.save_product, product)
        return Product.from_domain(saved)

    @guarded_mutation(IsAdmin, "Take a product off sale.")
    async def remove_product(self, info: Info, id: strawberry.ID) -> bool:
        await run_sync(info.context.container.recommendations.remove_product, str(id))
        return True

    @guarded_mutation(IsAdmin, "Create or replace an ingredient.")
    async def save_ingredient(self, info: Info, ingredient: JSON) -> bool:
        if not isinstance(ingredient, dict):
            raise ValidationFailed(_("ingredient must be an object."), field="ingredient")
        await run_sync(info.context.container.recommendations.save_ingredient, ingredient)
        return True
