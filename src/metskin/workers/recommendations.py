"""Recommendation actors: rebuild a person's current routine after they changed what it is
built from (their profile, a rating), or a product in it was taken off sale, so the routine
they follow changes at once."""

from __future__ import annotations

from metskin.domain.recommendations.jobs import REFRESH_ROUTINE, REFRESH_ROUTINES_WITH
from metskin.domain.recommendations.service import RecommendationService
from metskin.workers.actors import ActorSpec


def recommendation_actors(recommendations: RecommendationService) -> list[ActorSpec]:
    def refresh_routine(user_id: str, why: str = "") -> None:
        # Idempotent: the same state finds the routine saved for it and changes nothing.
        # Retried (StillMeasuring) while the routine's analysis is being measured.
        recommendations.refresh_current(user_id, why)

    def refresh_routines_with(product_id: str) -> None:
        recommendations.refresh_following(product_id)

    return [
        ActorSpec(REFRESH_ROUTINE, refresh_routine),
        ActorSpec(REFRESH_ROUTINES_WITH, refresh_routines_with),
    ]
