"""Every fake is its port: mypy checks these assignments against the protocols.

Check with `MYPYPATH=src mypy tests/unit/test_fakes_conform.py tests/fakes`. MYPYPATH matters:
without it mypy does not find `metskin`, `ignore_missing_imports` turns every port into Any,
and the check passes whatever the fakes look like. pytest runs these functions too, so a fake
that cannot be built fails here first.
"""

from __future__ import annotations

from metskin.adapters.limits.memory import InMemoryLoginFailures
from metskin.domain.accounts.ports import (
    AccessTokenCodec,
    AccountsUnitOfWork,
    AccountsUowFactory,
    LoginAttempts,
    PasswordHasher,
    PasswordResetTokens,
    PurposeTokens,
    RefreshTokenRepository,
    UserRepository,
)
from metskin.domain.analysis.ports import (
    AnalysisAccess,
    AnalysisEngine,
    AnalysisRepository,
    AnalysisUnitOfWork,
    AnalysisUowFactory,
    FaceLandmarker,
    FrameSource,
    MediaPreparer,
    MediaRepository,
    MediaStorage,
)
from metskin.domain.apikeys.ports import ApiKeyRepository, ApiKeysUnitOfWork, ApiKeysUowFactory
from metskin.domain.appointments.ports import (
    AppointmentQueries,
    AppointmentRepository,
    AppointmentsUnitOfWork,
    AppointmentsUowFactory,
    AvailabilityRepository,
    DashboardEventLog,
    ReminderRepository,
)
from metskin.domain.audit.ports import AccessLogRepository
from metskin.domain.checkins.ports import (
    CheckInRepository,
    CheckInsUnitOfWork,
    CheckInsUowFactory,
)
from metskin.domain.content.ports import (
    ContentEdits,
    ContentUnitOfWork,
    ContentUowFactory,
    EditorLog,
)
from metskin.domain.directory.ports import (
    BookedTimes,
    DermatologistRepository,
    DirectoryUnitOfWork,
    DirectoryUowFactory,
)
from metskin.domain.inbox.ports import InboxRepository, InboxUnitOfWork, InboxUowFactory
from metskin.domain.labels.ports import (
    ConsentRepository,
    DatasetMembers,
    LabelRepository,
    LabelsUnitOfWork,
    LabelsUowFactory,
)
from metskin.domain.limits.model import BackoffPolicy
from metskin.domain.limits.service import LoginBackoff
from metskin.domain.money.ports import ExchangeRateRepository, MoneyUnitOfWork, MoneyUowFactory
from metskin.domain.notifications.ports import (
    EmailSuppressions,
    MailRenderer,
    NotificationsUnitOfWork,
    NotificationsUowFactory,
    SentNotificationLog,
)
from metskin.domain.ports import Clock, EventBus, JobQueue, Notifier, UnitOfWork
from metskin.domain.privacy.ports import (
    CareLinks,
    DataExportRepository,
    ErasureLog,
    PersonalDataStore,
    PrivacyUnitOfWork,
    PrivacyUowFactory,
    StoredVideos,
    VideoScrubUnitOfWork,
    VideoScrubUowFactory,
)
from metskin.domain.recommendations.loader import parse_catalog
from metskin.domain.recommendations.ports import (
    CatalogRepository,
    CatalogSource,
    FeedbackRepository,
    Ranker,
    RecommendationsUnitOfWork,
    RecommendationsUowFactory,
    RoutineRepository,
)
from metskin.domain.referrals.ports import (
    ReferralRepository,
    ReferralsUnitOfWork,
    ReferralsUowFactory,
)
from metskin.domain.sharing.ports import ShareRepository, SharingUnitOfWork, SharingUowFactory
from metskin.domain.sharing.service import SharingService
from metskin.domain.skinmodel.ports import (
    ShadowScoreRepository,
    SkinModelRepository,
    SkinModelUnitOfWork,
    SkinModelUowFactory,
)
from tests.fakes.accounts import (
    FakeAccountsUnitOfWork,
    FakeRefreshTokenRepository,
    FakeUserRepository,
)
from tests.fakes.analysis import FakeAnalysisRepository, FakeAnalysisUnitOfWork, FakeMediaRepository
from tests.fakes.apikeys import FakeApiKeyRepository, FakeApiKeysUnitOfWork
from tests.fakes.appointments import (
    FakeAppointmentRepository,
    FakeAppointmentsUnitOfWork,
    FakeAvailabilityRepository,
    FakeDashboardEventLog,
    FakeReminderRepository,
)
from tests.fakes.audit import FakeAccessLog
from tests.fakes.checkins import FakeCheckInRepository, FakeCheckInsUnitOfWork
from tests.fakes.content import FakeContentEdits, FakeContentUnitOfWork, FakeEditorLog
from tests.fakes.directory import FakeDermatologistRepository, FakeDirectoryUnitOfWork
from tests.fakes.inbox import FakeInbox, FakeInboxUnitOfWork
from tests.fakes.infra import (
    FakeAccessTokens,
    FakeClock,
    FakeEngine,
    FakeEventBus,
    FakeFrames,
    FakeHasher,
    FakeJobQueue,
    FakeLandmarker,
    FakeMailRenderer,
    FakeNotifier,
    FakePreparer,
    FakePurposeTokens,
    FakeResetTokens,
    FakeStorage,
)
from tests.fakes.labels import (
    FakeConsentRepository,
    FakeDatasetMembers,
    FakeLabelRepository,
    FakeLabelsUnitOfWork,
)
from tests.fakes.money import FakeExchangeRateRepository, FakeMoneyUnitOfWork
from tests.fakes.notifications import (
    FakeEmailSuppressions,
    FakeNotificationsUnitOfWork,
    FakeSentNotificationLog,
)
from tests.fakes.privacy import (
    FakeCareLinks,
    FakeDataExportRepository,
    FakeErasureLog,
    FakePersonalData,
    FakePrivacyUnitOfWork,
    FakeStoredVideos,
    FakeVideoScrubUnitOfWork,
)
from tests.fakes.recommendations import (
    FakeCatalogRepository,
    FakeCatalogSource,
    FakeFeedbackRepository,
    FakeRanker,
    FakeRecommendationsUnitOfWork,
    FakeRoutineRepository,
)
from tests.fakes.referrals import FakeReferralRepository, FakeReferralsUnitOfWork
from tests.fakes.sharing import FakeShareRepository, FakeSharingUnitOfWork
from tests.fakes.skinmodel import FakeShadowScores, FakeSkinModels, FakeSkinModelUnitOfWork


