"""Data rights through HTTP: exportMyData builds a zip in the background (a Dramatiq job) that
the person downloads through a short-lived signed link; deleteMyAccount (and an admin's
eraseAccount) leave no row naming the person and no object of theirs in storage (local files
and S3), cancel their appointments with notices to both sides, and keep the access log under
a pseudonym."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Text, cast, func, select
from sqlmodel import Session, SQLModel

from metskin.adapters.db.skinmodel import SkinModelRow, SkinModelScoreRow
from metskin.adapters.storage.local import LocalEncryptedStorage
from metskin.adapters.storage.s3 import S3Storage
from metskin.bootstrap import Container, bootstrap
from metskin.cli.seed import seed_catalog
from metskin.graphql.app import create_app
from tests.conftest import make_settings
from tests.e2e.conftest import PASSWORD, GraphQLClient, login_as_admin, verify_email
from tests.e2e.test_care_api import BOOK, booking, login
from tests.integration.test_care_booking import day_slots, make_doctor
from tests.integration.test_storage import s3_client, s3_endpoint  # noqa: F401  (a fixture)
from tests.media_samples import face_jpeg

EXPORT = "mutation { exportMyData { id status downloadUrl } }"
EXPORTS = """{ myDataExports { id status sizeBytes expiresAt downloadUrl failureReason } }"""
DELETE = """mutation($p: String!) { deleteMyAccount(password: $p) {
  erasedAt appointmentsCancelled sharesRevoked rowsDeleted filesDeleted } }"""
ERASE = "mutation($u: ID!) { eraseAccount(userId: $u) { appointmentsCancelled filesDeleted } }"
START = "mutation($m: ID!) { startAnalysis(mediaId: $m) { id } }"
LOGIN = 'mutation($p: String!) { login(email: "pat@example.com", password: $p) { accessToken } }'
SHARE = "mutation($d: ID!) { shareAnalysis(dermatologistId: $d) { id } }"
ANNOTATE = (
    "mutation($a: ID!, $i: AnnotationInput!) { annotateAnalysis(analysisId: $a, input: $i) { id } }"
)
CORRECT = (
    "mutation($a: ID!, $i: CorrectionInput!) { correctResult(analysisId: $a, input: $i) { id } }"
)
LABELS = "query($a: ID!) { analysisLabels(analysisId: $a) { id } }"
INBOX = "{ notifications(first: 50) { edges { node { kind details } } } }"


@dataclass
class World:
    patient: GraphQLClient
    patient_id: str
    other: GraphQLClient
    other_id: str
    doctor: GraphQLClient
    doctor_id: str
    analysis_id: str
    appointment_id: str


async def analyse(client: GraphQLClient, container: Container) -> str:
    uploaded = await client.upload(face_jpeg())
    started = await client.data(START, m=uploaded["data"]["uploadMedia"]["id"])
    container.start_embedded_worker()
    container.broker.join("default")
    return str(started["startAnalysis"]["id"])


async def build_world(client: GraphQLClient, container: Container) -> World:
    """A patient with an analysis (upload, thumbnail, overlay, routine), a rating, a share read
    by a dermatologist, and a future appointment; another patient with an upload of theirs."""
    list(seed_catalog(container))
    doctor = make_doctor(container, "doc@example.com")
    patient_id = (await client.register("pat@example.com"))["user"]["id"]
    await verify_email(client, container, patient_id)  # the erasure's cancellation is emailed
    analysis_id = await analyse(client, container)
    product = container.recommendations.catalog.index().catalog.products[0].id
    await client.data(
        "mutation($p: ID!) { rateProduct(productId: $p, rating: 5) { rating } }", p=product
    )
    await client.data(SHARE, d=doctor.id)
    start = day_slots()[0]
    booked = await client.data(BOOK, input=booking(start, doctor.id))
    derm = GraphQLClient(client.http)
    await login(derm, "doc@example.com")
    await derm.data("{ sharedAnalyses(first: 5) { edges { node { id } } } }")  # audited reads
    await label_analysis(client, derm, container, analysis_id)
    await derm.data(
        "query($r: DateRange!) { appointments(range: $r) { id } }",
        r={
            "from": (start - timedelta(days=1)).isoformat(),
            "to": (start + timedelta(days=1)).isoformat(),
        },
    )
    other = GraphQLClient(client.http)
    other_id = (await other.register("other@example.com"))["user"]["id"]
    assert "errors" not in await other.upload(face_jpeg())
    return World(
        client,
        patient_id,
        other,
        other_id,
        derm,
        doctor.id,
        analysis_id,
        booked["bookAppointment"]["id"],
    )


async def label_analysis(
    patient: GraphQLClient, derm: GraphQLClient, container: Container, analysis_id: str
) -> None:
    """The dermatologist annotates and reads the labels (audited), the patient corrects and
    gives consent for learning, and a dataset version holds them."""
    await derm.data(ANNOTATE, a=analysis_id, i={"grades": [{"concern": "ACNE", "grade": 2}]})
    await derm.data(LABELS, a=analysis_id)
    await patient.data(CORRECT, a=analysis_id, i={"skinType": "DRY"})
    given = await patient.data("mutation { setLearningConsent(given: true) { given } }")
    assert given["setLearningConsent"]["given"]
    with container.new_uow() as uow:
        owner = uow.analyses.get(analysis_id)
        assert owner is not None
        uow.dataset_members.record("v-test", [owner.owner_id], container.clock())
        uow.commit()


def shadow_score(container: Container, analysis_id: str) -> None:
    """A skin model in shadow scored the analysis (kept in SQL, never shown)."""
    now = container.clock()
    with Session(container.engine) as session:
        session.add(
            SkinModelRow(
                version=9,
                state="SHADOW",
                dataset_hash="0" * 64,
                code_version="test",
                weights="v9.pt",
                created_at=now,
            )
        )
        session.flush()
        scores = {"scores": {"acne": 41.0}, "shown": {"acne": 40.0}}
        session.add(SkinModelScoreRow(analysis_id=analysis_id, version=9, created_at=now, **scores))
        session.commit()


def stored_objects(container: Container) -> set[str]:
    """Every object in the media storage, listed behind the adapter (files or bucket keys)."""
    storage = container.storage
    if isinstance(storage, LocalEncryptedStorage):
        return {
            str(p.relative_to(storage.folder)) for p in storage.folder.rglob("*") if p.is_file()
        }
    assert isinstance(storage, S3Storage)
    listing = s3_client(container.settings.s3_endpoint_url).list_objects_v2(Bucket=storage.bucket)
    prefix = container.settings.s3_prefix + "/"
    return {item["Key"].removeprefix(prefix) for item in listing.get("Contents", [])}


def objects_of(container: Container, user_id: str) -> set[str]:
    """The storage names the person's rows point at (uploads, thumbnails, overlays, exports)."""
    data = container.privacy.uow_factory
    with data() as uow:
        gathered = uow.personal_data.gather(user_id)
        exports = uow.data_exports.list_for_user(user_id)
    return {f.name for f in gathered.files} | {e.storage_name for e in exports if e.storage_name}


