"""An upload's client key (`uploadMedia(idempotencyKey:)`): a phone whose upload got through
but whose answer was lost sends the file again with the same key, and gets the first upload
back instead of a second copy (and, once started, a second analysis).

Each key is per account and kept `ttl_s` seconds after its upload was stored. While the first
upload is being received and checked, the key is held (`PENDING_TTL_S` at most, in case that
process dies): a retry then is UPLOAD_IN_PROGRESS. The same key with other bytes is
UPLOAD_KEY_REUSED. Where the notes are kept (`UploadKeys`) does not answer, keys are not
remembered and each upload is stored, as before they existed.

A retry told UPLOAD_IN_PROGRESS asks by the key alone (`state`, no bytes) until the first copy
is stored or refused, instead of sending the whole file again each time: on a weak signal the
file is what does not get through. The note's name is made of the account and the key, so a
key alone names nothing of anyone else's."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum

from metskin.domain.analysis.errors import UploadInProgress, UploadKeyReused
from metskin.domain.analysis.ports import UploadKeys
from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.marks import _

KEY = re.compile(r"[A-Za-z0-9._:-]{8,100}")
KEY_TTL_S = 24 * 3600.0  # a retry comes within minutes; a day covers a phone left overnight
PENDING_TTL_S = 300.0  # longer than the checks of the largest video take


class UploadState(StrEnum):
    """What became of the upload sent with a key, as its sender asks without the bytes."""

    RECEIVING = "RECEIVING"  # its first copy is still being received and checked: wait
    STORED = "STORED"  # stored: that upload is the answer
    UNKNOWN = "UNKNOWN"  # none kept (refused, lapsed, deleted, never came): send the file


@dataclass(frozen=True)
class UploadKey:
    """One upload's key: the account, the client's key and the bytes' SHA-256."""

    name: str  # the note's name: names neither the account nor the key in clear
    sha256: str


@dataclass(eq=False)
class UploadOnce:
    keys: UploadKeys
    ttl_s: float = KEY_TTL_S
    pending_ttl_s: float = PENDING_TTL_S

    @staticmethod
    def key(owner_id: str, key: str, data: bytes) -> UploadKey:
        """VALIDATION_FAILED on `idempotency_key` unless it is 8 to 100 characters of
        `A-Z a-z 0-9 . _ : -` (a UUID is)."""
        return UploadKey(UploadOnce.note(owner_id, key), hashlib.sha256(data).hexdigest())

    @staticmethod
    def note(owner_id: str, key: str) -> str:
        """The note's name for this account's `key` (checked as in `key`)."""
        if not KEY.fullmatch(key):
            raise ValidationFailed(
                _(
                    "An upload key is 8 to 100 letters, digits, dots, colons, dashes or "
                    "underscores."
                ),
                field="idempotency_key",
            )
        return hashlib.sha256(f"upload-key\x1f{owner_id}\x1f{key}".encode()).hexdigest()[:32]

    def state(self, owner_id: str, key: str) -> tuple[UploadState, str | None]:
        """Where this account's upload under `key` is, and its media id once stored."""
        kept = self.keys.get(self.note(owner_id, key))
        if kept is None:
            return UploadState.UNKNOWN, None
        state, _sha256, *media = kept.split(" ")
        if state == "stored" and media:
            return UploadState.STORED, media[0]
        return UploadState.RECEIVING, None

    def claim(self, key: UploadKey) -> str | None:
        """The media id this key's first upload stored (of the same bytes); None when this is
        the first (the key is then held for it until `stored` or `release`)."""
        kept = self.keys.add(key.name, f"pending {key.sha256}", self.pending_ttl_s)
        if kept is None:
            return None
        state, sha256, *media = kept.split(" ")
        if sha256 != key.sha256:
            raise UploadKeyReused(
                _(
                    "This upload key was used for another file. Send each file with a key of "
                    "its own."
                ),
                field="idempotency_key",
            )
        if state != "stored" or not media:
            raise UploadInProgress(
                _("This file is still being received. Try again in a moment."),
                field="idempotency_key",
            )
        return media[0]

    def take_over(self, key: UploadKey) -> None:
        """Hold the key for a new upload: its first upload is gone (the person deleted it)."""
        self.keys.put(key.name, f"pending {key.sha256}", self.pending_ttl_s)

    def stored(self, key: UploadKey, media_id: str) -> None:
        self.keys.put(key.name, f"stored {key.sha256} {media_id}", self.ttl_s)

    def release(self, key: UploadKey) -> None:
        """The upload failed (refused, or its storage did): a retry may try again."""
        self.keys.forget(key.name)
