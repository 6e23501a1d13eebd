"""The container that `bootstrap()` fills: settings, adapters and every component's service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import dramatiq
from sqlalchemy import Engine

from metskin.adapters.db.uow import SqlUnitOfWork
from metskin.adapters.events.redis_bus import RedisEventBus
from metskin.adapters.i18n.translator import BabelTranslations
from metskin.adapters.limits.memory import InMemoryStreamSlots
from metskin.adapters.metrics import Metrics
from metskin.adapters.security.export_links import ExportLinks
from metskin.adapters.security.signed_urls import MediaUrlSigner
from metskin.adapters.security.unsubscribe_links import UnsubscribeLinks
from metskin.adapters.storage.upload_keys import InMemoryUploadKeys
from metskin.domain.accounts.email_address import (
    EmailAddresses,
)
from metskin.domain.accounts.invitation import Invitations
from metskin.domain.accounts.phone import PhoneVerification
from metskin.domain.accounts.release import AddressReleases
from metskin.domain.accounts.service import AccountService
from metskin.domain.accounts.sms_consent import SmsConsent
from metskin.domain.accounts.support import SupportResets
from metskin.domain.analysis.ports import MediaStorage, UploadKeys
from metskin.domain.analysis.service import ANALYSE_MEDIA, AnalysisService
from metskin.domain.analysis.uploads import MediaService
from metskin.domain.apikeys.service import ApiKeyService
from metskin.domain.appointments.notices import (
    AppointmentMessenger,
    ReminderScanner,
)
from metskin.domain.appointments.service import AppointmentService
from metskin.domain.checkins.service import CheckInMessenger, CheckInScanner, CheckInService
from metskin.domain.content.service import ContentService
from metskin.domain.directory.admin import DirectoryAdmin
from metskin.domain.directory.service import DirectoryService
from metskin.domain.inbox.service import InboxService
from metskin.domain.labels.service import LabelService
from metskin.domain.limits.ports import LoginFailures, StreamSlots
from metskin.domain.limits.service import LoginBackoff, RateLimits
from metskin.domain.messages import Event, Job
from metskin.domain.money.service import MoneyService
from metskin.domain.notifications.ports import EmailSuppressions
from metskin.domain.notifications.service import NotificationService
from metskin.domain.notifications.sms_replies import SmsReplies
from metskin.domain.ports import Clock, EventBus, JobQueue, Notifier
from metskin.domain.privacy.consent import PhotoConsentService
from metskin.domain.privacy.service import PrivacyService
from metskin.domain.progress.service import ProgressService
from metskin.domain.recommendations.service import RecommendationService
from metskin.domain.referrals.service import ReferralService
from metskin.domain.sharing.ends import ShareEndScanner
from metskin.domain.sharing.service import SharingService
from metskin.domain.skinmodel.service import SkinModelService
from metskin.settings import Settings
from metskin.workers.broker import close_broker, start_worker


@dataclass
class Container:
    settings: Settings
    engine: Engine
    broker: dramatiq.Broker
    events: EventBus
    notifier: Notifier
    clock: Clock
    storage: MediaStorage
    jobs: JobQueue = field(init=False)
    money: MoneyService = field(init=False)
    accounts: AccountService = field(init=False)
    email_addresses: EmailAddresses = field(init=False)
    invitations: Invitations = field(init=False)
    notifications: NotificationService = field(init=False)
    sms_replies: SmsReplies = field(init=False)  # STOP and START sent to our number
    sms_consent: SmsConsent = field(init=False)  # when texts went on or off, and why
    email_suppressions: EmailSuppressions = field(init=False)  # SendGrid's, else none
    media: MediaService = field(init=False)
    analyses: AnalysisService = field(init=False)
    media_urls: MediaUrlSigner = field(init=False)
    recommendations: RecommendationService = field(init=False)
    appointments: AppointmentService = field(init=False)
    directory: DirectoryService = field(init=False)
    content: ContentService = field(init=False)
    directory_admin: DirectoryAdmin = field(init=False)
    support_resets: SupportResets = field(init=False)
    address_releases: AddressReleases = field(init=False)
    referrals: ReferralService = field(init=False)
    sharing: SharingService = field(init=False)
    skin_models: SkinModelService = field(init=False)
    messenger: AppointmentMessenger = field(init=False)
    translations: BabelTranslations = field(init=False)
    reminder_scanner: ReminderScanner = field(init=False)
    check_ins: CheckInService = field(init=False)
    check_in_scanner: CheckInScanner = field(init=False)
    share_end_scanner: ShareEndScanner = field(init=False)
    check_in_messenger: CheckInMessenger = field(init=False)
    metrics: Metrics = field(default_factory=Metrics, init=False)
    rate_limits: RateLimits | None = field(default=None, init=False)  # None: limits are off
    login_backoff: LoginBackoff | None = field(default=None, init=False)
    login_failures: LoginFailures | None = field(default=None, init=False)  # also wrong codes
    stream_slots: StreamSlots = field(default_factory=InMemoryStreamSlots, init=False)
    upload_keys: UploadKeys = field(default_factory=InMemoryUploadKeys, init=False)
    phones: PhoneVerification = field(init=False)
    privacy: PrivacyService = field(init=False)
    photo_consent: PhotoConsentService = field(init=False)
    progress: ProgressService = field(init=False)
    inbox: InboxService = field(init=False)
    export_links: ExportLinks = field(init=False)
    unsubscribe_links: UnsubscribeLinks = field(init=False)
    closing: list[Callable[[], None]] = field(default_factory=list, init=False)
    api_keys: ApiKeyService = field(init=False)
    labels: LabelService = field(init=False)
    _worker: dramatiq.Worker | None = field(default=None, init=False)

    def new_uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self.dispatch)

    def dispatch(self, messages: list[Job | Event]) -> None:
        """Release jobs and events that a committed unit of work buffered."""
        for message in messages:
            if isinstance(message, Job):
                self.jobs.enqueue(message)
            else:
                self.events.publish(message)

    def start_embedded_worker(self) -> None:
        if self._worker is None:
            self._worker = start_worker(self.broker, self.settings.worker_threads)

    def resume_unfinished_analyses(self) -> int:
        """The in-process broker forgets jobs on restart: queue unfinished analyses again."""
        unfinished = self.analyses.unfinished()
        for analysis_id in unfinished:
            self.jobs.enqueue(Job(ANALYSE_MEDIA, {"analysis_id": analysis_id}))
        return len(unfinished)

    def close(self) -> None:
        if self._worker is not None:
            self._worker.stop()
            self._worker = None
        close_broker(self.broker)
        for close in self.closing:  # what bootstrap() made and holds resources (threads)
            close()
        self.engine.dispose()
        if isinstance(self.events, RedisEventBus):
            self.events.close()
