"""The administrators' directory mutations: list (and invite), change or remove a
dermatologist, or send the invitation again."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from metskin.domain.directory.admin import Listing, practice
from metskin.domain.i18n.locales import check_locale, language_of
from metskin.graphql.context import run_sync, viewer_id_of
from metskin.graphql.directory.types import ConsultationType, Dermatologist
from metskin.graphql.permissions import IsAdmin, guarded_mutation


@strawberry.input
class PracticeInput:
    name: str
    address: str
    city: str
    country: str = strawberry.field(description="ISO 3166 two-letter code, e.g. GB.")
    lat: float
    lon: float
    phone: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="The number patients call, with its country code (+44 20 7946 0123 or "
        "+44 (0)20 7946 0123 is stored as +442079460123), of a length that country's numbers "
        "have. null: none. Left out of an update: the stored one stays.",
    )


@strawberry.input(description="What the directory shows of a dermatologist.")
class DermatologistInput:
    name: str
    specialties: list[str]
    languages: list[str]
    practice: PracticeInput
    time_zone: str
    consultation_types: list[ConsultationType]  # type: ignore[valid-type]
    fee_amount: str = strawberry.field(description="Decimal amount, e.g. 120.00.")
    fee_currency: str = strawberry.field(description="ISO 4217 code, e.g. GBP.")
    bio: str = ""

    def to_domain(self) -> Listing:
        place = self.practice
        return Listing(
            name=self.name,
            bio=self.bio,
            specialties=tuple(self.specialties),
            languages=tuple(self.languages),
            practice=practice(
                place.name,
                place.address,
                place.city,
                place.country,
                place.lat,
                place.lon,
                None if place.phone is strawberry.UNSET else place.phone,
            ),
            time_zone=self.time_zone,
            consultation_types=frozenset(self.consultation_types),
            fee_amount=self.fee_amount,
            fee_currency=self.fee_currency,
            keeps_phone=place.phone is strawberry.UNSET,
        )


@strawberry.type
class DirectoryAdminMutations:
    @guarded_mutation(
        IsAdmin,
        "List a new dermatologist: their account and practice profile. The account is "
        "invited: an email to `email` carries a link (valid 7 days, once) where the "
        "dermatologist chooses their own password, which also verifies the address; until "
        "then nobody can log in to it (User.activated is false; "
        "resendDermatologistInvitation sends it again). They set their working hours "
        "themselves.",
    )
    async def create_dermatologist(
        self,
        info: Info,
        email: str,
        input: DermatologistInput,
        password: Annotated[
            str | None,
            strawberry.argument(
                description="Ignored: the dermatologist chooses their own password from the "
                "invitation email.",
                deprecation_reason="An administrator no longer sets a dermatologist's "
                "password (it was a secret to pass on); the invitation email does.",
            ),
        ] = None,
    ) -> Dermatologist:
        admin = info.context.container.directory_admin
        created = await run_sync(admin.create, viewer_id_of(info), email, input.to_domain())
        return Dermatologist.from_domain(created, info)

    @guarded_mutation(
        IsAdmin,
        "Email a dermatologist's invitation again (a new link, valid 7 days; earlier ones "
        "keep working until one is used). False when they have chosen their password already.",
    )
    async def resend_dermatologist_invitation(self, info: Info, id: strawberry.ID) -> bool:
        admin = info.context.container.directory_admin
        return await run_sync(admin.resend_invitation, viewer_id_of(info), str(id))

    @guarded_mutation(IsAdmin, "Replace a dermatologist's listing (working hours are kept).")
    async def update_dermatologist(
        self,
        info: Info,
        id: strawberry.ID,
        input: DermatologistInput,
        locale: Annotated[
            str | None,
            strawberry.argument(
                description="The language of `bio` (en, fr, de; fr-FR reads as fr). Not "
                "English: it is that language's translation; the English bio stays."
            ),
        ] = None,
    ) -> Dermatologist:
        admin = info.context.container.directory_admin
        language = language_of(check_locale(locale)) if locale is not None else "en"
        updated = await run_sync(
            admin.update, viewer_id_of(info), str(id), input.to_domain(), language
        )
        return Dermatologist.from_domain(updated, info)

    @guarded_mutation(
        IsAdmin,
        "Remove a dermatologist: their account is erased, future appointments cancelled and "
        "their patients told.",
    )
    async def delete_dermatologist(self, info: Info, id: strawberry.ID) -> bool:
        admin = info.context.container.directory_admin
        await run_sync(admin.delete, viewer_id_of(info), str(id))
        return True
