"""What a routine is built from: the skin's needs read from an analysis's result, and the
care profile from the person's profile and ratings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from metskin.domain.accounts.model import Profile
from metskin.domain.analysis.readout import ResultReadout
from metskin.domain.money.model import RatesTable, seed_table
from metskin.domain.recommendations.feedback import Feedback, turned_down
from metskin.domain.recommendations.needs import CareProfile, SkinNeeds
from metskin.domain.recommendations.vocabulary import CONCERNS

SELF_REPORTED_SEVERITY = 40.0  # a concern the person named but the photo cannot measure


def needs_from_result(result: ResultReadout, profile: Profile) -> SkinNeeds:
    severities = {
        name: concern.score for name, concern in result.concerns.items() if name in CONCERNS
    }
    for concern in profile.concerns:
        if concern in CONCERNS and concern not in severities:
            severities[concern] = SELF_REPORTED_SEVERITY
    return SkinNeeds(
        concerns=severities,
        skin_type=result.skin_type or profile.skin_type or "normal",
        monk_tone=result.tone.monk if result.tone else None,
        fitzpatrick_band=result.tone.fitzpatrick if result.tone else None,
    )


def care_profile(
    profile: Profile,
    now: datetime,
    rates: RatesTable | None = None,
    feedback: Sequence[Feedback] = (),
) -> CareProfile:
    """`feedback`: the person's ratings; the products they turned down stay out."""
    return CareProfile(
        birth_year=profile.birth_year,
        current_year=now.year,
        pregnant=profile.pregnant,
        breastfeeding=profile.breastfeeding,
        sensitive_skin="sensitivity" in profile.concerns,
        allergies=tuple(profile.allergies),
        prescribed=tuple(profile.prescribed),
        turned_down=turned_down(feedback),
        budget_total=Decimal(profile.budget_total) if profile.budget_total else None,
        budget_per_product=(
            Decimal(profile.budget_per_product) if profile.budget_per_product else None
        ),
        currency=profile.currency,
        rates=rates or seed_table(),
    )
