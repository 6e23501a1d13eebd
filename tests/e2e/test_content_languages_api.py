"""Content in the reader's language through GraphQL and /learn: articles, products' usage and
dermatologists' bios in French or German (Accept-Language), English where an item has no
translation, and the editors saving a translation (checked locale, logged)."""

from __future__ import annotations

from metskin.bootstrap import Container
from metskin.cli.seed import seed_catalog
from metskin.domain.recommendations.usage_text import usage_phrases
from tests.e2e.conftest import PASSWORD, GraphQLClient, login_as_admin
from tests.e2e.test_care_api import seed_directory
from tests.e2e.test_content_api import ARTICLE_INPUT, DOCTOR_INPUT, SAVE
from tests.e2e.test_recommendations_api import analysed
from tests.media_samples import face_jpeg

ONE = '{ article(slug: "spf-basics") { title body locale availableLocales } }'
SAVE_IN = """mutation($input: ArticleInput!, $mode: SaveMode!, $locale: String) {
  saveArticle(input: $input, mode: $mode, locale: $locale) { title locale availableLocales } }"""


async def test_articles_read_in_the_requests_language(
    client: GraphQLClient, container: Container
) -> None:
    list(seed_catalog(container))
    english = (await client.data(ONE))["article"]
    assert english["locale"] == "en" and english["title"].startswith("Sunscreen basics")
    assert english["availableLocales"] == ["en", "de", "fr"]
    client.http.headers["accept-language"] = "fr-FR,fr;q=0.9"
    french = (await client.data(ONE))["article"]
    assert french["locale"] == "fr" and french["title"].startswith("Les bases de la protection")
    assert french["body"].count("## ") == english["body"].count("## ")
    found = await client.data(
        '{ articles(first: 5, filter: {search: "crème"}) { edges { node { locale } } } }'
    )
    assert {e["node"]["locale"] for e in found["articles"]["edges"]} == {"fr"}
    # Typed without the accent (a phone keyboard), it finds the same: before, none.
    typed = await client.data(
        '{ articles(first: 5, filter: {search: "creme"}) { edges { node { locale } } } }'
    )
    assert typed == found
    plain, accented = [
        (await client.http.get("/learn", params={"search": word})).text.count('href="/learn/')
        for word in ("eczema", "eczéma")
    ]
    assert plain == accented > 0
    page = await client.http.get("/learn/spf-basics")
    assert '<article lang="fr">' in page.text and "Ce que mesure le FPS" in page.text
    client.http.headers["accept-language"] = "de-AT"
    index = await client.http.get("/learn")
    assert 'lang="de">Sonnenschutz-Grundlagen' in index.text
    products = await client.data(
        "{ products(first: 5) { edges { node { usage { frequency howMuch } } } } }"
    )
    german = {texts["de"] for texts in usage_phrases().values()}
    usages = [e["node"]["usage"] for e in products["products"]["edges"]]
    assert usages and all({u["frequency"], u["howMuch"]} <= german for u in usages)


async def test_editors_save_a_translation_checked_and_logged(
    client: GraphQLClient, container: Container
) -> None:
    await login_as_admin(client, container)
    await client.data(SAVE, mode="CREATE", input=ARTICLE_INPUT)
    german = {
        **ARTICLE_INPUT,
        "title": "Handschuhe für trockene Hände",
        "body": "## Warum\n\nText.",
    }
    saved = await client.data(SAVE_IN, mode="UPDATE", input=german, locale="de-DE")
    assert saved["saveArticle"] == {
        "title": "Handschuhe für trockene Hände",
        "locale": "de",
        "availableLocales": ["en", "de"],
    }
    assert (await client.data('{ article(slug: "gloves-for-dry-hands") { title } }'))["article"][
        "title"
    ] == "Gloves for dry hands"
    bad = await client.call(SAVE_IN, mode="UPDATE", input=german, locale="ja-JP")
    assert bad["errors"][0]["extensions"] == {"code": "VALIDATION_FAILED", "field": "locale"}
    orphan = {**german, "slug": "no-english-yet"}
    missing = await client.call(SAVE_IN, mode="CREATE", input=orphan, locale="fr")
    assert missing["errors"][0]["extensions"] == {"code": "CONTENT_NOT_FOUND", "field": "slug"}
    log = await client.data("{ editorLog(first: 1) { action summary } }")
    assert log["editorLog"][0]["summary"].endswith("(de)")
    stale = '{ article(slug: "gloves-for-dry-hands") { staleLocales } }'
    assert (await client.data(stale))["article"]["staleLocales"] == []
    await client.data(SAVE, mode="UPDATE", input={**ARTICLE_INPUT, "body": "## Why\n\nMore."})
    assert (await client.data(stale))["article"]["staleLocales"] == ["de"]  # English changed


