"""Which routine a person follows, and what they are told when it changes, as an API client
meets it: a routine read right after a profile change says why it changed; a photo deleted
leaves the routine of the one before, built from what the person says now; a product no
longer sold shows as what it was."""

from __future__ import annotations

import asyncio
from typing import Any

from metskin.bootstrap import Container
from tests.e2e.conftest import GraphQLClient, login_as_admin
from tests.e2e.test_recommendations_api import (  # noqa: F401
    PROFILE,
    RECOMMEND,
    START,
    seeded,
)
from tests.e2e.test_routine_lifecycle_api import CHANGES
from tests.media_samples import face_jpeg

RETINOID = "cerabalance-resurfacing-retinol-serum"


async def measured(client: GraphQLClient, container: Container) -> str:
    """A new analysis, run here to its end without the worker: the jobs it and the requests
    after it queue wait (none has run when the next request answers)."""
    media_id = (await client.upload(face_jpeg()))["data"]["uploadMedia"]["id"]
    analysis_id = str((await client.data(START, m=media_id))["startAnalysis"]["id"])
    await asyncio.to_thread(container.analyses.run, analysis_id)
    return analysis_id


async def told(client: GraphQLClient) -> list[dict[str, Any]]:
    """The ROUTINE_CHANGED entries' details, newest first."""
    edges = (await client.data(CHANGES))["notifications"]["edges"]
    return [e["node"]["details"] for e in edges if e["node"]["kind"] == "ROUTINE_CHANGED"]


async def test_a_routine_read_right_after_a_profile_change_says_why_it_changed(
    client: GraphQLClient,
    seeded: Container,  # noqa: F811
) -> None:
    """Before, the rebuild was only a job: the client's read saved the new routine first, and
    the change was told without its why ("Your routine changed")."""
    await client.register("maya@example.com")
    analysis_id = await measured(client, seeded)
    first = (await client.data(RECOMMEND, a=analysis_id))["recommendations"]
    assert RETINOID in {step["product"]["id"] for step in first["pm"]}
    await client.data(PROFILE, i={"sex": "female", "pregnant": True})
    now = (await client.data(RECOMMEND, a=analysis_id))["recommendations"]
    assert RETINOID not in {step["product"]["id"] for step in now["pm"]}
    (change,) = await told(client)
    assert change["why"] == "PROFILE" and f"pm:{RETINOID}" in change["removed"]


CURRENT = "{ myRoutines(first: 1) { edges { node { analysisId pm { productId } } } } }"
DELETE = "mutation($id: ID!) { deleteAnalysis(id: $id) { analysisIds } }"
CHECK_IN = "{ checkIn { routineMadeAt } }"


async def test_a_photo_deleted_leaves_the_routine_before_it_built_from_what_one_says_now(
    client: GraphQLClient,
    seeded: Container,  # noqa: F811
) -> None:
    """Before, deleting the newest photo made the routine of the one before the person's
    routine again (first in myRoutines, the one check-ins count from) as it was saved, with
    the retinoid the pregnancy had taken out of the routine they followed."""
    await client.register("maya@example.com")
    older = await measured(client, seeded)
    newest = await measured(client, seeded)
    await client.data(PROFILE, i={"sex": "female", "pregnant": True})
    assert len(await told(client)) == 1  # the newest one's routine changed
    await client.data(DELETE, id=newest)
    (edge,) = (await client.data(CURRENT))["myRoutines"]["edges"]
    assert edge["node"]["analysisId"] == older
    assert RETINOID not in {step["productId"] for step in edge["node"]["pm"]}
    # told once, on the routine they follow now (the entry on the deleted one went with it)
    (change,) = await told(client)
    assert change["why"] == "PHOTO_DELETED" and f"pm:{RETINOID}" in change["removed"]
    assert change["analysis_id"] == older


HISTORY = """{ myRoutines(first: 5) { edges { node {
  am { productId product { id } noLongerSold { id brand name } }
  alternatives { options { productId product { id } noLongerSold { id name } } } } } } }"""


async def test_a_product_no_longer_sold_shows_as_what_it_was_in_routines_saved_before(
    client: GraphQLClient,
    seeded: Container,  # noqa: F811
) -> None:
    """Before, its step in the history (`myRoutines`) had `product: null` and nothing else: an
    empty step, the person could not tell what they had used."""
    await client.register("maya@example.com")
    await measured(client, seeded)
    admin = GraphQLClient(client.http)
    await login_as_admin(admin, seeded)
    before = (await client.data(HISTORY))["myRoutines"]["edges"][0]["node"]
    sunscreen = before["am"][-1]["productId"]
    assert all(step["noLongerSold"] is None for step in before["am"])  # sold: no need
    sold = await client.data("query($id: ID!) { product(id: $id) { brand name } }", id=sunscreen)
    await admin.data("mutation($id: ID!) { removeProduct(id: $id) }", id=sunscreen)
    seeded.start_embedded_worker()
    seeded.broker.join("default")
    now, saved = [e["node"] for e in (await client.data(HISTORY))["myRoutines"]["edges"]]
    assert sunscreen not in {step["productId"] for step in now["am"]}
    (gone,) = [step for step in saved["am"] if step["productId"] == sunscreen]
    assert gone["product"] is None
    assert gone["noLongerSold"] == {"id": sunscreen, **sold["product"]}


async def test_a_photo_deleted_whose_routine_before_still_fits_says_which_one_is_followed(
    client: GraphQLClient,
    seeded: Container,  # noqa: F811
) -> None:
    """Before, nothing was told when the routine of the photo before still fitted, though the
    person now followed it, and the check-in stayed counted from the deleted photo's routine."""
    await client.register("maya@example.com")
    older = await measured(client, seeded)
    newest = await measured(client, seeded)
    counted = (await client.data(CHECK_IN))["checkIn"]["routineMadeAt"]
    assert await told(client) == []  # the same products: nothing changed
    await client.data(DELETE, id=newest)
    (edge,) = (await client.data(CURRENT))["myRoutines"]["edges"]
    assert edge["node"]["analysisId"] == older
    (change,) = await told(client)
    assert change["why"] == "PHOTO_DELETED" and change["analysis_id"] == older
    assert (change["added"], change["removed"]) == ([], [])
    assert (await client.data(CHECK_IN))["checkIn"]["routineMadeAt"] > counted
    await client.data(RECOMMEND, a=older)  # reading it tells nothing more
    assert len(await told(client)) == 1


async def test_a_profile_changed_while_the_photo_is_measured_is_in_the_routine_at_its_end(
    client: GraphQLClient,
    seeded: Container,  # noqa: F811
) -> None:
    """Before, the profile's rebuild met the analysis unfinished and was left to the job's
    retries (about 30 s): with no worker to run it in time, the routine saved before the
    result kept the retinoid. Now the pipeline's last step rebuilds it (no job runs here)."""
    await client.register("maya@example.com")

    def pregnant_meanwhile(analysis: Any, result: dict[str, Any]) -> None:
        seeded.accounts.update_profile(analysis.owner_id, {"sex": "female", "pregnant": True})

    seeded.analyses.add_step_after_measuring(pregnant_meanwhile)  # after the routine's save
    await measured(client, seeded)
    (edge,) = (await client.data(CURRENT))["myRoutines"]["edges"]
    assert RETINOID not in {step["productId"] for step in edge["node"]["pm"]}
