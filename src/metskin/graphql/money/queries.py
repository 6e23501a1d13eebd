"""Money queries: the exchange rates in force."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from metskin.graphql.context import run_sync
from metskin.graphql.money.types import ExchangeRates


@strawberry.type
class MoneyQueries:
    @strawberry.field(
        description="The rates prices are converted with; their currencies are the ones a "
        "profile can choose."
    )
    async def exchange_rates(self, info: Info) -> ExchangeRates:
        return ExchangeRates.from_domain(await run_sync(info.context.container.money.rates))
