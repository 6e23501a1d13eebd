"""What a dermatologist reads of a patient's shared analyses, through HTTP: every path that
returns results tells the patient and writes their access log, and ends with the share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from metskin.bootstrap import Container
from tests.e2e.conftest import PASSWORD, GraphQLClient
from tests.e2e.test_care_api import add_done_analysis, login
from tests.integration.test_care_booking import make_doctor

SHARE = "mutation($d: ID!) { shareAnalysis(dermatologistId: $d) { id } }"
REVOKE = "mutation($id: ID!) { revokeShare(shareId: $id) { active } }"
PAGE = "{ sharedAnalyses(first: 10) { edges { node { id result { concerns { score } } } } } }"
INBOX = "{ notifications(first: 50) { edges { node { kind details } } } }"
ACCESS_LOG = "{ accessLog(first: 50) { edges { node { resource resourceId } } } }"


async def test_reading_results_a_page_at_a_time_tells_the_patient(
    client: GraphQLClient, container: Container
) -> None:
    """Before, a read of one analysis told the patient (SHARE_VIEWED), but the same results
    read through `sharedAnalyses` only wrote the access log."""
    doctor = make_doctor(container, "doc@example.com")
    owner = (await client.register("pat@example.com"))["user"]["id"]
    analysis_id = add_done_analysis(container, owner, {"acne": (30.0, {})})
    share = (await client.data(SHARE, d=doctor.id))["shareAnalysis"]
    derm = GraphQLClient(client.http)
    await login(derm, "doc@example.com")

    page = (await derm.data(PAGE))["sharedAnalyses"]["edges"]
    assert [edge["node"]["id"] for edge in page] == [analysis_id]
    assert page[0]["node"]["result"]["concerns"] == [{"score": 30.0}]
    told = [e["node"] for e in (await client.data(INBOX))["notifications"]["edges"]]
    assert [n["details"] for n in told if n["kind"] == "SHARE_VIEWED"] == [
        {"dermatologist_id": doctor.id, "analysis_id": analysis_id}
    ]
    log = [e["node"] for e in (await client.data(ACCESS_LOG))["accessLog"]["edges"]]
    assert log == [{"resource": "ANALYSIS", "resourceId": analysis_id}]

    await client.data(REVOKE, id=share["id"])
    assert (await derm.data(PAGE))["sharedAnalyses"]["edges"] == []
    assert len((await client.data(ACCESS_LOG))["accessLog"]["edges"]) == 1  # nothing read


PATIENTS = """query($after: String) { patients(first: 2, after: $after) {
  edges { node { displayName } } pageInfo { hasNextPage endCursor } } }"""


async def test_patients_come_by_name_a_page_at_a_time(
    client: GraphQLClient, container: Container
) -> None:
    """Before, by id: a random order to a dermatologist looking for a patient."""
    doctor = make_doctor(container, "doc@example.com")
    for name in ("Zoë Zimmer", "adam Abbott", "Mia Moreau"):
        patient = GraphQLClient(client.http)
        await patient.data(
            """mutation($input: RegisterInput!) { register(input: $input) { accessToken } }""",
            input={
                "email": f"{name.split()[0]}@example.com",
                "password": PASSWORD,
                "displayName": name,
            },
        )
        await login(patient, f"{name.split()[0]}@example.com")
        await patient.data(SHARE, d=doctor.id)
    derm = GraphQLClient(client.http)
    await login(derm, "doc@example.com")

    first = (await derm.data(PATIENTS))["patients"]
    assert [e["node"]["displayName"] for e in first["edges"]] == ["adam Abbott", "Mia Moreau"]
    assert first["pageInfo"]["hasNextPage"]
    rest = (await derm.data(PATIENTS, after=first["pageInfo"]["endCursor"]))["patients"]
    assert [e["node"]["displayName"] for e in rest["edges"]] == ["Zoë Zimmer"]
    assert not rest["pageInfo"]["hasNextPage"]
    assert await derm.error_codes(PATIENTS, after="bm90LWEtY3Vyc29y") == ["VALIDATION_FAILED"]


LABELS = "query($a: ID!) { analysisLabels(analysisId: $a) { source authorId note } }"
ANNOTATE = """mutation($a: ID!, $i: AnnotationInput!) {
  annotateAnalysis(analysisId: $a, input: $i) { id } }"""
CORRECT = """mutation($a: ID!, $i: CorrectionInput!) {
  correctResult(analysisId: $a, input: $i) { id } }"""


async def test_a_dermatologist_does_not_read_another_dermatologist_s_labels(
    client: GraphQLClient, container: Container
) -> None:
    """Before, `analysisLabels` gave every write: the second dermatologist's note, and their
    id, which `dermatologist(id:)` names (whom else the patient shares with)."""
    first = make_doctor(container, "doc@example.com")
    second = make_doctor(container, "doc2@example.com", template=1)
    owner = (await client.register("pat@example.com"))["user"]["id"]
    analysis_id = add_done_analysis(container, owner, {"acne": (30.0, {})})
    doctors = []
    for doctor, email in ((first, "doc@example.com"), (second, "doc2@example.com")):
        await client.data(SHARE, d=doctor.id)
        derm = GraphQLClient(client.http)
        await login(derm, email)
        await derm.data(ANNOTATE, a=analysis_id, i={"note": f"seen by {email}"})
        doctors.append(derm)
    await client.data(CORRECT, a=analysis_id, i={"note": "it itches"})

    read = (await doctors[0].data(LABELS, a=analysis_id))["analysisLabels"]
    assert read == [
        {"source": "DERMATOLOGIST", "authorId": first.id, "note": "seen by doc@example.com"},
        {"source": "PATIENT", "authorId": owner, "note": "it itches"},
    ]
    theirs = (await client.data(LABELS, a=analysis_id))["analysisLabels"]
    assert [label["authorId"] for label in theirs] == [first.id, second.id, owner]


async def test_a_dermatologist_reads_until_when_an_analysis_is_shared(
    client: GraphQLClient, container: Container
) -> None:
    """What lets the web app end an open shared analysis when the share runs out."""
    doctor = make_doctor(container, "doc@example.com")
    owner = (await client.register("pat@example.com"))["user"]["id"]
    analysis_id = add_done_analysis(container, owner, {"acne": (30.0, {})})
    until = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0)
    await client.data(
        "mutation($d: ID!, $e: DateTime) { shareAnalysis(dermatologistId: $d, expiresAt: $e) "
        "{ id } }",
        d=doctor.id,
        e=until.isoformat(),
    )
    derm = GraphQLClient(client.http)
    await login(derm, "doc@example.com")
    query = "query($id: ID!) { analysis(id: $id) { accessUntil } }"
    found = (await derm.data(query, id=analysis_id))["analysis"]["accessUntil"]
    assert datetime.fromisoformat(found) == until
    assert (await client.data(query, id=analysis_id))["analysis"]["accessUntil"] is None
