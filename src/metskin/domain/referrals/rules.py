"""Triage rules as data. Each rule names the evidence it reads, its urgency, the specialty and
the reason shown; its check (`checks`, where the thresholds and their sources are) returns the
values it used. The rules pick out who should talk to a dermatologist; they do not diagnose.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from metskin.domain.i18n.marks import _
from metskin.domain.referrals.checks import (
    TriageInput,
    acne_nodules,
    acne_severe,
    concern_worsening,
    distress,
    non_healing,
    pigment_rising,
    redness_persistent,
    redness_with_eyes,
    redness_worsening,
    scarring,
    self_harm,
    seven_point,
    spot_changing,
    spot_new,
)
from metskin.domain.referrals.model import Evidence, Specialty, Urgency
from metskin.domain.referrals.trend import explain

Check = Callable[[TriageInput], Evidence | None]


@dataclass(frozen=True)
class TriageRule:
    id: str
    evidence: tuple[str, ...]
    urgency: Urgency
    specialty: Specialty
    reason: str
    check: Check
    # A reason worded from its evidence (the specialty may follow it); else `reason`.
    explain: Callable[[Evidence], tuple[Specialty, str]] | None = None


RULES: tuple[TriageRule, ...] = (
    TriageRule(
        "spot_changing",
        ("changed_spots", "area_ratio", "darkness_change", "days_between", "x", "y"),
        Urgency.URGENT,
        Specialty.SKIN_CANCER,
        _(
            "A pigmented spot looks bigger or darker than in your earlier analyses. A spot "
            "that changes should be checked by a dermatologist promptly, even though lighting "
            "and camera differences can also make a spot look different."
        ),
        spot_changing,
    ),
    TriageRule(
        "seven_point_checklist",
        ("seven_point_score",),
        Urgency.URGENT,
        Specialty.SKIN_CANCER,
        _(
            "Your answers about a spot or mole (such as change in size, shape or colour, "
            "bleeding or itching) match the checklist doctors use to decide who should be seen "
            "quickly."
        ),
        seven_point,
    ),
    TriageRule(
        "self_harm",
        ("self_harm_thoughts",),
        Urgency.URGENT,
        Specialty.MEDICAL,
        _(
            "You told us you have had thoughts of harming yourself. Please talk to someone today: "
            "contact your doctor, a local crisis line or emergency services."
        ),
        self_harm,
    ),
    TriageRule(
        "redness_with_eye_symptoms",
        ("eye_symptoms", "redness_score"),
        Urgency.URGENT,
        Specialty.ROSACEA,
        _(
            "Facial redness together with sore, gritty or light-sensitive eyes should be checked "
            "quickly. If your eye is painful or your sight changes, get same-day care from an eye "
            "service or urgent care."
        ),
        redness_with_eyes,
    ),
    TriageRule(
        "spot_new",
        ("new_spots", "x", "y"),
        Urgency.SOON,
        Specialty.SKIN_CANCER,
        _(
            "A pigmented spot appears that was not seen in your previous analysis. New spots in "
            "adulthood are worth showing to a dermatologist."
        ),
        spot_new,
    ),
    TriageRule(
        "pigment_spots_increasing",
        ("spots_now", "spots_before", "area_ratio", "analyses", "days"),
        Urgency.SOON,
        Specialty.SKIN_CANCER,
        _(
            "Your analyses show more and larger dark spots than in your recent photos. Spots that "
            "change over weeks or months are worth showing to a dermatologist, although light and "
            "camera differences can also change how spots look."
        ),
        pigment_rising,
    ),
    TriageRule(
        "concern_worsening",
        ("concern", "region", "first", "last", "band", "analyses", "days"),
        Urgency.SOON,
        Specialty.MEDICAL,
        _(
            "A concern has worsened across your recent analyses, by more than two photos of the "
            "same visit differ."
        ),
        concern_worsening,
        explain,
    ),
    TriageRule(
        "non_healing_sore",
        ("sore_not_healing_weeks",),
        Urgency.SOON,
        Specialty.SKIN_CANCER,
        _(
            "A sore or spot that has not healed for four weeks or more should be looked at by a "
            "doctor."
        ),
        non_healing,
    ),
    TriageRule(
        "acne_nodules",
        ("acne_nodules", "painful_deep_lumps"),
        Urgency.SOON,
        Specialty.ACNE,
        _(
            "Deep, painful lumps (nodules) can leave scars. Prescription treatment works best when "
            "started early."
        ),
        acne_nodules,
    ),
    TriageRule(
        "acne_severe",
        ("acne_lesions", "acne_score"),
        Urgency.SOON,
        Specialty.ACNE,
        _(
            "Your analysis shows a high number of acne spots. Acne at this level usually needs "
            "prescription treatment."
        ),
        acne_severe,
    ),
    TriageRule(
        "redness_worsening",
        ("redness_now", "redness_baseline", "analyses"),
        Urgency.ROUTINE,
        Specialty.ROSACEA,
        _(
            "Facial redness has increased across your recent analyses. A dermatologist can check "
            "for conditions such as rosacea."
        ),
        redness_worsening,
    ),
    TriageRule(
        "redness_persistent",
        ("analyses", "days", "lowest_redness"),
        Urgency.ROUTINE,
        Specialty.ROSACEA,
        _(
            "Facial redness has stayed high for four weeks or more. Lasting redness can have "
            "several causes, such as rosacea, that a dermatologist can tell apart."
        ),
        redness_persistent,
    ),
    TriageRule(
        "scarring",
        ("scarring_score", "worst_region"),
        Urgency.ROUTINE,
        Specialty.SCARRING,
        _(
            "Your analysis suggests possible scarring. A dermatologist can confirm this and "
            "discuss options."
        ),
        scarring,
    ),
    TriageRule(
        "distress",
        ("distress_score",),
        Urgency.ROUTINE,
        Specialty.MEDICAL,
        _(
            "Your answers show your skin is affecting how you feel and live. That is a good reason "
            "to get support, whatever your skin looks like."
        ),
        distress,
    ),
)
