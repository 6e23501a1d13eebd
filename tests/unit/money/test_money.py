"""Money, exchange rates, the rates an admin sets, and where a person's currency comes from."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from metskin.domain.errors import ValidationFailed
from metskin.domain.money.model import (
    Money,
    NoRate,
    Rate,
    RatesTable,
    check_currency,
    local_currency,
    seed_table,
)
from metskin.domain.money.service import MoneyService
from tests.fakes.infra import FakeClock
from tests.fakes.money import FakeExchangeRateRepository, FakeMoneyUnitOfWork

NOV = date(2026, 11, 30)
TABLE = RatesTable(
    {
        "GBP": Rate("GBP", Decimal("0.85"), NOV),
        "USD": Rate("USD", Decimal("1.16"), date(2026, 11, 28)),
        "JPY": Rate("JPY", Decimal("180.2"), NOV),
    }
)


def test_money_adds_and_compares_only_like_with_like() -> None:
    assert Money(Decimal("1.10"), "EUR") + Money(Decimal("2.25"), "EUR") == Money(
        Decimal("3.35"), "EUR"
    )
    assert Money(Decimal(3), "GBP") < Money(Decimal(4), "GBP")
    with pytest.raises(ValueError, match="convert first"):
        _ = Money(Decimal(1), "EUR") + Money(Decimal(1), "GBP")
    with pytest.raises(ValueError, match="convert first"):
        _ = Money(Decimal(1), "EUR") <= Money(Decimal(1), "GBP")
    with pytest.raises(ValueError):
        Money(Decimal(1), "XXX")


def test_amounts_round_to_the_currencys_minor_units() -> None:
    assert Money(Decimal("13.905"), "EUR").text() == "13.91 EUR"
    assert Money(Decimal("2504.5"), "JPY").text() == "2505 JPY"
    assert Money(Decimal("1.2345"), "KWD").text() == "1.235 KWD"  # three decimals


def test_conversion_names_the_rate_and_the_date() -> None:
    converted = TABLE.convert(Money(Decimal("13.90"), "EUR"), "GBP")
    assert converted.price == Money(Decimal("11.82"), "GBP")
    assert converted.note() == "converted from EUR at 0.85 (rates of 2026-11-30)"
    assert converted.text() == "11.82 GBP (13.90 EUR at 0.85, rates of 2026-11-30)"
    same = TABLE.convert(Money(Decimal("13.90"), "EUR"), "EUR")
    assert same.price.text() == "13.90 EUR" and same.note() == "" and not same.converted


def test_a_cross_rate_goes_through_the_euro_and_takes_the_older_date() -> None:
    converted = TABLE.convert(Money(Decimal("10"), "USD"), "GBP")
    assert converted.rate == Decimal("0.732759")  # 0.85 / 1.16, six significant digits
    assert converted.price.text() == "7.33 GBP"
    assert converted.as_of == date(2026, 11, 28)
    assert TABLE.convert(Money(Decimal("10"), "EUR"), "JPY").price.text() == "1802 JPY"


def test_a_currency_without_a_rate_is_a_coded_error() -> None:
    with pytest.raises(NoRate) as raised:
        TABLE.convert(Money(Decimal(1), "EUR"), "ISK")
    assert raised.value.code == "NO_EXCHANGE_RATE" and raised.value.field == "currency"


@pytest.mark.parametrize("code", ["XXX", "XTS", "XAU", "ZZZ", "euro", "", "US", "USDD", None, 3])
def test_only_circulating_iso_4217_codes_pass(code: object) -> None:
    with pytest.raises(ValidationFailed) as raised:
        check_currency(code, "currency")
    assert raised.value.code == "VALIDATION_FAILED" and raised.value.field == "currency"


def test_iso_codes_are_read_in_any_case() -> None:
    assert [check_currency(c) for c in ("gbp", " USD ", "XOF")] == ["GBP", "USD", "XOF"]


def test_the_packaged_rates_are_dated_and_cover_the_main_currencies() -> None:
    table = seed_table()
    assert {"EUR", "GBP", "USD", "JPY", "CHF"} <= table.currencies
    assert {rate.as_of for rate in table.rates.values()} == {NOV}


@pytest.mark.parametrize(
    ("zone", "locale", "expected"),
    [
        ("Europe/London", "en-GB", "GBP"),
        ("America/New_York", "en-US", "USD"),
        ("Europe/Paris", "fr-FR", "EUR"),
        ("America/Chicago", "fr-FR", "USD"),  # the zone says where the person lives
        ("Etc/UTC", "de-CH", "CHF"),  # no country for the zone: the locale's region
        ("Etc/UTC", "en", "EUR"),  # nothing to go on
        ("Africa/Lagos", "en-NG", "EUR"),  # NGN has no rate: the euro
    ],
)
def test_local_currency_follows_the_zone_then_the_locale(
    zone: str, locale: str, expected: str
) -> None:
    assert local_currency(zone, locale, seed_table().currencies) == expected


@pytest.fixture
def money() -> tuple[MoneyService, FakeMoneyUnitOfWork]:
    uow = FakeMoneyUnitOfWork()
    return MoneyService(uow, FakeClock(datetime(2026, 12, 3, 9, tzinfo=UTC))), uow


def test_an_admin_rate_replaces_the_packaged_one_and_is_kept_with_who_and_why(
    money: tuple[MoneyService, FakeMoneyUnitOfWork],
) -> None:
    service, uow = money
    before = service.rates().rate("EUR", "GBP")
    table = service.set_rates("admin-1", date(2026, 12, 2), [("gbp", "0.8512")], "ECB fixing")
    assert table.rate("EUR", "GBP") == (Decimal("0.8512"), date(2026, 12, 2))
    assert table.rate("EUR", "USD") == service.rates().rate("EUR", "USD")  # others untouched
    assert before != table.rate("EUR", "GBP")
    repository = uow.exchange_rates
    assert isinstance(repository, FakeExchangeRateRepository)
    (rate, who, why, _when) = repository.entries[0]
    assert (rate.currency, who, why) == ("GBP", "admin-1", "ECB fixing")
    # An older entry does not replace a newer rate.
    service.set_rates("admin-1", date(2026, 1, 5), [("GBP", "0.83")])
    assert service.rates().rate("EUR", "GBP")[0] == Decimal("0.8512")
    # A new currency can be priced from now on.
    assert "NGN" not in service.priced_currencies()
    service.set_rates("admin-1", date(2026, 12, 2), [("NGN", "1650")])
    assert "NGN" in service.priced_currencies()


@pytest.mark.parametrize(
    ("as_of", "rates", "field"),
    [
        (date(2026, 12, 4), [("GBP", "0.85")], "asOf"),  # tomorrow
        (date(1998, 12, 31), [("GBP", "0.85")], "asOf"),
        (date(2026, 12, 1), [], "rates"),
        (date(2026, 12, 1), [("XXX", "1")], "rates.0.currency"),
        (date(2026, 12, 1), [("GBP", "0.85"), ("pounds", "1")], "rates.1.currency"),
        (date(2026, 12, 1), [("EUR", "1")], "rates.0"),
        (date(2026, 12, 1), [("GBP", "0.85"), ("GBP", "0.86")], "rates.1"),
        (date(2026, 12, 1), [("GBP", "0")], "rates.0.perEur"),
        (date(2026, 12, 1), [("GBP", "-1")], "rates.0.perEur"),
        (date(2026, 12, 1), [("GBP", "abc")], "rates.0.perEur"),
        (date(2026, 12, 1), [("GBP", "NaN")], "rates.0.perEur"),
        (date(2026, 12, 1), [("GBP", "1e9")], "rates.0.perEur"),
        (date(2026, 12, 1), [("GBP", "0.123456789")], "rates.0.perEur"),
    ],
)
def test_bad_rates_are_refused_whole_with_the_field_named(
    money: tuple[MoneyService, FakeMoneyUnitOfWork],
    as_of: date,
    rates: list[tuple[str, str]],
    field: str,
) -> None:
    service, uow = money
    with pytest.raises(ValidationFailed) as raised:
        service.set_rates("admin-1", as_of, rates)
    assert raised.value.field == field
    assert uow.exchange_rates.all() == []  # nothing half-saved
