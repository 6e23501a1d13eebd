"""Consent to the analysis of one's face photos (health data, GDPR art. 9): explicit, for this
purpose only, given to a known version of the text, withdrawn as easily as given.

Every give and every withdrawal is a new record (the history an audit reads; never changed).
The state now is the latest record of the purpose. A consent counts only for the text version
it was given to: a new `PHOTO_CONSENT_VERSION` means everyone is asked again before their next
upload. Sign-up does not need it (the account is not conditional on it); an upload and the
start of an analysis do (`require_photo_consent`), and the worker runs a queued analysis only
while it was not withdrawn since (`still_consents`).

Withdrawing stops new uploads and analyses, and an analysis already queued is not run (it ends
FAILED with `CONSENT_WITHDRAWN`, its photo kept). What exists stays the person's: their results
stay readable by them, they delete them (or the account) and export them through the usual
paths. Shares with a dermatologist are a consent of their own (sharing) and are left as they
are: the person revokes them on the sharing page.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from metskin.domain.i18n.marks import _
from metskin.domain.ports import read
from metskin.domain.privacy.errors import AccountNotFound, ConsentRequired, ConsentTextOutdated
from metskin.domain.privacy.model import (
    PHOTO_CONSENT_VERSION,
    ConsentPurpose,
    ConsentRecord,
    PhotoConsent,
)

if TYPE_CHECKING:
    from metskin.domain.ports import Clock
    from metskin.domain.privacy.ports import ConsentRecords, PrivacyUowFactory

CONSENT_REQUIRED = _(
    "MetSkin analyses your face photos only with your consent. Agree to the analysis of your "
    "photos (health data) first; you can withdraw it at any time."
)
CONSENT_WITHDRAWN = _(
    "You withdrew your consent to the analysis of your photos, so this one was not analysed. "
    "The photo stays yours: download it with your data, or delete it from your history."
)
# Reasons stored on analyses that failed before a rewording: the catalogs keep them (`metskin
# messages` drops msgids no code marks), so those analyses still read in French and German.
RETIRED = (
    # 2026-12-06: before one photo could be deleted (deleteMedia), only the whole account.
    _(
        "You withdrew your consent to the analysis of your photos, so this one was not "
        "analysed. The photo stays yours: download it with your data, or erase it with your "
        "account."
    ),
)
TEXT_OUTDATED = _("The consent text has changed (now version {version}); read it again.")


def photo_consent(
    records: ConsentRecords, user_id: str, version: str = PHOTO_CONSENT_VERSION
) -> PhotoConsent:
    return PhotoConsent.of(records.latest(user_id, ConsentPurpose.PHOTO_ANALYSIS), version)


def require_photo_consent(
    records: ConsentRecords, user_id: str, version: str = PHOTO_CONSENT_VERSION
) -> None:
    """CONSENT_REQUIRED unless the person consents now, to the current text (an upload, the
    start of an analysis)."""
    if not photo_consent(records, user_id, version).current:
        raise ConsentRequired(CONSENT_REQUIRED, field="photoConsent")


def still_consents(records: ConsentRecords, user_id: str) -> bool:
    """Whether an analysis started under a consent may run: not withdrawn since (a newer text
    does not stop what the person started under the older one)."""
    latest = records.latest(user_id, ConsentPurpose.PHOTO_ANALYSIS)
    return latest is not None and latest.given


@dataclass(eq=False)
class PhotoConsentService:
    uow_factory: PrivacyUowFactory
    clock: Clock
    version: str = PHOTO_CONSENT_VERSION

    def state(self, user_id: str) -> PhotoConsent:
        return read(
            self.uow_factory, lambda uow: photo_consent(uow.consent_records, user_id, self.version)
        )

    def give(self, user_id: str, shown_version: str | None = None) -> PhotoConsent:
        """Give it to the current text (`shown_version`, when the client says which text it
        showed, must be that one). Giving again while it holds writes nothing."""
        if shown_version is not None and shown_version != self.version:
            raise ConsentTextOutdated.translatable(TEXT_OUTDATED, "version", version=self.version)
        return self._record(user_id, True)

    def withdraw(self, user_id: str) -> PhotoConsent:
        """No new upload or analysis, and a queued analysis is not run. Withdrawing what is
        not given writes nothing."""
        return self._record(user_id, False)

    def history(self, user_id: str) -> list[ConsentRecord]:
        return read(self.uow_factory, lambda uow: uow.consent_records.history(user_id))

    def _record(self, user_id: str, given: bool) -> PhotoConsent:
        with self.uow_factory() as uow:
            if uow.users.get(user_id) is None:
                raise AccountNotFound(_("No such account."))
            now = photo_consent(uow.consent_records, user_id, self.version)
            if now.given == given and (now.current or not given):
                return now
            at = self.clock()
            if now.at is not None and at <= now.at:  # the history's order is the writes' order
                at = now.at + timedelta(microseconds=1)
            purpose = ConsentPurpose.PHOTO_ANALYSIS
            record = ConsentRecord(str(uuid.uuid4()), user_id, purpose, given, at, self.version)
            uow.consent_records.add(record)
            uow.commit()
        return PhotoConsent.of(record, self.version)
