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


class AccessPart(Enum):
    """Which part of an analysis was fetched: one look at a shared analysis reads several."""

    RESULT = "RESULT"  # the results (scores, measurements, the report)
    PHOTO = "PHOTO"  # the photo uploaded
    VIDEO = "VIDEO"  # the video uploaded
    THUMBNAIL = "THUMBNAIL"  # the small copy of the photo
    OVERLAY = "OVERLAY"  # the heat map drawn over the photo
    COMPARISON = "COMPARISON"  # a before/after picture drawn from two analyses' photos


@dataclass(frozen=True)
class AccessEntry:
    """One read of patient data by a dermatologist: who, what, when."""

    doctor_id: str
    patient_id: str
    resource: Resource
    resource_id: str
    at: datetime
    id: int | None = None
    part: AccessPart | None = None  # of an analysis; None for other reads and older rows
