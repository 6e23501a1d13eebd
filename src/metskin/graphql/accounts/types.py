"""GraphQL types and inputs for accounts: users, their care profile, sessions."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from metskin.domain.accounts.email_address import EmailTrouble as DomainEmailTrouble
from metskin.domain.accounts.model import Profile as DomainProfile
from metskin.domain.accounts.model import Role as DomainRole
from metskin.domain.accounts.model import User as DomainUser
from metskin.domain.accounts.phone_number import international_phone
from metskin.domain.accounts.service import Session
from metskin.domain.accounts.sms_consent import SmsWhy
from metskin.domain.errors import Forbidden
from metskin.graphql.analysis.queries import analyses_of
from metskin.graphql.analysis.types import Analysis
from metskin.graphql.context import run_sync
from metskin.graphql.mapping import copy_fields
from metskin.graphql.pagination import Connection
from metskin.graphql.privacy.types import PhotoConsent

Role = strawberry.enum(DomainRole, name="Role", description="What an account may do.")
EmailTrouble = strawberry.enum(
    DomainEmailTrouble,
    name="EmailTrouble",
    description="Why mail no longer reaches an account's address: BOUNCED (it came back: no "
    "such mailbox), SPAM_REPORTED (the person marked our email as spam).",
)


SmsChangeReason = strawberry.enum(
    SmsWhy,
    name="SmsChangeReason",
    description="Why text messages went on or off: CHOSEN (the person ticked or unticked the "
    "profile's box), REPLIED_STOP, REPLIED_START (a reply to our SMS number), REFUSED (the SMS "
    "provider refused the number for good: it replied STOP, or takes no texts).",
)


@strawberry.type(description="Text messages turned on or off, when and why.")
class SmsChange:
    on: bool
    at: datetime
    why: SmsChangeReason  # type: ignore[valid-type]
    phone: str | None = strawberry.field(
        description="The number the reply came from or the provider refused, grouped "
        "(+44 7700 900123); null for the person's own choice."
    )


@strawberry.enum(description="Self-reported or measured skin type.")
class SkinType(Enum):
    OILY = "oily"
    DRY = "dry"
    COMBINATION = "combination"
    NORMAL = "normal"


@strawberry.type(description="The care profile that personalises analysis and routines.")
class Profile:
    display_name: str
    birth_year: int | None
    sex: str
    skin_type: SkinType | None
    concerns: list[str]
    pregnant: bool
    breastfeeding: bool
    allergies: list[str] = strawberry.field(
        description="Ingredients to avoid, INCI or common names."
    )
    prescribed: list[str] = strawberry.field(
        description="Prescription-only actives a doctor prescribed to this person, by INCI or "
        "common name (tretinoin, hydroquinone): routines include prescription-only products "
        "only for these."
    )
    budget_per_product: int | None
    budget_total: int | None
    currency: str = strawberry.field(description="ISO 4217 code: budgets and prices are in it.")
    locale: str
    time_zone: str
    phone: str | None = strawberry.field(description="E.164 (+447700900123); null: none given.")
    phone_international: str | None = strawberry.field(
        description="`phone` grouped as people read it, with its country code, to show "
        "(+44 7700 900123); null when there is no phone."
    )
    email_opt_in: bool
    sms_opt_in: bool
    phone_verified: bool = strawberry.field(
        description="Whether `phone` is the number proved with a texted code "
        "(requestPhoneCode, verifyPhone). No SMS goes to it before."
    )

    @classmethod
    def from_domain(cls, profile: DomainProfile) -> Profile:
        skin_type = SkinType(profile.skin_type) if profile.skin_type else None
        return copy_fields(
            cls,
            profile,
            skin_type=skin_type,
            phone_international=international_phone(profile.phone),
            phone_verified=profile.is_phone_verified,
        )


@strawberry.type(description="A MetSkin account.")
class User:
    id: strawberry.ID
    email: str
    role: Role  # type: ignore[valid-type]
    created_at: datetime
    profile: Profile
    email_verified: bool = strawberry.field(
        description="Whether the owner proved `email` is theirs with the link emailed to it "
        "(verifyEmail; resendVerificationEmail sends a new one). Until then only the "
        "account's own emails go to it (verification, password reset): no reminders."
    )
    activated: bool = strawberry.field(
        description="False while an invited account (a dermatologist an administrator listed) "
        "has no password yet: its owner has not used the invitation email's link "
        "(resendDermatologistInvitation sends it again). Nobody can log in to it until then.",
    )

    @strawberry.field(description="Analyses, newest first.")
    async def analyses(
        self, info: Info, first: int = 10, after: str | None = None
    ) -> Connection[Analysis]:
        viewer = info.context.require_viewer()
        if viewer.user_id != self.id and viewer.role is not DomainRole.ADMIN:
            raise Forbidden("You can only list your own analyses.")
        return await analyses_of(info, str(self.id), first, after)

    @strawberry.field(
        description="The consent to the analysis of this person's photos: yours, or anyone's "
        "for an administrator."
    )
    async def photo_consent(self, info: Info) -> PhotoConsent:
        viewer = info.context.require_viewer()
        if viewer.user_id != self.id and viewer.role is not DomainRole.ADMIN:
            raise Forbidden("You can only see your own consent.")
        consent = await run_sync(info.context.container.photo_consent.state, str(self.id))
        return PhotoConsent.from_domain(consent)

    @strawberry.field(
        description="Why mail no longer reaches `email`, as the email provider reported it: "
        "BOUNCED while the address is unconfirmed after mail to it came back, SPAM_REPORTED "
        "while emails are off after the person marked one as spam; null otherwise. Yours, or "
        "anyone's for an administrator."
    )
    async def email_trouble(self, info: Info) -> EmailTrouble | None:  # type: ignore[valid-type]
        viewer = info.context.require_viewer()
        if viewer.user_id != self.id and viewer.role is not DomainRole.ADMIN:
            raise Forbidden("You can only see your own address.")
        return await run_sync(info.context.container.email_addresses.trouble, str(self.id))

    @strawberry.field(
        description="When text messages were turned on or off and why, newest first (at most "
        "10; the first is why `profile.smsOptIn` is what it is; empty when nothing was recorded "
        "since 2026-12-08). Yours, or anyone's for an administrator."
    )
    async def sms_changes(self, info: Info) -> list[SmsChange]:
        viewer = info.context.require_viewer()
        if viewer.user_id != self.id and viewer.role is not DomainRole.ADMIN:
            raise Forbidden("You can only see your own messages.")
        found = await run_sync(info.context.container.sms_consent.changes, str(self.id))
        return [copy_fields(SmsChange, change) for change in found]

    @classmethod
    def from_domain(cls, user: DomainUser) -> User:
        profile = Profile.from_domain(user.profile)
        return copy_fields(cls, user, profile=profile, activated=user.has_password)


@strawberry.type(description="Tokens for an authenticated session.")
class AuthPayload:
    user: User
    access_token: str
    access_token_expires_at: datetime
    refresh_token: str

    @classmethod
    def from_session(cls, session: Session) -> AuthPayload:
        expires_at = session.tokens.access_expires_at
        user = User.from_domain(session.user)
        return copy_fields(cls, session.tokens, user=user, access_token_expires_at=expires_at)


@strawberry.input
class RegisterInput:
    email: str
    password: str
    display_name: str = ""
    time_zone: str | None = strawberry.field(
        default=None, description="IANA zone; Europe/London when not given."
    )
    locale: str | None = strawberry.field(
        default=None,
        description="BCP 47 tag of a supported locale: en, fr or de with a region (en-GB, "
        "en-US, fr-FR, fr-CH, de-DE, de-AT...); a bare language takes its main region. When "
        "not given, the best the request's Accept-Language asks for (else en-GB): emails and "
        "the web app then speak the language the person signed up in.",
    )
    currency: str | None = strawberry.field(
        default=None,
        description="ISO 4217 code; when not given, the currency of the time zone's country "
        "(or the locale's region), if products can be priced in it, else EUR.",
    )
    photo_consent: bool = strawberry.field(
        default=False,
        description="The person ticked the separate, unticked box agreeing to the analysis "
        "of their face photos (health data; see PhotoConsent). Not a condition of the account: "
        "without it the first upload asks (CONSENT_REQUIRED).",
    )

    def profile_changes(self, asked_locale: str | None = None) -> dict[str, Any]:
        """The profile fields given; the locale, when not given, is `asked_locale` (the
        request's language)."""
        locale = self.locale if self.locale is not None else asked_locale
        wanted = {"time_zone": self.time_zone, "locale": locale, "currency": self.currency}
        return {name: value for name, value in wanted.items() if value is not None}


@strawberry.input(description="Only the fields you send are changed; send null to clear one.")
class ProfileInput:
    display_name: str | None = strawberry.UNSET
    birth_year: int | None = strawberry.UNSET
    sex: str | None = strawberry.UNSET
    skin_type: SkinType | None = strawberry.UNSET
    concerns: list[str] | None = strawberry.UNSET
    pregnant: bool | None = strawberry.UNSET
    breastfeeding: bool | None = strawberry.UNSET
    allergies: list[str] | None = strawberry.UNSET
    prescribed: list[str] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Prescription-only actives a doctor prescribed to you (up to 50 names of "
        "at most 80 characters); send [] to clear. Each must name one of `prescriptionActives` "
        "(INCI or common name): any other is refused with UNKNOWN_PRESCRIPTION on this field, "
        "naming the closest active.",
    )
    budget_per_product: int | None = strawberry.UNSET
    budget_total: int | None = strawberry.UNSET
    currency: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="ISO 4217 code with an exchange rate (see exchangeRates).",
    )
    locale: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="BCP 47 tag of a supported locale: en, fr or de with a region (en-GB, "
        "en-US, fr-FR, fr-CH, de-DE, de-AT...); a bare language takes its main region.",
    )
    time_zone: str | None = strawberry.UNSET
    phone: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="A mobile number with its country code (+44 7700 900123, stored as "
        "+447700900123), of a length that country's numbers have. null: none.",
    )
    email_opt_in: bool | None = strawberry.UNSET
    sms_opt_in: bool | None = strawberry.UNSET

    def changes(self) -> dict[str, Any]:
        changes = {k: v for k, v in vars(self).items() if v is not strawberry.UNSET}
        if isinstance(changes.get("skin_type"), SkinType):
            changes["skin_type"] = changes["skin_type"].value
        return changes
