"""Progress through GraphQL: two analyses of the same photo compared, a period's trends, and
the errors of bad requests (issue 16)."""

from __future__ import annotations

import io

from PIL import Image

from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
from metskin.bootstrap import Container
from tests.analysis.synthetic import recoloured_face
from tests.e2e.conftest import PASSWORD, GraphQLClient
from tests.e2e.test_analysis_api import analyse
from tests.media_samples import encode, face_jpeg, face_video_bytes, portrait_jpeg

COMPARE = """query($a: ID!, $b: ID!) { compareAnalyses(a: $a, b: $b) {
  before { id } after { id } changedConcerns mirrored
  comparability { score flagged reasons factors { name value } differentPerson warning }
  deltas { concern region before after delta band change }
  pictures { beforeUrl afterUrl sideBySideUrl }
} }"""
PROGRESS = """query($from: DateTime!, $to: DateTime!) { progress(from: $from, to: $to) {
  analyses { id }
  trends { concern chartSvg points { analysisId at value comparability } }
  comparison { changedConcerns comparability { score } }
} }"""
PERIOD = {"from": "2000-01-01T00:00:00Z", "to": "2100-01-01T00:00:00Z"}


async def test_two_photos_of_one_visit_compare_as_no_change(
    client: GraphQLClient, container: Container
) -> None:
    """Framed on the head: the full astronaut photo (face small in the frame, smiling, light from
    one side, a fringe over the forehead) is confident enough to compare only just, and its
    comparisons are flagged as hard (quality) since the fringe is named (FOREHEAD_SHADE)."""
    await client.register("maya@example.com")
    first, second = [await analyse(client, container, portrait_jpeg()) for _ in "ab"]
    found = (await client.data(COMPARE, a=second["id"], b=first["id"]))["compareAnalyses"]
    assert (found["before"]["id"], found["after"]["id"]) == (first["id"], second["id"])
    score = found["comparability"]
    factors = {item["name"]: item["value"] for item in score["factors"]}
    assert min(factors["LIGHT"], factors["POSE"], factors["DISTANCE"]) > 0.99  # the same photo
    assert not score["flagged"] and score["score"] == factors["QUALITY"]
    assert not score["differentPerson"] and score["warning"] is None
    assert found["changedConcerns"] == [] and found["mirrored"] is False
    concerns = {delta["concern"] for delta in found["deltas"]}
    assert {"redness", "pigmentation", "wrinkles", "tone"} <= concerns
    regions = {delta["region"] for delta in found["deltas"] if delta["concern"] == "tone"}
    assert {"face", "forehead", "cheek_left"} <= regions  # tone per region, from the capture
    assert all(delta["change"] == "NO_CHANGE" for delta in found["deltas"])
    sizes = {}
    for name, url in found["pictures"].items():
        served = await client.http.get(url)
        assert served.headers["content-type"] == "image/png"
        sizes[name] = Image.open(io.BytesIO(served.content)).size
    assert sizes["beforeUrl"] == sizes["afterUrl"] == (384, 384)
    assert sizes["sideBySideUrl"][0] > 768

    report = (await client.data(PROGRESS, **PERIOD))["progress"]
    assert [item["id"] for item in report["analyses"]] == [first["id"], second["id"]]
    redness = next(trend for trend in report["trends"] if trend["concern"] == "redness")
    assert [point["analysisId"] for point in redness["points"]] == [first["id"], second["id"]]
    assert redness["chartSvg"].startswith("<svg") and redness["chartSvg"].count("<circle") == 2
    assert report["comparison"]["changedConcerns"] == []


