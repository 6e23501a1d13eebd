"""Analysis mutations: upload a photo or video, start an analysis."""

from __future__ import annotations

import strawberry
from strawberry.file_uploads import Upload
from strawberry.types import Info

from metskin.graphql.analysis.types import Analysis, Media, MediaKind
from metskin.graphql.context import run_sync
from metskin.graphql.permissions import IsAuthenticated, guarded_mutation


@strawberry.type
class AnalysisMutations:
    @guarded_mutation(
        IsAuthenticated, "Upload a photo (JPEG, PNG, WebP, HEIC, AVIF) or a video (MP4, MOV, WebM)."
    )
    async def upload_media(
        self,
        info: Info,
        file: Upload,
        kind: MediaKind | None = None,  # type: ignore[valid-type]
    ) -> Media:
        viewer = info.context.require_viewer()
        data = await file.read()  # type: ignore[attr-defined]
        media = await run_sync(info.context.container.media.upload, viewer.user_id, data, kind)
        return Media.from_domain(media)

    @guarded_mutation(IsAuthenticated)
    async def start_analysis(self, info: Info, media_id: strawberry.ID) -> Analysis:
        viewer = info.context.require_viewer()
        analysis = await run_sync(
            info.context.container.analyses.start, viewer.user_id, str(media_id)
        )
        return Analysis.from_domain(analysis)
