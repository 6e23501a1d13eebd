"""The progress of a running analysis as its subscribers see it: the stage and the share of the
whole done, published on the analysis's channel, never backwards and not for every frame; and
the analysis's own state changes that publish it (queued, running, failed, done)."""

from __future__ import annotations

from datetime import datetime

from metskin.domain.analysis.ports import AnalysisUnitOfWork
from metskin.domain.analysis.records import (
    Analysis,
    AnalysisStatus,
    Stage,
    overall_progress,
    progress_channel,
)
from metskin.domain.messages import Event
from metskin.domain.ports import EventBus

SEQ_PER_ATTEMPT = 1_000_000  # an attempt's events count from its own base
PROGRESS_STEP = 0.02  # publish within a stage only when the whole moved this much
STAGE_ORDER = list(Stage)


class Reporter:
    """Publishes the stage and the progress of the whole analysis (0-1, never backwards,
    throttled) while the engine works."""

    def __init__(self, events: EventBus, analysis: Analysis) -> None:
        self._events = events
        self._analysis = analysis
        self._stage: Stage = Stage.DECODING
        self._progress = 0.0
        self.seq = analysis.event_seq

    def __call__(self, stage: Stage, fraction: float) -> None:
        if STAGE_ORDER.index(stage) < STAGE_ORDER.index(self._stage):
            stage = self._stage  # video frames alternate decode/mesh: never step back
        progress = max(overall_progress(stage, fraction), self._progress)
        reaches_end = fraction >= 1 and progress > self._progress
        if stage == self._stage and progress - self._progress < PROGRESS_STEP and not reaches_end:
            return
        self._stage, self._progress = stage, progress
        self.seq += 1
        payload = {
            **self._analysis.progress_event(),
            "seq": self.seq,
            "stage": stage.value,
            "progress": round(progress, 3),
        }
        self._events.publish(Event(progress_channel(self._analysis.id), payload, keep_latest=True))


def mark_running(uow: AnalysisUnitOfWork, analysis: Analysis, now: datetime) -> None:
    analysis.attempts += 1
    analysis.status = AnalysisStatus.RUNNING
    analysis.stage = Stage.DECODING
    analysis.progress = 0.0
    analysis.started_at = analysis.started_at or now
    analysis.event_seq = analysis.attempts * SEQ_PER_ATTEMPT
    uow.analyses.save(analysis)
    uow.defer(progress_event(analysis))


def record_failure(
    uow: AnalysisUnitOfWork, analysis: Analysis, code: str, reason: str, now: datetime
) -> None:
    analysis.status = AnalysisStatus.FAILED
    analysis.stage = Stage.FAILED
    analysis.failure_code = code
    analysis.failure_reason = reason[:500]
    analysis.finished_at = now
    analysis.event_seq = (analysis.attempts + 1) * SEQ_PER_ATTEMPT - 1
    uow.analyses.save(analysis)
    uow.defer(progress_event(analysis))


def progress_event(analysis: Analysis) -> Event:
    return Event(progress_channel(analysis.id), analysis.progress_event(), keep_latest=True)
