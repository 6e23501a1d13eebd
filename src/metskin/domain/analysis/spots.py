"""Pigmented spots in the aligned face frame, so that one spot keeps its place across photos.

The aligned face frame is built from the face-mesh landmarks in 3-D (MediaPipe's z has the
scale of x):

- origin: the midpoint of the two eye centres (each the mean of its two corners);
- x axis: along the line from the subject's right eye to the left eye, made level from several
  left/right landmark pairs (eye corners, face edges, mouth corners, cheeks); x grows towards
  the subject's left, which is the right of a non-mirrored photo;
- y axis: towards the chin, at right angles to x (from the forehead top down to below the nose);
- unit: FRAME_UNIT_MM, a nominal 150 mm, that is FRAME_UNIT_MM / EYE_DISTANCE_MM of the
  person's own 3-D eye distance (about 63 mm on an adult). A distance of 0.03 is about 4.5 mm.

Positions are the spot's place on a frontal view of the person's own mesh: every landmark is
turned to face the camera, and the spot is carried along with its neighbouring landmarks (a
locally affine fit). Distance, image size, in-plane rotation and moderate head turns therefore
change them little. `area_mm2` is the spot's area on that frontal view in nominal millimetres.
`darkness` is 0-100: DARKNESS_PER_L_STAR per unit of ΔL* between the spot's core and its
surround, on the contrast map the pigmentation score uses (smoothed a little).

Spots that were seen but could not be measured whole have no area or darkness: they only tell
a later analysis that something dark was there already.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import cv2
import numpy as np

from metskin.domain.analysis import landmarks as lm
from metskin.domain.analysis.face_image import FaceImage
from metskin.domain.analysis.filters import Blob, disk, labels_mostly_inside, labels_touching
from metskin.domain.analysis.model import Concern, DarkSpot, SpotInCrop
from metskin.domain.analysis.scoring import blobs_in

EYE_DISTANCE_MM = 63.0  # adult mean distance between the eye centres
FRAME_UNIT_MM = 150.0  # one unit of the aligned face frame
SAME_SPOT = 0.03  # frame units (about 4.5 mm): the same spot in two frames of one video
DARKNESS_PER_L_STAR = 2.5  # darkness 100 is 40 L* darker than the surround
MAX_SPOTS = 20  # the most severe (area x contrast) spots are measured and reported ...
MAX_SEEN = 20  # ... and at most this many more only by their place (seen, not measured)
EDGE_MARGIN = 0.05  # of the eye distance: a blob darkest this near the skin's edge is the edge
NEIGHBOURHOOD = 0.15  # sigma of the landmark weights of the local fit, in eye distances
NEIGHBOURS = 24  # the nearest landmarks in the fit (the 24th is about 2 sigma away)
MESH_POINTS = 468  # the iris points (468-477) follow the gaze, not the skin
# Landmark pairs (subject's right, left): eye corners, face edges, mouth corners, cheeks, jaw.
RIGHT_LEFT_PAIRS = ((33, 263), (133, 362), (234, 454), (61, 291), (123, 352), (58, 288))
FOREHEAD_TOP = 10
BELOW_NOSE = 2
FRAME_POINTS = [
    *lm.RIGHT_EYE_CORNERS,
    *lm.LEFT_EYE_CORNERS,
    *(right for right, _ in RIGHT_LEFT_PAIRS),
    *(left for _, left in RIGHT_LEFT_PAIRS),
    FOREHEAD_TOP,
    BELOW_NOSE,
]
CORE_FRACTION = 0.5  # the core is as many of the darkest pixels as half the blob
SMOOTH = 1.0  # pixels (about 0.6 mm): so that a photo's sharpness matters less
HALF = 0.5  # the spot is where the contrast is at least this fraction of the core's
WINDOW = 0.5  # a spot ends within this much (of the blob's length) beyond the blob
RIM = np.ones((3, 3), dtype=np.uint8)


@dataclass(frozen=True)
class FaceFrame:
    """The aligned face frame, in the pixels (x, y, z) of the landmarks it was built from."""

    origin: np.ndarray  # (3,)
    axes: np.ndarray  # (2, 3): unit x and y axes
    unit: float  # pixels per frame unit

    def frontal(self, points: np.ndarray) -> np.ndarray:
        """(N, 3) landmarks -> (N, 2) frame coordinates of the frontal view."""
        return np.asarray((points - self.origin) @ self.axes.T / self.unit)


def face_frame(points: np.ndarray) -> FaceFrame:
    """The frame of one face from its (N >= 468, 3) landmarks."""
    pts = np.asarray(points[FRAME_POINTS, :3], dtype=np.float64)
    right, left = (pts[0] + pts[1]) / 2, (pts[2] + pts[3]) / 2
    pairs = len(RIGHT_LEFT_PAIRS)
    across = (pts[4 + pairs : 4 + 2 * pairs] - pts[4 : 4 + pairs]).sum(axis=0)
    x_axis = across / math.sqrt(across @ across)
    down = pts[-1] - pts[-2]
    down -= (down @ x_axis) * x_axis
    y_axis = down / math.sqrt(down @ down)
    eyes = left - right
    unit = math.sqrt(eyes @ eyes) * FRAME_UNIT_MM / EYE_DISTANCE_MM
    return FaceFrame((left + right) / 2, np.stack([x_axis, y_axis]), unit)


def to_frame(points: np.ndarray, image_xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Frame positions (n, 2) of image points (n, 2) on the face, and the area factor (n,)
    from image pixels^2 to frame units^2 at each.

    Each point moves with its neighbouring landmarks: a weighted least-squares affine map from
    the landmarks' image positions to their frontal frame positions, fitted around the point.
    """
    mesh = np.asarray(points[:MESH_POINTS], dtype=np.float64)
    frame = face_frame(mesh)
    where = np.asarray(image_xy, dtype=np.float64).reshape(-1, 2)
    if len(where) == 0:
        return np.zeros((0, 2)), np.zeros(0)
    frontal = frame.frontal(mesh)
    scale = FRAME_UNIT_MM / (NEIGHBOURHOOD * EYE_DISTANCE_MM * frame.unit)  # 1 / sigma
    flat = (mesh[:, :2] * scale).astype(np.float32)  # the search runs in float32: half the
    at = (where * scale).astype(np.float32)  # memory, and positions need no more precision
    dx = flat[:, 0] - at[:, :1]  # (n, N), in sigmas
    dy = flat[:, 1] - at[:, 1:]
    squared = dx * dx + dy * dy
    near = np.argpartition(squared, NEIGHBOURS, axis=1)[:, :NEIGHBOURS]  # (n, K)
    rows = np.arange(len(where))[:, np.newaxis]
    dx, dy = dx[rows, near], dy[rows, near]
    weights = np.exp(-0.5 * squared[rows, near])
    weights /= weights.sum(axis=1, keepdims=True)
    wx, wy = weights * dx, weights * dy
    fx, fy = frontal[near, 0], frontal[near, 1]  # (n, K) each
    # Centred on the weighted mean (mx, my), the fit is frontal = mean + gx (dx - mx) + gy (...).
    mx, my = wx.sum(axis=1), wy.sum(axis=1)
    mean = np.stack([(weights * fx).sum(axis=1), (weights * fy).sum(axis=1)], axis=1)
    sxx = (wx * dx).sum(axis=1) - mx * mx
    syy = (wy * dy).sum(axis=1) - my * my
    sxy = (wx * dy).sum(axis=1) - mx * my
    sxf = np.stack([(wx * fx).sum(axis=1), (wx * fy).sum(axis=1)], axis=1) - mx[:, None] * mean
    syf = np.stack([(wy * fx).sum(axis=1), (wy * fy).sum(axis=1)], axis=1) - my[:, None] * mean
    determinant = (sxx * syy - sxy * sxy)[:, np.newaxis]
    gx = (syy[:, np.newaxis] * sxf - sxy[:, np.newaxis] * syf) / determinant
    gy = (sxx[:, np.newaxis] * syf - sxy[:, np.newaxis] * sxf) / determinant
    positions = mean - gx * mx[:, np.newaxis] - gy * my[:, np.newaxis]  # at dx = dy = 0
    area = np.abs(gx[:, 0] * gy[:, 1] - gx[:, 1] * gy[:, 0]) * scale**2
    return positions, area


