"""GraphQL types for referrals: why to see a dermatologist (never a diagnosis), and the
questionnaire.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import cast

import strawberry
from strawberry.scalars import JSON

from metskin.domain.referrals.model import Answers
from metskin.domain.referrals.model import ReferralRecord as DomainReferral
from metskin.domain.referrals.model import Specialty as DomainSpecialty
from metskin.domain.referrals.model import Urgency as DomainUrgency
from metskin.domain.referrals.rules import RULES
from metskin.domain.referrals.triage import NOT_A_DIAGNOSIS, NOTHING_FOUND

Urgency = strawberry.enum(DomainUrgency, name="Urgency")
Specialty = strawberry.enum(DomainSpecialty, name="Specialty")


@strawberry.type
class ReferralReason:
    rule_id: str
    urgency: Urgency  # type: ignore[valid-type]
    specialty: Specialty  # type: ignore[valid-type]
    text: str
    evidence: JSON = strawberry.field(description="The values the rule looked at.")


@strawberry.type(description="A suggestion to see a dermatologist, with why. Never a diagnosis.")
class Referral:
    id: strawberry.ID
    analysis_id: strawberry.ID
    urgency: Urgency  # type: ignore[valid-type]
    specialty: Specialty  # type: ignore[valid-type]
    reasons: list[ReferralReason]
    message: str = strawberry.field(description="Says that this is not a diagnosis.")
    advice: str
    answered_questionnaire: bool
    dermatologist_id: strawberry.ID | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_domain(cls, record: DomainReferral) -> Referral:
        referral = record.referral
        return cls(
            id=strawberry.ID(record.id),
            analysis_id=strawberry.ID(record.analysis_id),
            urgency=referral.urgency,
            specialty=referral.specialty,
            reasons=[
                ReferralReason(
                    rule_id=r.rule_id,
                    urgency=r.urgency,
                    specialty=r.specialty,
                    text=r.text,
                    evidence=cast(JSON, dict(r.evidence)),
                )
                for r in referral.reasons
            ],
            message=referral.message,
            advice=referral.advice,
            answered_questionnaire=record.answers is not None,
            dermatologist_id=strawberry.ID(record.doctor_id) if record.doctor_id else None,
            created_at=record.created_at,
            updated_at=record.updated_at,
        )


@strawberry.type
class ReferralOutcome:
    referral: Referral | None = strawberry.field(description="Null: no reason to refer.")
    rules_checked: list[str]
    disclaimer: str

    @classmethod
    def of(cls, record: DomainReferral | None) -> ReferralOutcome:
        return cls(
            referral=Referral.from_domain(record) if record else None,
            rules_checked=[rule.id for rule in RULES],
            disclaimer=NOT_A_DIAGNOSIS if record else NOTHING_FOUND,
        )


@strawberry.input(description="The short questionnaire. Distress items: 0 (never) to 3 (always).")
class SymptomAnswers:
    spot_growing: bool = False
    spot_changing_shape: bool = False
    spot_changing_colour: bool = False
    spot_7mm_or_larger: bool = False
    spot_inflamed: bool = False
    spot_bleeding_or_oozing: bool = False
    spot_itching_or_feels_different: bool = False
    sore_not_healing_weeks: int | None = None
    painful_deep_lumps: bool = False
    eye_symptoms: bool = False
    distress_low_mood: int = 0
    distress_avoiding_people: int = 0
    distress_self_conscious: int = 0
    distress_daily_life: int = 0
    self_harm_thoughts: bool = False
    age_years: int | None = None

    def to_domain(self) -> Answers:
        return Answers(**{f.name: getattr(self, f.name) for f in fields(Answers)})
