"""Media links through HTTP: bound to the viewer they were issued to, checked at every fetch,
so a dermatologist's link stops working the moment the patient revokes the share."""

from __future__ import annotations

from metskin.bootstrap import Container
from tests.e2e.conftest import GraphQLClient
from tests.e2e.test_care_api import login
from tests.integration.test_care_booking import make_doctor
from tests.media_samples import face_jpeg

START = "mutation($m: ID!) { startAnalysis(mediaId: $m) { id } }"
LINKS = "query($id: ID!) { analysis(id: $id) { media { url thumbnailUrl } } }"
SHARE = "mutation($d: ID!, $a: ID) { shareAnalysis(dermatologistId: $d, analysisId: $a) { id } }"
REVOKE = "mutation($id: ID!) { revokeShare(shareId: $id) { active } }"
ACCESS_LOG = "{ accessLog(first: 50) { edges { node { resource resourceId } } } }"


async def test_a_revoke_ends_the_dermatologists_links_at_once(
    client: GraphQLClient, container: Container
) -> None:
    doctor = make_doctor(container, "doc@example.com")
    await client.register("pat@example.com")
    photo = face_jpeg(128)
    uploaded = (await client.upload(photo))["data"]["uploadMedia"]
    analysis_id = (await client.data(START, m=uploaded["id"]))["startAnalysis"]["id"]
    share = (await client.data(SHARE, d=doctor.id, a=analysis_id))["shareAnalysis"]
    owner_links = (await client.data(LINKS, id=analysis_id))["analysis"]["media"]

    derm = GraphQLClient(client.http)
    await login(derm, "doc@example.com")
    derm_links = (await derm.data(LINKS, id=analysis_id))["analysis"]["media"]
    assert derm_links["url"] != owner_links["url"]  # each link names its viewer
    for link in (derm_links["url"], derm_links["thumbnailUrl"]):
        fetched = await client.http.get(link)  # the link itself is the credential
        assert fetched.status_code == 200
        assert fetched.headers["cache-control"] == "private, no-store"  # no copy on disk
        assert "etag" not in fetched.headers and "last-modified" not in fetched.headers
    assert (await client.http.get(derm_links["url"])).content == (
        await client.http.get(owner_links["url"])
    ).content
    reads = [e["node"] for e in (await client.data(ACCESS_LOG))["accessLog"]["edges"]]
    assert reads.count({"resource": "ANALYSIS", "resourceId": analysis_id}) == 4  # 1 + 3 files
    parts = await client.data("{ accessLog(first: 4) { edges { node { part } } } }")
    assert [e["node"]["part"] for e in parts["accessLog"]["edges"]] == [
        "PHOTO",
        "THUMBNAIL",
        "PHOTO",
        "RESULT",
    ]  # what each read fetched, newest first

    assert (await client.data(REVOKE, id=share["id"]))["revokeShare"]["active"] is False
    for link in (derm_links["url"], derm_links["thumbnailUrl"]):
        refused = await client.http.get(link)
        assert refused.status_code == 403
        assert refused.json()["code"] == "MEDIA_ACCESS_ENDED"
    for link in (owner_links["url"], owner_links["thumbnailUrl"], uploaded["url"]):
        assert (await client.http.get(link)).status_code == 200  # the owner's links still work
    reads_after = (await client.data(ACCESS_LOG))["accessLog"]["edges"]
    assert len(reads_after) == len(reads)  # refused fetches read nothing


async def test_a_refused_link_says_why_in_the_readers_language(
    client: GraphQLClient, container: Container
) -> None:
    """Before, the media and download routes answered in English whatever the language asked."""
    doctor = make_doctor(container, "doc@example.com")
    await client.register("pat@example.com")
    uploaded = (await client.upload(face_jpeg(128)))["data"]["uploadMedia"]
    analysis_id = (await client.data(START, m=uploaded["id"]))["startAnalysis"]["id"]
    share = (await client.data(SHARE, d=doctor.id, a=analysis_id))["shareAnalysis"]
    derm = GraphQLClient(client.http)
    await login(derm, "doc@example.com")
    link = (await derm.data(LINKS, id=analysis_id))["analysis"]["media"]["url"]
    await client.data(REVOKE, id=share["id"])

    french = {"accept-language": "fr"}
    ended = await client.http.get(link, headers=french)
    assert (ended.status_code, ended.json()["code"]) == (403, "MEDIA_ACCESS_ENDED")
    assert ended.json()["error"] == "Vous n'avez plus accès à ce fichier."
    assert ended.headers["content-language"] == "fr-FR"
    forged = await client.http.get("/media/not-a-link", headers={"accept-language": "de"})
    assert forged.json() == {"error": "Dieser Link ist ungültig.", "code": "FORBIDDEN"}
    download = await client.http.get("/exports/not-a-link", headers=french)
    assert download.json()["code"] == "EXPORT_LINK_INVALID"
    assert download.json()["error"] == "Ce lien de téléchargement n'est pas valide ou a expiré."
    english = await client.http.get(link)  # no language asked: English, as before
    assert english.json()["error"] == "You no longer have access to this file."
