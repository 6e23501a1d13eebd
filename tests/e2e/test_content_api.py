"""Content and the care links through GraphQL: articles, /learn, the editors' mutations with
their log, dermatologists run by an administrator, and cancellation deadlines at booking."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from metskin.bootstrap import Container
from metskin.domain.accounts.model import Role
from tests.e2e.conftest import PASSWORD, GraphQLClient, login_as_admin
from tests.e2e.test_care_api import (  # noqa: F401  (fixtures)
    BOOK,
    booking,
    clock,
    clocked,
    clocked_client,
    login,
)
from tests.e2e.test_money_api import SET_RATES
from tests.e2e.test_privacy_api import ERASE, columns_mentioning
from tests.fakes.infra import FakeClock
from tests.integration.test_care_booking import day_slots, make_doctor

ARTICLES = """query($filter: ArticleFilter, $first: Int!, $after: String) {
  articles(filter: $filter, first: $first, after: $after) {
    edges { cursor node { slug title concerns skinTypes url videos { slug } } }
    pageInfo { hasNextPage endCursor } } }"""
ARTICLE_INPUT = {
    "slug": "gloves-for-dry-hands",
    "title": "Gloves for dry hands",
    "tags": ["dryness", "dry-skin"],
    "readingMinutes": 2,
    "summary": "Washing up without cracked skin.",
    "body": "## Why\n\nHot water and soap strip oil. **Gloves** help.",
}
SAVE = """mutation($input: ArticleInput!, $mode: SaveMode!) {
  saveArticle(input: $input, mode: $mode) { slug title url } }"""
SAVE_VIDEO = """mutation($i: VideoInput!, $m: SaveMode! = CREATE) {
  saveVideo(input: $i, mode: $m) { slug } }"""
DELETE = "mutation($k: ContentType!, $s: String!) { deleteContent(kind: $k, slug: $s) }"
DOCTOR_INPUT: dict[str, Any] = {
    "name": "Dr Ada Lune",
    "specialties": ["acne", "medical"],
    "languages": ["en", "fr"],
    "practice": {
        "name": "Lune Skin",
        "address": "2 Rue de Rivoli",
        "city": "Paris",
        "country": "fr",
        "lat": 48.8566,
        "lon": 2.3522,
    },
    "timeZone": "Europe/Paris",
    "consultationTypes": ["IN_PERSON", "VIDEO"],
    "feeAmount": "90.00",
    "feeCurrency": "EUR",
}


async def test_articles_filter_and_page_with_the_cursor_helper(client: GraphQLClient) -> None:
    every = await client.every_node(ARTICLES, "articles", 4)
    assert len(every) >= 20 and [a["slug"] for a in every] == sorted(a["slug"] for a in every)
    acne = await client.every_node(ARTICLES, "articles", 10, filter={"concern": "acne"})
    assert acne and all("acne" in a["concerns"] for a in acne)
    dry = await client.every_node(ARTICLES, "articles", 10, filter={"skinType": "DRY"})
    assert "caring-for-dry-skin" in {a["slug"] for a in dry}
    assert all("DRY" in a["skinTypes"] for a in dry)
    found = await client.data(ARTICLES, first=5, filter={"tag": "spf", "search": "reapply"})
    assert found["articles"]["edges"]
    one = await client.data('{ article(slug: "spf-basics") { title body url } }')
    assert one["article"]["url"] == "/learn/spf-basics" and "##" in one["article"]["body"]
    missing = await client.call('{ article(slug: "nope") { title } }')
    assert missing["errors"][0]["extensions"] == {"code": "CONTENT_NOT_FOUND", "field": "slug"}
    bad = await client.call(ARTICLES, first=5, filter={"concern": "freckles"})
    assert bad["errors"][0]["extensions"] == {"code": "VALIDATION_FAILED", "field": "concern"}


RELEVANT = """query($filter: ArticleFilter, $first: Int!, $after: String,
    $order: ArticleOrder! = RELEVANCE) {
  articles(filter: $filter, first: $first, after: $after, orderBy: $order) {
    edges { node { slug } } pageInfo { hasNextPage endCursor } } }"""


async def test_articles_most_about_a_concern_come_first(client: GraphQLClient) -> None:
    """A result's "Read more" for mild shine listed two acne articles (by slug) before the one
    on oily skin; by relevance it comes first, and the pages hold every match once."""
    shine = {"concern": "shine"}
    ranked = await client.every_node(RELEVANT, "articles", 2, filter=shine)
    by_slug = await client.every_node(RELEVANT, "articles", 50, filter=shine, order="SLUG")
    assert ranked[0]["slug"] == "caring-for-oily-skin" != by_slug[0]["slug"]
    assert sorted(a["slug"] for a in ranked) == [a["slug"] for a in by_slug]
    page = (await client.data(RELEVANT, first=1, filter=shine))["articles"]
    other = await client.call(
        RELEVANT, first=1, filter=shine, order="SLUG", after=page["pageInfo"]["endCursor"]
    )
    assert other["errors"][0]["extensions"] == {"code": "CURSOR_FILTERS_CHANGED", "field": "after"}
    dry = await client.call(
        RELEVANT, first=1, filter={"concern": "dryness"}, after=page["pageInfo"]["endCursor"]
    )
    assert dry["errors"][0]["extensions"] == {"code": "CURSOR_FILTERS_CHANGED", "field": "after"}


async def test_learn_index_and_search(client: GraphQLClient) -> None:
    index = await client.http.get("/learn")
    assert index.status_code == 200 and index.text.count('href="/learn/') >= 20
    search = await client.http.get("/learn", params={"search": "abcde"})
    assert 'href="/learn/checking-your-moles"' in search.text
    assert 0 < search.text.count('href="/learn/') < 5
    none = await client.http.get("/learn", params={"search": "<script>"})
    assert "<script>" not in none.text and "&lt;script&gt;" in none.text


async def test_admins_edit_articles_and_videos_and_every_change_is_logged(
    client: GraphQLClient, container: Container
) -> None:
    await client.register("patient@example.com")
    assert await client.error_codes(SAVE, mode="CREATE", input=ARTICLE_INPUT) == ["FORBIDDEN"]
    await login_as_admin(client, container)
    created = await client.data(SAVE, mode="CREATE", input=ARTICLE_INPUT)
    assert created["saveArticle"]["url"] == "/learn/gloves-for-dry-hands"
    page = await client.http.get("/learn/gloves-for-dry-hands")
    assert page.status_code == 200 and "<strong>Gloves</strong> help" in page.text
    again = await client.call(SAVE, mode="CREATE", input=ARTICLE_INPUT)
    assert again["errors"][0]["extensions"] == {"code": "SLUG_TAKEN", "field": "slug"}
    bad = await client.call(SAVE, mode="UPDATE", input={**ARTICLE_INPUT, "readingMinutes": 0})
    assert bad["errors"][0]["extensions"]["field"] == "readingMinutes"
    await client.data(SAVE, mode="UPDATE", input={**ARTICLE_INPUT, "title": "Gloves, always"})
    video = {
        "slug": "gloves",
        "title": "Putting on gloves",
        "tags": ["dryness"],
        "durationSeconds": 40,
        "url": "https://videos.example/gloves.mp4",
    }
    await client.data(SAVE_VIDEO, i=video)
    related = await client.data('{ article(slug: "gloves-for-dry-hands") { videos { url } } }')
    assert related["article"]["videos"] == [{"url": video["url"]}]
    local = {**video, "slug": "local", "url": "/media/videos/x.mp4"}
    refused = await client.call(SAVE_VIDEO, i=local)
    assert refused["errors"][0]["extensions"] == {"code": "VALIDATION_FAILED", "field": "url"}
    await client.data(DELETE, k="ARTICLE", s="acne-basics")
    unknown = await client.call(DELETE, k="VIDEO", s="acne-basics")
    assert unknown["errors"][0]["extensions"] == {"code": "CONTENT_NOT_FOUND", "field": "slug"}
    assert (await client.http.get("/learn/acne-basics")).status_code == 404
    assert 'href="/learn/acne-basics"' not in (await client.http.get("/learn")).text
    log = await client.data("{ editorLog(first: 10) { action kind target actorId } }")
    assert [(c["action"], c["kind"], c["target"]) for c in log["editorLog"]] == [
        ("deleted", "article", "acne-basics"),
        ("created", "video", "gloves"),
        ("updated", "article", "gloves-for-dry-hands"),
        ("created", "article", "gloves-for-dry-hands"),
    ]


async def test_a_practice_too_long_for_its_column_is_a_coded_error_on_every_database(
    client: GraphQLClient, container: Container
) -> None:
    """Before, on MariaDB a practice name, address or city longer than its column was an
    INTERNAL_ERROR (SQLite stored it), and a country given as " fr " failed the same way."""
    await login_as_admin(client, container)
    create = """mutation($e: String!, $i: DermatologistInput!) {
      createDermatologist(email: $e, input: $i) { practice { name country } } }"""
    for part, length in (("name", 121), ("address", 256), ("city", 81)):
        place = {**DOCTOR_INPUT["practice"], part: "é" * length}
        body = await client.call(
            create, e=f"{part}@example.com", i={**DOCTOR_INPUT, "practice": place}
        )
        assert [e["extensions"] for e in body["errors"]] == [
            {"code": "VALIDATION_FAILED", "field": f"practice.{part}"}
        ]
    place = {**DOCTOR_INPUT["practice"], "name": "é" * 120, "country": " fr "}
    made = await client.data(create, e="long@example.com", i={**DOCTOR_INPUT, "practice": place})
    assert made["createDermatologist"]["practice"] == {"name": "é" * 120, "country": "FR"}


async def test_a_practice_phone_is_set_read_kept_and_a_bad_one_refused_with_its_code(
    client: GraphQLClient, container: Container
) -> None:
    """A patient told to "call the practice" had no number anywhere. An administrator gives
    it (written as people do, stored in international form); the directory's search and a
    dermatologist's page read it; an update that leaves it out (a client written before it)
    keeps it, null clears it; a number without its country code, or too short for it, is
    VALIDATION_FAILED on its field, never an INTERNAL_ERROR."""
    await login_as_admin(client, container)
    create = """mutation($e: String!, $i: DermatologistInput!) {
      createDermatologist(email: $e, input: $i) { id practice { phone } } }"""
    update = """mutation($id: ID!, $i: DermatologistInput!) {
      updateDermatologist(id: $id, input: $i) { practice { phone } } }"""
    read = "query($id: ID!) { dermatologist(id: $id) { practice { phone } } }"
    search = """{ dermatologists(filter: {near: {lat: 48.8566, lon: 2.3522, radiusKm: 1}}) {
      edges { node { id practice { phone } } } } }"""
    place = {**DOCTOR_INPUT["practice"], "phone": " +33 1 99 00 12 34 "}
    made = await client.data(create, e="tel@example.com", i={**DOCTOR_INPUT, "practice": place})
    doctor = made["createDermatologist"]
    assert doctor["practice"] == {"phone": "+33199001234"}
    for query, values in ((read, {"id": doctor["id"]}), (search, {})):
        body = str(await client.data(query, **values))
        assert "'phone': '+33199001234'" in body
    kept = await client.data(update, id=doctor["id"], i=DOCTOR_INPUT)  # no phone given
    assert kept["updateDermatologist"]["practice"] == {"phone": "+33199001234"}
    for wrong in ("01 99 00 12 34", "+33 1 99 00 12", "call us"):
        bad = {**DOCTOR_INPUT, "practice": {**place, "phone": wrong}}
        for refused in (
            await client.call(update, id=doctor["id"], i=bad),
            await client.call(create, e="bad-tel@example.com", i=bad),
        ):
            assert [e["extensions"] for e in refused["errors"]] == [
                {"code": "VALIDATION_FAILED", "field": "practice.phone"}
            ]
    assert (await client.data(read, id=doctor["id"]))["dermatologist"]["practice"] == {
        "phone": "+33199001234"
    }
    cleared = {**DOCTOR_INPUT, "practice": {**place, "phone": None}}
    gone = await client.data(update, id=doctor["id"], i=cleared)
    assert gone["updateDermatologist"]["practice"] == {"phone": None}


async def test_admins_list_change_and_remove_dermatologists(
    client: GraphQLClient, container: Container
) -> None:
    await login_as_admin(client, container)
    create = """mutation($e: String!, $i: DermatologistInput!) {
      createDermatologist(email: $e, input: $i) { id name practice { country } } }"""
    made = (await client.data(create, e="ada@example.com", i=DOCTOR_INPUT))["createDermatologist"]
    assert made["practice"]["country"] == "FR"
    # Invited: they choose their password (test_dermatologist_invitation_api.py).
    assert container.accounts.get_user(made["id"]).role is Role.DERMATOLOGIST
    bad = await client.call(create, e="b@example.com", i={**DOCTOR_INPUT, "feeCurrency": "euro"})
    assert bad["errors"][0]["extensions"] == {"code": "VALIDATION_FAILED", "field": "feeCurrency"}
    update = """mutation($id: ID!, $i: DermatologistInput!) {
      updateDermatologist(id: $id, input: $i) { bio } }"""
    changed = await client.data(update, id=made["id"], i={**DOCTOR_INPUT, "bio": "Acne in adults."})
    assert changed["updateDermatologist"]["bio"] == "Acne in adults."
    await client.data("mutation($id: ID!) { deleteDermatologist(id: $id) }", id=made["id"])
    gone = await client.call("query($id: ID!) { dermatologist(id: $id) { id } }", id=made["id"])
    assert gone["data"] == {"dermatologist": None}
    assert gone["errors"][0]["extensions"] == {"code": "NOT_FOUND", "field": "id"}
    missing = await client.call('mutation { deleteDermatologist(id: "nobody") }')
    assert missing["errors"][0]["extensions"]["field"] == "id"
    log = await client.data("{ editorLog { action kind target summary } }")
    assert [c["action"] for c in log["editorLog"]] == ["deleted", "updated", "created"]
    assert {c["kind"] for c in log["editorLog"]} == {"dermatologist"}
    # Their account was erased: the log keeps what was done, under the pseudonym, no name.
    assert {c["target"] for c in log["editorLog"]} == {container.privacy.pseudonym(made["id"])}
    assert [c["summary"] for c in log["editorLog"]] == [
        "deleted an erased dermatologist",
        "updated an erased dermatologist",
        "created an erased dermatologist",
    ]
    assert columns_mentioning(container, made["id"], "ada@example.com", "Ada Lune") == {}


async def test_booking_says_until_when_it_can_be_cancelled_and_late_slots_are_marked(
    clocked_client: GraphQLClient,  # noqa: F811
    clocked: Container,  # noqa: F811
    clock: FakeClock,  # noqa: F811
) -> None:
    doctor = make_doctor(clocked)
    first = day_slots(now=clock.now)[0]
    clock.now = first - timedelta(minutes=65)
    await clocked_client.register("pat@example.com")
    slots = await clocked_client.data(
        """query($d: ID!, $f: DateTime!, $t: DateTime!) { availableSlots(dermatologistId: $d,
          from: $f, to: $t) { start cancellableUntil freeCancellation } }""",
        d=doctor.id,
        f=first.isoformat(),
        t=(first + timedelta(hours=5)).isoformat(),
    )
    marks = {datetime.fromisoformat(s["start"]): s for s in slots["availableSlots"]}
    assert marks[first]["freeCancellation"] is False
    assert marks[first + timedelta(hours=3)]["freeCancellation"] is True
    deadline = datetime.fromisoformat(marks[first]["cancellableUntil"])
    assert deadline == first - timedelta(hours=2)
    booked = await clocked_client.data(
        "mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) "
        "{ id cancellableUntil } }",
        input=booking(first + timedelta(hours=3), doctor.id),
    )
    until = datetime.fromisoformat(booked["bookAppointment"]["cancellableUntil"])
    assert until == first + timedelta(hours=1)
    shown = await clocked_client.data(
        "query($id: ID!) { appointment(id: $id) { id cancellableUntil } }",
        id=booked["bookAppointment"]["id"],
    )
    assert shown["appointment"] == booked["bookAppointment"]
    await clocked_client.register("someone@example.com")
    assert await clocked_client.error_codes(
        "query($id: ID!) { appointment(id: $id) { id } }", id=booked["bookAppointment"]["id"]
    ) == ["FORBIDDEN"]


async def test_an_erased_editor_stays_in_the_records_under_the_pseudonym(
    client: GraphQLClient, container: Container
) -> None:
    """What an admin did stays (the editors' log, content edits, exchange rates), by no id."""
    await login_as_admin(client, container)
    admin_id = container.accounts.login("admin@example.com", PASSWORD).user.id
    await client.data(SAVE, mode="CREATE", input=ARTICLE_INPUT)
    await client.data(SET_RATES, d="2026-12-01", r=[{"currency": "GBP", "perEur": "0.9"}])
    container.accounts.register("admin2@example.com", PASSWORD, "Admin Two", Role.ADMIN)
    other = GraphQLClient(client.http)
    await login(other, "admin2@example.com")
    await other.data(ERASE, u=admin_id)
    assert columns_mentioning(container, admin_id, "admin@example.com") == {}
    assert columns_mentioning(container, container.privacy.pseudonym(admin_id)) == {
        "account_erasures.pseudonym": 1,
        "content_edits.edited_by": 1,
        "editor_log.actor_id": 1,
        "exchange_rates.set_by": 1,
    }
