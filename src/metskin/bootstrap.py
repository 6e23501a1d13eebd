"""The composition root: settings → adapters → services. API, worker and tests all call it."""

from __future__ import annotations

import gc
import hashlib
import logging
from datetime import timedelta

import redis

from metskin.adapters.db.engine import make_engine
from metskin.adapters.events.memory import InMemoryEventBus
from metskin.adapters.events.redis_bus import RedisEventBus
from metskin.adapters.from_settings import (
    make_email_suppressions,
    make_notifier,
    make_storage,
    media_limits,
    media_url_keys,
    rate_rules,
    token_keys,
)
from metskin.adapters.i18n.translator import BabelTranslations
from metskin.adapters.limits.memory import InMemoryLoginFailures, InMemoryRateLimiter
from metskin.adapters.limits.redis_limits import RedisLoginFailures, RedisRateLimiter
from metskin.adapters.limits.redis_streams import RedisStreamSlots
from metskin.adapters.ml.holder import LearnedRankers
from metskin.adapters.ml.ranker_forget import forget_account
from metskin.adapters.ml.skin_models import LearnedSkinModels
from metskin.adapters.notify.templates import JinjaMailRenderer
from metskin.adapters.queue.dramatiq_queue import DramatiqJobQueue
from metskin.adapters.redis_away import RedisAway
from metskin.adapters.security.export_links import ExportLinks
from metskin.adapters.security.passwords import Argon2Hasher
from metskin.adapters.security.reset_links import ResetLinks
from metskin.adapters.security.signed_urls import MediaUrlSigner
from metskin.adapters.security.tokens import JwtAccessTokens
from metskin.adapters.security.unsubscribe_links import UnsubscribeLinks
from metskin.adapters.storage.upload_keys import RedisUploadKeys
from metskin.adapters.vision.engine import VisionEngine
from metskin.adapters.vision.images import PhotoCodec
from metskin.adapters.vision.ingest import MediaPreparerAdapter
from metskin.container import Container
from metskin.domain.accounts.phone import PhoneVerification, wrong_phone_codes
from metskin.domain.accounts.service import AccountService
from metskin.domain.accounts.sms_consent import SmsConsent
from metskin.domain.analysis.ports import AnalysisEngine
from metskin.domain.analysis.service import AnalysisService
from metskin.domain.analysis.upload_keys import UploadOnce
from metskin.domain.analysis.uploads import MediaService
from metskin.domain.apikeys.service import ApiKeyService
from metskin.domain.appointments.notices import (
    AppointmentMessenger,
    MessengerSettings,
    ReminderScanner,
)
from metskin.domain.appointments.service import AppointmentService
from metskin.domain.checkins.service import CheckInMessenger, CheckInScanner, CheckInService
from metskin.domain.clock import utc_now
from metskin.domain.content.service import ContentService
from metskin.domain.directory.service import DirectoryService
from metskin.domain.inbox.service import InboxService
from metskin.domain.labels.service import LabelService
from metskin.domain.limits.model import BackoffPolicy
from metskin.domain.limits.ports import LoginFailures, RateLimiter
from metskin.domain.limits.service import LoginBackoff, RateLimits
from metskin.domain.links import PublicLinks
from metskin.domain.money.service import MoneyService
from metskin.domain.notifications.ports import EmailSuppressions
from metskin.domain.notifications.service import NotificationService
from metskin.domain.notifications.sms_replies import SmsReplies
from metskin.domain.ports import Clock, EventBus, Notifier
from metskin.domain.privacy.care import ServiceCareLinks
from metskin.domain.privacy.consent import PhotoConsentService
from metskin.domain.privacy.service import PrivacyService, PrivacySettings
from metskin.domain.progress.service import PictureSources, ProgressService
from metskin.domain.recommendations.rules import load_safety_rules
from metskin.domain.recommendations.service import RecommendationService
from metskin.domain.referrals.service import ReferralService
from metskin.domain.sharing.ends import ShareEndScanner
from metskin.domain.sharing.service import SharingService
from metskin.domain.skinmodel.service import SkinModelService
from metskin.settings import Settings, get_settings
from metskin.wiring import (
    add_email_addresses,
    add_support_resets,
    declare_workers,
    wire_directory_admin,
)
from metskin.workers.broker import make_broker

log = logging.getLogger(__name__)


