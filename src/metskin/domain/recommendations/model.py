"""What the recommendations component keeps: catalog filters and saved routines."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.marks import _
from metskin.domain.recommendations.catalog import normalise
from metskin.domain.recommendations.vocabulary import CONCERNS, SKIN_TYPES, SLOTS

TEXT_WORDS = 8  # a search reads the first 8 words of `ProductFilter.text`


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
                one_of = _("{name} must be one of: {options}.")
                raise ValidationFailed.translatable(
                    one_of, field_name, name=field_name, options=", ".join(allowed)
                )

    def normalised(self) -> ProductFilter:
        """The filter as it matches: the ingredients to exclude as a set of names without case
        or extra spaces (`normalise`), the text's first 8 words (`TEXT_WORDS`) in lower case,
        each once. It matches the products this one matches."""
        excluded = tuple(sorted({normalise(name) for name in self.exclude_ingredients}))
        words = " ".join(sorted(set(self.text.lower().split()[:TEXT_WORDS])))
        return replace(self, exclude_ingredients=excluded, text=words)


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
