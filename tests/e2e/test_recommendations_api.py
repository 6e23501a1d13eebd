"""Catalog, routines and feedback through GraphQL, on a seeded catalog and a real analysis."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from metskin.bootstrap import Container
from metskin.cli.seed import seed_catalog
from metskin.domain.recommendations import catalog_cache
from metskin.domain.recommendations.safety import find_listed
from tests.e2e.conftest import PASSWORD, GraphQLClient, SelectCounter, login_as_admin
from tests.integration.test_care_booking import make_doctor
from tests.media_samples import encode, face_jpeg, noise_image

START = "mutation($m: ID!) { startAnalysis(mediaId: $m) { id } }"
PROFILE = "mutation($i: ProfileInput!) { updateProfile(input: $i) { id } }"
RECOMMEND = """query($a: ID!) { recommendations(analysisId: $a) {
  id modelVersion totalPrice currency warnings
  am { slot time why introduce howMuch product { id name ingredients pregnancySafe price } }
  pm { slot time why product { id ingredients pregnancySafe } }
  alternatives { slot options { product { id } why } }
  excluded { productId ruleId reason }
  excludedGroups { ruleId reason count products { productId reason } }
  tips { title body articles { slug title url } }
} }"""


@pytest.fixture
def seeded(container: Container) -> Container:
    list(seed_catalog(container))
    return container


async def analysed(client: GraphQLClient, container: Container, data: bytes) -> str:
    media_id = (await client.upload(data))["data"]["uploadMedia"]["id"]
    analysis_id = (await client.data(START, m=media_id))["startAnalysis"]["id"]
    container.start_embedded_worker()
    container.broker.join("default")
    return str(analysis_id)


async def test_a_routine_is_built_for_an_analysis_and_kept_in_history(
    client: GraphQLClient, seeded: Container
) -> None:
    await client.register("maya@example.com")
    analysis_id = await analysed(client, seeded, face_jpeg())
    routine = (await client.data(RECOMMEND, a=analysis_id))["recommendations"]
    am_slots = [step["slot"] for step in routine["am"]]
    assert am_slots[0] == "cleanser" and am_slots[-1] == "sunscreen"
    assert {"cleanser", "moisturiser"} <= {step["slot"] for step in routine["pm"]}
    for step in routine["am"] + routine["pm"]:
        assert step["why"], step
        assert step["product"]["id"]
    linked = [article for tip in routine["tips"] for article in tip["articles"]]
    assert linked
    page = await client.http.get(linked[0]["url"])
    assert page.status_code == 200 and linked[0]["title"] in page.text
    # The pipeline's RECOMMENDING stage saved it; asking again returns the same routine.
    history = await client.data("{ myRoutines(first: 5) { edges { node { id analysisId } } } }")
    edges = history["myRoutines"]["edges"]
    assert [e["node"]["id"] for e in edges] == [routine["id"]]
    assert edges[0]["node"]["analysisId"] == analysis_id


async def test_reading_an_older_analysis_or_a_patients_routine_leaves_the_current_one(
    client: GraphQLClient, seeded: Container
) -> None:
    """What the person follows (their newest routine, the check-in date counted from it) and
    their inbox change only when they look at their latest analysis themselves, or change
    what it is built from (then at once, by a job)."""
    me = await client.register("maya@example.com")
    older = await analysed(client, seeded, face_jpeg())
    latest = await analysed(client, seeded, face_jpeg())
    state = (
        "{ myRoutines(first: 5) { edges { node { id analysisId } } } checkIn { routineMadeAt } }"
    )
    news = "{ notifications(first: 10) { edges { node { id kind } } } }"
    analysed_state = await client.data(state)
    edges = analysed_state["myRoutines"]["edges"]
    assert [e["node"]["analysisId"] for e in edges] == [latest, older]
    await client.data(PROFILE, i={"allergies": ["zinc oxide"]})  # every routine is built anew
    seeded.broker.join("default")  # the current routine is rebuilt for it at once (a job)
    before = await client.data(state)
    assert before != analysed_state
    told = await client.data(news)

    read = (await client.data(RECOMMEND, a=older))["recommendations"]
    assert read["id"] not in {e["node"]["id"] for e in before["myRoutines"]["edges"]}
    assert await client.data(state) == before

    doctor = make_doctor(seeded, "derm@example.com")
    seeded.sharing.share(me["user"]["id"], doctor.id, None, None)
    derm = GraphQLClient(client.http)
    derm.token = seeded.accounts.login("derm@example.com", PASSWORD).tokens.access_token
    theirs = (await derm.data(RECOMMEND, a=latest))["recommendations"]
    assert await client.data(state) == before
    kinds = [e["node"]["kind"] for e in (await client.data(news))["notifications"]["edges"]]
    assert kinds[1:] == [e["node"]["kind"] for e in told["notifications"]["edges"]]
    assert kinds[0] == "SHARE_VIEWED"  # and no ROUTINE_CHANGED

    # The dermatologist read the routine the patient follows: the one the rebuild made.
    own = (await client.data(RECOMMEND, a=latest))["recommendations"]
    assert own["id"] == theirs["id"] == before["myRoutines"]["edges"][0]["node"]["id"]
    assert await client.data(state) == before


async def test_pregnancy_and_allergies_are_respected(
    client: GraphQLClient, seeded: Container
) -> None:
    await client.register("maya@example.com")
    await client.data(PROFILE, i={"sex": "female", "pregnant": True, "allergies": ["Niacinamide"]})
    analysis_id = await analysed(client, seeded, face_jpeg())
    routine = (await client.data(RECOMMEND, a=analysis_id))["recommendations"]
    for step in routine["am"] + routine["pm"]:
        assert step["product"]["pregnancySafe"]
        assert "niacinamide" not in [i.lower() for i in step["product"]["ingredients"]]
    rules = {item["ruleId"] for item in routine["excluded"]}
    assert any("pregnan" in rule for rule in rules), rules
    assert any(item["reason"] for item in routine["excluded"])
    # One line per reason: the niacinamide allergy's products are one group with a count.
    groups = routine["excludedGroups"]
    (allergy,) = [g for g in groups if g["ruleId"] == "allergy.listed_ingredient"]
    assert allergy["count"] == len(allergy["products"]) > 1
    assert f"We left out {allergy['count']} of our products for this" in allergy["reason"]
    listed = {item["productId"] for item in routine["excluded"]}
    grouped = {p["productId"] for g in groups for p in g["products"]}
    assert listed <= grouped and sum(g["count"] for g in groups) >= len(listed)


async def test_prescription_only_products_need_a_prescribed_active(
    client: GraphQLClient, seeded: Container
) -> None:
    """Every adult's routine could pick tretinoin or hydroquinone (sold on prescription only);
    now only the actives the person says a doctor prescribed them may go in."""
    await client.register("maya@example.com")
    analysis_id = await analysed(client, seeded, face_jpeg())
    on_prescription = {
        p.id: {i.inci_name for i in p.prescription_actives}
        for p in seeded.recommendations.catalog.index().catalog.products
        if p.prescription_actives
    }
    assert len(on_prescription) >= 3

    def rule_of(routine: dict) -> dict[str, str]:
        return {e["productId"]: e["ruleId"] for e in routine["excluded"]}

    routine = (await client.data(RECOMMEND, a=analysis_id))["recommendations"]
    assert {pid: rule_of(routine).get(pid) for pid in on_prescription} == dict.fromkeys(
        on_prescription, "prescription.only_when_prescribed"
    )

    saved = await client.data(
        "mutation($i: ProfileInput!) { updateProfile(input: $i) { profile { prescribed } } }",
        i={"prescribed": [" Tretinoin ", "tretinoin", ""]},
    )
    assert saved["updateProfile"]["profile"]["prescribed"] == ["Tretinoin", "tretinoin"]
    routine = (await client.data(RECOMMEND, a=analysis_id))["recommendations"]
    for pid, actives in on_prescription.items():
        lifted = actives == {"Tretinoin"}  # a product with hydroquinone too stays out
        assert (rule_of(routine).get(pid) == "prescription.only_when_prescribed") != lifted, pid


SAVE_PRESCRIBED = """mutation($i: ProfileInput!) {
  updateProfile(input: $i) { profile { prescribed } } }"""


async def test_a_misspelt_prescribed_active_is_refused_with_the_closest_name(
    client: GraphQLClient, seeded: Container
) -> None:
    """ "tretinion" was saved and lifted nothing: the person believed their prescription was
    recorded. Now it is refused, naming the closest active and those the catalog knows, in
    the person's language; the list saved before stays."""
    await client.register("maya@example.com")
    await client.data(SAVE_PRESCRIBED, i={"prescribed": ["Tretinoin"]})
    body = await client.call(SAVE_PRESCRIBED, i={"prescribed": ["Tretinoin", "adapelene"]})
    (error,) = body["errors"]
    assert error["extensions"] == {"code": "UNKNOWN_PRESCRIPTION", "field": "prescribed"}
    assert error["message"] == (
        '"adapelene" is not one of the prescription-only actives in our products. Did you mean '
        '"adapalene"? The ones we know: Adapalene, Azelaic Acid, Hydroquinone, Tazarotene, '
        "Tretinoin."
    )
    client.http.headers["accept-language"] = "fr-FR"
    body = await client.call(SAVE_PRESCRIBED, i={"prescribed": ["retinol"]})
    del client.http.headers["accept-language"]
    assert body["errors"][0]["message"].startswith("Retinol est vendu sans ordonnance")
    me = await client.data("{ me { profile { prescribed } } }")
    assert me["me"]["profile"]["prescribed"] == ["Tretinoin"]


