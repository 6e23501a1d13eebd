"""The promotion gate, pure logic over held-out error tables.

A candidate is used, once live, only on the concerns where it beats the engine overall and is
no worse than the engine on any Monk tone group (`uses`); the engine scores the rest. It is
promoted only when what people would then see (its scores on those concerns, the engine's
elsewhere) beats what they see now (the live model, or the engine when none is live) on the
mean error over concerns, and is no worse on any Monk tone group: neither on the group's mean
over concerns nor on any one concern (a better redness must not buy a worse acne on Monk 8).
The live model it was compared with must still be the live one, and at least
MIN_HELD_OUT_FACES faces held out.
The held-out faces must span at least two bands of skin tones (Monk 1-3, 4-6, 7-10): a model
checked on one band only says nothing of how fairly it scores the others. The decision lists
every Monk tone with no held-out face (`unproven`) and each group's error, worst first, beside
the median over groups. Once live, a model leaves faces of its unproven tones to the engine
(`SkinModelVersion.scores_tone`).

Every labelled Monk tone is judged. A tone with at least MIN_TONE_FACES held-out faces is a
group of its own. The smaller tones of a band (Monk 1-3, 4-6, 7-10) are judged together, each
face counting once, when they have MIN_TONE_FACES faces between them; they are not pooled with
a larger tone, whose faces would hide them. A small tone still short of faces refuses the
candidate, naming the tone: nothing is promoted that nobody checked on, say, Monk 10. Faces of
no known tone are judged as a group when there are enough of them.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MIN_HELD_OUT_FACES = 5  # fewer held-out faces than this say nothing: refused
MIN_TONE_FACES = 3  # a Monk tone with fewer held-out faces is judged with its band's small ones
BANDS = ((1, 2, 3), (4, 5, 6), (7, 8, 9, 10))  # the neighbouring Monk tones small ones pool in
TOLERANCE = 0.02  # grade steps: "no worse" allows rounding noise, nothing more


@dataclass(frozen=True)
class ToneError:
    """A tone group's mean error over concerns: of what would be shown, of what is shown now."""

    group: str
    faces: int
    shown: float
    current: float


@dataclass(frozen=True)
class GateDecision:
    passed: bool
    uses: tuple[str, ...]
    reasons: tuple[str, ...]
    tones: tuple[ToneError, ...] = ()  # each judged group, worst first
    median: float | None = None  # the median over `tones` of what would be shown
    unproven: tuple[int, ...] = ()  # Monk tones with no held-out face: nobody checked them

    @property
    def worst(self) -> ToneError | None:
        return self.tones[0] if self.tones else None

    def as_json(self) -> dict[str, Any]:
        worst = self.worst
        return {
            "passed": self.passed,
            "uses": list(self.uses),
            "reasons": list(self.reasons),
            "per_tone": {
                t.group: {"faces": t.faces, "shown": round(t.shown, 4), "now": round(t.current, 4)}
                for t in self.tones
            },
            "worst_tone": worst.group if worst else None,
            "worst_tone_error": round(worst.shown, 4) if worst else None,
            "median_tone_error": None if self.median is None else round(self.median, 4),
            "unproven_tones": list(self.unproven),
        }


def unproven_tones(table: Mapping[str, Any]) -> tuple[int, ...]:
    """The Monk tones (1-10) with no held-out face."""
    counts: dict[str, int] = table["tone_counts"]
    return tuple(t for band in BANDS for t in band if not counts.get(str(t)))


def spans(tones: tuple[int, ...]) -> str:
    """(1, 2, 3, 5, 9, 10) -> "1-3, 5, 9-10"."""
    runs: list[list[int]] = []
    for tone in tones:
        if runs and tone == runs[-1][-1] + 1:
            runs[-1].append(tone)
        else:
            runs.append([tone])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def concerns_beating_engine(candidate: Mapping[str, Any], engine: Mapping[str, Any]) -> list[str]:
    uses = []
    for concern, error in candidate["per_concern"].items():
        if concern not in engine["per_concern"] or error >= engine["per_concern"][concern]:
            continue
        if not _worse_on_a_tone(candidate, engine, concern):
            uses.append(concern)
    return sorted(uses)


