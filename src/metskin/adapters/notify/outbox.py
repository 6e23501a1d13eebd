"""The embedded notifier: every message becomes a file in the outbox folder."""

from __future__ import annotations

import json
import uuid
from base64 import b64encode
from datetime import UTC, datetime
from pathlib import Path

from metskin.domain.messages import OutgoingEmail, OutgoingSms


class FileOutbox:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send_email(self, email: OutgoingEmail) -> None:
        self._write(
            "email",
            {
                "to": email.to,
                "subject": email.subject,
                "text": email.text,
                "html": email.html,
                "headers": dict(email.headers),
                "attachments": [
                    {
                        "filename": a.filename,
                        "content_type": a.content_type,
                        "content_base64": b64encode(a.content).decode(),
                    }
                    for a in email.attachments
                ],
            },
        )

    def send_sms(self, sms: OutgoingSms) -> None:
        self._write("sms", {"to": sms.to, "body": sms.body})

    def clear(self, email: str) -> None:
        """The domain's `EmailSuppressions` without an email provider: the outbox drops no
        address, so there is nothing to clear."""

    def _write(self, channel: str, message: dict[str, object]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        name = f"{stamp}-{channel}-{uuid.uuid4().hex[:8]}.json"
        temporary = self.folder / f".{name}.tmp"
        temporary.write_text(json.dumps({"channel": channel, **message}, indent=2))
        temporary.replace(self.folder / name)  # atomic: readers never see half a file
