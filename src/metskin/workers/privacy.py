"""Privacy actors: build a data export, and mark it failed once its retries are spent."""

from __future__ import annotations

from typing import Any

from metskin.domain.privacy.service import BUILD_DATA_EXPORT, PrivacyService
from metskin.workers.actors import ActorSpec

EXPORT_GAVE_UP = "data_export_gave_up"
GAVE_UP_REASON = "The export could not be built after several tries. Start a new one later."
# Gathering every stored photo and video of a long-standing account from object storage takes
# longer than the workers' 5 minutes by default, which the Redis worker now enforces too.
EXPORT_TIME_LIMIT_MS = 30 * 60 * 1000


def privacy_actors(privacy: PrivacyService) -> list[ActorSpec]:
    def build_data_export(export_id: str) -> None:
        privacy.build_export(export_id)

    def data_export_gave_up(message: dict[str, Any], retry_info: dict[str, Any]) -> None:
        export_id = message.get("kwargs", {}).get("export_id")
        if export_id:
            privacy.mark_export_failed(export_id, GAVE_UP_REASON)

    options = {
        "max_retries": 3,
        "on_retry_exhausted": EXPORT_GAVE_UP,
        "time_limit": EXPORT_TIME_LIMIT_MS,
    }
    return [
        ActorSpec(BUILD_DATA_EXPORT, build_data_export, options),
        ActorSpec(EXPORT_GAVE_UP, data_export_gave_up),
    ]