def columns_mentioning(container: Container, *needles: str) -> dict[str, int]:
    """Every column of every table whose text holds one of the needles, with the row count."""
    found: dict[str, int] = {}
    with container.engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            for column in table.columns:
                for needle in needles:
                    query = select(func.count()).select_from(table)
                    count = connection.execute(
                        query.where(cast(column, Text).contains(needle))
                    ).scalar_one()
                    if count:
                        found[f"{table.name}.{column.name}"] = count
    return found


async def export_zip(client: GraphQLClient, container: Container) -> zipfile.ZipFile:
    started = (await client.data(EXPORT))["exportMyData"]
    assert (started["status"], started["downloadUrl"]) == ("PENDING", None)
    container.start_embedded_worker()
    container.broker.join("default")
    (ready,) = (await client.data(EXPORTS))["myDataExports"]
    assert ready["status"] == "READY" and ready["id"] == started["id"], ready
    response = await client.http.get(ready["downloadUrl"])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"].startswith("attachment;")
    assert len(response.content) == ready["sizeBytes"]
    return zipfile.ZipFile(io.BytesIO(response.content))


async def test_export_my_data_is_a_zip_of_everything_mine_and_only_mine(
    client: GraphQLClient, container: Container
) -> None:
    world = await build_world(client, container)
    shadow_score(container, world.analysis_id)
    archive = await export_zip(world.patient, container)
    names = set(archive.namelist())

    def section(name: str) -> Any:
        return json.loads(archive.read(f"{name}.json"))

    assert section("profile")["email"] == "pat@example.com"
    assert "password_hash" not in section("profile")
    assert "email_change_request" not in section("profile")  # a change link's state
    (analysis,) = section("analyses")
    assert analysis["id"] == world.analysis_id and analysis["result"]["tone"]["monk"] >= 1
    (media,) = section("media")
    original = archive.read(media["file"])  # decrypted, as accepted at upload
    assert (
        hashlib.sha256(original).hexdigest() == media["sha256"] and original[:3] == b"\xff\xd8\xff"
    )
    assert archive.read(media["thumbnail"])[:3] == b"\xff\xd8\xff"
    assert archive.read(analysis["overlay"])[:3] == b"\xff\xd8\xff"  # a JPEG
    assert len(section("routines")) == 1 and section("ratings")[0]["rating"] == 5
    assert [a["id"] for a in section("appointments")] == [world.appointment_id]
    assert section("shares")[0]["doctor_id"] == world.doctor_id
    assert "active_target" not in section("shares")[0]  # the database's key, not their data
    log = section("access_log")
    assert sorted(e["resource"] for e in log) == ["ANALYSIS", "APPOINTMENT", "LABELS"]
    labels = section("labels")
    assert [(x["source"], x["author_id"]) for x in labels] == [
        ("DERMATOLOGIST", world.doctor_id),
        ("PATIENT", world.patient_id),
    ]
    assert section("profile")["learning_consent"] is True
    (consent,) = section("consents")  # the photo-consent box ticked at sign-up
    assert (consent["purpose"], consent["given"]) == ("PHOTO_ANALYSIS", True)
    assert [m["dataset_version"] for m in section("dataset_members")] == ["v-test"]
    (scored,) = section("skin_model_scores")  # what a model in shadow made of their face
    assert (scored["analysis_id"], scored["scores"]) == (world.analysis_id, {"acne": 41.0})
    inbox = (await world.patient.data(INBOX))["notifications"]["edges"]
    assert len(inbox) >= 2  # the analysis done, the appointment booked
    exported = [
        json.dumps([n["kind"], n["payload"]], sort_keys=True) for n in section("notifications")
    ]
    listed = [json.dumps([n["node"]["kind"], n["node"]["details"]], sort_keys=True) for n in inbox]
    assert sorted(exported) == sorted(listed)
    (doctor,) = container.directory.get_many([world.doctor_id])
    assert {(e["doctor_id"], e["dermatologist_name"]) for e in log} == {
        (world.doctor_id, doctor.name)
    }
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["user_id"] == world.patient_id and manifest["missing_files"] == []
    for entry in manifest["files"]:
        assert hashlib.sha256(archive.read(entry["path"])).hexdigest() == entry["sha256"]
    readme = archive.read("README.md").decode()
    assert all(f"{name}.json`: " in readme for name in ("access_log", "notifications"))
    assert "skin_model_scores.json`: What a skin model under test" in readme
    texts = [archive.read(n).decode() for n in names if n.endswith((".json", ".md"))]
    assert not any(world.other_id in text or "other@example.com" in text for text in texts)

    # Nobody else reaches it: their own list is empty, a changed link is refused.
    assert (await world.other.data(EXPORTS))["myDataExports"] == []
    assert (await world.doctor.data(EXPORTS))["myDataExports"] == []
    (ready,) = (await world.patient.data(EXPORTS))["myDataExports"]
    forged = ready["downloadUrl"][:-3] + (
        "aaa" if not ready["downloadUrl"].endswith("aaa") else "bbb"
    )
    refused = await client.http.get(forged)
    assert refused.status_code == 403 and refused.json()["code"] == "EXPORT_LINK_INVALID"
    anonymous = GraphQLClient(client.http)
    assert await anonymous.error_codes(EXPORT) == ["UNAUTHENTICATED"]


