"""GraphQL types of labels: what a dermatologist or the owner writes on an analysis, and the
consent for learning."""

from __future__ import annotations

from datetime import datetime

import strawberry

from metskin.domain.i18n.marks import _
from metskin.domain.labels.errors import UnknownLabelValue
from metskin.domain.labels.model import Concern as DomainConcern
from metskin.domain.labels.model import Label as DomainLabel
from metskin.domain.labels.model import LabelInput
from metskin.domain.labels.model import LabelSource as DomainSource
from metskin.domain.labels.model import LearningConsent as DomainConsent
from metskin.domain.labels.model import Lesion as DomainLesion
from metskin.domain.labels.model import LesionType as DomainLesionType
from metskin.domain.labels.model import Verdict as DomainVerdict
from metskin.graphql.accounts.types import SkinType
from metskin.graphql.mapping import copy_fields

LabelConcern = strawberry.enum(
    DomainConcern,
    name="LabelConcern",
    description="A graded concern: ACNE and WRINKLES 0-4 (acne IGA-like: clear, almost clear, "
    "mild, moderate, severe), the others 0-3 (none, mild, moderate, severe).",
)
LesionType = strawberry.enum(DomainLesionType, name="LesionType")
LabelSource = strawberry.enum(DomainSource, name="LabelSource")


@strawberry.input(description="A grade of one concern (0-4 for ACNE and WRINKLES, else 0-3).")
class GradeInput:
    concern: LabelConcern  # type: ignore[valid-type]
    grade: int


@strawberry.input(
    description="A lesion in pixels of the analysed photo: a point (width and height 0) or "
    "a box from its top-left corner."
)
class LesionInput:
    type: LesionType  # type: ignore[valid-type]
    x: int
    y: int
    width: int = 0
    height: int = 0


@strawberry.input(description="A dermatologist's labels of an analysis shared with them.")
class AnnotationInput:
    grades: list[GradeInput] = strawberry.field(default_factory=list)
    lesions: list[LesionInput] = strawberry.field(default_factory=list)
    skin_type: SkinType | None = None
    monk_tone: int | None = strawberry.field(default=None, description="1-10, as seen.")
    note: str = ""

    def to_domain(self) -> LabelInput:
        return LabelInput(
            grades=grades_of(self.grades),
            lesions=tuple(DomainLesion(x.type, x.x, x.y, x.width, x.height) for x in self.lesions),
            skin_type=self.skin_type.value if self.skin_type else None,
            monk_tone=self.monk_tone,
            note=self.note,
        )


@strawberry.input(description="The owner agrees or not with a concern, optionally at a point.")
class VerdictInput:
    concern: LabelConcern  # type: ignore[valid-type]
    agrees: bool
    x: int | None = None
    y: int | None = None


@strawberry.input(description="The owner confirms or corrects their result.")
class CorrectionInput:
    verdicts: list[VerdictInput] = strawberry.field(default_factory=list)
    skin_type: SkinType | None = None
    note: str = ""

    def to_domain(self) -> LabelInput:
        return LabelInput(
            verdicts=tuple(DomainVerdict(v.concern, v.agrees, v.x, v.y) for v in self.verdicts),
            skin_type=self.skin_type.value if self.skin_type else None,
            note=self.note,
        )


def grades_of(grades: list[GradeInput]) -> dict[DomainConcern, int]:
    found: dict[DomainConcern, int] = {}
    for index, item in enumerate(grades):
        concern: DomainConcern = item.concern
        if concern in found:
            raise UnknownLabelValue.translatable(
                _("{concern} is graded twice."), f"grades.{index}.concern", concern=concern.value
            )
        found[concern] = item.grade
    return found


@strawberry.type
class Grade:
    concern: LabelConcern  # type: ignore[valid-type]
    grade: int


@strawberry.type(description="A lesion in pixels of the analysed photo (a point: size 0).")
class Lesion:
    type: LesionType  # type: ignore[valid-type]
    x: int
    y: int
    width: int
    height: int


@strawberry.type
class Verdict:
    concern: LabelConcern  # type: ignore[valid-type]
    agrees: bool
    x: int | None
    y: int | None


@strawberry.type(description="One label write on an analysis (a later one supersedes it).")
class AnalysisLabel:
    id: strawberry.ID
    analysis_id: strawberry.ID
    author_id: strawberry.ID
    source: LabelSource  # type: ignore[valid-type]
    created_at: datetime
    grades: list[Grade]
    lesions: list[Lesion]
    skin_type: str | None
    monk_tone: int | None
    verdicts: list[Verdict]
    note: str

    @classmethod
    def from_domain(cls, label: DomainLabel) -> AnalysisLabel:
        grades = [Grade(concern=c, grade=g) for c, g in label.grades.items()]
        lesions = [copy_fields(Lesion, x) for x in label.lesions]
        verdicts = [copy_fields(Verdict, v) for v in label.verdicts]
        return copy_fields(cls, label, grades=grades, lesions=lesions, verdicts=verdicts)


@strawberry.type(
    description="Whether your analyses and product ratings may train models (off by default)."
)
class LearningConsent:
    given: bool
    changed_at: datetime | None

    @classmethod
    def from_domain(cls, consent: DomainConsent) -> LearningConsent:
        return copy_fields(cls, consent)
