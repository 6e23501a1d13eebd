"""Deleting one photo and its results through HTTP (`deleteAnalysis`, `deleteMedia`): the
photo, its thumbnail and overlay leave the storage and their links answer 404, no column of any
table names the analysis or the photo any more but the access log's (who read it, when), the
progress no longer lists it, the dermatologist's share of it ends, the appointment booked from
its referral stays without the referral, and the person's other analysis and another person's
data are untouched."""

from __future__ import annotations

import uuid
from typing import Any

from metskin.bootstrap import Container
from metskin.domain.referrals.model import (
    Reason,
    Referral,
    ReferralRecord,
    Specialty,
    Urgency,
)
from tests.e2e.conftest import GraphQLClient
from tests.e2e.test_care_api import BOOK, booking
from tests.e2e.test_privacy_api import (
    START,
    analyse,
    build_world,
    columns_mentioning,
    objects_of,
    stored_objects,
)
from tests.integration.test_care_booking import day_slots
from tests.media_samples import face_jpeg

DELETE = """mutation($id: ID!) { deleteAnalysis(id: $id) {
  mediaId analysisIds sharesRevoked rowsDeleted filesDeleted } }"""
DELETE_MEDIA = "mutation($id: ID!) { deleteMedia(id: $id) { mediaId analysisIds filesDeleted } }"
LINKS = """query($id: ID!) { analysis(id: $id) { id overlayUrl media { id url thumbnailUrl } } }"""
SHARE_ONE = (
    "mutation($d: ID!, $a: ID!) { shareAnalysis(dermatologistId: $d, analysisId: $a) { id } }"
)
SYMPTOMS = """mutation($id: ID!, $a: SymptomAnswers!) { submitSymptoms(analysisId: $id,
  answers: $a) { referral { id } } }"""
PROGRESS = """query($from: DateTime!, $to: DateTime!) { progress(from: $from, to: $to) {
  analyses { id } } }"""
PERIOD = {"from": "2000-01-01T00:00:00Z", "to": "2100-01-01T00:00:00Z"}
HISTORY = "{ me { analyses(first: 10) { edges { node { id } } } } }"
INBOX = "{ notifications(first: 50) { edges { node { kind details } } } }"
SHARED = "{ sharedAnalyses(first: 10) { edges { node { id } } } }"


async def links(client: GraphQLClient, analysis_id: str) -> list[str]:
    found = (await client.data(LINKS, id=analysis_id))["analysis"]
    return [found["media"]["url"], found["media"]["thumbnailUrl"], found["overlayUrl"]]


async def status_codes(client: GraphQLClient, urls: list[str]) -> list[int]:
    return [(await client.http.get(url)).status_code for url in urls]


def ids_of(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in connection["edges"]]


async def test_deleting_an_analysis_leaves_nothing_of_its_photo_but_the_audit(
    client: GraphQLClient, container: Container
) -> None:
    world = await build_world(client, container)
    patient, derm, gone = world.patient, world.doctor, world.analysis_id
    kept = await analyse(patient, container)  # another photo of theirs, analysed
    referral = (
        await patient.data(SYMPTOMS, id=gone, a={"spotGrowing": True, "spotBleedingOrOozing": True})
    )["submitSymptoms"]["referral"]
    assert referral is not None
    slot = day_slots()[1]
    booked = await patient.data(
        BOOK, input=booking(slot, world.doctor_id, referralId=referral["id"])
    )
    appointment = booked["bookAppointment"]["id"]
    await patient.data(SHARE_ONE, d=world.doctor_id, a=gone)
    patient_links, derm_links = await links(patient, gone), await links(derm, gone)
    assert await status_codes(derm, derm_links) == [200, 200, 200]  # the share covers it
    media_id = (await patient.data(LINKS, id=gone))["analysis"]["media"]["id"]
    with container.privacy.uow_factory() as uow:
        photo = uow.personal_data.photo(container.clock(), analysis_id=gone)
    assert photo is not None and len(photo.files) == 3  # original, thumbnail, overlay
    before = stored_objects(container)
    theirs = objects_of(container, world.other_id) & before
    kept_objects = objects_of(container, world.patient_id) - {f.name for f in photo.files}
    assert {f.name for f in photo.files} <= before
    assert "ANALYSIS_DONE" in str(await patient.data(INBOX))

    for who in (world.other, derm):  # someone else's: as unknown as an id that never was
        assert await who.error_codes(DELETE, id=gone) == ["ANALYSIS_NOT_FOUND"]
    assert stored_objects(container) == before

    deleted = (await patient.data(DELETE, id=gone))["deleteAnalysis"]
    assert (deleted["mediaId"], deleted["analysisIds"]) == (media_id, [gone])
    assert (deleted["filesDeleted"], deleted["sharesRevoked"]) == (3, 1)
    assert stored_objects(container) == before - {f.name for f in photo.files}
    assert theirs <= stored_objects(container) and kept_objects & before <= stored_objects(
        container
    )
    # The links stop working, the owner's and the dermatologist's alike.
    assert await status_codes(patient, patient_links) == [404, 404, 404]
    assert await status_codes(derm, derm_links) == [404, 404, 404]
    # No row names the analysis or its photo but the access log (who read it, when).
    assert set(columns_mentioning(container, gone, media_id)) == {"access_log.resource_id"}
    assert ids_of((await patient.data(HISTORY))["me"]["analyses"]) == [kept]
    listed = (await patient.data(PROGRESS, **PERIOD))["progress"]["analyses"]
    assert [a["id"] for a in listed] == [kept]
    assert gone not in str(await patient.data(INBOX))
    # The dermatologist: the analysis is gone (their share of all of them stays), the
    # appointment booked from its referral stays, without the referral.
    assert await derm.error_codes(LINKS, id=gone) == ["ANALYSIS_NOT_FOUND"]
    assert ids_of((await derm.data(SHARED))["sharedAnalyses"]) == [kept]
    seen = await derm.data(
        "query($id: ID!) { appointment(id: $id) { id referral { urgency } } }", id=appointment
    )
    assert seen["appointment"] == {"id": appointment, "referral": None}
    # Again: nothing left to delete, and nothing else changes.
    assert await patient.error_codes(DELETE, id=gone) == ["ANALYSIS_NOT_FOUND"]
    assert (await patient.data(LINKS, id=kept))["analysis"]["id"] == kept


