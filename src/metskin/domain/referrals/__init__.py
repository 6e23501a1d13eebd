"""The referrals component: triage of analyses and answers into a dermatologist referral."""

from metskin.domain.referrals.model import (
    AnalysisSnapshot,
    Answers,
    PigmentedSpot,
    Reason,
    Referral,
    Specialty,
    TriageOutcome,
    Urgency,
)
from metskin.domain.referrals.rules import RULES, TriageRule
from metskin.domain.referrals.triage import triage

__all__ = [
    "RULES",
    "AnalysisSnapshot",
    "Answers",
    "PigmentedSpot",
    "Reason",
    "Referral",
    "Specialty",
    "TriageOutcome",
    "TriageRule",
    "Urgency",
    "triage",
]
