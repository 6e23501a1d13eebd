"""The directory's repositories: a practice profile written (profile and tags) and read back,
the listing of cards, and the working hours, with the statements of `directory.py`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete as sql_delete
from sqlalchemy import select as core_select
from sqlmodel import Session, col

from metskin.adapters.db.directory import (
    LANGUAGE,
    NO_TAGS,
    PROFILES,
    SELECT_AVAILABILITY,
    SELECT_PROFILES,
    SPECIALTY,
    TAG_SLOT,
    DermatologistTagRow,
    Tags,
    card_to_domain,
    card_width,
    dermatologist_to_domain,
    listing_statement,
    practice_hours_to_domain,
    select_tags,
)
from metskin.domain.appointments.model import Availability, PracticeHours
from metskin.domain.directory.geo import DirectoryQuery
from metskin.domain.directory.loader import availability_to_dict, parse_availability
from metskin.domain.directory.model import Dermatologist, DirectoryEntry, DirectoryKey


class SqlDermatologistRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def upsert(self, profile: Dermatologist, now: datetime) -> None:
        stored = availability_to_dict(profile.availability)
        stored.pop("time_zone")
        values: dict[str, Any] = {
            "name": profile.name,
            "contact_email": profile.email,
            "practice_name": profile.practice.name,
            "address": profile.practice.address,
            "city": profile.practice.city,
            "country": profile.practice.country,
            "lat": profile.practice.location.lat,
            "lon": profile.practice.location.lon,
            "practice_phone": profile.practice.phone,
            "time_zone": profile.time_zone,
            "consultation_types": sorted(t.value for t in profile.consultation_types),
            "fee_amount": profile.fee.amount,
            "fee_currency": profile.fee.currency,
            "bio": profile.bio,
            "bio_translations": dict(profile.bio_translations) or None,
            "availability": stored,
            "updated_at": now,
        }
        # In Core: the reads give no ORM row to change, and looking one up would cost a SELECT.
        # An UPDATE counts the rows it matched (MySQL dialects ask for FOUND_ROWS).
        table, connection = PROFILES, self._session.connection()
        where = table.c.user_id == profile.id
        if not connection.execute(table.update().where(where).values(values)).rowcount:
            connection.execute(table.insert().values(user_id=profile.id, **values))
        self._session.execute(
            sql_delete(DermatologistTagRow).where(col(DermatologistTagRow.user_id) == profile.id)
        )
        self._session.add_all(
            [
                DermatologistTagRow(user_id=profile.id, kind=SPECIALTY, value=v)
                for v in sorted(profile.specialties)
            ]
            + [
                DermatologistTagRow(user_id=profile.id, kind=LANGUAGE, value=v)
                for v in sorted(profile.languages)
            ]
        )

    def get(self, doctor_id: str) -> Dermatologist | None:
        found = self.get_many([doctor_id])
        return found[0] if found else None

    def get_many(self, doctor_ids: Sequence[str]) -> list[Dermatologist]:
        """One SELECT of the profiles' columns (Core rows, no ORM instances) and one of their
        tags."""
        if not doctor_ids:
            return []
        connection = self._session.connection()
        rows = connection.execute(SELECT_PROFILES, {"ids": list(doctor_ids)}).all()
        tags = self._tags_of([row[0] for row in rows])
        return [dermatologist_to_domain(row, tags.get(row[0], NO_TAGS)) for row in rows]

    def listed(
        self,
        query: DirectoryQuery,
        after: DirectoryKey | None,
        limit: int | None,
        bios: bool = True,
    ) -> list[DirectoryEntry]:
        """One SELECT of the card columns (no hours; no bio unless `bios`), filtered, ordered
        and cut in SQL, and one of the page's tags."""
        statement, values = listing_statement(query, after, limit, bios)
        rows = self._session.connection().execute(statement, values).all()
        tags = self._tags_of([row[0] for row in rows])
        distance = card_width(bios) if query.near is not None else None
        return [
            DirectoryEntry(
                card_to_domain(row, tags.get(row[0], NO_TAGS), bios),
                row[distance] if distance is not None else None,
            )
            for row in rows
        ]

    def availabilities(self, doctor_ids: Sequence[str]) -> dict[str, Availability]:
        if not doctor_ids:
            return {}
        statement = core_select(
            PROFILES.c.user_id, PROFILES.c.time_zone, PROFILES.c.availability
        ).where(PROFILES.c.user_id.in_(list(doctor_ids)))
        return {
            doctor_id: parse_availability(doctor_id, {"time_zone": time_zone, **hours})
            for doctor_id, time_zone, hours in self._session.connection().execute(statement)
        }

    def _tags_of(self, doctor_ids: list[str]) -> Mapping[str, Tags]:
        """Each dermatologist's specialties and languages, by id (none: absent)."""
        if not doctor_ids:
            return {}
        found: dict[str, tuple[list[str], list[str]]] = {}
        statement, names = select_tags(len(doctor_ids))
        values = dict(zip(names, doctor_ids, strict=True))
        # All fetched at once: iterating the result would fetch row by row.
        for user_id, kind, value in self._session.connection().execute(statement, values).all():
            slot = TAG_SLOT.get(kind)
            if slot is not None:
                tags = found.get(user_id)
                if tags is None:
                    tags = found[user_id] = ([], [])
                tags[slot].append(value)
        return found


class SqlAvailabilityRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, doctor_id: str) -> PracticeHours | None:
        row = (
            self._session.connection()
            .execute(SELECT_AVAILABILITY, {"doctor_id": doctor_id})
            .first()
        )
        return None if row is None else practice_hours_to_domain(doctor_id, row)
