"""Labels through HTTP: a dermatologist annotates an analysis shared with them, the owner
corrects it, coded errors for bad values, who may read the labels (the dermatologist's read is
in the patient's access log), and consent for learning off by default and revocable."""

from __future__ import annotations

import pytest

from metskin.bootstrap import Container
from tests.e2e.conftest import GraphQLClient, login_as_admin
from tests.e2e.test_care_api import login
from tests.e2e.test_privacy_api import ANNOTATE, CORRECT, SHARE, analyse
from tests.integration.test_care_booking import make_doctor

LABELS = """query($a: ID!) { analysisLabels(analysisId: $a) {
  source authorId grades { concern grade } lesions { type x y width height }
  skinType monkTone verdicts { concern agrees x y } note } }"""
CONSENT = "{ learningConsent { given changedAt } }"
SET_CONSENT = "mutation($g: Boolean!) { setLearningConsent(given: $g) { given changedAt } }"
REVOKE = "mutation($s: ID!) { revokeShare(shareId: $s) { id } }"
ACCESS_LOG = "{ accessLog(first: 10) { edges { node { resource resourceId } } } }"

ANNOTATION = {
    "grades": [{"concern": "ACNE", "grade": 3}, {"concern": "REDNESS", "grade": 1}],
    "lesions": [
        {"type": "PAPULE", "x": 10, "y": 12},
        {"type": "SCAR", "x": 5, "y": 6, "width": 20, "height": 10},
    ],
    "skinType": "OILY",
    "monkTone": 5,
}


async def test_annotate_correct_and_read_labels(
    client: GraphQLClient, container: Container
) -> None:
    doctor_id = make_doctor(container, "doc@example.com").id
    make_doctor(container, "doc2@example.com", template=1)
    await client.register("pat@example.com")
    analysis_id = await analyse(client, container)
    derm, other_derm = GraphQLClient(client.http), GraphQLClient(client.http)
    await login(derm, "doc@example.com")
    await login(other_derm, "doc2@example.com")

    # No share yet: refused, with a code.
    assert await derm.error_codes(ANNOTATE, a=analysis_id, i=ANNOTATION) == ["LABELS_FORBIDDEN"]
    share = await client.data(SHARE, d=doctor_id)
    await derm.data(ANNOTATE, a=analysis_id, i=ANNOTATION)
    assert await other_derm.error_codes(ANNOTATE, a=analysis_id, i=ANNOTATION) == [
        "LABELS_FORBIDDEN"
    ]
    await client.data(
        CORRECT,
        a=analysis_id,
        i={
            "verdicts": [{"concern": "ACNE", "agrees": False, "x": 15, "y": 20}],
            "skinType": "DRY",
            "note": "this is not acne here",
        },
    )
    mine = (await client.data(LABELS, a=analysis_id))["analysisLabels"]
    assert mine[0] == {
        "source": "DERMATOLOGIST",
        "authorId": doctor_id,
        "grades": [{"concern": "ACNE", "grade": 3}, {"concern": "REDNESS", "grade": 1}],
        "lesions": [
            {"type": "PAPULE", "x": 10, "y": 12, "width": 0, "height": 0},
            {"type": "SCAR", "x": 5, "y": 6, "width": 20, "height": 10},
        ],
        "skinType": "oily",
        "monkTone": 5,
        "verdicts": [],
        "note": "",
    }
    assert (mine[1]["source"], mine[1]["skinType"], mine[1]["note"]) == (
        "PATIENT",
        "dry",
        "this is not acne here",
    )
    assert mine[1]["verdicts"] == [{"concern": "ACNE", "agrees": False, "x": 15, "y": 20}]

    # Readers: the dermatologist while shared (audited), an admin; not another dermatologist.
    assert (await derm.data(LABELS, a=analysis_id))["analysisLabels"] == mine
    log = (await client.data(ACCESS_LOG))["accessLog"]["edges"]
    assert {"resource": "LABELS", "resourceId": analysis_id} in [e["node"] for e in log]
    assert await other_derm.error_codes(LABELS, a=analysis_id) == ["ANALYSIS_NOT_FOUND"]
    admin = GraphQLClient(client.http)
    await login_as_admin(admin, container)
    assert len((await admin.data(LABELS, a=analysis_id))["analysisLabels"]) == 2
    await client.data(REVOKE, s=share["shareAnalysis"]["id"])
    assert await derm.error_codes(LABELS, a=analysis_id) == ["ANALYSIS_NOT_FOUND"]
    assert await derm.error_codes(ANNOTATE, a=analysis_id, i=ANNOTATION) == ["LABELS_FORBIDDEN"]
    assert await derm.error_codes(CORRECT, a=analysis_id, i={"note": "x"}) == ["ANALYSIS_NOT_FOUND"]


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ({"grades": [{"concern": "ACNE", "grade": 5}]}, "LABEL_GRADE_OUT_OF_RANGE"),
        ({"grades": [{"concern": "PORES", "grade": 4}]}, "LABEL_GRADE_OUT_OF_RANGE"),
        (
            {"grades": [{"concern": "ACNE", "grade": 1}, {"concern": "ACNE", "grade": 2}]},
            "LABEL_UNKNOWN_VALUE",
        ),
        ({"lesions": [{"type": "PAPULE", "x": 100000, "y": 1}]}, "LABEL_POINT_OUTSIDE_IMAGE"),
        ({"lesions": [{"type": "WART", "x": 1, "y": 1}]}, "BAD_USER_INPUT"),
        ({"monkTone": 0}, "LABEL_GRADE_OUT_OF_RANGE"),
        ({}, "LABEL_EMPTY"),
    ],
)
async def test_bad_labels_get_coded_errors(
    client: GraphQLClient, container: Container, value: dict[str, object], code: str
) -> None:
    doctor = make_doctor(container, "doc@example.com")
    await client.register("pat@example.com")
    analysis_id = await analyse(client, container)
    await client.data(SHARE, d=doctor.id)
    derm = GraphQLClient(client.http)
    await login(derm, "doc@example.com")
    assert await derm.error_codes(ANNOTATE, a=analysis_id, i=value) == [code]
    assert (await client.data(LABELS, a=analysis_id))["analysisLabels"] == []


