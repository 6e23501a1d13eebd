"""A French person's journey through GraphQL speaks French (issue 14, point 7): every sentence
the code builds (quality issues and retake guidance, concern words, routine why lines and
exclusions with converted prices, referral reasons and advice, errors) is scanned for English.

The client sends no `Accept-Language`: the profile's locale is what the API speaks. Left out of
the scan, because they are data that is translated apart (or never): see `DATA_KEYS` and
`data_texts`; proper names, ids, codes and URLs are single tokens or named fields.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from metskin.bootstrap import Container
from metskin.cli.seed import seed_catalog
from tests.e2e.conftest import PASSWORD, GraphQLClient
from tests.e2e.test_care_api import BOOK, add_done_analysis, booking
from tests.e2e.test_recommendations_api import analysed
from tests.integration.test_care_booking import day_slots, make_doctor
from tests.media_samples import encode, face_jpeg, noise_image

# Words that are English and not French: one left in a sentence is an untranslated sentence.
ENGLISH_WORDS = frozenset(
    [
        "the",
        "and",
        "your",
        "you",
        "with",
        "this",
        "that",
        "is",
        "are",
        "be",
        "been",
        "was",
        "were",
        "which",
        "from",
        "not",
        "have",
        "has",
        "of",
        "to",
        "for",
        "it",
        "its",
        "we",
        "our",
        "there",
        "what",
        "when",
        "into",
        "than",
        "only",
        "should",
        "would",
        "could",
        "can",
        "please",
        "here",
    ]
)
# Proper names (products, brands, people) are never translated; everything else, the
# catalog's usage texts and the tips included, must read in French.
DATA_KEYS = frozenset({"name", "brand"})
# Fields that carry values, not sentences (JSON for integrators, rule evidence, ids).
# `itaCategory` ("very light") is a code of the ITA scale that integrators match on.
VALUE_KEYS = frozenset({"raw", "evidence", "details", "rulesChecked", "itaCategory"})

REGISTER = """mutation($i: RegisterInput!) { register(input: $i) { accessToken
  user { id profile { locale currency } } } }"""
PROFILE = """mutation($i: ProfileInput!) { updateProfile(input: $i) {
  profile { locale currency budgetPerProduct } } }"""
ANALYSIS = """query($id: ID!) { analysis(id: $id) { id status failureCode failureReason
  result { ok retakeNeeded summary quality { code message guidance blocking }
    concerns { name title band bandLabel meaning advice explanation }
    tone { itaCategory undertone fitzpatrick } } } }"""
PRODUCT = "product { id brand name usage { howMuch frequency howToIntroduce warnings } }"
ROUTINE = f"""query($a: ID!) {{ recommendations(analysisId: $a) {{
  currency totalPrice totalNote warnings
  am {{ slot time why introduce warnings howMuch frequency priceNote {PRODUCT} }}
  pm {{ slot time why introduce warnings howMuch frequency priceNote {PRODUCT} }}
  alternatives {{ slot options {{ why priceNote {PRODUCT} }} }}
  excluded {{ productId name ruleId reason }}
  tips {{ title body articles {{ slug title url }} }}
}} }}"""
REFERRAL = """query($id: ID!) { referral(analysisId: $id) { disclaimer rulesChecked
  referral { urgency specialty message advice reasons { ruleId text evidence } } } }"""
SYMPTOMS = """mutation($id: ID!, $a: SymptomAnswers!) { submitSymptoms(analysisId: $id, answers: $a)
  { disclaimer referral { urgency message advice reasons { ruleId text } } } }"""
INBOX = "{ notifications(first: 20) { edges { node { kind read details } } } }"


def signup(email: str, locale: str) -> dict[str, str | bool]:
    return {
        "email": email,
        "password": PASSWORD,
        "displayName": "Test",
        "locale": locale,
        "photoConsent": True,
    }


def english_in(text: str, names: list[str]) -> set[str]:
    """The English words left in `text` once the proper names and data texts are taken out."""
    for name in names:
        text = re.sub(re.escape(name), " ", text, flags=re.IGNORECASE)
    return ENGLISH_WORDS & set(re.findall(r"[^\W\d_]+", text.lower()))


def data_texts(node: Any) -> list[str]:
    """Texts that come from the catalog's data (under `product`), longest first."""
    found: list[str] = []

    def walk(value: Any, inside: bool) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, inside or key == "product")
        elif isinstance(value, list):
            for item in value:
                walk(item, inside)
        elif inside and isinstance(value, str) and value.strip():
            found.append(value.strip())
            found.append(value.strip().lower())

    walk(node, False)
    return sorted(set(found), key=len, reverse=True)


