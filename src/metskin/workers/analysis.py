"""Analysis actors: run an analysis, and mark it failed once its retries are spent, or at
once when it ran past its time limit."""

from __future__ import annotations

from typing import Any

from dramatiq.middleware import TimeLimitExceeded

from metskin.domain.analysis.service import ANALYSE_MEDIA, AnalysisService
from metskin.domain.i18n.marks import _
from metskin.workers.actors import ActorSpec

ANALYSIS_GAVE_UP = "analysis_gave_up"
GAVE_UP_REASON = _("The analysis could not be completed after several tries. Start it again later.")
# A photo takes seconds and a minute's video well under a minute: a run this long is stuck on
# this file (a damaged stream, say), and trying it again would hold a worker as long again.
TIMED_OUT_REASON = _(
    "The analysis of this file took far too long and was stopped. Try another photo, or a "
    "shorter video."
)


def analysis_actors(analyses: AnalysisService, time_limit_s: int) -> list[ActorSpec]:
    def analyse_media(analysis_id: str) -> None:
        try:
            analyses.run(analysis_id)
        except TimeLimitExceeded:
            analyses.mark_failed(analysis_id, "ANALYSIS_TIMED_OUT", TIMED_OUT_REASON)

    def analysis_gave_up(message: dict[str, Any], retry_info: dict[str, Any]) -> None:
        analysis_id = message.get("kwargs", {}).get("analysis_id")
        if analysis_id:
            analyses.mark_failed(analysis_id, "ANALYSIS_FAILED", GAVE_UP_REASON)

    options = {
        "time_limit": time_limit_s * 1000,
        "max_retries": 4,
        "on_retry_exhausted": ANALYSIS_GAVE_UP,
    }
    return [
        ActorSpec(ANALYSE_MEDIA, analyse_media, options),
        ActorSpec(ANALYSIS_GAVE_UP, analysis_gave_up),
    ]
