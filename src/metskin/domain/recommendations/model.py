"""What the recommendations component keeps: catalog filters and saved routines."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from metskin.domain.errors import ValidationFailed
from metskin.domain.recommendations.vocabulary import CONCERNS, SKIN_TYPES, SLOTS


@dataclass(frozen=True)
class ProductFilter:
    concern: str | None = None
    skin_type: str | None = None
    slot: str | None = None
    max_price: Decimal | None = None
    # The person's words ("retinoids", "Salicylic-Acid"); the service adds the INCI names they
    # find (`RecommendationService.search`), and a repository leaves out those names exactly.
    exclude_ingredients: tuple[str, ...] = ()
    pregnancy_safe: bool = False
    text: str = ""

    def __post_init__(self) -> None:
        """A word outside the vocabulary is a mistake to report, not a filter nothing
        matches (an empty page reads as "no such products")."""
        for field_name, value, allowed in (
            ("concern", self.concern, CONCERNS),
            ("skinType", self.skin_type, SKIN_TYPES),
            ("slot", self.slot, SLOTS),
        ):
            if value is not None and value not in allowed:
                raise ValidationFailed(
                    f"{field_name} must be one of: {', '.join(allowed)}.", field=field_name
                )


@dataclass(frozen=True)
class FormerProduct:
    """A product the catalog sold and took off sale, as the routines saved before name it."""

    id: str
    brand: str
    name: str


@dataclass(frozen=True)
class SavedRoutine:
    id: str
    user_id: str
    analysis_id: str
    profile_hash: str
    created_at: datetime
    routine: dict[str, Any] = field(default_factory=dict)  # the serialised recommendation
    model_version: str = ""
