"""GraphQL types of the inbox."""

from __future__ import annotations

from datetime import datetime
from typing import cast

import strawberry
from strawberry.scalars import JSON

from metskin.domain.inbox.model import Notification as DomainNotification
from metskin.domain.inbox.model import NotificationKind as DomainKind

NotificationKind = strawberry.enum(DomainKind, name="NotificationKind")


@strawberry.type(description="One in-app notification: each event once.")
class Notification:
    id: int = strawberry.field(description="Grows with each notification: `afterId` of the stream.")
    kind: NotificationKind  # type: ignore[valid-type]
    at: datetime
    read: bool
    details: JSON = strawberry.field(
        description="Ids and times of what it is about. An appointment's `start` (UTC) comes "
        "with `time_zone`, the zone the patient is shown it in (their profile's when told; "
        "absent on notifications from before 2026-12-07). An `ANALYSIS_DONE` whose photo gave "
        "no measurement (no face, ...: the analysis asks for a retake) has `retake: true`. An "
        "`APPOINTMENT_CANCELLED` with a reason (the dermatologist's, or their leaving) has "
        "`reason` (English when MetSkin wrote it, to translate as a text). A "
        "`DERMATOLOGIST_LEFT` (their account erased) has the dermatologist's `name`, the "
        "`appointments` it cancelled (`appointment_id`, `start`) with their `reason`, and the "
        "`shares` it ended (`share_id`, `analysis_id`: null for all analyses). A "
        "`REFERRAL_WITHDRAWN` (a photo it rested on was deleted and the photos left support "
        "none) has the `referral_id`, `analysis_id` and `urgency` it had. An `SMS_STOPPED` "
        "(texts turned off: the SMS provider refuses the number for good, as after STOP, or the "
        "person replied STOP to our number: then `replied: true`) has the `phone`, grouped as "
        "the profile shows it. An `SMS_STARTED` (texts on again: the person replied START after "
        "a STOP turned them off) has the `phone`. An `EMAIL_BOUNCED` (mail to the account's "
        "address came back), `EMAIL_SPAM_REPORTED` (the person marked our email as spam) or "
        "`EMAIL_RELEASED` (the owner of the mailbox took back the address the account never "
        "confirmed: set another) has the `email`."
    )

    @classmethod
    def from_domain(cls, item: DomainNotification) -> Notification:
        return cls(
            id=item.id,
            kind=item.kind,
            at=item.at,
            read=item.read_at is not None,
            details=cast(JSON, item.payload),
        )