async def test_recommendations_need_a_usable_finished_analysis(
    client: GraphQLClient, seeded: Container
) -> None:
    await client.register("maya@example.com")
    media_id = (await client.upload(face_jpeg(256)))["data"]["uploadMedia"]["id"]
    queued = (await client.data(START, m=media_id))["startAnalysis"]["id"]
    assert await client.error_codes(RECOMMEND, a=queued) == ["ANALYSIS_NOT_READY"]
    no_face = await analysed(client, seeded, encode(noise_image(300, 200), "JPEG"))
    assert await client.error_codes(RECOMMEND, a=no_face) == ["RETAKE_NEEDED"]
    await client.register("eve@example.com")
    assert await client.error_codes(RECOMMEND, a=queued) == ["FORBIDDEN"]


PRODUCTS = """query($f: ProductFilter, $first: Int!, $after: String) {
  products(filter: $f, first: $first, after: $after) {
    edges { node { id slot price concerns pregnancySafe ingredients brand name } }
    pageInfo { hasNextPage endCursor }
  } }"""


@pytest.mark.parametrize(
    "wanted",
    [
        {"concern": "acne", "slot": "serum"},
        {"slot": "sunscreen", "maxPrice": "20"},
        {"pregnancySafe": True, "concern": "wrinkles"},
        {"excludeIngredients": ["Parfum", "Linalool"], "slot": "moisturiser"},
        # Found as allergies are: a class in the plural, a hyphen, a common name's plural.
        {"excludeIngredients": ["retinoids"], "slot": "serum"},
        {"excludeIngredients": ["Salicylic-Acid"]},
        {"excludeIngredients": ["fragrances"], "slot": "moisturiser"},
        {"text": "vitamin c"},
        {"skinType": "oily", "slot": "cleanser"},
    ],
)
async def test_product_filters_hold_for_every_result(
    client: GraphQLClient, seeded: Container, wanted: dict
) -> None:
    found = (await client.data(PRODUCTS, f=wanted, first=100))["products"]["edges"]
    assert found
    catalog = seeded.recommendations.catalog.index().by_id
    for edge in found:
        product = catalog[edge["node"]["id"]]
        if "concern" in wanted:
            assert wanted["concern"] in product.concerns
        if "slot" in wanted:
            assert product.slot == wanted["slot"]
        if "maxPrice" in wanted:
            assert float(product.price.amount) <= float(wanted["maxPrice"])
        if wanted.get("pregnancySafe"):
            assert product.pregnancy_safe
        if "skinType" in wanted:
            assert wanted["skinType"] in product.skin_types
        assert find_listed(product, wanted.get("excludeIngredients", [])) is None
        if "text" in wanted:
            text = " ".join([product.brand, product.name, *product.inci]).lower()
            assert all(word in text for word in wanted["text"].split())


