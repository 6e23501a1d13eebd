"""Live progress of an analysis."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from functools import partial

import strawberry
from strawberry.types import Info

from metskin.domain.analysis.records import Analysis as DomainAnalysis
from metskin.domain.analysis.records import Stage, progress_channel
from metskin.graphql.analysis.types import AnalysisProgress
from metskin.graphql.context import Context, as_viewer, run_sync
from metskin.graphql.permissions import IsAuthenticated, guarded_subscription
from metskin.graphql.streams import Message, Wake, live_stream, still_allowed

FINAL_STAGES = {Stage.DONE.value, Stage.FAILED.value}


def progress_updates(context: Context, analysis: DomainAnalysis) -> AsyncIterator[Message]:
    """The latest state first, then live events (or the stored state, re-read when the
    listener is live or all is quiet); events are sent only when their `seq` grows, and only
    while the viewer may still read the analysis (a revoked share ends the stream)."""
    service = context.container.analyses
    viewer = context.require_viewer()
    readable = partial(
        service.get_for_viewer, viewer.user_id, viewer.role, analysis.id, audit=False
    )
    last_seq = -1

    def is_new(state: Message) -> bool:
        nonlocal last_seq
        if state["seq"] <= last_seq:
            return False
        last_seq = state["seq"]
        return True

    async def latest() -> AsyncGenerator[Message, None]:
        current = await run_sync(service.latest_progress, analysis)
        if is_new(current):
            yield current

    async def changes(woken: list[Wake]) -> AsyncGenerator[Message, None]:
        for message in woken:
            current = (
                message if message is not None else await run_sync(service.progress_of, analysis.id)
            )
            if current is not None and is_new(current):
                yield current

    return live_stream(
        context.container.events,
        progress_channel(analysis.id),
        context.container.settings.subscription_recheck_seconds,
        latest,
        changes,
        done=lambda event: event["stage"] in FINAL_STAGES,
        allowed=still_allowed(context, readable),
        holder=viewer.user_id,
        slots=context.container.stream_slots,
    )


@strawberry.type
class AnalysisSubscriptions:
    @guarded_subscription(
        IsAuthenticated, "Live progress: the latest state first, ends after DONE or FAILED."
    )
    async def analysis_progress(
        self, info: Info, analysis_id: strawberry.ID
    ) -> AsyncGenerator[AnalysisProgress, None]:
        get = info.context.container.analyses.get_for_viewer
        analysis = await as_viewer(info, get, str(analysis_id))
        async for event in progress_updates(info.context, analysis):
            yield AnalysisProgress.from_event(event, info.context.translator)
