"""Drafts, previews and transcripts through GraphQL and /learn: a draft is read by
administrators only (never by a patient, an integrator's key or an anonymous caller: not in the
lists, the search, /learn or a page), previewed in each language as a reader will see it,
published and taken back to draft with its translations kept; a video's transcript is shown
under it and on its own page, in the reader's language or else in English."""

from __future__ import annotations

from metskin.bootstrap import Container
from tests.e2e.conftest import GraphQLClient, login_as_admin
from tests.e2e.test_content_api import ARTICLE_INPUT

SAVE = """mutation($input: ArticleInput!, $mode: SaveMode!, $locale: String,
    $status: ContentStatus) {
  saveArticle(input: $input, mode: $mode, locale: $locale, status: $status) {
    slug status availableLocales } }"""
SAVE_VIDEO = """mutation($i: VideoInput!, $m: SaveMode!, $l: String, $s: ContentStatus) {
  saveVideo(input: $i, mode: $m, locale: $l, status: $s) {
    transcript transcriptLocale status pageUrl } }"""
ONE = (
    'query($d: Boolean! = false) { article(slug: "gloves-for-dry-hands", includeDrafts: $d) {'
    " title status availableLocales } }"
)
LIST = """query($d: Boolean! = false, $s: String) {
  articles(first: 100, includeDrafts: $d, filter: {search: $s}) { edges { node { slug } } } }"""
PREVIEW = """query($k: ContentType!, $s: String!, $l: String) {
  contentPreview(kind: $k, slug: $s, locale: $l) }"""
PUBLISH = "mutation($s: String!) { publishContent(kind: ARTICLE, slug: $s) }"
UNPUBLISH = "mutation($s: String!) { unpublishContent(kind: ARTICLE, slug: $s) }"
SLUG = ARTICLE_INPUT["slug"]
VIDEO = {
    "slug": "gloves-video",
    "title": "Putting on gloves",
    "tags": ["dryness"],
    "durationSeconds": 40,
    "url": "https://videos.example/gloves.mp4",
    "description": "Cotton under rubber.",
    "transcript": "Wash and dry your hands.\n\nPut on cotton gloves, then rubber ones.",
}


async def slugs(client: GraphQLClient, **variables: object) -> set[str]:
    found = await client.data(LIST, **variables)
    return {edge["node"]["slug"] for edge in found["articles"]["edges"]}


async def readers_see(client: GraphQLClient, token: str | None) -> bool:
    """Whether a reader (`token`: a patient's, None: anonymous) finds the article anywhere."""
    client.token, kept = token, client.token
    try:
        one = await client.call(ONE)
        listed = SLUG in await slugs(client) or SLUG in await slugs(client, s="gloves")
    finally:
        client.token = kept
    page = await client.http.get(f"/learn/{SLUG}")
    index = await client.http.get("/learn")
    shown = [one.get("data") is not None, listed, page.status_code == 200, SLUG in index.text]
    assert len(set(shown)) == 1, shown  # each way in says the same
    if not shown[0]:
        assert one["errors"][0]["extensions"] == {"code": "CONTENT_NOT_FOUND", "field": "slug"}
    return shown[0]


async def test_a_draft_is_previewed_published_and_unpublished_with_its_translations(
    client: GraphQLClient, container: Container
) -> None:
    patient = (await client.register("pat@example.com"), client.token)[1]
    await login_as_admin(client, container)
    made = await client.data(SAVE, mode="CREATE", input=ARTICLE_INPUT, status="DRAFT")
    assert made["saveArticle"]["status"] == "DRAFT"
    assert not await readers_see(client, None) and not await readers_see(client, patient)
    # The editors read it; nobody else may ask.
    assert SLUG in await slugs(client, d=True)
    assert (await client.data(ONE, d=True))["article"]["status"] == "DRAFT"
    client.token, admin = patient, client.token
    refused = await client.call(ONE, d=True)
    assert refused["errors"][0]["extensions"] == {"code": "FORBIDDEN", "field": "includeDrafts"}
    client.http.headers["accept-language"] = "fr"
    refused = await client.call(ONE, d=True)
    del client.http.headers["accept-language"]
    assert refused["errors"][0]["message"] == (
        "Les brouillons ne sont lus que par les administrateurs."
    )
    assert await client.error_codes(PREVIEW, k="ARTICLE", s=SLUG) == ["FORBIDDEN"]
    client.token = None
    assert await client.error_codes(LIST, d=True) == ["UNAUTHENTICATED"]
    client.token = admin
    # A French translation of the draft, and its page in each language as a reader will see it.
    french = {**ARTICLE_INPUT, "title": "Des gants pour les mains sèches", "body": "## Pourquoi"}
    await client.data(SAVE, mode="UPDATE", input=french, locale="fr")
    assert (await client.data(ONE, d=True))["article"]["status"] == "DRAFT"  # kept
    page = (await client.data(PREVIEW, k="ARTICLE", s=SLUG, l="fr"))["contentPreview"]
    assert '<html lang="fr">' in page and "Des gants pour les mains sèches" in page
    english = (await client.data(PREVIEW, k="ARTICLE", s=SLUG, l="en"))["contentPreview"]
    assert "<strong>Gloves</strong> help" in english and '<article lang="en">' in english
    # Published: every reader, in every language it has; back to draft: gone, words kept.
    assert (await client.data(PUBLISH, s=SLUG))["publishContent"] is True
    assert (await client.data(PUBLISH, s=SLUG))["publishContent"] is False  # already
    assert await readers_see(client, None) and await readers_see(client, patient)
    french_page = await client.http.get(f"/learn/{SLUG}", params={"locale": "fr"})
    assert "Des gants pour les mains sèches" in french_page.text
    assert (await client.data(UNPUBLISH, s=SLUG))["unpublishContent"] is True
    assert not await readers_see(client, None)
    kept = (await client.data(ONE, d=True))["article"]
    assert kept == {"title": "Gloves for dry hands", "status": "DRAFT",
                    "availableLocales": ["en", "fr"]}  # fmt: skip
    log = await client.data("{ editorLog(first: 3) { action target } }")
    assert [c["action"] for c in log["editorLog"]] == ["unpublished", "published", "updated"]
    # Saved as before (no status): a new item is published, an existing one keeps its state.
    await client.data(SAVE, mode="UPDATE", input=ARTICLE_INPUT)
    assert not await readers_see(client, None)
    other = {**ARTICLE_INPUT, "slug": "old-client"}
    assert (await client.data(SAVE, mode="CREATE", input=other))["saveArticle"]["status"] == (
        "PUBLISHED"
    )