@dataclass(frozen=True)
class ToneGroup:
    name: str  # "8", or "9+10" for small tones judged together
    faces: dict[str, int]  # tone -> held-out faces

    def error(self, table: Mapping[str, Any], concern: str) -> float | None:
        """The group's mean error on a concern, each face counting once."""
        known = [
            (table["per_tone"][t][concern], n)
            for t, n in self.faces.items()
            if concern in table["per_tone"].get(t, {})
        ]
        total = sum(n for _, n in known)
        return sum(e * n for e, n in known) / total if total else None

    def mean(self, table: Mapping[str, Any]) -> float | None:
        """The mean over concerns of the group's errors."""
        concerns = {c for t in self.faces for c in table["per_tone"].get(t, {})}
        values = [e for c in concerns if (e := self.error(table, c)) is not None]
        return sum(values) / len(values) if values else None


def tone_groups(table: Mapping[str, Any]) -> tuple[list[ToneGroup], list[ToneGroup]]:
    """The groups the gate judges, and the small tones of a band still short of faces."""
    counts: dict[str, int] = table["tone_counts"]
    groups = [ToneGroup(t, {t: n}) for t, n in counts.items() if n >= MIN_TONE_FACES]
    short: list[ToneGroup] = []
    for band in BANDS:
        small = {str(t): counts[str(t)] for t in band if 0 < counts.get(str(t), 0) < MIN_TONE_FACES}
        if small:
            group = ToneGroup("+".join(small), small)
            (groups if sum(small.values()) >= MIN_TONE_FACES else short).append(group)
    return groups, short


def _too_few(group: ToneGroup) -> str:
    tones = [int(t) for t in group.faces]
    band = next(b for b in BANDS if tones[0] in b)
    return (
        f"Monk tone {' and '.join(group.faces)}: only {sum(group.faces.values())} held-out "
        f"faces, at least {MIN_TONE_FACES} needed (with the other small tones of Monk "
        f"{band[0]}-{band[-1]}); label more faces of this tone"
    )


def _worse_on_a_tone(
    candidate: Mapping[str, Any], baseline: Mapping[str, Any], concern: str
) -> str | None:
    """A short group cannot clear a concern but can still show it worse."""
    for group in [g for gs in tone_groups(candidate) for g in gs]:
        mine, theirs = group.error(candidate, concern), group.error(baseline, concern)
        if mine is not None and theirs is not None and mine > theirs + TOLERANCE:
            return group.name
    return None


def _worse_concerns(
    group: ToneGroup, shown: Mapping[str, Any], current: Mapping[str, Any]
) -> list[str]:
    """The concerns people of this tone group would see scored worse than now."""
    found = []
    for concern in sorted(shown["per_concern"]):
        mine, theirs = group.error(shown, concern), group.error(current, concern)
        if mine is not None and theirs is not None and mine > theirs + TOLERANCE:
            found.append(
                f"worse on Monk tone {group.name} for {concern}: {mine:.3f} against "
                f"{theirs:.3f} now"
            )
    return found


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
    groups, short = tone_groups(shown)
    reasons.extend(_too_few(group) for group in short)
    tones = []
    for group in groups:
        mine, theirs = group.mean(shown), group.mean(current)
        if mine is not None and theirs is not None:
            tones.append(ToneError(group.name, sum(group.faces.values()), mine, theirs))
            if mine > theirs + TOLERANCE:
                reasons.append(f"worse on Monk tone {group.name}: {mine:.3f} against {theirs:.3f}")
            else:  # a better concern must not hide a worse one on this tone
                reasons.extend(_worse_concerns(group, shown, current))
    unproven = unproven_tones(candidate)
    checked = [b for b in BANDS if any(t not in unproven for t in b)]
    if candidate["faces"] and len(checked) < 2:
        reasons.append(
            f"held-out faces of one band of skin tones only: unproven on Monk {spans(unproven)} "
            "(no held-out face); label faces of other skin tones before it scores everyone"
        )
    tones.sort(key=lambda t: (-t.shown, t.group))
    median = statistics.median(t.shown for t in tones) if tones else None
    return GateDecision(not reasons, uses, tuple(reasons), tuple(tones), median, unproven)
