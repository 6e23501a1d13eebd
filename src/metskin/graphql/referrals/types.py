"""GraphQL types for referrals: why to see a dermatologist (never a diagnosis), and the
questionnaire.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

import strawberry
from strawberry.scalars import JSON

from metskin.domain.i18n.locales import language_of
from metskin.domain.i18n.ports import Translator
from metskin.domain.i18n.said import said_json, spoken
from metskin.domain.i18n.source import ENGLISH
from metskin.domain.referrals.model import Answers
from metskin.domain.referrals.model import ReferralRecord as DomainReferral
from metskin.domain.referrals.model import Specialty as DomainSpecialty
from metskin.domain.referrals.model import Urgency as DomainUrgency
from metskin.domain.referrals.rules import RULES
from metskin.domain.referrals.triage import NOT_A_DIAGNOSIS, NOTHING_FOUND
from metskin.graphql.mapping import copy_fields, input_like

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
    def from_domain(cls, record: DomainReferral, tr: Translator = ENGLISH) -> Referral:
        """The referral in `tr`'s language (its sentences are in the catalog; a reason worded
        from its evidence is worded again from it)."""
        referral = record.referral
        return copy_fields(
            cls,
            record,
            referral,
            message=tr.gettext(referral.message),
            advice=tr.gettext(referral.advice),
            reasons=[
                copy_fields(
                    ReferralReason,
                    r,
                    text=reason_text(r.rule_id, r.text, r.evidence, tr),
                    evidence=cast(JSON, dict(r.evidence)),
                )
                for r in referral.reasons
            ],
            answered_questionnaire=record.answers is not None,
            dermatologist_id=record.doctor_id,
        )


@strawberry.type
class ReferralOutcome:
    referral: Referral | None = strawberry.field(description="Null: no reason to refer.")
    rules_checked: list[str]
    disclaimer: str

    @classmethod
    def of(cls, record: DomainReferral | None, tr: Translator = ENGLISH) -> ReferralOutcome:
        return cls(
            referral=Referral.from_domain(record, tr) if record else None,
            rules_checked=[rule.id for rule in RULES],
            disclaimer=tr.gettext(NOT_A_DIAGNOSIS if record else NOTHING_FOUND),
        )


RULES_BY_ID = {rule.id: rule for rule in RULES}


def reason_text(rule_id: str, text: str, evidence: Mapping[str, Any], tr: Translator) -> str:
    """A stored reason in `tr`'s language."""
    rule = RULES_BY_ID.get(rule_id)
    if rule is not None and rule.explain is not None and language_of(tr.locale) != "en":
        try:
            return spoken(said_json(rule.explain(dict(evidence))[1]), tr)
        except (KeyError, TypeError, ValueError):
            pass  # evidence stored by an older rule: its English text, through the catalog
    return spoken(text, tr)


if TYPE_CHECKING:

    class SymptomAnswers(Answers):
        def to_domain(self) -> Answers: ...

else:
    SymptomAnswers = input_like(
        Answers,
        "SymptomAnswers",
        "The short questionnaire. Distress items: 0 (never) to 3 (always).",
    )
