"""A dermatologist's lists through HTTP: until when each patient shares, and the referrals to
see first (the referral itself only under a share, its read audited)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from metskin.bootstrap import Container
from metskin.domain.referrals.model import Referral, ReferralRecord, Specialty, Urgency
from tests.e2e.conftest import GraphQLClient
from tests.e2e.test_care_api import add_done_analysis, login
from tests.integration.test_care_booking import make_doctor

SHARE = """mutation($d: ID!, $a: ID, $e: DateTime) {
  shareAnalysis(dermatologistId: $d, analysisId: $a, expiresAt: $e) { id } }"""
PATIENTS = "{ patients(first: 10) { edges { node { displayName sharesUntil } } } }"
URGENT = """{ urgentReferrals { id urgency patientId patientName updatedAt
  referral { id analysisId urgency specialty } } }"""
ACCESS_LOG = "{ accessLog(first: 50) { edges { node { resource resourceId part } } } }"


async def test_the_patients_list_says_until_when_each_patient_shares(
    client: GraphQLClient, container: Container
) -> None:
    """Before, neither the list nor a patient's page said it: a share ran out unannounced."""
    doctor = make_doctor(container, "doc@example.com")
    await client.register("pat@example.com")
    until = (datetime.now(UTC) + timedelta(days=12)).replace(microsecond=0)
    await client.data(SHARE, d=doctor.id, e=until.isoformat())
    await client.data(SHARE, d=doctor.id, e=(until - timedelta(days=5)).isoformat())  # kept
    derm = GraphQLClient(client.http)
    await login(derm, "doc@example.com")
    (entry,) = [e["node"] for e in (await derm.data(PATIENTS))["patients"]["edges"]]
    assert datetime.fromisoformat(entry["sharesUntil"]) == until


def taken_referral(
    container: Container, patient_id: str, analysis_id: str, doctor_id: str, urgency: Urgency
) -> str:
    """A referral the patient took to the dermatologist (as booking with it does)."""
    now = datetime.now(UTC)
    said = Referral(urgency, Specialty.ACNE, (), "See a dermatologist.", "Soon.")
    record = ReferralRecord(f"ref-{urgency.value}", patient_id, analysis_id, said, now, now)
    record.doctor_id = doctor_id
    with container.new_uow() as uow:
        uow.referrals.add(record)
        uow.commit()
    return record.id


async def test_urgent_referrals_come_first_the_referral_itself_only_under_a_share(
    client: GraphQLClient, container: Container
) -> None:
    """Before, nothing listed referrals by urgency: a badge on a booking, or in the feed."""
    doctor = make_doctor(container, "doc@example.com")
    soon_patient = (await client.register("sol@example.com"))["user"]
    soon_analysis = add_done_analysis(container, soon_patient["id"], {"acne": (60.0, {})})
    taken_referral(container, soon_patient["id"], soon_analysis, doctor.id, Urgency.SOON)
    await client.data(SHARE, d=doctor.id, a=soon_analysis)
    other = GraphQLClient(client.http)
    urgent_patient = (await other.register("uma@example.com"))["user"]
    urgent_analysis = add_done_analysis(container, urgent_patient["id"], {"acne": (90.0, {})})
    taken_referral(container, urgent_patient["id"], urgent_analysis, doctor.id, Urgency.URGENT)
    derm = GraphQLClient(client.http)
    await login(derm, "doc@example.com")

    found = (await derm.data(URGENT))["urgentReferrals"]
    assert [(r["urgency"], r["patientId"], r["patientName"]) for r in found] == [
        ("URGENT", urgent_patient["id"], "Test"),
        ("SOON", soon_patient["id"], "Test"),
    ]
    assert found[0]["referral"] is None  # Uma shares nothing: the fact of it only
    assert found[1]["referral"] == {
        "id": "ref-SOON",
        "analysisId": soon_analysis,
        "urgency": "SOON",
        "specialty": "ACNE",
    }
    log = [e["node"] for e in (await client.data(ACCESS_LOG))["accessLog"]["edges"]]
    assert log == [{"resource": "REFERRAL", "resourceId": "ref-SOON", "part": None}]
    assert (await other.data(ACCESS_LOG))["accessLog"]["edges"] == []
    patient_codes = await client.error_codes(URGENT)
    assert patient_codes == ["FORBIDDEN"]
