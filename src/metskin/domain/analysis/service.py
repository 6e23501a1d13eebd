"""Use cases of the pipeline: start an analysis, run it (the worker), read it.

Uploads are in `uploads`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from metskin.domain.accounts.model import Role, User
from metskin.domain.accounts.service import require_live_session
from metskin.domain.analysis.errors import (
    AnalysisNotFound,
    CorruptMedia,
    MediaAccessEnded,
    MediaNotFound,
)
from metskin.domain.analysis.guidance import retake_needed
from metskin.domain.analysis.ports import (
    AnalysisAccess,
    AnalysisEngine,
    AnalysisUnitOfWork,
    AnalysisUowFactory,
    MediaStorage,
    ObjectMissing,
    owner_only,
)
from metskin.domain.analysis.records import (
    Analysis,
    AnalysisStatus,
    Media,
    MediaGrant,
    MediaKind,
    Stage,
    progress_channel,
)
from metskin.domain.analysis.reporter import (
    Reporter,
    mark_running,
    progress_event,
    record_failure,
)
from metskin.domain.audit.model import AccessPart
from metskin.domain.errors import DomainError, Forbidden, QueueUnavailable
from metskin.domain.i18n.marks import _
from metskin.domain.inbox import entries
from metskin.domain.inbox.service import tell
from metskin.domain.messages import Job
from metskin.domain.ports import Clock, CreatedKey, EventBus, JobQueue, read
from metskin.domain.privacy.consent import (
    CONSENT_WITHDRAWN,
    require_photo_consent,
    still_consents,
)

log = logging.getLogger(__name__)
ANALYSE_MEDIA = "analyse_media"  # the actor that runs an analysis (workers/analysis.py)


class AnalysisService:
    def __init__(
        self,
        uow_factory: AnalysisUowFactory,
        storage: MediaStorage,
        engine: AnalysisEngine,
        events: EventBus,
        clock: Clock,
        after_measuring: list[Callable[[Analysis, dict[str, Any]], None]] | None = None,
        access: AnalysisAccess | None = None,
        queue: JobQueue | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        self._storage = storage
        self._engine = engine
        self._events = events
        self._clock = clock
        self._after_measuring = after_measuring or []
        self._access = access or owner_only
        self._queue = queue
        self._unseen_keepers: list[Callable[[str, dict[str, Any]], None]] = []
        self._after_stored: list[Callable[[Analysis], None]] = []
        self._after_failed: list[Callable[[Analysis], object]] = []

    def add_step_after_measuring(self, step: Callable[[Analysis, dict[str, Any]], None]) -> None:
        """Run `step` (the RECOMMENDING stage) before an analysis is marked DONE. The skin was
        measured by then: a DomainError of the step (a routine that cannot be built) is logged
        and the analysis still ends DONE with its result; any other error retries the run."""
        self._after_measuring.append(step)

    def add_step_after_result(self, step: Callable[[Analysis], None]) -> None:
        """Run `step` once the result is stored (DONE). The run is over: an error of the step
        is logged, never retried (a redelivery finds the analysis finished)."""
        self._after_stored.append(step)

    def add_step_after_failure(self, step: Callable[[Analysis], object]) -> None:
        """Run `step` once the analysis is marked FAILED (after RECOMMENDING saved a routine,
        say), by the call that failed it; an error is logged."""
        self._after_failed.append(step)

    def keep_unseen_scores_with(self, keeper: Callable[[str, dict[str, Any]], None]) -> None:
        """`keeper(analysis_id, unseen)` stores what a learned model in shadow scored."""
        self._unseen_keepers.append(keeper)

    # --- the person's side -------------------------------------------------------------

    def start(self, owner_id: str, media_id: str) -> Analysis:
        """Queue an analysis of the upload; while one is queued or running, that one (a
        second tap, a retry after a lost answer). A finished one is analysed again."""
        if self._queue is not None and not self._queue.available():
            # Asked first, so that nothing is written that no worker would ever pick up.
            raise QueueUnavailable(_("Analyses cannot be started right now; try again soon."))
        with self._uow_factory() as uow:
            # Locked: a deletion of the upload runs before (not found) or after (deletes it).
            media = uow.media.get(media_id, for_update=True)
            if media is None or media.owner_id != owner_id:
                raise MediaNotFound(_("No such media in your uploads."), field="mediaId")
            require_photo_consent(uow.consent_records, owner_id)
            running = uow.analyses.unfinished_of_media(media_id)
            if running is not None:
                return running
            analysis = Analysis(
                id=str(uuid.uuid4()),
                owner_id=owner_id,
                media_id=media_id,
                status=AnalysisStatus.QUEUED,
                stage=Stage.QUEUED,
                progress=0.0,
                created_at=self._clock(),
                event_seq=1,
            )
            uow.analyses.add(analysis)
            uow.defer(Job(ANALYSE_MEDIA, {"analysis_id": analysis.id}))
            uow.defer(progress_event(analysis))
            uow.commit()
        return analysis

    def get_for_viewer(
        self,
        viewer_id: str,
        viewer_role: Role,
        analysis_id: str,
        *,
        audit: bool = True,
        part: AccessPart = AccessPart.RESULT,
    ) -> Analysis:
        """The analysis for its owner, an admin, or a dermatologist whose share covers it (an
        audited read). `audit` False: a live stream, opened under an audited read, checking
        before each update that the share still holds (AnalysisNotFound once the owner is
        erased, Forbidden once the share ended). `part`: what of it the read fetches (audited).
        """
        with self._uow_factory() as uow:
            analysis = uow.analyses.get(analysis_id)
            if analysis is None:
                raise AnalysisNotFound(_("No such analysis."), field="id")
            if analysis.owner_id == viewer_id or viewer_role is Role.ADMIN:
                return analysis
        if not self._access(viewer_id, viewer_role, analysis, audit=audit, part=part):
            raise Forbidden(_("This analysis belongs to someone else."))
        return analysis

    def open_object(self, grant: MediaGrant) -> bytes:
        """The object a media link names, checked now against the viewer the link was issued
        to: the owner, an admin, or a dermatologist whose active share covers the analysis the
        link names (an audited read). A revoked share ends the link at once."""
        with self._uow_factory() as uow:
            analysis = uow.analyses.get(grant.analysis_id) if grant.analysis_id else None
            media_id = analysis.media_id if analysis else grant.media_id
            media = uow.media.get(media_id) if media_id else None
            names = {media.storage_name, media.thumbnail_name} if media else set()
            if analysis is not None and grant.name not in names:
                names.add(uow.analyses.overlay_name(analysis.id) or "")
        if media is None or grant.name not in names:
            raise MediaNotFound(_("This file is no longer available."))
        viewer, role = grant.viewer_id, grant.viewer_role
        if not (
            viewer == media.owner_id
            or role is Role.ADMIN
            or (
                analysis is not None
                and self._access(viewer, role, analysis, part=_part(media, grant.name))
            )
        ):
            raise MediaAccessEnded(_("You no longer have access to this file."))
        try:
            return self._storage.get(grant.name)
        except ObjectMissing as error:
            if grant.name != media.thumbnail_name or media.kind is not MediaKind.PHOTO:
                raise MediaNotFound(_("This file is no longer available.")) from error
        return self._make_thumbnail(media)

    def unmade_thumbnail(self, name: str) -> bytes | None:
        """For a data export: the thumbnail `name` of a photo not decoded yet, made now; None
        for any other name, or a photo that cannot be decoded."""
        parts = name.split("/")  # uploads/<2>/<media id>/thumbnail.jpg
        media_id = parts[2] if len(parts) == 4 else ""
        media = read(self._uow_factory, lambda uow: uow.media.get(media_id))
        if media is None or media.thumbnail_name != name or media.kind is not MediaKind.PHOTO:
            return None
        try:
            return self._make_thumbnail(media)
        except MediaNotFound:
            return None

    def _make_thumbnail(self, media: Media) -> bytes:
        """A photo's thumbnail, made from its first decode: this request's when the analysis
        has not made it. A photo that cannot be decoded has none (its analysis fails
        with CORRUPT_MEDIA)."""
        try:
            thumbnail = self._engine.thumbnail(self._read(media))
        except CorruptMedia as error:
            raise MediaNotFound(_("This file is no longer available.")) from error
        self._storage.put(media.thumbnail_name, thumbnail, "image/jpeg")
        return thumbnail

    def results(self, analysis_ids: list[str]) -> dict[str, tuple[dict[str, Any], str | None]]:
        return read(self._uow_factory, lambda uow: uow.analyses.get_results(analysis_ids))

    def progress_of(self, analysis_id: str) -> dict[str, Any] | None:
        with self._uow_factory() as uow:
            analysis = uow.analyses.get(analysis_id)
        return self.latest_progress(analysis) if analysis else None

    def history(self, owner_id: str, before: CreatedKey | None, limit: int) -> list[Analysis]:
        return self._as_told(
            read(
                self._uow_factory,
                lambda uow: uow.analyses.list_for_owner(owner_id, before, limit),
            )
        )

    def _as_told(self, analyses: list[Analysis]) -> list[Analysis]:
        """The analyses, those still running at the stage their stream last told (the events
        bus keeps it, `latest_progress`). The stored stage lags: the stages between are not
        stored, so a person who left the page at "Finding the face" read "Reading the file" in
        their history. One read of the bus for each running analysis; an ended one is as
        stored (its end is stored before it is told)."""
        return [a if a.status.finished else self._told(a) for a in analyses]

    def _told(self, analysis: Analysis) -> Analysis:
        latest = self.latest_progress(analysis)
        status = AnalysisStatus(latest["status"])
        if latest["seq"] <= analysis.event_seq or status.finished:
            return analysis
        stage, progress = Stage(latest["stage"]), float(latest["progress"])
        return replace(analysis, status=status, stage=stage, progress=progress)

    def owner_and_history(
        self, owner_id: str, before: CreatedKey | None, limit: int, session: str | None = None
    ) -> tuple[User | None, list[Analysis]]:
        """The person (None when gone) and a page of their analyses, newest first, in one
        unit of work: one connection and one transaction for both reads (`me { analyses }`),
        and for the check of the viewer's `session` when it is still owed (raises SessionEnded
        before anything is read when it has ended)."""

        def both(uow: AnalysisUnitOfWork) -> tuple[User | None, list[Analysis]]:
            if session is not None:
                require_live_session(uow.refresh_tokens, session, self._clock())
            owners = uow.users.list_by_ids([owner_id])
            return owners[0] if owners else None, uow.analyses.list_for_owner(
                owner_id, before, limit
            )

        owner, analyses = read(self._uow_factory, both)
        return owner, self._as_told(analyses)

    def latest_progress(self, analysis: Analysis) -> dict[str, Any]:
        """The newest progress event: the bus keeps it, the database is the fallback."""
        kept = self._events.latest(progress_channel(analysis.id))
        stored = analysis.progress_event()
        return kept if kept and kept.get("seq", 0) >= stored["seq"] else stored

    # --- the worker's side ---------------------------------------------------------------

    def run(self, analysis_id: str) -> AnalysisStatus:
        """Analyse once. A redelivered message for a finished analysis changes nothing."""
        analysis, media, skin_type = self._begin(analysis_id)
        if analysis is None or analysis.status.finished:
            return analysis.status if analysis else AnalysisStatus.FAILED
        written: list[str] = []  # the files this run stored
        try:
            if media is None:
                raise MediaNotFound(_("The uploaded file is gone."))
            data = self._read(media)
            reporter = Reporter(self._events, analysis)
            output = self._engine.run(media, data, reporter, skin_type)
            if output.make_thumbnail is not None and not self._storage.exists(media.thumbnail_name):
                self._storage.put(media.thumbnail_name, output.make_thumbnail(), "image/jpeg")
                written.append(media.thumbnail_name)
            for step in self._after_measuring:
                reporter(Stage.RECOMMENDING, 0.0)
                _after_measuring(step, analysis, output.result)
            if output.unseen is not None:
                for keep in self._unseen_keepers:
                    keep(analysis.id, output.unseen)
            overlay_name = self._store_overlay(analysis, output.overlay_jpeg)
            written += [overlay_name] if overlay_name else []
            result, frame_name = self._with_frame(analysis, output.result, output.frame_jpeg)
            written += [frame_name] if frame_name else []
        except DomainError as error:
            if not self.mark_failed(analysis_id, error.code, error.message):
                self._discard(written)
            return AnalysisStatus.FAILED
        except Exception:
            # Deleted while it ran (`deleteAnalysis`, or the account's erasure): a step's row
            # (the routine, a shadow score) finds its analysis gone. Nothing to retry or keep.
            if read(self._uow_factory, lambda uow: uow.analyses.get(analysis_id)) is not None:
                raise
            log.info("analysis deleted while it ran", extra={"analysis_id": analysis_id})
            self._discard(written)
            return AnalysisStatus.FAILED
        if not self._finish(analysis_id, result, output.summary, overlay_name, reporter.seq):
            self._discard(written)
            return AnalysisStatus.DONE
        # the result is stored: the next read builds what a step missed
        _then(self._after_stored, analysis, "the result")
        return AnalysisStatus.DONE

    def _discard(self, names: list[str]) -> None:
        """The analysis was deleted (by its owner, or with their account) while it ran: the
        files the run stored afterwards belong to nobody, and the deletion has already looked
        for them."""
        for name in names:
            self._storage.delete(name)

    def _begin(self, analysis_id: str) -> tuple[Analysis | None, Media | None, str | None]:
        """Mark the analysis RUNNING; with it, in the same unit of work, its media and the
        owner's stated skin type (what the engine needs). FAILED (CONSENT_WITHDRAWN) instead
        when the owner withdrew their photo consent since it was queued."""
        with self._uow_factory() as uow:
            analysis = uow.analyses.get(analysis_id, for_update=True)
            if analysis is None or analysis.status.finished:
                return analysis, None, None
            if still_consents(uow.consent_records, analysis.owner_id):
                media = uow.media.get(analysis.media_id)
                owners = uow.users.list_by_ids([analysis.owner_id])  # a plain row, no ORM row
                mark_running(uow, analysis, self._clock())
                uow.commit()
                return analysis, media, owners[0].profile.skin_type if owners else None
            # withdrawn while it waited: not analysed; the photo stays the person's
            record_failure(uow, analysis, "CONSENT_WITHDRAWN", CONSENT_WITHDRAWN, self._clock())
            uow.commit()
        _then(self._after_failed, analysis, "a failure")  # a retry's: a routine saved before
        return analysis, None, None

    def _read(self, media: Media) -> bytes:
        try:
            return self._storage.get(media.storage_name)
        except ObjectMissing as error:
            raise MediaNotFound(_("The uploaded file is gone.")) from error

    def _store_overlay(self, analysis: Analysis, jpeg: bytes | None) -> str | None:
        """Overlays are JPEG (PNG before 2026-12: those keep their name and type)."""
        if jpeg is None:
            return None
        name = f"overlays/{analysis.id[:2]}/{analysis.id}/overlay.jpg"
        self._storage.put(name, jpeg, "image/jpeg")
        return name

    def _with_frame(
        self, analysis: Analysis, result: dict[str, Any], jpeg: bytes | None
    ) -> tuple[dict[str, Any], str | None]:
        """A video's measured frame, stored next to the overlay and named in the capture; and
        its name (None when there is no frame to keep)."""
        capture = result.get("capture")
        if jpeg is None or not isinstance(capture, dict):
            return result, None
        name = f"overlays/{analysis.id[:2]}/{analysis.id}/frame.jpg"
        self._storage.put(name, jpeg, "image/jpeg")
        return {**result, "capture": {**capture, "frame": name}}, name

    def _finish(
        self,
        analysis_id: str,
        result: dict[str, Any],
        summary: Any,
        overlay_name: str | None,
        seq: int,
    ) -> bool:
        """Store the result; False when the analysis is gone (erased meanwhile)."""
        with self._uow_factory() as uow:
            analysis = uow.analyses.get(analysis_id, for_update=True)
            if analysis is None:
                return False
            if analysis.status.finished:
                return True  # another delivery finished first
            analysis.status = AnalysisStatus.DONE
            analysis.stage = Stage.DONE
            analysis.progress = 1.0
            analysis.finished_at = self._clock()
            analysis.summary = summary
            analysis.event_seq = seq + 1
            uow.analyses.add_result(analysis_id, result, overlay_name)
            uow.analyses.save(analysis)
            uow.defer(progress_event(analysis))
            done = entries.analysis_done(
                analysis.owner_id, analysis.id, retake=retake_needed(result)
            )
            tell(uow, done, analysis.finished_at)
            uow.commit()
        return True

    def mark_failed(self, analysis_id: str, code: str, reason: str) -> bool:
        """Mark it FAILED (unless finished); False when the analysis is gone."""
        with self._uow_factory() as uow:
            analysis = uow.analyses.get(analysis_id, for_update=True)
            if analysis is None:
                return False
            if analysis.status.finished:
                return True
            record_failure(uow, analysis, code, reason, self._clock())
            uow.commit()
        _then(self._after_failed, analysis, "a failure")  # the next rebuild does what it missed
        return True

    def unfinished(self) -> list[str]:
        return read(self._uow_factory, lambda uow: uow.analyses.list_unfinished())


def _after_measuring(
    step: Callable[[Analysis, dict[str, Any]], None], analysis: Analysis, result: dict[str, Any]
) -> None:
    try:
        step(analysis, result)
    except DomainError as error:
        log.warning(
            "a step after measuring failed; the analysis keeps its result",
            extra={"analysis_id": analysis.id, "code": error.code, "reason": error.message},
        )


def _then(steps: Sequence[Callable[[Analysis], object]], analysis: Analysis, what: str) -> None:
    """The steps after the result or a failure, once committed: an error is logged."""
    for step in steps:
        try:
            step(analysis)
        except Exception:
            log.warning("a step after %s failed", what, exc_info=True)


def _part(media: Media, name: str) -> AccessPart:
    """Which part of an analysis a media link fetches (for the access log)."""
    if name == media.thumbnail_name:
        return AccessPart.THUMBNAIL
    if name == media.storage_name:
        return AccessPart.VIDEO if media.kind is MediaKind.VIDEO else AccessPart.PHOTO
    return AccessPart.OVERLAY
