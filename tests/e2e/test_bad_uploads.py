"""Generated bad uploads through the real upload path and the worker (issue 13, point 8).

Each file (tests/e2e/bad_uploads.py, derived from a real London face when the data set is there
and from the scikit-image astronaut) is posted as multipart to /graphql `uploadMedia`; what is
accepted is analysed (`startAnalysis`, run to the end by the embedded worker). Asserted: no 5xx,
every refusal coded (an upload error code, an analysis FAILED with its failure code, or DONE
with ok: false and a blocking quality code), the worker still analyses a good photo afterwards,
and storage holds exactly the objects of the media rows and overlays (nothing half-created).
300 in the suite; `METSKIN_BAD_UPLOADS=10000` for the full run (docs/reliability.md).
"""

from __future__ import annotations

import json
import os
import random
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from metskin.bootstrap import Container
from metskin.domain.accounts.model import Role
from metskin.domain.analysis.errors import MediaNotFound
from metskin.domain.analysis.records import AnalysisStatus, MediaGrant
from metskin.settings import Settings
from tests.analysis.london import LONDON
from tests.conftest import make_settings
from tests.e2e.bad_uploads import bad_upload, sources
from tests.e2e.conftest import GraphQLClient
from tests.e2e.test_bad_inputs import database_url as database_url  # SQLite only
from tests.e2e.test_privacy_api import stored_objects
from tests.media_samples import face_jpeg

COUNT = int(os.environ.get("METSKIN_BAD_UPLOADS", "300"))
SEED = int(os.environ.get("METSKIN_RANDOM_SEED", "13"))
BATCH = 200
START = "mutation($m: ID!) { startAnalysis(mediaId: $m) { id } }"


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """The upload rate limits are not what this test is about."""
    return make_settings(tmp_path, database_url=database_url, rate_limits_enabled=False)


async def post_upload(
    client: GraphQLClient, data: bytes, name: str, kind: str | None
) -> tuple[int, Any]:
    query = "mutation($f: Upload!, $k: MediaKind) { uploadMedia(file: $f, kind: $k) { id } }"
    operations = {"query": query, "variables": {"f": None, "k": kind}}
    response = await client.http.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.f"]})},
        files={"0": (name, data, "application/octet-stream")},
        headers={"authorization": f"Bearer {client.token}"},
    )
    assert response.status_code < 500, (response.status_code, response.text[:300])
    return response.status_code, response.json()


def upload_outcome(status: int, body: Any) -> tuple[str, str | None]:
    """("accepted", media id) or ("refused <code>", None); NO_CODE when the refusal has none."""
    errors = body.get("errors") or []
    if status == 200 and not errors:
        return "accepted", body["data"]["uploadMedia"]["id"]
    codes = {(e.get("extensions") or {}).get("code") or "NO_CODE" for e in errors}
    return f"refused {'/'.join(sorted(codes)) or f'HTTP {status} NO_CODE'}", None


def analysis_outcome(container: Container, owner: str, analysis_id: str) -> str:
    analysis = container.analyses.get_for_viewer(owner, Role.PATIENT, analysis_id)
    if analysis.status is AnalysisStatus.FAILED:
        return f"analysis FAILED {analysis.failure_code or 'NO_CODE'}"
    if analysis.status is not AnalysisStatus.DONE:
        return f"analysis left {analysis.status.name}"
    result, _overlay = container.analyses.results([analysis_id])[analysis_id]
    if result.get("ok"):
        return "analysis DONE ok"
    blocking = sorted({q["code"] for q in result.get("quality", []) if q.get("blocking")})
    return f"analysis DONE not ok {'/'.join(blocking) or 'NO_CODE'}"


async def test_bad_uploads_are_refused_with_codes_and_leave_nothing_half_made(
    client: GraphQLClient, container: Container
) -> None:
    owner = (await client.register("uploader@example.com"))["user"]["id"]
    rng, photos = random.Random(SEED), sources(LONDON)
    outcomes: Counter[str] = Counter()
    by_variant: Counter[str] = Counter()
    analyses: list[str] = []
    media: list[str] = []
    container.start_embedded_worker()
    started = time.perf_counter()
    for number in range(COUNT):
        variant, data, name, kind = bad_upload(rng, photos)
        ended, media_id = upload_outcome(*await post_upload(client, data, name, kind))
        outcomes[ended] += 1
        by_variant[f"{variant.split(': ')[1]}: {ended.split(' ')[0]}"] += 1
        if media_id:
            media.append(media_id)
            analyses.append((await client.data(START, m=media_id))["startAnalysis"]["id"])
        if number % BATCH == BATCH - 1 or number == COUNT - 1:
            container.broker.join("default")
    outcomes.update(analysis_outcome(container, owner, a) for a in analyses)
    elapsed = time.perf_counter() - started

    good = (await client.upload(face_jpeg()))["data"]["uploadMedia"]["id"]
    last = (await client.data(START, m=good))["startAnalysis"]["id"]
    container.broker.join("default")
    print(f"\nbad uploads (seed {SEED}, {sorted(photos)}): {COUNT} in {elapsed:.0f} s")
    print("\n".join(f"  {count:6}  {outcome}" for outcome, count in sorted(outcomes.items())))
    print("\n".join(f"  {count:6}  {v}" for v, count in sorted(by_variant.items())))
    assert analysis_outcome(container, owner, last) == "analysis DONE ok"  # the worker lives
    assert not [o for o in outcomes if "NO_CODE" in o or "left" in o], outcomes
    assert sum(n for o, n in outcomes.items() if o.startswith("refused")) > COUNT // 3

    with container.engine.connect() as connection:
        rows = connection.execute(text("SELECT id, storage_name, thumbnail_name FROM media")).all()
    thumbnails = {row[0]: row[2] for row in rows}
    names = {name for row in rows for name in row[1:]}
    overlays = {o for _r, o in container.analyses.results([*analyses, last]).values() if o}
    assert len(names) == 2 * (len(media) + 1)
    # A plain JPEG is not decoded at upload: its thumbnail comes from its analysis's decode, so
    # one whose picture cannot be decoded (its analysis FAILED CORRUPT_MEDIA) has none, and its
    # link answers MEDIA_NOT_FOUND.
    undecoded = {
        media_id
        for media_id, analysis_id in zip(media, analyses, strict=True)
        if analysis_outcome(container, owner, analysis_id) == "analysis FAILED CORRUPT_MEDIA"
    }
    for media_id in undecoded:
        grant = MediaGrant(thumbnails[media_id], owner, Role.PATIENT, media_id=media_id)
        with pytest.raises(MediaNotFound):
            container.analyses.open_object(grant)
    assert stored_objects(container) == names - {thumbnails[m] for m in undecoded} | overlays
