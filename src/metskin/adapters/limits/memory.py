"""Rate-limit state in this process: right for one API process (the embedded defaults)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from metskin.domain.limits.model import Rule, gcra

PRUNE_EVERY = 10_000  # hits between sweeps of keys whose bucket is full again


class InMemoryRateLimiter:
    in_process = True  # a check is a dictionary step under a lock: no I/O

    def __init__(self) -> None:
        self._tats: dict[str, float] = {}
        self._lock = threading.Lock()
        self._hits = 0

    def hit(self, key: str, rule: Rule, now: float, cost: int = 1) -> float:
        with self._lock:
            step = gcra(self._tats.get(key), now, rule, cost)
            if step.allowed:
                self._tats[key] = step.tat
            self._hits += 1
            if self._hits % PRUNE_EVERY == 0:
                self._tats = {k: tat for k, tat in self._tats.items() if tat > now}
            return step.retry_after


class InMemoryLoginFailures:
    def __init__(self) -> None:
        self._failures: dict[str, tuple[int, float, float]] = {}  # count, last, forget at
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[int, float]:
        with self._lock:
            count, last, _ = self._failures.get(key, (0, 0.0, 0.0))
            return count, last

    def record(self, key: str, now: float, forget_after: float) -> int:
        with self._lock:
            count, _, forget_at = self._failures.get(key, (0, 0.0, 0.0))
            count = count + 1 if forget_at > now else 1
            self._failures[key] = (count, now, now + forget_after)
            if len(self._failures) > PRUNE_EVERY:
                self._failures = {k: v for k, v in self._failures.items() if v[2] > now}
            return count

    def clear(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


class InMemoryStreamSlots:
    """Live-stream slots of this process: right for one API process (the embedded defaults)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._held: dict[str, dict[str, float]] = {}  # holder -> slot -> lapses at
        self._lock = threading.Lock()
        self._clock = clock

    def take(self, holder: str, slot: str, limit: int, ttl_s: float) -> bool:
        with self._lock:
            now = self._clock()
            held = {k: until for k, until in self._held.get(holder, {}).items() if until > now}
            if len(held) >= limit:
                self._held[holder] = held
                return False
            held[slot] = now + ttl_s
            self._held[holder] = held
            return True

    def renew(self, holder: str, slot: str, ttl_s: float) -> None:
        with self._lock:
            held = self._held.get(holder, {})
            if slot in held:
                held[slot] = self._clock() + ttl_s

    def give_back(self, holder: str, slot: str) -> None:
        with self._lock:
            held = self._held.get(holder, {})
            held.pop(slot, None)
            if not held:
                self._held.pop(holder, None)
