"""What belongs to an upload, in SQL: the one place that knows which files and rows were made
from a photo (or video), for its export, its deletion (`deleteAnalysis`, `deleteMedia`) and
the erasure of its owner's account, which deletes each of the person's uploads this way.

Made from an upload: its analyses (a photo analysed again has several), each with its result
(overlay, a video's measured frame), shadow model scores, labels, routines, referrals and the
shares of that one analysis; the owner's notifications about them (done, viewed, referral
raised, routine changed) are deleted; other rows that mention them (a dermatologist's
dashboard events, an appointment booked from a referral, the owner's appointment
notifications) keep their text without the link. The access log keeps its entries: an audit of
who read which id when, with no content of the analysis."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Text, cast, delete, or_, update
from sqlalchemy.engine import CursorResult
from sqlmodel import Session, col, select

from metskin.adapters.db.analysis import AnalysisResultRow, AnalysisRow, MediaRow
from metskin.adapters.db.appointments import AppointmentRow, DashboardEventRow
from metskin.adapters.db.inbox import NotificationRow
from metskin.adapters.db.labels import LabelRow
from metskin.adapters.db.recommendations import RoutineRow
from metskin.adapters.db.referrals import ReferralRow
from metskin.adapters.db.sharing import ShareRow
from metskin.adapters.db.skinmodel import SkinModelScoreRow
from metskin.domain.analysis.media import MOV, MP4, WEBM
from metskin.domain.privacy.model import ErasedRows, Photo, StoredFile, StoredVideo


def media_files(media: MediaRow) -> list[StoredFile]:
    """The upload itself and its thumbnail (listed even before it is made: a photo's is made
    on its first decode)."""
    return [
        StoredFile(media.storage_name, media.content_type),
        StoredFile(media.thumbnail_name, "image/jpeg"),
    ]


def result_files(result: AnalysisResultRow) -> list[StoredFile]:
    """An analysis's overlay (JPEG; PNG before 2026-12) and a video's measured frame."""
    files = []
    if result.overlay_name:
        kind = "image/png" if result.overlay_name.endswith(".png") else "image/jpeg"
        files.append(StoredFile(result.overlay_name, kind))
    capture = (result.result or {}).get("capture")
    if isinstance(capture, dict) and isinstance(capture.get("frame"), str):
        files.append(StoredFile(capture["frame"], "image/jpeg"))
    return files


class SqlPhotos:
    def __init__(self, session: Session) -> None:
        self._session = session

    def photo(
        self, now: datetime, *, media_id: str | None = None, analysis_id: str | None = None
    ) -> Photo | None:
        if analysis_id is not None:
            analysis = self._session.get(AnalysisRow, analysis_id)
            media_id = analysis.media_id if analysis is not None else None
        media = self._session.get(MediaRow, media_id) if media_id else None
        if media is None:
            return None
        ids = self._ids(AnalysisRow.id, col(AnalysisRow.media_id) == media.id)
        results = select(AnalysisResultRow).where(col(AnalysisResultRow.analysis_id).in_(ids))
        files = media_files(media)
        for result in self._session.exec(results):
            files += result_files(result)
        shares = select(ShareRow.id).where(
            col(ShareRow.analysis_id).in_(ids),
            col(ShareRow.revoked_at).is_(None),
            col(ShareRow.expires_at) > now,
        )
        return Photo(
            media.id,
            media.owner_id,
            tuple(ids),
            tuple(files),
            tuple(self._session.exec(shares)),
            media.created_at,
        )

    def erase_photo(self, media_id: str) -> ErasedRows:
        media = self._session.get(MediaRow, media_id)
        if media is None:
            return ErasedRows(0, (), ())
        return self.erase_uploads(media.owner_id, [media_id])

    def erase_uploads(self, owner_id: str, media_ids: Sequence[str]) -> ErasedRows:
        """Delete the owner's uploads `media_ids` and every row made from them: the number of
        rows deleted, the files those rows named and the analyses deleted. The analyses and
        results are read under a lock (the latest committed rows, whatever the transaction read
        before): a run that stored its overlay meanwhile has committed it, or waits and then
        finds its analysis gone. The uploads are locked first: a `startAnalysis` of one of them
        waits, then finds it gone (MEDIA_NOT_FOUND), or has committed its analysis, which is
        read here, deleted and listed."""
        uploads = select(MediaRow).where(col(MediaRow.id).in_(list(media_ids))).with_for_update()
        files = [f for media in self._session.exec(uploads) for f in media_files(media)]
        analyses = self._ids(
            AnalysisRow.id, col(AnalysisRow.media_id).in_(list(media_ids)), lock=True
        )
        results = select(AnalysisResultRow).where(col(AnalysisResultRow.analysis_id).in_(analyses))
        files += [f for r in self._session.exec(results.with_for_update()) for f in result_files(r)]
        referrals = self._ids(ReferralRow.id, col(ReferralRow.analysis_id).in_(analyses))
        routines = self._ids(RoutineRow.id, col(RoutineRow.analysis_id).in_(analyses))
        links = [*analyses, *referrals, *routines]
        # The owner's notifications about them: their keys name the analysis, the referral or
        # the routine (`inbox.entries`).
        rows = 0
        if links:
            about = or_(*(col(NotificationRow.key).contains(one) for one in links))
            mine = col(NotificationRow.user_id) == owner_id
            rows += self._execute(delete(NotificationRow).where(mine, about))
            self._unlink(NotificationRow, col(NotificationRow.user_id) == owner_id, links)
            # Dermatologists hear of a patient through a share or a booking (with its referral).
            doctors = {
                *self._ids(ShareRow.doctor_id, col(ShareRow.patient_id) == owner_id),
                *self._ids(AppointmentRow.doctor_id, col(AppointmentRow.patient_id) == owner_id),
            }
            self._unlink(DashboardEventRow, col(DashboardEventRow.doctor_id).in_(doctors), links)
        self._execute(
            update(AppointmentRow)
            .where(col(AppointmentRow.referral_id).in_(referrals))
            .values(referral_id=None)
        )
        in_order: list[tuple[Any, Any]] = [
            (ShareRow, col(ShareRow.analysis_id).in_(analyses)),
            (RoutineRow, col(RoutineRow.id).in_(routines)),
            (ReferralRow, col(ReferralRow.id).in_(referrals)),
            (LabelRow, col(LabelRow.analysis_id).in_(analyses)),
            (AnalysisResultRow, col(AnalysisResultRow.analysis_id).in_(analyses)),
            (SkinModelScoreRow, col(SkinModelScoreRow.analysis_id).in_(analyses)),
            (AnalysisRow, col(AnalysisRow.id).in_(analyses)),
            (MediaRow, col(MediaRow.id).in_(list(media_ids))),
        ]
        rows += sum(self._execute(delete(table).where(where)) for table, where in in_order)
        return ErasedRows(rows, tuple(files), tuple(analyses))

    def _ids(self, column: Any, where: Any, *, lock: bool = False) -> list[str]:
        query = select(column).where(where)
        return list(self._session.exec(query.with_for_update() if lock else query))

    def _unlink(
        self,
        row_type: type[NotificationRow] | type[DashboardEventRow],
        whose: Any,
        ids: list[str],
    ) -> None:
        """Rows (of `whose`: an indexed bound) that mention one of `ids` in their payload keep
        their text without the link (a dashboard's SHARED event then opens the patient's page,
        not a missing analysis)."""
        gone = set(ids)
        mentions = or_(*(cast(row_type.payload, Text).contains(one) for one in ids))
        rows: list[Any] = list(self._session.exec(select(row_type).where(whose, mentions)))
        for row in rows:
            payload = row.payload.items()
            row.payload = {k: None if isinstance(v, str) and v in gone else v for k, v in payload}
            self._session.add(row)
        self._session.flush()

    def _execute(self, statement: Any) -> int:
        result: CursorResult[Any] = self._session.connection().execute(statement)
        return int(result.rowcount)


# The formats whose metadata the upload blanks (`adapters/vision/video_metadata.py`).
BLANKED_VIDEO_TYPES = (MP4.content_type, MOV.content_type, WEBM.content_type)


class SqlStoredVideos:
    """The MP4, QuickTime and WebM uploads, for the one-off metadata pass
    (`privacy/video_scrub.py`)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def page_after(self, media_id: str | None, limit: int) -> list[StoredVideo]:
        query = select(MediaRow.id, MediaRow.storage_name, MediaRow.content_type).where(
            col(MediaRow.content_type).in_(BLANKED_VIDEO_TYPES)
        )
        if media_id is not None:
            query = query.where(col(MediaRow.id) > media_id)
        rows = self._session.exec(query.order_by(col(MediaRow.id)).limit(limit))
        return [StoredVideo(*row) for row in rows]

    def lock(self, media_id: str) -> StoredVideo | None:
        query = select(MediaRow.id, MediaRow.storage_name, MediaRow.content_type).where(
            col(MediaRow.id) == media_id
        )
        row = self._session.exec(query.with_for_update()).first()
        return StoredVideo(*row) if row else None

    def rewritten(self, media_id: str, sha256: str, key_id: str) -> None:
        changed = update(MediaRow).where(col(MediaRow.id) == media_id)
        self._session.connection().execute(changed.values(sha256=sha256, key_id=key_id))