def test_accounts_fakes_are_its_ports() -> None:
    uow: AccountsUnitOfWork = FakeAccountsUnitOfWork()
    factory: AccountsUowFactory = FakeAccountsUnitOfWork()
    users: UserRepository = FakeUserRepository()
    tokens: RefreshTokenRepository = FakeRefreshTokenRepository()
    hasher: PasswordHasher = FakeHasher()
    codec: AccessTokenCodec = FakeAccessTokens()
    resets: PasswordResetTokens = FakeResetTokens()
    purpose_tokens: PurposeTokens = FakePurposeTokens("verify-email")
    attempts: LoginAttempts = LoginBackoff(InMemoryLoginFailures(), FakeClock(), BackoffPolicy())
    assert all((uow, factory, users, tokens, hasher, codec, resets, purpose_tokens, attempts))


def test_analysis_fakes_are_its_ports() -> None:
    uow: AnalysisUnitOfWork = FakeAnalysisUnitOfWork()
    factory: AnalysisUowFactory = FakeAnalysisUnitOfWork()
    media: MediaRepository = FakeMediaRepository()
    analyses: AnalysisRepository = FakeAnalysisRepository()
    storage: MediaStorage = FakeStorage()
    preparer: MediaPreparer = FakePreparer()
    engine: AnalysisEngine = FakeEngine()
    landmarker: FaceLandmarker = FakeLandmarker()
    frames: FrameSource = FakeFrames([])
    access: AnalysisAccess = SharingService(FakeSharingUnitOfWork(), FakeClock()).allows_analysis
    assert all((uow, factory, media, analyses, storage, preparer, engine, landmarker, access))
    assert list(frames) == []


def test_appointments_fakes_are_its_ports() -> None:
    uow: AppointmentsUnitOfWork = FakeAppointmentsUnitOfWork()
    factory: AppointmentsUowFactory = FakeAppointmentsUnitOfWork()
    appointments: AppointmentRepository = FakeAppointmentRepository()
    queries: AppointmentQueries = FakeAppointmentRepository()
    availability: AvailabilityRepository = FakeAvailabilityRepository(FakeDermatologistRepository())
    reminders: ReminderRepository = FakeReminderRepository()
    events: DashboardEventLog = FakeDashboardEventLog()
    assert all((uow, factory, appointments, queries, availability, reminders, events))


def test_directory_fakes_are_its_ports() -> None:
    uow: DirectoryUnitOfWork = FakeDirectoryUnitOfWork()
    factory: DirectoryUowFactory = FakeDirectoryUnitOfWork()
    dermatologists: DermatologistRepository = FakeDermatologistRepository()
    booked: BookedTimes = FakeAppointmentRepository()
    assert all((uow, factory, dermatologists, booked))


def test_sharing_and_audit_fakes_are_their_ports() -> None:
    uow: SharingUnitOfWork = FakeSharingUnitOfWork()
    factory: SharingUowFactory = FakeSharingUnitOfWork()
    shares: ShareRepository = FakeShareRepository()
    log: AccessLogRepository = FakeAccessLog()
    assert all((uow, factory, shares, log))


