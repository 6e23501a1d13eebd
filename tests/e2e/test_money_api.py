"""Money through GraphQL: a person in London, New York or Paris sees their own currency, with
budgets compared like with like and the rates named; an admin updates the rates."""

from __future__ import annotations

from decimal import Decimal

import pytest

from metskin.bootstrap import Container
from metskin.cli.seed import seed_catalog
from tests.e2e.conftest import PASSWORD, GraphQLClient, login_as_admin
from tests.e2e.test_recommendations_api import analysed
from tests.media_samples import face_jpeg

REGISTER = """mutation($i: RegisterInput!) {
  register(input: $i) { accessToken user { profile { currency timeZone } } } }"""
PROFILE = "mutation($i: ProfileInput!) { updateProfile(input: $i) { profile { currency } } }"
ROUTINE = """query($a: ID!) { recommendations(analysisId: $a) {
  currency totalPrice totalNote total { amount currency }
  am { productId price { amount currency } priceNote why }
  pm { productId price { amount currency } priceNote why }
  excluded { ruleId reason } } }"""
SET_RATES = """mutation($d: Date!, $r: [ExchangeRateInput!]!) {
  setExchangeRates(asOf: $d, rates: $r, note: "test") { rates { currency perEur asOf source } } }"""


@pytest.fixture
def seeded(container: Container) -> Container:
    list(seed_catalog(container))
    return container


async def register(client: GraphQLClient, email: str, **profile: str) -> dict:
    # The person ticks the photo-analysis consent box: these tests upload a face.
    new = {"email": email, "password": PASSWORD, "photoConsent": True, **profile}
    data = await client.data(REGISTER, i=new)
    client.token = data["register"]["accessToken"]
    return data["register"]["user"]["profile"]


@pytest.mark.parametrize(
    ("zone", "currency", "converted"),
    [
        ("Europe/London", "GBP", True),
        ("America/New_York", "USD", True),
        ("Europe/Paris", "EUR", False),
    ],
)
async def test_a_budget_of_30_in_the_persons_currency_gets_a_full_routine_in_it(
    client: GraphQLClient,
    seeded: Container,
    zone: str,
    currency: str,
    converted: bool,
) -> None:
    profile = await register(client, "maya@example.com", timeZone=zone)
    assert profile == {"currency": currency, "timeZone": zone}
    await client.data(PROFILE, i={"budgetPerProduct": 30})
    routine = (await client.data(ROUTINE, a=await analysed(client, seeded, face_jpeg())))[
        "recommendations"
    ]
    steps = routine["am"] + routine["pm"]
    assert len(routine["am"]) >= 3, routine  # cleanser, moisturiser, sunscreen at least
    prices = {step["productId"]: step["price"] for step in steps}
    assert all(p["currency"] == currency and Decimal(p["amount"]) <= 30 for p in prices.values())
    total = sum((Decimal(p["amount"]) for p in prices.values()), Decimal(0))
    assert routine["total"] == {"amount": str(total), "currency": currency}
    assert (routine["currency"], Decimal(routine["totalPrice"])) == (currency, total)
    for item in routine["excluded"]:
        if item["ruleId"] == "budget.per_product":
            assert f"above your limit of 30.00 {currency} per product" in item["reason"]
    if converted:
        assert routine["totalNote"].startswith("converted from EUR at ")
        assert routine["totalNote"].endswith("(rates of 2026-11-30)")
        assert all(step["priceNote"] == routine["totalNote"] for step in steps)
    else:
        assert routine["totalNote"] is None and all(s["priceNote"] is None for s in steps)
    lines = [line for step in steps for line in step["why"]]
    assert len(lines) == len(set(lines))


@pytest.mark.parametrize("bad", ["XXX", "euro", "£", "GBPX", "XAU"])
async def test_a_currency_must_be_iso_4217(client: GraphQLClient, bad: str) -> None:
    await client.register("maya@example.com")
    body = await client.call(PROFILE, i={"currency": bad})
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "VALIDATION_FAILED"
    assert error["extensions"]["field"] == "currency"
    body = await client.call(
        REGISTER, i={"email": "sam@example.com", "password": PASSWORD, "currency": bad}
    )
    assert [e["extensions"]["field"] for e in body["errors"]] == ["currency"]


async def test_an_admin_updates_the_rates_and_routines_use_them(
    client: GraphQLClient,
    seeded: Container,
) -> None:
    await register(client, "maya@example.com", timeZone="Europe/London")
    analysis_id = await analysed(client, seeded, face_jpeg())
    before = (await client.data(ROUTINE, a=analysis_id))["recommendations"]
    assert before["totalNote"] == "converted from EUR at 0.868 (rates of 2026-11-30)"
    rates = [{"currency": "GBP", "perEur": "0.9"}]
    assert await client.error_codes(SET_RATES, d="2026-12-01", r=rates) == ["FORBIDDEN"]

    await login_as_admin(client, seeded)
    body = await client.call(SET_RATES, d="2026-12-01", r=[{"currency": "XXX", "perEur": "1"}])
    assert body["errors"][0]["extensions"]["field"] == "rates.0.currency"
    body = await client.call(SET_RATES, d="2026-12-01", r=[{"currency": "GBP", "perEur": "-1"}])
    assert body["errors"][0]["extensions"]["field"] == "rates.0.perEur"
    table = (await client.data(SET_RATES, d="2026-12-01", r=rates))["setExchangeRates"]
    assert {"currency": "GBP", "perEur": "0.9", "asOf": "2026-12-01", "source": "admin"} in (
        table["rates"]
    )
    public = await client.data("{ exchangeRates { base rates { currency asOf } } }")
    assert public["exchangeRates"]["base"] == "EUR"

    client.token = (
        await client.data(
            'mutation($p: String!) { login(email: "maya@example.com", password: $p) '
            "{ accessToken } }",
            p=PASSWORD,
        )
    )["login"]["accessToken"]
    after = (await client.data(ROUTINE, a=analysis_id))["recommendations"]
    assert after["totalNote"] == "converted from EUR at 0.9 (rates of 2026-12-01)"
    assert Decimal(after["totalPrice"]) > Decimal(before["totalPrice"])