async def test_two_people_under_one_account_are_flagged_and_no_change_is_called(
    client: GraphQLClient, container: Container
) -> None:
    """A family account: a fair face, then a dark one (the astronaut repainted to Monk 2 and
    Monk 9, the same light and pose). Before: compared as one person's, unflagged, with the
    tone's change called. Now: DIFFERENT_PERSON, no change, the sentence in French."""
    registered = await client.data(
        """mutation($i: RegisterInput!) { register(input: $i) { accessToken } }""",
        i={
            "email": "camille@example.com",
            "password": PASSWORD,
            "displayName": "C",
            "locale": "fr",
            "photoConsent": True,  # the family agreed to the analysis of their photos
        },
    )
    client.token = registered["register"]["accessToken"]
    landmarker = MediaPipeLandmarker()
    photos = [recoloured_face(landmarker, monk, "neutral", seed=monk)[0] for monk in (2, 9)]
    first, second = [
        await analyse(client, container, encode(Image.fromarray(rgb), "JPEG", quality=92))
        for rgb in photos
    ]
    found = (await client.data(COMPARE, a=first["id"], b=second["id"]))["compareAnalyses"]
    score = found["comparability"]
    assert score["flagged"] and score["differentPerson"]
    assert score["reasons"][0] == "DIFFERENT_PERSON"
    assert score["warning"].startswith("Ces photos ne sont peut-être pas de la même personne")
    assert found["changedConcerns"] == []
    assert all(delta["change"] == "NO_CHANGE" for delta in found["deltas"])
    tone = next(d for d in found["deltas"] if (d["concern"], d["region"]) == ("tone", "face"))
    assert tone["delta"] < -50  # shown as measured, not called
    report = (await client.data(PROGRESS, **PERIOD))["progress"]
    assert report["comparison"]["changedConcerns"] == []
    points = next(t for t in report["trends"] if t["concern"] == "tone")["points"]
    assert [point["comparability"] for point in points][1] == 0.0  # drawn hollow


def mirrored_jpeg(data: bytes) -> bytes:
    """The photo as a front camera that mirrors its selfies saves it."""
    out = io.BytesIO()
    Image.open(io.BytesIO(data)).transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(
        out, "JPEG", quality=95
    )
    return out.getvalue()


async def test_a_mirrored_selfie_is_compared_side_for_side(
    client: GraphQLClient, container: Container
) -> None:
    """The same face saved mirrored: its spots tell it, and the pose reads as the same pose."""
    await client.register("maya@example.com")
    first = await analyse(client, container, face_jpeg())
    second = await analyse(client, container, mirrored_jpeg(face_jpeg()))
    found = (await client.data(COMPARE, a=first["id"], b=second["id"]))["compareAnalyses"]
    assert found["mirrored"] is True
    factors = {item["name"]: item["value"] for item in found["comparability"]["factors"]}
    assert factors["POSE"] > 0.9  # read as it is, the turned head's sign flips: 0.84
    assert found["pictures"] is not None


async def test_bad_comparisons_get_coded_errors(
    client: GraphQLClient, container: Container
) -> None:
    await client.register("maya@example.com")
    mine = await analyse(client, container, face_jpeg())
    assert await client.error_codes(COMPARE, a=mine["id"], b=mine["id"]) == ["NOT_COMPARABLE"]
    assert await client.error_codes(COMPARE, a=mine["id"], b="nope") == ["ANALYSIS_NOT_FOUND"]
    backwards = {"from": PERIOD["to"], "to": PERIOD["from"]}
    assert await client.error_codes(PROGRESS, **backwards) == ["VALIDATION_FAILED"]
    await client.register("eve@example.com")
    theirs = await analyse(client, container, face_jpeg())
    assert await client.error_codes(COMPARE, a=theirs["id"], b=mine["id"]) == ["FORBIDDEN"]
    empty = (await client.data(PROGRESS, **PERIOD))["progress"]
    assert len(empty["analyses"]) == 1 and empty["comparison"] is None


async def test_pictures_of_video_analyses_are_drawn_on_their_measured_frames(
    client: GraphQLClient, container: Container
) -> None:
    """A video's analysis keeps the frame it measured (its landmarks are in that frame's
    pixels): a video against a photo, and two videos, get before / after pictures."""
    await client.register("maya@example.com")
    video = await analyse(client, container, face_video_bytes(fps=10, seconds=3, side=640))
    photo = await analyse(client, container, face_jpeg())
    other = await analyse(client, container, face_video_bytes(fps=10, seconds=2, side=640))
    stored = container.analyses.results([video["id"]])[video["id"]][0]
    frame = stored["capture"]["frame"]
    assert frame == f"overlays/{video['id'][:2]}/{video['id']}/frame.jpg"
    assert container.storage.get(frame)[:2] == b"\xff\xd8"  # a JPEG, encrypted at rest
    for a, b in ((video, photo), (video, other)):
        found = (await client.data(COMPARE, a=a["id"], b=b["id"]))["compareAnalyses"]
        assert found["pictures"] is not None, (a["id"], b["id"])
        for url in found["pictures"].values():
            served = await client.http.get(url)
            assert served.status_code == 200 and served.headers["content-type"] == "image/png"
            assert Image.open(io.BytesIO(served.content)).size[1] == 384
