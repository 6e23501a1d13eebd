"""The SQL unit of work: one Session per use case; jobs and events leave only after commit.

Each repository is named once, as a `Repo` class attribute: it is built from the unit of work's
Session on first use and kept until the transaction ends. Two names for one class
(`appointments`, `appointment_queries`) share one instance. The annotation names the domain port
the attribute satisfies (mypy checks the adapter against it), so the unit of work matches both
plain-attribute and read-only-property protocols.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any, Generic, Self, TypeVar, cast, overload

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from metskin.adapters.db.accounts import (
    SqlPhoneCodeDeliveries,
    SqlRefreshTokenRepository,
    SqlUserRepository,
)
from metskin.adapters.db.analysis import SqlAnalysisRepository, SqlMediaRepository
from metskin.adapters.db.apikeys import SqlApiKeyRepository
from metskin.adapters.db.appointments import SqlAppointmentRepository, SqlDashboardEventLog
from metskin.adapters.db.catalog import SqlCatalogRepository
from metskin.adapters.db.checkins import SqlCheckInRepository
from metskin.adapters.db.content import SqlContentEdits, SqlEditorLog
from metskin.adapters.db.directory_repositories import (
    SqlAvailabilityRepository,
    SqlDermatologistRepository,
)
from metskin.adapters.db.engine import is_lock_conflict
from metskin.adapters.db.inbox import SqlInbox
from metskin.adapters.db.labels import (
    SqlConsentRepository,
    SqlDatasetMembers,
    SqlLabelRepository,
)
from metskin.adapters.db.lazy_session import LazySession
from metskin.adapters.db.money import SqlExchangeRateRepository
from metskin.adapters.db.notifications import SqlSentNotificationLog
from metskin.adapters.db.privacy import (
    SqlDataExportRepository,
    SqlErasureLog,
    SqlPersonalData,
)
from metskin.adapters.db.privacy_consents import SqlConsentRecords
from metskin.adapters.db.privacy_photos import SqlStoredVideos
from metskin.adapters.db.recommendations import SqlFeedbackRepository, SqlRoutineRepository
from metskin.adapters.db.referrals import SqlReferralRepository
from metskin.adapters.db.reminders import SqlReminderRepository
from metskin.adapters.db.repository import CONFLICTING
from metskin.adapters.db.sharing import SqlAccessLog, SqlShareRepository
from metskin.adapters.db.skinmodel import SqlShadowScores, SqlSkinModels
from metskin.domain.accounts.phone_delivery import PhoneCodeDeliveries
from metskin.domain.accounts.ports import RefreshTokenRepository, UserRepository
from metskin.domain.analysis.ports import AnalysisRepository, MediaRepository
from metskin.domain.apikeys.ports import ApiKeyRepository
from metskin.domain.appointments.ports import (
    AppointmentQueries,
    AppointmentRepository,
    AvailabilityRepository,
    DashboardEventLog,
    ReminderRepository,
)
from metskin.domain.audit.ports import AccessLogRepository
from metskin.domain.checkins.ports import CheckInRepository
from metskin.domain.content.ports import ContentEdits, EditorLog
from metskin.domain.directory.ports import DermatologistRepository
from metskin.domain.errors import Conflict
from metskin.domain.i18n.marks import _
from metskin.domain.inbox.ports import InboxRepository
from metskin.domain.labels.ports import ConsentRepository, DatasetMembers, LabelRepository
from metskin.domain.messages import Event, Job
from metskin.domain.money.ports import ExchangeRateRepository
from metskin.domain.notifications.ports import SentNotificationLog
from metskin.domain.privacy.ports import (
    ConsentRecords,
    DataExportRepository,
    ErasureLog,
    PersonalDataStore,
    StoredVideos,
)
from metskin.domain.recommendations.ports import (
    CatalogRepository,
    FeedbackRepository,
    RoutineRepository,
)
from metskin.domain.referrals.ports import ReferralRepository
from metskin.domain.sharing.ports import ShareRepository
from metskin.domain.skinmodel.ports import ShadowScoreRepository, SkinModelRepository

Dispatch = Callable[[list[Job | Event]], None]
R = TypeVar("R")


class Repo(Generic[R]):
    """A repository of the unit of work, built lazily from its Session (one per class).

    The first read in a transaction builds it (or takes the one another name of the same
    class built) and stores it on the instance, so later reads are plain attribute reads.
    """

    def __init__(self, build: Callable[[Session], R]) -> None:
        self._build = build
        self._name = ""

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self._name = name

    @overload
    def __get__(self, uow: None, owner: type[Any]) -> Self: ...
    @overload
    def __get__(self, uow: SqlUnitOfWork, owner: type[Any]) -> R: ...
    def __get__(self, uow: SqlUnitOfWork | None, owner: type[Any]) -> R | Self:
        if uow is None:
            return self
        return uow.repository(self._name, self._build)


class SqlUnitOfWork:
    users: Repo[UserRepository] = Repo(SqlUserRepository)
    refresh_tokens: Repo[RefreshTokenRepository] = Repo(SqlRefreshTokenRepository)
    phone_codes: Repo[PhoneCodeDeliveries] = Repo(SqlPhoneCodeDeliveries)
    sent_notifications: Repo[SentNotificationLog] = Repo(SqlSentNotificationLog)
    media: Repo[MediaRepository] = Repo(SqlMediaRepository)
    analyses: Repo[AnalysisRepository] = Repo(SqlAnalysisRepository)
    dermatologists: Repo[DermatologistRepository] = Repo(SqlDermatologistRepository)
    availability: Repo[AvailabilityRepository] = Repo(SqlAvailabilityRepository)
    appointments: Repo[AppointmentRepository] = Repo(SqlAppointmentRepository)
    appointment_queries: Repo[AppointmentQueries] = Repo(SqlAppointmentRepository)
    reminders: Repo[ReminderRepository] = Repo(SqlReminderRepository)
    referrals: Repo[ReferralRepository] = Repo(SqlReferralRepository)
    shares: Repo[ShareRepository] = Repo(SqlShareRepository)
    access_log: Repo[AccessLogRepository] = Repo(SqlAccessLog)
    dashboard_events: Repo[DashboardEventLog] = Repo(SqlDashboardEventLog)
    catalog: Repo[CatalogRepository] = Repo(SqlCatalogRepository)
    feedback: Repo[FeedbackRepository] = Repo(SqlFeedbackRepository)
    routines: Repo[RoutineRepository] = Repo(SqlRoutineRepository)
    exchange_rates: Repo[ExchangeRateRepository] = Repo(SqlExchangeRateRepository)
    personal_data: Repo[PersonalDataStore] = Repo(SqlPersonalData)
    data_exports: Repo[DataExportRepository] = Repo(SqlDataExportRepository)
    stored_videos: Repo[StoredVideos] = Repo(SqlStoredVideos)
    erasures: Repo[ErasureLog] = Repo(SqlErasureLog)
    consent_records: Repo[ConsentRecords] = Repo(SqlConsentRecords)
    api_keys: Repo[ApiKeyRepository] = Repo(SqlApiKeyRepository)
    content_edits: Repo[ContentEdits] = Repo(SqlContentEdits)
    editor_log: Repo[EditorLog] = Repo(SqlEditorLog)
    labels: Repo[LabelRepository] = Repo(SqlLabelRepository)
    consents: Repo[ConsentRepository] = Repo(SqlConsentRepository)
    dataset_members: Repo[DatasetMembers] = Repo(SqlDatasetMembers)
    inbox: Repo[InboxRepository] = Repo(SqlInbox)
    check_ins: Repo[CheckInRepository] = Repo(SqlCheckInRepository)
    skin_models: Repo[SkinModelRepository] = Repo(SqlSkinModels)
    shadow_scores: Repo[ShadowScoreRepository] = Repo(SqlShadowScores)

    session: Session

    def __init__(self, engine: Engine, dispatch: Dispatch) -> None:
        self._engine = engine
        self._dispatch = dispatch
        self._pending: list[Job | Event] = []
        self._repositories: dict[Callable[[Session], object], object] = {}
        self._names: list[str] = []

    def repository(self, name: str, build: Callable[[Session], R]) -> R:
        """The repository that `build` makes, made once per transaction and kept as `name`."""
        found = self._repositories.get(build)
        if found is None:
            found = self._repositories[build] = build(self.session)
        self.__dict__[name] = found
        self._names.append(name)
        return cast(R, found)

    def __enter__(self) -> Self:
        # The ORM Session only when a repository needs more than a connection (LazySession).
        self.session = cast(Session, LazySession(self._engine))
        for name in self._names:
            self.__dict__.pop(name, None)
        self._names, self._repositories = [], {}
        self._pending = []
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Closing ends the transaction: what was not committed is rolled back (one ROLLBACK,
        # as before). A `rollback()` first did the same and restored the session's snapshot
        # for objects that are dropped here anyway: a third of an empty read's cost.
        self._pending = []
        self.session.close()
        if is_lock_conflict(exc):
            raise Conflict(
                _("Someone changed the same data at the same moment. Please try again.")
            ) from exc

    def defer(self, message: Job | Event) -> None:
        self._pending.append(message)

    def commit(self) -> None:
        try:
            self.session.commit()
        except IntegrityError as error:
            self.session.rollback()
            self._pending = []
            raise Conflict(CONFLICTING) from error
        released, self._pending = self._pending, []
        if released:
            self._dispatch(released)

    def rollback(self) -> None:
        self._pending = []
        self.session.rollback()
