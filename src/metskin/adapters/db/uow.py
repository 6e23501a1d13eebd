"""The SQL unit of work: one Session per use case; jobs and events leave only after commit."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Self

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from metskin.adapters.db.accounts import SqlRefreshTokenRepository, SqlUserRepository
from metskin.adapters.db.analysis import SqlAnalysisRepository, SqlMediaRepository
from metskin.adapters.db.appointments import (
    SqlAppointmentRepository,
    SqlDashboardEventLog,
    SqlReminderRepository,
)
from metskin.adapters.db.directory import SqlAvailabilityRepository, SqlDermatologistRepository
from metskin.adapters.db.engine import is_lock_conflict
from metskin.adapters.db.notifications import SqlSentNotificationLog
from metskin.adapters.db.recommendations import (
    SqlCatalogRepository,
    SqlFeedbackRepository,
    SqlRoutineRepository,
)
from metskin.adapters.db.referrals import SqlReferralRepository
from metskin.adapters.db.sharing import SqlAccessLog, SqlShareRepository
from metskin.domain.accounts.ports import RefreshTokenRepository, UserRepository
from metskin.domain.analysis.ports import AnalysisRepository, MediaRepository
from metskin.domain.appointments.ports import (
    AccessLogRepository,
    AppointmentQueries,
    AppointmentRepository,
    AvailabilityRepository,
    DashboardEventLog,
    DermatologistRepository,
    ReminderRepository,
    ShareRepository,
)
from metskin.domain.errors import Conflict
from metskin.domain.messages import Event, Job
from metskin.domain.notifications import SentNotificationLog
from metskin.domain.recommendations.store import (
    CatalogRepository,
    FeedbackRepository,
    RoutineRepository,
)
from metskin.domain.referrals.service import ReferralRepository

Dispatch = Callable[[list[Job | Event]], None]


class SqlUnitOfWork:
    users: UserRepository
    refresh_tokens: RefreshTokenRepository
    sent_notifications: SentNotificationLog
    media: MediaRepository
    analyses: AnalysisRepository
    # care path
    dermatologists: DermatologistRepository
    availability: AvailabilityRepository
    appointments: AppointmentRepository
    appointment_queries: AppointmentQueries
    reminders: ReminderRepository
    referrals: ReferralRepository
    shares: ShareRepository
    access_log: AccessLogRepository
    dashboard_events: DashboardEventLog
    catalog: CatalogRepository
    feedback: FeedbackRepository
    routines: RoutineRepository

    def __init__(self, engine: Engine, dispatch: Dispatch) -> None:
        self._engine = engine
        self._dispatch = dispatch
        self._pending: list[Job | Event] = []

    def __enter__(self) -> Self:
        self.session = Session(self._engine, expire_on_commit=False)
        self.users = SqlUserRepository(self.session)
        self.refresh_tokens = SqlRefreshTokenRepository(self.session)
        self.sent_notifications = SqlSentNotificationLog(self.session)
        self.media = SqlMediaRepository(self.session)
        self.analyses = SqlAnalysisRepository(self.session)
        self.dermatologists = SqlDermatologistRepository(self.session)
        self.availability = SqlAvailabilityRepository(self.session)
        self.appointments = self.appointment_queries = SqlAppointmentRepository(self.session)
        self.reminders = SqlReminderRepository(self.session)
        self.referrals = SqlReferralRepository(self.session)
        self.shares = SqlShareRepository(self.session)
        self.access_log = SqlAccessLog(self.session)
        self.dashboard_events = SqlDashboardEventLog(self.session)
        self.catalog = SqlCatalogRepository(self.session)
        self.feedback = SqlFeedbackRepository(self.session)
        self.routines = SqlRoutineRepository(self.session)
        self._pending = []
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()
        self.session.close()
        if is_lock_conflict(exc):
            raise Conflict("Someone changed the same data at the same moment. "
                           "Please try again.") from exc

    def defer(self, message: Job | Event) -> None:
        self._pending.append(message)

    def commit(self) -> None:
        try:
            self.session.commit()
        except IntegrityError as error:
            self.session.rollback()
            self._pending = []
            raise Conflict("This change conflicts with existing data.") from error
        released, self._pending = self._pending, []
        if released:
            self._dispatch(released)

    def rollback(self) -> None:
        self._pending = []
        self.session.rollback()