async def test_too_many_ingredients_to_exclude_is_an_error_on_its_field(
    client: GraphQLClient, seeded: Container
) -> None:
    wanted = {"excludeIngredients": [f"oil {n}" for n in range(51)]}
    (error,) = (await client.call(PRODUCTS, f=wanted, first=5))["errors"]
    assert error["extensions"]["code"] == "VALIDATION_FAILED"
    assert error["extensions"]["field"] == "excludeIngredients"


@pytest.mark.parametrize("field", ["concern", "slot", "skinType"])
async def test_a_filter_word_outside_the_vocabulary_is_an_error_on_its_field(
    client: GraphQLClient, seeded: Container, field: str
) -> None:
    body = await client.call(PRODUCTS, f={field: "bogus"}, first=5)
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "VALIDATION_FAILED"
    assert error["extensions"]["field"] == field and field in error["message"]


async def test_products_page_through_without_repeats(
    client: GraphQLClient, seeded: Container
) -> None:
    seen = [node["id"] for node in await client.every_node(PRODUCTS, "products", 40, f=None)]
    assert len(seen) == len(set(seen)) == 166


async def test_a_products_page_is_one_select_whatever_its_size(
    client: GraphQLClient, seeded: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalog_cache, "CATALOG_CHECK_SECONDS", 3600)  # no version check in between
    selects = SelectCounter(client, seeded)
    await client.data(PRODUCTS, f=None, first=1)  # the catalog in memory, read once
    for first in (5, 50):
        assert await selects(PRODUCTS, f={"concern": "acne"}, first=first) == 1


