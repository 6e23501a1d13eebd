"""Combine the analyses of several video frames into one result with a spread."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import numpy as np

from metskin.domain.analysis.guidance import face_frames
from metskin.domain.analysis.model import AnalysisResult, Concern, QualityIssue, SkinType, Tone
from metskin.domain.analysis.spots import merge_frames
from metskin.domain.analysis.tone import tone_from_lab
from metskin.domain.analysis.validity import MIN_CONFIDENCE

ITA_SPREAD_FOR_HALF_CONFIDENCE = 8.0  # degrees of ITA standard deviation across frames
# A clip's result stands for the clip when its face was clearly seen (it passed the gate) in
# at least half of the frames sampled, as an issue stands for the frames measured when half of
# them have it (`common_issues`). Under that, the result says so (FEW_FACE_FRAMES), and with
# fewer than two frames measured there is no middle of frames to give: refused.
FACE_FRAMES_SHARE = 0.5
MIN_FACE_FRAMES = 2


def median_dict(dicts: list[dict[str, float]]) -> dict[str, float]:
    keys = {key for item in dicts for key in item}
    return {key: float(np.median([item[key] for item in dicts if key in item])) for key in keys}


def aggregate_tone(tones: list[Tone], spread: float) -> Tone:
    lab = np.median(np.array([tone.lab for tone in tones]), axis=0)
    confidence = float(np.median([tone.confidence for tone in tones]))
    confidence /= 1.0 + spread / ITA_SPREAD_FOR_HALF_CONFIDENCE
    gains = np.median(np.array([tone.white_balance_gains for tone in tones]), axis=0)
    # the frames' own ITA spread (the `spread` argument is their range) over sqrt(count), or the
    # single frames' median uncertainty when the frames agree better than that (conservative:
    # tone_from_lab adds the shot-to-shot term once more)
    itas = [tone.ita_deg for tone in tones]
    within = float(np.median([tone.ita_uncertainty_deg or 0.0 for tone in tones]))
    across = float(np.std(itas, ddof=1) / np.sqrt(len(itas))) if len(itas) > 1 else within
    return tone_from_lab(
        (float(lab[0]), float(lab[1]), float(lab[2])),
        confidence=confidence,
        pixels=sum(tone.pixels for tone in tones),
        gains=gains,
        spread_deg=max(across, within),
    )


def aggregate_concern(concerns: list[Concern]) -> Concern:
    """Median scores and measurements; the heat map of the best frame (the first)."""
    best = concerns[0]
    return Concern(
        name=best.name,
        score=float(np.median([item.score for item in concerns])),
        regions=median_dict([item.regions for item in concerns]),
        measurements=median_dict([item.measurements for item in concerns]),
        explanation=f"{best.explanation} (clearest frame; scores are the middle of "
        f"{len(concerns)} frames)",
        heat_source=best.heat_source,
        spots=best.spots,
        score_range=_median_range(concerns),
    )


def _median_range(concerns: list[Concern]) -> tuple[float, float] | None:
    ranges = [item.score_range for item in concerns if item.score_range is not None]
    if not ranges:
        return None
    low, high = np.median(np.array(ranges), axis=0)
    return float(low), float(high)


def aggregate_skin_type(types: list[SkinType]) -> SkinType:
    kind, votes = Counter(item.kind for item in types).most_common(1)[0]
    chosen = max((item for item in types if item.kind == kind), key=lambda t: t.confidence)
    return SkinType(
        kind=chosen.kind,
        decided_by=chosen.decided_by,
        image_kind=chosen.image_kind,
        self_reported=chosen.self_reported,
        measurements=median_dict([item.measurements for item in types]),
        confidence=chosen.confidence * votes / len(types),
    )


def common_issues(results: list[AnalysisResult]) -> tuple[QualityIssue, ...]:
    """Issues found in at least half of the frames, once each."""
    counts = Counter(item.code for result in results for item in result.quality)
    seen: dict[str, QualityIssue] = {}
    for result in results:
        for item in result.quality:
            if counts[item.code] * 2 >= len(results) and item.code not in seen:
                seen[item.code] = item
    return tuple(seen.values())


def face_frames_issue(found: int, sampled: int, measured: int) -> QualityIssue | None:
    """What a clip whose face was clearly seen in `found` of its `sampled` frames, `measured`
    of them measured, is told: nothing when it was seen in enough of them."""
    if found >= FACE_FRAMES_SHARE * sampled:
        return None
    return face_frames(found, sampled, blocking=measured < MIN_FACE_FRAMES)


def few_frames(
    issue: QualityIssue, result: AnalysisResult, found: int, sampled: int
) -> tuple[QualityIssue, AnalysisResult]:
    """A clip's result from the frames its face was seen in (`found` of `sampled`, under
    FACE_FRAMES_SHARE): its confidence times the share over FACE_FRAMES_SHARE (the same at
    the half, where the note starts; halved at a quarter). Lowered under the least a result is
    shown with (`validity.MIN_CONFIDENCE`), it is refused: TOO_FEW_FACE_FRAMES."""
    confidence = result.confidence * min(1.0, found / sampled / FACE_FRAMES_SHARE)
    if confidence < MIN_CONFIDENCE:
        return face_frames(found, sampled, blocking=True), result
    return issue, replace(result, confidence=confidence)


def aggregate_results(results: list[AnalysisResult]) -> AnalysisResult:
    """`results` are ordered best frame first."""
    best = results[0]
    measured = [r for r in results if r.tone is not None and r.skin_type is not None]
    if not measured:
        return best
    itas = np.array([r.tone.ita_deg for r in measured if r.tone is not None])
    spread = {
        "ita_std_deg": float(itas.std()),
        "ita_range_deg": float(np.ptp(itas)),
        "monk_range": float(np.ptp([r.tone.monk for r in measured if r.tone is not None])),
    }
    concerns = tuple(
        aggregate_concern([r.concern(item.name) for r in measured]) for item in best.concerns
    )
    confidence = float(np.median([r.confidence for r in measured]))
    confidence /= 1.0 + spread["ita_std_deg"] / ITA_SPREAD_FOR_HALF_CONFIDENCE
    return AnalysisResult(
        quality=common_issues(measured),
        confidence=confidence,
        tone=aggregate_tone(
            [r.tone for r in measured if r.tone is not None], spread["ita_std_deg"]
        ),
        skin_type=aggregate_skin_type([r.skin_type for r in measured if r.skin_type is not None]),
        concerns=concerns,
        geometry=best.geometry,
        frames_analysed=len(measured),
        spread=spread,
        spots=merge_frames([r.spots for r in measured]),
        capture=best.capture,
    )
