"""The promotion gate, pure logic over held-out error tables.

A candidate is used, once live, only on the concerns where it beats the engine overall and is
no worse than the engine on any Monk tone with enough faces (`uses`); the engine scores the
rest. It is promoted only when what people would then see (its scores on those concerns, the
engine's elsewhere) beats what they see now (the live model, or the engine when none is live)
on the mean error over concerns, and is no worse on any Monk tone. The live model it was
compared with must still be the live one, and at least MIN_HELD_OUT_FACES faces held out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MIN_HELD_OUT_FACES = 5  # fewer held-out faces than this say nothing: refused
MIN_TONE_FACES = 3  # a Monk tone with fewer held-out faces is too small to judge on
TOLERANCE = 0.02  # grade steps: "no worse" allows rounding noise, nothing more


@dataclass(frozen=True)
class GateDecision:
    passed: bool
    uses: tuple[str, ...]
    reasons: tuple[str, ...]


def concerns_beating_engine(candidate: Mapping[str, Any], engine: Mapping[str, Any]) -> list[str]:
    uses = []
    for concern, error in candidate["per_concern"].items():
        if concern not in engine["per_concern"] or error >= engine["per_concern"][concern]:
            continue
        if not _worse_on_a_tone(candidate, engine, concern):
            uses.append(concern)
    return sorted(uses)


def _judged_tones(table: Mapping[str, Any]) -> list[str]:
    return [t for t, n in table["tone_counts"].items() if n >= MIN_TONE_FACES]


def _worse_on_a_tone(
    candidate: Mapping[str, Any], baseline: Mapping[str, Any], concern: str
) -> str | None:
    for tone in _judged_tones(candidate):
        mine = candidate["per_tone"].get(tone, {}).get(concern)
        theirs = baseline["per_tone"].get(tone, {}).get(concern)
        if mine is not None and theirs is not None and mine > theirs + TOLERANCE:
            return tone
    return None


def blended(
    model: Mapping[str, Any], engine: Mapping[str, Any], uses: tuple[str, ...] | list[str]
) -> dict[str, Any]:
    """The table of what would be shown: the model's errors on `uses`, the engine's elsewhere."""
    pick = lambda c, mine, theirs: mine if c in uses else theirs  # noqa: E731
    return {
        "per_concern": {
            c: pick(c, model["per_concern"].get(c, e), e) for c, e in engine["per_concern"].items()
        },
        "per_tone": {
            t: {c: pick(c, model["per_tone"].get(t, {}).get(c, e), e) for c, e in by.items()}
            for t, by in engine["per_tone"].items()
        },
        "tone_counts": engine["tone_counts"],
    }


def mean_error(table: Mapping[str, Any]) -> float:
    values = list(table["per_concern"].values())
    return sum(values) / len(values) if values else float("inf")


def decide(metrics: Mapping[str, Any], live_version: int | None) -> GateDecision:
    """`metrics` as `evaluate` writes them: tables of "candidate", "engine" and "live" (what
    was shown when it was evaluated), and the "live_version" it was compared with."""
    candidate, engine = metrics["candidate"], metrics["engine"]
    uses = tuple(concerns_beating_engine(candidate, engine))
    reasons = []
    if metrics.get("live_version") != live_version:
        reasons.append(
            f"evaluated against live version {metrics.get('live_version')}, but the live one "
            f"is now {live_version}: evaluate again"
        )
    if candidate["faces"] < MIN_HELD_OUT_FACES:
        reasons.append(
            f"only {candidate['faces']} held-out faces (at least {MIN_HELD_OUT_FACES} needed)"
        )
    if not uses:
        reasons.append("beats the engine on no concern without a worse Monk tone")
    shown = blended(candidate, engine, uses)
    current = metrics.get("live") or engine
    if mean_error(shown) >= mean_error(current):
        reasons.append(
            f"mean error {mean_error(shown):.3f} is not below the current {mean_error(current):.3f}"
        )
    for tone in _judged_tones(shown):
        mine = _tone_mean(shown, tone)
        theirs = _tone_mean(current, tone)
        if mine is not None and theirs is not None and mine > theirs + TOLERANCE:
            reasons.append(f"worse on Monk tone {tone}: {mine:.3f} against {theirs:.3f}")
    return GateDecision(not reasons, uses, tuple(reasons))


def _tone_mean(table: Mapping[str, Any], tone: str) -> float | None:
    values = list(table["per_tone"].get(tone, {}).values())
    return sum(values) / len(values) if values else None
