"""A moment to leave a server alone after it failed to answer in time: the callers that can do
without it answer at once meanwhile, instead of each waiting out a timeout."""

from __future__ import annotations

import time


class Pause:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._until = 0.0

    def now(self) -> bool:
        """Whether the pause is on."""
        return time.monotonic() < self._until

    def start(self) -> None:
        self._until = time.monotonic() + self.seconds