def edge_labels(face: FaceImage, labels: np.ndarray, darker: np.ndarray) -> set[int]:
    """The blobs of `labels` that are the skin's edge, not a spot: those that touch the hair
    (shaded by it, with its fine strands: a fringe's edge read as a row of dark spots), and
    those darkest within EDGE_MARGIN eye distances of the edge of the skin (a nostril, the
    fold of the nose's wing, the corner of an eye). One such blob made a region's dark-spot
    score 100: the nose of 28 of the 102 London people in one of their two shots (neutral,
    smiling) and 0 in the other, 9 now. A spot that only runs into an edge's shade keeps its
    darkest point away from it (planted spots by a shaded hairline are still found). Nor is a
    blob mostly inside stubble (`stubble.stubble_mask`): a denser patch of short hairs."""
    inside = labels > 0
    if not inside.any():
        return set()
    found = set(labels_touching(face.masks["hair"], labels).tolist())
    if (stubble := face.masks.get("stubble")) is not None and stubble.any():
        found |= labels_mostly_inside(stubble, labels)
    outside = ~face.region("skin")  # the features, the hair and beyond the outline
    margin = max(1, round(face.eye_distance * EDGE_MARGIN))
    near = cv2.dilate(outside.view(np.uint8), disk(margin)).view(bool)[inside]
    which, value = labels[inside], darker[inside]
    order = np.lexsort((value, which))  # by label, then darkness: each label's darkest last
    darkest = order[np.r_[which[order][1:] != which[order][:-1], True]]
    return found | set(which[darkest][near[darkest]].tolist())