async def test_bad_publishing_and_previews_are_coded_errors(
    client: GraphQLClient, container: Container
) -> None:
    await login_as_admin(client, container)
    for query, values, field in (
        (PUBLISH, {"s": "nothing-here"}, "slug"),
        (UNPUBLISH, {"s": "Bad Slug"}, "slug"),
        (PREVIEW, {"k": "VIDEO", "s": "acne-basics"}, "slug"),
        (PREVIEW, {"k": "ARTICLE", "s": "acne-basics", "l": "xx-nope"}, "locale"),
    ):
        body = await client.call(query, **values)
        assert body["data"] is None or not any(body["data"].values()), body
        assert body["errors"][0]["extensions"]["field"] == field, body
    long = {**VIDEO, "transcript": "x" * 50_001}
    too_long = await client.call(SAVE_VIDEO, i=long, m="CREATE")
    assert too_long["errors"][0]["extensions"] == {"code": "VALIDATION_FAILED",
                                                   "field": "transcript"}  # fmt: skip
    control = await client.call(SAVE_VIDEO, i={**VIDEO, "transcript": "a\x00b"}, m="CREATE")
    assert control["errors"][0]["extensions"]["field"] == "transcript"


async def test_a_videos_transcript_is_read_under_it_on_its_page_and_kept_when_left_out(
    client: GraphQLClient, container: Container
) -> None:
    await login_as_admin(client, container)
    windows = {**VIDEO, "transcript": VIDEO["transcript"].replace("\n", "\r\n")}
    saved = (await client.data(SAVE_VIDEO, i=windows, m="CREATE"))["saveVideo"]
    assert saved == {"transcript": VIDEO["transcript"], "transcriptLocale": "en",
                     "status": "PUBLISHED", "pageUrl": "/learn/videos/gloves-video"}  # fmt: skip
    index = (await client.http.get("/learn")).text
    assert "Put on cotton gloves, then rubber ones." in index and "Transcript" in index
    page = await client.http.get("/learn/videos/gloves-video")
    assert page.status_code == 200 and "<p>Wash and dry your hands.</p>" in page.text
    assert (await client.http.get("/learn/videos/nope")).status_code == 404
    # French words without a transcript of their own: the English one, said to be English.
    french = {k: v for k, v in VIDEO.items() if k != "transcript"} | {"title": "Les gants"}
    await client.data(SAVE_VIDEO, i=french, m="UPDATE", l="fr")
    client.http.headers["accept-language"] = "fr"
    read = (await client.data("{ videos { title transcript transcriptLocale } }"))["videos"]
    assert read == [{"title": "Les gants", "transcript": VIDEO["transcript"],
                     "transcriptLocale": "en"}]  # fmt: skip
    french_page = (await client.http.get("/learn/videos/gloves-video")).text
    assert '<div class="transcript" lang="en">' in french_page and "Transcription" in french_page
    del client.http.headers["accept-language"]
    # An integrator's update written before transcripts (none given) keeps it; "" clears it.
    older = {k: v for k, v in VIDEO.items() if k != "transcript"} | {"title": "Gloves on"}
    kept = (await client.data(SAVE_VIDEO, i=older, m="UPDATE"))["saveVideo"]
    assert kept["transcript"] == VIDEO["transcript"]
    cleared = await client.data(SAVE_VIDEO, i={**older, "transcript": ""}, m="UPDATE")
    assert cleared["saveVideo"]["transcript"] == ""
    # A draft video: in no list or page for readers, its page previewed by the editors.
    await client.data(SAVE_VIDEO, i={**VIDEO, "slug": "draft-video"}, m="CREATE", s="DRAFT")
    assert (await client.http.get("/learn/videos/draft-video")).status_code == 404
    client.token, admin = None, client.token
    assert [v["slug"] for v in (await client.data("{ videos { slug } }"))["videos"]] == [
        "gloves-video"
    ]
    client.token = admin
    preview = await client.data(PREVIEW, k="VIDEO", s="draft-video")
    assert "Put on cotton gloves" in preview["contentPreview"]
