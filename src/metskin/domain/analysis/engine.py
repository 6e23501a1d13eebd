"""Use cases: analyse one photo, or a sequence of video frames."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

import numpy as np

from metskin.domain.analysis import landmarks as lm
from metskin.domain.analysis import quality, validity
from metskin.domain.analysis.aggregate import aggregate_results, face_frames_issue, few_frames
from metskin.domain.analysis.capture import measure_capture
from metskin.domain.analysis.compression import SourceCoding, compression_issues
from metskin.domain.analysis.concerns import measure_concerns
from metskin.domain.analysis.errors import UnreadableMedia
from metskin.domain.analysis.eyes import blown_eyes, readable_eyes, sclera_level, sclera_pixels
from metskin.domain.analysis.face_image import FRINGE_COVERS, FaceImage, build_face_image
from metskin.domain.analysis.filters import shrink
from metskin.domain.analysis.geometry import (
    crop_points,
    in_box,
    make_geometry,
    sample_window,
    upright_crop,
)
from metskin.domain.analysis.guidance import in_video_words
from metskin.domain.analysis.mixed_light import MixedLight, mixed_light
from metskin.domain.analysis.model import AnalysisResult, FaceGeometry, QualityIssue, Tone
from metskin.domain.analysis.ports import DeferredFrame, FaceLandmarker
from metskin.domain.analysis.skin_type import measure_skin_type
from metskin.domain.analysis.spots import aligned_spots
from metskin.domain.analysis.stubble import STUBBLE_NOTE
from metskin.domain.analysis.tone import SIDE_LIGHT, measure_tone
from metskin.domain.analysis.top_shade import TOP_SHADE
from metskin.domain.analysis.white_reference import white_balance

Progress = Callable[[str, float], None]
SAMPLE_SIDE = 256  # whole-image statistics (background, exposure) use a copy this small
BACKGROUND_MARGIN = 0.25  # of the face box, kept out of the background sample
BEST_FRAMES = 5
GATE_SIDE = 480  # video frames are gated (landmarks, quality) on a copy whose long side is this


@dataclass(frozen=True, eq=False)
class CheckedFrame:
    """A face that passed detection, with its crop, geometry and quality issues."""

    points: np.ndarray
    crop: np.ndarray
    geometry: FaceGeometry
    issues: list[QualityIssue]
    background: np.ndarray  # (N, 3) uint8 pixels around the face, for colour constancy
    quality_score: float
    image: np.ndarray | None = field(default=None, repr=False)
    sclera_level: float | None = None  # log2 luminance of the whites of the eyes: the exposure
    eyes: np.ndarray | None = field(default=None, repr=False)  # the sclera's linear pixels
    mixed: MixedLight | None = field(default=None, repr=False)  # lights of two colours

    def points_in_crop(self) -> np.ndarray:
        """The landmarks' (x, y) in crop pixels."""
        geometry = self.geometry
        return crop_points(self.points, geometry.box, geometry.scale, geometry.turn)

    def points_in_crop_3d(self) -> np.ndarray:
        """The landmarks' (x, y, z) in crop pixels."""
        geometry = self.geometry
        return crop_points(self.points, geometry.box, geometry.scale, geometry.turn, depth=True)


def ensure_rgb(rgb: np.ndarray) -> np.ndarray:
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8 or min(rgb.shape[:2]) < 16:
        raise UnreadableMedia("Expected an RGB image of at least 16x16 pixels.")
    return rgb


