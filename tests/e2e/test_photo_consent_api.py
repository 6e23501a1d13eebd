"""Consent to photo analysis through HTTP: sign-up without the box leaves the person to be
asked; uploadMedia and startAnalysis answer CONSENT_REQUIRED (in the person's language) until
they agree; withdrawing stops new ones and a queued analysis, and keeps their results; a new
text version is refused as outdated; the records are in the export and gone after erasure."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlmodel import SQLModel

from metskin.bootstrap import Container
from metskin.domain.privacy.model import PHOTO_CONSENT_VERSION
from tests.e2e.conftest import PASSWORD, GraphQLClient
from tests.e2e.test_care_api import add_done_analysis
from tests.e2e.test_privacy_api import export_zip
from tests.media_samples import face_jpeg

CONSENT = "{ me { photoConsent { given at version currentVersion needsAsking } } }"
GIVE = "mutation($v: String) { givePhotoConsent(version: $v) { given version needsAsking } }"
WITHDRAW = "mutation { withdrawPhotoConsent { given at needsAsking } }"
START = "mutation($m: ID!) { startAnalysis(mediaId: $m) { id status } }"
STATUS = "query($id: ID!) { analysis(id: $id) { status failureCode result { ok } } }"


def consent_rows(container: Container) -> int:
    table = SQLModel.metadata.tables["consent_records"]
    with container.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def codes(body: dict) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


async def test_without_the_box_the_first_upload_asks_then_giving_lets_it_through(
    client: GraphQLClient, container: Container
) -> None:
    await client.register("nora@example.com", photo_consent=False)
    state = (await client.data(CONSENT))["me"]["photoConsent"]
    assert state == {
        "given": False,
        "at": None,
        "version": None,
        "currentVersion": PHOTO_CONSENT_VERSION,
        "needsAsking": True,
    }
    refused = await client.upload(face_jpeg(128))
    assert codes(refused) == ["CONSENT_REQUIRED"] and refused["data"] is None
    assert refused["errors"][0]["extensions"]["field"] == "photoConsent"

    given = (await client.data(GIVE, v=PHOTO_CONSENT_VERSION))["givePhotoConsent"]
    assert given == {"given": True, "version": PHOTO_CONSENT_VERSION, "needsAsking": False}
    uploaded = await client.upload(face_jpeg(128))
    assert "errors" not in uploaded, uploaded
    started = await client.data(START, m=uploaded["data"]["uploadMedia"]["id"])
    container.start_embedded_worker()
    container.broker.join("default")
    done = (await client.data(STATUS, id=started["startAnalysis"]["id"]))["analysis"]
    assert done["status"] == "DONE" and done["result"]["ok"] is not None


async def test_the_box_ticked_at_sign_up_is_the_first_record(
    client: GraphQLClient, container: Container
) -> None:
    await client.register("tick@example.com")  # the helper ticks it
    state = (await client.data(CONSENT))["me"]["photoConsent"]
    assert (state["given"], state["version"], state["needsAsking"]) == (
        True,
        PHOTO_CONSENT_VERSION,
        False,
    )
    assert state["at"] is not None and consent_rows(container) == 1


async def test_the_refusal_speaks_the_persons_language(
    client: GraphQLClient, container: Container
) -> None:
    await client.register("lea@example.com", photo_consent=False)
    query = "mutation($file: Upload!) { uploadMedia(file: $file) { id } }"
    operations = {"query": query, "variables": {"file": None}}
    response = await client.http.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": '{"0": ["variables.file"]}'},
        files={"0": ("face.jpg", face_jpeg(96), "image/jpeg")},
        headers={"authorization": f"Bearer {client.token}", "accept-language": "fr-FR"},
    )
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "CONSENT_REQUIRED"
    assert "consentement" in error["message"], error["message"]


async def test_withdrawing_stops_new_analyses_and_the_queued_one_and_keeps_results(
    client: GraphQLClient, container: Container
) -> None:
    owner = (await client.register("wanda@example.com"))["user"]["id"]
    done_id = add_done_analysis(container, owner, {"acne": (30.0, {})})
    media_id = (await client.upload(face_jpeg(128)))["data"]["uploadMedia"]["id"]
    queued_id = (await client.data(START, m=media_id))["startAnalysis"]["id"]  # no worker yet

    withdrawn = (await client.data(WITHDRAW))["withdrawPhotoConsent"]
    assert (withdrawn["given"], withdrawn["needsAsking"]) == (False, True)
    container.start_embedded_worker()
    container.broker.join("default")
    queued = (await client.data(STATUS, id=queued_id))["analysis"]
    assert (queued["status"], queued["failureCode"]) == ("FAILED", "CONSENT_WITHDRAWN")

    assert codes(await client.upload(face_jpeg(128))) == ["CONSENT_REQUIRED"]
    assert await client.error_codes(START, m=media_id) == ["CONSENT_REQUIRED"]
    kept = (await client.data(STATUS, id=done_id))["analysis"]
    assert kept["status"] == "DONE" and kept["result"] is not None  # still theirs to read
    assert consent_rows(container) == 2  # given at sign-up, withdrawn: both kept


async def test_a_text_version_not_current_is_refused(
    client: GraphQLClient, container: Container
) -> None:
    await client.register("old@example.com", photo_consent=False)
    assert await client.error_codes(GIVE, v="2001-01-01") == ["CONSENT_TEXT_OUTDATED"]
    assert consent_rows(container) == 0


async def test_export_holds_the_records_and_erasure_deletes_them(
    client: GraphQLClient, container: Container
) -> None:
    await client.register("ex@example.com")
    await client.data(WITHDRAW)
    archive = await export_zip(client, container)
    records = json.loads(archive.read("consents.json"))
    assert [(r["purpose"], r["given"], r["text_version"]) for r in records] == [
        ("PHOTO_ANALYSIS", True, PHOTO_CONSENT_VERSION),
        ("PHOTO_ANALYSIS", False, PHOTO_CONSENT_VERSION),
    ]
    assert "consents.json`: Every time you gave or withdrew" in archive.read("README.md").decode()
    delete = "mutation($p: String!) { deleteMyAccount(password: $p) { rowsDeleted } }"
    await client.data(delete, p=PASSWORD)
    assert consent_rows(container) == 0


TEXT = """query($l: String) { photoConsentText(locale: $l) { version locale title agreement
  sections { heading body } withdrawing note markdown } }"""


async def test_the_consent_text_is_served_in_the_person_s_language_and_given_by_its_version(
    client: GraphQLClient,
) -> None:
    """Before, the text was only in the web app's catalog: another client could not show the
    words a person agrees to."""
    english = (await client.data(TEXT))["photoConsentText"]
    assert english["version"] == PHOTO_CONSENT_VERSION and english["locale"] == "en-GB"
    assert english["agreement"].startswith("I agree that MetSkin analyses my face photos")
    assert [s["heading"] for s in english["sections"]] == [
        "What is measured",
        "Who sees it",
        "How long it is kept",
        "How to withdraw",
    ]
    client.http.headers["accept-language"] = "de-DE"
    german = (await client.data(TEXT))["photoConsentText"]
    french = (await client.data(TEXT, l="fr"))["photoConsentText"]  # the argument wins
    assert (german["locale"], french["locale"]) == ("de-DE", "fr-FR")
    assert french["title"] == "Votre consentement à l'analyse des photos"
    assert german["version"] == french["version"] == english["version"]
    assert french["markdown"].startswith(f"# {french['title']}\n")
    bad = await client.call(TEXT, l="klingon!")
    assert bad["errors"][0]["extensions"] == {"code": "VALIDATION_FAILED", "field": "locale"}

    await client.register("ines@example.com", photo_consent=False)
    given = (await client.data(GIVE, v=french["version"]))["givePhotoConsent"]
    assert given == {"given": True, "version": PHOTO_CONSENT_VERSION, "needsAsking": False}
