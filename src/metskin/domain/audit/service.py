"""Recording reads: one entry per (patient, what, which) a dermatologist read."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from metskin.domain.audit.model import AccessEntry, AccessPart, Resource
from metskin.domain.audit.ports import AccessLogRepository


def audit_reads(
    log: AccessLogRepository,
    doctor_id: str,
    reads: Sequence[tuple[str, Resource, str]],
    now: datetime,
    part: AccessPart | None = None,
) -> None:
    """Write (patient, what, which) reads of a dermatologist to the patients' access logs;
    `part`: which part of the analyses read was fetched."""
    if reads:
        log.add_many(
            [
                AccessEntry(doctor_id, patient, resource, ident, now, part=part)
                for patient, resource, ident in reads
            ]
        )
