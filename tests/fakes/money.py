"""In-memory fake of the exchange rates and the money unit of work."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from metskin.domain.money.model import Rate
from metskin.domain.money.ports import ExchangeRateRepository
from tests.fakes.uow import FakeUnitOfWork, InMemoryRepository


class FakeExchangeRateRepository(InMemoryRepository):
    """Every entry kept in order, with who set it and why (the audit trail)."""

    def __init__(self) -> None:
        self.entries: list[tuple[Rate, str, str, datetime]] = []

    def all(self) -> list[Rate]:
        return [rate for rate, *_ in self.entries]

    def add(self, rate: Rate, set_by: str, note: str, now: datetime) -> None:
        self.entries.append((rate, set_by, note, now))


@dataclass(eq=False, kw_only=True)
class FakeMoneyUnitOfWork(FakeUnitOfWork):
    exchange_rates: ExchangeRateRepository = field(default_factory=FakeExchangeRateRepository)
