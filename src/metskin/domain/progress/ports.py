"""Ports of the progress component: it reads analyses through the analysis component's use
cases (whose access check allows the owner, an administrator, or a dermatologist with an
active share, and audits the dermatologist's reads)."""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from metskin.domain.accounts.model import Role
from metskin.domain.analysis.records import Analysis, Media
from metskin.domain.audit.model import AccessPart
from metskin.domain.ports import CreatedKey


class MediaReader(Protocol):
    def get_many(self, media_ids: list[str]) -> list[Media]: ...
    def read_object(self, name: str) -> bytes: ...


class ImageCodec(Protocol):
    def decode(self, data: bytes) -> np.ndarray:
        """RGB as the analysis engine saw the photo (its landmarks are in these pixels)."""
        ...

    def decode_frame(self, data: bytes) -> np.ndarray:
        """A video's stored frame, at the size the engine measured it."""
        ...

    def encode_png(self, rgb: np.ndarray) -> bytes: ...


class AnalysisReader(Protocol):
    def get_for_viewer(
        self, viewer_id: str, viewer_role: Role, analysis_id: str, *, part: AccessPart = ...
    ) -> Analysis: ...
    def results(self, analysis_ids: list[str]) -> dict[str, tuple[dict[str, Any], str | None]]: ...
    def history(self, owner_id: str, before: CreatedKey | None, limit: int) -> list[Analysis]: ...