def settle_heap() -> None:
    """Once a server or worker process has started: what is alive then lives as long as the
    process, so the collector stops walking it (`gc.freeze`; measured in docs/benchmarks.md)."""
    gc.collect()
    gc.freeze()


def add_limits(container: Container) -> None:
    """Rate limits, the login backoff, the live-stream slots and the uploads' keys, kept in
    Redis when it is set (shared by every API process), else in this process."""
    settings = container.settings
    client: redis.Redis | None = None
    away: RedisAway | None = None
    if settings.uses_redis:
        client = redis.Redis.from_url(settings.redis_url, socket_timeout=2)
        away = RedisAway.of(settings.redis_url)  # the event bus's and the queue's: one server
        container.stream_slots = RedisStreamSlots(client, away=away)
        container.upload_keys = RedisUploadKeys(client, away=away)
    if not settings.rate_limits_enabled:
        return
    limiter: RateLimiter
    failures: LoginFailures
    if client is not None:
        limiter, failures = (
            RedisRateLimiter(client, away=away),
            RedisLoginFailures(client, away=away),
        )
    else:
        limiter, failures = InMemoryRateLimiter(), InMemoryLoginFailures()
    container.rate_limits = RateLimits(limiter, container.clock, rate_rules(settings))
    policy = BackoffPolicy(
        free_failures=round(settings.login_free_failures * settings.rate_limit_scale),
        max_delay=settings.login_max_delay_seconds,
        forget_after=max(settings.login_forget_failures_seconds, settings.login_max_delay_seconds),
    )
    container.login_backoff = LoginBackoff(failures, container.clock, policy)
    container.login_failures = failures


