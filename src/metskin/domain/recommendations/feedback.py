"""What people told us about products they used, and the preference a learned ranker trains on."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.marks import _
from metskin.domain.recommendations.needs import CareProfile, SkinNeeds

OUTCOMES = ("worked", "irritated", "stopped")
MIN_RATING, MAX_RATING = 1, 5
# Added to the rating part (-1..1); "irritated" is not added but overrides: a hard no.
OUTCOME_SHIFT = {"worked": 0.5, "stopped": -0.5}
IRRITATED_TARGET = -1.0
IRRITATED_WEIGHT = 2.0  # irritation is the signal we least want to get wrong
POSITIVE_FROM = 0.5  # a target at least this high counts as "liked" for held-out evaluation
LOW_RATING_UP_TO = 2  # a rating this low keeps the product out of the person's next routines


@dataclass(frozen=True)
class Feedback:
    user_id: str
    product_id: str
    rating: int  # 1-5
    outcome: str | None  # "worked" | "irritated" | "stopped" | None
    created_at: datetime  # UTC, timezone-aware

    def __post_init__(self) -> None:
        if not self.user_id or not self.product_id:
            raise ValidationFailed(_("Feedback needs a user and a product."), field="productId")
        rating = self.rating
        if isinstance(rating, bool) or not isinstance(rating, int):
            raise ValidationFailed(_("Rating must be a whole number 1-5."), field="rating")
        if not MIN_RATING <= rating <= MAX_RATING:
            raise ValidationFailed(_("Rating must be 1-5."), field="rating")
        if self.outcome is not None and self.outcome not in OUTCOMES:
            outcomes = _("Outcome must be one of: {outcomes}.")
            raise ValidationFailed.translatable(outcomes, "outcome", outcomes=", ".join(OUTCOMES))
        if self.created_at.tzinfo is None or self.created_at.utcoffset() is None:
            raise ValidationFailed(_("created_at must be timezone-aware."), field="createdAt")


@dataclass(frozen=True)
class Preference:
    """A training target: -1 (avoid) to 1 (loved it), and how much to trust it."""

    value: float
    weight: float


def preference_of(feedback: Feedback) -> Preference:
    """The rating mapped to -1..1, moved by the outcome; "irritated" is always a strong no."""
    if feedback.outcome == "irritated":
        return Preference(IRRITATED_TARGET, IRRITATED_WEIGHT)
    value = (feedback.rating - 3) / 2
    value += OUTCOME_SHIFT.get(feedback.outcome or "", 0.0)
    value = max(-1.0, min(1.0, value))
    weight = 1.0 if feedback.outcome is None else 1.5  # an outcome is a stronger statement
    return Preference(value, weight)


def turned_down(feedback: Iterable[Feedback]) -> tuple[str, ...]:
    """The products a person said irritated them or rated 1-2 (their latest rating of each):
    never recommended to them again."""
    return tuple(
        sorted(
            item.product_id
            for item in latest_per_pair(feedback)
            if item.outcome == "irritated" or item.rating <= LOW_RATING_UP_TO
        )
    )


def is_positive(feedback: Feedback) -> bool:
    return preference_of(feedback).value >= POSITIVE_FROM


def latest_per_pair(feedback: Iterable[Feedback]) -> list[Feedback]:
    """One entry per (user, product): the most recent one, as people change their minds."""
    latest: dict[tuple[str, str], Feedback] = {}
    for item in feedback:
        key = (item.user_id, item.product_id)
        kept = latest.get(key)
        if kept is None or item.created_at >= kept.created_at:
            latest[key] = item
    return list(latest.values())


@dataclass(frozen=True)
class UserContext:
    """What a learned ranker may know about a person: latest analysis and care profile."""

    needs: SkinNeeds
    profile: CareProfile


class FeedbackSource(Protocol):
    """Where stored feedback comes from (the database later, a JSONL file for now)."""

    def iter_feedback(self) -> Iterable[Feedback]: ...

    def user_contexts(self) -> Mapping[str, UserContext]: ...