async def test_a_bio_is_translated_by_an_admin_and_read_in_the_readers_language(
    client: GraphQLClient, container: Container
) -> None:
    await login_as_admin(client, container)
    create = """mutation($e: String!, $p: String!, $i: DermatologistInput!) {
      createDermatologist(email: $e, password: $p, input: $i) { id } }"""
    made = await client.data(
        create, e="ada@example.com", p=PASSWORD, i={**DOCTOR_INPUT, "bio": "Acne in adults."}
    )
    doctor_id = made["createDermatologist"]["id"]
    update = """mutation($id: ID!, $i: DermatologistInput!, $l: String) {
      updateDermatologist(id: $id, input: $i, locale: $l) { bio bioLocale } }"""
    french = {**DOCTOR_INPUT, "bio": "L'acné de l'adulte."}
    changed = await client.data(update, id=doctor_id, i=french, l="fr")
    assert changed["updateDermatologist"] == {"bio": "Acne in adults.", "bioLocale": "en"}
    read = "query($id: ID!) { dermatologist(id: $id) { bio bioLocale } }"
    client.http.headers["accept-language"] = "fr"
    assert (await client.data(read, id=doctor_id))["dermatologist"] == {
        "bio": "L'acné de l'adulte.",
        "bioLocale": "fr",
    }
    client.http.headers["accept-language"] = "de"
    assert (await client.data(read, id=doctor_id))["dermatologist"]["bioLocale"] == "en"
    bad = await client.call(update, id=doctor_id, i=french, l="zz")
    assert bad["errors"][0]["extensions"] == {"code": "VALIDATION_FAILED", "field": "locale"}
    log = await client.data("{ editorLog(first: 1) { summary } }")
    assert log["editorLog"][0]["summary"].endswith("bio in fr")


ROUTINE = """query($a: ID!) { recommendations(analysisId: $a) {
  am { howMuch frequency product { brand name usage { howMuch } } }
  tips { title body articles { title url } } } }"""


async def test_a_routine_reads_in_french_tips_usage_and_articles(
    client: GraphQLClient, container: Container
) -> None:
    list(seed_catalog(container))
    await client.register("camille@example.com")
    analysis_id = await analysed(client, container, face_jpeg())
    english = (await client.data(ROUTINE, a=analysis_id))["recommendations"]
    client.http.headers["accept-language"] = "fr-FR"
    french = (await client.data(ROUTINE, a=analysis_id))["recommendations"]
    titles = [tip["title"] for tip in french["tips"]]
    assert (
        len(titles) == len(english["tips"]) and titles[-1] == "Une protection solaire chaque matin"
    )
    assert all(
        f["title"] != e["title"] for f, e in zip(french["tips"], english["tips"], strict=True)
    )
    phrases = usage_phrases()
    for mine, theirs in zip(french["am"], english["am"], strict=True):
        assert mine["howMuch"] == phrases[theirs["howMuch"]]["fr"]
        assert mine["frequency"] == phrases[theirs["frequency"]]["fr"]
        assert mine["product"]["usage"]["howMuch"] == mine["howMuch"]
        assert mine["product"]["name"] == theirs["product"]["name"]  # names stay as they are
    link = next(a for tip in french["tips"] for a in tip["articles"])
    page = await client.http.get(link["url"])
    assert '<article lang="fr">' in page.text and link["title"] in page.text


async def test_a_search_reads_the_bios_in_the_readers_language_where_selected(
    client: GraphQLClient, container: Container
) -> None:
    seed_directory(container)
    search = (
        "{ dermatologists(first: 50) { edges { node { id ...Bio } } } } "
        "fragment Bio on Dermatologist { bio bioLocale }"
    )
    client.http.headers["accept-language"] = "fr"
    nodes = [edge["node"] for edge in (await client.data(search))["dermatologists"]["edges"]]
    with container.new_uow() as uow:
        profiles = {p.id: p for p in uow.dermatologists.get_many([n["id"] for n in nodes])}
    assert nodes == [
        {
            "id": node["id"],
            "bio": profiles[node["id"]].bio_in("fr"),
            "bioLocale": "fr" if profiles[node["id"]].bio_translations.get("fr") else "en",
        }
        for node in nodes
    ]
    assert "fr" in {node["bioLocale"] for node in nodes} and all(node["bio"] for node in nodes)
    plain = "{ dermatologists(first: 50) { edges { node { id } } } }"
    listed = (await client.data(plain))["dermatologists"]["edges"]
    assert [edge["node"]["id"] for edge in listed] == [node["id"] for node in nodes]