def test_labels_fakes_are_its_ports() -> None:
    fakes: tuple[
        LabelsUnitOfWork, LabelsUowFactory, LabelRepository, ConsentRepository, DatasetMembers
    ] = (
        FakeLabelsUnitOfWork(),
        FakeLabelsUnitOfWork(),
        FakeLabelRepository(),
        FakeConsentRepository(),
        FakeDatasetMembers(),
    )
    assert all(fakes)


def test_referrals_fakes_are_its_ports() -> None:
    uow: ReferralsUnitOfWork = FakeReferralsUnitOfWork()
    factory: ReferralsUowFactory = FakeReferralsUnitOfWork()
    referrals: ReferralRepository = FakeReferralRepository()
    assert all((uow, factory, referrals))


def test_recommendations_fakes_are_its_ports() -> None:
    uow: RecommendationsUnitOfWork = FakeRecommendationsUnitOfWork()
    factory: RecommendationsUowFactory = FakeRecommendationsUnitOfWork()
    catalog: CatalogRepository = FakeCatalogRepository()
    feedback: FeedbackRepository = FakeFeedbackRepository()
    routines: RoutineRepository = FakeRoutineRepository()
    source: CatalogSource = FakeCatalogSource(parse_catalog([], [], []))
    ranker: Ranker = FakeRanker()
    assert all((uow, factory, catalog, feedback, routines, source, ranker))


def test_money_fakes_are_its_ports() -> None:
    uow: MoneyUnitOfWork = FakeMoneyUnitOfWork()
    factory: MoneyUowFactory = FakeMoneyUnitOfWork()
    rates: ExchangeRateRepository = FakeExchangeRateRepository()
    assert all((uow, factory, rates))


def test_notifications_fakes_are_its_ports() -> None:
    uow: NotificationsUnitOfWork = FakeNotificationsUnitOfWork()
    factory: NotificationsUowFactory = FakeNotificationsUnitOfWork()
    log: SentNotificationLog = FakeSentNotificationLog()
    renderer: MailRenderer = FakeMailRenderer()
    suppressions: EmailSuppressions = FakeEmailSuppressions()
    assert all((uow, factory, log, renderer, suppressions))


def test_privacy_fakes_are_its_ports() -> None:
    uow: PrivacyUnitOfWork = FakePrivacyUnitOfWork()
    factory: PrivacyUowFactory = FakePrivacyUnitOfWork()
    data: PersonalDataStore = FakePersonalData()
    exports: DataExportRepository = FakeDataExportRepository()
    erasures: ErasureLog = FakeErasureLog()
    care: CareLinks = FakeCareLinks()
    scrub: VideoScrubUnitOfWork = FakeVideoScrubUnitOfWork()
    scrubs: VideoScrubUowFactory = FakeVideoScrubUnitOfWork()
    videos: StoredVideos = FakeStoredVideos()
    assert all((uow, factory, data, exports, erasures, care, scrub, scrubs, videos))


def test_api_keys_fakes_are_its_ports() -> None:
    uow: ApiKeysUnitOfWork = FakeApiKeysUnitOfWork()
    factory: ApiKeysUowFactory = FakeApiKeysUnitOfWork()
    keys: ApiKeyRepository = FakeApiKeyRepository()
    assert all((uow, factory, keys))


def test_inbox_fakes_are_its_ports() -> None:
    uow: InboxUnitOfWork = FakeInboxUnitOfWork()
    factory: InboxUowFactory = FakeInboxUnitOfWork()
    inbox: InboxRepository = FakeInbox()
    assert all((uow, factory, inbox))


def test_check_ins_fakes_are_its_ports() -> None:
    uow: CheckInsUnitOfWork = FakeCheckInsUnitOfWork()
    factory: CheckInsUowFactory = FakeCheckInsUnitOfWork()
    check_ins: CheckInRepository = FakeCheckInRepository()
    assert all((uow, factory, check_ins))


def test_skin_model_fakes_are_its_ports() -> None:
    uow: SkinModelUnitOfWork = FakeSkinModelUnitOfWork()
    factory: SkinModelUowFactory = FakeSkinModelUnitOfWork()
    models: SkinModelRepository = FakeSkinModels()
    shadow: ShadowScoreRepository = FakeShadowScores()
    assert all((uow, factory, models, shadow))


def test_cross_cutting_fakes_are_their_ports() -> None:
    base: UnitOfWork = FakeAccountsUnitOfWork()
    clock: Clock = FakeClock()
    notifier: Notifier = FakeNotifier()
    bus: EventBus = FakeEventBus()
    queue: JobQueue = FakeJobQueue()
    assert all((base, clock, notifier, bus, queue))


def test_content_fakes_are_its_ports() -> None:
    uow: ContentUnitOfWork = FakeContentUnitOfWork()
    factory: ContentUowFactory = FakeContentUnitOfWork()
    edits: ContentEdits = FakeContentEdits()
    log: EditorLog = FakeEditorLog()
    assert all((uow, factory, edits, log))