def spots_in_crop(
    labels: np.ndarray,
    darker: np.ndarray,
    found: Sequence[Blob],
    skin: np.ndarray,
    faint: Sequence[Blob] = (),
    places: dict[str, np.ndarray] | None = None,
) -> tuple[tuple[SpotInCrop, ...], set[int]]:
    """Core contrast, area and centre of each found blob (the most severe MAX_SPOTS), measured
    on the contrast map `darker` (ΔL* below the surround) around the blob; then the centres of
    the `faint` blobs (below the reporting bar) and of the found ones that could not be
    measured, as seen-only spots (the most severe MAX_SEEN). Also the labels of the found blobs
    that could not be measured: the dark-spot score leaves them out.

    The detection mask has holes and ragged edges (the threshold, the redness and highlight
    cuts), so the spot is measured again near it: the core is the mean of the darkest pixels
    (as many as CORE_FRACTION of the blob), the spot is where the contrast is at least half the
    core's, and its area is its whole darkening over the core's (sub-pixel, and it does not
    move with the detection threshold). Kept as seen-only: a blob whose half-contrast area runs
    on beyond the blob (a fold, a shadow, stubble, spots run together), and a spot cut by the
    edge of `skin` (eye corners, brows, nostrils, hair: it cannot be measured whole, and is
    often a shadow of that edge).
    """
    measured: list[SpotInCrop] = []
    seen: list[SpotInCrop] = []
    unmeasured: set[int] = set()
    for blob in _severest(found, MAX_SPOTS):
        spot = _measure(_Window(labels, darker, blob), skin)
        if spot.area_px is None:
            seen.append(spot)
            unmeasured.add(blob.label)
        else:
            where = (name for name, zone in (places or {}).items() if blobs_in([blob], zone))
            measured.append(replace(spot, region=next(where, None)))  # where the score counts it
    seen += [SpotInCrop(blob.centre) for blob in _severest(faint, MAX_SEEN - len(seen))]
    return (*measured, *seen[:MAX_SEEN]), unmeasured


def _severest(found: Sequence[Blob], count: int) -> list[Blob]:
    return sorted(found, key=lambda b: b.area * b.mean, reverse=True)[:count]


class _Window:
    """The contrast map around one blob (smoothed) and the blob's pixels in it."""

    def __init__(self, labels: np.ndarray, darker: np.ndarray, blob: Blob) -> None:
        reach = math.ceil(blob.length * (0.5 + WINDOW)) + 2
        cx, cy = round(blob.centre[0]), round(blob.centre[1])
        self.top, self.left = max(0, cy - reach), max(0, cx - reach)
        self.rows = slice(self.top, min(labels.shape[0], cy + reach + 1))
        self.cols = slice(self.left, min(labels.shape[1], cx + reach + 1))
        self.blob = blob
        self.inside = labels[self.rows, self.cols] == blob.label
        self.values = cv2.GaussianBlur(darker[self.rows, self.cols], (0, 0), SMOOTH)

    def centroid(self, spot: np.ndarray) -> tuple[float, float]:
        """The contrast-weighted centre of `spot`, in crop pixels."""
        moments = cv2.moments(self.values * spot)
        return (
            self.left + moments["m10"] / moments["m00"],
            self.top + moments["m01"] / moments["m00"],
        )


