"""The care path as an API client meets it when a new photo's run fails after its routine was
saved (the RECOMMENDING stage), and when a change said while the photo is measured is made by
the pipeline's last step: the care is as before the photo; the change is told with its why."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from metskin.bootstrap import Container
from metskin.domain.recommendations.errors import RetakeNeeded
from metskin.workers.analysis import GAVE_UP_REASON
from tests.e2e.conftest import GraphQLClient
from tests.e2e.test_privacy_api import export_zip
from tests.e2e.test_recommendations_api import PROFILE, START, seeded  # noqa: F401
from tests.e2e.test_routine_followed_api import CHECK_IN, RETINOID, measured, told
from tests.media_samples import face_jpeg

HISTORY = "{ myRoutines(first: 5) { edges { node { analysisId pm { productId } } } } }"
STATUS = "query($id: ID!) { analysis(id: $id) { status } }"


async def routines(client: GraphQLClient) -> list[dict[str, Any]]:
    return [edge["node"] for edge in (await client.data(HISTORY))["myRoutines"]["edges"]]


async def test_a_photo_whose_run_fails_after_its_routine_leaves_the_care_as_before(
    client: GraphQLClient,
    seeded: Container,  # noqa: F811
) -> None:
    """Before, the failed photo's routine stayed first in myRoutines (the one followed), the
    check-in counted from it, and a profile change then rebuilt nothing (its analysis failed)."""
    await client.register("maya@example.com")
    older = await measured(client, seeded)
    counted = (await client.data(CHECK_IN))["checkIn"]["routineMadeAt"]

    def storage_away(analysis: Any, result: dict[str, Any]) -> None:
        raise ConnectionError("storage away")  # after the routine's save: the run is retried

    seeded.analyses.add_step_after_measuring(storage_away)
    media_id = (await client.upload(face_jpeg()))["data"]["uploadMedia"]["id"]
    newest = str((await client.data(START, m=media_id))["startAnalysis"]["id"])
    with pytest.raises(ConnectionError):
        await asyncio.to_thread(seeded.analyses.run, newest)
    assert [r["analysisId"] for r in await routines(client)] == [newest, older]
    # its retries spent: what the actor `analysis_gave_up` does
    gave_up = (newest, "ANALYSIS_FAILED", GAVE_UP_REASON)
    await asyncio.to_thread(seeded.analyses.mark_failed, *gave_up)
    assert (await client.data(STATUS, id=newest))["analysis"]["status"] == "FAILED"
    assert [r["analysisId"] for r in await routines(client)] == [older]
    assert (await client.data(CHECK_IN))["checkIn"]["routineMadeAt"] == counted
    assert await told(client) == []  # the same products: nothing to take back
    await client.data(PROFILE, i={"sex": "female", "pregnant": True})
    now, *_ = await routines(client)
    assert now["analysisId"] == older and RETINOID not in {s["productId"] for s in now["pm"]}
    (change,) = await told(client)
    assert change["why"] == "PROFILE" and change["analysis_id"] == older


async def test_a_change_said_while_the_photo_is_measured_is_told_with_its_why(
    client: GraphQLClient,
    seeded: Container,  # noqa: F811
) -> None:
    """Before, the pipeline's last step rebuilt the routine first and told the change without
    its why ("Your routine changed"); the profile's job then found nothing to do."""
    await client.register("maya@example.com")

    def pregnant_meanwhile(analysis: Any, result: dict[str, Any]) -> None:
        seeded.accounts.update_profile(analysis.owner_id, {"sex": "female", "pregnant": True})

    seeded.analyses.add_step_after_measuring(pregnant_meanwhile)  # after the routine's save
    analysis_id = await measured(client, seeded)
    (change,) = await told(client)
    assert change["why"] == "PROFILE" and f"pm:{RETINOID}" in change["removed"]
    assert change["analysis_id"] == analysis_id
    seeded.start_embedded_worker()  # the profile's job, queued meanwhile: nothing more told
    seeded.broker.join("default")
    assert len(await told(client)) == 1


async def test_two_changes_said_while_measured_are_told_together_and_not_exported(
    client: GraphQLClient,
    seeded: Container,  # noqa: F811
) -> None:
    """Before, the second change's why replaced the first's ("after your rating" alone), and
    the why kept while measuring stayed in the saved routine's payload (`why_pending`), in
    the person's data export (routines.json)."""
    await client.register("maya@example.com")

    def pregnant_then_a_rating(analysis: Any, result: dict[str, Any]) -> None:
        owner = analysis.owner_id
        seeded.accounts.update_profile(owner, {"sex": "female", "pregnant": True})
        (saved, *_) = seeded.recommendations.history(owner, None, 1)
        kept = sorted(s["product_id"] for s in saved.routine["am"] if s["product_id"] != RETINOID)
        seeded.recommendations.rate(owner, kept[0], 1, "irritated")

    seeded.analyses.add_step_after_measuring(pregnant_then_a_rating)  # after the routine's save
    await measured(client, seeded)
    (change,) = await told(client)
    assert (change["why"], change["whys"]) == ("PROFILE", ["PROFILE", "RATING"])
    archive = await export_zip(client, seeded)  # the jobs queued meanwhile run here too
    assert "why_pending" not in archive.read("routines.json").decode()
    assert len(await told(client)) == 1


async def test_a_routine_saved_by_a_run_already_marked_failed_is_refused(
    client: GraphQLClient,
    seeded: Container,  # noqa: F811
) -> None:
    """A delivery still running when another marked its analysis FAILED (a retry, a lost
    lease) reached RECOMMENDING after the failure's step: before, its routine was saved and
    followed, though the analysis had failed."""
    await client.register("maya@example.com")
    older = await measured(client, seeded)
    media_id = (await client.upload(face_jpeg()))["data"]["uploadMedia"]["id"]
    newest = str((await client.data(START, m=media_id))["startAnalysis"]["id"])
    with seeded.new_uow() as uow:
        late = uow.analyses.get(newest)  # as the late delivery read it
    measurement = seeded.analyses.results([older])[older][0]
    gave_up = (newest, "ANALYSIS_FAILED", GAVE_UP_REASON)
    await asyncio.to_thread(seeded.analyses.mark_failed, *gave_up)
    with pytest.raises(RetakeNeeded):
        await asyncio.to_thread(seeded.recommendations.after_measuring, late, measurement)
    assert [r["analysisId"] for r in await routines(client)] == [older]
