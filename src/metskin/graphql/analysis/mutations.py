"""Analysis mutations: upload a photo or video, start an analysis."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.file_uploads import Upload
from strawberry.types import Info

from metskin.graphql.analysis.types import Analysis, Media, MediaKind
from metskin.graphql.context import run_sync
from metskin.graphql.permissions import IsAuthenticated, guarded_mutation


@strawberry.type
class AnalysisMutations:
    @guarded_mutation(
        IsAuthenticated,
        "Upload a photo (JPEG, PNG, WebP, HEIC, AVIF) or a video (MP4, MOV, WebM). With an "
        "`idempotencyKey`, a retry whose first answer was lost is that first upload.",
    )
    async def upload_media(
        self,
        info: Info,
        file: Upload,
        kind: MediaKind | None = None,  # type: ignore[valid-type]
        idempotency_key: Annotated[
            str | None,
            strawberry.argument(
                description="The client's key for this file (8 to 100 of A-Z a-z 0-9 . _ : -; "
                "a UUID is one), new for each file chosen and kept across its retries. A retry "
                "with the same key and the same bytes answers the first upload, without "
                "storing it again; the same key with other bytes is UPLOAD_KEY_REUSED, and a "
                "retry while the first is still being checked is UPLOAD_IN_PROGRESS. Keys are "
                "per account and kept for a day (METSKIN_UPLOAD_KEY_SECONDS)."
            ),
        ] = None,
    ) -> Media:
        viewer = info.context.require_viewer()
        data = await file.read()  # type: ignore[attr-defined]
        media = await run_sync(
            info.context.container.media.upload, viewer.user_id, data, kind, idempotency_key
        )
        return Media.from_domain(media)

    @guarded_mutation(IsAuthenticated)
    async def start_analysis(self, info: Info, media_id: strawberry.ID) -> Analysis:
        viewer = info.context.require_viewer()
        analysis = await run_sync(
            info.context.container.analyses.start, viewer.user_id, str(media_id)
        )
        return Analysis.from_domain(analysis)
