"""Use cases of money: the rates in force, and an admin's update of them (checked, logged)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation

from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.marks import _
from metskin.domain.money.model import BASE, Rate, RatesTable, check_currency, newest, seed_rates
from metskin.domain.money.ports import MoneyUowFactory
from metskin.domain.ports import Clock

log = logging.getLogger(__name__)

RATES_CHECK_SECONDS = 1.0  # how stale the rates in memory may be
MAX_RATES_PER_CALL = 200
MAX_PER_EUR = Decimal(1_000_000)
EARLIEST = date(1999, 1, 1)  # the euro's first day
MAX_NOTE = 200


class MoneyService:
    def __init__(self, uow_factory: MoneyUowFactory, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._lock = threading.Lock()
        self._table: RatesTable | None = None
        self._read_at = 0.0

    def rates(self) -> RatesTable:
        """The packaged rates, overridden per currency by newer (or same-day) admin entries."""
        with self._lock:
            if self._table is None or time.monotonic() - self._read_at > RATES_CHECK_SECONDS:
                with self._uow_factory() as uow:
                    stored = uow.exchange_rates.all()
                self._table = newest([*seed_rates(), *stored])
                self._read_at = time.monotonic()
            return self._table

    def priced_currencies(self) -> frozenset[str]:
        return self.rates().currencies

    def set_rates(
        self, admin_id: str, as_of: date, per_eur: Sequence[tuple[str, str]], note: str = ""
    ) -> RatesTable:
        """Record (currency, units per 1 EUR) pairs as of a day; returns the table now in force."""
        rates = _checked(as_of, per_eur, self._clock().date())
        if len(note) > MAX_NOTE:
            long_note = _("The note is at most {most} characters.")
            raise ValidationFailed.translatable(long_note, "note", most=MAX_NOTE)
        now = self._clock()
        with self._uow_factory() as uow:
            for rate in rates:
                uow.exchange_rates.add(rate, admin_id, note.strip(), now)
            uow.commit()
        log.info(
            "exchange rates set",
            extra={
                "admin_id": admin_id,
                "as_of": as_of.isoformat(),
                "rates": {r.currency: str(r.per_eur) for r in rates},
            },
        )
        with self._lock:
            self._table = None
        return self.rates()


def _checked(as_of: date, per_eur: Sequence[tuple[str, str]], today: date) -> list[Rate]:
    if not EARLIEST <= as_of <= today:
        which_day = _("asOf must be a day from {earliest} to today ({today}).")
        raise ValidationFailed.translatable(which_day, "asOf", earliest=EARLIEST, today=today)
    if not per_eur or len(per_eur) > MAX_RATES_PER_CALL:
        how_many = _("Send 1 to {most} rates.")
        raise ValidationFailed.translatable(how_many, "rates", most=MAX_RATES_PER_CALL)
    rates: dict[str, Rate] = {}
    for index, (code, text) in enumerate(per_eur):
        where = f"rates.{index}"
        currency = check_currency(code, f"{where}.currency")
        if currency == BASE:
            raise ValidationFailed(_("EUR is the base: its rate is always 1."), field=where)
        if currency in rates:
            twice = _("{currency} is listed twice.")
            raise ValidationFailed.translatable(twice, where, currency=currency)
        rates[currency] = Rate(currency, _amount(text, f"{where}.perEur"), as_of, "admin")
    return list(rates.values())


def _amount(text: str, field_name: str) -> Decimal:
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or not 0 < value <= MAX_PER_EUR:
        rate_is = _("A rate is a decimal number of units per 1 EUR, above 0 and at most {most}.")
        raise ValidationFailed.translatable(rate_is, field_name, most=MAX_PER_EUR)
    if value.as_tuple().exponent < -8:  # type: ignore[operator]
        raise ValidationFailed(_("A rate has at most 8 decimal places."), field=field_name)
    return value
