"""The audit trail: who read which patient data, and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum


class Resource(Enum):
    """What a dermatologist read; the patient sees these in their access log."""

    ANALYSIS = "ANALYSIS"
    REFERRAL = "REFERRAL"
    PROFILE = "PROFILE"
    APPOINTMENT = "APPOINTMENT"
    LABELS = "LABELS"  # the labels written on an analysis


@dataclass(frozen=True)
class AccessEntry:
    """One read of patient data by a dermatologist: who, what, when."""

    doctor_id: str
    patient_id: str
    resource: Resource
    resource_id: str
    at: datetime
    id: int | None = None