@asynccontextmanager
async def http_client(container: Container) -> AsyncIterator[GraphQLClient]:
    transport = httpx.ASGITransport(app=create_app(container))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield GraphQLClient(http)


@pytest.fixture(params=["local", "s3"])
def erasure_container(
    request: pytest.FixtureRequest, tmp_path: Path, database_url: str
) -> Iterator[Container]:
    overrides: dict[str, Any] = {"database_url": database_url}
    if request.param == "s3":
        endpoint = request.getfixturevalue("s3_endpoint")
        bucket = f"erasure-{tmp_path.name[-8:].lower().replace('_', '-')}"
        s3_client(endpoint).create_bucket(Bucket=bucket)
        overrides |= {
            "storage_backend": "s3",
            "s3_bucket": bucket,
            "s3_endpoint_url": endpoint,
            "s3_access_key_id": "test",
            "s3_secret_access_key": "test",
        }
    container = bootstrap(make_settings(tmp_path, **overrides))
    yield container
    container.close()


async def test_deleting_my_account_leaves_no_row_and_no_object_of_mine(
    erasure_container: Container,
) -> None:
    container = erasure_container
    async with http_client(container) as client:
        world = await build_world(client, container)
        await export_zip(world.patient, container)  # an export zip is theirs too
        mine = objects_of(container, world.patient_id)
        before = stored_objects(container)
        assert len(mine) == 4 and mine <= before  # original, thumbnail, overlay, export
        theirs = objects_of(container, world.other_id) & before
        # their upload, a plain JPEG never analysed nor shown, has no thumbnail yet
        unmade = objects_of(container, world.other_id) - before
        assert theirs and [name.rsplit("/", 1)[-1] for name in unmade] == ["thumbnail.jpg"]
        with container.engine.connect() as connection:
            reads = connection.execute(
                select(func.count()).select_from(SQLModel.metadata.tables["access_log"])
            ).scalar_one()
        assert reads >= 2

        assert await world.patient.error_codes(DELETE, p="not my password") == [
            "INVALID_CREDENTIALS"
        ]
        assert stored_objects(container) == before

        erased = (await world.patient.data(DELETE, p=PASSWORD))["deleteMyAccount"]
        assert (
            erased["appointmentsCancelled"],
            erased["sharesRevoked"],
            erased["filesDeleted"],
        ) == (1, 1, 4)

        after = stored_objects(container)
        assert after == before - mine and theirs <= after
        assert columns_mentioning(container, world.patient_id, "pat@example.com") == {}
        # Their analysis as deleting it alone leaves it: only the access log names its id.
        assert set(columns_mentioning(container, world.analysis_id)) == {"access_log.resource_id"}
        alias = container.privacy.pseudonym(world.patient_id)
        assert columns_mentioning(container, alias) == {
            "access_log.patient_id": reads,  # every audit entry kept, under the pseudonym
            "account_erasures.pseudonym": 1,
            "dashboard_events.payload": 4,  # booked, shared, cancelled, share revoked
        }
        assert await world.patient.error_codes(LOGIN, p=PASSWORD) == ["INVALID_CREDENTIALS"]
        events = (await world.doctor.data("{ dashboardEvents(first: 20) { kind patientId } }"))[
            "dashboardEvents"
        ]
        assert [e["kind"] for e in events][-2:] == ["CANCELLED", "SHARE_REVOKED"]
        assert {e["patientId"] for e in events} == {alias}
        outbox = [json.loads(p.read_text()) for p in container.settings.outbox_dir.glob("*.json")]
        cancelled = [
            m for m in outbox if m["to"] == "pat@example.com" and "cancel" in m["subject"].lower()
        ]
        assert len(cancelled) == 1


