"""The export archive: one JSON file per section, the stored files as they were uploaded
(decrypted), a manifest with a checksum per file, and a README that explains it all."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import datetime
from typing import Any

from metskin.domain.privacy.model import PersonalData

FORMAT = "metskin-export/1"
SECTION_NOTES = {
    "profile": "Your account and care profile (your password is stored only as a hash and is "
    "left out).",
    "dermatologist_profile": "Your practice as the directory shows it (dermatologists only).",
    "media": "Every photo and video you uploaded; `file` and `thumbnail` name the files below.",
    "analyses": "Every analysis with its full result; `overlay` names its overlay image, and "
    "a video's `capture.frame` the frame it measured.",
    "skin_model_scores": "What a skin model under test (in shadow) scored on your analyses, "
    "beside the scores you were shown; these were never shown to you nor used in your results.",
    "routines": "The routines recommended to you.",
    "check_ins": "How often you asked to be reminded of a check-in photo, and the dates due.",
    "phone_codes": "How the text message of the latest code to prove your phone number went "
    "(`number` is a key of the number, not the number).",
    "ratings": "Your product ratings and the outcomes you reported.",
    "referrals": "The referrals suggested after your analyses, with your answers.",
    "appointments": "Your appointments, past and future, cancelled ones included; a past one's "
    "`status` is COMPLETED or NO_SHOW once the dermatologist recorded that you came or did not.",
    "shares": "Whom you allowed to see your analyses, until when, and what you revoked.",
    "access_log": "Every read of your data by a dermatologist: who, what and when.",
    "api_keys": "Your API keys: name, prefix, scopes and use (the keys themselves are never "
    "stored).",
    "labels": "What dermatologists and you wrote on your analyses (grades, lesions, "
    "corrections), every write.",
    "dataset_members": "The training dataset versions your analyses entered (only while you "
    "gave consent for learning).",
    "notifications": "Your in-app notifications: what each was about, when, and when you read it.",
    "consents": "Every time you gave or withdrew your consent to the analysis of your photos: "
    "the purpose, when, and the version of the text you were shown.",
}


def _json(value: Any) -> bytes:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str).encode()


def build_archive(data: PersonalData, files: dict[str, bytes], generated_at: datetime) -> bytes:
    """The zip of `data`; `files` holds the decrypted bytes by storage name (a name missing
    from it is listed in the manifest as missing, not silently dropped)."""
    buffer = io.BytesIO()
    listed: list[dict[str, Any]] = []
    missing: list[str] = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:

        def add(path: str, body: bytes, compress: int = zipfile.ZIP_DEFLATED) -> None:
            archive.writestr(path, body, compress_type=compress)
            listed.append(
                {"path": path, "bytes": len(body), "sha256": hashlib.sha256(body).hexdigest()}
            )

        for section, content in data.sections.items():
            add(f"{section}.json", _json(content))
        for stored in data.files:
            blob = files.get(stored.name)
            if blob is None:
                missing.append(stored.archive_path)
            else:  # photos and videos are compressed already
                add(stored.archive_path, blob, zipfile.ZIP_STORED)
        manifest = {
            "format": FORMAT,
            "user_id": data.user_id,
            "generated_at": generated_at.isoformat(),
            "sections": {
                name: len(value) if isinstance(value, list) else 1
                for name, value in data.sections.items()
            },
            "files": listed,
            "missing_files": missing,
        }
        archive.writestr("manifest.json", _json(manifest))
        archive.writestr("README.md", readme(data, generated_at, missing))
    return buffer.getvalue()


def readme(data: PersonalData, generated_at: datetime, missing: list[str]) -> str:
    lines = [
        "# Your MetSkin data",
        "",
        f"Everything MetSkin stored about account `{data.user_id}` on "
        f"{generated_at:%Y-%m-%d %H:%M} UTC.",
        "",
        "Times are UTC (ISO 8601). Each `.json` file is one section:",
        "",
        *(f"- `{name}.json`: {SECTION_NOTES.get(name, 'stored data')}" for name in data.sections),
        "",
        "`files/` holds your uploads, their thumbnails and the analysis overlays, decrypted, "
        "under the names the JSON files use. Photos are stored as they were accepted at upload: "
        "as JPEG without their metadata (location, camera). `manifest.json` lists "
        "every file of this archive with its size and SHA-256.",
    ]
    if missing:
        lines += ["", f"{len(missing)} file(s) could not be read from storage; see manifest."]
    return "\n".join(lines) + "\n"
