"""Ports of money: the stored exchange rates (every admin entry kept) and their unit of work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from metskin.domain.money.model import Rate
from metskin.domain.ports import UnitOfWork


class ExchangeRateRepository(Protocol):
    def all(self) -> list[Rate]:
        """Every stored rate, oldest entry first (a later entry for a day replaces an earlier)."""
        ...

    def add(self, rate: Rate, set_by: str, note: str, now: datetime) -> None:
        """Record an admin's rate; earlier entries stay, as the audit trail."""
        ...


class MoneyUnitOfWork(UnitOfWork, Protocol):
    exchange_rates: ExchangeRateRepository


MoneyUowFactory = Callable[[], MoneyUnitOfWork]
