"""Exchange rates in SQL: every admin entry is kept (who, when, why) as the audit trail."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, Index
from sqlmodel import Field, Session, SQLModel, col, select

from metskin.adapters.db.types import BIG_ID, MYSQL_TABLE_ARGS, UTCDateTime
from metskin.domain.money.model import Rate


class ExchangeRateRow(SQLModel, table=True):
    __tablename__ = "exchange_rates"
    __table_args__ = (
        Index("ix_exchange_rates_currency_as_of", "currency", "as_of"),
        MYSQL_TABLE_ARGS,
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BIG_ID)
    currency: str = Field(max_length=3)
    per_eur: str = Field(max_length=32)  # a Decimal as text: exact on SQLite and MariaDB
    as_of: date = Field(sa_type=Date)
    set_by: str = Field(max_length=36)
    note: str = Field(default="", max_length=200)
    created_at: datetime = Field(sa_type=UTCDateTime)


class SqlExchangeRateRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def all(self) -> list[Rate]:
        rows = self._session.exec(select(ExchangeRateRow).order_by(col(ExchangeRateRow.id)))
        return [Rate(r.currency, Decimal(r.per_eur), r.as_of, "admin") for r in rows]

    def add(self, rate: Rate, set_by: str, note: str, now: datetime) -> None:
        self._session.add(
            ExchangeRateRow(
                currency=rate.currency,
                per_eur=str(rate.per_eur),
                as_of=rate.as_of,
                set_by=set_by,
                note=note,
                created_at=now,
            )
        )
