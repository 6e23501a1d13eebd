"""Run the triage rules over one analysis, its history and the questionnaire."""

from __future__ import annotations

from collections.abc import Sequence

from metskin.domain.i18n.marks import _
from metskin.domain.referrals.checks import TriageInput
from metskin.domain.referrals.model import (
    AnalysisSnapshot,
    Answers,
    Reason,
    Referral,
    Specialty,
    TriageOutcome,
    Urgency,
)
from metskin.domain.referrals.rules import RULES, TriageRule
from metskin.domain.referrals.trend import SAME_VISIT

PAEDIATRIC_UNDER_AGE = 16

NOTHING_FOUND = _(
    "This is not a diagnosis. MetSkin looks at photos and your answers and cannot examine your "
    "skin. Nothing here suggests seeing a dermatologist now; if something worries you, or a "
    "spot changes, bleeds or does not heal, see one anyway."
)
NOT_A_DIAGNOSIS = _(
    "This is not a diagnosis. MetSkin looks at photos and your answers and cannot examine your "
    "skin. We suggest talking to a dermatologist for the reasons below."
)

ADVICE = {
    Urgency.ROUTINE: _("Book an appointment when convenient, ideally within the next few months."),
    Urgency.SOON: _("Try to see a dermatologist or your doctor within the next 2 to 4 weeks."),
    Urgency.URGENT: _(
        "Please get this checked within days, not weeks. Contact your doctor now; if no "
        "appointment is available quickly, use an urgent care service."
    ),
}


def triage(
    current: AnalysisSnapshot,
    history: Sequence[AnalysisSnapshot],
    answers: Answers | None = None,
    rules: Sequence[TriageRule] = RULES,
) -> TriageOutcome:
    """Check every rule; refer when at least one fires, at the highest urgency among them."""
    data = TriageInput(current, _earlier(current, history), answers or Answers())
    reasons = [reason for rule in rules if (reason := _apply(rule, data)) is not None]
    checked = tuple(rule.id for rule in rules)
    if not reasons:
        return TriageOutcome(None, checked)
    return TriageOutcome(_referral(reasons, data.answers), checked)


def _earlier(
    current: AnalysisSnapshot, history: Sequence[AnalysisSnapshot]
) -> list[AnalysisSnapshot]:
    """The photos of earlier visits, oldest first. Retakes of the same sitting (less than
    SAME_VISIT before this photo) are no history: a spot "new" or "changed" since a photo
    taken minutes ago, or redness "risen" above their mean, is the light or the detector."""
    earlier = [s for s in history if s.taken_at <= current.taken_at - SAME_VISIT]
    return sorted(earlier, key=lambda s: s.taken_at)


def _apply(rule: TriageRule, data: TriageInput) -> Reason | None:
    evidence = rule.check(data)
    if evidence is None:
        return None
    specialty, text = rule.explain(evidence) if rule.explain else (rule.specialty, rule.reason)
    return Reason(rule.id, rule.urgency, specialty, text, evidence)


def _referral(reasons: list[Reason], answers: Answers) -> Referral:
    # Most urgent first; the rule order breaks ties, so the first reason picks the specialty.
    ordered = sorted(reasons, key=lambda r: -r.urgency.rank)
    urgency = ordered[0].urgency
    specialty = ordered[0].specialty
    if answers.age_years is not None and answers.age_years < PAEDIATRIC_UNDER_AGE:
        specialty = Specialty.PAEDIATRIC
    return Referral(urgency, specialty, tuple(ordered), NOT_A_DIAGNOSIS, ADVICE[urgency])