async def test_a_verdict_point_outside_the_photo_is_named_in_the_persons_language(
    client: GraphQLClient, container: Container
) -> None:
    await client.register("pat@example.com")
    analysis_id = await analyse(client, container)
    outside = {"concern": "REDNESS", "agrees": False, "x": 99999, "y": 1}
    variables = {
        "a": analysis_id,
        "i": {"verdicts": [{"concern": "ACNE", "agrees": True}, outside]},
    }
    said = {}
    for language in ("en", "fr"):
        response = await client.http.post(
            "/graphql",
            json={"query": CORRECT, "variables": variables},
            headers={"authorization": f"Bearer {client.token}", "accept-language": language},
        )
        (error,) = response.json()["errors"]
        assert error["extensions"] == {"code": "LABEL_POINT_OUTSIDE_IMAGE", "field": "verdicts.1"}
        said[language] = error["message"]
    assert said["en"].startswith("The point given with the REDNESS verdict lies outside the ")
    assert said["fr"].startswith("Le point indiqué avec votre avis sur REDNESS est en dehors ")


async def test_learning_consent_is_off_by_default_and_revocable(client: GraphQLClient) -> None:
    anonymous = GraphQLClient(client.http)
    assert await anonymous.error_codes(CONSENT) == ["UNAUTHENTICATED"]
    await client.register("pat@example.com")
    assert (await client.data(CONSENT))["learningConsent"] == {"given": False, "changedAt": None}
    given = (await client.data(SET_CONSENT, g=True))["setLearningConsent"]
    assert given["given"] and given["changedAt"]
    assert (await client.data(CONSENT))["learningConsent"] == given
    revoked = (await client.data(SET_CONSENT, g=False))["setLearningConsent"]
    assert not revoked["given"] and revoked["changedAt"] >= given["changedAt"]