def sentences(node: Any, path: str = "") -> list[tuple[str, str]]:
    """(path, text) of every string with a space in it outside the data and value fields."""
    if isinstance(node, dict):
        return [
            found
            for key, value in node.items()
            if key not in DATA_KEYS | VALUE_KEYS
            for found in sentences(value, f"{path}.{key}")
        ]
    if isinstance(node, list):
        return [found for i, value in enumerate(node) for found in sentences(value, f"{path}[{i}]")]
    return [(path, node)] if isinstance(node, str) and " " in node.strip() else []


class Journey:
    """Every response of the journey, to be scanned at the end."""

    def __init__(self, client: GraphQLClient) -> None:
        self.client = client
        self.responses: list[tuple[str, dict[str, Any]]] = []

    async def call(self, step: str, query: str, **variables: Any) -> dict[str, Any]:
        body = await self.client.call(query, **variables)
        self.responses.append((step, body))
        return body

    async def data(self, step: str, query: str, **variables: Any) -> dict[str, Any]:
        body = await self.call(step, query, **variables)
        assert not body.get("errors"), (step, body["errors"])
        return dict(body["data"])

    def english(self) -> list[tuple[str, str, set[str]]]:
        names = data_texts([body for _, body in self.responses])
        return [
            (f"{step}{path}", text, found)
            for step, body in self.responses
            for path, text in sentences(body)
            if (found := english_in(text, names))
        ]

    def texts(self) -> list[str]:
        return [text for _, body in self.responses for _, text in sentences(body)]


def test_the_detector_finds_english_and_spares_french() -> None:
    assert english_in("Move closer, so that your face fills the frame.", []) == {
        "that",
        "your",
        "the",
    }
    assert not english_in("Rapprochez-vous, pour que votre visage occupe un tiers du cadre.", [])
    assert not english_in("The Ordinary Niacinamide agit sur : rougeurs", ["The Ordinary"])
    assert sentences({"product": {"name": "The Ordinary"}, "why": ["for the skin"]}) == [
        (".why[0]", "for the skin")
    ]


@pytest.fixture
def seeded(container: Container) -> Container:
    list(seed_catalog(container))
    return container


