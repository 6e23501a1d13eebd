"""Uploads: check the bytes, store them encrypted and record the media."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from metskin.domain.analysis.errors import (
    MediaNotFound,
    UnsupportedMedia,
)
from metskin.domain.analysis.media import MediaLimits, check_size, sniff
from metskin.domain.analysis.ports import (
    AnalysisUowFactory,
    MediaPreparer,
    MediaStorage,
    ObjectMissing,
)
from metskin.domain.analysis.records import (
    Media,
    MediaKind,
)
from metskin.domain.analysis.upload_keys import UploadKey, UploadOnce, UploadState
from metskin.domain.i18n.marks import _
from metskin.domain.ports import Clock, read
from metskin.domain.privacy.consent import require_photo_consent

# A file that is not the kind the client said it sends.
NOT_THE_KIND = {
    MediaKind.PHOTO: _("The file is a photo, not a video."),
    MediaKind.VIDEO: _("The file is a video, not a photo."),
}


@dataclass(frozen=True)
class KeyedUpload:
    """What became of an upload sent with a client key: its state, and its media once stored."""

    state: UploadState
    media: Media | None = None


@dataclass(eq=False)
class MediaService:
    """Uploads: check the bytes, store them encrypted (a video with its thumbnail; a photo's is
    made from its first decode), record the media."""

    uow_factory: AnalysisUowFactory
    storage: MediaStorage
    preparer: MediaPreparer
    limits: MediaLimits
    clock: Clock
    once: UploadOnce | None = None  # the uploads' client keys (without: keys are not kept)

    def upload(
        self,
        owner_id: str,
        data: bytes,
        declared_kind: MediaKind | None = None,
        key: str | None = None,
    ) -> Media:
        """CONSENT_REQUIRED, before the bytes are even read, unless the person consents to the
        analysis of their photos (`privacy/consent.py`). With a client `key`, a retry of an
        upload already stored is that upload (`upload_keys.py`)."""
        read(self.uow_factory, lambda uow: require_photo_consent(uow.consent_records, owner_id))
        if key is None or self.once is None:
            if key is not None:
                UploadOnce.key(owner_id, key, b"")  # checked all the same
            return self._upload(owner_id, data, declared_kind)
        once, upload_key = self.once, UploadOnce.key(owner_id, key, data)
        first = once.claim(upload_key)
        if first is not None:
            media = read(self.uow_factory, lambda uow: uow.media.get(first))
            if media is not None and media.owner_id == owner_id:
                return media
            once.take_over(upload_key)  # deleted since: this is an upload again
        return self._upload_once(once, upload_key, owner_id, data, declared_kind)

    def upload_by_key(self, owner_id: str, key: str) -> KeyedUpload:
        """The upload this person sent with `key`, asked without its bytes: RECEIVING while its
        first copy is still received and checked (a retry told UPLOAD_IN_PROGRESS waits with
        this, instead of sending the file again), STORED with its media, or UNKNOWN (nothing
        kept: refused, lapsed, deleted since; the file is to be sent). Another person's key
        names nothing of theirs (the note is named by account and key)."""
        if self.once is None:
            UploadOnce.note(owner_id, key)  # checked all the same
            return KeyedUpload(UploadState.UNKNOWN)
        state, media_id = self.once.state(owner_id, key)
        if media_id is None:
            return KeyedUpload(state)
        media = read(self.uow_factory, lambda uow: uow.media.get(media_id))
        if media is None or media.owner_id != owner_id:
            return KeyedUpload(UploadState.UNKNOWN)
        return KeyedUpload(state, media)

    def _upload_once(
        self,
        once: UploadOnce,
        key: UploadKey,
        owner_id: str,
        data: bytes,
        declared_kind: MediaKind | None,
    ) -> Media:
        try:
            media = self._upload(owner_id, data, declared_kind)
        except BaseException:
            once.release(key)
            raise
        once.stored(key, media.id)
        return media

    def _upload(self, owner_id: str, data: bytes, declared_kind: MediaKind | None) -> Media:
        media_type = sniff(data[:32])
        if media_type is None:
            raise UnsupportedMedia(
                _("Upload a JPEG, PNG, WebP, HEIC or AVIF photo, or an MP4, MOV or WebM video."),
                field="file",
            )
        if declared_kind is not None and declared_kind is not media_type.kind:
            raise UnsupportedMedia(NOT_THE_KIND[media_type.kind], field="kind")
        check_size(media_type.kind, len(data), self.limits)
        prepared = self.preparer.prepare(data, media_type, self.limits)
        stored_type = prepared.media_type  # photos are stored as JPEG
        media_id = str(uuid.uuid4())
        folder = f"uploads/{media_id[:2]}/{media_id}"
        media = Media(
            id=media_id,
            owner_id=owner_id,
            kind=media_type.kind,
            content_type=stored_type.content_type,
            size_bytes=len(prepared.data),
            width=prepared.width,
            height=prepared.height,
            duration_s=prepared.duration_s,
            storage_name=f"{folder}/original.{stored_type.extension}",
            thumbnail_name=f"{folder}/thumbnail.jpg",
            key_id="",
            sha256=hashlib.sha256(prepared.data).hexdigest(),
            created_at=self.clock(),
        )
        self._store(media, prepared.data, prepared.thumbnail_jpeg)
        return media

    def _store(self, media: Media, data: bytes, thumbnail: bytes | None) -> None:
        written: list[str] = []
        try:
            media.key_id = self.storage.put(media.storage_name, data, media.content_type)
            written.append(media.storage_name)
            if thumbnail is not None:  # else made from the photo's first decode
                self.storage.put(media.thumbnail_name, thumbnail, "image/jpeg")
                written.append(media.thumbnail_name)
            with self.uow_factory() as uow:
                uow.media.add(media)
                uow.commit()
        except BaseException:
            for name in written:  # nothing half-written stays behind
                self.storage.delete(name)
            raise

    def read_object(self, name: str) -> bytes:
        """A stored object's bytes, for a use case that has checked access already (progress
        pictures, after `open_picture`)."""
        try:
            return self.storage.get(name)
        except ObjectMissing as error:
            raise MediaNotFound(_("This file is no longer available.")) from error

    def get_many(self, media_ids: list[str]) -> list[Media]:
        return read(self.uow_factory, lambda uow: uow.media.list_by_ids(media_ids))