def bootstrap(
    settings: Settings | None = None,
    *,
    notifier: Notifier | None = None,
    engine: AnalysisEngine | None = None,
    email_suppressions: EmailSuppressions | None = None,
    clock: Clock = utc_now,
) -> Container:
    """The whole container in one call: the one place that wires settings into adapters into
    services and declares the actors. The API, the worker, the CLI and the tests all call it."""
    settings = settings or get_settings()
    settings.check_secrets()
    events: EventBus = (
        RedisEventBus(settings.redis_url) if settings.uses_redis else InMemoryEventBus()
    )
    container = Container(
        settings=settings,
        engine=make_engine(settings.effective_database_url),
        broker=make_broker(settings),
        events=events,
        notifier=notifier or make_notifier(settings),
        clock=clock,
        storage=make_storage(settings),
    )
    container.jobs = DramatiqJobQueue(
        container.broker, RedisAway.of(settings.redis_url) if settings.uses_redis else None
    )
    container.money = MoneyService(container.new_uow, clock)
    add_limits(container)
    container.accounts = AccountService(
        container.new_uow,
        Argon2Hasher(settings.password_hash_time_cost, settings.password_hash_memory_kib),
        JwtAccessTokens(token_keys(settings), timedelta(minutes=settings.access_token_minutes)),
        clock,
        timedelta(days=settings.refresh_token_days),
        priced_currencies=container.money.priced_currencies,
        reset_tokens=ResetLinks(
            settings.secret_key.get_secret_value(),
            timedelta(minutes=settings.password_reset_minutes),
        ),
        login_attempts=container.login_backoff,
        check_prescribed=lambda terms: container.recommendations.check_prescribed(terms),
        rebuild_routine=lambda user, why: container.recommendations.refresh(user, why),
        zone_changed=lambda user: container.appointments.patient_moved(user),
    )
    add_email_addresses(container)
    container.translations = BabelTranslations()
    secret = settings.secret_key.get_secret_value()
    # The links of emails sent before they had a key of their own verify with the secret.
    container.unsubscribe_links = UnsubscribeLinks(
        secret, settings.effective_public_url, legacy_secret=secret
    )
    mail = JinjaMailRenderer(
        base_url=settings.effective_public_url,
        translations=container.translations,
        unsubscribe_url=container.unsubscribe_links.url,
    )
    container.notifications = NotificationService(
        container.new_uow, container.notifier, mail, clock
    )
    container.sms_replies = SmsReplies(container.new_uow, clock)
    container.sms_consent = SmsConsent(container.new_uow)
    container.email_suppressions = email_suppressions or make_email_suppressions(settings)
    container.phones = PhoneVerification(
        container.new_uow,
        container.notifications,
        clock,
        hashlib.sha256(
            b"metskin-phone-code-v1:" + settings.secret_key.get_secret_value().encode()
        ).digest(),
        # Counted even with the rate limits off (then in this process).
        wrong_phone_codes(container.login_failures or InMemoryLoginFailures(), clock),
        container.translations,
    )
    container.media = MediaService(
        container.new_uow,
        container.storage,
        MediaPreparerAdapter(),
        media_limits(settings),
        clock,
        UploadOnce(container.upload_keys, settings.upload_key_seconds),
    )
    container.sharing = SharingService(container.new_uow, clock)
    container.share_end_scanner = ShareEndScanner(container.new_uow, clock)
    container.skin_models = SkinModelService(container.new_uow, clock)
    if engine is None:
        vision = VisionEngine(models=LearnedSkinModels(container.skin_models, settings.models_dir))
        container.closing.append(vision.close)
        engine = vision
    container.analyses = AnalysisService(
        container.new_uow,
        container.storage,
        engine,
        events,
        clock,
        access=container.sharing.allows_analysis,
        queue=container.jobs,
    )
    container.media_urls = MediaUrlSigner(
        media_url_keys(settings), timedelta(seconds=settings.media_url_ttl_seconds), clock=clock
    )
    container.recommendations = RecommendationService(
        container.new_uow,
        container.analyses,
        load_safety_rules(),
        clock,
        ranker_for=LearnedRankers(settings.models_dir),
        rates=container.money.rates,
        articles=lambda: container.content.all_articles(),
    )
    container.analyses.add_step_after_measuring(container.recommendations.after_measuring)
    container.analyses.add_step_after_result(container.recommendations.after_result_stored)
    container.analyses.add_step_after_failure(container.recommendations.after_failure)
    container.analyses.keep_unseen_scores_with(container.skin_models.keep_shadow)
    container.progress = ProgressService(
        container.analyses, PictureSources(container.media, PhotoCodec())
    )
    container.inbox = InboxService(container.new_uow, clock)
    container.appointments = AppointmentService(container.new_uow, clock)
    container.directory = DirectoryService(container.new_uow, clock)
    container.content = ContentService(container.new_uow, clock)
    container.referrals = ReferralService(container.new_uow, clock)
    container.messenger = AppointmentMessenger(
        container.new_uow,
        container.notifications,
        mail,
        clock,
        MessengerSettings(settings.effective_public_url, settings.calendar_organizer_email),
        container.translations,
    )
    container.reminder_scanner = ReminderScanner(container.new_uow, clock)
    container.check_ins = CheckInService(container.new_uow, clock)
    container.check_in_scanner = CheckInScanner(container.new_uow, clock)
    links = PublicLinks(settings.effective_public_url)
    container.check_in_messenger = CheckInMessenger(
        container.new_uow,
        container.notifications,
        mail,
        links,
        clock,
        translations=container.translations,
    )
    container.api_keys = ApiKeyService(container.new_uow, clock)
    container.labels = LabelService(container.new_uow, clock)
    wire_privacy(container)
    wire_directory_admin(container)
    add_support_resets(container)
    declare_workers(container)
    return container


def wire_privacy(container: Container) -> None:
    """Exports and erasure (they read every component's rows and use the care paths), and the
    consent to photo analysis."""
    settings = container.settings
    key = (
        settings.pseudonym_key.get_secret_value().encode()
        or hashlib.sha256(
            b"metskin-pseudonym-v1:" + settings.secret_key.get_secret_value().encode()
        ).digest()
    )
    container.privacy = PrivacyService(
        container.new_uow,
        container.storage,
        container.accounts.hasher,
        ServiceCareLinks(container.appointments, container.messenger, container.sharing),
        container.clock,
        PrivacySettings(key, timedelta(hours=settings.export_retention_hours)),
        container.analyses.unmade_thumbnail,
        container.login_backoff,
        rebuild_routine=container.recommendations.refresh,
        rework_referrals=container.referrals.after_photo_deleted,
        forget_learned=lambda user_id: forget_account(settings.models_dir, user_id),
    )
    container.photo_consent = PhotoConsentService(container.new_uow, container.clock)
    container.export_links = ExportLinks(
        settings.secret_key.get_secret_value(), timedelta(seconds=settings.export_link_seconds)
    )