async def test_a_french_person_meets_no_english_sentence(
    client: GraphQLClient, seeded: Container
) -> None:
    journey = Journey(client)
    registered = await journey.data("register", REGISTER, i=signup("amelie@example.fr", "fr-FR"))
    client.token = registered["register"]["accessToken"]
    owner = registered["register"]["user"]["id"]
    await journey.data(
        "profile",
        PROFILE,
        i={
            "currency": "GBP",
            "budgetPerProduct": 12,
            "timeZone": "Europe/Paris",
            "sex": "female",
            "pregnant": True,
            "allergies": ["Niacinamide"],
        },
    )
    refused = await journey.call("bad currency", PROFILE, i={"currency": "zz"})
    assert refused["errors"][0]["extensions"]["code"] == "VALIDATION_FAILED"

    good = await analysed(client, seeded, face_jpeg())
    result = (await journey.data("analysis", ANALYSIS, id=good))["analysis"]["result"]
    assert result["ok"] and result["concerns"]
    routine = (await journey.data("routine", ROUTINE, a=good))["recommendations"]
    reasons = " ".join(e["reason"] for e in routine["excluded"])
    assert routine["excluded"] and "£" in reasons  # prices in the person's currency, French
    assert routine["am"] and all(step["why"] for step in routine["am"])

    no_face = await analysed(client, seeded, encode(noise_image(320, 320), "JPEG"))
    blocked = (await journey.data("retake", ANALYSIS, id=no_face))["analysis"]
    issues = (blocked["result"] or {}).get("quality") or []
    assert blocked["failureReason"] or any(i["blocking"] for i in issues), blocked
    assert all(i["message"] and i["guidance"] for i in issues)

    now = datetime.now(UTC)
    for days, score in ((60, 55.0), (30, 60.0)):
        add_done_analysis(seeded, owner, {"redness": (score, {})}, now - timedelta(days=days))
    red = add_done_analysis(
        seeded, owner, {"redness": (65.0, {}), "acne": (80.0, {"lesion_count": 60.0})}
    )
    referral = (await journey.data("referral", REFERRAL, id=red))["referral"]["referral"]
    assert "acne_severe" in {r["ruleId"] for r in referral["reasons"]}
    answers = {"spotGrowing": True, "spotBleedingOrOozing": True, "eyeSymptoms": True}
    await journey.data("symptoms", SYMPTOMS, id=red, a=answers)

    doctor = make_doctor(seeded)
    await journey.data("booking", BOOK, input=booking(day_slots()[0], doctor.id, "IN_PERSON"))
    seeded.start_embedded_worker()
    seeded.broker.join("default")
    inbox = await journey.data("inbox", INBOX)
    assert inbox["notifications"]["edges"]

    assert not journey.english(), journey.english()
    texts = journey.texts()
    assert len(texts) >= 40, texts  # the scan saw the journey's sentences
    assert any("Rapprochez-vous" in t or "visage" in t for t in texts)  # a retake, in French
    assert any("n'est pas un diagnostic" in t for t in texts)
    # Numbers and days inside the sentences are French too: "0,868", "30 novembre 2026".
    assert not [t for t in texts if re.search(r"\d\.\d|\d{4}-\d\d-\d\d", t)]
    assert any(re.search(r"taux de \d+,\d+, cours du \d+ \w+ 20\d\d", t) for t in texts)


async def test_errors_follow_the_profile_locale_when_the_client_names_no_language(
    client: GraphQLClient,
) -> None:
    anonymous = await client.call("{ me { id } }")
    assert anonymous["errors"][0]["message"] == "Log in to do this."  # nobody signed in: English
    registered = await client.data(REGISTER, i=signup("jonas@example.de", "de"))
    client.token = registered["register"]["accessToken"]
    german = (await client.call(PROFILE, i={"currency": "zz"}))["errors"][0]
    assert german["extensions"] == {"code": "VALIDATION_FAILED", "field": "currency"}
    assert german["message"] != "'zz' is not an ISO 4217 currency code (such as EUR, GBP or USD)."
    assert german["message"] == "'zz' ist kein ISO-4217-Währungscode (wie EUR, GBP oder USD)."
    assert not english_in(german["message"], [])
    client.http.headers["accept-language"] = "fr-FR"  # the header comes first
    try:
        french = (await client.call(PROFILE, i={"currency": "zz"}))["errors"][0]["message"]
        client.http.headers["accept-language"] = "en-GB"
        english = (await client.call(PROFILE, i={"currency": "zz"}))["errors"][0]["message"]
    finally:
        del client.http.headers["accept-language"]
    assert french == "'zz' n'est pas un code de devise ISO 4217 (comme EUR, GBP ou USD)."
    assert english == "'zz' is not an ISO 4217 currency code (such as EUR, GBP or USD)."
    # Back to English in the profile: errors follow it on the next request.
    await client.data(PROFILE, i={"locale": "en-GB"})
    again = (await client.call(PROFILE, i={"currency": "zz"}))["errors"][0]["message"]
    assert again == english
