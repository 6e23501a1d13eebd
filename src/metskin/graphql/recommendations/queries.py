"""Recommendation queries: the catalog, the routine for an analysis, your routines."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from metskin.graphql.context import as_viewer, run_sync
from metskin.graphql.cursors import by_created, by_id
from metskin.graphql.pagination import Connection, paginate
from metskin.graphql.permissions import IsAuthenticated, guarded_field
from metskin.graphql.recommendations.types import Product, ProductFilter, Recommendation


@strawberry.type
class RecommendationQueries:
    @strawberry.field(description="Products matching every given filter, by id.")
    async def products(
        self,
        info: Info,
        filter: ProductFilter | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Product]:
        service = info.context.container.recommendations
        wanted = (filter or ProductFilter()).to_domain()
        return await paginate(
            info,
            first,
            after,
            by_id("products"),
            lambda page: service.search(wanted, page.after, page.limit),
            Product.from_domain,
            shape=wanted.normalised(),
        )

    @strawberry.field
    async def product(self, info: Info, id: strawberry.ID) -> Product:
        found = await run_sync(info.context.container.recommendations.product, str(id))
        return Product.from_domain(found)

    @strawberry.field(
        description="The actives our products are sold only on prescription for (at some "
        "strength: adapalene above 0.1%), by INCI name: the names `Profile.prescribed` takes "
        "(their common names too, such as retinoic acid for Tretinoin)."
    )
    async def prescription_actives(self, info: Info) -> list[str]:
        service = info.context.container.recommendations
        return list(await run_sync(service.prescription_actives))

    @guarded_field(
        IsAuthenticated,
        "The routine for a finished analysis (built once per profile state). The owner's read "
        "of their latest analysis makes it their current routine (first in myRoutines); an "
        "older analysis, or a dermatologist's read, answers it without changing that.",
    )
    async def recommendations(self, info: Info, analysis_id: strawberry.ID) -> Recommendation:
        recommend = info.context.container.recommendations.recommend
        saved = await as_viewer(info, recommend, str(analysis_id))
        return Recommendation.from_saved(saved, info.context.translator)

    @guarded_field(IsAuthenticated, "My routines, newest first.")
    async def my_routines(
        self, info: Info, first: int = 10, after: str | None = None
    ) -> Connection[Recommendation]:
        viewer = info.context.require_viewer()
        service = info.context.container.recommendations
        return await paginate(
            info,
            first,
            after,
            by_created("myRoutines"),
            lambda page: service.history(viewer.user_id, page.after, page.limit),
            lambda saved: Recommendation.from_saved(saved, info.context.translator),
        )
