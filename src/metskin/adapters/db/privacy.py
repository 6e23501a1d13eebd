"""Privacy in SQL: the exports and erasure records, and the queries that gather or erase one
person's rows across every table.

Erasure deletes in an order the foreign keys accept on both engines, and rewrites what must
stay: the access log (an audit trail, without foreign keys since migration 0006), the
editors' log, content edits and exchange rates, other dermatologists' dashboard events and
other people's notifications keep the keyed pseudonym in place of the person's id; the editors'
log entries on an erased dermatologist's listing lose their name too."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Text, cast, delete, or_, update
from sqlalchemy.engine import CursorResult
from sqlmodel import Field, Session, SQLModel, col, select

from metskin.adapters.db.accounts import PhoneCodeRow, RefreshTokenRow, UserRow
from metskin.adapters.db.analysis import AnalysisResultRow, AnalysisRow, MediaRow
from metskin.adapters.db.apikeys import ApiKeyRow
from metskin.adapters.db.appointments import AppointmentRow, BookedSlotRow, DashboardEventRow
from metskin.adapters.db.checkins import CheckInRow
from metskin.adapters.db.content import ContentEditRow, EditorLogRow
from metskin.adapters.db.directory import DermatologistRow, DermatologistTagRow
from metskin.adapters.db.inbox import NotificationRow
from metskin.adapters.db.labels import DatasetMemberRow, LabelRow
from metskin.adapters.db.money import ExchangeRateRow
from metskin.adapters.db.notifications import SentNotificationRow
from metskin.adapters.db.privacy_consents import ConsentRecordRow
from metskin.adapters.db.privacy_photos import SqlPhotos, media_files, result_files
from metskin.adapters.db.recommendations import FeedbackRow, RoutineRow
from metskin.adapters.db.referrals import ReferralRow
from metskin.adapters.db.reminders import ReminderRow
from metskin.adapters.db.repository import SqlRepository, values_of
from metskin.adapters.db.sharing import AccessLogRow, ShareRow
from metskin.adapters.db.skinmodel import SkinModelScoreRow
from metskin.adapters.db.types import BIG_ID, MYSQL_TABLE_ARGS, UTCDateTime
from metskin.domain.appointments.model import AppointmentStatus
from metskin.domain.content.model import ContentKind
from metskin.domain.privacy.model import (
    DataExport,
    Erasure,
    ExportStatus,
    LeftPatient,
    PersonalData,
    StoredFile,
    erased_account,
    erased_dermatologist,
)


class DataExportRow(SQLModel, table=True):
    __tablename__ = "data_exports"
    __table_args__ = MYSQL_TABLE_ARGS

    id: str = Field(primary_key=True, max_length=36)
    user_id: str = Field(max_length=36, foreign_key="users.id", ondelete="CASCADE", index=True)
    status: str = Field(max_length=8)
    requested_at: datetime = Field(sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    storage_name: str | None = Field(default=None, max_length=200)
    size_bytes: int | None = Field(default=None, sa_type=BigInteger)
    failure_reason: str | None = Field(default=None, max_length=300)


class ErasureRow(SQLModel, table=True):
    """The proof that an account was erased: only the pseudonym, never the id or email."""

    __tablename__ = "account_erasures"
    __table_args__ = MYSQL_TABLE_ARGS

    id: int | None = Field(default=None, primary_key=True, sa_type=BIG_ID)
    pseudonym: str = Field(max_length=36, index=True)
    requested_by: str = Field(max_length=48)
    erased_at: datetime = Field(sa_type=UTCDateTime)
    appointments_cancelled: int = 0
    shares_revoked: int = 0
    rows_deleted: int = 0
    files_deleted: int = 0


EXPORT_FIELDS = tuple(f.name for f in fields(DataExport) if f.name != "status")


class SqlDataExportRepository(SqlRepository[DataExportRow, DataExport]):
    row_type = DataExportRow

    def to_domain(self, row: DataExportRow) -> DataExport:
        return DataExport(status=ExportStatus(row.status), **values_of(row, EXPORT_FIELDS))

    def new_row(self, export: DataExport) -> DataExportRow:
        return DataExportRow(status=export.status.value, **values_of(export, EXPORT_FIELDS))

    def update_row(self, export: DataExport, row: DataExportRow) -> DataExportRow:
        for name in EXPORT_FIELDS:
            setattr(row, name, getattr(export, name))
        row.status = export.status.value
        return row

    def list_for_user(self, user_id: str) -> list[DataExport]:
        return self.newest_first(DataExportRow.user_id == user_id, DataExportRow.requested_at)


class SqlErasureLog:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, erasure: Erasure) -> None:
        self._session.add(ErasureRow(**values_of(erasure, [f.name for f in fields(Erasure)])))


def plain(row: SQLModel, *, leave_out: tuple[str, ...] = ()) -> dict[str, Any]:
    """A row as JSON-ready values, column by column."""
    values: dict[str, Any] = {}
    for name, value in row.model_dump().items():
        if name in leave_out:
            continue
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        values[name] = value
    return values


# The columns of records that stay after an erasure, where the pseudonym replaces the id: the
# access log, the editors' log, content edits and exchange rates (who set them).
AUDIT_COLUMNS: tuple[tuple[type[SQLModel], str], ...] = (
    (AccessLogRow, "patient_id"),
    (AccessLogRow, "doctor_id"),
    (EditorLogRow, "actor_id"),
    (ContentEditRow, "edited_by"),
    (ExchangeRateRow, "set_by"),
)


class SqlPersonalData:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._photos = SqlPhotos(session)
        self.photo = self._photos.photo
        self.erase_photo = self._photos.erase_photo

    def _rows(self, query: Any) -> list[Any]:
        return list(self._session.exec(query))

    # --- gather ----------------------------------------------------------------------------

    def gather(self, user_id: str) -> PersonalData:
        user = self._session.get(UserRow, user_id)
        sections: dict[str, Any] = {
            "profile": plain(user, leave_out=("password_hash", "email_change_request"))
            if user
            else {}
        }
        doctor = self._session.get(DermatologistRow, user_id)
        if doctor is not None:
            sections["dermatologist_profile"] = plain(doctor)
        files: list[StoredFile] = []
        sections["media"] = []
        for media in self._rows(
            select(MediaRow).where(MediaRow.owner_id == user_id).order_by(col(MediaRow.created_at))
        ):
            sections["media"].append(
                {
                    **plain(media),
                    "file": StoredFile(media.storage_name, media.content_type).archive_path,
                    "thumbnail": StoredFile(media.thumbnail_name, "image/jpeg").archive_path,
                }
            )
            files += media_files(media)
        sections["analyses"] = self._analyses(user_id, files)
        shadow = (
            select(SkinModelScoreRow)
            .join(AnalysisRow, col(AnalysisRow.id) == col(SkinModelScoreRow.analysis_id))
            .where(col(AnalysisRow.owner_id) == user_id)
            .order_by(col(SkinModelScoreRow.created_at), col(SkinModelScoreRow.version))
        )
        sections["skin_model_scores"] = [plain(row) for row in self._rows(shadow)]
        by_user = (
            ("routines", RoutineRow, RoutineRow.user_id, RoutineRow.created_at),
            ("ratings", FeedbackRow, FeedbackRow.user_id, FeedbackRow.created_at),
            ("referrals", ReferralRow, ReferralRow.patient_id, ReferralRow.created_at),
            ("appointments", AppointmentRow, AppointmentRow.patient_id, AppointmentRow.start_at),
            ("shares", ShareRow, ShareRow.patient_id, ShareRow.created_at),
            ("check_ins", CheckInRow, CheckInRow.user_id, CheckInRow.user_id),
            ("phone_codes", PhoneCodeRow, PhoneCodeRow.user_id, PhoneCodeRow.user_id),
            ("api_keys", ApiKeyRow, ApiKeyRow.owner_id, ApiKeyRow.created_at),
            ("labels", LabelRow, LabelRow.subject_id, LabelRow.created_at),
            ("notifications", NotificationRow, NotificationRow.user_id, NotificationRow.id),
            ("consents", ConsentRecordRow, ConsentRecordRow.user_id, ConsentRecordRow.at),
            (
                "dataset_members",
                DatasetMemberRow,
                DatasetMemberRow.subject_id,
                DatasetMemberRow.created_at,
            ),
        )
        # Left out: an API key's hash, and a share's unique key of its active time (its
        # analysis or ALL, only while not revoked: `sharing.active_target`, nothing of its own).
        internal = ("key_hash", "active_target")
        for section, row_type, owner, order in by_user:
            query = select(row_type).where(owner == user_id).order_by(col(order))
            sections[section] = [plain(row, leave_out=internal) for row in self._rows(query)]
        sections["access_log"] = self._access_log(user_id)
        return PersonalData(user_id, sections, tuple(files))

    def _analyses(self, user_id: str, files: list[StoredFile]) -> list[dict[str, Any]]:
        analyses = self._rows(
            select(AnalysisRow)
            .where(AnalysisRow.owner_id == user_id)
            .order_by(col(AnalysisRow.created_at))
        )
        ids = [analysis.id for analysis in analyses]
        results = {
            row.analysis_id: row
            for row in self._rows(
                select(AnalysisResultRow).where(col(AnalysisResultRow.analysis_id).in_(ids))
            )
        }
        found = []
        for analysis in analyses:
            result = results.get(analysis.id)
            made = result_files(result) if result is not None else []
            files += made  # the overlay, and a video's measured frame
            overlay = made[0].archive_path if result and result.overlay_name else None
            found.append(
                {**plain(analysis), "result": result.result if result else None, "overlay": overlay}
            )
        return found

    def _access_log(self, user_id: str) -> list[dict[str, Any]]:
        query = (
            select(AccessLogRow, DermatologistRow.name)
            .join(
                DermatologistRow,
                col(DermatologistRow.user_id) == col(AccessLogRow.doctor_id),
                isouter=True,
            )
            .where(AccessLogRow.patient_id == user_id)
            .order_by(col(AccessLogRow.at), col(AccessLogRow.id))
        )
        return [
            {**plain(entry, leave_out=("id",)), "dermatologist_name": name}
            for entry, name in self._session.exec(query)
        ]

    # --- what erasure closes first -----------------------------------------------------------

    def upcoming_appointments(self, user_id: str, now: datetime) -> list[str]:
        query = select(AppointmentRow.id).where(
            _party(user_id, AppointmentRow),
            col(AppointmentRow.status) == AppointmentStatus.BOOKED.value,
            col(AppointmentRow.start_at) > now,
        )
        return list(self._session.exec(query.order_by(col(AppointmentRow.start_at))))

    def active_shares(self, user_id: str, now: datetime) -> list[str]:
        query = select(ShareRow.id).where(
            col(ShareRow.patient_id) == user_id,
            col(ShareRow.revoked_at).is_(None),
            col(ShareRow.expires_at) > now,
        )
        return list(self._session.exec(query))

    def patients_of(self, doctor_id: str, now: datetime) -> list[LeftPatient]:
        booked = self._session.exec(
            select(AppointmentRow.patient_id, AppointmentRow.id, AppointmentRow.start_at)
            .where(
                col(AppointmentRow.doctor_id) == doctor_id,
                col(AppointmentRow.status) == AppointmentStatus.BOOKED.value,
                col(AppointmentRow.start_at) > now,
            )
            .order_by(col(AppointmentRow.start_at))
        )
        shared = self._session.exec(
            select(ShareRow.patient_id, ShareRow.id, ShareRow.analysis_id)
            .where(
                col(ShareRow.doctor_id) == doctor_id,
                col(ShareRow.revoked_at).is_(None),
                col(ShareRow.expires_at) > now,
            )
            .order_by(col(ShareRow.created_at), col(ShareRow.id))
        )
        appointments: dict[str, list[tuple[str, datetime]]] = {}
        shares: dict[str, list[tuple[str, str | None]]] = {}
        for patient_id, appointment_id, start in booked:
            appointments.setdefault(patient_id, []).append((appointment_id, start))
        for patient_id, share_id, analysis_id in shared:
            shares.setdefault(patient_id, []).append((share_id, analysis_id))
        return [
            LeftPatient(p, tuple(appointments.get(p, ())), tuple(shares.get(p, ())))
            for p in sorted(appointments.keys() | shares.keys())
        ]

    # --- erase -------------------------------------------------------------------------------

    def erase(self, user_id: str, pseudonym: str) -> tuple[int, tuple[StoredFile, ...]]:
        user = self._session.get(UserRow, user_id)
        recipients = [r for r in (user.email, user.phone) if r] if user else []
        self._pseudonymise(user_id, pseudonym)
        # Another patient's referral that named this dermatologist keeps the referral itself.
        self._execute(
            update(ReferralRow).where(col(ReferralRow.doctor_id) == user_id).values(doctor_id=None)
        )
        # Their uploads first, and every row made from them, as deleting one photo does (while
        # their shares and bookings still say whose dashboards mention them).
        uploads = select(MediaRow.id).where(col(MediaRow.owner_id) == user_id)
        erased = self._photos.erase_uploads(user_id, list(self._session.exec(uploads)))
        rows = erased.rows
        appointments = select(AppointmentRow.id).where(_party(user_id, AppointmentRow))
        in_order: list[tuple[type[SQLModel], Any]] = [
            (
                SentNotificationRow,
                or_(
                    col(SentNotificationRow.recipient).in_(recipients),
                    col(SentNotificationRow.dedupe_key).contains(user_id),
                ),
            ),
            (DashboardEventRow, col(DashboardEventRow.doctor_id) == user_id),
            (NotificationRow, col(NotificationRow.user_id) == user_id),
            (ReminderRow, col(ReminderRow.appointment_id).in_(appointments)),
            (BookedSlotRow, col(BookedSlotRow.appointment_id).in_(appointments)),
            (AppointmentRow, _party(user_id, AppointmentRow)),
            (ShareRow, _party(user_id, ShareRow)),
            (CheckInRow, col(CheckInRow.user_id) == user_id),
            (FeedbackRow, col(FeedbackRow.user_id) == user_id),
            # Labels on their analyses, and those they wrote as a dermatologist.
            (
                LabelRow,
                or_(col(LabelRow.subject_id) == user_id, col(LabelRow.author_id) == user_id),
            ),
            (DatasetMemberRow, col(DatasetMemberRow.subject_id) == user_id),
            (DermatologistTagRow, col(DermatologistTagRow.user_id) == user_id),
            (DermatologistRow, col(DermatologistRow.user_id) == user_id),
            (RefreshTokenRow, col(RefreshTokenRow.user_id) == user_id),
            (DataExportRow, col(DataExportRow.user_id) == user_id),
            (ConsentRecordRow, col(ConsentRecordRow.user_id) == user_id),
            (ApiKeyRow, col(ApiKeyRow.owner_id) == user_id),
            (UserRow, col(UserRow.id) == user_id),
        ]
        rows += sum(self._execute(delete(table).where(where)) for table, where in in_order)
        return rows, erased.files

    def _execute(self, statement: Any) -> int:
        """Run a bulk statement in the session's transaction; the number of rows it touched."""
        result: CursorResult[Any] = self._session.connection().execute(statement)
        return int(result.rowcount)

    def _pseudonymise(self, user_id: str, pseudonym: str) -> None:
        for row_type, name in AUDIT_COLUMNS:
            column = col(getattr(row_type, name))
            self._execute(update(row_type).where(column == user_id).values({name: pseudonym}))
        summaries = {
            ContentKind.DERMATOLOGIST.value: erased_dermatologist,
            ContentKind.ACCOUNT.value: erased_account,
        }
        listing = select(EditorLogRow).where(
            col(EditorLogRow.kind).in_(list(summaries)),
            col(EditorLogRow.target) == user_id,
        )
        for entry in self._rows(listing):  # the entries on their listing or account name no one
            entry.target, entry.summary = pseudonym, summaries[entry.kind](entry.action)
            self._session.add(entry)
        self._rewrite_mentions(DashboardEventRow, "doctor_id", user_id, pseudonym)
        self._rewrite_mentions(NotificationRow, "user_id", user_id, pseudonym, texts=("key",))
        self._session.flush()

    def _rewrite_mentions(
        self,
        row_type: type[DashboardEventRow] | type[NotificationRow],
        owner: str,
        user_id: str,
        pseudonym: str,
        texts: tuple[str, ...] = (),
    ) -> None:
        """Other people's rows that mention the person keep the pseudonym in place of their
        id: in the payload's values and in the `texts` columns (a notification's key,
        `share-viewed:<dermatologist>:<analysis>`)."""
        mentioned = select(row_type).where(
            col(getattr(row_type, owner)) != user_id,
            or_(
                cast(row_type.payload, Text).contains(user_id),
                *(col(getattr(row_type, name)).contains(user_id) for name in texts),
            ),
        )
        for row in self._rows(mentioned):
            row.payload = {
                key: pseudonym if value == user_id else value for key, value in row.payload.items()
            }
            for name in texts:
                setattr(row, name, getattr(row, name).replace(user_id, pseudonym))
            self._session.add(row)


def _party(user_id: str, row_type: type[AppointmentRow] | type[ShareRow]) -> Any:
    """The rows where the person is the patient or the dermatologist."""
    return or_(col(row_type.patient_id) == user_id, col(row_type.doctor_id) == user_id)
