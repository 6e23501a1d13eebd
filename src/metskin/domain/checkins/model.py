"""A person's check-in cadence and the next date a new photo is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from metskin.domain.errors import ValidationFailed

DEFAULT_WEEKS = 4
MIN_WEEKS = 1
MAX_WEEKS = 12


def checked_cadence(weeks: int) -> int:
    if not MIN_WEEKS <= weeks <= MAX_WEEKS:
        raise ValidationFailed(
            f"A check-in comes every {MIN_WEEKS} to {MAX_WEEKS} weeks.", field="weeks"
        )
    return weeks


@dataclass
class CheckIn:
    """`anchor_at`: when the newest routine was made (None: no routine yet, nothing due).
    `told_due_at`: the due date the person was last told about (once per due date)."""

    user_id: str
    cadence_weeks: int = DEFAULT_WEEKS
    anchor_at: datetime | None = None
    told_due_at: datetime | None = None

    @property
    def due_at(self) -> datetime | None:
        if self.anchor_at is None:
            return None
        return self.anchor_at + timedelta(weeks=self.cadence_weeks)

    def told(self) -> bool:
        return self.due_at is not None and self.told_due_at == self.due_at
