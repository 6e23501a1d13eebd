"""Pigmented spots through the pipeline and GraphQL: stored with the result, served on it, and
followed from one analysis to the next by the referral triage."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import timedelta

import cv2
import numpy as np
import pytest
from sqlalchemy import select, update
from sqlmodel import col

from metskin.adapters.db.analysis import AnalysisRow
from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
from metskin.bootstrap import Container
from metskin.domain.analysis.spots import to_frame
from tests.analysis.spot_photos import DEPTH, RADIUS, REGIONS, plant_spots, reframe
from tests.analysis.synthetic import astronaut
from tests.e2e.conftest import GraphQLClient
from tests.e2e.test_care_api import add_done_analysis

START = "mutation($m: ID!) { startAnalysis(mediaId: $m) { id } }"
SPOTS = """query($id: ID!) { analysis(id: $id) { status result {
  ok spots { x y areaMm2 darkness region } raw } } }"""
REFERRAL = """query($id: ID!) { referral(analysisId: $id) {
  referral { urgency specialty reasons { ruleId evidence } } } }"""


@pytest.fixture(scope="module")
def planted() -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The astronaut photo and its landmarks."""
    landmarker = MediaPipeLandmarker()
    rgb = astronaut()
    yield rgb, landmarker.detect(rgb)[0]
    landmarker.close()


def jpeg(rgb: np.ndarray) -> bytes:
    ok, data = cv2.imencode(
        ".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 95]
    )
    assert ok
    return data.tobytes()


async def analyse(client: GraphQLClient, container: Container, rgb: np.ndarray) -> str:
    uploaded = await client.upload(jpeg(rgb))
    assert "errors" not in uploaded, uploaded
    started = await client.data(START, m=uploaded["data"]["uploadMedia"]["id"])
    container.start_embedded_worker()
    container.broker.join("default")
    return str(started["startAnalysis"]["id"])


async def test_spots_are_stored_with_the_result_and_served(
    client: GraphQLClient, container: Container, planted: tuple[np.ndarray, np.ndarray]
) -> None:
    await client.register("maya@example.com")
    image, spots = plant_spots(*planted, seed=5)
    analysis_id = await analyse(client, container, image)
    result = (await client.data(SPOTS, id=analysis_id))["analysis"]["result"]
    assert result["ok"]
    stored = container.analyses.results([analysis_id])[analysis_id][0]
    assert stored["spots"] == result["raw"]["spots"]
    served = result["spots"]
    assert served and all(s["areaMm2"] > 0 and 0 <= s["darkness"] <= 100 for s in served)
    for region, centre in spots:
        (x, y), _ = (v[0] for v in to_frame(planted[1], np.array([centre], dtype=float)))
        found = min(served, key=lambda s: math.hypot(s["x"] - x, s["y"] - y))
        assert math.hypot(found["x"] - x, found["y"] - y) <= 0.02
        assert found["region"] == region


async def test_a_spot_that_grew_since_the_last_photo_is_referred(
    client: GraphQLClient, container: Container, planted: tuple[np.ndarray, np.ndarray]
) -> None:
    await client.register("maya@example.com")
    first = await analyse(client, container, plant_spots(*planted, seed=5)[0])
    after, _ = plant_spots(*planted, seed=5, changed={REGIONS[0]: (RADIUS * 1.35, DEPTH)})
    later = await analyse(client, container, reframe(after, 5.0, 1.1, (-20, 10), 1.0))
    # A month between the photos: a retake of the same sitting is no history for triage.
    with container.engine.begin() as connection:
        row = col(AnalysisRow.id) == first
        taken = connection.execute(select(AnalysisRow.created_at).where(row)).scalar_one()
        connection.execute(
            update(AnalysisRow).where(row).values(created_at=taken - timedelta(days=30))
        )
    referral = (await client.data(REFERRAL, id=later))["referral"]["referral"]
    assert referral is not None
    assert referral["urgency"] == "URGENT" and referral["specialty"] == "SKIN_CANCER"
    reasons = {reason["ruleId"]: reason["evidence"] for reason in referral["reasons"]}
    assert "spot_changing" in reasons and "spot_new" not in reasons


async def test_results_stored_before_spots_existed_still_read(
    client: GraphQLClient, container: Container
) -> None:
    user = await client.register("maya@example.com")
    old = add_done_analysis(container, user["user"]["id"], {"pigmentation": (20.0, {})})
    assert "spots" not in container.analyses.results([old])[old][0]
    result = (await client.data(SPOTS, id=old))["analysis"]["result"]
    assert result["ok"] and result["spots"] is None