async def test_a_queued_analysis_and_an_upload_never_analysed_are_deleted(
    client: GraphQLClient, container: Container
) -> None:
    """The worker then finds its analysis gone and stores nothing."""
    await client.register("pat@example.com")
    first = (await client.upload(face_jpeg()))["data"]["uploadMedia"]["id"]
    queued = (await client.data(START, m=first))["startAnalysis"]["id"]
    bare = (await client.upload(face_jpeg()))["data"]["uploadMedia"]["id"]
    deleted = (await client.data(DELETE, id=queued))["deleteAnalysis"]
    assert (deleted["mediaId"], deleted["analysisIds"]) == (first, [queued])
    container.start_embedded_worker()
    container.broker.join("default")
    remaining = stored_objects(container)
    assert all(first not in name and queued not in name for name in remaining)
    assert await client.error_codes(START, m=first) == ["MEDIA_NOT_FOUND"]
    gone = (await client.data(DELETE_MEDIA, id=bare))["deleteMedia"]
    assert (gone["mediaId"], gone["analysisIds"]) == (bare, [])
    assert all(bare not in name for name in stored_objects(container))
    assert columns_mentioning(container, first, queued, bare) == {}
    assert await client.error_codes(DELETE_MEDIA, id=bare) == ["MEDIA_NOT_FOUND"]


async def test_a_referral_resting_on_a_deleted_photo_is_withdrawn_and_its_booking_kept(
    client: GraphQLClient, container: Container
) -> None:
    """A referral of a later photo whose evidence read the deleted one (a worsening since it)
    kept that evidence before: triage was not run again on a deletion. Now the later photo is
    triaged again from what is left: nothing supports it, so it is withdrawn (the booking made
    from it stays, without it) and the inbox says so."""
    world = await build_world(client, container)
    patient, gone = world.patient, world.analysis_id
    later = await analyse(patient, container)
    assert container.referrals.for_analysis(world.patient_id, later) is None  # alone: nothing
    now = container.clock()
    evidence = {"concern": "redness", "region": "face", "first": 8.0, "last": 70.0}
    reason = Reason(
        "concern_worsening", Urgency.SOON, Specialty.ROSACEA, "worse since", {**evidence}
    )
    raised = ReferralRecord(
        str(uuid.uuid4()),
        world.patient_id,
        later,
        Referral(Urgency.SOON, Specialty.ROSACEA, (reason,), "see someone", "soon"),
        now,
        now,
    )
    with container.new_uow() as uow:
        uow.referrals.add(raised)
        uow.commit()
    slot = day_slots()[1]
    booked = await patient.data(BOOK, input=booking(slot, world.doctor_id, referralId=raised.id))
    appointment = booked["bookAppointment"]["id"]

    await patient.data(DELETE, id=gone)

    with container.new_uow() as uow:
        assert uow.referrals.get(raised.id) is None
    seen = await world.doctor.data(
        "query($id: ID!) { appointment(id: $id) { id referral { urgency } } }", id=appointment
    )
    assert seen["appointment"] == {"id": appointment, "referral": None}
    told = [
        edge["node"]
        for edge in (await patient.data(INBOX))["notifications"]["edges"]
        if edge["node"]["kind"] == "REFERRAL_WITHDRAWN"
    ]
    assert [n["details"]["referral_id"] for n in told] == [raised.id]
    assert told[0]["details"]["analysis_id"] == later
