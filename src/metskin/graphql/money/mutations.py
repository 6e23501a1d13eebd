"""Money mutations: an admin records exchange rates (validated, kept with who and why)."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from metskin.graphql.context import run_sync
from metskin.graphql.money.types import ExchangeRateInput, ExchangeRates
from metskin.graphql.permissions import IsAdmin, guarded_mutation


@strawberry.type
class MoneyMutations:
    @guarded_mutation(
        IsAdmin,
        "Record exchange rates (units per 1 EUR) as of a day; a rate with a later or the same "
        "date replaces the one in force. Every entry is kept with the admin and the note.",
    )
    async def set_exchange_rates(
        self, info: Info, as_of: date, rates: list[ExchangeRateInput], note: str = ""
    ) -> ExchangeRates:
        viewer = info.context.require_viewer()
        table = await run_sync(
            info.context.container.money.set_rates,
            viewer.user_id,
            as_of,
            [(rate.currency, rate.per_eur) for rate in rates],
            note,
        )
        return ExchangeRates.from_domain(table)