async def test_rating_products(client: GraphQLClient, seeded: Container) -> None:
    await client.register("maya@example.com")
    rate = """mutation($p: ID!, $r: Int!, $o: ProductOutcome) {
        rateProduct(productId: $p, rating: $r, outcome: $o) { productId rating outcome } }"""
    product_id = seeded.recommendations.catalog.index().catalog.products[0].id
    rated = await client.data(rate, p=product_id, r=4, o="WORKED")
    assert rated["rateProduct"] == {"productId": product_id, "rating": 4, "outcome": "WORKED"}
    assert await client.error_codes(rate, p=product_id, r=6) == ["VALIDATION_FAILED"]
    assert await client.error_codes(rate, p="no-such-product", r=3) == ["PRODUCT_NOT_FOUND"]
    with seeded.new_uow() as uow:
        assert len(list(uow.feedback.iter_all())) == 1
    again = await client.data(rate, p=product_id, r=2, o="IRRITATED")  # rating again updates
    assert again["rateProduct"] == {"productId": product_id, "rating": 2, "outcome": "IRRITATED"}
    with seeded.new_uow() as uow:
        assert [(f.rating, f.outcome) for f in uow.feedback.iter_all()] == [(2, "irritated")]


async def test_admins_edit_the_catalog_and_others_cannot(
    client: GraphQLClient, seeded: Container
) -> None:
    folder = resources.files("metskin").joinpath("data", "catalog")
    record = json.loads(folder.joinpath("products.json").read_text())[0]
    record = {
        **record,
        "id": "house-brand-gentle-cleanser",
        "name": "Gentle Cleanser",
        "brand": "House Brand",
        "price": "7.90",
    }
    save = "mutation($p: JSON!) { saveProduct(product: $p) { id price fragranceFree } }"
    await client.register("maya@example.com")
    assert await client.error_codes(save, p=record) == ["FORBIDDEN"]

    await login_as_admin(client, seeded)
    saved = (await client.data(save, p=record))["saveProduct"]
    assert saved["id"] == "house-brand-gentle-cleanser" and saved["price"] == "7.90"
    assert await client.data('{ product(id: "house-brand-gentle-cleanser") { name } }')
    bad = {**record, "key_actives": [["Unobtainium", 5]]}
    body = await client.call(save, p=bad)
    assert body["errors"][0]["extensions"]["code"] == "INVALID_PRODUCT"
    assert "Unobtainium" in body["errors"][0]["message"]
    await client.data('mutation { removeProduct(id: "house-brand-gentle-cleanser") }')
    codes = await client.error_codes('{ product(id: "house-brand-gentle-cleanser") { id } }')
    assert codes == ["PRODUCT_NOT_FOUND"]
