"""GraphQL types for money: an amount in a currency, and the exchange rates."""

from __future__ import annotations

from datetime import date

import strawberry

from metskin.domain.money.model import BASE, RatesTable
from metskin.domain.money.model import Money as DomainMoney


@strawberry.type(description="An amount in an ISO 4217 currency.")
class Money:
    amount: str = strawberry.field(description="Decimal amount, as text, in minor units.")
    currency: str = strawberry.field(description="ISO 4217 code, such as EUR, GBP or USD.")

    @classmethod
    def from_domain(cls, money: DomainMoney) -> Money:
        rounded = money.rounded()
        return cls(amount=str(rounded.amount), currency=rounded.currency)


@strawberry.type(description="Units of a currency for one euro, as of a day.")
class ExchangeRate:
    currency: str
    per_eur: str = strawberry.field(description="Decimal, as text.")
    as_of: date
    source: str = strawberry.field(description="'seed' (shipped with the app) or 'admin'.")


@strawberry.type(description="The rates prices are converted with: the newest of each currency.")
class ExchangeRates:
    base: str
    rates: list[ExchangeRate]

    @classmethod
    def from_domain(cls, table: RatesTable) -> ExchangeRates:
        return cls(
            base=BASE,
            rates=[
                ExchangeRate(
                    currency=r.currency, per_eur=str(r.per_eur), as_of=r.as_of, source=r.source
                )
                for _, r in sorted(table.rates.items())
            ],
        )


@strawberry.input(description="Units of a currency for one euro.")
class ExchangeRateInput:
    currency: str = strawberry.field(description="ISO 4217 code, not EUR (the base).")
    per_eur: str = strawberry.field(description="Decimal, as text, above 0.")
