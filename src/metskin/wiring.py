"""The composition root's wiring that spans components: the address links, the directory's
admin (accounts, directory, privacy and the editors' log), support's reset links, and every
component's actors with the periodic scans. `bootstrap()` calls these once the services exist."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from metskin.adapters.ml.ranker_forget import forget_withdrawn_raters
from metskin.adapters.ml.skin_retrain import Retraining
from metskin.adapters.security.signed_tokens import SignedTokens
from metskin.domain.accounts.email_address import (
    CHANGE_HOURS,
    CHANGE_PURPOSE,
    VERIFY_DAYS,
    VERIFY_PURPOSE,
    EmailAddresses,
)
from metskin.domain.accounts.invitation import INVITE_DAYS, INVITE_PURPOSE, Invitations
from metskin.domain.accounts.model import Role
from metskin.domain.accounts.release import RELEASE_HOURS, RELEASE_PURPOSE, AddressReleases
from metskin.domain.accounts.support import SupportResets
from metskin.domain.content.model import ContentKind
from metskin.domain.directory.admin import DirectoryAdmin
from metskin.domain.directory.model import Dermatologist
from metskin.domain.privacy.model import erased_dermatologist
from metskin.workers.accounts import account_actors, phone_actors
from metskin.workers.actors import declare_actors
from metskin.workers.analysis import analysis_actors
from metskin.workers.appointments import appointment_actors
from metskin.workers.checkins import check_in_actors
from metskin.workers.metrics import JobMetrics
from metskin.workers.privacy import privacy_actors
from metskin.workers.recommendations import recommendation_actors
from metskin.workers.scanning import PeriodicScans, Scan
from metskin.workers.skinmodel import skin_model_actors

if TYPE_CHECKING:
    from metskin.container import Container


def add_email_addresses(container: Container) -> None:
    """Verifying and changing an account's address, and inviting the owner of an account an
    administrator made, with links of their own purposes."""
    secret = container.settings.secret_key.get_secret_value()
    container.email_addresses = EmailAddresses(
        container.new_uow,
        container.accounts.hasher,
        container.clock,
        SignedTokens(secret, VERIFY_PURPOSE, timedelta(days=VERIFY_DAYS)),
        SignedTokens(secret, CHANGE_PURPOSE, timedelta(hours=CHANGE_HOURS)),
        container.login_backoff,
    )
    container.invitations = Invitations(
        container.new_uow,
        container.accounts.hasher,
        container.clock,
        SignedTokens(secret, INVITE_PURPOSE, timedelta(days=INVITE_DAYS)),
    )


def add_support_resets(container: Container) -> None:
    """An administrator's reset link for an account, and a mailbox's owner's release of its
    address (accounts, and the editors' log)."""

    def record(admin_id: str, action: str, user_id: str, summary: str) -> None:
        container.content.record(admin_id, action, ContentKind.ACCOUNT, user_id, summary)

    def limit_account(user_id: str) -> None:
        if container.rate_limits is not None:
            container.rate_limits.check("supportResetTarget", ip=None, account=user_id)

    accounts = container.accounts
    container.support_resets = SupportResets(
        container.new_uow, container.clock, accounts.reset_tokens, record, limit_account
    )
    # The owner of a mailbox frees its address from an account that never confirmed it; the
    # account still logs in with it (accounts/release.py). Logged as support's links are.
    secret = container.settings.secret_key.get_secret_value()
    tokens = SignedTokens(secret, RELEASE_PURPOSE, timedelta(hours=RELEASE_HOURS))
    releases = container.address_releases = AddressReleases(
        container.new_uow, container.clock, tokens, record
    )
    accounts.released_logins = releases.released_logins


def wire_directory_admin(container: Container) -> None:
    """Listing a dermatologist spans accounts, the directory, privacy and the editors' log."""
    accounts, directory = container.accounts, container.directory

    def invite(email: str, name: str, locale: str, time_zone: str) -> str:
        """The account, with no password: its owner chooses one from the invitation email."""
        profile = {"locale": locale, "time_zone": time_zone}
        return accounts.register(email, None, name, Role.DERMATOLOGIST, profile).id

    def find(doctor_id: str) -> Dermatologist | None:
        return next(iter(directory.get_many([doctor_id])), None)

    def record(actor_id: str, action: str, kind: ContentKind, target: str, summary: str) -> None:
        """A deletion is logged after the erasure: its entry names no one either."""
        if find(target) is None:
            target, summary = container.privacy.pseudonym(target), erased_dermatologist(action)
        container.content.record(actor_id, action, kind, target, summary)

    container.directory_admin = DirectoryAdmin(
        invite=invite,
        invite_again=container.invitations.resend,
        publish=directory.publish,
        find=find,
        erase=container.privacy.erase_account,
        record=record,
        rename=lambda doctor_id, name: accounts.update_profile(doctor_id, {"display_name": name}),
    )


def declare_workers(container: Container) -> None:
    """Every component's actors on the container's broker, and the periodic scans."""
    settings, broker = container.settings, container.broker
    reminders, check_ins = container.reminder_scanner, container.check_in_scanner
    scans = [
        Scan("reminder-scanner", reminders.scan_once, settings.reminder_scan_seconds),
        Scan("check-in-scanner", check_ins.scan_once, settings.check_in_scan_seconds),
        Scan(
            "share-end-scanner",
            container.share_end_scanner.scan_once,
            settings.share_end_scan_seconds,
        ),
    ]
    broker.add_middleware(PeriodicScans(scans))
    broker.add_middleware(JobMetrics(container.metrics))
    declare_actors(
        broker,
        [
            *account_actors(
                container.accounts,
                container.notifications,
                container.email_addresses,
                container.invitations,
                container.support_resets,
                container.email_suppressions,
                container.address_releases,
            ),
            *phone_actors(container.phones),
            *analysis_actors(container.analyses, settings.analysis_time_limit_s),
            *appointment_actors(container.messenger),
            *check_in_actors(container.check_in_messenger),
            *privacy_actors(container.privacy),
            *recommendation_actors(container.recommendations),
            *skin_model_actors(
                Retraining(
                    container.skin_models,
                    container.new_uow,
                    container.storage,
                    container.clock,
                    settings.models_dir,
                    settings.skin_retrain_min_labels,
                ),
                lambda: forget_withdrawn_raters(container.new_uow, settings.models_dir),
            ),
        ],
    )
