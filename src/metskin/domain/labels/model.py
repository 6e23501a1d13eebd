"""Labels of an analysis and the scales they are given on.

Grades (an integer, 0 is none):
- ACNE 0-4, IGA-like: 0 clear, 1 almost clear, 2 mild, 3 moderate, 4 severe.
- WRINKLES 0-4: 0 none, 1 fine lines in motion, 2 fine lines at rest, 3 moderate, 4 deep.
- REDNESS, PIGMENTATION, PORES, DARK_CIRCLES 0-3: 0 none, 1 mild, 2 moderate, 3 severe.
Lesions are points (width = height = 0) or boxes (top-left corner, width, height) in pixels of
the analysed photo as stored (its `Media.width` x `Media.height`). The Monk tone is 1-10.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum

from metskin.domain.accounts.model import SKIN_TYPES
from metskin.domain.i18n.marks import _
from metskin.domain.labels.errors import (
    EmptyLabel,
    GradeOutOfRange,
    PointOutsideImage,
    UnknownLabelValue,
)

MAX_LESIONS = 500
MAX_NOTE = 500
VERDICT_OUTSIDE = _(
    "The point given with the {concern} verdict lies outside the {width}x{height} photo."
)


class Concern(Enum):
    ACNE = "ACNE"
    REDNESS = "REDNESS"
    PIGMENTATION = "PIGMENTATION"
    WRINKLES = "WRINKLES"
    PORES = "PORES"
    DARK_CIRCLES = "DARK_CIRCLES"

    @property
    def max_grade(self) -> int:
        return 4 if self in (Concern.ACNE, Concern.WRINKLES) else 3


class LesionType(Enum):
    COMEDONE = "COMEDONE"
    PAPULE = "PAPULE"
    PUSTULE = "PUSTULE"
    NODULE = "NODULE"
    PIGMENTED_SPOT = "PIGMENTED_SPOT"
    SCAR = "SCAR"


class LabelSource(Enum):
    DERMATOLOGIST = "DERMATOLOGIST"  # an annotation under a share
    PATIENT = "PATIENT"  # the owner confirms or corrects a result


@dataclass(frozen=True)
class Lesion:
    type: LesionType
    x: int
    y: int
    width: int = 0
    height: int = 0

    @property
    def is_point(self) -> bool:
        return self.width == 0 and self.height == 0

    def check_inside(self, image_width: int, image_height: int, index: int) -> None:
        if not _inside(self.x, self.y, self.width, self.height, image_width, image_height):
            raise PointOutsideImage.translatable(
                _("Lesion {index} lies outside the {width}x{height} photo."),
                f"lesions.{index}",
                index=index,
                width=image_width,
                height=image_height,
            )


def _inside(x: int, y: int, width: int, height: int, image_width: int, image_height: int) -> bool:
    return (
        0 <= x < image_width
        and 0 <= y < image_height
        and width >= 0
        and height >= 0
        and x + width <= image_width
        and y + height <= image_height
    )


@dataclass(frozen=True)
class Verdict:
    """The patient's word on one concern: agrees (confirms) or not ("this is not acne here"),
    optionally at a point of the photo."""

    concern: Concern
    agrees: bool
    x: int | None = None
    y: int | None = None


@dataclass(frozen=True)
class LabelInput:
    """What an author writes, before it is checked against the photo."""

    grades: Mapping[Concern, int] = field(default_factory=dict)
    lesions: tuple[Lesion, ...] = ()
    skin_type: str | None = None
    monk_tone: int | None = None
    verdicts: tuple[Verdict, ...] = ()
    note: str = ""

    def check(self, image_width: int, image_height: int) -> None:
        """Coded errors: grades in range, lesions and points inside the photo, known values."""
        for index, (concern, grade) in enumerate(self.grades.items()):  # in the input's order
            if not 0 <= grade <= concern.max_grade:
                raise GradeOutOfRange.translatable(
                    _("{concern} is graded 0-{most}, not {grade}."),
                    f"grades.{index}.grade",
                    concern=concern.value,
                    most=concern.max_grade,
                    grade=grade,
                )
        if len(self.lesions) > MAX_LESIONS:
            raise UnknownLabelValue.translatable(
                _("At most {most} lesions."), "lesions", most=Decimal(MAX_LESIONS)
            )
        for index, lesion in enumerate(self.lesions):
            lesion.check_inside(image_width, image_height, index)
        size = (image_width, image_height)
        for index, verdict in enumerate(self.verdicts):
            if (verdict.x is None) != (verdict.y is None):
                raise PointOutsideImage(_("A point needs both x and y."), field=f"verdicts.{index}")
            x, y = verdict.x, verdict.y
            if x is not None and y is not None and not _inside(x, y, 0, 0, *size):
                raise PointOutsideImage.translatable(
                    VERDICT_OUTSIDE,
                    f"verdicts.{index}",
                    concern=verdict.concern.value,
                    width=image_width,
                    height=image_height,
                )
        if self.skin_type is not None and self.skin_type not in SKIN_TYPES:
            raise UnknownLabelValue.translatable(
                _("Skin type must be one of: {choices}."), "skinType", choices=", ".join(SKIN_TYPES)
            )
        if self.monk_tone is not None and not 1 <= self.monk_tone <= 10:
            raise GradeOutOfRange(_("The Monk tone is 1-10."), field="monkTone")
        if len(self.note) > MAX_NOTE:
            raise UnknownLabelValue.translatable(
                _("A note is at most {most} characters."), "note", most=Decimal(MAX_NOTE)
            )
        if not (
            self.grades
            or self.lesions
            or self.skin_type
            or self.monk_tone
            or self.verdicts
            or self.note.strip()
        ):
            raise EmptyLabel(_("A label needs at least one value."))


@dataclass(frozen=True, kw_only=True)
class Label(LabelInput):
    """One write: its values and who wrote them on which analysis, when. Labels are never
    changed; a new write supersedes the author's last one (the table is the history and the
    audit of writes)."""

    id: str
    analysis_id: str
    subject_id: str  # the person photographed (the analysis owner)
    author_id: str
    source: LabelSource
    created_at: datetime


@dataclass(frozen=True)
class LearningConsent:
    """Whether the person lets their analyses enter training datasets; off until given."""

    user_id: str
    given: bool = False
    changed_at: datetime | None = None  # when it was last given or revoked