async def test_an_admin_erases_an_account_on_request(
    client: GraphQLClient, container: Container
) -> None:
    world = await build_world(client, container)
    assert await world.other.error_codes(ERASE, u=world.patient_id) == ["FORBIDDEN"]
    assert await world.doctor.error_codes(ERASE, u=world.patient_id) == ["FORBIDDEN"]
    admin = GraphQLClient(client.http)
    await login_as_admin(admin, container)
    theirs = objects_of(container, world.other_id)
    erased = (await admin.data(ERASE, u=world.other_id))["eraseAccount"]
    assert erased == {"appointmentsCancelled": 0, "filesDeleted": 2}
    assert not theirs & stored_objects(container)
    assert columns_mentioning(container, world.other_id, "other@example.com") == {}
    assert await admin.error_codes(ERASE, u=world.other_id) == ["ACCOUNT_NOT_FOUND"]
    # The dermatologist's own erasure cancels the patient's appointment; the patient is told.
    # The patient's inbox keeps that they read the analysis, under the pseudonym.
    await world.doctor.data("query($a: ID!) { analysis(id: $a) { id } }", a=world.analysis_id)
    erased = (await world.doctor.data(DELETE, p=PASSWORD))["deleteMyAccount"]
    assert erased["appointmentsCancelled"] == 1
    mine = await world.patient.data("{ myAppointments(first: 5) { edges { node { id } } } }")
    assert mine["myAppointments"]["edges"] == []  # the appointment named the dermatologist
    outbox = [json.loads(p.read_text()) for p in container.settings.outbox_dir.glob("*.json")]
    told = [m for m in outbox if m["to"] == "pat@example.com" and "cancel" in m["subject"].lower()]
    assert len(told) == 1
    assert columns_mentioning(container, world.doctor_id, "doc@example.com") == {}
    inbox = await world.patient.data(INBOX)
    (viewed,) = [n for n in inbox["notifications"]["edges"] if n["node"]["kind"] == "SHARE_VIEWED"]
    alias = container.privacy.pseudonym(world.doctor_id)
    assert viewed["node"]["details"]["dermatologist_id"] == alias
    # and is told once that the dermatologist left, with the booking it cancelled and the
    # share it ended (keyed by the pseudonym too)
    (left,) = [
        n for n in inbox["notifications"]["edges"] if n["node"]["kind"] == "DERMATOLOGIST_LEFT"
    ]
    assert len(left["node"]["details"]["appointments"]) == 1
    assert len(left["node"]["details"]["shares"]) == 1
    assert world.doctor_id not in str(left)
    assert columns_mentioning(container, alias)["notifications.key"] == 2