def sample_step(rgb: np.ndarray) -> int:
    """Whole-image statistics read every this many pixels of every this many rows."""
    return max(1, max(rgb.shape[:2]) // SAMPLE_SIDE)


def small_copy(rgb: np.ndarray) -> np.ndarray:
    step = sample_step(rgb)
    return rgb[::step, ::step]


def background_pixels(rgb: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """Pixels of a small copy of the image, away from the face box."""
    step = sample_step(rgb)
    sample = rgb[::step, ::step]
    top, left, bottom, right = sample_window(sample.shape, step, box, BACKGROUND_MARGIN)
    # row by row, as a boolean mask would list them: the rows above, left and right of the
    # grown box beside it, the rows below (slices of the strided sample, one copy)
    beside = np.concatenate([sample[top:bottom, :left], sample[top:bottom, right:]], axis=1)
    return np.concatenate(
        [sample[:top].reshape(-1, 3), beside.reshape(-1, 3), sample[bottom:].reshape(-1, 3)]
    )


NO_PIXELS = np.zeros((0, 3))
NO_PIXELS.setflags(write=False)


def check_frame(
    rgb: np.ndarray, faces: list[np.ndarray], coding: SourceCoding | None = None
) -> CheckedFrame | list[QualityIssue]:
    """The quality gate: a checked face, or the blocking issues when there is none. `coding`:
    how a photo stored as JPEG was coded when uploaded (an AVIF's quantiser)."""
    points, issues = quality.choose_face(faces, rgb.shape)
    if points is None:
        return issues
    crop, box, scale, turn, inside = upright_crop(rgb, points)
    geometry = make_geometry(points, box, scale, (crop.shape[0], crop.shape[1]), turn, inside)
    masks = geometry.masks
    pts = crop_points(points, box, scale, turn)
    eye_distance = lm.eye_distance(pts)
    measured = quality.measure_quality(
        rgb, crop, masks["skin"], masks["face"], eye_distance, sample_step(rgb), masks["forehead"]
    )
    issues += measured.issues()
    issues += compression_issues(rgb, box, scale, in_box(masks["skin"], geometry), coding)
    closed = any(item.code == "EYES_CLOSED" for item in issues)
    seen = None if closed else readable_eyes(crop, pts, scale)
    # the sclera's pixels, read once: the white balance reads them too (none of closed eyes:
    # their lids' skin would be read as the whites of the eyes)
    eyes = NO_PIXELS if closed else None if seen is None else sclera_pixels(crop, pts, seen)
    sclera = sclera_level(crop, pts, scale, eyes)
    background = background_pixels(rgb, box)
    step = sample_step(rgb)
    mixed = mixed_light(
        crop,
        masks["skin"],
        pts,
        rgb[::step, ::step],
        step,
        box,
        BACKGROUND_MARGIN,
        points,
        lambda pixels: white_balance(pixels, crop, pts, scale, eyes)[0],
    )
    if mixed is not None:
        issues.append(quality.issue("MIXED_LIGHT", float(np.hypot(*mixed.gap))))
    light = quality.exposure_issues(
        issues,
        sclera,
        measured.image_top,
        blown_eyes(crop, pts, seen),
        measured.forehead_luma_median,
        quality.background_level(background),
    )
    if any(item.code == "OVEREXPOSED" for item in light):  # blocks: drop the warning
        issues = [item for item in issues if item.code != "OVEREXPOSED"]
        glare = validity.glare_fraction(crop, masks["skin"], eye_distance, pts)
        if glare > validity.MAX_GLARE_FRACTION:  # a reflection on glasses blew the eyes out
            light = [validity.issue("GLASSES_GLARE", glare)]
    issues += light
    penalty = 0.5 ** sum(1 for item in issues if item.code not in quality.LIGHT_CODES)
    score = measured.score() * penalty
    return CheckedFrame(
        points,
        crop,
        geometry,
        issues,
        background,
        score,
        sclera_level=sclera,
        eyes=eyes,
        mixed=mixed,
    )


def analyse_checked(checked: CheckedFrame, self_reported: str | None) -> AnalysisResult:
    """Tone, skin type and concerns of a face that passed the gate; nothing but its issues when
    the gate found one that blocks (TOO_DARK, UNDEREXPOSED, ...: nothing to trust). Before, a
    photo analysed by the worker was measured all the same, and its result carried a tone and
    scores beside "retake" (`analyse_image` returned early; the worker's path did not)."""
    if any(item.blocking for item in checked.issues):
        return AnalysisResult(quality=tuple(checked.issues), confidence=0.0)
    geometry = checked.geometry
    pts = checked.points_in_crop()
    gains, cast_left = white_balance(
        checked.background, checked.crop, pts, geometry.scale, checked.eyes
    )
    if checked.mixed is not None:  # the mean of the lights beside the two halves
        gains = checked.mixed.gains
    face = build_face_image(checked.crop, pts, geometry.masks, gains)
    unfit = validity.measure_validity(face, pts, geometry.scale, cast_left).issues()
    if unfit:
        return validity.blocked(checked.issues, unfit)
    tone = measure_tone(face, quality.light_penalty(checked.issues))
    issues = [*checked.issues, *lean_issues(tone)]
    issues += stubble_issue(face)
    if forehead_covered(face):
        issues.append(quality.issue("FOREHEAD_COVERED"))
    confidence = quality.result_confidence(tone.confidence if tone else 0.0, issues)
    if unfit := validity.confidence_issue(confidence):
        return validity.blocked(issues, unfit)
    concerns = quality.widened(measure_concerns(face), issues)
    return validity.finite_or_blocked(
        AnalysisResult(
            quality=tuple(issues),
            confidence=confidence,
            tone=tone,
            skin_type=measure_skin_type(face, self_reported),
            concerns=concerns,
            geometry=replace(geometry, masks=face.masks),
            spots=aligned_spots(checked.points_in_crop_3d(), concerns),
            capture=measure_capture(face, checked.points, checked.sclera_level),
        )
    )


def forehead_covered(face: FaceImage) -> bool:
    """Whether the forehead is not read: a covering left out of the skin
    (`covering.covering_mask`: a headscarf, a hat of a colour other than hair's), or more than
    FRINGE_COVERS of it under what the hair masks take (a fringe, a black hat or hood). Under a
    black beanie or cap the tone read a median 2.6-3.5 deg off with no word said
    (docs/benchmarks.md, "Hats and hoods")."""
    if "covering" in face.masks:
        return True
    forehead = face.masks["forehead"]
    hidden = np.count_nonzero(forehead & face.masks["hair"])
    return hidden > FRINGE_COVERS * np.count_nonzero(forehead)


def lean_issues(tone: Tone | None) -> list[QualityIssue]:
    """Warnings when the tone leaned on part of the skin: the lit half of the face
    (UNEVEN_LIGHT, `tone.SIDE_LIGHT`), the skin below a shaded forehead (FOREHEAD_SHADE,
    `top_shade.TOP_SHADE`)."""
    if tone is None:
        return []
    leans = (
        ("UNEVEN_LIGHT", tone.side_light_stops, SIDE_LIGHT[0]),
        ("FOREHEAD_SHADE", tone.forehead_shade_stops, TOP_SHADE[0]),
    )
    return [
        quality.issue(code, stops)
        for code, stops, start in leans
        if stops is not None and stops >= start
    ]


def stubble_issue(face: FaceImage) -> list[QualityIssue]:
    """A warning when stubble covers STUBBLE_NOTE or more of the smile lines' skin: no line
    (`lines.find_lines`) or dark spot (`spots.edge_labels`) is read under it."""
    smile_lines = face.region("nasolabial_right") | face.region("nasolabial_left")
    covered = np.count_nonzero(face.masks["stubble"] & smile_lines)
    share = covered / max(1, np.count_nonzero(smile_lines))
    return [quality.issue("STUBBLE", share)] if covered and share >= STUBBLE_NOTE else []


def analyse_image(
    rgb: np.ndarray,
    landmarker: FaceLandmarker,
    *,
    self_reported_skin_type: str | None = None,
    coding: SourceCoding | None = None,
) -> AnalysisResult:
    """Analyse one photo. Quality problems come back in `result.quality`, not as exceptions."""
    rgb = ensure_rgb(rgb)
    return analyse_faces(
        rgb, landmarker.detect(rgb), self_reported_skin_type=self_reported_skin_type, coding=coding
    )


def analyse_faces(
    rgb: np.ndarray,
    faces: list[np.ndarray],
    *,
    self_reported_skin_type: str | None = None,
    coding: SourceCoding | None = None,
) -> AnalysisResult:
    """`analyse_image` of a photo whose faces (their landmarks) were found already."""
    checked = check_frame(ensure_rgb(rgb), faces, coding)
    if isinstance(checked, list):
        return AnalysisResult(quality=tuple(checked), confidence=0.0)
    return analyse_checked(checked, self_reported_skin_type)


def gate_copy(frame: np.ndarray | DeferredFrame) -> tuple[np.ndarray, np.ndarray]:
    """The copy a video frame is gated on, and the (x, y, z) factors that take its pixel
    coordinates back to the frame's."""
    if isinstance(frame, np.ndarray):
        small = shrink(ensure_rgb(frame), GATE_SIDE)
    else:
        small = ensure_rgb(frame.shrunk(GATE_SIDE))
    if min(small.shape[:2]) < 16:
        small = full_picture(frame)
    height, width = frame.shape[:2]
    scale_x, scale_y = width / small.shape[1], height / small.shape[0]
    return small, np.array([scale_x, scale_y, scale_x], dtype=np.float32)


def full_picture(frame: np.ndarray | DeferredFrame) -> np.ndarray:
    return ensure_rgb(frame if isinstance(frame, np.ndarray) else frame.full())


@dataclass(frozen=True, eq=False)
class _Candidate:
    score: float
    index: int
    frame: np.ndarray | DeferredFrame = field(repr=False)
    faces: list[np.ndarray] = field(repr=False)  # landmarks in the frame's pixels

    def key(self) -> tuple[float, int]:
        return self.score, -self.index  # better score first, then the earlier frame


def analyse_frames(
    frames: Iterable[np.ndarray | DeferredFrame],
    landmarker: FaceLandmarker,
    *,
    progress: Progress | None = None,
    expected_frames: int | None = None,
    best_n: int = BEST_FRAMES,
    self_reported_skin_type: str | None = None,
) -> AnalysisResult:
    """Analyse sampled video frames: gate every frame on a small copy, then check again and
    measure the best `best_n` at full size, and aggregate.

    `progress(stage, fraction)` gets DECODING and FACE_MESH per frame, then MEASURING.
    """
    report = progress or (lambda stage, fraction: None)
    best: list[tuple[tuple[float, int], int, _Candidate]] = []
    blocked: list[QualityIssue] = []  # why the gate last refused a face (TOO_DARK), if it did
    # frames sampled; of them, with a face the gate let through, less those measured at full
    # size that failed there (before, a clip whose gated frames failed at full size kept the
    # share the gate saw)
    count = usable = 0
    for index, frame in enumerate(frames):
        count += 1
        fraction = min(1.0, count / expected_frames) if expected_frames else 0.0
        report("DECODING", fraction)
        small, back = gate_copy(frame)
        faces = landmarker.detect(small)
        checked = check_frame(small, faces)
        report("FACE_MESH", fraction)
        if isinstance(checked, list) or any(item.blocking for item in checked.issues):
            if not isinstance(checked, list):
                blocked = [item for item in checked.issues if item.blocking]
            continue
        usable += 1
        candidate = _Candidate(checked.quality_score, index, frame, [face * back for face in faces])
        entry = (candidate.key(), index, candidate)
        if len(best) < best_n:
            heapq.heappush(best, entry)
        else:
            heapq.heappushpop(best, entry)
    if count == 0:
        raise UnreadableMedia("The video has no frames.")
    report("DECODING", 1.0)
    report("FACE_MESH", 1.0)
    ranked = [item[2] for item in sorted(best, key=lambda item: item[0], reverse=True)]
    results, images, unfit = [], [], None
    for done, candidate in enumerate(ranked, start=1):
        picture = full_picture(candidate.frame)
        full = check_frame(picture, candidate.faces)
        if not isinstance(full, list) and any(item.blocking for item in full.issues):
            blocked = [item for item in full.issues if item.blocking]
            measured = None
        else:
            measured = (
                None if isinstance(full, list) else analyse_checked(full, self_reported_skin_type)
            )
        if measured is not None and measured.ok:
            results.append(measured)
            images.append(picture)
        else:  # its face is not counted as seen: it did not pass at full size
            usable -= 1
            if measured is not None and unfit is None:
                unfit = replace(measured, frames_analysed=0)  # the best frame's blocking issues
        report("MEASURING", done / len(ranked))
    if not results and unfit is not None:
        told = in_video_words(unfit.quality)
        return replace(unfit, quality=told, spread={"frames_sampled": float(count)})
    if not results:
        return AnalysisResult(
            quality=in_video_words(
                tuple(blocked or [quality.issue("NO_FACE", 0.0, blocking=True)])
            ),
            confidence=0.0,
            frames_analysed=0,
            spread={"frames_sampled": float(count)},
        )
    sampled = {"frames_sampled": float(count)}
    few = face_frames_issue(usable, count, len(results))
    combined = validity.finite_or_blocked(aggregate_results(results))
    if few is not None and combined.ok:  # its confidence lowered by the share seen
        few, combined = few_frames(few, combined, usable, count)
    if few is not None and few.blocking:  # one frame of a clip that showed no face in most
        return AnalysisResult(quality=(few,), confidence=0.0, frames_analysed=0, spread=sampled)
    return replace(
        combined,
        quality=in_video_words(combined.quality) + ((few,) if few and combined.ok else ()),
        frame=images[0],
        spread={**combined.spread, **sampled},
    )
