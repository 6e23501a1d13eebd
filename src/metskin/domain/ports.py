"""Ports shared by every component: the unit of work, the job queue and the events bus."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, Self

from metskin.domain.accounts.ports import RefreshTokenRepository, UserRepository
from metskin.domain.messages import Event, Job, OutgoingEmail, OutgoingSms

if TYPE_CHECKING:
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
    from metskin.domain.notifications import SentNotificationLog
    from metskin.domain.recommendations.store import (
        CatalogRepository,
        FeedbackRepository,
        RoutineRepository,
    )
    from metskin.domain.referrals.service import ReferralRepository

Clock = Callable[[], datetime]


class UnitOfWork(Protocol):
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

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def defer(self, message: Job | Event) -> None:
        """Buffer a job or event; it is released after commit and dropped on rollback."""
        ...


UnitOfWorkFactory = Callable[[], UnitOfWork]


class JobQueue(Protocol):
    def enqueue(self, job: Job) -> None: ...


class EventBus(Protocol):
    def publish(self, event: Event) -> None: ...
    def latest(self, channel: str) -> dict[str, Any] | None: ...
    def subscribe(self, channel: str,
                  on_ready: Callable[[], None] | None = None) -> AsyncIterator[dict[str, Any]]:
        """Messages published from now on; `on_ready` runs once the subscription is live, so
        the caller can re-read the store and miss nothing published before it."""
        ...


class Notifier(Protocol):
    def send_email(self, email: OutgoingEmail) -> None: ...
    def send_sms(self, sms: OutgoingSms) -> None: ...
