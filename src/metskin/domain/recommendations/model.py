"""What the recommendations component keeps: catalog filters and saved routines."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class ProductFilter:
    concern: str | None = None
    skin_type: str | None = None
    slot: str | None = None
    max_price: Decimal | None = None
    exclude_ingredients: tuple[str, ...] = ()
    pregnancy_safe: bool = False
    text: str = ""


@dataclass(frozen=True)
class SavedRoutine:
    id: str
    user_id: str
    analysis_id: str
    profile_hash: str
    created_at: datetime
    routine: dict[str, Any] = field(default_factory=dict)  # the serialised recommendation
    model_version: str = ""
