"""Recommendation actors: rebuild a person's current routine after they changed what it is
built from (their profile, a rating), so the routine they follow changes at once."""

from __future__ import annotations

from metskin.domain.recommendations.jobs import REFRESH_ROUTINE
from metskin.domain.recommendations.service import RecommendationService
from metskin.workers.actors import ActorSpec


def recommendation_actors(recommendations: RecommendationService) -> list[ActorSpec]:
    def refresh_routine(user_id: str) -> None:
        # Idempotent: the same state finds the routine saved for it and changes nothing.
        recommendations.refresh_current(user_id)

    return [ActorSpec(REFRESH_ROUTINE, refresh_routine)]