def _measure(window: _Window, skin: np.ndarray) -> SpotInCrop:
    """The measured spot, or a seen-only one when it cannot be measured."""
    values, inside = window.values, window.inside
    count = max(1, round(window.blob.area * CORE_FRACTION))
    near = values[inside]
    core = float(np.partition(near, near.size - count)[-count:].sum()) / count
    if core <= 0:
        return SpotInCrop(window.blob.centre)
    # The spot: the parts of the map at least half as dark as the core that touch the blob.
    count, parts = cv2.connectedComponents((values >= HALF * core).view(np.uint8), connectivity=8)
    touching = np.zeros(count, dtype=bool)
    touching[parts[inside]] = True
    touching[0] = False
    border = np.concatenate([parts[0], parts[-1], parts[:, 0], parts[:, -1]])
    if touching[border].any():  # part of a fold or a shadow
        return SpotInCrop(window.blob.centre)
    spot = touching[parts]
    centre = window.centroid(spot)
    rim = cv2.dilate(spot.view(np.uint8), RIM).view(bool)
    if not skin[window.rows, window.cols][rim].all():
        return SpotInCrop(centre)
    area = float(np.clip(values[rim], 0.0, core).sum()) / core
    return SpotInCrop(centre, area, core)


def aligned_spots(points: np.ndarray, concerns: Sequence[Concern]) -> tuple[DarkSpot, ...]:
    """The pigmentation concern's spots in the aligned face frame.

    `points` are the (N, 3) landmarks in the pixels of the measured crop.
    """
    found = next((c.spots for c in concerns if c.name == "pigmentation"), ())
    if not found:
        return ()
    positions, factors = to_frame(points, np.array([s.centre for s in found]))
    return tuple(
        DarkSpot(
            x=float(xy[0]),
            y=float(xy[1]),
            area_mm2=None
            if spot.area_px is None
            else float(spot.area_px * factor * FRAME_UNIT_MM**2),
            darkness=None if spot.delta_l_star is None else darkness(spot.delta_l_star),
            delta_l_star=spot.delta_l_star,
            region=spot.region,
        )
        for spot, xy, factor in zip(found, positions, factors, strict=True)
    )


def darkness(delta_l_star: float) -> float:
    return float(np.clip(DARKNESS_PER_L_STAR * delta_l_star, 0.0, 100.0))


def merge_frames(frames: Sequence[tuple[DarkSpot, ...] | None]) -> tuple[DarkSpot, ...] | None:
    """Spots of several video frames, best frame first: the best frame's spots, measured when
    at least half of the frames show them (within SAME_SPOT), with the median place, area and
    darkness of the frames that measured them; seen-only otherwise."""
    looked = [spots for spots in frames if spots is not None]
    if not looked:
        return None
    merged = []
    for spot in looked[0]:
        matches = [m for m in (_nearest(spot, other) for other in looked) if m is not None]
        if not spot.measured or 2 * len(matches) < len(looked):
            merged.append(DarkSpot(spot.x, spot.y, None, None, None, None))
            continue
        sized = [m for m in matches if m.measured]
        merged.append(
            DarkSpot(
                x=_median([m.x for m in sized]),
                y=_median([m.y for m in sized]),
                area_mm2=_median([m.area_mm2 for m in sized]),
                darkness=_median([m.darkness for m in sized]),
                delta_l_star=_median([m.delta_l_star for m in sized]),
                region=spot.region,
            )
        )
    return tuple(merged)


def _nearest(spot: DarkSpot, others: Sequence[DarkSpot]) -> DarkSpot | None:
    best, best_distance = None, SAME_SPOT
    for other in others:
        distance = math.hypot(other.x - spot.x, other.y - spot.y)
        if distance <= best_distance:
            best, best_distance = other, distance
    return best


def _median(values: Sequence[float | None]) -> float:
    return float(np.median([value for value in values if value is not None]))
