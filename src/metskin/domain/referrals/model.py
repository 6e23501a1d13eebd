"""Inputs and outputs of referral triage: analysis snapshots, questionnaire answers, referrals."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from typing import Protocol

from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.marks import _

# Concern names used by the rules; the analysis component reports scores under these keys.
ACNE = "acne"
PIGMENTATION = "pigmentation"
REDNESS = "redness"
SCARRING = "scarring"

EvidenceValue = float | int | bool | str
Evidence = Mapping[str, EvidenceValue]


class Urgency(Enum):
    ROUTINE = "ROUTINE"
    SOON = "SOON"
    URGENT = "URGENT"

    @property
    def rank(self) -> int:
        return _URGENCY_RANK[self]


_URGENCY_RANK = {Urgency.ROUTINE: 0, Urgency.SOON: 1, Urgency.URGENT: 2}


class Specialty(Enum):
    """Dermatology specialties; the same values tag doctors in the directory."""

    MEDICAL = "medical"
    ACNE = "acne"
    ROSACEA = "rosacea"
    PIGMENTATION = "pigmentation"
    SKIN_CANCER = "skin_cancer"
    SCARRING = "scarring"
    PAEDIATRIC = "paediatric"
    COSMETIC = "cosmetic"


@dataclass(frozen=True)
class PigmentedSpot:
    """One pigmented spot found by the analysis.

    `x`/`y` are in the aligned face frame (0..1), so the same spot keeps its position between
    photos. `area` uses one unit across analyses (only ratios are compared). `darkness` is 0-100.
    Any of them may be unknown.
    """

    x: float | None = None
    y: float | None = None
    area: float | None = None
    darkness: float | None = None

    @property
    def has_position(self) -> bool:
        return self.x is not None and self.y is not None


class ConcernLike(Protocol):
    """The shape of one concern reported by the analysis component."""

    @property
    def name(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def regions(self) -> Mapping[str, float]: ...
    @property
    def measurements(self) -> Mapping[str, float]: ...


@dataclass(frozen=True)
class AnalysisSnapshot:
    """What one analysis measured. Scores are 0-100; `regions` maps region -> concern -> score."""

    taken_at: datetime
    concerns: Mapping[str, float] = field(default_factory=dict)
    regions: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    acne_lesions: int | None = None
    acne_nodules: int | None = None
    spots: tuple[PigmentedSpot, ...] | None = None  # None: not measured; (): none found
    pigmented_spots: int | None = None  # how many dark spots the whole face shows
    pigmented_area: float | None = None  # their share of the skin, 0..1

    def __post_init__(self) -> None:
        if self.taken_at.tzinfo is None:
            raise ValidationFailed(_("taken_at must be timezone-aware"), field="taken_at")

    @classmethod
    def from_concerns(
        cls,
        taken_at: datetime,
        concerns: Iterable[ConcernLike],
        spots: tuple[PigmentedSpot, ...] | None = None,
        acne_nodules: int | None = None,
    ) -> AnalysisSnapshot:
        """Build a snapshot from analysis concerns (the acne lesion count is a measurement)."""
        items = list(concerns)
        regions: dict[str, dict[str, float]] = {}
        for item in items:
            for region, value in item.regions.items():
                regions.setdefault(region, {})[item.name] = value
        lesions = next(
            (
                int(c.measurements["lesion_count"])
                for c in items
                if c.name == ACNE and "lesion_count" in c.measurements
            ),
            None,
        )
        pigment = next((c.measurements for c in items if c.name == PIGMENTATION), {})
        count = pigment.get("spot_count")
        return cls(
            taken_at,
            {c.name: c.score for c in items},
            regions,
            lesions,
            acne_nodules,
            spots,
            int(count) if count is not None else None,
            pigment.get("spot_area_fraction"),
        )

    def score(self, concern: str) -> float | None:
        """The whole-face score, or the worst region when only regions were scored."""
        if concern in self.concerns:
            return self.concerns[concern]
        regional = [scores[concern] for scores in self.regions.values() if concern in scores]
        return max(regional) if regional else None

    def worst_region(self, concern: str) -> str | None:
        scored = [
            (scores[concern], name) for name, scores in self.regions.items() if concern in scores
        ]
        return max(scored)[1] if scored else None


@dataclass(frozen=True)
class Answers:
    """Self-reported questionnaire answers. Distress items are scored 0 (never) to 3 (always)."""

    # About one spot or mole (7-point checklist: the first three are major features).
    spot_growing: bool = False
    spot_changing_shape: bool = False
    spot_changing_colour: bool = False
    spot_7mm_or_larger: bool = False
    spot_inflamed: bool = False
    spot_bleeding_or_oozing: bool = False
    spot_itching_or_feels_different: bool = False
    sore_not_healing_weeks: int | None = None
    # Skin and eyes.
    painful_deep_lumps: bool = False
    eye_symptoms: bool = False
    # Wellbeing over the last two weeks.
    distress_low_mood: int = 0
    distress_avoiding_people: int = 0
    distress_self_conscious: int = 0
    distress_daily_life: int = 0
    self_harm_thoughts: bool = False
    age_years: int | None = None

    def __post_init__(self) -> None:
        for name in DISTRESS_ITEMS:
            if not 0 <= getattr(self, name) <= 3:
                answer = _("{name} must be between 0 and 3")
                raise ValidationFailed.translatable(answer, name, name=name)

    @property
    def distress_score(self) -> int:
        return sum(getattr(self, name) for name in DISTRESS_ITEMS)


DISTRESS_ITEMS = (
    "distress_low_mood",
    "distress_avoiding_people",
    "distress_self_conscious",
    "distress_daily_life",
)


@dataclass(frozen=True)
class Reason:
    """Why a rule fired: its id, the values it looked at, and the user-facing sentence."""

    rule_id: str
    urgency: Urgency
    specialty: Specialty
    text: str
    evidence: Evidence


@dataclass(frozen=True)
class Referral:
    urgency: Urgency
    specialty: Specialty
    reasons: tuple[Reason, ...]
    message: str
    advice: str


@dataclass(frozen=True)
class TriageOutcome:
    referral: Referral | None
    rules_checked: tuple[str, ...]

    @property
    def fired_rule_ids(self) -> tuple[str, ...]:
        return tuple(r.rule_id for r in self.referral.reasons) if self.referral else ()


# The time a referral's advice gives the person to act (within days, 2 to 4 weeks, the next few
# months): the same flags raised again within it are not news to tell them again.
ADVISED_WITHIN = {
    Urgency.URGENT: timedelta(days=7),
    Urgency.SOON: timedelta(weeks=4),
    Urgency.ROUTINE: timedelta(days=90),
}


@dataclass
class ReferralRecord:
    """A stored referral: one per analysis, updated when the person answers the questionnaire."""

    id: str
    patient_id: str
    analysis_id: str
    referral: Referral
    created_at: datetime
    updated_at: datetime
    answers: Answers | None = None
    doctor_id: str | None = None  # the dermatologist it was taken to, once booked

    def repeats(self, earlier: ReferralRecord) -> bool:
        """This referral says nothing `earlier` did not: its flags were all among the
        earlier one's, at no higher urgency, while the earlier advice still runs."""
        new, old = self.referral, earlier.referral
        return (
            earlier.id != self.id
            and new.urgency.rank <= old.urgency.rank
            and {r.rule_id for r in new.reasons} <= {r.rule_id for r in old.reasons}
            and self.updated_at - earlier.created_at <= ADVISED_WITHIN[old.urgency]
        )
